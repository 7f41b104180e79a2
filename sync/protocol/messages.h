// The messages kiosks and the server exchange, as plain structs with one JSON form,
// shared by both sides so that a field renamed on one side fails to compile on the
// other. docs/api/openapi.yaml describes the same shapes for outsiders.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/json_limits.h"
#include "domain/result.h"

namespace yimen::protocol {

inline constexpr const char* kPathHealth = "/healthz";
inline constexpr const char* kPathEnroll = "/v1/enroll";
inline constexpr const char* kPathPush = "/v1/push";
inline constexpr const char* kPathStatus = "/v1/status";
inline constexpr const char* kPathHeartbeat = "/v1/heartbeat";
inline constexpr const char* kPathCatalog = "/v1/catalog";
inline constexpr const char* kPathAttachments = "/v1/attachments";  // + "/{uuid}/{id}"

inline constexpr size_t kMaxPushBatch = 500;
inline constexpr size_t kMaxStatusPage = 1000;

// Request body limits the server enforces before reading a body (413 "too_large"):
// a full push batch of sealed payloads with signatures stays well under the push
// limit; an attachment chunk is at most kMaxAttachmentChunkBytes (the client sends
// 256 KiB); every other request is a small JSON object.
inline constexpr size_t kMaxPushBodyBytes = 32 * 1024 * 1024;
inline constexpr size_t kMaxAttachmentChunkBytes = 4 * 1024 * 1024;
inline constexpr size_t kMaxSmallBodyBytes = 64 * 1024;
// No request message nests deeper than 4 (push → items → item → attachments → ref);
// anything deeper is refused before it is parsed.
inline constexpr int kMaxRequestDepth = 8;

// Payload formats an outbox item may carry. json-v1: the draft JSON as text (over TLS);
// sealed-v1: base64 of a libsodium sealed box to the server's sealing key;
// sealed-v2: an envelope naming the key it is sealed to (common/sealing.h), what kiosks
// write since issue 6, so the server's key can rotate.
inline constexpr const char* kPayloadJsonV1 = "json-v1";
inline constexpr const char* kPayloadSealedV1 = "sealed-v1";
inline constexpr const char* kPayloadSealedV2 = "sealed-v2";

struct EnrollRequest {
  std::string code;            // one-time code from `yimen-admin enroll-code`
  std::string public_key;      // base64 of the kiosk's Ed25519 public key
  std::string app_version;
  std::string kiosk_code;      // the code the kiosk already uses in app numbers, if any
};

struct EnrollResponse {
  int64_t device_id = 0;
  std::string hall;
  std::string kiosk_code;          // unique among enrolled kiosks; use it from now on
  std::string sealing_public_key;  // base64 X25519 key to seal payloads to
  int64_t server_time = 0;         // unix seconds
  std::string sealing_key_id;      // its key id (common/sealing.h KeyId); "" from old servers
};

struct AttachmentRef {
  std::string id;      // unique within its application, e.g. "id_card_front"
  int64_t size = 0;    // bytes
  std::string sha256;  // lowercase hex
  std::string mime;
};

struct PushItem {
  std::string uuid;  // made at submit on the kiosk: the idempotency key
  std::string app_number;
  std::string service_code;
  std::string catalog_version;
  std::string payload_format;  // kPayloadJsonV1 or kPayloadSealedV1
  std::string payload;
  std::string submitted_at;    // device time, ISO-8601: display only
  std::vector<AttachmentRef> attachments;
  // The visit it was submitted in (docs/internals/visits.md), all three or none:
  // "visit_id" (uuid v4 shared by the visit's applications), "visit_number" (the
  // receipt's 办理编号, a visit number of the pushing kiosk) and "visit_size" (how many
  // applications the visit has, 2..6). Absent for an application submitted alone.
  std::string visit_id;
  std::string visit_number;
  int visit_size = 0;
};

// The sizes a visit may have: the kiosk's kMaxVisitApplications (app/store/applications.h)
// is the same 6; the server cannot see the kiosk's store, so the protocol says it too.
inline constexpr int kMinVisitSize = 2;
inline constexpr int kMaxVisitSize = 6;

struct PushRequest {
  std::vector<PushItem> items;
};

// Outcome per pushed item. kDuplicate carries the ORIGINAL receipt and time.
enum class PushOutcome { kCreated, kDuplicate, kRejected };
const char* PushOutcomeName(PushOutcome outcome);

// Machine-readable reasons for a rejected item (PushResult::code), beside the sentence
// for staff. Every one is permanent for that item as sent: the kiosk parks it.
namespace reject {
inline constexpr const char* kBadText = "bad_text";            // NUL or invalid UTF-8
inline constexpr const char* kBadItem = "bad_item";            // uuid, service code, time
inline constexpr const char* kBadNumber = "bad_number";        // app_number does not parse
inline constexpr const char* kNumberNotYours = "number_not_yours";  // another kiosk's code
inline constexpr const char* kNumberTaken = "number_taken";    // held by another application
inline constexpr const char* kUuidNotYours = "uuid_not_yours"; // another kiosk's uuid
inline constexpr const char* kUnsealed = "unsealed";           // json-v1: plaintext refused
inline constexpr const char* kBadEnvelope = "bad_envelope";    // shape, format, box size
inline constexpr const char* kUnknownKey = "unknown_key";      // key id not in the ring
inline constexpr const char* kRetiredKey = "retired_key";      // its secret is deleted
inline constexpr const char* kBadAttachment = "bad_attachment";  // id, size or sha256
// The visit keys (docs/internals/visits.md): not all three, a visit_id that is not a
// uuid, a size outside 2..6, a visit number that does not parse or is another kiosk's,
// a visit_id stored with another number or size, or one application too many.
inline constexpr const char* kBadVisit = "bad_visit";
inline constexpr const char* kVisitNotYours = "visit_not_yours";  // another kiosk's visit_id
inline constexpr const char* kInternal = "internal";           // not stored; retry later
}  // namespace reject

struct PushResult {
  std::string uuid;
  PushOutcome outcome = PushOutcome::kRejected;
  std::string receipt;      // empty when rejected
  std::string server_time;  // ISO-8601 UTC, the server's clock
  std::string reason;       // why it was rejected (for staff)
  std::string code;         // reject::k*, "" unless rejected ("" from old servers)
};

// What a kiosk records for a rejected item: "code: reason" ("unknown_key: sealed to
// unknown key 00112233aabbccdd"), or the reason alone from servers that send no code.
// Pure.
std::string RejectionText(const PushResult& result);

struct PushResponse {
  std::vector<PushResult> results;
};

struct StatusChange {
  int64_t seq = 0;  // server-wide, increasing in commit order
  std::string uuid;
  std::string app_number;
  std::string status;  // one of the names in protocol/status.h
  std::string reason;
  std::string changed_at;  // ISO-8601 UTC, the server's clock
};

struct StatusPage {
  std::vector<StatusChange> changes;
  int64_t cursor = 0;  // pass back as `after` next time
  bool more = false;   // another page is waiting
  // The server database's epoch (server migration 8): changes when the database is
  // restored from a backup, telling kiosks to send again what they still hold. Empty
  // from servers before it.
  std::string epoch;
};

struct Heartbeat {
  int64_t queue_depth = 0;
  int64_t parked = 0;
  int64_t oldest_pending_age_s = 0;
  std::string app_version;
  int64_t free_disk_bytes = 0;
  std::string last_error;
  std::string catalog_version;
  // Applications the kiosk still holds sealed to each key id (not yet purged): the
  // server refuses to retire a key while any kiosk reports a count for it.
  std::map<std::string, int64_t> sealed_by_key;
  // The id (common/sealing.h KeyId) of the key the kiosk seals new applications to now,
  // for the office's fleet view. Optional on the wire: "" from kiosks before issue 13.
  std::string sealing_key_id;
};

// The server's answer to a heartbeat: its current sealing key, and the key ids it has
// retired (a kiosk must not seal to those any more).
struct HeartbeatReply {
  std::string sealing_public_key;  // base64; "" from old servers
  std::string sealing_key_id;
  std::vector<std::string> retired_key_ids;
};

struct AttachmentState {
  int64_t size = 0;
  int64_t received = 0;  // bytes the server holds: continue from here
  bool complete = false;
  std::string sha256;
};

// A published catalog version that takes effect after today (China civil date).
// NOLINTNEXTLINE(bugprone-exception-escape): the implicit noexcept move reaches
// nlohmann::json's assert_invariant, an assert that never throws.
struct UpcomingCatalog {
  std::string version;
  std::string effective_from;  // "YYYY-MM-DD"
  nlohmann::json catalog;
};

// GET /v1/catalog: the newest published version in force, and (when the kiosk asked with
// upcoming=1) the published versions that take effect later, oldest first, so a hall
// switches on the day even offline. Older servers send no upcoming and no effective_from.
struct CatalogUpdate {
  std::string version;
  nlohmann::json catalog;
  std::string effective_from;             // "" from older servers
  std::vector<UpcomingCatalog> upcoming;  // empty unless asked for
};

// Body of every non-2xx reply: a machine word and a sentence for logs and staff.
struct ErrorBody {
  std::string error;  // "bad_signature", "replayed", "stale_timestamp", ...
  std::string message;
};

// The error word of 403 on every signed endpoint (and on enrollment with the key) once
// the office has revoked the kiosk (docs/operations.md "Revoking a kiosk"): permanent,
// nothing the kiosk sends changes it.
inline constexpr const char* kErrorDeviceRevoked = "device_revoked";

void to_json(nlohmann::json& j, const EnrollRequest& v);
void from_json(const nlohmann::json& j, EnrollRequest& v);
void to_json(nlohmann::json& j, const EnrollResponse& v);
void from_json(const nlohmann::json& j, EnrollResponse& v);
void to_json(nlohmann::json& j, const AttachmentRef& v);
void from_json(const nlohmann::json& j, AttachmentRef& v);
void to_json(nlohmann::json& j, const PushItem& v);
void from_json(const nlohmann::json& j, PushItem& v);
void to_json(nlohmann::json& j, const PushRequest& v);
void from_json(const nlohmann::json& j, PushRequest& v);
void to_json(nlohmann::json& j, const PushResult& v);
void from_json(const nlohmann::json& j, PushResult& v);
void to_json(nlohmann::json& j, const PushResponse& v);
void from_json(const nlohmann::json& j, PushResponse& v);
void to_json(nlohmann::json& j, const StatusChange& v);
void from_json(const nlohmann::json& j, StatusChange& v);
void to_json(nlohmann::json& j, const StatusPage& v);
void from_json(const nlohmann::json& j, StatusPage& v);
void to_json(nlohmann::json& j, const Heartbeat& v);
void from_json(const nlohmann::json& j, Heartbeat& v);
void to_json(nlohmann::json& j, const HeartbeatReply& v);
void from_json(const nlohmann::json& j, HeartbeatReply& v);
void to_json(nlohmann::json& j, const AttachmentState& v);
void from_json(const nlohmann::json& j, AttachmentState& v);
void to_json(nlohmann::json& j, const CatalogUpdate& v);
void from_json(const nlohmann::json& j, CatalogUpdate& v);
void to_json(nlohmann::json& j, const ErrorBody& v);
void from_json(const nlohmann::json& j, ErrorBody& v);

// "malformed message: " + nlohmann's explanation, made valid UTF-8 (nlohmann quotes
// the bytes it choked on, which may be the invalid UTF-8 it refused). Pure.
std::string MalformedText(const char* what);

// Refuses numbers no message field can hold before any is converted: nlohmann turns a
// float into an int64 field by a cast, undefined behaviour beyond int64's range (seen
// while writing fuzz_request, reproduced with it: {"queue_depth":1e300}). With
// allow_fractions false (requests to the server, which carry none) every non-integer
// is refused, naming its path. Iterative, so any depth is safe. Pure.
Status CheckNumbers(const nlohmann::json& value, bool allow_fractions);

// Parses a message body. kInvalidArgument naming the problem on malformed JSON or a
// field of the wrong type; never throws. Pure.
template <class T>
Result<T> ParseMessage(std::string_view body) {
  auto limited = ParseJsonWithin(body);
  if (!limited.ok()) {
    return MakeError(ErrorKind::kInvalidArgument, "malformed message: " + limited.error().message);
  }
  try {
    nlohmann::json parsed = std::move(*limited);
    if (Status numbers = CheckNumbers(parsed, /*allow_fractions=*/true); !numbers.ok()) {
      return numbers.error();
    }
    return parsed.get<T>();
  } catch (const nlohmann::json::exception& e) {
    return MakeError(ErrorKind::kInvalidArgument, MalformedText(e.what()));
  }
}

// Strict parse for what a peer sends the server: on top of ParseMessage, refuses
// nesting deeper than kMaxRequestDepth (while parsing: deeper input is never built),
// any field this build does not know (at any level), any value that does not survive
// the round trip unchanged (a float where an integer belongs, an integer beyond int64,
// null for a string) and, unless the caller checks text itself (Push does, per item),
// any string holding U+0000. The message names the offending field path, e.g.
// "items[3].size: expected an integer, got 1.5", "last_error: text holds U+0000".
// Never throws. Pure.
Result<nlohmann::json> ParseStrictJson(std::string_view body);
Status CheckRoundTrip(const nlohmann::json& received, const nlohmann::json& understood);
Status CheckNoNulText(const nlohmann::json& received);

enum class NulText { kRefuse, kCallerChecks };

template <class T>
Result<T> ParseRequest(std::string_view body, NulText nul = NulText::kRefuse) {
  auto received = ParseStrictJson(body);
  if (!received.ok()) return received.error();
  if (nul == NulText::kRefuse) {
    if (Status text = CheckNoNulText(*received); !text.ok()) return text.error();
  }
  if (Status numbers = CheckNumbers(*received, /*allow_fractions=*/false); !numbers.ok()) {
    return numbers.error();
  }
  try {
    T message = received->get<T>();
    if (Status same = CheckRoundTrip(*received, nlohmann::json(message)); !same.ok()) {
      return same.error();
    }
    return message;
  } catch (const nlohmann::json::exception& e) {
    return MakeError(ErrorKind::kInvalidArgument, MalformedText(e.what()));
  }
}

// Serialises a message: compact JSON, keys sorted (nlohmann orders object keys), so
// the same message always gives the same bytes. Pure.
template <class T>
std::string SerializeMessage(const T& message) {
  return nlohmann::json(message).dump();
}

}  // namespace yimen::protocol
