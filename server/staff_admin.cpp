// Staff accounts and audit trails for the office (staff_admin.h). Every account change
// takes the next number of one sequence under a table lock, so versions become visible
// in the order they were given and a kiosk pulling "after N" never skips a change that
// was still committing (the same rule as status changes).
#include "server/staff_admin.h"

#include <algorithm>

#include "common/secret_hash.h"
#include "domain/utf8.h"

namespace yimen::server {
namespace {

constexpr std::string_view kArgon2idPrefix = "$argon2id$";

// Takes the next version under a lock that orders writers (readers are not blocked).
int64_t NextVersion(pqxx::work& tx) {
  tx.exec("LOCK TABLE staff_accounts IN SHARE ROW EXCLUSIVE MODE");
  return tx.exec("SELECT nextval('staff_account_versions')")[0][0].as<int64_t>();
}

}  // namespace

bool IsValidStaffName(const std::string& name) {
  const size_t chars = CountCodepoints(name);
  if (chars == 0 || chars > 32 || !IsValidUtf8(name)) return false;
  return std::none_of(name.begin(), name.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

Result<std::string> HashStaffPin(const std::string& pin) {
  if (!secret::IsAcceptableStaffPin(pin)) {
    return MakeError(ErrorKind::kInvalidArgument, secret::kStaffPinRule);
  }
  return secret::Hash(pin);
}

Result<int64_t> ProvisionStaffAccount(PgPool& pool, const std::string& hall,
                                      const std::string& name, const std::string& pin_hash,
                                      const std::string& actor) {
  if (!IsValidStaffName(name) || !IsValidStaffName(hall)) {
    return MakeError(ErrorKind::kInvalidArgument,
                     "a staff name and a hall must be 1 to 32 characters, without control "
                     "characters");
  }
  if (pin_hash.compare(0, kArgon2idPrefix.size(), kArgon2idPrefix) != 0) {
    return MakeError(ErrorKind::kInvalidArgument, "the PIN hash is not Argon2id");
  }
  int64_t version = 0;
  Status status = pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    version = NextVersion(tx);
    tx.exec_params(
        "INSERT INTO staff_accounts (hall, name, pin_hash, disabled, version, changed_by) "
        "VALUES ($1, $2, $3, false, $4, $5) "
        "ON CONFLICT (hall, name) DO UPDATE SET pin_hash = excluded.pin_hash, disabled = false, "
        "version = excluded.version, changed_by = excluded.changed_by, updated_at = now()",
        hall, name, pin_hash, version, actor);
    tx.commit();
  });
  if (!status.ok()) return status.error();
  return version;
}

Result<int64_t> DisableStaffAccount(PgPool& pool, const std::string& hall,
                                    const std::string& name, const std::string& actor) {
  int64_t version = 0;
  bool found = false;
  Status status = pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    version = NextVersion(tx);
    found = !tx.exec_params(
                   "UPDATE staff_accounts SET disabled = true, version = $3, pin_hash = $4, "
                   "changed_by = $5, updated_at = now() WHERE hall = $1 AND name = $2 "
                   "RETURNING name",
                   hall, name, version, secret::kNoSecretHash, actor)
                 .empty();
    tx.commit();
  });
  if (!status.ok()) return status.error();
  if (!found) {
    return MakeError(ErrorKind::kNotFound, "no staff account " + name + " in hall " + hall);
  }
  return version;
}

Result<bool> HallIsKnown(PgPool& pool, const std::string& hall) {
  bool known = false;
  Status status = pool.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    known = !tx.exec_params(
                   "SELECT 1 FROM devices WHERE hall = $1 UNION ALL "
                   "SELECT 1 FROM enroll_codes WHERE hall = $1 LIMIT 1",
                   hall)
                 .empty();
  });
  if (!status.ok()) return status.error();
  return known;
}

Result<std::vector<StaffAccountRow>> ListStaffAccounts(PgPool& pool) {
  std::vector<StaffAccountRow> rows;
  Status status = pool.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    pqxx::result r = tx.exec("SELECT hall, name, disabled, version, " + SqlIsoUtc("updated_at") +
                             ", changed_by FROM staff_accounts ORDER BY hall, name");
    for (const auto& row : r) {
      rows.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<bool>(),
                      row[3].as<int64_t>(), row[4].as<std::string>(), row[5].as<std::string>()});
    }
  });
  if (!status.ok()) return status.error();
  return rows;
}

Result<std::vector<AuditRecord>> ListAudit(PgPool& pool, std::optional<int64_t> device_id,
                                           int limit) {
  if (limit < 1 || limit > 10000) {
    return MakeError(ErrorKind::kInvalidArgument, "limit must be 1..10000");
  }
  std::vector<AuditRecord> rows;
  Status status = pool.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    // device_id 0 = every kiosk (ids start at 1).
    pqxx::result r = tx.exec_params(
        "SELECT a.device_id, d.kiosk_code, a.kiosk_seq, a.at, a.actor, a.action, a.detail "
        "FROM kiosk_audit a JOIN devices d ON d.id = a.device_id "
        "WHERE $1 = 0 OR a.device_id = $1 ORDER BY a.received_at DESC, a.device_id, "
        "a.kiosk_seq DESC LIMIT $2",
        device_id.value_or(0), limit);
    for (const auto& row : r) {
      rows.push_back({row[0].as<int64_t>(), row[1].as<std::string>(), row[2].as<int64_t>(),
                      row[3].as<std::string>(), row[4].as<std::string>(),
                      row[5].as<std::string>(), row[6].as<std::string>()});
    }
  });
  if (!status.ok()) return status.error();
  return rows;
}

}  // namespace yimen::server
