// Device identity and request signing, shared by the kiosk and the server so that
// both compute the very same bytes (docs/design.md decision 5). A request is signed over
// method, path, timestamp, nonce and the SHA-256 of its body with the device's
// Ed25519 key; the server checks the signature, the clock window and the nonce.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/base64.h"  // signatures and keys travel as base64 text
#include "domain/result.h"

namespace yimen::protocol {

// Header names every signed request carries.
inline constexpr const char* kHeaderDevice = "X-Yimen-Device";
inline constexpr const char* kHeaderTimestamp = "X-Yimen-Timestamp";
inline constexpr const char* kHeaderNonce = "X-Yimen-Nonce";
inline constexpr const char* kHeaderSignature = "X-Yimen-Signature";
// Every server response carries its clock (unix seconds) so kiosks can sign with
// server time even when their own clock is wrong.
inline constexpr const char* kHeaderServerTime = "X-Yimen-Server-Time";

// How far a request's timestamp may be from the server's clock.
inline constexpr int64_t kMaxClockSkewSeconds = 300;

struct SigningKeyPair {
  std::string public_key;  // 32 raw bytes
  std::string secret_key;  // 64 raw bytes (libsodium's seed + public key layout)
};

// The parts of a request that the signature covers.
struct SignedParts {
  std::string method;     // "POST"
  std::string path;       // path plus query string exactly as sent: "/v1/status?after=3"
  int64_t timestamp = 0;  // unix seconds, in the server's clock as the kiosk knows it
  std::string nonce;      // 32 hex chars, fresh per request
  std::string body;       // raw body bytes (may be empty)
};

// Initialises libsodium once. Returns kInternal if the library cannot start.
// Any thread; cheap after the first call.
Status InitCrypto();

// Fresh Ed25519 key pair. Never fails once InitCrypto() succeeded. Any thread.
SigningKeyPair GenerateSigningKeyPair();

// Random 16 bytes as 32 lowercase hex characters. Any thread.
std::string NewNonce();

// The exact string that is signed: "YIMEN-V1\n" method "\n" path "\n" timestamp "\n"
// nonce "\n" hex(SHA-256(body)). Pure.
std::string CanonicalRequest(const SignedParts& parts);

// Detached Ed25519 signature of CanonicalRequest(parts), base64. kInvalidArgument if
// the secret key has the wrong size. Any thread.
Result<std::string> SignRequest(const SignedParts& parts, std::string_view secret_key);

// True when signature_b64 is a valid signature of parts by public_key. Pure.
bool VerifyRequest(const SignedParts& parts, std::string_view signature_b64,
                   std::string_view public_key);

// Lowercase hex SHA-256 of bytes. Pure.
std::string Sha256Hex(std::string_view bytes);

// Lowercase hex of raw bytes. Pure.
std::string HexEncode(std::string_view bytes);

// A one-time sealing key pair (X25519, libsodium sealed boxes): the server keeps the
// secret, kiosks receive the public key at enrollment and seal payloads to it.
struct SealingKeyPair {
  std::string public_key;  // 32 raw bytes
  std::string secret_key;  // 32 raw bytes
};
SealingKeyPair GenerateSealingKeyPair();

// Sealed box to public_key. kInvalidArgument on a wrong key size. Any thread.
Result<std::string> Seal(std::string_view plaintext, std::string_view public_key);
// Opens a sealed box. kRejected when it was not sealed to this key or was altered.
Result<std::string> Unseal(std::string_view sealed, const SealingKeyPair& keys);

}  // namespace yimen::protocol
