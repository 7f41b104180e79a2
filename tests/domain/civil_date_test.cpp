// Tests for app/domain/civil_date: calendar facts, ISO dates, and ages in completed
// years, including the 29 February rule.
#include "domain/civil_date.h"

#include <gtest/gtest.h>

namespace yimen {
namespace {

TEST(CivilDate, KnowsLeapYears) {
  EXPECT_TRUE(IsLeapYear(2024));
  EXPECT_TRUE(IsLeapYear(2000));
  EXPECT_FALSE(IsLeapYear(1900));
  EXPECT_FALSE(IsLeapYear(2026));
  EXPECT_EQ(DaysInMonth(2024, 2), 29);
  EXPECT_EQ(DaysInMonth(2026, 2), 28);
  EXPECT_EQ(DaysInMonth(2026, 13), 0);
}

TEST(CivilDate, ValidatesDates) {
  EXPECT_TRUE(IsValidCivilDate({2024, 2, 29}));
  EXPECT_FALSE(IsValidCivilDate({1999, 2, 30}));
  EXPECT_FALSE(IsValidCivilDate({2023, 2, 29}));
  EXPECT_FALSE(IsValidCivilDate({2024, 4, 31}));
  EXPECT_FALSE(IsValidCivilDate({2024, 0, 1}));
}

TEST(CivilDate, OrdersByYearThenMonthThenDay) {
  EXPECT_LT((CivilDate{2019, 12, 31}), (CivilDate{2024, 1, 1}));
  EXPECT_LT((CivilDate{2024, 1, 31}), (CivilDate{2024, 2, 1}));
  EXPECT_EQ((CivilDate{2024, 1, 1}), (CivilDate{2024, 1, 1}));
}

TEST(CivilDate, ParsesAndFormatsIsoDates) {
  const Result<CivilDate> date = ParseIsoDate("2024-11-01");
  ASSERT_TRUE(date.ok());
  EXPECT_EQ(*date, (CivilDate{2024, 11, 1}));
  EXPECT_EQ(FormatIsoDate(*date), "2024-11-01");
}

TEST(CivilDate, RefusesMalformedOrImpossibleIsoDates) {
  EXPECT_FALSE(ParseIsoDate("2024-1-01").ok());
  EXPECT_FALSE(ParseIsoDate("2024/11/01").ok());
  EXPECT_FALSE(ParseIsoDate("2024-02-30").ok());
  EXPECT_FALSE(ParseIsoDate("").ok());
  EXPECT_FALSE(ParseIsoDate("2024-11-0a").ok());
}

TEST(CivilDate, CountsAgeInCompletedYearsAcrossTheBirthday) {
  const CivilDate birth{1946, 11, 24};
  EXPECT_EQ(AgeInYears(birth, {2026, 11, 23}), 79);
  EXPECT_EQ(AgeInYears(birth, {2026, 11, 24}), 80);
  EXPECT_EQ(AgeInYears(birth, {2026, 12, 1}), 80);
  EXPECT_EQ(AgeInYears(birth, {1946, 11, 24}), 0);
  EXPECT_EQ(AgeInYears(birth, {1946, 11, 23}), -1);
}

TEST(CivilDate, CountsALeapDayBirthdayOnFirstOfMarchInCommonYears) {
  const CivilDate birth{2000, 2, 29};
  EXPECT_EQ(AgeInYears(birth, {2018, 2, 28}), 17);
  EXPECT_EQ(AgeInYears(birth, {2018, 3, 1}), 18);
  EXPECT_EQ(AgeInYears(birth, {2024, 2, 28}), 23);
  EXPECT_EQ(AgeInYears(birth, {2024, 2, 29}), 24);
}

}  // namespace
}  // namespace yimen
