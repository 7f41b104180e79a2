// The workflow table and the working-day arithmetic (office_rules.h).
#include "server/office_rules.h"

#include <algorithm>

#include "domain/catalog.h"
#include "sync/protocol/status.h"

namespace yimen::server {
namespace {

constexpr unsigned Bit(OfficeRole role) { return 1u << static_cast<unsigned>(role); }
constexpr unsigned kReviewer = Bit(OfficeRole::kReviewer) | Bit(OfficeRole::kSupervisor);
constexpr unsigned kApprover = Bit(OfficeRole::kApprover) | Bit(OfficeRole::kSupervisor);
constexpr unsigned kDepartment = Bit(OfficeRole::kDepartment) | Bit(OfficeRole::kSupervisor);

}  // namespace

const std::vector<ActionSpec>& AllActions() {
  // Admins run the system and act on no application (docs/operations.md "Roles").
  static const std::vector<ActionSpec> kActions = {
      {"accept", "受理", kReviewer, {"", kStNeedsMaterials}, kStAccepted},
      {"needs_materials",
       "需补正",
       kReviewer | kApprover,
       {"", kStAccepted, kStReviewing, kStPreliminaryPassed},
       kStNeedsMaterials},
      {"route",
       "转办",
       kReviewer | kApprover,
       {kStAccepted, kStReviewing, kStPreliminaryPassed},
       kStRouted},
      {"department_reply", "部门办理完毕", kDepartment, {kStRouted}, ""},
      {"preliminary_pass",
       "初审通过",
       kReviewer,
       {kStAccepted, kStReviewing},
       kStPreliminaryPassed},
      {"approve", "批准", kApprover, {kStPreliminaryPassed}, ""},
      {"refuse", "不予批准", kApprover, {kStPreliminaryPassed, kStPublicNotice}, kStRefused},
      {"finalize", "公示期满", kApprover, {kStPublicNotice}, kStApproved},
      {"close", "办结", kReviewer | kApprover, {kStApproved, kStRefused}, kStClosed},
  };
  return kActions;
}

const ActionSpec* FindAction(std::string_view code) {
  for (const ActionSpec& action : AllActions()) {
    if (code == action.code) return &action;
  }
  return nullptr;
}

bool RoleMayAct(const ActionSpec& action, OfficeRole role) {
  return (action.roles & Bit(role)) != 0;
}

bool AllowedFrom(const ActionSpec& action, const std::string& status) {
  return std::find(action.from.begin(), action.from.end(), status) != action.from.end();
}

std::vector<std::string> AllowedActions(OfficeRole role, const std::string& status) {
  std::vector<std::string> out;
  for (const ActionSpec& action : AllActions()) {
    if (RoleMayAct(action, role) && AllowedFrom(action, status)) out.push_back(action.code);
  }
  return out;
}

std::string ActionForWord(std::string_view word) {
  if (FindAction(word) != nullptr) return std::string(word);
  const protocol::StatusSpec* spec = protocol::FindStatus(word);
  if (spec == nullptr) return "";
  const std::string name = spec->name;
  if (name == kStApproved) return "approve";
  for (const ActionSpec& action : AllActions()) {
    if (name == action.to) return action.code;
  }
  return "";
}

int DayOfWeek(const CivilDate& day) {
  // Sakamoto's method.
  static constexpr int kOffsets[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
  int y = day.year - (day.month < 3 ? 1 : 0);
  return (y + y / 4 - y / 100 + y / 400 + kOffsets[day.month - 1] + day.day) % 7;
}

bool WorkingCalendar::IsWorkingDay(const CivilDate& day) const {
  if (workdays.count(day) != 0) return true;
  if (holidays.count(day) != 0) return false;
  const int weekday = DayOfWeek(day);
  return weekday != 0 && weekday != 6;
}

CivilDate AddWorkingDays(const WorkingCalendar& calendar, const CivilDate& start, int days) {
  CivilDate day = start;
  for (int counted = 0; counted < days;) {
    day = AddDays(day, 1);
    if (calendar.IsWorkingDay(day)) ++counted;
  }
  return day;
}

int WorkingDaysLeft(const WorkingCalendar& calendar, const CivilDate& today, const CivilDate& due) {
  const bool overdue = today > due;
  CivilDate from = overdue ? due : today;
  const CivilDate& to = overdue ? today : due;
  int count = 0;
  while (from < to) {
    from = AddDays(from, 1);
    if (calendar.IsWorkingDay(from)) ++count;
  }
  return overdue ? -std::max(count, 1) : count;
}

}  // namespace yimen::server
