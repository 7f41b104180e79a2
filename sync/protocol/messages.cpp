// JSON forms of the protocol messages. Optional fields read with defaults so an older
// peer that omits a newer field still parses; required fields throw inside
// nlohmann and come out of ParseMessage as kInvalidArgument.
#include "sync/protocol/messages.h"

#include <cmath>
#include <cstdint>
#include <ctime>
#include <utility>
#include <vector>

#include "domain/utf8.h"

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
  // An application submitted alone carries no visit keys (older servers never see them).
  if (!v.visit_id.empty() || !v.visit_number.empty() || v.visit_size != 0) {
    j["visit_id"] = v.visit_id;
    j["visit_number"] = v.visit_number;
    j["visit_size"] = v.visit_size;
  }
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
  v.visit_id = j.value("visit_id", "");
  v.visit_number = j.value("visit_number", "");
  // A size that does not fit an int (or is not whole) fails ParseRequest's round trip.
  v.visit_size = j.value("visit_size", 0);
}

void to_json(json& j, const PushRequest& v) { j = json{{"items", v.items}}; }
void from_json(const json& j, PushRequest& v) { j.at("items").get_to(v.items); }

void to_json(json& j, const PushResult& v) {
  j = json{{"uuid", v.uuid}, {"outcome", PushOutcomeName(v.outcome)}, {"receipt", v.receipt},
           {"server_time", v.server_time}, {"reason", v.reason}, {"code", v.code}};
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
  v.code = j.value("code", "");
}

std::string RejectionText(const PushResult& result) {
  return result.code.empty() ? result.reason : result.code + ": " + result.reason;
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
  if (!v.epoch.empty()) j["epoch"] = v.epoch;
}
void from_json(const json& j, StatusPage& v) {
  j.at("changes").get_to(v.changes);
  j.at("cursor").get_to(v.cursor);
  v.more = j.value("more", false);
  v.epoch = j.value("epoch", "");
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
  if (!v.sealing_key_id.empty()) j["sealing_key_id"] = v.sealing_key_id;
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
  v.sealing_key_id = j.value("sealing_key_id", "");
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
  if (!v.effective_from.empty()) j["effective_from"] = v.effective_from;
  if (!v.upcoming.empty()) {
    json upcoming = json::array();
    for (const UpcomingCatalog& u : v.upcoming) {
      upcoming.push_back(json{
          {"version", u.version}, {"effective_from", u.effective_from}, {"catalog", u.catalog}});
    }
    j["upcoming"] = std::move(upcoming);
  }
}
void from_json(const json& j, CatalogUpdate& v) {
  j.at("version").get_to(v.version);
  v.catalog = j.at("catalog");
  v.effective_from = j.value("effective_from", "");
  v.upcoming.clear();
  if (j.contains("upcoming")) {
    for (const json& u : j.at("upcoming")) {
      UpcomingCatalog item;
      u.at("version").get_to(item.version);
      item.effective_from = u.value("effective_from", "");
      item.catalog = u.at("catalog");
      v.upcoming.push_back(std::move(item));
    }
  }
}

void to_json(json& j, const ErrorBody& v) { j = json{{"error", v.error}, {"message", v.message}}; }
void from_json(const json& j, ErrorBody& v) {
  v.error = j.value("error", "");
  v.message = j.value("message", "");
}

namespace {

Status RoundTripAt(const json& received, const json& understood, const std::string& path) {
  const std::string where = path.empty() ? "message" : path;
  if (received.is_object()) {
    if (!understood.is_object()) {
      return MakeError(ErrorKind::kInvalidArgument,
                       where + ": expected " + understood.type_name() + ", got an object");
    }
    for (const auto& [key, value] : received.items()) {
      const std::string field = path.empty() ? key : path + "." + key;
      auto known = understood.find(key);
      if (known == understood.end()) {
        return MakeError(ErrorKind::kInvalidArgument, field + ": unknown field");
      }
      if (Status s = RoundTripAt(value, *known, field); !s.ok()) return s;
    }
    return Status::Ok();
  }
  if (received.is_array()) {
    if (!understood.is_array() || understood.size() != received.size()) {
      return MakeError(ErrorKind::kInvalidArgument,
                       where + ": expected " + understood.type_name() + ", got an array");
    }
    for (size_t i = 0; i < received.size(); ++i) {
      if (Status s = RoundTripAt(received[i], understood[i], path + "[" + std::to_string(i) + "]");
          !s.ok()) {
        return s;
      }
    }
    return Status::Ok();
  }
  // nlohmann compares 5.0 equal to 5, and 2^64-1 equal to -1 (it casts): an integer
  // field must have come as an integer that fits.
  const bool integer_expected = understood.is_number_integer();
  const bool too_big = received.is_number_unsigned() &&
                       received.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX);
  if ((integer_expected && (!received.is_number_integer() || too_big)) ||
      received != understood) {
    std::string got = received.type_name();
    if (integer_expected && received.is_number()) got = "a number out of range or not whole";
    return MakeError(ErrorKind::kInvalidArgument,
                     where + ": expected " +
                         (integer_expected ? std::string("an integer") : understood.type_name()) +
                         ", got " + got);
  }
  return Status::Ok();
}

}  // namespace

Status CheckNumbers(const json& value, bool allow_fractions) {
  // (value, path) pairs still to look at; paths only for what is refused.
  std::vector<std::pair<const json*, std::string>> pending{{&value, ""}};
  while (!pending.empty()) {
    auto [node, path] = std::move(pending.back());
    pending.pop_back();
    if (node->is_object()) {
      for (const auto& [key, child] : node->items()) {
        pending.emplace_back(&child, path.empty() ? key : path + "." + key);
      }
    } else if (node->is_array()) {
      for (size_t i = 0; i < node->size(); ++i) {
        pending.emplace_back(&(*node)[i], path + "[" + std::to_string(i) + "]");
      }
    } else if (node->is_number_float()) {
      const double number = node->get<double>();
      // 2^63: the first double no int64 holds.
      const bool fits = std::isfinite(number) && std::fabs(number) < 9223372036854775808.0;
      if (!allow_fractions || !fits) {
        return MakeError(ErrorKind::kInvalidArgument,
                         (path.empty() ? std::string("message") : path) +
                             (fits ? ": expected an integer, got a fraction"
                                   : ": number out of range"));
      }
    }
  }
  return Status::Ok();
}

std::string MalformedText(const char* what) {
  std::string text = std::string("malformed message: ") + what;
  if (!IsValidUtf8(text)) {
    for (char& ch : text) {
      if (static_cast<unsigned char>(ch) >= 0x80) ch = '?';
    }
  }
  return text;
}

Result<json> ParseStrictJson(std::string_view body) {
  auto parsed = ParseJsonWithin(body, kMaxRequestDepth);
  if (!parsed.ok()) {
    return MakeError(ErrorKind::kInvalidArgument, "malformed message: " + parsed.error().message);
  }
  if (!parsed->is_object()) {
    return MakeError(ErrorKind::kInvalidArgument, "malformed message: not a JSON object");
  }
  return std::move(*parsed);
}

Status CheckNoNulText(const json& received) {
  if (auto path = FindNulText(received)) {
    return MakeError(ErrorKind::kInvalidArgument, *path + ": text holds U+0000");
  }
  return Status::Ok();
}

Status CheckRoundTrip(const json& received, const json& understood) {
  return RoundTripAt(received, understood, "");
}

}  // namespace yimen::protocol
