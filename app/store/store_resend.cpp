// Resending acknowledged applications after the server lost them to a restore from an
// older backup (docs/operations.md "Backup and restore"). Kept apart from store.cpp:
// an operator's recovery step, not part of the everyday outbox.
#include <string>

#include "store/applications.h"

namespace yimen {
namespace {

using Kind = sqlite::Transaction::Kind;

// Applications acknowledged at or after ?1 whose payload is still held.
constexpr const char* kResendable =
    "SELECT o.application_uuid FROM outbox o JOIN applications a ON a.uuid = o.application_uuid "
    "WHERE o.delivered_at_ms >= ?1 AND a.payload_format <> 'purged'";

Result<int64_t> RunCounted(sqlite::Connection& db, const std::string& sql, int64_t since_ms) {
  Result<sqlite::Statement> statement = db.Prepare(sql);
  if (!statement.ok()) return statement.error();
  statement->BindInt(1, since_ms);
  if (Status ran = statement->Run(); !ran.ok()) return ran.error();
  return db.Changes();
}

}  // namespace

Result<ResendReport> ApplicationRepository::ResendAcknowledgedSince(
    std::chrono::system_clock::time_point since) {
  const int64_t since_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(since.time_since_epoch()).count();
  Result<sqlite::Transaction> txn = sqlite::Transaction::Begin(m_db, Kind::kWrite);
  if (!txn.ok()) return txn.error();
  ResendReport report;
  {
    Result<sqlite::Statement> purged = m_db.Prepare(
        "SELECT COUNT(*) FROM outbox o JOIN applications a ON a.uuid = o.application_uuid "
        "WHERE o.delivered_at_ms >= ?1 AND a.payload_format = 'purged'");
    if (!purged.ok()) return purged.error();
    purged->BindInt(1, since_ms);
    Result<bool> row = purged->Step();
    if (!row.ok()) return row.error();
    report.purged = purged->ColumnInt(0);
  }
  // Photos first: the outbox rows still say "delivered" until the next statement.
  Result<int64_t> photos =
      RunCounted(m_db,
                 std::string("UPDATE attachments SET uploaded_at_ms = NULL "
                             "WHERE uploaded_at_ms IS NOT NULL AND application_uuid IN (") +
                     kResendable + ")",
                 since_ms);
  if (!photos.ok()) return photos.error();
  report.photos = *photos;
  // The receipt stays until the server answers again (MarkDelivered replaces it).
  Result<int64_t> requeued = RunCounted(
      m_db,
      std::string("UPDATE outbox SET delivered_at_ms = NULL, attempts = 0, next_attempt_at_ms = 0, "
                  "last_error = NULL, server_faults = 0, lone_faults = 0 "
                  "WHERE application_uuid IN (") +
          kResendable + ")",
      since_ms);
  if (!requeued.ok()) return requeued.error();
  report.requeued = *requeued;

  if (Status logged = m_staff.InsertAudit("operator", "outbox.resend",
                                          std::to_string(report.requeued) + " applications, " +
                                              std::to_string(report.photos) + " photos; " +
                                              std::to_string(report.purged) + " already purged");
      !logged.ok()) {
    return logged.error();
  }
  if (Status committed = txn->Commit(); !committed.ok()) return committed.error();
  return report;
}

}  // namespace yimen
