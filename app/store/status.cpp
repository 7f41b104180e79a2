// StatusRepository (status.h): pulled status changes and the resident's look-up.
#include "store/status.h"

#include <sodium.h>

#include <charconv>
#include <system_error>
#include <utility>

#include "store/applications.h"
#include "store/store_internal.h"

namespace yimen {

using namespace store_internal;  // NOLINT(google-build-using-namespace): the store's own helpers

Result<int64_t> StatusRepository::StatusCursor() {
  Result<std::optional<std::string>> stored = m_settings.Read(kStatusCursorKey);
  if (!stored.ok()) return stored.error();
  if (!stored->has_value()) return int64_t{0};
  const std::string& text = **stored;
  int64_t cursor = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), cursor);
  if (ec != std::errc() || end != text.data() + text.size() || cursor < 0) {
    return MakeError(ErrorKind::kDataLoss,
                     "store: status cursor is not a number: \"" + text + "\"");
  }
  return cursor;
}

Status StatusRepository::ApplyStatusChanges(const std::vector<StatusChange>& changes,
                                            int64_t new_cursor) {
  for (const StatusChange& change : changes) {
    if (change.server_seq <= 0 || change.application_uuid.empty() || change.status.empty()) {
      return InvalidArgument("status change " + std::to_string(change.server_seq) +
                             " lacks a seq, an application uuid or a status");
    }
  }
  Result<sqlite::Transaction> txn = sqlite::Transaction::Begin(m_db, Kind::kWrite);
  if (!txn.ok()) return txn.error();
  Result<int64_t> cursor = StatusCursor();
  if (!cursor.ok()) return cursor.error();
  if (new_cursor < *cursor) {
    return MakeError(ErrorKind::kConflict, "status cursor would move back from " +
                                               std::to_string(*cursor) + " to " +
                                               std::to_string(new_cursor));
  }

  Result<sqlite::Statement> insert = m_db.Prepare(R"sql(
INSERT INTO status_changes (server_seq, application_uuid, app_number, status, reason, server_time)
VALUES (?1, ?2, ?3, ?4, ?5, ?6)
ON CONFLICT (server_seq) DO NOTHING
)sql");
  if (!insert.ok()) return insert.error();
  Result<sqlite::Statement> update = m_db.Prepare(R"sql(
UPDATE applications SET status = ?2, status_at = ?3, status_seq = ?4
WHERE uuid = ?1 AND (status_seq IS NULL OR status_seq < ?4)
)sql");
  if (!update.ok()) return update.error();

  for (const StatusChange& change : changes) {
    insert->BindInt(1, change.server_seq)
        .BindText(2, change.application_uuid)
        .BindText(3, change.app_number)
        .BindText(4, change.status)
        .BindText(5, change.reason)
        .BindText(6, change.server_time);
    if (Status stored = insert->Run(); !stored.ok()) return stored;
    update->BindText(1, change.application_uuid)
        .BindText(2, change.status)
        .BindText(3, change.server_time)
        .BindInt(4, change.server_seq);
    if (Status applied = update->Run(); !applied.ok()) return applied;
  }
  if (Status moved = m_settings.Write(kStatusCursorKey, std::to_string(new_cursor)); !moved.ok()) {
    return moved;
  }
  return txn->Commit();
}

Result<std::vector<StatusChange>> StatusRepository::StatusHistory(std::string_view app_number) {
  Result<sqlite::Statement> query = m_db.Prepare(
      "SELECT server_seq, application_uuid, app_number, status, reason, server_time "
      "FROM status_changes WHERE app_number = ?1 ORDER BY server_seq");
  if (!query.ok()) return query.error();
  query->BindText(1, app_number);
  return sqlite::MapRows(*query, [](const sqlite::Statement& row) {
    StatusChange change;
    change.server_seq = row.ColumnInt(0);
    change.application_uuid = row.ColumnText(1);
    change.app_number = row.ColumnText(2);
    change.status = row.ColumnText(3);
    change.reason = row.ColumnText(4);
    change.server_time = row.ColumnText(5);
    return change;
  });
}

