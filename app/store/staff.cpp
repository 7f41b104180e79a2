// StaffRepository (staff.h): staff accounts and sign-in, and the audit trail with its
// backlog. The server's side of both (pulled accounts, pushed audit) is in
// store_staff_sync.cpp.
#include "store/staff.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <system_error>
#include <utility>

#include "common/secret_hash.h"
#include "domain/utf8.h"
#include "store/store_internal.h"

namespace yimen {

using namespace store_internal;  // NOLINT(google-build-using-namespace): the store's own helpers

namespace {

constexpr size_t kMaxStaffNameChars = 32;

}  // namespace

// ---- audit backlog -----------------------------------------------------------------

std::shared_ptr<AuditBacklog> AuditBacklog::ForDatabase(const std::string& path) {
  // Never freed: a handful of paths per process (one in the kiosk, one per test dir).
  static std::mutex mutex;
  static auto* backlogs = new std::map<std::string, std::shared_ptr<AuditBacklog>>();
  // One file, however its path is spelled.
  std::error_code ec;
  std::string key = std::filesystem::weakly_canonical(path, ec).string();
  if (ec) key = path;
  std::lock_guard<std::mutex> lock(mutex);
  std::shared_ptr<AuditBacklog>& backlog = (*backlogs)[key];
  if (!backlog) backlog = std::make_shared<AuditBacklog>();
  return backlog;
}

void AuditBacklog::Keep(AuditEntry entry) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_entries.push_back(std::move(entry));
  while (m_entries.size() > kMaxEntries) {
    m_entries.pop_front();
    ++m_dropped;
  }
}

std::vector<AuditEntry> AuditBacklog::TakeAll() {
  std::lock_guard<std::mutex> lock(m_mutex);
  std::vector<AuditEntry> all(std::make_move_iterator(m_entries.begin()),
                              std::make_move_iterator(m_entries.end()));
  m_entries.clear();
  return all;
}

void AuditBacklog::PutBack(std::vector<AuditEntry> entries) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_entries.insert(m_entries.begin(), std::make_move_iterator(entries.begin()),
                   std::make_move_iterator(entries.end()));
  while (m_entries.size() > kMaxEntries) {
    m_entries.pop_front();
    ++m_dropped;
  }
}

int64_t AuditBacklog::Count() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return static_cast<int64_t>(m_entries.size()) + m_dropped;
}

// ---- audit -------------------------------------------------------------------------

Status StaffRepository::InsertAuditEntry(const AuditEntry& entry) {
  Result<sqlite::Statement> insert =
      m_db.PrepareCached("INSERT INTO audit (at, actor, action, detail) VALUES (?1, ?2, ?3, ?4)");
  if (!insert.ok()) return insert.error();
  insert->BindText(1, entry.at)
      .BindText(2, entry.actor)
      .BindText(3, entry.action)
      .BindText(4, entry.detail);
  return insert->Run();
}

Status StaffRepository::InsertAudit(std::string_view actor, std::string_view action,
                                    std::string_view detail) {
  return InsertAuditEntry(
      AuditEntry{0, NowIsoMillis(), std::string(actor), std::string(action), std::string(detail)});
}

Status StaffRepository::RetryAuditBacklog() {
  std::vector<AuditEntry> waiting = m_backlog->TakeAll();
  if (waiting.empty()) return Status::Ok();
  // Inside a caller's transaction the rows join it; otherwise they commit together.
  std::optional<sqlite::Transaction> txn;
  if (!m_db.InTransaction()) {
    Result<sqlite::Transaction> begun = sqlite::Transaction::Begin(m_db, Kind::kWrite);
    if (!begun.ok()) {
      m_backlog->PutBack(std::move(waiting));
      return begun.error();
    }
    txn.emplace(std::move(*begun));
  }
  for (const AuditEntry& entry : waiting) {
    if (Status s = InsertAuditEntry(entry); !s.ok()) {
      m_backlog->PutBack(std::move(waiting));
      return s;
    }
  }
  if (txn) {
    if (Status s = txn->Commit(); !s.ok()) {
      m_backlog->PutBack(std::move(waiting));
      return s;
    }
  }
  return Status::Ok();
}

