// The glyph atlas grows without rebuilding (docs/internals/fonts.md "Growing"): a new
// character rasterises only its own glyphs into spare rows, old glyphs keep their pixels
// and UVs, a full texture grows by copying, and what is added looks exactly like what
// ImGui's own FreeType build makes. No window: the pixels go to memory, not to GL.
#include <gtest/gtest.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "platform/glyph_atlas.h"

namespace yimen::platform {
namespace {

// The texture in memory, with a count of what the atlas asked of it.
class MemoryTexture final : public AtlasTexture {
 public:
  void* Upload(const unsigned char* src, int w, int h) override {
    ++uploads;
    width = w;
    height = h;
    pixels.assign(src, src + static_cast<size_t>(w) * static_cast<size_t>(h));
    return reinterpret_cast<void*>(intptr_t{7});
  }
  void* Grow(int new_height) override {
    ++grows;
    EXPECT_GT(new_height, height);
    height = new_height;
    pixels.resize(static_cast<size_t>(width) * static_cast<size_t>(height), 0);
    return reinterpret_cast<void*>(intptr_t{7});
  }
  void Write(int x, int y, int w, int h, const unsigned char* src) override {
    ++writes;
    EXPECT_LE(x + w, width);
    EXPECT_LE(y + h, height);
    for (int row = 0; row < h; ++row) {
      std::copy(src + static_cast<ptrdiff_t>(row) * w, src + static_cast<ptrdiff_t>(row + 1) * w,
                pixels.begin() + static_cast<ptrdiff_t>(y + row) * width + x);
    }
  }

  std::vector<unsigned char> pixels;
  int width = 0, height = 0;
  int uploads = 0, grows = 0, writes = 0;
};

// One glyph as drawn: its metrics and the pixels its UVs point at.
struct Drawn {
  float x0, y0, x1, y1, advance;
  int w, h;
  std::vector<unsigned char> pixels;
  bool operator==(const Drawn&) const = default;
};

Drawn Draw(const MemoryTexture& tex, const ImFont* font, char32_t cp) {
  const ImFontGlyph* g = font->FindGlyphNoFallback(static_cast<ImWchar>(cp));
  EXPECT_NE(g, nullptr) << static_cast<uint32_t>(cp);
  if (g == nullptr) return {};
  Drawn d{g->X0, g->Y0, g->X1, g->Y1, g->AdvanceX, 0, 0, {}};
  const int x = static_cast<int>(std::lround(g->U0 * static_cast<float>(tex.width)));
  const int y = static_cast<int>(std::lround(g->V0 * static_cast<float>(tex.height)));
  d.w = static_cast<int>(std::lround(g->U1 * static_cast<float>(tex.width))) - x;
  d.h = static_cast<int>(std::lround(g->V1 * static_cast<float>(tex.height))) - y;
  for (int row = 0; row < d.h; ++row) {
    auto from = tex.pixels.begin() + static_cast<ptrdiff_t>(y + row) * tex.width + x;
    d.pixels.insert(d.pixels.end(), from, from + d.w);
  }
  return d;
}

class GlyphAtlasGrowth : public ::testing::Test {
 protected:
  void SetUp() override { ImGui::CreateContext(); }
  void TearDown() override {
    atlas.reset();  // hands ImGui's font data back before the context goes
    ImGui::DestroyContext();
  }
  void Open() {
    auto texture = std::make_unique<MemoryTexture>();
    tex = texture.get();
    auto opened = GlyphAtlas::Open({}, std::move(texture));
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    atlas = std::move(*opened);
    atlas->Want(std::set<char32_t>(kStart.begin(), kStart.end()));
  }

