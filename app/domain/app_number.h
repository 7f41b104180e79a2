// Application numbers (受理编号) that are unique without asking the server, because a
// kiosk must hand the resident a number on paper even when the network is down, and
// that the resident can type back in to look up status without a typo finding someone
// else's application.
//
// Format: KKKK-YYMMDD-NNNN-C, e.g. "K7Q2-261123-0042-B"
//   KKKK    kiosk code, 4 characters [A-Z0-9], unique per kiosk (enrollment assigns it,
//           or the store makes one with MakeKioskCode at first start)
//   YYMMDD  the kiosk's local date of submission, years 2000..2099
//   NNNN    that kiosk's sequence number for that day, 1..999999, at least 4 digits
//           (zero-padded; a fifth or sixth digit appears only past 9999 a day)
//   C       check character, Luhn mod 36 over the 36 symbols 0-9A-Z, computed on the
//           characters without dashes. It catches every single-character substitution
//           and every swap of two adjacent characters except "0Z"<->"Z0", which the
//           date and sequence (digits only) can never contain.
// Uniqueness: (kiosk code, date, daily sequence) is unique as long as each kiosk's
// store never reuses a sequence number within a day.
//
// Visit numbers (办理编号): when a resident applies for several services in one visit
// (docs/internals/visits.md), the receipt carries one number for the visit beside the
// application numbers. Same shape with a "V" before the sequence, which counts visits
// (its own daily counter): "K7Q2-261204-V0003-X". The V takes part in the check
// character, so an application number never reads as a visit number or back.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/civil_date.h"
#include "domain/result.h"

namespace yimen {

inline constexpr uint32_t kMaxAppSequence = 999999;

struct AppNumberParts {
  std::string kiosk_code;  // 4 characters [A-Z0-9]
  CivilDate date;
  uint32_t seq = 0;  // 1..kMaxAppSequence
  bool visit = false;  // a visit number ("V" before the sequence)
};

// True for exactly 4 characters from [A-Z0-9]. Any thread.
bool IsValidKioskCode(std::string_view code);

// A kiosk code from random bits, drawn from the 31 symbols that cannot be misread on a
// receipt (no 0/O, 1/I/L). The caller supplies the randomness (the store uses
// libsodium), so the domain stays deterministic. Any thread.
std::string MakeKioskCode(uint64_t random_bits);

// The Luhn mod 36 check character of `body` (characters [0-9A-Z] only, asserted).
char AppNumberCheckCharacter(std::string_view body);

// Formats an application number. Preconditions (asserted, programmer errors):
// IsValidKioskCode(kiosk_code), `date` valid with year in 2000..2099, 1 <= seq <=
// kMaxAppSequence. Any thread.
std::string FormatAppNumber(std::string_view kiosk_code, const CivilDate& date, uint32_t seq);
std::string FormatAppNumber(const AppNumberParts& parts);
// The visit number: FormatAppNumber's shape with "V" before the sequence. Same
// preconditions. Any thread.
std::string FormatVisitNumber(std::string_view kiosk_code, const CivilDate& date, uint32_t seq);

// Parses what a resident typed. Tolerates lower case, spaces, missing dashes, and in the
// digit-only parts O for 0 and I/L for 1; with dashes, the sequence may drop its leading
// zeros ("K7Q2-261123-42-B"). A "V" (or "v") before the sequence makes it a visit number
// (parts.visit). Fails with kInvalidArgument whose message and code are a key:
// "validation.app_number.format" when the shape is wrong (lengths, characters, no such
// date, sequence 0), "validation.app_number.check" when the check character does not
// match (a typo). Any thread.
Result<AppNumberParts> ParseAppNumber(std::string_view text);

}  // namespace yimen
