// ImGui font atlas built from a code-point set: the Simplified Chinese face of Noto Sans
// CJK, with DejaVu Sans merged in for what it lacks, rasterised by FreeType, uploaded as GL_R8
// with a swizzle so ImGui's RGBA shader reads it as (1,1,1,a).
#include "platform/glyph_atlas.h"

#include <GL/gl.h>
#include <GL/glext.h>
#include <fcntl.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <imgui.h>
#include <imgui_freetype.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <unordered_map>

#include "domain/utf8.h"

namespace yimen::platform {
namespace {

constexpr int kTexWidth = 2048;
// Rows kept free below the glyphs after a full build: room for ~150 new characters at
// the body and title sizes before the texture must grow (docs/internals/fonts.md).
constexpr int kSpareRows = 256;
// ImGui's FreeType builder settings (imgui_freetype.cpp, 1.86) that the glyphs added
// later must repeat to look the same: light hinting, outlines only, grey anti-aliasing.
constexpr FT_Int32 kLoadFlags = FT_LOAD_NO_BITMAP | FT_LOAD_TARGET_LIGHT;

// The GL texture: GL_R8 with a swizzle so ImGui's RGBA shader reads it as (1,1,1,a).
class GlAtlasTexture final : public AtlasTexture {
 public:
  ~GlAtlasTexture() override {
    if (m_name) glDeleteTextures(1, &m_name);
  }
  void* Upload(const unsigned char* pixels, int width, int height) override {
    if (m_name == 0) glGenTextures(1, &m_name);
    glBindTexture(GL_TEXTURE_2D, m_name);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    const GLint swizzle[4] = {GL_ONE, GL_ONE, GL_ONE, GL_RED};
    glTexParameteriv(GL_TEXTURE_2D, GL_TEXTURE_SWIZZLE_RGBA, swizzle);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, width, height, 0, GL_RED, GL_UNSIGNED_BYTE, pixels);
    m_width = width;
    m_height = height;
    return reinterpret_cast<void*>(static_cast<intptr_t>(m_name));
  }
  void* Grow(int height) override {
    // Read the rows back, then respecify the same texture name taller: nothing that
    // holds the id has to change. A moment's copy of the texture is all the memory.
    std::vector<unsigned char> pixels(static_cast<size_t>(m_width) * static_cast<size_t>(height));
    glBindTexture(GL_TEXTURE_2D, m_name);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glGetTexImage(GL_TEXTURE_2D, 0, GL_RED, GL_UNSIGNED_BYTE, pixels.data());
    return Upload(pixels.data(), m_width, height);
  }
  void Write(int x, int y, int w, int h, const unsigned char* pixels) override {
    glBindTexture(GL_TEXTURE_2D, m_name);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
    glTexSubImage2D(GL_TEXTURE_2D, 0, x, y, w, h, GL_RED, GL_UNSIGNED_BYTE, pixels);
  }

 private:
  GLuint m_name = 0;
  int m_width = 0, m_height = 0;
};

Result<std::pair<void*, size_t>> MapFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return MakeError(ErrorKind::kNotFound, "font file missing: " + path);
  struct stat st {};
  if (fstat(fd, &st) != 0 || st.st_size <= 0) {
    ::close(fd);
    return MakeError(ErrorKind::kNotFound, "font file unreadable: " + path);
  }
  void* data = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (data == MAP_FAILED) return MakeError(ErrorKind::kUnavailable, "cannot map " + path);
  return std::make_pair(data, static_cast<size_t>(st.st_size));
}

// Turns a bitset into ImGui's [first,last] pairs terminated by 0.
std::vector<unsigned short> RangesOf(const std::bitset<0x10000>& set) {
  std::vector<unsigned short> ranges;
  for (unsigned cp = 1; cp < 0x10000; ++cp) {
    if (!set[cp]) continue;
    unsigned last = cp;
    while (last + 1 < 0x10000 && set[last + 1]) ++last;
    ranges.push_back(static_cast<unsigned short>(cp));
    ranges.push_back(static_cast<unsigned short>(last));
    cp = last;
  }
  ranges.push_back(0);
  return ranges;
}

