// Tests app/domain/name_mask.cpp: what a masked name keeps and what it hides.
#include "domain/name_mask.h"

#include <gtest/gtest.h>

namespace yimen {
namespace {

TEST(NameMask, KeepsSurnameAndLastCharacterOfLongerGivenNames) {
  EXPECT_EQ(MaskName("张三"), "张*");
  EXPECT_EQ(MaskName("张三丰"), "张*丰");
  EXPECT_EQ(MaskName("李小明明"), "李**明");
  EXPECT_EQ(MaskName(""), "");
  EXPECT_EQ(MaskName("张"), "张");
}

TEST(NameMask, TreatsCompoundSurnamesAsTheSurname) {
  EXPECT_EQ(MaskName("欧阳燚"), "欧阳*");
  EXPECT_EQ(MaskName("欧阳娜娜"), "欧阳*娜");
  EXPECT_EQ(SurnameLength("司马光"), 2u);
  // Two characters are surname + given name, even when they look like a compound one.
  EXPECT_EQ(MaskName("欧阳"), "欧*");
}

TEST(NameMask, ExportFormKeepsOnlyTheSurname) {
  EXPECT_EQ(SurnameOnly("欧阳燚"), "欧阳*");
  EXPECT_EQ(SurnameOnly("张三丰"), "张*");
  EXPECT_EQ(SurnameOnly("张*丰"), "张*");
  EXPECT_EQ(SurnameOnly("欧阳*"), "欧阳*");
  EXPECT_EQ(SurnameOnly(""), "");
}

}  // namespace
}  // namespace yimen
