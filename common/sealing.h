// What makes a stolen kiosk useless to a thief (docs/design.md decision 1): an application's
// body is sealed to the central server's X25519 key (libsodium sealed box) and each
// document photo is encrypted with its own random key (secretstream XChaCha20-Poly1305,
// chunked), that key travelling inside the sealed body. The kiosk can write these but
// never read them back. Shared by the kiosk's store (sealing) and the server (opening),
// so both sides agree on every byte. No SQLite, no network: libsodium and JSON only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/wipe.h"  // Wipe: callers wipe what they open
#include "domain/result.h"

namespace yimen::seal {

// The envelope's version and algorithm name, written into every envelope so a future
// format can be told apart from this one.
inline constexpr int kEnvelopeVersion = 1;
inline constexpr const char* kEnvelopeAlgorithm = "x25519-xsalsa20poly1305-sealedbox";
// payload_format of an application whose payload is such an envelope (JSON text).
inline constexpr const char* kPayloadFormat = "sealed-v2";
// What an attachment's ciphertext starts with (before the secretstream header).
inline constexpr std::string_view kAttachmentMagic = "YSS1";
// Plaintext bytes per secretstream message: big enough to be cheap, small enough that
// a 5 MB photo never needs a second full copy in memory while it is decrypted.
inline constexpr size_t kAttachmentChunkBytes = 64 * 1024;
// draft.attachments["photo:<id>"] holds, once sealed, kSealedPhotoPrefix + sha256 hex
// of the ciphertext + ";key=" + base64 of the stream key instead of the JPEG.
inline constexpr std::string_view kSealedPhotoPrefix = "sealed-attachment-v1;sha256=";

// SHA-256 of `bytes` as 64 lowercase hex characters (libsodium crypto_hash_sha256): an
// attachment's ciphertext, an exported file's audit hash. Pure, any thread.
std::string Sha256Hex(std::string_view bytes);

// The key id of an X25519 public key: the first 8 bytes of BLAKE2b-256 of the key, as
// 16 lowercase hex characters. "" for a key that is not 32 bytes. Pure, any thread.
std::string KeyId(std::string_view public_key);

// A parsed envelope: {"v":1,"alg":"…","kid":"…","box":"<base64 sealed box>"}.
struct Envelope {
  int version = 0;
  std::string algorithm;
  std::string key_id;
  std::string box;  // raw sealed-box bytes
};

// Seals `plaintext` to `public_key` (32 raw bytes) and returns the envelope as compact
// JSON text. kInvalidArgument for a key of the wrong size. Any thread.
Result<std::string> SealEnvelope(std::string_view plaintext, std::string_view public_key);

// Parses envelope text. kRejected naming what is wrong (not JSON, wrong version or
// algorithm, key id or box missing or malformed). Pure.
Result<Envelope> ParseEnvelope(std::string_view text);

// Opens a parsed envelope with the key pair it names. kRejected when the key id does
// not match the key given, or the box was altered or sealed to another key. Any thread.
Result<std::string> OpenEnvelope(const Envelope& envelope, std::string_view public_key,
                                 std::string_view secret_key);

// A photo encrypted for storage and upload.
struct EncryptedAttachment {
  std::string ciphertext;  // kAttachmentMagic + secretstream header + chunks
  std::string key;         // 32 raw bytes; the caller seals it and wipes its copy
  std::string sha256_hex;  // of the ciphertext: what the upload is checked against
};

// Encrypts `plaintext` with a fresh random key. Never fails once libsodium is
// initialised (sodium_init). Any thread.
EncryptedAttachment EncryptAttachment(std::string_view plaintext);

// Decrypts what EncryptAttachment made. kRejected when the key is wrong, a byte was
// changed, a chunk is missing or the stream was cut before its final chunk. Any thread.
Result<std::string> DecryptAttachment(std::string_view ciphertext, std::string_view key);

}  // namespace yimen::seal