// Makes ImGui's atlas `rows` tall, its pixels staying where they are: every V coordinate
// it keeps (glyphs, the white pixel, the baked lines) is a fraction of the height.
void SetTexHeight(ImFontAtlas* fonts, int rows) {
  const double scale = static_cast<double>(fonts->TexHeight) / rows;
  for (ImFont* font : fonts->Fonts) {
    for (ImFontGlyph& glyph : font->Glyphs) {
      glyph.V0 = static_cast<float>(glyph.V0 * scale);
      glyph.V1 = static_cast<float>(glyph.V1 * scale);
    }
  }
  fonts->TexUvWhitePixel.y = static_cast<float>(fonts->TexUvWhitePixel.y * scale);
  for (ImVec4& line : fonts->TexUvLines) {
    line.y = static_cast<float>(line.y * scale);
    line.w = static_cast<float>(line.w * scale);
  }
  fonts->TexHeight = rows;
  fonts->TexUvScale.y = 1.0f / static_cast<float>(rows);
}

// The stand-ins handed out so far: real code points by stand-in, and the reverse.
struct StandIns {
  std::vector<char32_t> real;  // real[stand_in - kFirstStandIn]
  std::unordered_map<char32_t, char32_t> by_real;
};

StandIns& Table() {
  static StandIns table;
  return table;
}

bool IsStandIn(char32_t cp) {
  return cp >= kFirstStandIn && cp < kFirstStandIn + Table().real.size();
}

}  // namespace

char32_t StandInFor(char32_t cp) {
  if (cp < 0x10000) return cp;
  StandIns& t = Table();
  if (auto it = t.by_real.find(cp); it != t.by_real.end()) return it->second;
  if (kFirstStandIn + t.real.size() > kLastStandIn) return 0xFFFD;
  const char32_t stand_in = kFirstStandIn + static_cast<char32_t>(t.real.size());
  t.real.push_back(cp);
  t.by_real.emplace(cp, stand_in);
  return stand_in;
}

char32_t RealCodepointOf(char32_t stand_in) {
  return IsStandIn(stand_in) ? Table().real[stand_in - kFirstStandIn] : 0;
}

std::string DisplayText(std::string_view text) {
  // Fast path: no four-byte sequence, nothing above U+FFFF.
  bool wide = false;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xF8) == 0xF0) {
      wide = true;
      break;
    }
  }
  if (!wide) return std::string(text);
  std::string out;
  out.reserve(text.size());
  for (char32_t cp : DecodeUtf8(text)) AppendUtf8(StandInFor(cp), &out);
  return out;
}

