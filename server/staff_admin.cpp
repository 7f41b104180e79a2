// Staff accounts and audit trails for the office (staff_admin.h). Every account change
// takes the next number of one sequence under a table lock, so versions become visible
// in the order they were given and a kiosk pulling "after N" never skips a change that
// was still committing (the same rule as status changes).
#include "server/staff_admin.h"

#include <sodium.h>

#include <algorithm>

#include "domain/utf8.h"

namespace yimen::server {
namespace {

std::string Iso(const std::string& column) {
  return "coalesce(to_char(" + column +
         " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '')";
}

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
  const bool digits = pin.size() >= 6 && pin.size() <= 12 &&
                      std::all_of(pin.begin(), pin.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits) return MakeError(ErrorKind::kInvalidArgument, "a staff PIN must be 6 to 12 digits");
  if (sodium_init() < 0) return MakeError(ErrorKind::kInternal, "libsodium failed to start");
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, pin.data(), pin.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return MakeError(ErrorKind::kUnavailable, "out of memory while hashing the PIN");
  }
  return std::string(hash);
}

Result<int64_t> ProvisionStaffAccount(PgPool& pool, const std::string& name,
                                      const std::string& pin_hash) {
  if (!IsValidStaffName(name)) {
    return MakeError(ErrorKind::kInvalidArgument,
                     "a staff name must be 1 to 32 characters, without control characters");
  }
  if (pin_hash.compare(0, kArgon2idPrefix.size(), kArgon2idPrefix) != 0) {
    return MakeError(ErrorKind::kInvalidArgument, "the PIN hash is not Argon2id");
  }
  int64_t version = 0;
  Status status = pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    version = NextVersion(tx);
    tx.exec_params(
        "INSERT INTO staff_accounts (name, pin_hash, disabled, version) VALUES ($1, $2, false, $3) "
        "ON CONFLICT (name) DO UPDATE SET pin_hash = excluded.pin_hash, disabled = false, "
        "version = excluded.version, updated_at = now()",
        name, pin_hash, version);
    tx.commit();
  });
  if (!status.ok()) return status.error();
  return version;
}

Result<int64_t> DisableStaffAccount(PgPool& pool, const std::string& name) {
  int64_t version = 0;
  bool found = false;
  Status status = pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    version = NextVersion(tx);
    found = !tx.exec_params(
                   "UPDATE staff_accounts SET disabled = true, version = $2, updated_at = now() "
                   "WHERE name = $1 RETURNING name",
                   name, version)
                 .empty();
    tx.commit();
  });
  if (!status.ok()) return status.error();
  if (!found) return MakeError(ErrorKind::kNotFound, "no staff account named " + name);
  return version;
}

Result<std::vector<StaffAccountRow>> ListStaffAccounts(PgPool& pool) {
  std::vector<StaffAccountRow> rows;
  Status status = pool.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    pqxx::result r = tx.exec("SELECT name, disabled, version, " + Iso("updated_at") +
                             " FROM staff_accounts ORDER BY name");
    for (const auto& row : r) {
      rows.push_back({row[0].as<std::string>(), row[1].as<bool>(), row[2].as<int64_t>(),
                      row[3].as<std::string>()});
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
