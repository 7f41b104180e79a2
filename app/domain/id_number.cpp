// GB 11643-1999 check: 6-digit address code, 8-digit birth date, 3-digit sequence (odd
// for men), ISO 7064 MOD 11-2 check character.
#include "domain/id_number.h"

#include <cassert>

#include "domain/message_keys.h"

namespace yimen {
namespace {

constexpr int kMinBirthYear = 1890;

Error IdError(std::string_view key) {
  return MakeError(ErrorKind::kInvalidArgument, std::string(key));
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int DigitsValue(std::string_view digits) {
  int value = 0;
  for (const char c : digits) value = value * 10 + (c - '0');
  return value;
}

}  // namespace

char IdCheckCharacter(std::string_view first17) {
  assert(first17.size() == 17 && "IdCheckCharacter needs 17 digits");
  // Weights are 2^(17-i) mod 11 for position i, as the standard tabulates them.
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    assert(IsDigit(first17[i]) && "IdCheckCharacter needs digits");
    sum += (first17[i] - '0') * kWeights[i];
  }
  return kCheck[sum % 11];
}

Result<IdNumber> ParseIdNumber(std::string_view text, const CivilDate& today) {
  std::string id;
  id.reserve(18);
  for (const char c : text) {
    if (c == ' ') continue;
    id.push_back(c);
  }
  if (id.size() != 18) return IdError(msg::kIdLength);

  for (size_t i = 0; i < 17; ++i) {
    if (!IsDigit(id[i])) return IdError(msg::kIdChars);
  }
  if (id[17] == 'x') id[17] = 'X';
  if (!IsDigit(id[17]) && id[17] != 'X') return IdError(msg::kIdChars);

  const std::string_view view(id);
  const CivilDate birth{DigitsValue(view.substr(6, 4)), DigitsValue(view.substr(10, 2)),
                        DigitsValue(view.substr(12, 2))};
  if (!IsValidCivilDate(birth) || birth.year < kMinBirthYear) return IdError(msg::kIdBirthDate);
  if (birth > today) return IdError(msg::kIdFuture);
  if (IdCheckCharacter(view.substr(0, 17)) != id[17]) return IdError(msg::kIdCheckDigit);

  IdNumber parsed;
  parsed.region_code = id.substr(0, 6);
  parsed.birth_date = birth;
  parsed.sex = ((id[16] - '0') % 2 == 1) ? Sex::kMale : Sex::kFemale;
  parsed.text = std::move(id);
  return parsed;
}

}  // namespace yimen
