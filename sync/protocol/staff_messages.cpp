// JSON forms of the staff-account and audit messages (staff_messages.h). Required
// fields throw inside nlohmann and come out of ParseMessage as kInvalidArgument.
#include "sync/protocol/staff_messages.h"

namespace yimen::protocol {

using nlohmann::json;

void to_json(json& j, const StaffAccountEntry& v) {
  j = json{{"name", v.name}, {"pin_hash", v.pin_hash}, {"disabled", v.disabled},
           {"version", v.version}};
}
void from_json(const json& j, StaffAccountEntry& v) {
  j.at("name").get_to(v.name);
  j.at("pin_hash").get_to(v.pin_hash);
  v.disabled = j.value("disabled", false);
  j.at("version").get_to(v.version);
}

void to_json(json& j, const StaffAccountsPage& v) {
  j = json{{"accounts", v.accounts}, {"cursor", v.cursor}, {"more", v.more}};
}
void from_json(const json& j, StaffAccountsPage& v) {
  j.at("accounts").get_to(v.accounts);
  j.at("cursor").get_to(v.cursor);
  v.more = j.value("more", false);
}

void to_json(json& j, const AuditRow& v) {
  j = json{{"seq", v.seq}, {"at", v.at}, {"actor", v.actor}, {"action", v.action},
           {"detail", v.detail}};
}
void from_json(const json& j, AuditRow& v) {
  j.at("seq").get_to(v.seq);
  j.at("at").get_to(v.at);
  j.at("actor").get_to(v.actor);
  j.at("action").get_to(v.action);
  v.detail = j.value("detail", "");
}

void to_json(json& j, const AuditPush& v) { j = json{{"rows", v.rows}}; }
void from_json(const json& j, AuditPush& v) { j.at("rows").get_to(v.rows); }

void to_json(json& j, const AuditAck& v) { j = json{{"through", v.through}, {"stored", v.stored}}; }
void from_json(const json& j, AuditAck& v) {
  j.at("through").get_to(v.through);
  v.stored = j.value("stored", int64_t{0});
}

}  // namespace yimen::protocol
