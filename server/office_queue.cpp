// The queue query (office_queue.h): scope and filter as SQL over the indexes of
// migration 10, keyset paging on (received_at, id), working days computed per row.
#include "server/office_queue.h"

#include <algorithm>
#include <charconv>

#include "common/civil_time.h"
#include "domain/catalog.h"
#include "server/office_directory.h"
#include "server/office_scope.h"
#include "sync/protocol/status.h"

namespace yimen::server {
namespace {

constexpr const char* kCountyWords[] = {"全部", "全区", "全县", "全市"};
constexpr const char* kCountySuffixes[] = {"区", "县", "市", "旗"};

bool EndsWith(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

// Declared in office_scope.h (the roster lists a scope's townships with them).
// A county-wide scope names a county-level region (东城区, 某某县, 全市), and no hall's
// township has that name; anything else is a township (its halls only, maybe none), so
// a mistyped scope sees less, never more.
bool IsCountyScope(pqxx::transaction_base& tx, const std::string& scope) {
  bool county = std::any_of(std::begin(kCountyWords), std::end(kCountyWords),
                            [&](const char* word) { return scope == word; }) ||
                std::any_of(std::begin(kCountySuffixes), std::end(kCountySuffixes),
                            [&](const char* suffix) { return EndsWith(scope, suffix); });
  if (!county) return false;
  return tx.exec_params("SELECT 1 FROM halls WHERE town = $1 LIMIT 1", scope).empty();
}

// "a.hall IN (...)" for the halls of `town`, listed here rather than as a subquery so
// the planner sees the literal halls (and its statistics and the (hall, status) index
// serve the count); "false" for a township without halls.
std::string InTownHalls(pqxx::transaction_base& tx, const std::string& town) {
  std::string list;
  for (const auto& row :
       tx.exec_params("SELECT name FROM halls WHERE town = $1 ORDER BY name", town)) {
    list += (list.empty() ? "" : ", ") + tx.quote(row[0].as<std::string>());
  }
  return list.empty() ? "false" : "a.hall IN (" + list + ")";
}

namespace {

// The China day `iso_date` starts, as a timestamptz literal expression.
std::string DayStart(pqxx::transaction_base& tx, const std::string& iso_date) {
  return "(timezone('UTC', " + tx.quote(iso_date) + "::timestamp - interval '8 hours'))";
}

// Cursor: "<received_at in microseconds since the epoch>.<id>".
bool ParseCursor(const std::string& cursor, int64_t* micros, int64_t* id) {
  const size_t dot = cursor.find('.');
  if (dot == std::string::npos) return false;
  const char* begin = cursor.data();
  const char* end = cursor.data() + cursor.size();
  auto first = std::from_chars(begin, begin + dot, *micros);
  auto second = std::from_chars(begin + dot + 1, end, *id);
  return first.ec == std::errc() && first.ptr == begin + dot && second.ec == std::errc() &&
         second.ptr == end && *id > 0;
}

}  // namespace

CivilDate TodayInChina() { return ChinaDateAt(UnixSecondsNow()); }

std::string ScopePredicate(pqxx::transaction_base& tx, const OfficeAccount& viewer) {
  switch (viewer.role) {
    case OfficeRole::kSupervisor:
    case OfficeRole::kAdmin: return "true";
    case OfficeRole::kDepartment:
      return "EXISTS (SELECT 1 FROM application_routes r WHERE r.application_id = a.id AND "
             "r.department = " +
             tx.quote(viewer.scope) + ")";
    case OfficeRole::kReviewer:
    case OfficeRole::kApprover:
      if (IsCountyScope(tx, viewer.scope)) return "true";
      return InTownHalls(tx, viewer.scope);
  }
  return "false";
}

Status CheckQueueFilter(const QueueFilter& filter) {
  if (filter.statuses.size() > 20 || filter.service_code.size() > 128 || filter.hall.size() > 256 ||
      filter.town.size() > 256) {
    return MakeError(ErrorKind::kInvalidArgument, "筛选条件过长");
  }
  for (const std::string& status : filter.statuses) {
    if (!status.empty() && status != protocol::kStatusDelivered &&
        protocol::FindStatus(status) == nullptr) {
      return MakeError(ErrorKind::kInvalidArgument, "没有这个状态：" + status);
    }
  }
  for (const std::string* date : {&filter.received_from, &filter.received_to}) {
    if (!date->empty() && !ParseIsoDate(*date).ok()) {
      return MakeError(ErrorKind::kInvalidArgument, "日期格式应为 YYYY-MM-DD：" + *date);
    }
  }
  return Status::Ok();
}

std::string FilterPredicate(pqxx::transaction_base& tx, const QueueFilter& filter,
                            const CivilDate& today) {
  std::string where = "true";
  if (!filter.statuses.empty()) {
    std::string list;
    for (const std::string& status : filter.statuses) {
      // 已送达 is "no status yet"; a status is stored by its Chinese name.
      std::string name = status;
      if (status == protocol::kStatusDelivered) name.clear();
      if (const protocol::StatusSpec* spec = protocol::FindStatus(status)) name = spec->name;
      list += (list.empty() ? "" : ", ") + tx.quote(name);
    }
    where += " AND coalesce(a.status, '') IN (" + list + ")";
  }
  if (!filter.service_code.empty())
    where += " AND a.service_code = " + tx.quote(filter.service_code);
  if (!filter.hall.empty()) where += " AND a.hall = " + tx.quote(filter.hall);
  if (!filter.town.empty()) where += " AND " + InTownHalls(tx, filter.town);
  if (!filter.received_from.empty())
    where += " AND a.received_at >= " + DayStart(tx, filter.received_from);
  if (!filter.received_to.empty()) {
    const std::string next = FormatIsoDate(AddDays(*ParseIsoDate(filter.received_to), 1));
    where += " AND a.received_at < " + DayStart(tx, next);
  }
  if (filter.overdue_only)
    where += " AND a.due_date < " + tx.quote(FormatIsoDate(today)) + "::date";
  return where;
}

std::string QueueColumns() {
  return "a.app_number, a.service_code, a.hall, coalesce((SELECT town FROM halls h WHERE h.name = "
         "a.hall), ''), " +
         SqlIsoUtc("a.received_at") + ", coalesce(a.status, ''), " + SqlIsoUtc("a.status_at") +
         ", coalesce(a.due_date::text, ''), coalesce(a.notice_until::text, ''), "
         "coalesce(a.department, ''), (extract(epoch FROM a.received_at) * 1000000)::bigint, a.id, "
         "coalesce(a.visit_number, '')";
}

QueueRow ReadQueueRow(const pqxx::row& row, const WorkingCalendar& calendar,
                      const CivilDate& today) {
  QueueRow out;
  out.app_number = row[0].as<std::string>();
  out.service_code = row[1].as<std::string>();
  out.hall = row[2].as<std::string>();
  out.town = row[3].as<std::string>();
  out.received_at = row[4].as<std::string>();
  out.status = row[5].as<std::string>();
  out.status_at = row[6].as<std::string>();
  out.due_date = row[7].as<std::string>();
  out.notice_until = row[8].as<std::string>();
  out.department = row[9].as<std::string>();
  out.visit_number = row[12].as<std::string>();
  if (auto due = ParseIsoDate(out.due_date); due.ok()) {
    out.working_days_left = WorkingDaysLeft(calendar, today, *due);
    out.overdue = today > *due;
  }
  return out;
}

namespace {

// QueryQueue's work; with by_status, the grouped count replaces the count of total.
Result<QueuePage> RunQueue(PgPool& pool, const OfficeAccount& viewer, const QueueFilter& filter,
                           const std::string& cursor, int limit, bool by_status) {
  if (Status s = CheckQueueFilter(filter); !s.ok()) return s.error();
  int64_t after_micros = 0;
  int64_t after_id = 0;
  if (!cursor.empty() && !ParseCursor(cursor, &after_micros, &after_id)) {
    return MakeError(ErrorKind::kInvalidArgument, "翻页位置无效，请回到第一页");
  }
  limit = std::clamp(limit, 1, 500);
  const CivilDate today = TodayInChina();
  QueuePage page;
  Status status = pool.Run([&](pqxx::connection& c) {
    page = {};
    pqxx::read_transaction tx(c);
    const std::string scope = ScopePredicate(tx, viewer);
    const std::string where = scope + " AND " + FilterPredicate(tx, filter, today);
    std::string keyset;
    if (!cursor.empty()) {
      keyset = " AND (a.received_at, a.id) < ('epoch'::timestamptz + " +
               std::to_string(after_micros) + " * interval '1 microsecond', " +
               std::to_string(after_id) + ")";
    }
    pqxx::result rows =
        tx.exec("SELECT " + QueueColumns() + " FROM applications a WHERE " + where + keyset +
                " ORDER BY a.received_at DESC, a.id DESC LIMIT " + std::to_string(limit + 1));
    const WorkingCalendar calendar = LoadWorkingCalendar(tx);
    for (size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; ++i) {
      page.rows.push_back(ReadQueueRow(rows[i], calendar, today));
    }
    if (static_cast<int>(rows.size()) > limit) {
      const auto& last = rows[limit - 1];
      page.next_cursor = last[10].as<std::string>() + "." + last[11].as<std::string>();
    }
    if (by_status) {
      QueueFilter others = filter;
      others.statuses.clear();
      // Grouped on the plain column: an index-only scan of applications_count_status
      // (migration 12); NULL and "" are both 已送达.
      for (const auto& row : tx.exec("SELECT a.status, count(*) FROM applications a WHERE " +
                                     scope + " AND " + FilterPredicate(tx, others, today) +
                                     " GROUP BY 1")) {
        page.by_status[row[0].is_null() ? "" : row[0].as<std::string>()] += row[1].as<int64_t>();
      }
      for (const auto& [key, n] : page.by_status) {
        const std::string& name = key;  // a structured binding cannot be captured (clang 14)
        const bool chosen =
            filter.statuses.empty() ||
            std::any_of(filter.statuses.begin(), filter.statuses.end(), [&](const std::string& s) {
              const protocol::StatusSpec* spec = protocol::FindStatus(s);
              const std::string stored =
                  s == protocol::kStatusDelivered ? "" : spec != nullptr ? spec->name : s;
              return stored == name;
            });
        if (chosen) page.total += n;
      }
    } else {
      page.total = tx.exec1("SELECT count(*) FROM applications a WHERE " + where)[0].as<int64_t>();
    }
    // Two counts rather than one with FILTER: each can be an index-only scan (the
    // overdue one on the small partial index applications_due), where a FILTER on
    // due_date would read every row of the heap.
    page.overdue = filter.overdue_only ? page.total
                                       : tx.exec1("SELECT count(*) FROM applications a WHERE " +
                                                  where + " AND a.due_date < " +
                                                  tx.quote(FormatIsoDate(today)) + "::date")[0]
                                             .as<int64_t>();
  });
  if (!status.ok()) return status.error();
  return page;
}

}  // namespace

Result<QueuePage> QueryQueue(PgPool& pool, const OfficeAccount& viewer, const QueueFilter& filter,
                             const std::string& cursor, int limit) {
  return RunQueue(pool, viewer, filter, cursor, limit, false);
}

Result<QueuePage> QueryQueueWithStatusCounts(PgPool& pool, const OfficeAccount& viewer,
                                             const QueueFilter& filter, const std::string& cursor,
                                             int limit) {
  return RunQueue(pool, viewer, filter, cursor, limit, true);
}

}  // namespace yimen::server
