// Enrollment codes: what `yimen-admin enroll-code` prints and ServerCore::Enroll
// checks. A code is a public id (to find its row) and a secret (60 bits); wrong
// secrets are counted per code, so guessing is bounded per code whatever the rate or
// address (docs/operations.md "Enrollment codes and guessing").
#pragma once

#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>

namespace yimen::server {

// 32 symbols without look-alikes (no I, O, 0, 1): 5 bits each.
inline constexpr std::string_view kEnrollCodeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
inline constexpr size_t kEnrollCodeIdChars = 5;       // 25 bits, looks the row up
inline constexpr size_t kEnrollCodeSecretChars = 12;  // 60 bits, never stored
inline constexpr size_t kEnrollCodeChars = kEnrollCodeIdChars + kEnrollCodeSecretChars;

// What a person typed, as the server compares it: letters and digits only, upper
// case ("k7qmd-4xpd a..." → "K7QMD4XPDA..."). Pure.
inline std::string NormaliseEnrollCode(std::string_view typed) {
  std::string code;
  for (char ch : typed) {
    const auto byte = static_cast<unsigned char>(ch);
    if (std::isalnum(byte)) code.push_back(static_cast<char>(std::toupper(byte)));
  }
  return code;
}

// The code's id: its first kEnrollCodeIdChars when it has the length of a code, else
// "" (a guess that names no code). Pure.
inline std::string EnrollCodeId(const std::string& normalised) {
  return normalised.size() == kEnrollCodeChars ? normalised.substr(0, kEnrollCodeIdChars) : "";
}

}  // namespace yimen::server
