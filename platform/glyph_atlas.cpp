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

#include <chrono>

#include "domain/utf8.h"

namespace yimen::platform {
namespace {

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

}  // namespace

Result<std::unique_ptr<GlyphAtlas>> GlyphAtlas::Open(const FontFiles& files) {
  std::unique_ptr<GlyphAtlas> atlas(new GlyphAtlas());
  atlas->m_files = files;
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

  // Always present: printable ASCII, the replacement mark and common CJK punctuation.
  std::set<char32_t> base;
  for (char32_t cp = 0x20; cp < 0x7F; ++cp) base.insert(cp);
  for (char32_t cp : std::u32string(U"　，。、：；！？（）《》“”‘’…—·￥¥×✓")) base.insert(cp);
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
  if (m_texture) glDeleteTextures(1, &m_texture);
  if (m_ft_latin) FT_Done_Face(static_cast<FT_Face>(m_ft_latin));
  if (m_ft_cjk) FT_Done_Face(static_cast<FT_Face>(m_ft_cjk));
  if (m_ft_library) FT_Done_FreeType(static_cast<FT_Library>(m_ft_library));
  if (m_latin.data) munmap(m_latin.data, m_latin.size);
  if (m_cjk.data) munmap(m_cjk.data, m_cjk.size);
}

bool GlyphAtlas::FaceHas(char32_t cp) const {
  return FT_Get_Char_Index(static_cast<FT_Face>(m_ft_latin), cp) != 0 ||
         FT_Get_Char_Index(static_cast<FT_Face>(m_ft_cjk), cp) != 0;
}

bool GlyphAtlas::CanDraw(char32_t cp) const {
  if (cp >= 0x10000 || cp == 0) return false;
  if (cp < 0x20) return false;
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
    if (cp < 0x20 || cp >= 0x10000) continue;
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
    if (cp >= 0x10000) continue;
    std::set<char32_t> one{cp};
    Want(one);
  }
}

Status GlyphAtlas::Build(const FontSizes& sizes) {
  auto start = std::chrono::steady_clock::now();
  ImGuiIO& io = ImGui::GetIO();
  ImFontAtlas* fonts = io.Fonts;
  DetachFontData();
  fonts->Clear();
  fonts->FontBuilderIO = ImGuiFreeType::GetBuilderForFreeType();
  fonts->FontBuilderFlags = ImGuiFreeTypeBuilderFlags_LightHinting;
  fonts->Flags |= ImFontAtlasFlags_NoPowerOfTwoHeight | ImFontAtlasFlags_NoMouseCursors;
  fonts->TexDesiredWidth = 2048;

  m_ranges = RangesOf(m_wanted);
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

  if (m_texture == 0) glGenTextures(1, &m_texture);
  glBindTexture(GL_TEXTURE_2D, m_texture);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  const GLint swizzle[4] = {GL_ONE, GL_ONE, GL_ONE, GL_RED};
  glTexParameteriv(GL_TEXTURE_2D, GL_TEXTURE_SWIZZLE_RGBA, swizzle);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, w, h, 0, GL_RED, GL_UNSIGNED_BYTE, pixels);
  fonts->SetTexID(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(m_texture)));
  fonts->ClearTexData();  // the GPU copy is the one that counts
  // The font files are only read while building; give their pages back (clean, file
  // backed: the next build or a FaceHas() look-up faults them in again). ~8 MB of
  // Noto CJK otherwise stays resident for nothing.
  madvise(m_latin.data, m_latin.size, MADV_DONTNEED);
  madvise(m_cjk.data, m_cjk.size, MADV_DONTNEED);

  m_in_atlas = m_wanted;
  m_grow_pending = false;
  m_sizes = sizes;
  io.FontDefault = m_body;
  m_stats.glyphs = static_cast<int>(m_wanted.count());
  m_stats.tex_width = w;
  m_stats.tex_height = h;
  m_stats.builds += 1;
  m_stats.build_ms = std::chrono::duration<double, std::milli>(
                         std::chrono::steady_clock::now() - start).count();
  return Status::Ok();
}

}  // namespace yimen::platform
