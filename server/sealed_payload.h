// Opening a stored application: the office path's half of "ingest never opens what it
// stores" (docs/internals/sync.md). Unseals with the ring, parses with a depth limit,
// checks that every sealed photo the payload references was announced with the same
// sha256, and re-validates with the domain's rules. No database here, so the fuzzer
// runs the very same code; server/application_open.h reads the row and the ring.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/catalog.h"
#include "domain/result.h"
#include "sync/protocol/messages.h"

namespace yimen::server {

// A ring key that can open: id and both halves (32 raw bytes each).
struct OpeningKey {
  std::string key_id;
  std::string public_key;
  std::string secret_key;
};

// The stored fields opening needs.
struct SealedApplication {
  std::string app_number;
  std::string service_code;
  std::string payload_format;  // sealed-v1 or sealed-v2
  std::string payload;         // the envelope (or base64 box) exactly as pushed
  std::string submitted_at;    // the kiosk's clock, ISO-8601 UTC
  std::vector<protocol::AttachmentRef> attachments;  // as announced in the push
};

// Unseals `application` with `keys` (sealed-v2: the key its envelope names; sealed-v1:
// each key in turn), parses the plaintext with kMaxJsonDepth and checks the
// attachment announcements. kRejected with a reason for staff: "cannot open: ...",
// e.g. "cannot open: the payload is nested deeper than 64 levels". The plaintext copy
// is wiped. Never throws. Any thread.
Result<nlohmann::json> OpenSealedPayload(const SealedApplication& application,
                                         const std::vector<OpeningKey>& keys);

// The domain's rules on an opened payload (what yimen-server --catalog did at ingest
// before): it must be a draft (DraftFromJson) for the row's own service_code, a service
// `catalog` has, and pass ValidateDraft on the resident's civil date (common/civil_time.h:
// China, UTC+8) of submitted_at, else today there. kRejected naming the first problems, e.g.
//   "application fails the catalog's rules (2026.11.2): id_number: validation.id.checksum".
// Pure, any thread.
Status ValidateOpenedPayload(const Catalog& catalog, const SealedApplication& application,
                             const nlohmann::json& payload);

}  // namespace yimen::server