Status StaffRepository::AppendAudit(std::string_view actor, std::string_view action,
                                    std::string_view detail) {
  if (actor.empty() || action.empty()) return InvalidArgument("audit: empty actor or action");
  // Stamped now, whenever it reaches the disk.
  AuditEntry entry{0, NowIsoMillis(), std::string(actor), std::string(action), std::string(detail)};
  if (Status retried = RetryAuditBacklog(); !retried.ok()) {
    m_backlog->Keep(std::move(entry));
    return retried;
  }
  Status written = InsertAuditEntry(entry);
  if (!written.ok()) m_backlog->Keep(std::move(entry));
  return written;
}

Result<std::vector<AuditEntry>> StaffRepository::RecentAudit(int limit) {
  if (Status ok = CheckLimit(limit); !ok.ok()) return ok.error();
  Result<sqlite::Statement> query =
      m_db.Prepare("SELECT id, at, actor, action, detail FROM audit ORDER BY id DESC LIMIT ?1");
  if (!query.ok()) return query.error();
  query->BindInt(1, limit);
  return sqlite::MapRows(*query, ReadAuditRow);
}

Status StaffRepository::AddStaffAccount(std::string_view name, std::string_view pin) {
  const size_t chars = CountCodepoints(name);
  if (chars == 0 || chars > kMaxStaffNameChars || !IsValidUtf8(name)) {
    return InvalidArgument("a staff name must be 1 to 32 characters");
  }
  if (!secret::IsAcceptableStaffPin(pin)) return InvalidArgument(secret::kStaffPinRule);
  Result<std::string> hash = secret::Hash(pin);
  if (!hash.ok()) return hash.error();
  Result<sqlite::Transaction> txn = sqlite::Transaction::Begin(m_db, Kind::kWrite);
  if (!txn.ok()) return txn.error();
  Result<sqlite::Statement> upsert = m_db.Prepare(
      "INSERT INTO staff_accounts (name, pin_hash, created_at) "
      "VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) "
      "ON CONFLICT (name) DO UPDATE SET pin_hash = excluded.pin_hash");
  if (!upsert.ok()) return upsert.error();
  upsert->BindText(1, name).BindText(2, *hash);
  if (Status s = upsert->Run(); !s.ok()) return s;
  Result<sqlite::Statement> clear =
      m_db.Prepare("DELETE FROM staff_login_failures WHERE name = ?1");
  if (!clear.ok()) return clear.error();
  clear->BindText(1, name);
  if (Status s = clear->Run(); !s.ok()) return s;
  if (Status s = InsertAudit("system", "staff.account_set", name); !s.ok()) return s;
  return txn->Commit();
}

Result<int64_t> StaffRepository::CountStaffAccounts() {
  Result<sqlite::Statement> query = m_db.Prepare("SELECT COUNT(*) FROM staff_accounts");
  if (!query.ok()) return query.error();
  Result<bool> row = query->Step();
  if (!row.ok()) return row.error();
  return query->ColumnInt(0);
}

int64_t StaffRepository::StaffThrottleDelayMs(int failures, int64_t base_ms) {
  if (failures < kStaffThrottleAfter || failures >= kStaffMaxFailures) return 0;
  return base_ms * std::min<int64_t>(5, failures - kStaffThrottleAfter + 1);
}

