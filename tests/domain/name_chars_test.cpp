// Look-alikes of "·" and characters no font draws (issue 18), on their own and through
// the name and text checks every field goes through (ValidateField).
#include "domain/name_chars.h"

#include <gtest/gtest.h>

#include "domain/form.h"
#include "domain/utf8.h"

namespace yimen {
namespace {

std::string KeyOf(FieldType type, std::string_view value) {
  FieldSpec field;
  field.id = "name";
  field.type = type;
  field.required = true;
  field.max_length = 300;
  const std::vector<FieldIssue> issues =
      ValidateField(field, value, FieldContext{CivilDate{2026, 12, 4}, nullptr, ""});
  return issues.empty() ? "ok" : issues[0].message_key;
}

TEST(NameChars, FindsTheDotLookAlikes) {
  for (std::u32string_view name : {U"阿卜杜拉丶买买提", U"阿卜杜拉-买买提", U"阿卜杜拉.买买提",
                                   U"阿卜杜拉。买买提", U"阿卜杜拉—买买提", U"阿卜杜拉－买买提"}) {
    EXPECT_TRUE(name_chars::FindDotLookAlike(name).has_value()) << EncodeUtf8(name);
  }
  EXPECT_FALSE(name_chars::FindDotLookAlike(U"阿卜杜拉·买买提").has_value());
  EXPECT_FALSE(name_chars::FindDotLookAlike(U"一丁").has_value());
  EXPECT_EQ(*name_chars::FindDotLookAlike(U"阿卜杜拉丶买买提"), U'丶');
}

TEST(NameChars, ANameWithALookAlikeIsRefusedSayingWhichCharacterToUse) {
  // 丶 is a Han character, so the name check used to take it.
  EXPECT_EQ(KeyOf(FieldType::kChineseName, "阿卜杜拉丶买买提"), "validation.name.dot_look_alike");
  EXPECT_EQ(KeyOf(FieldType::kChineseName, "阿卜杜拉-买买提"), "validation.name.dot_look_alike");
  EXPECT_EQ(KeyOf(FieldType::kChineseName, "阿卜杜拉。买买提"), "validation.name.dot_look_alike");
  EXPECT_EQ(KeyOf(FieldType::kChineseName, "阿卜杜拉·买买提"), "ok");
  EXPECT_EQ(KeyOf(FieldType::kChineseName, "欧阳燚"), "ok");
  EXPECT_EQ(KeyOf(FieldType::kChineseName, "刘䶮"), "ok");
  EXPECT_EQ(KeyOf(FieldType::kChineseName, "王𠮷"), "ok");  // U+20BB7, drawn (fonts.md)
  FieldSpec field;
  field.id = "name";
  field.type = FieldType::kChineseName;
  const auto issues =
      ValidateField(field, "阿卜杜拉丶买买提", FieldContext{CivilDate{2026, 12, 4}, nullptr, ""});
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].params.at("char"), "丶");
}

TEST(NameChars, EmojiAndPrivateUseAreUndrawable) {
  for (char32_t cp : {U'\U0001F600', U'\u2764', U'\uFE0F', U'\u200D', U'\uE000', U'\U000F0000',
                      U'\uFFFD', U'\u2B50'}) {
    EXPECT_FALSE(name_chars::IsDrawable(cp)) << std::hex << static_cast<uint32_t>(cp);
  }
  for (char32_t cp : {U'张', U'䶮', U'\U00020BB7', U'·', U'A', U'，', U'号', U'\U0002A6D6'}) {
    EXPECT_TRUE(name_chars::IsDrawable(cp)) << std::hex << static_cast<uint32_t>(cp);
  }
}

TEST(NameChars, TextWithAnEmojiIsRefused) {
  EXPECT_EQ(KeyOf(FieldType::kText, "因病致贫😀"), "validation.text.undrawable");
  EXPECT_EQ(KeyOf(FieldType::kText, "幸福路❤️8号"), "validation.text.undrawable");
  EXPECT_EQ(KeyOf(FieldType::kChineseName, "张😀"), "validation.text.undrawable");
  EXPECT_EQ(KeyOf(FieldType::kText, "幸福路8号3栋-2室"), "ok");
  EXPECT_EQ(KeyOf(FieldType::kText, "𠮷祥街1号"), "ok");
}

}  // namespace
}  // namespace yimen
