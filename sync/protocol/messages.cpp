// JSON forms of the protocol messages. Optional fields read with defaults so an older
// peer that omits a newer field still parses; required fields throw inside
// nlohmann and come out of ParseMessage as kInvalidArgument.
#include "sync/protocol/messages.h"

#include <ctime>

namespace yimen::protocol {

using nlohmann::json;

const char* PushOutcomeName(PushOutcome outcome) {
  switch (outcome) {
    case PushOutcome::kCreated: return "created";
    case PushOutcome::kDuplicate: return "duplicate";
    case PushOutcome::kRejected: return "rejected";
  }
  return "rejected";
}

void to_json(json& j, const EnrollRequest& v) {
  j = json{{"code", v.code}, {"public_key", v.public_key}, {"app_version", v.app_version},
           {"kiosk_code", v.kiosk_code}};
}
void from_json(const json& j, EnrollRequest& v) {
  j.at("code").get_to(v.code);
  j.at("public_key").get_to(v.public_key);
  v.app_version = j.value("app_version", "");
  v.kiosk_code = j.value("kiosk_code", "");
}

void to_json(json& j, const EnrollResponse& v) {
  j = json{{"device_id", v.device_id}, {"hall", v.hall}, {"kiosk_code", v.kiosk_code},
           {"sealing_public_key", v.sealing_public_key}, {"sealing_key_id", v.sealing_key_id},
           {"server_time", v.server_time}};
}
void from_json(const json& j, EnrollResponse& v) {
  j.at("device_id").get_to(v.device_id);
  j.at("hall").get_to(v.hall);
  v.kiosk_code = j.value("kiosk_code", "");
  j.at("sealing_public_key").get_to(v.sealing_public_key);
  v.sealing_key_id = j.value("sealing_key_id", "");
  v.server_time = j.value("server_time", int64_t{0});
}

void to_json(json& j, const AttachmentRef& v) {
  j = json{{"id", v.id}, {"size", v.size}, {"sha256", v.sha256}, {"mime", v.mime}};
}
void from_json(const json& j, AttachmentRef& v) {
  j.at("id").get_to(v.id);
  j.at("size").get_to(v.size);
  j.at("sha256").get_to(v.sha256);
  v.mime = j.value("mime", "application/octet-stream");
}

void to_json(json& j, const PushItem& v) {
  j = json{{"uuid", v.uuid},
           {"app_number", v.app_number},
           {"service_code", v.service_code},
           {"catalog_version", v.catalog_version},
           {"payload_format", v.payload_format},
           {"payload", v.payload},
           {"submitted_at", v.submitted_at},
           {"attachments", v.attachments}};
}
void from_json(const json& j, PushItem& v) {
  j.at("uuid").get_to(v.uuid);
  j.at("app_number").get_to(v.app_number);
  j.at("service_code").get_to(v.service_code);
  v.catalog_version = j.value("catalog_version", "");
  j.at("payload_format").get_to(v.payload_format);
  j.at("payload").get_to(v.payload);
  v.submitted_at = j.value("submitted_at", "");
  v.attachments = j.value("attachments", std::vector<AttachmentRef>{});
}

void to_json(json& j, const PushRequest& v) { j = json{{"items", v.items}}; }
void from_json(const json& j, PushRequest& v) { j.at("items").get_to(v.items); }

void to_json(json& j, const PushResult& v) {
  j = json{{"uuid", v.uuid}, {"outcome", PushOutcomeName(v.outcome)}, {"receipt", v.receipt},
           {"server_time", v.server_time}, {"reason", v.reason}};
}
void from_json(const json& j, PushResult& v) {
  j.at("uuid").get_to(v.uuid);
  const std::string outcome = j.at("outcome").get<std::string>();
  if (outcome == "created") {
    v.outcome = PushOutcome::kCreated;
  } else if (outcome == "duplicate") {
    v.outcome = PushOutcome::kDuplicate;
  } else if (outcome == "rejected") {
    v.outcome = PushOutcome::kRejected;
  } else {
    throw json::type_error::create(302, "unknown push outcome \"" + outcome + "\"", &j);
  }
  v.receipt = j.value("receipt", "");
  v.server_time = j.value("server_time", "");
  v.reason = j.value("reason", "");
}

void to_json(json& j, const PushResponse& v) { j = json{{"results", v.results}}; }
void from_json(const json& j, PushResponse& v) { j.at("results").get_to(v.results); }

void to_json(json& j, const StatusChange& v) {
  j = json{{"seq", v.seq}, {"uuid", v.uuid}, {"app_number", v.app_number},
           {"status", v.status}, {"reason", v.reason}, {"changed_at", v.changed_at}};
}
void from_json(const json& j, StatusChange& v) {
  j.at("seq").get_to(v.seq);
  j.at("uuid").get_to(v.uuid);
  j.at("app_number").get_to(v.app_number);
  j.at("status").get_to(v.status);
  v.reason = j.value("reason", "");
  j.at("changed_at").get_to(v.changed_at);
}

void to_json(json& j, const StatusPage& v) {
  j = json{{"changes", v.changes}, {"cursor", v.cursor}, {"more", v.more}};
}
void from_json(const json& j, StatusPage& v) {
  j.at("changes").get_to(v.changes);
  j.at("cursor").get_to(v.cursor);
  v.more = j.value("more", false);
}

void to_json(json& j, const Heartbeat& v) {
  j = json{{"queue_depth", v.queue_depth},
           {"parked", v.parked},
           {"oldest_pending_age_s", v.oldest_pending_age_s},
           {"app_version", v.app_version},
           {"free_disk_bytes", v.free_disk_bytes},
           {"last_error", v.last_error},
           {"catalog_version", v.catalog_version},
           {"sealed_by_key", v.sealed_by_key}};
}
void from_json(const json& j, Heartbeat& v) {
  v.queue_depth = j.value("queue_depth", int64_t{0});
  v.parked = j.value("parked", int64_t{0});
  v.oldest_pending_age_s = j.value("oldest_pending_age_s", int64_t{0});
  v.app_version = j.value("app_version", "");
  v.free_disk_bytes = j.value("free_disk_bytes", int64_t{0});
  v.last_error = j.value("last_error", "");
  v.catalog_version = j.value("catalog_version", "");
  v.sealed_by_key = j.value("sealed_by_key", std::map<std::string, int64_t>{});
}

void to_json(json& j, const HeartbeatReply& v) {
  j = json{{"ok", true},
           {"sealing_public_key", v.sealing_public_key},
           {"sealing_key_id", v.sealing_key_id},
           {"retired_key_ids", v.retired_key_ids}};
}
void from_json(const json& j, HeartbeatReply& v) {
  v.sealing_public_key = j.value("sealing_public_key", "");
  v.sealing_key_id = j.value("sealing_key_id", "");
  v.retired_key_ids = j.value("retired_key_ids", std::vector<std::string>{});
}

void to_json(json& j, const AttachmentState& v) {
  j = json{{"size", v.size}, {"received", v.received}, {"complete", v.complete},
           {"sha256", v.sha256}};
}
void from_json(const json& j, AttachmentState& v) {
  j.at("size").get_to(v.size);
  j.at("received").get_to(v.received);
  v.complete = j.value("complete", false);
  v.sha256 = j.value("sha256", "");
}

void to_json(json& j, const CatalogUpdate& v) {
  j = json{{"version", v.version}, {"catalog", v.catalog}};
}
void from_json(const json& j, CatalogUpdate& v) {
  j.at("version").get_to(v.version);
  v.catalog = j.at("catalog");
}

void to_json(json& j, const ErrorBody& v) { j = json{{"error", v.error}, {"message", v.message}}; }
void from_json(const json& j, ErrorBody& v) {
  v.error = j.value("error", "");
  v.message = j.value("message", "");
}

std::string IsoTimeUtc(int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

}  // namespace yimen::protocol
