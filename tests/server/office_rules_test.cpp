// The workflow's pure rules (server/office_rules.h): working days over weekends,
// holidays and make-up working days, and which action goes from where.
#include "server/office_rules.h"

#include <gtest/gtest.h>

namespace yimen::server {
namespace {

CivilDate D(int y, int m, int d) { return {y, m, d}; }

TEST(WorkingDays, WeekendsAreSkipped) {
  EXPECT_EQ(DayOfWeek(D(2026, 12, 3)), 4);  // a Thursday
  const WorkingCalendar plain;
  EXPECT_EQ(AddWorkingDays(plain, D(2026, 12, 3), 1), D(2026, 12, 4));
  EXPECT_EQ(AddWorkingDays(plain, D(2026, 12, 3), 2), D(2026, 12, 7));  // over the weekend
  EXPECT_EQ(AddWorkingDays(plain, D(2026, 12, 5), 1), D(2026, 12, 7));  // from a Saturday
  EXPECT_EQ(AddWorkingDays(plain, D(2026, 12, 3), 10), D(2026, 12, 17));
}

// 2027 National Day as the State Council sets such weeks: 10-01..10-07 off, the
// Saturday before (09-25... here 10-09) worked instead.
TEST(WorkingDays, HolidaysAreOffAndMakeUpDaysAreWorked) {
  WorkingCalendar calendar;
  for (int d = 1; d <= 7; ++d) calendar.holidays.insert(D(2027, 10, d));
  calendar.workdays.insert(D(2027, 10, 9));  // a Saturday
  EXPECT_EQ(DayOfWeek(D(2027, 10, 9)), 6);
  EXPECT_FALSE(calendar.IsWorkingDay(D(2027, 10, 4)));  // a Monday, off
  EXPECT_TRUE(calendar.IsWorkingDay(D(2027, 10, 9)));   // a Saturday, worked
  // Accepted Thursday 09-30: 10-08 (Fri) is day 1, 10-09 (Sat, 调休) day 2, 10-11 day 3.
  EXPECT_EQ(AddWorkingDays(calendar, D(2027, 9, 30), 1), D(2027, 10, 8));
  EXPECT_EQ(AddWorkingDays(calendar, D(2027, 9, 30), 2), D(2027, 10, 9));
  EXPECT_EQ(AddWorkingDays(calendar, D(2027, 9, 30), 3), D(2027, 10, 11));
  // Without the table the same count ends a week earlier.
  EXPECT_EQ(AddWorkingDays({}, D(2027, 9, 30), 3), D(2027, 10, 5));
}

TEST(WorkingDays, DaysLeftAndOverdue) {
  WorkingCalendar calendar;
  calendar.holidays.insert(D(2026, 12, 7));                                  // the Monday
  EXPECT_EQ(WorkingDaysLeft(calendar, D(2026, 12, 3), D(2026, 12, 3)), 0);   // due today
  EXPECT_EQ(WorkingDaysLeft(calendar, D(2026, 12, 3), D(2026, 12, 8)), 2);   // Fri, (Mon off), Tue
  EXPECT_EQ(WorkingDaysLeft(calendar, D(2026, 12, 8), D(2026, 12, 3)), -2);  // Fri, Tue late
  EXPECT_EQ(WorkingDaysLeft(calendar, D(2026, 12, 5), D(2026, 12, 4)),
            -1);  // a Saturday after a Friday
}

TEST(Workflow, ActionsGoOnlyFromTheirStatusesAndRoles) {
  const ActionSpec* approve = FindAction("approve");
  ASSERT_NE(approve, nullptr);
  EXPECT_FALSE(AllowedFrom(*approve, ""));
  EXPECT_FALSE(AllowedFrom(*approve, kStAccepted));
  EXPECT_TRUE(AllowedFrom(*approve, kStPreliminaryPassed));
  EXPECT_FALSE(RoleMayAct(*approve, OfficeRole::kReviewer));
  EXPECT_TRUE(RoleMayAct(*approve, OfficeRole::kApprover));
  for (const ActionSpec& action : AllActions()) {
    EXPECT_FALSE(RoleMayAct(action, OfficeRole::kAdmin))
        << action.code << ": admins do not work cases";
  }
  EXPECT_EQ(AllowedActions(OfficeRole::kDepartment, kStRouted),
            std::vector<std::string>{"department_reply"});
  EXPECT_EQ(AllowedActions(OfficeRole::kReviewer, ""),
            (std::vector<std::string>{"accept", "needs_materials"}));
  EXPECT_TRUE(AllowedFrom(*FindAction("accept"), kStNeedsMaterials))
      << "materials brought: back to review";
  EXPECT_FALSE(AllowedFrom(*FindAction("close"), kStPublicNotice)) << "公示 must end first";
}

TEST(Workflow, SetStatusWordsMapToActions) {
  EXPECT_EQ(ActionForWord("已受理"), "accept");
  EXPECT_EQ(ActionForWord("accepted"), "accept");
  EXPECT_EQ(ActionForWord("需补正"), "needs_materials");
  EXPECT_EQ(ActionForWord("已批准"), "approve");
  EXPECT_EQ(ActionForWord("不予批准"), "refuse");
  EXPECT_EQ(ActionForWord("已办结"), "close");
  EXPECT_EQ(ActionForWord("finalize"), "finalize");
  EXPECT_EQ(ActionForWord("审核中"), "");
  EXPECT_EQ(ActionForWord("whatever"), "");
}

}  // namespace
}  // namespace yimen::server
