// The office queue: what a township or county office has to work on, filtered and paged
// so a page stays fast at 100,000 applications (docs/console.md "Queue"). Every row
// carries its due date and working days left (docs/console.md "Time limits"), and the
// viewer's scope decides which rows exist at all: a row out of scope is never counted,
// listed or opened.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "domain/result.h"
#include "server/office_accounts.h"
#include "server/pg_pool.h"

namespace yimen::server {

struct QueueFilter {
  std::vector<std::string> statuses;  // any of (Chinese names); "" element = not yet set (已送达)
  std::string service_code, hall, town;
  std::string received_from, received_to;  // "YYYY-MM-DD", civil date (UTC+8), inclusive
  bool overdue_only = false;
};

struct QueueRow {
  std::string app_number, service_code, hall, town, received_at, status, status_at;
  std::string due_date;  // "" before 受理 and while the clock is stopped (需补正, decided)
  int working_days_left = 0;  // negative when overdue; 0 when there is no due date
  bool overdue = false;
  std::string notice_until;  // 公示 end date (last day of the notice), "" if none
  std::string department;    // routed to, "" if none
  std::string visit_number;  // its visit's 办理编号, "" when applied for alone
};

struct QueuePage {
  std::vector<QueueRow> rows;
  std::string next_cursor;  // "" on the last page
  int64_t total = 0;        // rows matching the filter in the viewer's scope
  int64_t overdue = 0;      // of those, how many are overdue
  std::map<std::string, int64_t> by_status;  // QueryQueueWithStatusCounts only
};

// Keyset paging (cursor opaque, "" = first page), newest received first; only what the
// viewer's scope allows (docs/console.md "Roles and scope"). total and overdue count
// the whole filter (same scope). limit is clamped to 1..500. kInvalidArgument for a bad
// date, status or cursor (message in Chinese); database errors as PgPool. Any thread.
Result<QueuePage> QueryQueue(PgPool& pool, const OfficeAccount& viewer, const QueueFilter& filter,
                             const std::string& cursor, int limit);

// QueryQueue and the queue page's status boxes in one transaction: by_status holds how
// many applications of each status the filter's other conditions match in the
// viewer's scope (filter.statuses set aside), from one grouped count, and total is
// their sum over filter.statuses (all of them when empty), so no separate count runs.
// Keys are stored status names, "" for 已送达 (no status yet); a status nothing has is
// absent. Errors as QueryQueue. Any thread.
Result<QueuePage> QueryQueueWithStatusCounts(PgPool& pool, const OfficeAccount& viewer,
                                             const QueueFilter& filter, const std::string& cursor,
                                             int limit);

}  // namespace yimen::server
