// Calendar arithmetic for CivilDate. Kept separate from id_number because the catalog
// (effective dates) and the form engine (ages, "today") use it too.
#include "domain/civil_date.h"

#include <cassert>
#include <cstdio>

namespace yimen {
namespace {

bool ParseDigits(std::string_view text, int* out) {
  int value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  *out = value;
  return true;
}

}  // namespace

bool IsLeapYear(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  if (month == 2 && IsLeapYear(year)) return 29;
  return kDays[month - 1];
}

bool IsValidCivilDate(const CivilDate& date) {
  return date.year >= 1 && date.year <= 9999 && date.month >= 1 && date.month <= 12 &&
         date.day >= 1 && date.day <= DaysInMonth(date.year, date.month);
}

Result<CivilDate> ParseIsoDate(std::string_view text) {
  CivilDate date;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' ||
      !ParseDigits(text.substr(0, 4), &date.year) ||
      !ParseDigits(text.substr(5, 2), &date.month) ||
      !ParseDigits(text.substr(8, 2), &date.day)) {
    return MakeError(ErrorKind::kInvalidArgument,
                     "expected a date as YYYY-MM-DD, got \"" + std::string(text) + "\"");
  }
  if (!IsValidCivilDate(date)) {
    return MakeError(ErrorKind::kInvalidArgument,
                     "no such calendar date \"" + std::string(text) + "\"");
  }
  return date;
}

std::string FormatIsoDate(const CivilDate& date) {
  assert(IsValidCivilDate(date) && "FormatIsoDate on an invalid date");
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", date.year, date.month, date.day);
  return buffer;
}

int AgeInYears(const CivilDate& birth, const CivilDate& today) {
  assert(IsValidCivilDate(birth) && IsValidCivilDate(today) && "AgeInYears on invalid dates");
  int birthday_month = birth.month;
  int birthday_day = birth.day;
  if (birth.month == 2 && birth.day == 29 && !IsLeapYear(today.year)) {
    birthday_month = 3;
    birthday_day = 1;
  }
  int age = today.year - birth.year;
  const bool before_birthday = today.month < birthday_month ||
                               (today.month == birthday_month && today.day < birthday_day);
  if (before_birthday) --age;
  return age;
}

}  // namespace yimen