Result<std::unique_ptr<GlyphAtlas>> GlyphAtlas::Open(const FontFiles& files,
                                                     std::unique_ptr<AtlasTexture> texture) {
  std::unique_ptr<GlyphAtlas> atlas(new GlyphAtlas());
  atlas->m_files = files;
  atlas->m_texture = texture ? std::move(texture) : std::make_unique<GlAtlasTexture>();
  auto latin = MapFile(files.latin_path);
  if (!latin.ok()) return latin.error();
  atlas->m_latin = {latin->first, latin->second};
  auto cjk = MapFile(files.cjk_path);
  if (!cjk.ok()) return cjk.error();
  atlas->m_cjk = {cjk->first, cjk->second};

  FT_Library lib = nullptr;
  if (FT_Init_FreeType(&lib) != 0) return MakeError(ErrorKind::kInternal, "FreeType init failed");
  atlas->m_ft_library = lib;
  FT_Face latin_face = nullptr, cjk_face = nullptr;
  if (FT_New_Memory_Face(lib, static_cast<const FT_Byte*>(atlas->m_latin.data),
                         static_cast<FT_Long>(atlas->m_latin.size), 0, &latin_face) != 0) {
    return MakeError(ErrorKind::kDataLoss, "not a font: " + files.latin_path);
  }
  atlas->m_ft_latin = latin_face;
  if (FT_New_Memory_Face(lib, static_cast<const FT_Byte*>(atlas->m_cjk.data),
                         static_cast<FT_Long>(atlas->m_cjk.size), files.cjk_face_index,
                         &cjk_face) != 0) {
    return MakeError(ErrorKind::kDataLoss, "no face " + std::to_string(files.cjk_face_index) +
                                               " in " + files.cjk_path);
  }
  atlas->m_ft_cjk = cjk_face;
  // The faces new glyphs are rasterised with, one pair per growable size.
  for (auto& [cjk_raster, latin_raster] : atlas->m_raster) {
    FT_Face a = nullptr, b = nullptr;
    if (FT_New_Memory_Face(lib, static_cast<const FT_Byte*>(atlas->m_cjk.data),
                           static_cast<FT_Long>(atlas->m_cjk.size), files.cjk_face_index,
                           &a) != 0 ||
        FT_New_Memory_Face(lib, static_cast<const FT_Byte*>(atlas->m_latin.data),
                           static_cast<FT_Long>(atlas->m_latin.size), 0, &b) != 0) {
      if (a) FT_Done_Face(a);
      return MakeError(ErrorKind::kInternal, "FreeType cannot open the fonts twice");
    }
    FT_Select_Charmap(a, FT_ENCODING_UNICODE);
    FT_Select_Charmap(b, FT_ENCODING_UNICODE);
    cjk_raster = a;
    latin_raster = b;
  }

  // Always present: printable ASCII, the replacement mark and common CJK punctuation.
  std::set<char32_t> base;
  for (char32_t cp = 0x20; cp < 0x7F; ++cp) base.insert(cp);
  for (char32_t cp : std::u32string(U"　，。、：；！？（）《》“”‘’…—·￥¥×✓")) base.insert(cp);
  // U+FFFD (DejaVu has it) becomes ImGui's fallback glyph: a glyph of its own, so a
  // character the atlas lacks can be told from a typed "?" (the UI-script runner's
  // tofu check, docs/ui-scripts.md).
  base.insert(U'\uFFFD');
  atlas->Want(base);
  return atlas;
}

void GlyphAtlas::DetachFontData() {
  if (!ImGui::GetCurrentContext()) return;
  for (ImFontConfig& config : ImGui::GetIO().Fonts->ConfigData) {
    config.FontData = nullptr;
    config.FontDataOwnedByAtlas = false;
  }
}

GlyphAtlas::~GlyphAtlas() {
  DetachFontData();
  m_texture.reset();
  for (auto& [cjk_raster, latin_raster] : m_raster) {
    if (cjk_raster) FT_Done_Face(static_cast<FT_Face>(cjk_raster));
    if (latin_raster) FT_Done_Face(static_cast<FT_Face>(latin_raster));
  }
  if (m_ft_latin) FT_Done_Face(static_cast<FT_Face>(m_ft_latin));
  if (m_ft_cjk) FT_Done_Face(static_cast<FT_Face>(m_ft_cjk));
  if (m_ft_library) FT_Done_FreeType(static_cast<FT_Library>(m_ft_library));
  if (m_latin.data) munmap(m_latin.data, m_latin.size);
  if (m_cjk.data) munmap(m_cjk.data, m_cjk.size);
}

bool GlyphAtlas::FaceHas(char32_t cp) const {
  if (char32_t real = RealCodepointOf(cp)) cp = real;
  return FT_Get_Char_Index(static_cast<FT_Face>(m_ft_latin), cp) != 0 ||
         FT_Get_Char_Index(static_cast<FT_Face>(m_ft_cjk), cp) != 0;
}

bool GlyphAtlas::CanDraw(char32_t cp) const {
  if (cp < 0x20) return false;
  if (cp >= 0x10000) return FaceHas(cp);  // drawn as its stand-in
  if (m_in_atlas[cp] || m_wanted[cp]) return !m_undrawable[cp];
  return FaceHas(cp);
}

float GlyphAtlas::MeasureWidth(std::string_view text, float px) const {
  float width = 0;
  FT_Face faces[2] = {static_cast<FT_Face>(m_ft_cjk), static_cast<FT_Face>(m_ft_latin)};
  for (char32_t cp : DecodeUtf8(text)) {
    for (FT_Face face : faces) {
      FT_UInt glyph = FT_Get_Char_Index(face, cp);
      if (glyph == 0) continue;
      if (FT_Set_Pixel_Sizes(face, 0, static_cast<FT_UInt>(px)) != 0) break;
      if (FT_Load_Glyph(face, glyph, FT_LOAD_NO_BITMAP | FT_LOAD_NO_HINTING) == 0) {
        width += static_cast<float>(face->glyph->advance.x) / 64.0f;
      }
      break;
    }
  }
  return width;
}

