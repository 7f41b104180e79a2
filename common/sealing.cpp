// Envelopes and encrypted attachments (see sealing.h). Every failure to open is
// kRejected with a sentence for staff: the server parks the item with that reason.
#include "common/sealing.h"

#include <sodium.h>

#include <cstring>

#include <nlohmann/json.hpp>

#include "common/base64.h"
#include "common/wipe.h"
#include "domain/json_limits.h"

namespace yimen::seal {
namespace {

Error Rejected(std::string message) { return MakeError(ErrorKind::kRejected, std::move(message)); }

const unsigned char* Bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

unsigned char* Bytes(std::string& text) { return reinterpret_cast<unsigned char*>(text.data()); }

bool IsKeyId(const std::string& text) {
  if (text.size() != 16) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::string KeyId(std::string_view public_key) {
  if (public_key.size() != crypto_box_PUBLICKEYBYTES) return "";
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest, Bytes(public_key), public_key.size(), nullptr, 0);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 8; ++i) {
    id.push_back(kHex[digest[i] >> 4]);
    id.push_back(kHex[digest[i] & 0xF]);
  }
  return id;
}

Result<std::string> SealEnvelope(std::string_view plaintext, std::string_view public_key) {
  if (public_key.size() != crypto_box_PUBLICKEYBYTES) {
    return MakeError(ErrorKind::kInvalidArgument, "sealing key must be 32 bytes");
  }
  std::string box(plaintext.size() + crypto_box_SEALBYTES, '\0');
  if (crypto_box_seal(Bytes(box), Bytes(plaintext), plaintext.size(), Bytes(public_key)) != 0) {
    return MakeError(ErrorKind::kInternal, "crypto_box_seal failed");
  }
  nlohmann::json envelope{{"v", kEnvelopeVersion},
                          {"alg", kEnvelopeAlgorithm},
                          {"kid", KeyId(public_key)},
                          {"box", Base64Encode(box)}};
  return envelope.dump();
}

Result<Envelope> ParseEnvelope(std::string_view text) {
  // Flat by definition: anything nested is refused while parsing, never built.
  auto parsed = ParseJsonWithin(text, /*max_depth=*/1);
  if (!parsed.ok() || !parsed->is_object()) {
    return Rejected("sealed payload is not an envelope (not a flat JSON object)");
  }
  const nlohmann::json& json = *parsed;
  // Nothing beside the four fields: an envelope must not carry readable data.
  for (const auto& [key, value] : json.items()) {
    if (key != "v" && key != "alg" && key != "kid" && key != "box") {
      return Rejected("envelope has a field it must not have");
    }
  }
  Envelope envelope;
  const auto v = json.find("v");
  if (v == json.end() || !v->is_number_integer() || v->get<int>() != kEnvelopeVersion) {
    return Rejected("envelope version is not " + std::to_string(kEnvelopeVersion));
  }
  envelope.version = kEnvelopeVersion;
  const auto alg = json.find("alg");
  if (alg == json.end() || !alg->is_string() || alg->get<std::string>() != kEnvelopeAlgorithm) {
    return Rejected(std::string("envelope algorithm is not ") + kEnvelopeAlgorithm);
  }
  envelope.algorithm = kEnvelopeAlgorithm;
  const auto kid = json.find("kid");
  if (kid == json.end() || !kid->is_string() || !IsKeyId(kid->get<std::string>())) {
    return Rejected("envelope key id is missing or not 16 hex characters");
  }
  envelope.key_id = kid->get<std::string>();
  const auto box = json.find("box");
  if (box == json.end() || !box->is_string()) return Rejected("envelope has no box");
  auto raw = Base64Decode(box->get_ref<const std::string&>());
  if (!raw.ok() || raw->size() < crypto_box_SEALBYTES) {
    return Rejected("envelope box is not base64 or too short");
  }
  envelope.box = std::move(*raw);
  return envelope;
}

Result<std::string> OpenEnvelope(const Envelope& envelope, std::string_view public_key,
                                 std::string_view secret_key) {
  if (public_key.size() != crypto_box_PUBLICKEYBYTES ||
      secret_key.size() != crypto_box_SECRETKEYBYTES) {
    return MakeError(ErrorKind::kInternal, "opening key pair has the wrong size");
  }
  if (KeyId(public_key) != envelope.key_id) {
    return Rejected("envelope is sealed to key " + envelope.key_id + ", not to " +
                    KeyId(public_key));
  }
  if (envelope.box.size() < crypto_box_SEALBYTES) return Rejected("envelope box is too short");
  std::string plain(envelope.box.size() - crypto_box_SEALBYTES, '\0');
  if (crypto_box_seal_open(Bytes(plain), Bytes(envelope.box), envelope.box.size(),
                           Bytes(public_key), Bytes(secret_key)) != 0) {
    Wipe(&plain);
    return Rejected("envelope does not open with key " + envelope.key_id +
                    " (altered, or sealed to another key with the same id)");
  }
  return plain;
}

EncryptedAttachment EncryptAttachment(std::string_view plaintext) {
  EncryptedAttachment out;
  out.key.resize(crypto_secretstream_xchacha20poly1305_KEYBYTES);
  crypto_secretstream_xchacha20poly1305_keygen(Bytes(out.key));
  crypto_secretstream_xchacha20poly1305_state state;
  unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
  crypto_secretstream_xchacha20poly1305_init_push(&state, header, Bytes(out.key));
  const size_t chunks = plaintext.size() / kAttachmentChunkBytes + 1;
  out.ciphertext.reserve(kAttachmentMagic.size() + sizeof header + plaintext.size() +
                         chunks * crypto_secretstream_xchacha20poly1305_ABYTES);
  out.ciphertext.append(kAttachmentMagic);
  out.ciphertext.append(reinterpret_cast<const char*>(header), sizeof header);
  // Always at least one chunk, and the last carries TAG_FINAL, so a cut stream or an
  // empty one is told apart from a whole one.
  size_t pos = 0;
  do {
    const size_t take = std::min(kAttachmentChunkBytes, plaintext.size() - pos);
    const bool last = pos + take == plaintext.size();
    const size_t at = out.ciphertext.size();
    out.ciphertext.resize(at + take + crypto_secretstream_xchacha20poly1305_ABYTES);
    crypto_secretstream_xchacha20poly1305_push(
        &state, Bytes(out.ciphertext) + at, nullptr, Bytes(plaintext) + pos, take, nullptr, 0,
        last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
    pos += take;
    if (last) break;
  } while (true);
  sodium_memzero(&state, sizeof state);
  out.sha256_hex = Sha256Hex(out.ciphertext);
  return out;
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char b : digest) {
    hex.push_back(kHex[b >> 4]);
    hex.push_back(kHex[b & 0xF]);
  }
  return hex;
}

Result<std::string> DecryptAttachment(std::string_view ciphertext, std::string_view key) {
  constexpr size_t kHeader = crypto_secretstream_xchacha20poly1305_HEADERBYTES;
  constexpr size_t kTag = crypto_secretstream_xchacha20poly1305_ABYTES;
  if (key.size() != crypto_secretstream_xchacha20poly1305_KEYBYTES) {
    return Rejected("attachment key must be 32 bytes");
  }
  if (ciphertext.size() < kAttachmentMagic.size() + kHeader + kTag ||
      ciphertext.substr(0, kAttachmentMagic.size()) != kAttachmentMagic) {
    return Rejected("attachment is not a Yimen encrypted stream");
  }
  crypto_secretstream_xchacha20poly1305_state state;
  if (crypto_secretstream_xchacha20poly1305_init_pull(
          &state, Bytes(ciphertext) + kAttachmentMagic.size(), Bytes(key)) != 0) {
    return Rejected("attachment header is invalid");
  }
  std::string plain;
  plain.reserve(ciphertext.size());
  size_t pos = kAttachmentMagic.size() + kHeader;
  bool final_seen = false;
  while (pos < ciphertext.size()) {
    if (final_seen) {
      Wipe(&plain);
      return Rejected("attachment has bytes after its final chunk");
    }
    const size_t take = std::min(kAttachmentChunkBytes + kTag, ciphertext.size() - pos);
    if (take < kTag) {
      Wipe(&plain);
      return Rejected("attachment ends inside a chunk");
    }
    const size_t at = plain.size();
    plain.resize(at + take - kTag);
    unsigned long long written = 0;
    unsigned char tag = 0;
    if (crypto_secretstream_xchacha20poly1305_pull(&state, Bytes(plain) + at, &written, &tag,
                                                   Bytes(ciphertext) + pos, take, nullptr,
                                                   0) != 0) {
      Wipe(&plain);
      return Rejected("attachment chunk does not authenticate (altered or wrong key)");
    }
    plain.resize(at + written);
    final_seen = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
    pos += take;
  }
  sodium_memzero(&state, sizeof state);
  if (!final_seen) {
    Wipe(&plain);
    return Rejected("attachment was cut before its final chunk");
  }
  return plain;
}

}  // namespace yimen::seal
