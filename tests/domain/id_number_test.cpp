// Tests for app/domain/id_number: GB 11643 check character, birth date rules and the
// message keys a resident sees for each kind of mistake.
#include "domain/id_number.h"

#include <gtest/gtest.h>

namespace yimen {
namespace {

constexpr CivilDate kToday{2026, 11, 23};

std::string KeyOf(const Result<IdNumber>& result) {
  return result.ok() ? std::string("ok") : result.error().message;
}

TEST(IdNumber, AcceptsTheStandardsExampleEndingInX) {
  const Result<IdNumber> id = ParseIdNumber("11010519491231002X", kToday);
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(id->text, "11010519491231002X");
  EXPECT_EQ(id->region_code, "110105");
  EXPECT_EQ(id->birth_date, (CivilDate{1949, 12, 31}));
  EXPECT_EQ(id->sex, Sex::kFemale);
}

TEST(IdNumber, AcceptsLowercaseXAndNormalisesIt) {
  const Result<IdNumber> id = ParseIdNumber("11010519491231002x", kToday);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->text, "11010519491231002X");
}

TEST(IdNumber, IgnoresSpacesResidentsTypeBetweenGroups) {
  const Result<IdNumber> id = ParseIdNumber(" 442000 19461124 0030 ", kToday);
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(id->text, "442000194611240030");
}

TEST(IdNumber, ReadsSexFromTheSeventeenthDigit) {
  EXPECT_EQ(ParseIdNumber("442000194611240030", kToday)->sex, Sex::kMale);    // 3: odd
  EXPECT_EQ(ParseIdNumber("442000194611240049", kToday)->sex, Sex::kFemale);  // 4: even
}

TEST(IdNumber, ComputesTheCheckCharacter) {
  EXPECT_EQ(IdCheckCharacter("11010519491231002"), 'X');
  EXPECT_EQ(IdCheckCharacter("44200019461124003"), '0');
  EXPECT_EQ(IdCheckCharacter("44200019850615123"), '7');
}

TEST(IdNumber, RejectsAWrongCheckDigit) {
  EXPECT_EQ(KeyOf(ParseIdNumber("110105194912310021", kToday)), "validation.id.check_digit");
  EXPECT_EQ(KeyOf(ParseIdNumber("442000198506151238", kToday)), "validation.id.check_digit");
}

TEST(IdNumber, CatchesEverySingleDigitTypo) {
  const std::string good = "442000198506151237";
  for (size_t position = 0; position < good.size(); ++position) {
    for (char digit = '0'; digit <= '9'; ++digit) {
      if (good[position] == digit) continue;
      std::string typo = good;
      typo[position] = digit;
      EXPECT_FALSE(ParseIdNumber(typo, kToday).ok()) << typo;
    }
  }
}

TEST(IdNumber, RejectsAnImpossibleBirthDate) {
  // 1999-02-30, with a correct check character so only the date is wrong.
  EXPECT_EQ(KeyOf(ParseIdNumber("442000199902300016", kToday)), "validation.id.birth_date");
}

TEST(IdNumber, RejectsBirthYearsBefore1890) {
  // The standard's own 1880 example: a real format, but nobody alive applies with it.
  EXPECT_EQ(KeyOf(ParseIdNumber("440524188001010014", kToday)), "validation.id.birth_date");
}

TEST(IdNumber, RejectsABirthDateAfterToday) {
  EXPECT_EQ(KeyOf(ParseIdNumber("442000202701010017", kToday)), "validation.id.future");
  EXPECT_EQ(KeyOf(ParseIdNumber("442000202701010017", CivilDate{2027, 1, 1})), "ok");
}

TEST(IdNumber, AcceptsALeapDayBirth) {
  EXPECT_EQ(KeyOf(ParseIdNumber("442000200002290022", kToday)), "ok");
}

TEST(IdNumber, RejectsTheWrongLength) {
  EXPECT_EQ(KeyOf(ParseIdNumber("", kToday)), "validation.id.length");
  EXPECT_EQ(KeyOf(ParseIdNumber("44200019850615123", kToday)), "validation.id.length");
  EXPECT_EQ(KeyOf(ParseIdNumber("4420001985061512370", kToday)), "validation.id.length");
  // First-generation 15-digit cards expired in 2013.
  EXPECT_EQ(KeyOf(ParseIdNumber("442000850615123", kToday)), "validation.id.length");
}

TEST(IdNumber, RejectsNonDigits) {
  EXPECT_EQ(KeyOf(ParseIdNumber("4420001985O6151237", kToday)), "validation.id.chars");
  EXPECT_EQ(KeyOf(ParseIdNumber("44200019850615123Y", kToday)), "validation.id.chars");
  EXPECT_EQ(KeyOf(ParseIdNumber("X42000198506151237", kToday)), "validation.id.chars");
  // Full-width digits are 3 bytes each, so the length check catches them first.
  EXPECT_EQ(KeyOf(ParseIdNumber("４４２０００１９８５０６１５１２３７", kToday)),
            "validation.id.length");
}

TEST(IdNumber, GivesTheExactAgeAroundAnEightiethBirthday) {
  const Result<IdNumber> id = ParseIdNumber("442000194611240030", kToday);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(AgeInYears(id->birth_date, CivilDate{2026, 11, 23}), 79);  // 79 years 364 days
  EXPECT_EQ(AgeInYears(id->birth_date, CivilDate{2026, 11, 24}), 80);
}

}  // namespace
}  // namespace yimen
