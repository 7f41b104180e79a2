// The office workflow's pure rules, apart from the database so they are unit-tested
// alone (docs/console.md "Workflow" and "Time limits"): which action a role may take
// from which status and where it leads, and working days over a calendar of weekends,
// holidays and make-up working days (调休).
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "domain/civil_date.h"
#include "server/office_accounts.h"

namespace yimen::server {

// The statuses the workflow stores (applications.status; "" = 已送达, none yet).
inline constexpr const char* kStAccepted = "已受理";
inline constexpr const char* kStReviewing =
    "审核中";  // set before the workflow existed; reviewed like 已受理
inline constexpr const char* kStNeedsMaterials = "需补正";
inline constexpr const char* kStPreliminaryPassed = "初审通过";
inline constexpr const char* kStRouted = "部门协办中";
inline constexpr const char* kStPublicNotice = "公示中";
inline constexpr const char* kStApproved = "已批准";
inline constexpr const char* kStRefused = "不予批准";
inline constexpr const char* kStClosed = "已办结";

struct ActionSpec {
  const char* code;               // "accept"
  const char* zh;                 // "受理", for the console and the audit trail
  unsigned roles;                 // bit per OfficeRole
  std::vector<std::string> from;  // statuses it may start from
  // Where it leads; "" for department_reply (back to the status before 转办) and
  // approve (已批准, or 公示中 when the service has a notice period).
  const char* to;
};

// Every action, in the order a case usually goes. Pure.
const std::vector<ActionSpec>& AllActions();
// By code ("accept"), nullptr if none. Pure.
const ActionSpec* FindAction(std::string_view code);
bool RoleMayAct(const ActionSpec& action, OfficeRole role);
bool AllowedFrom(const ActionSpec& action, const std::string& status);
// The actions `role` may take on an application in `status`. Pure.
std::vector<std::string> AllowedActions(OfficeRole role, const std::string& status);

// The action `yimen-admin set-status` means by a word: an action code ("finalize") or
// a status it leads to, by Chinese name or ASCII code (已受理/accepted → accept,
// 已批准 → approve, 已办结 → close). "" when no action leads there (审核中). Pure.
std::string ActionForWord(std::string_view word);

// Weekends and the holiday table (docs/console.md "Time limits"): a holiday is off
// even on a weekday; a make-up working day (调休) is worked even on a weekend.
struct WorkingCalendar {
  std::set<CivilDate> holidays;
  std::set<CivilDate> workdays;
  bool IsWorkingDay(const CivilDate& day) const;
};

// 0 = Sunday ... 6 = Saturday. Pure.
int DayOfWeek(const CivilDate& day);
// The day `days` working days after `start` (start itself not counted; days >= 1). Pure.
CivilDate AddWorkingDays(const WorkingCalendar& calendar, const CivilDate& start, int days);
// Working days left until `due` seen on `today`: the working days after today up to
// and including due (0 when due is today or only rest days remain); negative when
// overdue: minus the working days after due up to and including today, at least -1.
// Pure.
int WorkingDaysLeft(const WorkingCalendar& calendar, const CivilDate& today, const CivilDate& due);

}  // namespace yimen::server
