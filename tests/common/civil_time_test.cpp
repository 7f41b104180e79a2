// Tests common/civil_time: the resident's civil date (China, UTC+8, no daylight saving)
// from an instant, whatever the machine's time zone, and ISO-8601 UTC text.
#include "common/civil_time.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

namespace yimen {
namespace {

// 2026-11-23T16:30:00Z: 00:30 on the 24th in China.
constexpr int64_t kHalfPastMidnightInChina = 1795451400;

TEST(CivilTime, ChinaDateTurnsAtSixteenUtc) {
  EXPECT_EQ(IsoUtc(kHalfPastMidnightInChina), "2026-11-23T16:30:00Z");
  EXPECT_EQ(ChinaDateAt(kHalfPastMidnightInChina), (CivilDate{2026, 11, 24}));
  EXPECT_EQ(ChinaDateAt(kHalfPastMidnightInChina - 30 * 60 - 1), (CivilDate{2026, 11, 23}));
  EXPECT_EQ(ChinaDateAt(kHalfPastMidnightInChina - 30 * 60), (CivilDate{2026, 11, 24}));
  EXPECT_EQ(ChinaDateAt(0), (CivilDate{1970, 1, 1}));
  EXPECT_EQ(ChinaDateAt(-8 * 3600 - 1), (CivilDate{1969, 12, 31}));
}

TEST(CivilTime, DoesNotDependOnTheMachinesTimeZone) {
  const char* old = std::getenv("TZ");
  const std::string saved = old ? old : "";
  for (const char* zone : {"UTC", "America/Los_Angeles", "Asia/Shanghai", "Pacific/Kiritimati"}) {
    setenv("TZ", zone, 1);
    tzset();
    EXPECT_EQ(ChinaDateAt(kHalfPastMidnightInChina), (CivilDate{2026, 11, 24})) << zone;
    EXPECT_EQ(IsoUtc(kHalfPastMidnightInChina), "2026-11-23T16:30:00Z") << zone;
  }
  if (old)
    setenv("TZ", saved.c_str(), 1);
  else
    unsetenv("TZ");
  tzset();
}

TEST(CivilTime, IsoUtcHasSeconds) {
  EXPECT_EQ(IsoUtc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(IsoUtc(1795430999), "2026-11-23T10:49:59Z");
  EXPECT_EQ(IsoUtc(951782400), "2000-02-29T00:00:00Z");
}

// submitted_at as the server reads it: 23:30 UTC on the 22nd is the 23rd in China.
TEST(CivilTime, SubmittedAtIsReadInUtcPlusEight) {
  EXPECT_EQ(*ChinaDateOfIso("2026-11-22T23:30:00Z"), (CivilDate{2026, 11, 23}));
  EXPECT_EQ(*ChinaDateOfIso("2026-11-22T15:59:59Z"), (CivilDate{2026, 11, 22}));
  EXPECT_EQ(*ChinaDateOfIso("2026-12-31T16:00:00Z"), (CivilDate{2027, 1, 1}));
  EXPECT_EQ(*ChinaDateOfIso("2026-11-23T16:30:00.250Z"), (CivilDate{2026, 11, 24}));
  for (int64_t t : {int64_t{0}, kHalfPastMidnightInChina, int64_t{4102444799}}) {
    EXPECT_EQ(*ChinaDateOfIso(IsoUtc(t)), ChinaDateAt(t)) << t;
  }
  for (const char* bad :
       {"2026-11-22", "2026-11-22 23:30:00Z", "2026-11-22T2x:30Z", "2026-02-30T10:00:00Z", ""}) {
    EXPECT_FALSE(ChinaDateOfIso(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace yimen
