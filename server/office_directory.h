// The office's reference data the workflow reads (docs/console.md "Workflow"): which
// township each hall belongs to (a township reviewer's scope), the departments an
// application can be routed to (转办), and the holiday calendar that time limits are
// counted over (holidays and make-up working days, 调休). yimen-admin edits them.
#pragma once

#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "domain/result.h"
#include "server/office_rules.h"
#include "server/pg_pool.h"

namespace yimen::server {

// Puts `hall` in township `town` (a new hall or a move). kInvalidArgument for an empty
// name or town. Any thread.
Status SetHall(PgPool& pool, const std::string& hall, const std::string& town);
struct HallRow {
  std::string name, town;
};
Result<std::vector<HallRow>> ListHalls(PgPool& pool);

// Adds a department (医保, 住建, 残联...). kConflict when it exists. Any thread.
Status AddDepartment(PgPool& pool, const std::string& name);
Result<std::vector<std::string>> ListDepartments(PgPool& pool);

// Marks `day` ("YYYY-MM-DD") as kind "holiday" (off) or "workday" (调休, worked), or
// "normal" (back to the week's rule). kInvalidArgument for a bad date or kind. Any thread.
Status SetCalendarDay(PgPool& pool, const std::string& day, const std::string& kind,
                      const std::string& note);
struct CalendarDayRow {
  std::string day, kind, note;
};
Result<std::vector<CalendarDayRow>> ListCalendarDays(PgPool& pool);

// The whole holiday table (a few dozen rows a year) inside a transaction.
WorkingCalendar LoadWorkingCalendar(pqxx::transaction_base& tx);

}  // namespace yimen::server