bool GlyphAtlas::CanDrawAll(std::string_view text) const {
  for (char32_t cp : DecodeUtf8(text)) {
    if (cp == '\n') continue;
    if (!CanDraw(cp)) return false;
  }
  return true;
}

void GlyphAtlas::Want(const std::set<char32_t>& codepoints) {
  for (char32_t cp : codepoints) {
    if (cp >= 0x10000) {
      if (!FaceHas(cp)) continue;
      cp = StandInFor(cp);
      if (cp == 0xFFFD) continue;  // no stand-in left
    }
    if (cp < 0x20) continue;
    if (m_wanted[cp] || m_undrawable[cp]) continue;
    if (!FaceHas(cp)) {
      m_undrawable[cp] = true;
      continue;
    }
    m_wanted[cp] = true;
    if (!m_in_atlas[cp]) m_grow_pending = true;
  }
}

void GlyphAtlas::Note(std::string_view text) {
  // Fast path: ASCII-only text is always in the atlas.
  bool ascii = true;
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return;
  for (char32_t cp : DecodeUtf8(text)) {
    if (cp < 0x10000 && (m_in_atlas[cp] || m_undrawable[cp])) continue;
    std::set<char32_t> one{cp};
    Want(one);
  }
}

Status GlyphAtlas::Build(const FontSizes& sizes) {
  if (!m_built || sizes.body != m_sizes.body || sizes.title != m_sizes.title ||
      sizes.display != m_sizes.display) {
    return Rebuild(sizes);
  }
  return AddMissing();
}