Result<std::optional<StatusLookup>> StatusRepository::LookUpStatus(std::string_view app_number,
                                                                   std::string_view id_last6) {
  const std::string tail = NormalizeIdTail(id_last6);
  if (tail.empty()) return InvalidArgument("look-up: the ID tail must be 6 characters of 0-9 or X");
  Result<sqlite::Statement> query =
      m_db.Prepare("SELECT lookup_hash FROM applications WHERE app_number = ?1");
  if (!query.ok()) return query.error();
  query->BindText(1, app_number);
  Result<bool> row = query->Step();
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<StatusLookup>();
  Result<bool> matches = TailMatches(query->ColumnOptionalText(0), tail);
  if (!matches.ok()) return matches.error();
  if (!*matches) return std::optional<StatusLookup>();
  Result<std::optional<ApplicationStub>> stub = m_applications.FindByAppNumber(app_number);
  if (!stub.ok()) return stub.error();
  if (!stub->has_value()) return std::optional<StatusLookup>();
  Result<std::vector<StatusChange>> history = StatusHistory(app_number);
  if (!history.ok()) return history.error();
  return std::optional<StatusLookup>(StatusLookup{std::move(**stub), std::move(*history)});
}

Result<bool> StatusRepository::TailMatches(const std::optional<std::string>& stored,
                                           const std::string& tail) {
  Result<std::optional<std::string>> key = m_settings.Read(kLookupKeyKey);
  if (!key.ok()) return key.error();
  if (!stored || !key->has_value()) return false;
  const std::string given = LookupHash(tail, **key);
  return given.size() == stored->size() &&
         sodium_memcmp(given.data(), stored->data(), given.size()) == 0;
}

Result<std::vector<StatusLookup>> StatusRepository::FindVisitForResident(
    std::string_view visit_number, std::string_view id_tail) {
  std::vector<StatusLookup> found;
  const std::string tail = NormalizeIdTail(id_tail);
  if (tail.empty()) return found;  // malformed reads as wrong: nothing learnt
  Result<sqlite::Statement> query = m_db.Prepare(
      "SELECT app_number, lookup_hash FROM applications WHERE visit_number = ?1 ORDER BY id");
  if (!query.ok()) return query.error();
  query->BindText(1, visit_number);
  std::vector<std::pair<std::string, std::optional<std::string>>> rows;
  Status read = sqlite::ForEachRow(*query, [&](const sqlite::Statement& row) {
    rows.emplace_back(row.ColumnText(0), row.ColumnOptionalText(1));
  });
  if (!read.ok()) return read.error();
  // Each application's own hash is checked: one that kept none is not shown.
  for (const auto& [app_number, stored] : rows) {
    Result<bool> matches = TailMatches(stored, tail);
    if (!matches.ok()) return matches.error();
    if (!*matches) continue;
    Result<std::optional<ApplicationStub>> stub = m_applications.FindByAppNumber(app_number);
    if (!stub.ok()) return stub.error();
    if (!stub->has_value()) continue;
    Result<std::vector<StatusChange>> history = StatusHistory(app_number);
    if (!history.ok()) return history.error();
    found.push_back(StatusLookup{std::move(**stub), std::move(*history)});
  }
  return found;
}

Result<std::string> StatusRepository::LookupHashFor(std::string_view id_last6) {
  const std::string tail = NormalizeIdTail(id_last6);
  if (tail.empty())
    return MakeError(ErrorKind::kInvalidArgument, "id tail: need six characters [0-9Xx]");
  Result<std::string> key_hex = m_settings.LookupKey();
  if (!key_hex.ok()) return key_hex.error();
  return LookupHash(tail, *key_hex);
}

Result<std::optional<StatusLookup>> StatusRepository::FindForResident(std::string_view app_number,
                                                                      std::string_view id_tail) {
  // LookUpStatus, with a malformed tail answered like a wrong one (nothing learnt).
  Result<std::optional<StatusLookup>> found = LookUpStatus(app_number, id_tail);
  if (!found.ok() && found.error().kind == ErrorKind::kInvalidArgument) {
    return std::optional<StatusLookup>();
  }
  return found;
}

}  // namespace yimen
