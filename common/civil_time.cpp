// The civil-date rule (see civil_time.h), with std::chrono's calendar: no time zone
// database and no TZ variable are involved.
#include "common/civil_time.h"

#include <chrono>
#include <cstdio>

namespace yimen {
namespace {

using std::chrono::days;
using std::chrono::floor;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::sys_seconds;
using std::chrono::year_month_day;

CivilDate FromYmd(const year_month_day& ymd) {
  return CivilDate{static_cast<int>(ymd.year()),
                   static_cast<int>(static_cast<unsigned>(ymd.month())),
                   static_cast<int>(static_cast<unsigned>(ymd.day()))};
}

bool TwoDigits(std::string_view text, size_t at) {
  return text[at] >= '0' && text[at] <= '9' && text[at + 1] >= '0' && text[at + 1] <= '9';
}

int TwoDigitValue(std::string_view text, size_t at) {
  return (text[at] - '0') * 10 + (text[at + 1] - '0');
}

}  // namespace

CivilDate ChinaDateAt(int64_t unix_seconds) {
  const sys_seconds local{seconds(unix_seconds + kChinaUtcOffsetSeconds)};
  return FromYmd(year_month_day{floor<days>(local)});
}

std::string IsoUtc(int64_t unix_seconds) {
  const sys_seconds t{seconds(unix_seconds)};
  const sys_days day = floor<days>(t);
  const CivilDate date = FromYmd(year_month_day{day});
  const int64_t in_day = (t - day).count();
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02dZ", date.year, date.month,
                date.day, static_cast<int>(in_day / 3600), static_cast<int>(in_day / 60 % 60),
                static_cast<int>(in_day % 60));
  return buffer;
}

Result<CivilDate> ChinaDateOfIso(std::string_view iso_utc) {
  if (iso_utc.size() < 16 || iso_utc[10] != 'T' || iso_utc[13] != ':' || !TwoDigits(iso_utc, 11) ||
      !TwoDigits(iso_utc, 14)) {
    return MakeError(ErrorKind::kInvalidArgument, "not an ISO-8601 time");
  }
  auto date = ParseIsoDate(iso_utc.substr(0, 10));
  if (!date.ok()) return date.error();
  const sys_days day{std::chrono::year(date->year) / date->month / date->day};
  const int64_t at = std::chrono::duration_cast<seconds>(day.time_since_epoch()).count() +
                     TwoDigitValue(iso_utc, 11) * 3600 + TwoDigitValue(iso_utc, 14) * 60;
  return ChinaDateAt(at);
}

int64_t UnixSecondsNow() {
  return std::chrono::duration_cast<seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace yimen
