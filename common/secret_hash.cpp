// Secret rules and Argon2id hashing (secret_hash.h).
#include "common/secret_hash.h"

#include <sodium.h>

#include <algorithm>
#include <cstdlib>

#include "domain/utf8.h"

namespace yimen::secret {
namespace {

bool PrintableUtf8(std::string_view text) {
  return IsValidUtf8(text) && std::none_of(text.begin(), text.end(),
                                           [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

bool CharsBetween(std::string_view text, size_t low, size_t high) {
  if (!PrintableUtf8(text)) return false;
  const size_t chars = CountCodepoints(text);
  return chars >= low && chars <= high;
}

// The number after `key` ("m=", "t=") in the parameter part of an Argon2 string.
unsigned long long NumberAfter(std::string_view params, std::string_view key) {
  size_t at = 0;
  while ((at = params.find(key, at)) != std::string_view::npos) {
    if (at == 0 || params[at - 1] == ',' || params[at - 1] == '$') {
      const std::string digits(params.substr(at + key.size(), 12));
      return std::strtoull(digits.c_str(), nullptr, 10);
    }
    at += key.size();
  }
  return 0;
}

}  // namespace

bool IsAcceptableStaffPin(std::string_view pin) {
  const bool digits_only =
      !pin.empty() && pin.find_first_not_of("0123456789") == std::string_view::npos;
  if (digits_only) return pin.size() >= kMinPinDigits && pin.size() <= kMaxPinDigits;
  return CharsBetween(pin, kMinPassphraseChars, kMaxPassphraseChars);
}

bool IsAcceptableOfficePassword(std::string_view password) {
  return CharsBetween(password, kMinPasswordChars, kMaxPasswordChars);
}

Result<std::string> Hash(std::string_view secret) {
  if (sodium_init() < 0) return MakeError(ErrorKind::kInternal, "libsodium failed to start");
  char out[crypto_pwhash_STRBYTES] = {};
  if (crypto_pwhash_str(out, secret.data(), secret.size(), kOpsLimit, kMemLimitBytes) != 0) {
    return MakeError(ErrorKind::kUnavailable, "out of memory while hashing a secret");
  }
  return std::string(out);
}

bool Verify(const std::string& hash, std::string_view secret) {
  if (hash.empty() || sodium_init() < 0) return false;
  return crypto_pwhash_str_verify(hash.c_str(), secret.data(), secret.size()) == 0;
}

Cost CostOf(std::string_view hash) {
  constexpr std::string_view kPrefix = "$argon2id$";
  if (hash.substr(0, kPrefix.size()) != kPrefix) return {};
  // $argon2id$v=19$m=262144,t=4,p=1$salt$digest: the parameters are the third field.
  const size_t start = hash.find('$', kPrefix.size());
  if (start == std::string_view::npos) return {};
  const size_t end = hash.find('$', start + 1);
  const std::string_view params = hash.substr(
      start + 1, end == std::string_view::npos ? std::string_view::npos : end - start - 1);
  return {NumberAfter(params, "m="), NumberAfter(params, "t=")};
}

}  // namespace yimen::secret
