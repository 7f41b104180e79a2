// Glyphs on demand (docs/design.md decision 7). The atlas starts with the characters the
// assets and strings use and grows, between frames, when a new one must be shown (a
// typed name like 欧阳燚): only the new glyphs are rasterised, into spare rows of the
// texture, which grows by copying when full (docs/internals/fonts.md "Growing").
// Alpha-only texture; the font files are mapped once, never copied (ImGui 1.86 would copy
// them per size).
#pragma once

#include <bitset>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/result.h"

struct ImFont;

namespace yimen::platform {

// Characters above U+FFFF (CJK extension B and later: 𠮷 U+20BB7) cannot reach Debian's
// ImGui 1.86 as themselves (16-bit ImWchar: it decodes them to U+FFFD). Each one drawn
// gets a stand-in from the BMP private-use area (U+E000..U+F8FF, first come, first
// served, for the life of the process); the atlas rasterises the stand-in's glyph from
// the real code point. Only what is drawn is converted: values, the store and the
// receipt keep the real characters (docs/internals/fonts.md "Beyond U+FFFF"). UI thread.
inline constexpr char32_t kFirstStandIn = 0xE000;
inline constexpr char32_t kLastStandIn = 0xF8FF;
// The stand-in for `cp` (made on first use); `cp` itself for BMP code points; U+FFFD when
// the private-use area is used up (6,400 distinct characters).
char32_t StandInFor(char32_t cp);
// The real code point behind a stand-in; 0 for anything else.
char32_t RealCodepointOf(char32_t stand_in);
// `text` as ImGui must be given it: characters above U+FFFF replaced by their stand-ins.
// Returns `text` unchanged (one copy) when it has none.
std::string DisplayText(std::string_view text);

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
  int tex_height = 0;     // rows of the texture, spare rows included
  int used_height = 0;    // rows holding glyphs (the rest is room to grow into)
  double build_ms = 0;    // last Build: a full rebuild or an addition, rasterising + upload
  int builds = 0;         // full rebuilds (start, 长者模式 sizes)
  int additions = 0;      // Builds that only added the new glyphs
  int texture_grows = 0;  // times the texture was made taller (by copying)
  int rasterised = 0;     // glyphs rasterised by the last Build (all sizes)
};

// Where the atlas's alpha pixels live: a GL texture in the kiosk (the default, made on
// the first Build with the GL context current), plain memory in tests. One byte a pixel.
class AtlasTexture {
 public:
  virtual ~AtlasTexture() = default;
  // Replaces the whole texture with `pixels` (width x height, rows `width` bytes apart)
  // and returns the ImTextureID to draw it with.
  virtual void* Upload(const unsigned char* pixels, int width, int height) = 0;
  // Makes the texture `height` rows tall, keeping its rows and clearing the new ones;
  // returns the ImTextureID to draw it with from now on.
  virtual void* Grow(int height) = 0;
  // Writes a w x h block (rows w bytes apart) at (x, y).
  virtual void Write(int x, int y, int w, int h, const unsigned char* pixels) = 0;
};

class GlyphAtlas {
 public:
  // Maps the font files and checks the CJK face exists. Needs no GL. Fails with
  // kNotFound naming the missing file (install fonts-noto-cjk / fonts-dejavu-core).
  // texture: where the pixels go; nullptr = a GL texture.
  static Result<std::unique_ptr<GlyphAtlas>> Open(const FontFiles& files,
                                                  std::unique_ptr<AtlasTexture> texture = nullptr);
  ~GlyphAtlas();
  GlyphAtlas(const GlyphAtlas&) = delete;
  GlyphAtlas& operator=(const GlyphAtlas&) = delete;

  // Adds code points to the wanted set (no rebuild). Code points no font can draw are
  // remembered as undrawable; those above U+FFFF are wanted as their stand-ins.
  void Want(const std::set<char32_t>& codepoints);

  // Notes every character of `text`; cheap (a bit test per character), so the text
  // widgets call it on every draw. Missing drawable characters make NeedsGrow() true.
  void Note(std::string_view text);
  bool NeedsGrow() const { return m_grow_pending; }

  // True when some font file has a glyph for `cp` (above U+FFFF: drawn as its stand-in).
  bool CanDraw(char32_t cp) const;
  // True when every character of `text` can be drawn.
  bool CanDrawAll(std::string_view text) const;
  // Width in pixels of `text` at `px`, from the font files' own advances (the face the
  // atlas would use for each character). No GL needed: layout tests use it.
  float MeasureWidth(std::string_view text, float px) const;

  // Brings the ImGui atlas up to every wanted code point at the given sizes. At the sizes
  // of the last Build it only rasterises the glyphs not yet in it, into spare texture
  // rows (a taller texture, copied, when they run out), and ImFont pointers stay valid;
  // at new sizes (or the first time) it is Rebuild. Main thread, between frames, GL
  // context current.
  Status Build(const FontSizes& sizes);
  // Rebuilds the whole atlas with ImGui's builder and uploads it. ImFont pointers from
  // before are invalid afterwards.
  Status Rebuild(const FontSizes& sizes);

  ImFont* Body() const { return m_body; }
  ImFont* Title() const { return m_title; }
  ImFont* Display() const { return m_display; }
  const AtlasStats& Stats() const { return m_stats; }
  const FontSizes& Sizes() const { return m_sizes; }

 private:
  GlyphAtlas() = default;
  bool FaceHas(char32_t cp) const;
  // Rasterises the wanted code points not in the atlas into spare rows (see Build).
  Status AddMissing();
  // Makes the texture at least `rows` tall, copying what it holds; rescales the V
  // coordinates ImGui keeps (glyphs, white pixel, baked lines).
  void GrowTexture(int rows);
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
  std::unique_ptr<AtlasTexture> m_texture;
  void* m_texture_id = nullptr;  // what ImGui draws with; nullptr before the first Build
  // FreeType faces at the body and title sizes, as ImGui's builder sets them up:
  // [0] body, [1] title; .first the CJK face, .second DejaVu (FT_Face each).
  std::pair<void*, void*> m_raster[2] = {};
  // Shelf packing of the spare rows: the next glyph goes at (m_pack_x, m_pack_y) on a
  // shelf m_shelf_h rows tall so far; rows from m_pack_y + m_shelf_h down are free.
  int m_pack_x = 0, m_pack_y = 0, m_shelf_h = 0;
  bool m_built = false;
  ImFont* m_body = nullptr;     // set by Build
  ImFont* m_title = nullptr;
  ImFont* m_display = nullptr;
  FontSizes m_sizes;
  AtlasStats m_stats;
};

}  // namespace yimen::platform
