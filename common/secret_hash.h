// The rules and the cost for every secret a person types: staff PINs (kiosk staff
// mode, the kiosk's exit PIN) and office passwords (yimen-admin, the web console).
// One home so the kiosk, yimen-admin and the server cannot drift apart; the cost and
// its arithmetic are in docs/staff-mode.md.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "domain/result.h"

namespace yimen::secret {

// Argon2id cost of every hash made from now on: 4 passes over 256 MiB (libsodium's
// MODERATE memory, one pass more than its MODERATE opslimit). ~0.7-1 s on one core of
// the development machine; docs/staff-mode.md states the measured figure.
inline constexpr unsigned long long kOpsLimit = 4;
inline constexpr size_t kMemLimitBytes = size_t{256} << 20;

// A staff PIN: 8 to 20 digits, or a passphrase of 10 to 64 characters (UTF-8, no
// control characters). The kiosk's PIN pad types digits only (kMaxPinDigits of them).
inline constexpr size_t kMinPinDigits = 8;
inline constexpr size_t kMaxPinDigits = 20;
inline constexpr size_t kMinPassphraseChars = 10;
inline constexpr size_t kMaxPassphraseChars = 64;
bool IsAcceptableStaffPin(std::string_view pin);
// The sentence to show when IsAcceptableStaffPin says no.
inline constexpr const char* kStaffPinRule =
    "a staff PIN must be 8 to 20 digits, or a passphrase of 10 to 64 characters";

// An office account's password: 12 to 256 characters of UTF-8 without control
// characters.
inline constexpr size_t kMinPasswordChars = 12;
inline constexpr size_t kMaxPasswordChars = 256;
bool IsAcceptableOfficePassword(std::string_view password);
inline constexpr const char* kOfficePasswordRule =
    "an office password must be 12 to 256 characters, without control characters";

// crypto_pwhash_str at the cost above. kUnavailable when memory runs out. Any thread;
// takes the better part of a second.
[[nodiscard]] Result<std::string> Hash(std::string_view secret);

// True when `secret` matches `hash` (any Argon2 string crypto_pwhash_str_verify knows).
// Same cost as Hash. Any thread.
bool Verify(const std::string& hash, std::string_view secret);

// The cost written in an Argon2id string ("$argon2id$v=19$m=262144,t=4,p=1$..."):
// memory in KiB and passes, or nullopt-like zeros when the string is not Argon2id.
struct Cost {
  unsigned long long memory_kib = 0;
  unsigned long long passes = 0;
};
Cost CostOf(std::string_view hash);

// A well-formed Argon2id string that no secret matches (its digest is all zero bytes
// and the salt is fixed): what a disabled account carries instead of its real hash,
// so a kiosk holds no guessable hash of an account it will never accept.
inline constexpr const char* kNoSecretHash =
    "$argon2id$v=19$m=262144,t=4,p=1$AAAAAAAAAAAAAAAAAAAAAA$"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

}  // namespace yimen::secret
