// Glyphs on demand (docs/design.md decision 7). The atlas starts with the characters the
// assets and strings use and grows, between frames, when a new one must be shown (a
// typed name like 欧阳燚). Alpha-only texture; the font files are mapped once, never copied
// (ImGui 1.86 would copy them per size).
#pragma once

#include <bitset>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"

struct ImFont;

namespace yimen::platform {

struct FontFiles {
  std::string latin_path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  std::string cjk_path = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
  int cjk_face_index = 2;  // Noto Sans CJK SC; face 0 is Japanese (docs/design.md traps)
  std::string cjk_bold_path = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc";
};

// Pixel heights of the kiosk's text styles, computed by the UI from millimetres.
struct FontSizes {
  float body = 36;
  float title = 52;
  float display = 72;  // application numbers on the receipt
};

struct AtlasStats {
  int glyphs = 0;        // code points in the atlas (each at every size)
  int tex_width = 0;
  int tex_height = 0;
  double build_ms = 0;   // last (re)build, rasterising + upload
  int builds = 0;
};

class GlyphAtlas {
 public:
  // Maps the font files and checks the CJK face exists. Needs no GL. Fails with
  // kNotFound naming the missing file (install fonts-noto-cjk / fonts-dejavu-core).
  static Result<std::unique_ptr<GlyphAtlas>> Open(const FontFiles& files);
  ~GlyphAtlas();
  GlyphAtlas(const GlyphAtlas&) = delete;
  GlyphAtlas& operator=(const GlyphAtlas&) = delete;

  // Adds code points to the wanted set (no rebuild). Code points no font can draw, or
  // above U+FFFF (ImGui 1.86 has 16-bit ImWchar), are remembered as undrawable.
  void Want(const std::set<char32_t>& codepoints);

  // Notes every character of `text`; cheap (a bit test per character), so the text
  // widgets call it on every draw. Missing drawable characters make NeedsGrow() true.
  void Note(std::string_view text);
  bool NeedsGrow() const { return m_grow_pending; }

  // True when some font file has a glyph for `cp` and ImGui can draw it.
  bool CanDraw(char32_t cp) const;
  // True when every character of `text` can be drawn.
  bool CanDrawAll(std::string_view text) const;
  // Width in pixels of `text` at `px`, from the font files' own advances (the face the
  // atlas would use for each character). No GL needed: layout tests use it.
  float MeasureWidth(std::string_view text, float px) const;

  // (Re)builds the ImGui atlas with every wanted code point at the given sizes and
  // uploads it as an alpha texture. Main thread, between frames, GL context current;
  // ImFont pointers from before are invalid afterwards.
  Status Build(const FontSizes& sizes);

  ImFont* Body() const { return m_body; }
  ImFont* Title() const { return m_title; }
  ImFont* Display() const { return m_display; }
  const AtlasStats& Stats() const { return m_stats; }
  const FontSizes& Sizes() const { return m_sizes; }

 private:
  GlyphAtlas() = default;
  bool FaceHas(char32_t cp) const;
  // Takes our mapped font bytes back from ImGui's atlas so it never frees or copies them.
  void DetachFontData();

  struct Mapped {
    void* data = nullptr;
    size_t size = 0;
  };
  Mapped m_latin, m_cjk, m_cjk_bold;
  FontFiles m_files;
  void* m_ft_library = nullptr;  // FT_Library, for coverage checks only
  void* m_ft_latin = nullptr;    // FT_Face
  void* m_ft_cjk = nullptr;      // FT_Face

  std::bitset<0x10000> m_wanted;      // written by Want/Note
  std::bitset<0x10000> m_in_atlas;    // written by Build
  std::bitset<0x10000> m_undrawable;  // memo of coverage misses
  bool m_grow_pending = false;
  std::vector<unsigned short> m_ranges;  // ImWchar pairs, alive while the atlas is
  std::vector<unsigned short> m_display_ranges;
  unsigned int m_texture = 0;  // GL texture name, owned
  ImFont* m_body = nullptr;     // set by Build
  ImFont* m_title = nullptr;
  ImFont* m_display = nullptr;
  FontSizes m_sizes;
  AtlasStats m_stats;
};

}  // namespace yimen::platform
