#include "domain/name_chars.h"

namespace yimen::name_chars {

bool IsDotLookAlike(char32_t cp) {
  switch (cp) {
    case U'\u4E36':  // 丶 (a handwritten dot)
    case U'\u002E':  // .
    case U'\uFF0E':  // ．
    case U'\u3002':  // 。
    case U'\uFF61':  // ｡
    case U'\u2022':  // •
    case U'\u2027':  // ‧
    case U'\u2219':  // ∙
    case U'\u22C5':  // ⋅
    case U'\u30FB':  // ・
    case U'\uFF65':  // ･
    case U'\u0387':  // · (Greek ano teleia)
    case U'\u16EB':  // ᛫
    case U'\u2E31':  // ⸱
    case U'\u00B0':  // °
    case U'\u002D':  // -
    case U'\u2010':  // ‐
    case U'\u2011':  // ‑
    case U'\u2012':  // ‒
    case U'\u2013':  // –
    case U'\u2014':  // —
    case U'\u2015':  // ―
    case U'\u2212':  // −
    case U'\uFF0D':  // －
    case U'\u30FC':  // ー
      return true;
    default: return false;
  }
}

std::optional<char32_t> FindDotLookAlike(std::u32string_view name) {
  for (char32_t cp : name) {
    if (IsDotLookAlike(cp)) return cp;
  }
  return std::nullopt;
}

bool IsDrawable(char32_t cp) {
  if (cp >= 0xE000 && cp <= 0xF8FF) return false;  // private use
  if (cp >= 0xFDD0 && cp <= 0xFDEF) return false;  // noncharacters
  if ((cp & 0xFFFE) == 0xFFFE) return false;       // U+xFFFE, U+xFFFF
  if (cp >= 0xD800 && cp <= 0xDFFF) return false;  // surrogates
  if (cp >= 0xFE00 && cp <= 0xFE0F) return false;  // variation selectors (emoji style)
  if (cp == 0x200D || cp == 0x20E3 || cp == 0xFFFD) return false;  // joiner, keycap, replacement
  if (cp >= 0x2600 && cp <= 0x27BF) return false;  // symbols and dingbats (☺ ✈ ❤)
  if (cp >= 0x2B00 && cp <= 0x2BFF) return false;  // arrows and stars drawn as emoji (⭐)
  if (cp < 0x10000) return true;
  // Above the BMP only the CJK ideograph planes (extensions B to I, compatibility
  // supplement): names on ID cards use them (𠮷 U+20BB7).
  return cp >= 0x20000 && cp <= 0x3FFFF;
}

std::optional<char32_t> FindUndrawable(std::u32string_view text) {
  for (char32_t cp : text) {
    if (!IsDrawable(cp)) return cp;
  }
  return std::nullopt;
}

}  // namespace yimen::name_chars
