// Request signing with libsodium: Ed25519 signatures, SHA-256 body hashes, sealed
// boxes. Kept free of HTTP so the kiosk, the server and the tests share it verbatim.
#include "sync/protocol/signing.h"

#include <sodium.h>

#include <mutex>

#include "common/base64.h"

namespace yimen::protocol {

Status InitCrypto() {
  static std::once_flag once;
  static int rc = -1;
  std::call_once(once, [] { rc = sodium_init(); });
  if (rc < 0) return MakeError(ErrorKind::kInternal, "libsodium failed to initialise");
  return Status::Ok();
}

SigningKeyPair GenerateSigningKeyPair() {
  (void)InitCrypto();
  SigningKeyPair pair;
  pair.public_key.resize(crypto_sign_PUBLICKEYBYTES);
  pair.secret_key.resize(crypto_sign_SECRETKEYBYTES);
  crypto_sign_keypair(reinterpret_cast<unsigned char*>(pair.public_key.data()),
                      reinterpret_cast<unsigned char*>(pair.secret_key.data()));
  return pair;
}

std::string NewNonce() {
  (void)InitCrypto();
  std::string raw(16, '\0');
  randombytes_buf(raw.data(), raw.size());
  return HexEncode(raw);
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xF]);
  }
  return out;
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

std::string CanonicalRequest(const SignedParts& parts) {
  std::string out = "YIMEN-V1\n";
  out += parts.method;
  out += '\n';
  out += parts.path;
  out += '\n';
  out += std::to_string(parts.timestamp);
  out += '\n';
  out += parts.nonce;
  out += '\n';
  out += Sha256Hex(parts.body);
  return out;
}

Result<std::string> SignRequest(const SignedParts& parts, std::string_view secret_key) {
  if (secret_key.size() != crypto_sign_SECRETKEYBYTES) {
    return MakeError(ErrorKind::kInvalidArgument, "signing key has the wrong size");
  }
  const std::string message = CanonicalRequest(parts);
  std::string signature(crypto_sign_BYTES, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(signature.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       reinterpret_cast<const unsigned char*>(secret_key.data()));
  return Base64Encode(signature);
}

bool VerifyRequest(const SignedParts& parts, std::string_view signature_b64,
                   std::string_view public_key) {
  if (public_key.size() != crypto_sign_PUBLICKEYBYTES) return false;
  auto signature = Base64Decode(signature_b64);
  if (!signature.ok() || signature->size() != crypto_sign_BYTES) return false;
  const std::string message = CanonicalRequest(parts);
  return crypto_sign_verify_detached(
             reinterpret_cast<const unsigned char*>(signature->data()),
             reinterpret_cast<const unsigned char*>(message.data()), message.size(),
             reinterpret_cast<const unsigned char*>(public_key.data())) == 0;
}

SealingKeyPair GenerateSealingKeyPair() {
  (void)InitCrypto();
  SealingKeyPair pair;
  pair.public_key.resize(crypto_box_PUBLICKEYBYTES);
  pair.secret_key.resize(crypto_box_SECRETKEYBYTES);
  crypto_box_keypair(reinterpret_cast<unsigned char*>(pair.public_key.data()),
                     reinterpret_cast<unsigned char*>(pair.secret_key.data()));
  return pair;
}

Result<std::string> Seal(std::string_view plaintext, std::string_view public_key) {
  if (public_key.size() != crypto_box_PUBLICKEYBYTES) {
    return MakeError(ErrorKind::kInvalidArgument, "sealing key has the wrong size");
  }
  std::string sealed(plaintext.size() + crypto_box_SEALBYTES, '\0');
  crypto_box_seal(reinterpret_cast<unsigned char*>(sealed.data()),
                  reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                  reinterpret_cast<const unsigned char*>(public_key.data()));
  return sealed;
}

Result<std::string> Unseal(std::string_view sealed, const SealingKeyPair& keys) {
  if (sealed.size() < crypto_box_SEALBYTES || keys.public_key.size() != crypto_box_PUBLICKEYBYTES ||
      keys.secret_key.size() != crypto_box_SECRETKEYBYTES) {
    return MakeError(ErrorKind::kRejected, "sealed payload is too short or keys are malformed");
  }
  std::string plain(sealed.size() - crypto_box_SEALBYTES, '\0');
  if (crypto_box_seal_open(reinterpret_cast<unsigned char*>(plain.data()),
                           reinterpret_cast<const unsigned char*>(sealed.data()), sealed.size(),
                           reinterpret_cast<const unsigned char*>(keys.public_key.data()),
                           reinterpret_cast<const unsigned char*>(keys.secret_key.data())) != 0) {
    return MakeError(ErrorKind::kRejected, "sealed payload does not open with the server key");
  }
  return plain;
}

}  // namespace yimen::protocol
