// UTF-8 decoding and encoding without a locale or a library. Validators count characters
// (not bytes) in residents' names and texts, and the font room builds its glyph sets from
// the code points that the catalog and strings actually use (docs/design.md decision 7).
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <string_view>

namespace yimen {

inline constexpr char32_t kReplacementChar = U'\uFFFD';

// Decodes `text`. Ill-formed input never fails: each maximal ill-formed subpart (Unicode
// 15, section 3.9, "U+FFFD substitution of maximal subparts") becomes one U+FFFD, so a
// stray byte costs one character and the rest of the text decodes normally. Overlong
// forms, surrogates and values above U+10FFFF are ill-formed. Any thread.
std::u32string DecodeUtf8(std::string_view text);

// True when `text` is well-formed UTF-8 (empty text is). Any thread.
bool IsValidUtf8(std::string_view text);

// Appends the UTF-8 form of `cp` to `out`; surrogates and values above U+10FFFF are
// written as U+FFFD. Any thread.
void AppendUtf8(char32_t cp, std::string* out);

// Encodes every code point as AppendUtf8 does. Any thread.
std::string EncodeUtf8(std::u32string_view text);

// Number of characters DecodeUtf8 would return (so an ill-formed subpart counts as one).
// Any thread.
size_t CountCodepoints(std::string_view text);

// True for CJK ideographs: the Unified Ideographs block and its extensions A to I, and
// the two Compatibility Ideographs blocks. Radicals, strokes, punctuation and 〇 are not
// Han here: this is the test for "a character of a Chinese name". Any thread.
bool IsHan(char32_t cp);

// Inserts every code point of `text` into `out` (ill-formed subparts as U+FFFD, which a
// font needs anyway). `out` must not be null. Any thread, `out` owned by the caller.
void CollectCodepoints(std::string_view text, std::set<char32_t>* out);

}  // namespace yimen
