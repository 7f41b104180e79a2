// What the server checks in a pushed application without opening it (docs/internals/
// sync.md "Ingest stores sealed"): text, identifiers, the application number (which must
// carry the pushing kiosk's code), attachments, and the sealed envelope's shape and key
// id. No secret key is involved, no database: the push path and the fuzzer run the very
// same code.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sync/protocol/messages.h"

namespace yimen::server {

// The largest sealed box an application may be (its photos travel separately, and a
// draft with its signatures is a few KB): far above anything real, far below a push.
inline constexpr size_t kMaxSealedBoxBytes = 4 * 1024 * 1024;
inline constexpr int64_t kMaxAttachmentBytes = 32 * 1024 * 1024;

// A ring key as ingest sees it: its id and whether its secret is gone.
struct KnownKey {
  std::string key_id;
  bool retired = false;
};

struct ItemVerdict {
  std::string code;        // protocol::reject::k*, "" when the item may be stored
  std::string reason;      // for staff; quotes nothing personal
  std::string app_number;  // the canonical number (CanonicalAppNumber), when accepted
  std::string visit_number;  // the canonical visit number, when accepted in a visit
  bool ok() const { return code.empty(); }
};

// The one spelling of an application number the server stores and looks up:
// "K7Q2-261123-0042-C" however it was typed (case, dashes, spaces, O/0, I/1, dropped
// leading zeros; see domain/app_number.h). kInvalidArgument when it does not parse or
// its check character is wrong. Pure, any thread.
Result<std::string> CanonicalAppNumber(std::string_view text);

// Checks one push item as received. `keys` is the sealing key ring (ids and states
// only); `kiosk_code` the pushing device's code (devices.kiosk_code). The checks, in
// order, with the code each refusal carries:
//   bad_text        NUL or invalid UTF-8 in any text field
//   bad_item        uuid not a UUID, service_code/catalog_version/submitted_at malformed
//   bad_number      app_number does not parse (format or check character), or is a
//                   visit number
//   number_not_yours  its kiosk code is not `kiosk_code`
//   bad_visit       visit_id / visit_number / visit_size not all three or none, visit_id
//                   not a UUID, size outside 2..6, visit_number not a visit number of
//                   `kiosk_code` (docs/internals/visits.md)
//   bad_attachment  attachment ids empty, repeated or long; size or sha256 malformed
//   unsealed        payload_format json-v1 (plaintext is never stored)
//   bad_envelope    unknown format, envelope not flat or with extra fields, box not
//                   base64 or of implausible size
//   unknown_key / retired_key  the envelope's key id is not in the ring / is retired
// Uniqueness (number_taken, uuid_not_yours) and a visit's consistency (visit_not_yours,
// bad_visit for another number or size or one application too many) need the
// database: ServerCore::Push.
// Pure, any thread.
ItemVerdict CheckPushItem(const protocol::PushItem& item, const std::vector<KnownKey>& keys,
                          std::string_view kiosk_code);

}  // namespace yimen::server
