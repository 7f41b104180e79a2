// Tests for app/domain/utf8: decoding well-formed and ill-formed input, encoding, counting,
// the Han test used by name validation, and glyph-set collection for the font room.
#include "domain/utf8.h"

#include <gtest/gtest.h>

namespace yimen {
namespace {

TEST(Utf8, DecodesAsciiTwoThreeAndFourByteCharacters) {
  EXPECT_EQ(DecodeUtf8("a\xC2\xB7\xE4\xB8\x80\xF0\xA0\xAE\xB7"), U"a\u00B7\u4E00\U00020BB7");
}

TEST(Utf8, RoundTripsThroughEncode) {
  const std::u32string text = U"阿依古丽·买买提 𠮷 ok";
  EXPECT_EQ(DecodeUtf8(EncodeUtf8(text)), text);
  EXPECT_EQ(EncodeUtf8(U"张三"), "张三");
}

TEST(Utf8, ReplacesAStrayContinuationByteWithOneReplacementCharacter) {
  EXPECT_EQ(DecodeUtf8("a\x80z"), U"a\uFFFDz");
}

TEST(Utf8, ReplacesATruncatedSequenceAsOneMaximalSubpart) {
  // E4 B8 is the start of 一 (E4 B8 80) cut short: one U+FFFD, then 'z' decodes.
  EXPECT_EQ(DecodeUtf8("\xE4\xB8z"), U"\uFFFDz");
  EXPECT_EQ(DecodeUtf8("\xE4\xB8"), U"\uFFFD");
}

TEST(Utf8, RejectsOverlongFormsSurrogatesAndValuesAboveTheLastCodePoint) {
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // U+D800
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("低保 dibao"));
  // Each byte of an overlong two-byte form is its own maximal subpart.
  EXPECT_EQ(DecodeUtf8("\xC0\xAF"), U"\uFFFD\uFFFD");
}

TEST(Utf8, EncodesInvalidCodePointsAsReplacementCharacter) {
  std::string out;
  AppendUtf8(0xD800, &out);
  AppendUtf8(0x110000, &out);
  EXPECT_EQ(out, "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(Utf8, CountsCharactersNotBytes) {
  EXPECT_EQ(CountCodepoints(""), 0u);
  EXPECT_EQ(CountCodepoints("最低生活保障"), 6u);
  EXPECT_EQ(CountCodepoints("a\x80z"), 3u);
  EXPECT_EQ(CountCodepoints("𠮷"), 1u);
}

TEST(Utf8, KnowsHanFromOtherCharacters) {
  EXPECT_TRUE(IsHan(U'张'));
  EXPECT_TRUE(IsHan(U'燚'));
  EXPECT_TRUE(IsHan(U'\u3400'));      // Extension A
  EXPECT_TRUE(IsHan(U'\U00020BB7'));  // 𠮷, Extension B
  EXPECT_TRUE(IsHan(U'\uF900'));      // compatibility ideograph
  EXPECT_FALSE(IsHan(U'·'));
  EXPECT_FALSE(IsHan(U'〇'));
  EXPECT_FALSE(IsHan(U'，'));
  EXPECT_FALSE(IsHan(U'a'));
  EXPECT_FALSE(IsHan(U'\u2E80'));  // CJK radical, not a character of a name
}

TEST(Utf8, CollectsEachCodePointOnce) {
  std::set<char32_t> glyphs;
  CollectCodepoints("低保低保", &glyphs);
  CollectCodepoints("保障", &glyphs);
  EXPECT_EQ(glyphs, (std::set<char32_t>{U'低', U'保', U'障'}));
}

}  // namespace
}  // namespace yimen
