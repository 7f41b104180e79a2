// Photos from the resident's own phone (issue 15 item 2; docs/devices.md "Photos from
// a phone"). The kiosk asks the server for a one-time upload link, shows it as a QR
// code, and polls for what arrives; the phone's page seals each photo in the browser
// to a public key the kiosk made for this link alone, so the server stores and relays
// only ciphertext (crypto_box_seal) it cannot open. Shared by kiosk and server;
// docs/api/openapi.yaml describes the same shapes.
//
//   kiosk (signed, like every /v1 call)           phone (the token is the only key)
//   POST   /v1/phone-links        → PhoneLink     GET  /m/{token}        the page (410 when spent)
//   GET    /v1/phone-links/{id}?after=N           GET  /m/static/{file}  its script, style,
//   libsodium
//                                 → PhoneFiles    POST /m/{token}/files  one sealed photo
//   DELETE /v1/phone-links/{id}   spends it       POST /m/{token}/done   the resident's 完成
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace yimen::protocol {

inline constexpr const char* kPathPhoneLinks = "/v1/phone-links";  // + "/{link_id}"
inline constexpr const char* kPathPhonePage = "/m";                // + "/{token}", "/static/..."

// A link lives ten minutes, takes a few files and is used once. The token in its URL
// is 32 random bytes (256 bits) in unpadded base64url; the server keeps only its
// BLAKE2b-256 hash, so a copy of the database cannot upload.
inline constexpr int kPhoneLinkSeconds = 600;
inline constexpr int kPhoneLinkMaxFiles = 4;
inline constexpr size_t kPhoneTokenBytes = 32;
// Largest sealed file the server takes (the page sends JPEGs re-encoded to at most
// 1600 px on the longer side, well under this) and the sealing's overhead
// (crypto_box_SEALBYTES: an ephemeral public key and a MAC).
inline constexpr size_t kPhoneMaxSealedBytes = 4u << 20;
inline constexpr size_t kPhoneSealOverhead = 48;

// POST /v1/phone-links: the kiosk's one-time X25519 public key for this link
// (crypto_box_keypair; its secret never leaves the kiosk's memory).
struct PhoneLinkRequest {
  std::string public_key;              // base64 (standard, padded) of 32 bytes
  int max_files = kPhoneLinkMaxFiles;  // 1..kPhoneLinkMaxFiles
};

// 201 to POST /v1/phone-links.
struct PhoneLink {
  std::string link_id;  // a UUID, the kiosk's handle; never in the phone's URL
  std::string url;      // what the QR code carries: <public base>/m/<token>
  int64_t expires_in_s = 0;
  std::string expires_at;  // ISO-8601 UTC
  int max_files = 0;
};

// One sealed photo as relayed: crypto_box_seal(jpeg, public_key), base64.
struct PhoneFile {
  int seq = 0;  // 1, 2, ... in arrival order
  std::string sealed;
};

// 200 to GET /v1/phone-links/{id}?after=N: the files with seq > N.
struct PhoneFiles {
  // "open" (taking files), "done" (the phone said 完成, or the files are all in),
  // "expired", "spent" (the kiosk spent it).
  std::string state;
  std::vector<PhoneFile> files;
  int received = 0;  // files the link took so far
  int64_t expires_in_s = 0;
};

void to_json(nlohmann::json& j, const PhoneLinkRequest& v);
void from_json(const nlohmann::json& j, PhoneLinkRequest& v);
void to_json(nlohmann::json& j, const PhoneLink& v);
void from_json(const nlohmann::json& j, PhoneLink& v);
void to_json(nlohmann::json& j, const PhoneFile& v);
void from_json(const nlohmann::json& j, PhoneFile& v);
void to_json(nlohmann::json& j, const PhoneFiles& v);
void from_json(const nlohmann::json& j, PhoneFiles& v);

}  // namespace yimen::protocol
