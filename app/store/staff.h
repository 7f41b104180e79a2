// StaffRepository: staff accounts, their sign-in failures and the audit trail, with
// the audit backlog that keeps a failed audit write from going unnoticed. One of the
// repositories over yimen.db (store.h).
#pragma once

#include <deque>
#include <memory>
#include <mutex>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/result.h"
#include "store/database.h"
#include "store/records.h"
#include "store/settings.h"

namespace yimen {

// Audit rows whose write failed (disk full, I/O error, locked past the timeout), kept
// in memory, oldest first, until a later write gets them in. One per database file in
// the process: the UI thread's and the sync thread's Stores share it, so whichever
// writes next retries what the other could not. A backlog over kMaxEntries drops its
// oldest rows, and counts them: the alarm then stays until the kiosk restarts.
class AuditBacklog {
 public:
  static constexpr size_t kMaxEntries = 10000;

  // The backlog of the database at `path` (made on first use). Thread-safe.
  static std::shared_ptr<AuditBacklog> ForDatabase(const std::string& path);

  void Keep(AuditEntry entry);
  // Everything kept, oldest first; the backlog is empty afterwards.
  std::vector<AuditEntry> TakeAll();
  // Puts `entries` (from TakeAll) back in front of anything kept since.
  void PutBack(std::vector<AuditEntry> entries);
  // Rows waiting plus rows dropped over the cap: what the staff alarm shows.
  int64_t Count() const;

 private:
  mutable std::mutex m_mutex;
  std::deque<AuditEntry> m_entries;
  int64_t m_dropped = 0;
};

class StaffRepository {
 public:
  // Staff accounts: a name and a PIN (the rule of common/secret_hash.h: 8-20 digits or a
  // passphrase of 10-64 characters) kept as an Argon2id hash at the staff cost. Adding
  // an existing name replaces its PIN and clears its lockout. Fails kInvalidArgument for
  // an empty or over-long name (1..32 characters) or a PIN the rule refuses. Takes
  // about a second (Argon2id).
  Status AddStaffAccount(std::string_view name, std::string_view pin);

  Result<int64_t> CountStaffAccounts();

  // After this many consecutive failures a name is locked for kStaffLockoutMs.
  static constexpr int kStaffMaxFailures = 10;

  static constexpr int64_t kStaffLockoutMs = 15 * 60 * 1000;

  // Checks a staff login at wall-clock `now_ms` (Unix ms). Failures are counted per
  // typed name whether or not the account exists, and persisted, so a restart does not
  // reset a lockout and an unknown name answers exactly like a wrong PIN (same outcome,
  // same Argon2id cost). A success clears the count. Any PIN is checked against the
  // hash, so an account set before the 8-digit rule still logs in until its PIN is
  // reset. Takes about a second (Argon2id at the staff cost) on the calling thread,
  // which today is the UI thread.
  Result<StaffLoginResult> StaffLogin(std::string_view name, std::string_view pin, int64_t now_ms);

  // From the kStaffThrottleAfter-th consecutive failure of a name on, the next attempt
  // is only checked StaffThrottleDelayMs(failures) after the last failure; an earlier
  // one returns kThrottled at once (no Argon2id, not counted, nothing written), so
  // guessing slows down without the UI ever sleeping. The delay grows by
  // throttle_base_ms per failure: 1, 2, 3 ... up to 5 times the base.
  static constexpr int kStaffThrottleAfter = 3;

  static constexpr int64_t kStaffThrottleBaseMs = 1000;

  static int64_t StaffThrottleDelayMs(int failures, int64_t base_ms = kStaffThrottleBaseMs);

  // Sets the base of the delay (tests and UI scripts shorten it). UI thread.
  void SetStaffThrottleBaseMs(int64_t base_ms) { m_throttle_base_ms = base_ms; }

  // Stores pulled staff accounts and the new cursor in ONE transaction. A server account
  // replaces a local one of the same name (the office is the authority once it speaks);
  // a disabled one stays as a row but can no longer log in (StaffLogin treats it as
  // unknown, with the same answer and cost). Clears the name's failure count when the
  // PIN changed. Fails kInvalidArgument for an empty/over-long name, a hash that is not
  // Argon2id or a version <= 0 (nothing written); kConflict when new_cursor is below the
  // stored one. Sync thread.
  Status ApplyServerStaffAccounts(const std::vector<ServerStaffAccount>& accounts,
                                  int64_t new_cursor);

  // The last version stored by ApplyServerStaffAccounts; 0 before the first pull.
  Result<int64_t> StaffAccountsCursor();

  // Audit rows with id > after_id, oldest first, at most `limit` (1..1000).
  Result<std::vector<AuditEntry>> AuditAfter(int64_t after_id, int limit);

  // The id of the last audit row the server acknowledged (0 = none), and moving it.
  // kConflict when `id` is below the stored value (a stale reply), nothing written.
  Result<int64_t> AuditPushedThrough();

  Status SetAuditPushedThrough(int64_t id);

  // Appends one audit row stamped with the device clock. `detail` must not hold
  // personal data. Fails kInvalidArgument for an empty actor or action. First writes
  // any rows the audit backlog holds. A row that cannot be written (the database's
  // error is returned) is kept in the backlog with its time and retried by the next
  // AppendAudit or RetryAuditBacklog, so a caller that ignores the Status loses
  // nothing silently: AuditBacklogCount() and OutboxHealthReport::audit_backlog show it.
  Status AppendAudit(std::string_view actor, std::string_view action, std::string_view detail);

  // The latest `limit` audit rows (1..1000), newest first.
  Result<std::vector<AuditEntry>> RecentAudit(int limit);

  // Writes what the audit backlog holds, oldest first, in one transaction; on failure
  // everything stays kept. OK when there was nothing to write. Any thread's Store of
  // this database (the sync engine calls it every cycle).
  Status RetryAuditBacklog();
  // Audit rows not yet written (waiting in the backlog, or dropped over its cap).
  int64_t AuditBacklogCount() const { return m_backlog->Count(); }

 private:
  friend class Store;
  friend class ApplicationRepository;
  StaffRepository(sqlite::Connection& db, SettingsRepository& settings,
                  std::shared_ptr<AuditBacklog> backlog)
      : m_db(db), m_settings(settings), m_backlog(std::move(backlog)) {}

  // One audit row inside the caller's transaction: no backlog, the caller's commit
  // decides (a failure fails the caller's whole write).
  Status InsertAudit(std::string_view actor, std::string_view action, std::string_view detail);
  Status InsertAuditEntry(const AuditEntry& entry);

  sqlite::Connection& m_db;
  SettingsRepository& m_settings;
  std::shared_ptr<AuditBacklog> m_backlog;
  int64_t m_throttle_base_ms = kStaffThrottleBaseMs;  // SetStaffThrottleBaseMs
};

}  // namespace yimen
