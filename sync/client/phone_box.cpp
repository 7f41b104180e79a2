// One-time key pair and sealed-box opening for phone uploads (phone_box.h).
#include "sync/client/phone_box.h"

#include <sodium.h>

#include <atomic>

#include "common/base64.h"
#include "common/wipe.h"

namespace yimen::sync {
namespace {

std::atomic<int> g_live{0};

static_assert(crypto_box_PUBLICKEYBYTES == 32, "X25519 public keys are 32 bytes");

}  // namespace

Result<std::unique_ptr<PhoneKey>> PhoneKey::Make() {
  if (sodium_init() < 0) return MakeError(ErrorKind::kInternal, "libsodium did not start");
  std::unique_ptr<PhoneKey> key(new PhoneKey());
  key->m_secret = static_cast<uint8_t*>(sodium_malloc(crypto_box_SECRETKEYBYTES));
  if (!key->m_secret) return MakeError(ErrorKind::kInternal, "no locked memory for a phone key");
  ++g_live;
  crypto_box_keypair(key->m_public, key->m_secret);
  return key;
}

PhoneKey::~PhoneKey() {
  if (!m_secret) return;
  sodium_memzero(m_secret, crypto_box_SECRETKEYBYTES);
  sodium_free(m_secret);  // zeroes again and unlocks
  m_secret = nullptr;
  --g_live;
}

int PhoneKey::Live() { return g_live.load(); }

std::string PhoneKey::PublicKeyBase64() const {
  return Base64Encode(std::string_view(reinterpret_cast<const char*>(m_public), sizeof m_public));
}

Result<std::vector<uint8_t>> PhoneKey::Open(std::string_view sealed_base64,
                                            size_t max_sealed) const {
  // Base64 is 4/3 of the bytes: a text far too long is refused before decoding it.
  if (sealed_base64.size() > (max_sealed / 3 + 1) * 4) {
    return MakeError(ErrorKind::kInvalidArgument, "sealed photo too large");
  }
  Result<std::string> sealed = Base64Decode(sealed_base64);
  if (!sealed.ok()) return sealed.error();
  if (sealed->size() < crypto_box_SEALBYTES || sealed->size() > max_sealed) {
    Wipe(&sealed.value());
    return MakeError(ErrorKind::kInvalidArgument, "sealed photo of a wrong size");
  }
  std::vector<uint8_t> plain(sealed->size() - crypto_box_SEALBYTES);
  const int opened =
      crypto_box_seal_open(plain.data(), reinterpret_cast<const uint8_t*>(sealed->data()),
                           sealed->size(), m_public, m_secret);
  Wipe(&sealed.value());  // ciphertext, but no reason to keep it
  if (opened != 0) {
    Wipe(&plain);
    return MakeError(ErrorKind::kRejected, "sealed photo did not open");
  }
  return plain;
}

}  // namespace yimen::sync
