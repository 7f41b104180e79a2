// The kiosk's one-time key for one phone-upload link (docs/devices.md "Photos from a
// phone"): an X25519 key pair made for that link alone, its secret in locked memory
// (sodium_malloc: guard pages, mlock, never swapped) and zeroed when the key goes. The
// phone's page seals each photo to the public half (crypto_box_seal), so the server
// relays only ciphertext; only this object opens it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"

namespace yimen::sync {

class PhoneKey {
 public:
  // A fresh key pair. kInternal when locked memory cannot be had (RLIMIT_MEMLOCK).
  static Result<std::unique_ptr<PhoneKey>> Make();
  ~PhoneKey();  // sodium_memzero, then sodium_free
  PhoneKey(const PhoneKey&) = delete;
  PhoneKey& operator=(const PhoneKey&) = delete;

  // What POST /v1/phone-links carries: standard base64 of the 32-byte public key.
  std::string PublicKeyBase64() const;
  // Opens one relayed file: base64 text of crypto_box_seal(plaintext). kInvalidArgument
  // for text that is not base64, shorter than the sealing's overhead or longer than
  // `max_sealed` bytes; kRejected when the box does not open (tampered, truncated, or
  // sealed to another key). Nothing of a refused file is kept.
  Result<std::vector<uint8_t>> Open(std::string_view sealed_base64, size_t max_sealed) const;

  // Keys alive in this process now (tests check that a visit's end leaves none).
  static int Live();

 private:
  PhoneKey() = default;
  uint8_t m_public[32] = {};
  uint8_t* m_secret = nullptr;  // crypto_box_SECRETKEYBYTES in sodium_malloc'd memory
};

}  // namespace yimen::sync
