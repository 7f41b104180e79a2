// Tests for app/domain/app_number: the printed format, tolerant parsing of what residents
// type back, and that the check character catches their typos.
#include "domain/app_number.h"

#include <set>

#include <gtest/gtest.h>

namespace yimen {
namespace {

constexpr CivilDate kDay{2026, 11, 23};

// The refusal's code, which callers match; its message is the same key (translated).
std::string KeyOf(const Result<AppNumberParts>& result) {
  if (result.ok()) return "ok";
  EXPECT_EQ(result.error().message, result.error().code);
  return result.error().code;
}

TEST(AppNumber, FormatsKioskDateSequenceAndCheckCharacter) {
  EXPECT_EQ(FormatAppNumber("K7Q2", kDay, 42), "K7Q2-261123-0042-B");
}

TEST(AppNumber, WidensTheSequenceOnlyPastFourDigits) {
  EXPECT_EQ(FormatAppNumber("K7Q2", kDay, 1).substr(0, 16), "K7Q2-261123-0001");
  EXPECT_EQ(FormatAppNumber("K7Q2", kDay, 12345).substr(0, 17), "K7Q2-261123-12345");
}

TEST(AppNumber, RoundTripsThroughParse) {
  for (const uint32_t seq : {1u, 42u, 9999u, 10000u, kMaxAppSequence}) {
    for (const CivilDate date : {CivilDate{2000, 1, 1}, kDay, CivilDate{2099, 12, 31}}) {
      const std::string text = FormatAppNumber("Z0A9", date, seq);
      const Result<AppNumberParts> parts = ParseAppNumber(text);
      ASSERT_TRUE(parts.ok()) << text << ": " << parts.error().message;
      EXPECT_EQ(parts->kiosk_code, "Z0A9");
      EXPECT_EQ(parts->date, date);
      EXPECT_EQ(parts->seq, seq);
      EXPECT_EQ(FormatAppNumber(*parts), text);
    }
  }
}

TEST(AppNumber, ToleratesLowercaseSpacesAndMissingDashes) {
  for (const char* typed : {"k7q2-261123-0042-b", "K7Q22611230042B", "k7q2 261123 0042 b",
                            "K7Q2-261123-42-B", "K7Q2-26II23-OO42-B"}) {
    const Result<AppNumberParts> parts = ParseAppNumber(typed);
    ASSERT_TRUE(parts.ok()) << typed << ": " << parts.error().message;
    EXPECT_EQ(FormatAppNumber(*parts), "K7Q2-261123-0042-B") << typed;
  }
}

TEST(AppNumber, VisitNumbersCarryAVBeforeTheSequenceAndRoundTrip) {
  const std::string visit = FormatVisitNumber("K7Q2", kDay, 3);
  EXPECT_EQ(visit.substr(0, 17), "K7Q2-261123-V0003");
  for (const std::string& typed : {visit, std::string("k7q2 261123 v0003 ") + visit.back(),
                                   std::string("K7Q2261123V0003") + visit.back(),
                                   std::string("K7Q2-261123-V3-") + visit.back()}) {
    const Result<AppNumberParts> parts = ParseAppNumber(typed);
    ASSERT_TRUE(parts.ok()) << typed << ": " << parts.error().message;
    EXPECT_TRUE(parts->visit) << typed;
    EXPECT_EQ(parts->seq, 3u);
    EXPECT_EQ(FormatAppNumber(*parts), visit);
  }
  const Result<AppNumberParts> app = ParseAppNumber(FormatAppNumber("K7Q2", kDay, 3));
  ASSERT_TRUE(app.ok());
  EXPECT_FALSE(app->visit);
}

TEST(AppNumber, AnApplicationNumberWithAVInsertedIsNotAVisitNumber) {
  // The V is under the check character: the same kiosk, day and sequence read as the
  // other kind of number fail the check instead of finding another record.
  for (const uint32_t seq : {1u, 3u, 42u, 777u, 9999u}) {
    std::string app = FormatAppNumber("K7Q2", kDay, seq);
    std::string as_visit = app;
    as_visit.insert(12, "V");
    EXPECT_EQ(KeyOf(ParseAppNumber(as_visit)), "validation.app_number.check") << as_visit;
    std::string visit = FormatVisitNumber("K7Q2", kDay, seq);
    visit.erase(12, 1);
    EXPECT_EQ(KeyOf(ParseAppNumber(visit)), "validation.app_number.check") << visit;
  }
}

TEST(AppNumber, CatchesEverySingleCharacterTypo) {
  const std::string good = FormatAppNumber("K7Q2", kDay, 42);
  const std::string symbols = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  int typos = 0;
  for (size_t i = 0; i < good.size(); ++i) {
    if (good[i] == '-') continue;
    for (const char c : symbols) {
      if (c == good[i]) continue;
      // In digit-only parts O, I and L are read as 0, 1 and 1 on purpose.
      const bool digit_part = i >= 5 && i <= 15;
      if (digit_part && (c == 'O' || c == 'I' || c == 'L')) continue;
      std::string typo = good;
      typo[i] = c;
      EXPECT_FALSE(ParseAppNumber(typo).ok()) << typo;
      ++typos;
    }
  }
  EXPECT_GT(typos, 300);
}

TEST(AppNumber, ReportsATypoAsACheckFailureAndGarbageAsAFormatError) {
  EXPECT_EQ(KeyOf(ParseAppNumber("K7Q2-261123-0042-C")), "validation.app_number.check");
  EXPECT_EQ(KeyOf(ParseAppNumber("K7Q2-261123-0043-B")), "validation.app_number.check");
  EXPECT_EQ(KeyOf(ParseAppNumber("")), "validation.app_number.format");
  EXPECT_EQ(KeyOf(ParseAppNumber("K7Q2-261123-0042")), "validation.app_number.format");
  EXPECT_EQ(KeyOf(ParseAppNumber("K7Q-261123-0042-B")), "validation.app_number.format");
  EXPECT_EQ(KeyOf(ParseAppNumber("K7Q2-261323-0042-B")), "validation.app_number.format");
  EXPECT_EQ(KeyOf(ParseAppNumber("K7Q2-261123-0000-B")), "validation.app_number.format");
  EXPECT_EQ(KeyOf(ParseAppNumber("K7Q2-261123-1234567-B")), "validation.app_number.format");
  EXPECT_EQ(KeyOf(ParseAppNumber("K7Q2-261123-0042-BB")), "validation.app_number.format");
  EXPECT_EQ(KeyOf(ParseAppNumber("低保-261123-0042-B")), "validation.app_number.format");
}

TEST(AppNumber, CatchesSwappedAdjacentDigits) {
  const std::string good = FormatAppNumber("K7Q2", CivilDate{2026, 10, 29}, 1234);
  for (size_t i = 5; i + 1 < good.size(); ++i) {
    if (good[i] == '-' || good[i + 1] == '-' || good[i] == good[i + 1]) continue;
    std::string swapped = good;
    std::swap(swapped[i], swapped[i + 1]);
    EXPECT_FALSE(ParseAppNumber(swapped).ok()) << swapped;
  }
}

TEST(AppNumber, GivesDifferentNumbersToDifferentSequencesKiosksAndDays) {
  std::set<std::string> numbers;
  int made = 0;
  for (const char* kiosk : {"K7Q2", "K7Q3", "AAAA"}) {
    for (const CivilDate day : {kDay, CivilDate{2026, 11, 24}}) {
      for (uint32_t seq = 1; seq <= 200; ++seq) {
        numbers.insert(FormatAppNumber(kiosk, day, seq));
        ++made;
      }
    }
  }
  EXPECT_EQ(numbers.size(), static_cast<size_t>(made));
}

TEST(AppNumber, ValidatesKioskCodes) {
  EXPECT_TRUE(IsValidKioskCode("K7Q2"));
  EXPECT_FALSE(IsValidKioskCode("k7q2"));
  EXPECT_FALSE(IsValidKioskCode("K7Q"));
  EXPECT_FALSE(IsValidKioskCode("K7Q2X"));
  EXPECT_FALSE(IsValidKioskCode("K-Q2"));
}

TEST(AppNumber, MakesKioskCodesWithoutLookAlikeCharacters) {
  std::set<std::string> codes;
  for (uint64_t bits = 0; bits < 5000; ++bits) {
    const std::string code = MakeKioskCode(bits * 2654435761u);
    EXPECT_TRUE(IsValidKioskCode(code)) << code;
    EXPECT_EQ(code.find_first_of("01OIL"), std::string::npos) << code;
    codes.insert(code);
  }
  EXPECT_GT(codes.size(), 4500u);
}

}  // namespace
}  // namespace yimen