Status GlyphAtlas::Rebuild(const FontSizes& sizes) {
  auto start = std::chrono::steady_clock::now();
  ImGuiIO& io = ImGui::GetIO();
  ImFontAtlas* fonts = io.Fonts;
  DetachFontData();
  fonts->Clear();
  fonts->FontBuilderIO = ImGuiFreeType::GetBuilderForFreeType();
  fonts->FontBuilderFlags = ImGuiFreeTypeBuilderFlags_LightHinting;
  fonts->Flags |= ImFontAtlasFlags_NoPowerOfTwoHeight | ImFontAtlasFlags_NoMouseCursors;
  fonts->TexDesiredWidth = kTexWidth;

  // Stand-ins have no glyph under their own code point: AddMissing rasterises them from
  // the real one after the build.
  std::bitset<0x10000> stand_ins;
  for (char32_t cp = kFirstStandIn; IsStandIn(cp); ++cp) stand_ins[cp] = true;
  m_ranges = RangesOf(m_wanted & ~stand_ins);
  std::bitset<0x10000> display_set;
  for (unsigned cp = 0x20; cp < 0x7F; ++cp) display_set[cp] = m_wanted[cp];
  m_display_ranges = RangesOf(display_set);

  auto add = [&](float px, const std::vector<unsigned short>& ranges) -> ImFont* {
    // ImGui 1.86 copies font data it does not own (19 MB per CJK size). We hand it our
    // mapping as "owned" and take it back in DetachFontData() before ImGui frees it.
    // Noto Sans CJK first: its Latin letters and digits are drawn to sit with its Han
    // characters (DejaVu's digits look a size larger beside them). DejaVu is merged in
    // after it and only fills what the CJK face lacks.
    ImFontConfig cjk;
    cjk.FontDataOwnedByAtlas = true;
    cjk.FontNo = m_files.cjk_face_index;
    cjk.OversampleH = cjk.OversampleV = 1;
    cjk.PixelSnapH = true;
    ImFont* font = fonts->AddFontFromMemoryTTF(m_cjk.data, static_cast<int>(m_cjk.size), px,
                                               &cjk, ranges.data());
    ImFontConfig latin;
    latin.FontDataOwnedByAtlas = true;
    latin.MergeMode = true;
    latin.OversampleH = latin.OversampleV = 1;
    latin.PixelSnapH = true;
    fonts->AddFontFromMemoryTTF(m_latin.data, static_cast<int>(m_latin.size), px, &latin,
                                ranges.data());
    return font;
  };
  m_body = add(sizes.body, m_ranges);
  m_title = add(sizes.title, m_ranges);
  m_display = add(sizes.display, m_display_ranges);
  if (!fonts->Build()) {
    return MakeError(ErrorKind::kInternal, "font atlas build failed");
  }
  unsigned char* pixels = nullptr;
  int w = 0, h = 0;
  fonts->GetTexDataAsAlpha8(&pixels, &w, &h);

  // The texture gets spare rows below the glyphs for the ones added later (AddMissing);
  // ImGui's V coordinates are fractions of the height, so they are rescaled to it.
  const int rows = h + kSpareRows;
  {
    std::vector<unsigned char> padded(static_cast<size_t>(w) * static_cast<size_t>(rows), 0);
    std::copy(pixels, pixels + static_cast<size_t>(w) * static_cast<size_t>(h), padded.begin());
    fonts->ClearTexData();  // the GPU copy is the one that counts
    m_texture_id = m_texture->Upload(padded.data(), w, rows);
  }
  fonts->SetTexID(m_texture_id);
  SetTexHeight(fonts, rows);
  m_pack_x = 0;
  m_pack_y = h;
  m_shelf_h = 0;
  // New glyphs are rasterised as ImGui's FreeType builder sets each size up: a "real
  // dimension" request of the integral pixel height.
  const float raster_px[2] = {sizes.body, sizes.title};
  for (int i = 0; i < 2; ++i) {
    for (void* face : {m_raster[i].first, m_raster[i].second}) {
      FT_Size_RequestRec req{};
      req.type = FT_SIZE_REQUEST_TYPE_REAL_DIM;
      req.height = static_cast<FT_Long>(static_cast<uint32_t>(raster_px[i])) * 64;
      FT_Request_Size(static_cast<FT_Face>(face), &req);
    }
  }
  // The font files are only read while building; give their pages back (clean, file
  // backed: the next build or a FaceHas() look-up faults them in again). ~8 MB of
  // Noto CJK otherwise stays resident for nothing.
  madvise(m_latin.data, m_latin.size, MADV_DONTNEED);
  madvise(m_cjk.data, m_cjk.size, MADV_DONTNEED);

  m_built = true;
  m_in_atlas = m_wanted & ~stand_ins;
  m_grow_pending = false;
  m_sizes = sizes;
  io.FontDefault = m_body;
  m_stats.glyphs = static_cast<int>(m_wanted.count());
  m_stats.tex_width = w;
  m_stats.tex_height = rows;
  m_stats.used_height = h;
  m_stats.builds += 1;
  int rasterised = 0;
  for (ImFont* font : fonts->Fonts) rasterised += font->Glyphs.Size;
  m_stats.rasterised = rasterised;
  m_stats.build_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if ((m_wanted & stand_ins).any()) {
    const AtlasStats full = m_stats;
    if (Status added = AddMissing(); !added.ok()) return added;
    m_stats.builds = full.builds;
    m_stats.additions = full.additions;
  }
  return Status::Ok();
}

void GlyphAtlas::GrowTexture(int rows) {
  ImFontAtlas* fonts = ImGui::GetIO().Fonts;
  const int old_rows = fonts->TexHeight;
  // Half as tall again (at least what is asked), in 64-row steps: few copies.
  int new_rows = std::max(rows, old_rows + old_rows / 2);
  new_rows = (new_rows + 63) / 64 * 64;
  m_texture_id = m_texture->Grow(new_rows);
  fonts->SetTexID(m_texture_id);
  SetTexHeight(fonts, new_rows);
  m_stats.tex_height = new_rows;
  m_stats.texture_grows += 1;
}