Result<StaffLoginResult> StaffRepository::StaffLogin(std::string_view name, std::string_view pin,
                                                     int64_t now_ms) {
  StaffLoginResult result;
  // The name's failure count and lockout, whether or not the account exists.
  Result<sqlite::Statement> failures = m_db.Prepare(
      "SELECT failures, locked_until_ms, last_failure_ms FROM staff_login_failures "
      "WHERE name = ?1");
  if (!failures.ok()) return failures.error();
  failures->BindText(1, name);
  Result<bool> failure_row = failures->Step();
  if (!failure_row.ok()) return failure_row.error();
  int64_t count = *failure_row ? failures->ColumnInt(0) : 0;
  int64_t locked_until = *failure_row ? failures->ColumnInt(1) : 0;
  if (locked_until > now_ms) {
    result.outcome = StaffLoginOutcome::kLocked;
    result.failures = static_cast<int>(count);
    result.locked_until_ms = locked_until;
    return result;
  }
  if (locked_until != 0) count = 0;  // a lockout that ran out starts a fresh count
  const int64_t last_failure = *failure_row ? failures->ColumnInt(2) : 0;
  const int64_t delay = StaffThrottleDelayMs(static_cast<int>(count), m_throttle_base_ms);
  if (delay > 0 && now_ms < last_failure + delay) {
    result.outcome = StaffLoginOutcome::kThrottled;
    result.failures = static_cast<int>(count);
    result.retry_at_ms = last_failure + delay;
    return result;
  }

  Result<sqlite::Statement> account =
      m_db.Prepare("SELECT pin_hash FROM staff_accounts WHERE name = ?1 AND disabled = 0");
  if (!account.ok()) return account.error();
  account->BindText(1, name);
  Result<bool> account_row = account->Step();
  if (!account_row.ok()) return account_row.error();
  // A name without an account costs one verification at the staff cost all the same
  // (kNoSecretHash has those parameters and matches nothing).
  const std::string hash = *account_row ? account->ColumnText(0) : secret::kNoSecretHash;
  // Argon2id outside any transaction: it takes about a second and must not hold the
  // write lock. Any length the pad and keyboard can make is checked (old PINs too).
  bool accepted = pin.size() <= 4 * secret::kMaxPassphraseChars && secret::Verify(hash, pin);
  accepted = accepted && *account_row;

  Result<sqlite::Transaction> txn = sqlite::Transaction::Begin(m_db, Kind::kWrite);
  if (!txn.ok()) return txn.error();
  if (accepted) {
    Result<sqlite::Statement> clear =
        m_db.Prepare("DELETE FROM staff_login_failures WHERE name = ?1");
    if (!clear.ok()) return clear.error();
    clear->BindText(1, name);
    if (Status s = clear->Run(); !s.ok()) return s.error();
    Result<sqlite::Statement> stamp = m_db.Prepare(
        "UPDATE staff_accounts SET last_login_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
        "WHERE name = ?1");
    if (!stamp.ok()) return stamp.error();
    stamp->BindText(1, name);
    if (Status s = stamp->Run(); !s.ok()) return s.error();
    result.outcome = StaffLoginOutcome::kAccepted;
  } else {
    ++count;
    if (count >= kStaffMaxFailures)
      locked_until = now_ms + kStaffLockoutMs;
    else
      locked_until = 0;
    Result<sqlite::Statement> record = m_db.Prepare(
        "INSERT INTO staff_login_failures (name, failures, locked_until_ms, last_failure_ms) "
        "VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (name) DO UPDATE SET failures = excluded.failures, "
        "locked_until_ms = excluded.locked_until_ms, last_failure_ms = excluded.last_failure_ms");
    if (!record.ok()) return record.error();
    record->BindText(1, name).BindInt(2, count).BindInt(3, locked_until).BindInt(4, now_ms);
    if (Status s = record->Run(); !s.ok()) return s.error();
    result.outcome = StaffLoginOutcome::kRefused;
    result.failures = static_cast<int>(count);
    result.locked_until_ms = locked_until;
    const int64_t next_delay = StaffThrottleDelayMs(static_cast<int>(count), m_throttle_base_ms);
    if (locked_until == 0 && next_delay > 0) result.retry_at_ms = now_ms + next_delay;
  }
  if (Status s = txn->Commit(); !s.ok()) return s.error();
  return result;
}

}  // namespace yimen
