// Ingest's checks on one pushed item (see ingest_checks.h). Every refusal names the
// field and the rule, never the value: a reason travels back to the kiosk and into
// logs, and a value might be personal.
#include "server/ingest_checks.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "common/sealing.h"
#include "common/uuid.h"
#include "domain/app_number.h"
#include "domain/utf8.h"
#include "sync/protocol/signing.h"

namespace yimen::server {
namespace {

ItemVerdict Refuse(const char* code, std::string reason) {
  return ItemVerdict{code, std::move(reason), "", ""};
}

bool CleanText(std::string_view text) {
  return text.find('\0') == std::string_view::npos && IsValidUtf8(text);
}

bool IsSha256Hex(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](unsigned char c) {
           return std::isdigit(c) || (c >= 'a' && c <= 'f');
         });
}

// Catalog codes and versions are short ASCII words ("dibao", "2026.11.2").
bool IsCode(std::string_view text, size_t max) {
  return !text.empty() && text.size() <= max &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) {
           return std::isalnum(c) || c == '_' || c == '-' || c == '.';
         });
}

bool PlausibleBox(size_t size) {
  return size >= crypto_box_SEALBYTES + 2 && size <= kMaxSealedBoxBytes;  // 2: "{}"
}

ItemVerdict CheckEnvelope(const protocol::PushItem& item, const std::vector<KnownKey>& keys) {
  if (item.payload_format == protocol::kPayloadJsonV1) {
    return Refuse(protocol::reject::kUnsealed,
                  "payload_format json-v1 is refused: applications must be sealed");
  }
  if (item.payload.size() > kMaxSealedBoxBytes / 3 * 4 + 1024) {
    return Refuse(protocol::reject::kBadEnvelope, "sealed payload is too large");
  }
  if (item.payload_format == protocol::kPayloadSealedV1) {
    // Before the ring: a bare sealed box with no key id; opened with each ring key.
    auto box = Base64Decode(item.payload);
    if (!box.ok()) return Refuse(protocol::reject::kBadEnvelope, "sealed payload is not base64");
    if (!PlausibleBox(box->size())) {
      return Refuse(protocol::reject::kBadEnvelope, "sealed box has an implausible size");
    }
    return {};
  }
  if (item.payload_format != protocol::kPayloadSealedV2) {
    return Refuse(protocol::reject::kBadEnvelope, "unknown payload_format");
  }
  auto envelope = seal::ParseEnvelope(item.payload);
  if (!envelope.ok()) return Refuse(protocol::reject::kBadEnvelope, envelope.error().message);
  if (!PlausibleBox(envelope->box.size())) {
    return Refuse(protocol::reject::kBadEnvelope, "envelope box has an implausible size");
  }
  auto key = std::find_if(keys.begin(), keys.end(),
                          [&](const KnownKey& k) { return k.key_id == envelope->key_id; });
  if (key == keys.end()) {
    return Refuse(protocol::reject::kUnknownKey, "sealed to unknown key " + envelope->key_id);
  }
  if (key->retired) {
    return Refuse(protocol::reject::kRetiredKey,
                  "sealed to retired key " + key->key_id + ": the server can no longer open it");
  }
  return {};
}

// The visit keys (docs/internals/visits.md "Stored and sent as one"): all three or none,
// a uuid, a size in 2..6, a visit number of the pushing kiosk. On success `canonical` is
// the visit number as stored ("" for an application alone). Whether the visit_id is
// this kiosk's and holds this number and size needs the database (ServerCore::Push).
ItemVerdict CheckVisit(const protocol::PushItem& item, std::string_view kiosk_code,
                       std::string* canonical) {
  const bool any = !item.visit_id.empty() || !item.visit_number.empty() || item.visit_size != 0;
  if (!any) return {};
  if (item.visit_id.empty() || item.visit_number.empty() || item.visit_size == 0) {
    return Refuse(protocol::reject::kBadVisit,
                  "visit_id, visit_number and visit_size come all three or not at all");
  }
  if (!IsUuid(item.visit_id)) return Refuse(protocol::reject::kBadVisit, "visit_id is not a UUID");
  if (item.visit_size < protocol::kMinVisitSize || item.visit_size > protocol::kMaxVisitSize) {
    return Refuse(protocol::reject::kBadVisit, "visit_size is not between 2 and 6");
  }
  if (item.visit_number.size() > 64) {
    return Refuse(protocol::reject::kBadVisit, "visit_number is too long");
  }
  auto parts = ParseAppNumber(item.visit_number);
  if (!parts.ok() || !parts->visit) {
    return Refuse(protocol::reject::kBadVisit, "visit_number is not a visit number");
  }
  if (parts->kiosk_code != kiosk_code) {
    return Refuse(protocol::reject::kBadVisit,
                  "visit_number carries another kiosk's code, not " + std::string(kiosk_code));
  }
  *canonical = FormatAppNumber(*parts);
  return {};
}

}  // namespace

