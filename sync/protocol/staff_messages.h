// Messages of the two staff-related exchanges, kept beside messages.h: the staff
// accounts the office provisions (the kiosk pulls them by version cursor) and the
// kiosk's audit trail (pushed by row id, stored once per kiosk and row). Shared by
// kiosk and server; docs/api/openapi.yaml describes the same shapes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace yimen::protocol {

inline constexpr const char* kPathStaffAccounts = "/v1/staff-accounts";  // GET ?after=&limit=
inline constexpr const char* kPathAudit = "/v1/audit";                   // POST AuditPush

inline constexpr size_t kMaxStaffPage = 500;
inline constexpr size_t kMaxAuditBatch = 1000;
// Longest fields the server stores from an audit row (bytes); longer rows are refused.
inline constexpr size_t kMaxAuditFieldBytes = 512;

// One account as the server holds it. The PIN never leaves yimen-admin: only its
// Argon2id hash travels.
struct StaffAccountEntry {
  std::string name;
  std::string pin_hash;  // crypto_pwhash_str output, "$argon2id$..."
  bool disabled = false;
  int64_t version = 0;   // server-wide change number, increasing in commit order
};

struct StaffAccountsPage {
  std::vector<StaffAccountEntry> accounts;  // version order
  int64_t cursor = 0;  // pass back as `after` next time
  bool more = false;
};

// One row of the kiosk's audit table. No personal data (the kiosk never writes any).
struct AuditRow {
  int64_t seq = 0;      // the kiosk's audit row id, > 0: the idempotency key
  std::string at;       // ISO-8601 UTC, the kiosk's clock
  std::string actor;    // "resident", "staff:<name>", "system"
  std::string action;   // "staff.login", ...
  std::string detail;
};

struct AuditPush {
  std::vector<AuditRow> rows;
};

// The highest seq the server now holds for this kiosk among those pushed (rows sent
// again are not stored twice): the kiosk's cursor may move there.
struct AuditAck {
  int64_t through = 0;
  int64_t stored = 0;  // rows new to the server in this request
};

void to_json(nlohmann::json& j, const StaffAccountEntry& v);
void from_json(const nlohmann::json& j, StaffAccountEntry& v);
void to_json(nlohmann::json& j, const StaffAccountsPage& v);
void from_json(const nlohmann::json& j, StaffAccountsPage& v);
void to_json(nlohmann::json& j, const AuditRow& v);
void from_json(const nlohmann::json& j, AuditRow& v);
void to_json(nlohmann::json& j, const AuditPush& v);
void from_json(const nlohmann::json& j, AuditPush& v);
void to_json(nlohmann::json& j, const AuditAck& v);
void from_json(const nlohmann::json& j, AuditAck& v);

}  // namespace yimen::protocol
