// The store's half of poison-item handling, kept apart from store.cpp: per-item counts
// of server faults that let the sync engine tell an item that breaks the server from a
// server that is down (docs/internals/sync.md "Poison items"). Counting never parks:
// the engine decides, and parks through ApplicationRepository::Park like any refused item.
#include <string>

#include "store/applications.h"

namespace yimen {
namespace {

using Kind = sqlite::Transaction::Kind;

}  // namespace

Result<std::vector<int>> ApplicationRepository::RecordServerFault(
    const std::vector<std::string>& uuids, std::string_view error_text) {
  Result<sqlite::Transaction> txn = sqlite::Transaction::Begin(m_db, Kind::kWrite);
  if (!txn.ok()) return txn.error();
  Result<sqlite::Statement> update = m_db.PrepareCached(
      "UPDATE outbox SET server_faults = server_faults + 1, last_error = ?2 "
      "WHERE application_uuid = ?1 AND delivered_at_ms IS NULL");
  if (!update.ok()) return update.error();
  std::vector<int> counts;
  counts.reserve(uuids.size());
  for (const std::string& uuid : uuids) {
    update->BindText(1, uuid).BindText(2, error_text);
    if (Status updated = update->Run(); !updated.ok()) return updated.error();
    Result<sqlite::Statement> read = m_db.PrepareCached(
        "SELECT server_faults FROM outbox WHERE application_uuid = ?1 AND delivered_at_ms IS NULL");
    if (!read.ok()) return read.error();
    read->BindText(1, uuid);
    Result<bool> row = read->Step();
    if (!row.ok()) return row.error();
    counts.push_back(*row ? static_cast<int>(read->ColumnInt(0)) : 0);
  }
  if (Status committed = txn->Commit(); !committed.ok()) return committed.error();
  return counts;
}

Result<int> ApplicationRepository::RecordLoneFault(std::string_view uuid,
                                                   std::string_view error_text) {
  Result<sqlite::Transaction> txn = sqlite::Transaction::Begin(m_db, Kind::kWrite);
  if (!txn.ok()) return txn.error();
  Result<sqlite::Statement> update = m_db.Prepare(
      "UPDATE outbox SET lone_faults = lone_faults + 1, last_error = ?2 "
      "WHERE application_uuid = ?1 AND delivered_at_ms IS NULL");
  if (!update.ok()) return update.error();
  update->BindText(1, uuid).BindText(2, error_text);
  if (Status updated = update->Run(); !updated.ok()) return updated.error();
  if (m_db.Changes() == 0) return OutboxMiss(uuid, "record lone fault");
  Result<sqlite::Statement> read =
      m_db.Prepare("SELECT lone_faults FROM outbox WHERE application_uuid = ?1");
  if (!read.ok()) return read.error();
  read->BindText(1, uuid);
  Result<bool> row = read->Step();
  if (!row.ok()) return row.error();
  const int count = *row ? static_cast<int>(read->ColumnInt(0)) : 0;
  if (Status committed = txn->Commit(); !committed.ok()) return committed.error();
  return count;
}

}  // namespace yimen
