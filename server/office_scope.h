// What the queue, the application page, the actions and the statistics share (internal
// to office_queue.cpp, office_workflow.cpp, office_stats.cpp and the console): the
// viewer's scope as SQL, a filter as SQL, and one queue row read the same way everywhere.
#pragma once

#include <string>

#include <pqxx/pqxx>

#include "domain/civil_date.h"
#include "domain/result.h"
#include "server/office_queue.h"
#include "server/office_rules.h"

namespace yimen::server {

// Today's date in China (UTC+8), by the system clock.
CivilDate TodayInChina();

// Whether an account's scope is county-wide: it names a county-level region (东城区,
// 某某县, 全市) that is no hall's township. Anything else is one township. Reads halls.
bool IsCountyScope(pqxx::transaction_base& tx, const std::string& scope);
// "a.hall IN (...)" for the halls of township `town` (literal names, so the planner sees
// them), or "false" for a township without halls. Reads halls.
std::string InTownHalls(pqxx::transaction_base& tx, const std::string& town);

// A predicate on `applications a` that holds for the rows `viewer` may see
// (docs/console.md "Roles and scope"). Reads the halls table.
std::string ScopePredicate(pqxx::transaction_base& tx, const OfficeAccount& viewer);

// kInvalidArgument (message in Chinese) for a filter with a bad date or status. Pure.
Status CheckQueueFilter(const QueueFilter& filter);
// Whether `scope` is county-wide: it names a county-level region (东城区, 某某县, 全市)
// and no hall's township has that name; anything else is a township (its halls only),
// so a mistyped scope sees less, never more (docs/console.md "Roles and scope").
bool IsCountyScope(pqxx::transaction_base& tx, const std::string& scope);

// A predicate on `applications a` for a checked filter; values quoted by `tx`.
std::string FilterPredicate(pqxx::transaction_base& tx, const QueueFilter& filter,
                            const CivilDate& today);

// The select list ReadQueueRow reads, from `applications a`.
std::string QueueColumns();
QueueRow ReadQueueRow(const pqxx::row& row, const WorkingCalendar& calendar,
                      const CivilDate& today);

}  // namespace yimen::server
