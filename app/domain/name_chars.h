// Characters a name or a text field must not hold although they look harmless
// (issue 18): look-alikes of the middle dot "·" that separates the parts of a minority
// name (a handwritten dot is recognised as 丶, a phone keyboard gives "•" or "・"), and
// characters the kiosk's fonts cannot draw (emoji, pictographs, private-use code points)
// so the resident could not check what they typed. A rule on code points, not a font
// look-up: the server re-validates with the same code (docs/internals/fonts.md
// "What a field accepts").
#pragma once

#include <optional>
#include <string_view>

namespace yimen::name_chars {

// "·" U+00B7, the separator ID cards use in minority names.
inline constexpr char32_t kMiddleDot = U'\u00B7';

// True for a character residents or input methods put where "·" belongs: 丶 (the
// handwriting pad's dot), full- and half-width stops, bullets, katakana middle dots,
// hyphens and dashes.
bool IsDotLookAlike(char32_t cp);
// The first look-alike of "·" in `name`, if any.
std::optional<char32_t> FindDotLookAlike(std::u32string_view name);

// False for what no font of the kiosk draws or no ID card or address holds: emoji and
// pictographs (U+1F000..U+1FAFF, U+2600..U+27BF dingbats and symbols), their variation
// selectors and joiners (U+FE00..U+FE0F, U+200D, U+20E3), private-use code points,
// noncharacters, and every plane above U+FFFF except the CJK ideograph planes.
bool IsDrawable(char32_t cp);
// The first character of `text` that IsDrawable refuses, if any.
std::optional<char32_t> FindUndrawable(std::u32string_view text);

}  // namespace yimen::name_chars