  static constexpr std::u32string_view kStart = U"申请人姓名王李张一门办事大厅";
  const FontSizes sizes{36, 52, 72};
  std::unique_ptr<GlyphAtlas> atlas;
  MemoryTexture* tex = nullptr;
};

TEST_F(GlyphAtlasGrowth, NewCharactersRasteriseOnlyTheirOwnGlyphs) {
  Open();
  ASSERT_TRUE(atlas->Build(sizes).ok());
  const ImFont* body = atlas->Body();
  const ImFont* title = atlas->Title();
  const int used = atlas->Stats().used_height;
  const std::vector<unsigned char> before(
      tex->pixels.begin(), tex->pixels.begin() + static_cast<ptrdiff_t>(used) * tex->width);
  std::vector<ImFontGlyph> old_glyphs;
  for (char32_t cp : std::u32string(U"A王，"))
    old_glyphs.push_back(*body->FindGlyphNoFallback(static_cast<ImWchar>(cp)));

  atlas->Note("欧阳燚 王堃");
  ASSERT_TRUE(atlas->NeedsGrow());
  ASSERT_TRUE(atlas->Build(sizes).ok());
  EXPECT_FALSE(atlas->NeedsGrow());
  EXPECT_EQ(tex->uploads, 1) << "the texture was uploaded again: a rebuild";
  EXPECT_EQ(atlas->Stats().builds, 1);
  EXPECT_EQ(atlas->Stats().additions, 1);
  // 欧 阳 燚 堃 at the body and title sizes, nothing else.
  EXPECT_EQ(atlas->Stats().rasterised, 8);
  EXPECT_EQ(tex->writes, 8);
  EXPECT_EQ(atlas->Body(), body) << "ImFont pointers stay valid";
  EXPECT_EQ(atlas->Title(), title);
  EXPECT_TRUE(std::equal(before.begin(), before.end(), tex->pixels.begin()))
      << "old glyph pixels changed";
  int i = 0;
  for (char32_t cp : std::u32string(U"A王，")) {
    const ImFontGlyph* now = body->FindGlyphNoFallback(static_cast<ImWchar>(cp));
    ASSERT_NE(now, nullptr);
    EXPECT_EQ(now->U0, old_glyphs[i].U0);
    EXPECT_EQ(now->V0, old_glyphs[i].V0);
    EXPECT_EQ(now->V1, old_glyphs[i].V1);
    ++i;
  }
  for (const ImFont* font : {body, title}) {
    for (char32_t cp : std::u32string(U"欧阳燚堃")) {
      EXPECT_NE(font->FindGlyphNoFallback(static_cast<ImWchar>(cp)), nullptr);
    }
  }
  // Nothing new: no work at all.
  ASSERT_TRUE(atlas->Build(sizes).ok());
  EXPECT_EQ(atlas->Stats().additions, 1);
  EXPECT_EQ(tex->writes, 8);
}

// What is added later is what ImGui's FreeType builder would have made: the same
// metrics and the same pixels, for a Han character, an extension-A one, and one only
// DejaVu has (merged in after the CJK face).
TEST_F(GlyphAtlasGrowth, AddedGlyphsMatchAFullBuild) {
  const std::u32string added = U"燚䶮堃ა";
  std::vector<Drawn> grown, full;
  Open();
  ASSERT_TRUE(atlas->CanDraw(U'ა'));
  ASSERT_TRUE(atlas->Build(sizes).ok());
  atlas->Want(std::set<char32_t>(added.begin(), added.end()));
  ASSERT_TRUE(atlas->Build(sizes).ok());
  ASSERT_EQ(atlas->Stats().additions, 1);
  for (const ImFont* font : {atlas->Body(), atlas->Title()}) {
    for (char32_t cp : added) grown.push_back(Draw(*tex, font, cp));
  }
  TearDown();
  SetUp();
  Open();
  atlas->Want(std::set<char32_t>(added.begin(), added.end()));
  ASSERT_TRUE(atlas->Build(sizes).ok());
  ASSERT_EQ(atlas->Stats().additions, 0);
  for (const ImFont* font : {atlas->Body(), atlas->Title()}) {
    for (char32_t cp : added) full.push_back(Draw(*tex, font, cp));
  }
  ASSERT_EQ(grown.size(), full.size());
  for (size_t k = 0; k < grown.size(); ++k) {
    const Drawn& a = grown[k];
    const Drawn& b = full[k];
    EXPECT_EQ(a.x0, b.x0) << k;
    EXPECT_EQ(a.y0, b.y0) << k;
    EXPECT_EQ(a.x1, b.x1) << k;
    EXPECT_EQ(a.y1, b.y1) << k;
    EXPECT_EQ(a.advance, b.advance) << k;
    EXPECT_EQ(a.w, b.w) << k;
    EXPECT_EQ(a.h, b.h) << k;
    EXPECT_TRUE(a.pixels == b.pixels) << "glyph " << k << " looks different";
  }
}

// Hundreds of new characters fill the spare rows: the texture grows by copying, old
// glyphs keep their pixels under their (rescaled) UVs, and the white pixel stays white.
TEST_F(GlyphAtlasGrowth, AFullTextureGrowsByCopying) {
  Open();
  ASSERT_TRUE(atlas->Build(sizes).ok());
  const int rows = tex->height;
  std::vector<Drawn> old;
  for (char32_t cp : kStart) old.push_back(Draw(*tex, atlas->Body(), cp));
  std::set<char32_t> many;
  for (char32_t cp = 0x4E00; many.size() < 600; ++cp) {
    if (atlas->CanDraw(cp)) many.insert(cp);
  }
  atlas->Want(many);
  ASSERT_TRUE(atlas->Build(sizes).ok());
  EXPECT_EQ(tex->uploads, 1);
  EXPECT_GE(tex->grows, 1);
  EXPECT_EQ(atlas->Stats().texture_grows, tex->grows);
  EXPECT_GT(tex->height, rows);
  EXPECT_EQ(atlas->Stats().tex_height, tex->height);
  EXPECT_LE(atlas->Stats().used_height, tex->height);
  size_t k = 0;
  for (char32_t cp : kStart) {
    EXPECT_TRUE(Draw(*tex, atlas->Body(), cp) == old[k]) << "glyph " << k << " moved or changed";
    ++k;
  }
  for (char32_t cp : many)
    EXPECT_NE(atlas->Title()->FindGlyphNoFallback(static_cast<ImWchar>(cp)), nullptr);
  const ImFontAtlas* fonts = ImGui::GetIO().Fonts;
  EXPECT_EQ(fonts->TexHeight, tex->height);
  const auto wx = static_cast<int>(fonts->TexUvWhitePixel.x * static_cast<float>(tex->width));
  const auto wy = static_cast<int>(fonts->TexUvWhitePixel.y * static_cast<float>(tex->height));
  EXPECT_EQ(tex->pixels[static_cast<size_t>(wy) * static_cast<size_t>(tex->width) +
                        static_cast<size_t>(wx)],
            0xFF);
}

// New sizes (长者模式) are a full rebuild, as before.
// 𠮷 (U+20BB7, CJK extension B) cannot reach ImGui 1.86 as itself (16-bit ImWchar): it
// is drawn through a private-use stand-in whose glyph is rasterised from the real code
// point (docs/internals/fonts.md "Beyond U+FFFF"), also after a full rebuild.
TEST_F(GlyphAtlasGrowth, CharactersBeyondTheBmpAreDrawnThroughAStandIn) {
  Open();
  atlas->Want({U'吉'});
  ASSERT_TRUE(atlas->Build(sizes).ok());
  EXPECT_TRUE(atlas->CanDraw(U'\U00020BB7'));
  EXPECT_TRUE(atlas->CanDrawAll("王𠮷"));
  // DejaVu has a few old emoticons (U+1F600); newer emoji no font here draws (the
  // domain refuses every emoji anyway: domain/name_chars.h).
  EXPECT_FALSE(atlas->CanDraw(U'\U0001F9A0'));

  atlas->Note("王𠮷");
  ASSERT_TRUE(atlas->NeedsGrow());
  ASSERT_TRUE(atlas->Build(sizes).ok());
  const char32_t stand_in = StandInFor(U'\U00020BB7');
  EXPECT_GE(stand_in, kFirstStandIn);
  EXPECT_LE(stand_in, kLastStandIn);
  EXPECT_EQ(StandInFor(U'\U00020BB7'), stand_in) << "one stand-in per character";
  EXPECT_EQ(RealCodepointOf(stand_in), U'\U00020BB7');
  EXPECT_EQ(RealCodepointOf(U'王'), 0u);
  std::string expected = "王";
  expected += static_cast<char>(0xE0 | (stand_in >> 12));
  expected += static_cast<char>(0x80 | ((stand_in >> 6) & 0x3F));
  expected += static_cast<char>(0x80 | (stand_in & 0x3F));
  EXPECT_EQ(DisplayText("王𠮷"), expected);
  EXPECT_EQ(DisplayText("王吉"), "王吉");

  // A real glyph: ink, and not 吉's (土 over 口, not 士 over 口).
  for (const ImFont* font : {atlas->Body(), atlas->Title()}) {
    const Drawn jixiang = Draw(*tex, font, stand_in);
    const Drawn ji = Draw(*tex, font, U'吉');
    EXPECT_GT(std::count_if(jixiang.pixels.begin(), jixiang.pixels.end(),
                            [](unsigned char a) { return a > 128; }),
              20);
    EXPECT_NE(jixiang.pixels, ji.pixels);
    EXPECT_EQ(jixiang.advance, ji.advance);
  }
  // ImGui draws what it lacks as U+FFFD, a glyph of its own (the UI-script tofu check).
  ASSERT_NE(atlas->Body()->FallbackGlyph, nullptr);
  EXPECT_EQ(atlas->Body()->FallbackGlyph->Codepoint, 0xFFFD);

  // 长者模式's sizes rebuild everything: the stand-in is drawn again.
  ASSERT_TRUE(atlas->Build({44, 64, 88}).ok());
  EXPECT_NE(atlas->Body()->FindGlyphNoFallback(static_cast<ImWchar>(stand_in)), nullptr);
  EXPECT_NE(atlas->Title()->FindGlyphNoFallback(static_cast<ImWchar>(stand_in)), nullptr);
}

TEST_F(GlyphAtlasGrowth, NewSizesRebuild) {
  Open();
  ASSERT_TRUE(atlas->Build(sizes).ok());
  ASSERT_TRUE(atlas->Build({44, 64, 88}).ok());
  EXPECT_EQ(atlas->Stats().builds, 2);
  EXPECT_EQ(tex->uploads, 2);
  EXPECT_EQ(atlas->Body()->FontSize, 44);
}

}  // namespace
}  // namespace yimen::platform
