// Tests app/domain/pii_mask.cpp: what each masked form keeps and what it hides, at the
// boundaries (old 15-digit IDs, a trailing X, short and odd input, mobile vs landline).
#include "domain/pii_mask.h"

#include <gtest/gtest.h>

namespace yimen {
namespace {

TEST(PiiMask, IdNumberKeepsFirstFourAndLastFour) {
  EXPECT_EQ(MaskIdNumber("44200019650312123X"), "4420**********123X");
  EXPECT_EQ(MaskIdNumber("442000196503121236"), "4420**********1236");
  EXPECT_EQ(MaskIdNumber("44200019650312123x"), "4420**********123x");
}

TEST(PiiMask, OldFifteenDigitIdKeepsFourAndFour) {
  EXPECT_EQ(MaskIdNumber("442000650312123"), "4420*******2123");
}

TEST(PiiMask, ShortIdInputAlwaysHidesAtLeastSix) {
  EXPECT_EQ(MaskIdNumber(""), "");
  EXPECT_EQ(MaskIdNumber("1"), "*");
  EXPECT_EQ(MaskIdNumber("123456"), "******");
  EXPECT_EQ(MaskIdNumber("1234567"), "*******");
  EXPECT_EQ(MaskIdNumber("1234567890"), "12******90");
  EXPECT_EQ(MaskIdNumber("123456789012"), "123******012");
  EXPECT_EQ(MaskIdNumber("12345678901234"), "1234******1234");
}

TEST(PiiMask, IdNumberCountsCharactersNotBytes) {
  // Full-width digits are three bytes each; the mask must not cut one in half.
  EXPECT_EQ(MaskIdNumber("４４２０００１９６５０３１２１２３Ｘ"), "４４２０**********１２３Ｘ");
}

TEST(PiiMask, MobileKeepsThreeAndFour) {
  EXPECT_EQ(MaskPhone("13800001234"), "138****1234");
  EXPECT_EQ(MaskPhone("19912345678"), "199****5678");
}

TEST(PiiMask, LandlineKeepsAreaCodeAndLastFour) {
  EXPECT_EQ(MaskPhone("0760-88881234"), "0760-****1234");
  EXPECT_EQ(MaskPhone("076088881234"), "0760****1234");
  EXPECT_EQ(MaskPhone("01088881234"), "010****1234");
  EXPECT_EQ(MaskPhone("020-8888123"), "020-****123");
}

TEST(PiiMask, OddPhoneInputHidesAtLeastHalf) {
  EXPECT_EQ(MaskPhone(""), "");
  EXPECT_EQ(MaskPhone("88881234"), "****1234");
  EXPECT_EQ(MaskPhone("1234"), "**34");
  EXPECT_EQ(MaskPhone("0"), "*");
  EXPECT_EQ(MaskPhone("0760-"), "***0-");  // no local number: the general rule
  // Twelve digits starting with 1 is not a mobile: no area code either.
  EXPECT_EQ(MaskPhone("138000012345"), "********2345");
}

TEST(PiiMask, DigitsKeepOnlyTheLastFour) {
  EXPECT_EQ(MaskDigits("6228480012345678901"), "***************8901");
  EXPECT_EQ(MaskDigits("123456"), "***456");
  EXPECT_EQ(MaskDigits(""), "");
}

TEST(PiiMask, NamesKeepOnlyTheSurnameIncludingCompoundOnes) {
  EXPECT_EQ(MaskFieldValue(FieldType::kChineseName, "欧阳燚"), "欧阳*");
  EXPECT_EQ(MaskFieldValue(FieldType::kChineseName, "司马相如"), "司马*");
  EXPECT_EQ(MaskFieldValue(FieldType::kChineseName, "诸葛亮"), "诸葛*");
  EXPECT_EQ(MaskFieldValue(FieldType::kChineseName, "张三丰"), "张*");
  EXPECT_EQ(MaskFieldValue(FieldType::kChineseName, "阿依古丽·买买提"), "阿*");
}

TEST(PiiMask, FieldValueMasksOnlyIdentifyingTypes) {
  EXPECT_EQ(MaskFieldValue(FieldType::kIdNumber, "44200019650312123X"), "4420**********123X");
  EXPECT_EQ(MaskFieldValue(FieldType::kPhone, "13800001234"), "138****1234");
  EXPECT_EQ(MaskFieldValue(FieldType::kDigits, "6228480012345678901"), "***************8901");
  EXPECT_EQ(MaskFieldValue(FieldType::kAmount, "800.50"), "800.50");
  EXPECT_EQ(MaskFieldValue(FieldType::kTown, "石岐街道"), "石岐街道");
  EXPECT_EQ(MaskFieldValue(FieldType::kIdNumber, ""), "");
  EXPECT_TRUE(IsMaskedFieldType(FieldType::kPhone));
  EXPECT_FALSE(IsMaskedFieldType(FieldType::kDate));
}

}  // namespace
}  // namespace yimen
