// ApplicationRepository, the staff side (applications.h): filtered lists, counts, the
// CSV export, the count of sealed applications per key, and the retention purge.
#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <system_error>
#include <utility>

#include "domain/name_mask.h"
#include "store/applications.h"
#include "store/store_internal.h"

namespace yimen {

using namespace store_internal;  // NOLINT(google-build-using-namespace): the store's own helpers

namespace {

// A filter as SQL: " WHERE ..." (or "") and the texts to bind to ?1, ?2...
struct FilterSql {
  std::string where;
  std::vector<std::string> params;
  bool needs_outbox = false;  // the condition reads the outbox (sync state)
};

Result<FilterSql> BuildFilter(const ApplicationFilter& filter) {
  FilterSql out;
  std::vector<std::string> conditions;
  auto param = [&](std::string value) {
    out.params.push_back(std::move(value));
    return "?" + std::to_string(out.params.size());
  };
  if (!filter.status.empty()) conditions.push_back("a.status = " + param(filter.status));
  if (!filter.service_code.empty()) {
    conditions.push_back("a.service_code = " + param(filter.service_code));
  }
  for (const std::string* day : {&filter.from_day, &filter.to_day}) {
    if (!day->empty() && !IsIsoDay(*day)) {
      return InvalidArgument("filter: a day must look like 2026-11-23, got \"" + *day + "\"");
    }
  }
  if (!filter.from_day.empty()) conditions.push_back("a.created_date >= " + param(filter.from_day));
  if (!filter.to_day.empty()) conditions.push_back("a.created_date <= " + param(filter.to_day));
  if (!filter.number_contains.empty()) {
    std::string upper = filter.number_contains;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    conditions.push_back("instr(a.app_number, " + param(upper) + ") > 0");
  }
  if (filter.sync_state) {
    out.needs_outbox = true;
    switch (*filter.sync_state) {
      case SyncState::kDelivered:
        conditions.push_back("(a.server_receipt IS NOT NULL OR o.delivered_at_ms IS NOT NULL)");
        break;
      case SyncState::kParked:
        conditions.push_back(
            "(a.server_receipt IS NULL AND o.delivered_at_ms IS NULL AND o.parked_reason IS NOT "
            "NULL)");
        break;
      case SyncState::kPending:
        conditions.push_back(
            "(a.server_receipt IS NULL AND o.delivered_at_ms IS NULL AND o.parked_reason IS NULL)");
        break;
    }
  }
  for (size_t i = 0; i < conditions.size(); ++i) {
    out.where += (i == 0 ? " WHERE " : " AND ") + conditions[i];
  }
  return out;
}

void BindFilter(sqlite::Statement& statement, const FilterSql& filter) {
  for (size_t i = 0; i < filter.params.size(); ++i) {
    statement.BindText(static_cast<int>(i + 1), filter.params[i]);
  }
}

// One CSV cell: quoted when it holds a comma, quote or line break; a leading = + - @
// is defused with ' so a spreadsheet shows the text instead of running it.
std::string CsvCell(std::string_view text) {
  std::string cell(text);
  if (!cell.empty() && (cell[0] == '=' || cell[0] == '+' || cell[0] == '-' || cell[0] == '@')) {
    cell.insert(cell.begin(), '\'');
  }
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (char c : cell) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::pair<std::string, int64_t> ReadCount(const sqlite::Statement& row) {
  return {row.ColumnText(0), row.ColumnInt(1)};
}

}  // namespace

Result<std::vector<ApplicationStub>> ApplicationRepository::ListApplications(
    const ApplicationFilter& filter, int64_t offset, int limit) {
  if (offset < 0) return InvalidArgument("offset must not be negative");
  if (Status ok = CheckLimit(limit); !ok.ok()) return ok.error();
  Result<FilterSql> where = BuildFilter(filter);
  if (!where.ok()) return where.error();
  const int n = static_cast<int>(where->params.size());
  Result<sqlite::Statement> query =
      m_db.Prepare(std::string(kStubSelect) + where->where + " ORDER BY a.id DESC LIMIT ?" +
                   std::to_string(n + 1) + " OFFSET ?" + std::to_string(n + 2));
  if (!query.ok()) return query.error();
  BindFilter(*query, *where);
  query->BindInt(n + 1, limit).BindInt(n + 2, offset);
  return sqlite::MapRows(*query, ReadStub);
}

Result<int64_t> ApplicationRepository::CountApplications(const ApplicationFilter& filter) {
  Result<FilterSql> where = BuildFilter(filter);
  if (!where.ok()) return where.error();
  std::string sql = "SELECT COUNT(*) FROM applications a";
  if (where->needs_outbox) sql += " LEFT JOIN outbox o ON o.application_uuid = a.uuid";
  Result<sqlite::Statement> query = m_db.Prepare(sql + where->where);
  if (!query.ok()) return query.error();
  BindFilter(*query, *where);
  return sqlite::QueryInt(*query);
}

Result<ApplicationCounts> ApplicationRepository::CountApplicationsByDay(std::string_view from_day,
                                                                        std::string_view to_day) {
  if (!IsIsoDay(from_day) || !IsIsoDay(to_day)) {
    return InvalidArgument("counts: days must look like 2026-11-23");
  }
  ApplicationCounts counts;
  for (const char* column : {"status", "service_code"}) {
    Result<sqlite::Statement> query =
        m_db.Prepare(std::string("SELECT ") + column +
                     ", COUNT(*) AS n FROM applications "
                     "WHERE created_date BETWEEN ?1 AND ?2 GROUP BY 1 ORDER BY n DESC, 1");
    if (!query.ok()) return query.error();
    query->BindText(1, from_day).BindText(2, to_day);
    Result<std::vector<std::pair<std::string, int64_t>>> rows = sqlite::MapRows(*query, ReadCount);
    if (!rows.ok()) return rows.error();
    (column[1] == 't' ? counts.by_status : counts.by_service) = std::move(*rows);
  }
  for (const auto& [status, n] : counts.by_status) counts.total += n;
  return counts;
}

Result<int64_t> ApplicationRepository::ExportApplicationsCsv(
    const ApplicationFilter& filter,
    const std::function<std::string(const std::string&)>& service_name, const std::string& path) {
  Result<FilterSql> where = BuildFilter(filter);
  if (!where.ok()) return where.error();
  Result<sqlite::Statement> query =
      m_db.Prepare(std::string(kStubSelect) + where->where + " ORDER BY a.id DESC");
  if (!query.ok()) return query.error();
  BindFilter(*query, *where);

  const std::string part = path + ".part";
  int fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return MakeError(ErrorKind::kUnavailable, "export: cannot create " + part);
  }
  std::FILE* out = ::fdopen(fd, "wb");
  if (!out) {
    ::close(fd);
    return MakeError(ErrorKind::kUnavailable, "export: cannot write " + part);
  }
  std::string text =
      "\xEF\xBB\xBF"
      "app_number,service_code,service,name,created_at,status,status_at,sync_state,parked_"
      "reason\r\n";
  int64_t rows = 0;
  bool write_ok = true;
  Status read = sqlite::ForEachRow(*query, [&](const sqlite::Statement& row) {
    const ApplicationStub stub = ReadStub(row);
    const std::string service = service_name ? service_name(stub.service_code) : stub.service_code;
    text += CsvCell(stub.app_number) + ',' + CsvCell(stub.service_code) + ',' + CsvCell(service) +
            ',' + CsvCell(SurnameOnly(stub.masked_name)) + ',' + CsvCell(stub.created_at) + ',' +
            CsvCell(stub.status) + ',' + CsvCell(stub.status_at) + ',' +
            SyncStateName(stub.sync_state) + ',' + CsvCell(stub.parked_reason.value_or("")) +
            "\r\n";
    ++rows;
    if (text.size() > (1 << 16)) {
      write_ok = write_ok && std::fwrite(text.data(), 1, text.size(), out) == text.size();
      text.clear();
    }
  });
  if (!read.ok()) {
    std::fclose(out);
    std::remove(part.c_str());
    return read.error();
  }
  write_ok = write_ok && std::fwrite(text.data(), 1, text.size(), out) == text.size();
  write_ok = std::fflush(out) == 0 && write_ok && ::fsync(::fileno(out)) == 0;
  write_ok = std::fclose(out) == 0 && write_ok;
  std::error_code ec;
  if (write_ok) std::filesystem::rename(part, path, ec);
  if (!write_ok || ec) {
    std::remove(part.c_str());
    return MakeError(ErrorKind::kUnavailable, "export: writing " + path + " failed (disk full?)");
  }
  return rows;
}

Result<std::vector<std::pair<std::string, int64_t>>> ApplicationRepository::CountSealedByKey() {
  Result<sqlite::Statement> query = m_db.Prepare(
      "SELECT a.seal_key_id, COUNT(*) FROM applications a "
      "JOIN outbox o ON o.application_uuid = a.uuid "
      "WHERE a.seal_key_id IS NOT NULL AND o.delivered_at_ms IS NULL GROUP BY 1 ORDER BY 1");
  if (!query.ok()) return query.error();
  return sqlite::MapRows(*query, ReadCount);
}

Result<PurgeReport> ApplicationRepository::PurgeExpired(system_clock::time_point now,
                                                        const RetentionPolicy& policy) {
  if (policy.payload_days < 0 || policy.stub_days < 0) {
    return InvalidArgument("retention days must not be negative");
  }
  const int64_t now_ms = ToMillis(now);
  const int64_t payload_cutoff = now_ms - policy.payload_days * kMillisPerDay;
  const int64_t stub_cutoff = now_ms - policy.stub_days * kMillisPerDay;
  PurgeReport report;
  {
    Result<sqlite::Transaction> txn = sqlite::Transaction::Begin(m_db, Kind::kWrite);
    if (!txn.ok()) return txn.error();
    // Acknowledged means: the push was acknowledged AND every attachment is uploaded.
    // The last of those moments starts the retention clock.
    constexpr const char* kExpired = R"sql(
SELECT a.uuid FROM applications a JOIN outbox o ON o.application_uuid = a.uuid
WHERE o.delivered_at_ms IS NOT NULL AND a.purged_at_ms IS NULL
  AND NOT EXISTS (SELECT 1 FROM attachments t
                  WHERE t.application_uuid = a.uuid AND t.uploaded_at_ms IS NULL)
  AND max(o.delivered_at_ms, coalesce((SELECT max(t.uploaded_at_ms) FROM attachments t
                                       WHERE t.application_uuid = a.uuid), 0)) <= ?1
)sql";
    Result<sqlite::Statement> drop_attachments = m_db.Prepare(
        std::string("DELETE FROM attachments WHERE application_uuid IN (") + kExpired + ")");
    if (!drop_attachments.ok()) return drop_attachments.error();
    drop_attachments->BindInt(1, payload_cutoff);
    if (Status s = drop_attachments->Run(); !s.ok()) return s.error();
    Result<sqlite::Statement> purge =
        m_db.Prepare(std::string("UPDATE applications SET payload = x'', payload_format = ?2, "
                                 "purged_at_ms = ?3 WHERE uuid IN (") +
                     kExpired + ")");
    if (!purge.ok()) return purge.error();
    purge->BindInt(1, payload_cutoff).BindText(2, kPurgedFormat).BindInt(3, now_ms);
    if (Status s = purge->Run(); !s.ok()) return s.error();
    report.payloads_purged = m_db.Changes();

    // Stubs: only purged ones (so the payload rule above always ran first).
    constexpr const char* kOldStubs = R"sql(
SELECT a.uuid FROM applications a JOIN outbox o ON o.application_uuid = a.uuid
WHERE a.purged_at_ms IS NOT NULL AND o.delivered_at_ms IS NOT NULL AND o.delivered_at_ms <= ?1
)sql";
    for (const char* table : {"status_changes", "outbox"}) {
      Result<sqlite::Statement> drop = m_db.Prepare(
          std::string("DELETE FROM ") + table + " WHERE application_uuid IN (" + kOldStubs + ")");
      if (!drop.ok()) return drop.error();
      drop->BindInt(1, stub_cutoff);
      if (Status s = drop->Run(); !s.ok()) return s.error();
    }
    // The outbox rows are gone now, so the stubs are found by purge time instead.
    Result<sqlite::Statement> drop_stubs = m_db.Prepare(
        "DELETE FROM applications WHERE purged_at_ms IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM outbox o WHERE o.application_uuid = applications.uuid)");
    if (!drop_stubs.ok()) return drop_stubs.error();
    if (Status s = drop_stubs->Run(); !s.ok()) return s.error();
    report.stubs_deleted = m_db.Changes();
    if (report.payloads_purged > 0 || report.stubs_deleted > 0) {
      if (Status s = m_staff.InsertAudit("system", "retention.purge",
                                         std::to_string(report.payloads_purged) + " payloads, " +
                                             std::to_string(report.stubs_deleted) + " stubs");
          !s.ok()) {
        return s.error();
      }
    }
    if (Status s = txn->Commit(); !s.ok()) return s.error();
  }
  if (report.payloads_purged > 0 || report.stubs_deleted > 0) {
    // The old pages may still sit in the WAL: copy it back and cut it to zero bytes.
    // Busy (the UI thread reading) is fine: the next purge tries again.
    (void)m_db.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }
  return report;
}

}  // namespace yimen
