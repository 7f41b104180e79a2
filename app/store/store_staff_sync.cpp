// The store's half of two sync exchanges, kept apart from store.cpp: staff accounts the
// server provisions (pulled by version cursor) and the audit trail the kiosk pushes
// (by row id). Both cursors live in settings and move in the same transaction as the
// rows they cover, so a crash can neither skip an account change nor lose an audit row.
#include <sodium.h>

#include <string>

#include "domain/utf8.h"
#include "store/staff.h"
#include "store/store_internal.h"

namespace yimen {
using store_internal::kAuditPushedKey;
using store_internal::kStaffCursorKey;
using Kind = sqlite::Transaction::Kind;

namespace {

constexpr size_t kMaxStaffNameChars = 32;  // as AddStaffAccount
constexpr std::string_view kArgon2idPrefix = "$argon2id$";

Error Invalid(std::string message) {
  return MakeError(ErrorKind::kInvalidArgument, std::move(message));
}

}  // namespace

Status StaffRepository::ApplyServerStaffAccounts(const std::vector<ServerStaffAccount>& accounts,
                                                 int64_t new_cursor) {
  // Check everything before writing anything: one bad row refuses the page.
  for (const ServerStaffAccount& a : accounts) {
    const size_t chars = CountCodepoints(a.name);
    if (chars == 0 || chars > kMaxStaffNameChars || !IsValidUtf8(a.name)) {
      return Invalid("server staff account: a name must be 1 to 32 characters");
    }
    // Only Argon2id: a server (or a man in the middle of a misconfigured one) must not
    // be able to plant a cheap hash that makes PINs quick to guess from a stolen disk.
    if (a.pin_hash.compare(0, kArgon2idPrefix.size(), kArgon2idPrefix) != 0 ||
        a.pin_hash.size() >= crypto_pwhash_STRBYTES) {
      return Invalid("server staff account " + a.name + ": the PIN hash is not Argon2id");
    }
    if (a.version <= 0) return Invalid("server staff account " + a.name + ": version must be > 0");
  }
  Result<sqlite::Transaction> txn = sqlite::Transaction::Begin(m_db, Kind::kWrite);
  if (!txn.ok()) return txn.error();
  Result<int64_t> cursor = m_settings.ReadInt(kStaffCursorKey, 0);
  if (!cursor.ok()) return cursor.error();
  if (new_cursor < *cursor) {
    return MakeError(ErrorKind::kConflict, "staff accounts: cursor " + std::to_string(new_cursor) +
                                               " is below the stored " + std::to_string(*cursor));
  }
  for (const ServerStaffAccount& a : accounts) {
    // A PIN change (or a new account) starts the name's failure count afresh, as a
    // local PIN reset does.
    Result<sqlite::Statement> old =
        m_db.PrepareCached("SELECT pin_hash, server_version FROM staff_accounts WHERE name = ?1");
    if (!old.ok()) return old.error();
    old->BindText(1, a.name);
    Result<bool> had = old->Step();
    if (!had.ok()) return had.error();
    if (*had && old->ColumnOptionalInt(1).value_or(0) >= a.version) continue;  // re-pulled
    const bool pin_changed = !*had || old->ColumnText(0) != a.pin_hash;
    Result<sqlite::Statement> upsert = m_db.Prepare(
        "INSERT INTO staff_accounts (name, pin_hash, created_at, origin, disabled, server_version) "
        "VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'server', ?3, ?4) "
        "ON CONFLICT (name) DO UPDATE SET pin_hash = excluded.pin_hash, origin = 'server', "
        "disabled = excluded.disabled, server_version = excluded.server_version");
    if (!upsert.ok()) return upsert.error();
    upsert->BindText(1, a.name).BindText(2, a.pin_hash).BindInt(3, a.disabled ? 1 : 0)
        .BindInt(4, a.version);
    if (Status s = upsert->Run(); !s.ok()) return s;
    if (pin_changed) {
      Result<sqlite::Statement> clear =
          m_db.Prepare("DELETE FROM staff_login_failures WHERE name = ?1");
      if (!clear.ok()) return clear.error();
      clear->BindText(1, a.name);
      if (Status s = clear->Run(); !s.ok()) return s;
    }
    if (Status s = InsertAudit(
            "system", a.disabled ? "staff.account_disabled" : "staff.account_synced", a.name);
        !s.ok()) {
      return s;
    }
  }
  if (Status s = m_settings.Write(kStaffCursorKey, std::to_string(new_cursor)); !s.ok()) return s;
  return txn->Commit();
}

Result<int64_t> StaffRepository::StaffAccountsCursor() {
  return m_settings.ReadInt(kStaffCursorKey, 0);
}

Result<std::vector<AuditEntry>> StaffRepository::AuditAfter(int64_t after_id, int limit) {
  if (limit < 1 || limit > 1000) return Invalid("limit must be 1..1000, got " + std::to_string(limit));
  Result<sqlite::Statement> query = m_db.Prepare(
      "SELECT id, at, actor, action, detail FROM audit WHERE id > ?1 ORDER BY id LIMIT ?2");
  if (!query.ok()) return query.error();
  query->BindInt(1, after_id).BindInt(2, limit);
  return sqlite::MapRows(*query, store_internal::ReadAuditRow);
}

Result<int64_t> StaffRepository::AuditPushedThrough() {
  return m_settings.ReadInt(kAuditPushedKey, 0);
}

Status StaffRepository::SetAuditPushedThrough(int64_t id) {
  Result<sqlite::Transaction> txn = sqlite::Transaction::Begin(m_db, Kind::kWrite);
  if (!txn.ok()) return txn.error();
  Result<int64_t> current = m_settings.ReadInt(kAuditPushedKey, 0);
  if (!current.ok()) return current.error();
  if (id < *current) {
    return MakeError(ErrorKind::kConflict, "audit: acknowledged id " + std::to_string(id) +
                                               " is below the stored " + std::to_string(*current));
  }
  if (Status s = m_settings.Write(kAuditPushedKey, std::to_string(id)); !s.ok()) return s;
  return txn->Commit();
}

}  // namespace yimen
