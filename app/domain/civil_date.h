// Calendar dates without time zones: birth dates, effective dates of allowance standards,
// application dates. The domain never reads a clock; callers pass "today" in, so rules
// such as "not born in the future" are testable and the server can re-check them.
#pragma once

#include <compare>
#include <string>
#include <string_view>

#include "domain/result.h"

namespace yimen {

// A proleptic Gregorian date. A plain value: it may hold an impossible date (use
// IsValidCivilDate); ordering compares year, then month, then day.
struct CivilDate {
  int year = 0;
  int month = 0;  // 1..12
  int day = 0;    // 1..31
  auto operator<=>(const CivilDate&) const = default;
};

bool IsLeapYear(int year);

// Days in `month` of `year`; 0 when month is outside 1..12.
int DaysInMonth(int year, int month);

// True when the date exists in the calendar (years 1..9999).
bool IsValidCivilDate(const CivilDate& date);

// Parses exactly "YYYY-MM-DD" (ASCII digits, a real date). Fails with kInvalidArgument
// whose message says what is wrong. Any thread.
Result<CivilDate> ParseIsoDate(std::string_view text);

// "YYYY-MM-DD"; the date must be valid (asserted).
std::string FormatIsoDate(const CivilDate& date);

// Completed years (周岁) from `birth` to `today`: a person born 1946-11-24 is 79 on
// 2026-11-23 and 80 on 2026-11-24. Someone born on 29 February gains a year on 1 March
// in common years, as Chinese practice counts it (the legal birthday does not exist, so
// the day after the 28th is the first day the full year has passed). Negative when
// `today` is before `birth`. Both dates must be valid (asserted). Any thread.
int AgeInYears(const CivilDate& birth, const CivilDate& today);

}  // namespace yimen
