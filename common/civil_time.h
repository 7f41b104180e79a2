// The one civil-date rule of both sides: an application's date is the resident's date in
// China Standard Time (UTC+8, no daylight saving) at the instant it was submitted. The
// kiosk validates a form and numbers an application with it, the server re-validates
// with it from submitted_at, so an age rule near midnight gives the same answer on both
// sides whatever time zone either machine is set to (docs/internals/sync.md "Clocks").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/civil_date.h"
#include "domain/result.h"

namespace yimen {

// China Standard Time's distance from UTC, all year round.
inline constexpr int64_t kChinaUtcOffsetSeconds = 8 * 3600;

// The civil date in China at `unix_seconds` (seconds since 1970-01-01T00:00:00Z):
// 2026-11-23T16:30:00Z is 2026-11-24 there. Pure, any thread.
CivilDate ChinaDateAt(int64_t unix_seconds);

// "YYYY-MM-DDTHH:MM:SSZ" (UTC) of `unix_seconds`, as submitted_at and the stores write
// times. Pure, any thread.
std::string IsoUtc(int64_t unix_seconds);

// The China date of an ISO-8601 UTC time "YYYY-MM-DDTHH:MM[:SS[.fff]]Z" (seconds and
// what follows the minutes are not needed for the date). kInvalidArgument when it is
// not one. Pure, any thread.
Result<CivilDate> ChinaDateOfIso(std::string_view iso_utc);

// Seconds since the epoch by the system clock. Any thread.
int64_t UnixSecondsNow();

}  // namespace yimen