Result<std::string> CanonicalAppNumber(std::string_view text) {
  if (text.size() > 64) {
    return MakeError(ErrorKind::kInvalidArgument, "validation.app_number.format");
  }
  auto parts = ParseAppNumber(text);
  if (!parts.ok()) return parts.error();
  return FormatAppNumber(*parts);
}

ItemVerdict CheckPushItem(const protocol::PushItem& item, const std::vector<KnownKey>& keys,
                          std::string_view kiosk_code) {
  const std::pair<const char*, const std::string*> texts[] = {
      {"uuid", &item.uuid},
      {"app_number", &item.app_number},
      {"service_code", &item.service_code},
      {"catalog_version", &item.catalog_version},
      {"payload_format", &item.payload_format},
      {"payload", &item.payload},
      {"submitted_at", &item.submitted_at},
      {"visit_id", &item.visit_id},
      {"visit_number", &item.visit_number}};
  for (const auto& [name, text] : texts) {
    if (!CleanText(*text)) {
      return Refuse(protocol::reject::kBadText, std::string(name) + " holds NUL or invalid UTF-8");
    }
  }
  for (size_t i = 0; i < item.attachments.size(); ++i) {
    const protocol::AttachmentRef& a = item.attachments[i];
    if (!CleanText(a.id) || !CleanText(a.sha256) || !CleanText(a.mime)) {
      return Refuse(protocol::reject::kBadText,
                    "attachments[" + std::to_string(i) + "] holds NUL or invalid UTF-8");
    }
  }
  if (!IsUuid(item.uuid)) return Refuse(protocol::reject::kBadItem, "uuid is not a UUID");
  if (!IsCode(item.service_code, 64)) {
    return Refuse(protocol::reject::kBadItem, "service_code is missing or not a code");
  }
  if (!item.catalog_version.empty() && !IsCode(item.catalog_version, 64)) {
    return Refuse(protocol::reject::kBadItem, "catalog_version is not a version");
  }
  if (item.submitted_at.size() > 40) {
    return Refuse(protocol::reject::kBadItem, "submitted_at is too long");
  }
  auto number = CanonicalAppNumber(item.app_number);
  if (!number.ok()) {
    return Refuse(protocol::reject::kBadNumber,
                  "app_number is not an application number (" + number.error().message + ")");
  }
  if (number->compare(0, 4, kiosk_code) != 0 || kiosk_code.size() != 4) {
    return Refuse(protocol::reject::kNumberNotYours,
                  "app_number " + *number + " carries another kiosk's code, not " +
                      std::string(kiosk_code));
  }
  // A visit number names the visit, never one application: stored as app_number it
  // would answer a status look-up for the visit with one service.
  if (ParseAppNumber(*number)->visit) {
    return Refuse(protocol::reject::kBadNumber, "app_number is a visit number");
  }
  std::string visit_number;
  ItemVerdict visit = CheckVisit(item, kiosk_code, &visit_number);
  if (!visit.ok()) return visit;
  std::set<std::string> ids;
  for (const protocol::AttachmentRef& a : item.attachments) {
    if (a.id.empty() || a.id.size() > 64 || !ids.insert(a.id).second) {
      return Refuse(protocol::reject::kBadAttachment,
                    "attachment ids must be unique, non-empty and at most 64 bytes");
    }
    if (a.size < 0 || a.size > kMaxAttachmentBytes) {
      return Refuse(protocol::reject::kBadAttachment, "attachment " + a.id + " has a bad size");
    }
    if (!IsSha256Hex(a.sha256)) {
      return Refuse(protocol::reject::kBadAttachment, "attachment " + a.id + " has a bad sha256");
    }
    if (a.mime.size() > 100) {
      return Refuse(protocol::reject::kBadAttachment, "attachment " + a.id + " has a bad mime");
    }
  }
  ItemVerdict envelope = CheckEnvelope(item, keys);
  if (!envelope.ok()) return envelope;
  return ItemVerdict{"", "", std::move(*number), std::move(visit_number)};
}

}  // namespace yimen::server
