// 居民身份证号 (resident ID number) per GB 11643-1999. Every means-tested application is
// keyed by the ID numbers of the household, and a mistyped one sends a reviewer on a
// wrong household visit, so the kiosk checks it as the resident types.
#pragma once

#include <string>
#include <string_view>

#include "domain/civil_date.h"
#include "domain/result.h"

namespace yimen {

enum class Sex { kFemale, kMale };

struct IdNumber {
  std::string text;         // normalised: 18 characters, check character 'X' upper-case
  std::string region_code;  // address code, characters [0, 6)
  CivilDate birth_date;     // characters [6, 14)
  Sex sex = Sex::kFemale;   // from the 17th character: odd is male
};

// ISO 7064 MOD 11-2 check character over the first 17 digits: '0'..'9' or 'X' (for 10).
// `first17` must be 17 ASCII digits (asserted). Any thread.
char IdCheckCharacter(std::string_view first17);

// Parses and checks an ID number, in this order, stopping at the first failure:
//   length     exactly 18 characters once ASCII spaces are removed (residents group
//              digits as they read them from the card) -> "validation.id.length"
//   characters 17 digits, then a digit or 'X'/'x'          -> "validation.id.chars"
//   birth date a real date, year >= 1890                    -> "validation.id.birth_date"
//   not future birth date not after `today`                 -> "validation.id.future"
//   check      the 18th character matches MOD 11-2          -> "validation.id.check_digit"
// The date checks come before the check character because they name the part the
// resident should look at. On failure the Error is kInvalidArgument and its message is
// the message key above (see assets/strings/validation.*.json), never prose.
// The address code is not checked against GB/T 2260: codes change and old cards stay
// valid, and the check character already catches single typos there. Any thread.
Result<IdNumber> ParseIdNumber(std::string_view text, const CivilDate& today);

}  // namespace yimen