Status GlyphAtlas::AddMissing() {
  const std::bitset<0x10000> missing = m_wanted & ~m_in_atlas;
  m_grow_pending = false;
  if (missing.none()) return Status::Ok();
  auto start = std::chrono::steady_clock::now();
  ImFontAtlas* fonts = ImGui::GetIO().Fonts;
  const int pad = fonts->TexGlyphPadding;
  int rasterised = 0;
  std::vector<unsigned char> bitmap;
  ImFont* const targets[2] = {m_body, m_title};
  for (int size = 0; size < 2; ++size) {
    ImFont* font = targets[size];
    // BuildLookupTable appends a tab glyph (a copy of the space) when the last glyph is
    // not one; drop it so the new glyphs sit where the builder would have put them.
    if (!font->Glyphs.empty() && font->Glyphs.back().Codepoint == '\t') font->Glyphs.pop_back();
    const float font_off_y = std::floor(font->Ascent + 0.5f);  // IM_ROUND, as the builder
    for (unsigned cp = 1; cp < 0x10000; ++cp) {
      if (!missing[cp]) continue;
      // The CJK face first, DejaVu for what it lacks: the merge order of Rebuild.
      auto cjk = static_cast<FT_Face>(m_raster[size].first);
      auto latin = static_cast<FT_Face>(m_raster[size].second);
      FT_Face face = cjk;
      const ImFontConfig* config = font->ConfigData;
      const char32_t real = IsStandIn(cp) ? RealCodepointOf(cp) : cp;  // 𠮷 for its stand-in
      FT_UInt index = FT_Get_Char_Index(cjk, real);
      if (index == 0) {
        face = latin;
        config = font->ConfigData + 1;
        index = FT_Get_Char_Index(latin, real);
      }
      if (index == 0 || FT_Load_Glyph(face, index, kLoadFlags) != 0 ||
          FT_Render_Glyph(face->glyph, FT_RENDER_MODE_NORMAL) != 0) {
        continue;  // as the builder: no glyph, drawn as the fallback
      }
      const FT_Bitmap& ft = face->glyph->bitmap;
      const int w = static_cast<int>(ft.width), h = static_cast<int>(ft.rows);
      float u0 = 0, v0 = 0, u1 = 0, v1 = 0;
      if (w > 0 && h > 0) {
        if (m_pack_x + w + 2 * pad > fonts->TexWidth) {  // next shelf
          m_pack_y += m_shelf_h;
          m_pack_x = 0;
          m_shelf_h = 0;
        }
        if (m_pack_y + h + 2 * pad > fonts->TexHeight) GrowTexture(m_pack_y + h + 2 * pad);
        const int tx = m_pack_x + pad, ty = m_pack_y + pad;
        bitmap.resize(static_cast<size_t>(w) * static_cast<size_t>(h));
        for (int row = 0; row < h; ++row) {
          const unsigned char* src = ft.buffer + static_cast<ptrdiff_t>(row) * ft.pitch;
          std::copy(src, src + w, bitmap.begin() + static_cast<ptrdiff_t>(row) * w);
        }
        m_texture->Write(tx, ty, w, h, bitmap.data());
        m_pack_x += w + pad;
        m_shelf_h = std::max(m_shelf_h, h + pad);
        u0 = static_cast<float>(tx) / static_cast<float>(fonts->TexWidth);
        v0 = static_cast<float>(ty) / static_cast<float>(fonts->TexHeight);
        u1 = static_cast<float>(tx + w) / static_cast<float>(fonts->TexWidth);
        v1 = static_cast<float>(ty + h) / static_cast<float>(fonts->TexHeight);
      }
      const float x0 = static_cast<float>(face->glyph->bitmap_left);
      const float y0 = static_cast<float>(-face->glyph->bitmap_top) + font_off_y;
      const FT_Pos advance_px = ((face->glyph->advance.x + 63) & -64) / 64;  // FT_CEIL
      const auto advance = static_cast<float>(advance_px);
      font->AddGlyph(config, static_cast<ImWchar>(cp), x0, y0, x0 + static_cast<float>(w),
                     y0 + static_cast<float>(h), u0, v0, u1, v1, advance);
      ++rasterised;
    }
    font->BuildLookupTable();
  }
  m_in_atlas |= missing;
  m_stats.glyphs = static_cast<int>(m_in_atlas.count());
  m_stats.used_height = m_pack_y + m_shelf_h;
  m_stats.additions += 1;
  m_stats.rasterised = rasterised;
  m_stats.build_ms = std::chrono::duration<double, std::milli>(
                         std::chrono::steady_clock::now() - start).count();
  return Status::Ok();
}

}  // namespace yimen::platform
