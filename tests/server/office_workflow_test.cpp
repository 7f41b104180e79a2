// The office workflow on real PostgreSQL (server/office_workflow.h, docs/console.md
// "Workflow", "Queue", "Time limits"): scope, the state machine, the two-person rule,
// required reasons, concurrent actions, keyset paging under inserts, due dates in
// working days, 公示, and the kiosk pulling a 需补正 with the materials' names.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "server/migrations.h"
#include "server/office_directory.h"
#include "server/office_seed.h"
#include "server/office_workflow.h"
#include "server/server_test_support.h"
#include "sync/protocol/status.h"

namespace yimen::testing {
namespace {

using server::OfficeAccount;
using server::OfficeActionRequest;
using server::OfficeRole;

OfficeAccount Account(const std::string& name, OfficeRole role, const std::string& scope) {
  OfficeAccount account;
  account.name = name;
  account.role = role;
  account.scope = scope;
  return account;
}

class OfficeWorkflow : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(PgCluster::Get().ok());
    auto version = server::ApplyMigrations(pool);
    ASSERT_TRUE(version.ok()) << version.error().message;
    auto loaded = LoadCatalog(YIMEN_TEST_CATALOG_DIR);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    catalog = std::move(*loaded);
  }

  // Seeds `count` applications, all 已送达, of one service.
  // `days` 0: all received now (what arrives while someone pages).
  std::vector<std::string> Seed(int64_t count, const std::string& service = "dibao",
                                int64_t first_id = 1, int days = 10) {
    SeedOptions options;
    options.count = count;
    options.days = days;
    options.statuses = false;
    options.services = {service};
    options.first_id = first_id;
    return SeedApplications(db.url(), options);
  }
  std::string HallOf(const std::string& number) {
    return db.Query("SELECT hall FROM applications WHERE app_number = '" + number + "'");
  }
  Result<server::OfficeActionResult> Act(const OfficeAccount& who, const std::string& number,
                                         const std::string& action, const std::string& note = "") {
    OfficeActionRequest request;
    request.app_number = number;
    request.action = action;
    request.note = note;
    if (action == "approve") {
      request.amount_yuan = 880;
      request.start_month = "2027-01";
    }
    if (action == "needs_materials") request.materials = {"hukou"};
    return server::ApplyOfficeAction(pool, catalog, who, request, "test");
  }

  TestDatabase db;
  server::PgPool pool{db.url()};
  Catalog catalog;
  const OfficeAccount county_reviewer = Account("li-reviewer", OfficeRole::kReviewer, "东城区");
  const OfficeAccount approver = Account("wang-approver", OfficeRole::kApprover, "东城区");
  const OfficeAccount supervisor = Account("zhao-supervisor", OfficeRole::kSupervisor, "东城区");
};

TEST_F(OfficeWorkflow, AReviewerOfAnotherTownshipGetsNotFoundAsForAMissingNumber) {
  const auto numbers = Seed(40);
  std::string chengguan, other;
  for (const std::string& n : numbers) {
    (db.Query("SELECT town FROM halls WHERE name = '" + HallOf(n) + "'") == "城关镇" ? chengguan
                                                                                     : other) = n;
  }
  ASSERT_FALSE(chengguan.empty());
  ASSERT_FALSE(other.empty());
  const OfficeAccount town_reviewer = Account("chen", OfficeRole::kReviewer, "城关镇");
  auto mine = Act(town_reviewer, chengguan, "accept");
  EXPECT_TRUE(mine.ok()) << mine.error().message;
  auto theirs = Act(town_reviewer, other, "accept");
  ASSERT_FALSE(theirs.ok());
  EXPECT_EQ(theirs.error().kind, ErrorKind::kNotFound);
  auto missing = Act(town_reviewer, FormatAppNumber("K7Q2", {2026, 1, 2}, 9), "accept");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(theirs.error().message.substr(0, 12), missing.error().message.substr(0, 12));
  EXPECT_EQ(server::LoadApplicationDetail(pool, town_reviewer, other).error().kind,
            ErrorKind::kNotFound);
  EXPECT_EQ(server::AddComment(pool, town_reviewer, other, "看看").error().kind,
            ErrorKind::kNotFound);

  // The queue counts only the township's halls; a county scope sees them all.
  auto page = server::QueryQueue(pool, town_reviewer, {}, "", 500);
  ASSERT_TRUE(page.ok()) << page.error().message;
  EXPECT_EQ(page->total,
            db.Count("SELECT count(*) FROM applications a JOIN halls h ON h.name = a.hall "
                     "WHERE h.town = '城关镇'"));
  for (const auto& row : page->rows) EXPECT_EQ(row.town, "城关镇");
  EXPECT_EQ(server::QueryQueue(pool, county_reviewer, {}, "", 10)->total, 40);

  // A hall no township claims is seen only county-wide.
  db.Query("UPDATE applications SET hall = '无名大厅' WHERE app_number = '" + chengguan + "'");
  EXPECT_EQ(Act(town_reviewer, chengguan, "preliminary_pass").error().kind, ErrorKind::kNotFound);
  EXPECT_TRUE(Act(county_reviewer, chengguan, "preliminary_pass").ok());
  // A mistyped township sees nothing rather than everything.
  EXPECT_EQ(
      server::QueryQueue(pool, Account("x", OfficeRole::kApprover, "城关"), {}, "", 10)->total, 0);
}

TEST_F(OfficeWorkflow, DepartmentsSeeOnlyWhatWasRoutedToThemAndReplyBack) {
  const auto numbers = Seed(3, "yiliao");
  ASSERT_TRUE(server::AddDepartment(pool, "医保").ok());
  ASSERT_TRUE(server::AddDepartment(pool, "住建").ok());
  const OfficeAccount yibao = Account("yibao-1", OfficeRole::kDepartment, "医保");
  const OfficeAccount zhujian = Account("zhujian-1", OfficeRole::kDepartment, "住建");
  ASSERT_TRUE(Act(county_reviewer, numbers[0], "accept").ok());
  EXPECT_EQ(server::QueryQueue(pool, yibao, {}, "", 10)->total, 0) << "nothing routed yet";
  EXPECT_EQ(server::LoadApplicationDetail(pool, yibao, numbers[0]).error().kind,
            ErrorKind::kNotFound);

  OfficeActionRequest route;
  route.app_number = numbers[0];
  route.action = "route";
  route.department = "医保";
  route.due_date = "2020-01-01";
  EXPECT_EQ(server::ApplyOfficeAction(pool, catalog, county_reviewer, route, "t").error().kind,
            ErrorKind::kInvalidArgument)
      << "a due date in the past";
  route.due_date = "2099-01-01";
  route.department = "无此部门";
  EXPECT_EQ(server::ApplyOfficeAction(pool, catalog, county_reviewer, route, "t").error().kind,
            ErrorKind::kInvalidArgument);
  route.department = "医保";
  auto routed = server::ApplyOfficeAction(pool, catalog, county_reviewer, route, "t");
  ASSERT_TRUE(routed.ok()) << routed.error().message;
  EXPECT_EQ(routed->new_status, "部门协办中");

  auto seen = server::QueryQueue(pool, yibao, {}, "", 10);
  ASSERT_EQ(seen->total, 1);
  EXPECT_EQ(seen->rows[0].department, "医保");
  EXPECT_EQ(server::QueryQueue(pool, zhujian, {}, "", 10)->total, 0);
  EXPECT_EQ(Act(zhujian, numbers[0], "department_reply", "已核").error().kind,
            ErrorKind::kNotFound);
  EXPECT_EQ(Act(yibao, numbers[0], "department_reply").error().kind, ErrorKind::kInvalidArgument)
      << "a reply says something";
  EXPECT_EQ(Act(yibao, numbers[0], "accept").error().kind, ErrorKind::kRejected)
      << "departments only reply";
  ASSERT_TRUE(server::AddComment(pool, yibao, numbers[0], "医保报销记录已核对").ok());
  auto replied = Act(yibao, numbers[0], "department_reply", "医保报销 3200 元属实");
  ASSERT_TRUE(replied.ok()) << replied.error().message;
  EXPECT_EQ(replied->new_status, "已受理") << "back where 转办 left it";
  // Still visible to the department afterwards, with its comment in the history.
  auto detail = server::LoadApplicationDetail(pool, yibao, numbers[0]);
  ASSERT_TRUE(detail.ok());
  ASSERT_EQ(detail->comments.size(), 1u);
  EXPECT_EQ(detail->comments[0].author, "yibao-1");
  EXPECT_EQ(detail->history.size(), 3u);
}

TEST_F(OfficeWorkflow, OnePersonCannotBothPassTheFirstReviewAndDecide) {
  const auto numbers = Seed(2, "linshi");
  for (const std::string& n : numbers) ASSERT_TRUE(Act(supervisor, n, "accept").ok());
  ASSERT_TRUE(Act(supervisor, numbers[0], "preliminary_pass").ok());
  auto self = Act(supervisor, numbers[0], "approve");
  ASSERT_FALSE(self.ok());
  EXPECT_EQ(self.error().kind, ErrorKind::kRejected);
  EXPECT_EQ(Act(supervisor, numbers[0], "refuse", "不符合条件").error().kind, ErrorKind::kRejected);
  auto other = Act(approver, numbers[0], "approve");
  ASSERT_TRUE(other.ok()) << other.error().message;
  EXPECT_EQ(other->new_status, "已批准") << "临时救助 has no 公示";
  // Someone else passed the second one: the supervisor may decide it.
  ASSERT_TRUE(Act(county_reviewer, numbers[1], "preliminary_pass").ok());
  EXPECT_TRUE(Act(supervisor, numbers[1], "refuse", "家庭收入超过标准").ok());
}

TEST_F(OfficeWorkflow, RolesStatusesAndRequiredFieldsAreChecked) {
  const auto numbers = Seed(1);
  const std::string& n = numbers[0];
  const OfficeAccount admin = Account("root", OfficeRole::kAdmin, "全市");
  EXPECT_EQ(Act(admin, n, "accept").error().kind, ErrorKind::kRejected)
      << "admins do not work cases";
  EXPECT_EQ(Act(county_reviewer, n, "approve").error().kind, ErrorKind::kRejected);
  auto early = Act(approver, n, "approve");
  EXPECT_EQ(early.error().kind, ErrorKind::kConflict) << "approve from 已送达";
  EXPECT_NE(early.error().message.find("not allowed from 已送达"), std::string::npos);
  EXPECT_EQ(Act(county_reviewer, n, "bogus").error().kind, ErrorKind::kInvalidArgument);

  OfficeActionRequest needs;
  needs.app_number = n;
  needs.action = "needs_materials";
  needs.note = "请补交";
  EXPECT_EQ(server::ApplyOfficeAction(pool, catalog, county_reviewer, needs, "t").error().kind,
            ErrorKind::kInvalidArgument)
      << "no material";
  needs.materials = {"no_such_material"};
  EXPECT_EQ(server::ApplyOfficeAction(pool, catalog, county_reviewer, needs, "t").error().kind,
            ErrorKind::kInvalidArgument);
  needs.materials = {"hukou"};
  needs.note = "";
  EXPECT_EQ(server::ApplyOfficeAction(pool, catalog, county_reviewer, needs, "t").error().kind,
            ErrorKind::kInvalidArgument)
      << "no note";
  ASSERT_TRUE(Act(county_reviewer, n, "accept").ok());
  ASSERT_TRUE(Act(county_reviewer, n, "preliminary_pass").ok());
  EXPECT_EQ(Act(approver, n, "refuse").error().kind, ErrorKind::kInvalidArgument)
      << "a refusal says why";
  OfficeActionRequest approve;
  approve.app_number = n;
  approve.action = "approve";
  EXPECT_EQ(server::ApplyOfficeAction(pool, catalog, approver, approve, "t").error().kind,
            ErrorKind::kInvalidArgument)
      << "no amount";
  approve.amount_yuan = 880;
  approve.start_month = "2027-13";
  EXPECT_EQ(server::ApplyOfficeAction(pool, catalog, approver, approve, "t").error().kind,
            ErrorKind::kInvalidArgument);
  // Every refusal above left no trace; the two actions that passed left two.
  EXPECT_EQ(db.Count("SELECT count(*) FROM office_actions"), 2);
  EXPECT_EQ(db.Count("SELECT count(*) FROM status_changes"), 2);
  EXPECT_EQ(db.Query("SELECT old_status || '>' || new_status || '>' || actor FROM office_actions "
                     "ORDER BY id DESC LIMIT 1"),
            "已受理>初审通过>li-reviewer");
}

TEST_F(OfficeWorkflow, TwoPeopleActingAtOnceOneWinsTheOtherGetsConflict) {
  const auto numbers = Seed(20);
  const OfficeAccount second = Account("zhou", OfficeRole::kReviewer, "东城区");
  for (const std::string& n : numbers) {
    Result<server::OfficeActionResult> a = Error{}, b = Error{};
    std::thread one([&] { a = Act(county_reviewer, n, "accept"); });
    std::thread two([&] { b = Act(second, n, "accept"); });
    one.join();
    two.join();
    ASSERT_NE(a.ok(), b.ok()) << n << ": exactly one wins";
    const Error& lost = a.ok() ? b.error() : a.error();
    EXPECT_EQ(lost.kind, ErrorKind::kConflict) << lost.message;
  }
  EXPECT_EQ(db.Count("SELECT count(*) FROM status_changes"), 20);
  EXPECT_EQ(db.Count("SELECT count(*) FROM office_actions"), 20);
  // Two different actions that exclude each other (转办 and 需补正): the one that
  // comes second finds the status moved on.
  ASSERT_TRUE(server::AddDepartment(pool, "医保").ok());
  for (int i = 1; i < 6; ++i) {
    OfficeActionRequest route;
    route.app_number = numbers[i];
    route.action = "route";
    route.department = "医保";
    route.due_date = "2099-01-01";
    Result<server::OfficeActionResult> routed = Error{}, needs = Error{};
    std::thread one(
        [&] { routed = server::ApplyOfficeAction(pool, catalog, county_reviewer, route, "t"); });
    std::thread two([&] { needs = Act(second, numbers[i], "needs_materials", "户口簿不清楚"); });
    one.join();
    two.join();
    ASSERT_NE(routed.ok(), needs.ok()) << "转办 and 需补正 exclude each other";
    EXPECT_EQ((routed.ok() ? needs : routed).error().kind, ErrorKind::kConflict);
  }
  // A stale page: the status the actor saw is no longer there.
  OfficeActionRequest stale;
  stale.app_number = numbers[0];
  stale.action = "needs_materials";
  stale.materials = {"hukou"};
  stale.note = "x";
  stale.expected_status = "已送达";
  EXPECT_EQ(server::ApplyOfficeAction(pool, catalog, county_reviewer, stale, "t").error().kind,
            ErrorKind::kConflict);
}

TEST_F(OfficeWorkflow, KeysetPagesStayCorrectWhileApplicationsArrive) {
  const auto first = Seed(25);
  std::vector<std::string> seen;
  auto page = server::QueryQueue(pool, county_reviewer, {}, "", 10);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 25);
  for (const auto& row : page->rows) seen.push_back(row.app_number);
  // Five arrive between the first and second page (newer: they sort before page one).
  Seed(5, "dibao", 1000, 0);
  std::string cursor = page->next_cursor;
  while (!cursor.empty()) {
    auto next = server::QueryQueue(pool, county_reviewer, {}, cursor, 10);
    ASSERT_TRUE(next.ok()) << next.error().message;
    EXPECT_EQ(next->total, 30);
    for (const auto& row : next->rows) seen.push_back(row.app_number);
    cursor = next->next_cursor;
  }
  EXPECT_EQ(seen.size(), 25u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()),
            std::set<std::string>(first.begin(), first.end()));
  // Newest first.
  EXPECT_EQ(seen.front(), first.back());
  EXPECT_EQ(server::QueryQueue(pool, county_reviewer, {}, "not-a-cursor", 10).error().kind,
            ErrorKind::kInvalidArgument);
}

// The queue page's status boxes come from one grouped count in the page's own query;
// each box must equal what the queue counts for that status alone, under the same other
// filters and scope, and the page's total what QueryQueue counts.
TEST_F(OfficeWorkflow, StatusCountsInOneQueryMatchEachStatusCountedAlone) {
  SeedOptions options;
  options.count = 300;  // a mix of 已送达, 已受理 (some overdue), 需补正, 初审通过, ...
  SeedApplications(db.url(), options);
  const OfficeAccount town_reviewer = Account("chen-reviewer", OfficeRole::kReviewer, "城关镇");
  server::QueueFilter overdue_in_town;
  overdue_in_town.town = "城关镇";
  overdue_in_town.overdue_only = true;
  server::QueueFilter by_service;
  by_service.service_code = "tekun";
  by_service.statuses = {"已批准"};  // ignored: every box is counted
  for (const OfficeAccount& viewer : {county_reviewer, town_reviewer}) {
    for (const server::QueueFilter& filter : {server::QueueFilter{}, overdue_in_town, by_service}) {
      auto page = server::QueryQueueWithStatusCounts(pool, viewer, filter, "", 10);
      ASSERT_TRUE(page.ok()) << page.error().message;
      const auto* counts = &page->by_status;
      auto plain = server::QueryQueue(pool, viewer, filter, "", 10);
      ASSERT_TRUE(plain.ok());
      EXPECT_EQ(page->total, plain->total) << viewer.name;
      EXPECT_EQ(page->overdue, plain->overdue) << viewer.name;
      EXPECT_EQ(page->next_cursor, plain->next_cursor);
      ASSERT_EQ(page->rows.size(), plain->rows.size());
      int64_t sum = 0;
      std::vector<std::string> names{""};
      for (const auto& spec : protocol::AllStatuses()) names.push_back(spec.name);
      for (const std::string& name : names) {
        server::QueueFilter one = filter;
        one.statuses = {name};
        auto alone = server::QueryQueue(pool, viewer, one, "", 1);
        ASSERT_TRUE(alone.ok()) << alone.error().message;
        const auto it = counts->find(name);
        EXPECT_EQ(it == counts->end() ? 0 : it->second, alone->total)
            << viewer.name << " status \"" << name << "\"";
        sum += alone->total;
      }
      server::QueueFilter all = filter;
      all.statuses.clear();
      EXPECT_EQ(sum, server::QueryQueue(pool, viewer, all, "", 1)->total) << viewer.name;
    }
  }
  const auto delivered = [&](const OfficeAccount& viewer) {
    return server::QueryQueueWithStatusCounts(pool, viewer, {}, "", 1)->by_status.at("");
  };
  EXPECT_GT(delivered(county_reviewer), 0);
  EXPECT_LT(delivered(town_reviewer), delivered(county_reviewer))
      << "a township reviewer counts only the township's halls";
  server::QueueFilter bad;
  bad.received_from = "yesterday";
  EXPECT_EQ(server::QueryQueueWithStatusCounts(pool, county_reviewer, bad, "", 1).error().kind,
            ErrorKind::kInvalidArgument);
}

TEST_F(OfficeWorkflow, FiltersCountsAndOverdue) {
  const auto numbers = Seed(12);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(Act(county_reviewer, numbers[i], "accept").ok());
  ASSERT_TRUE(Act(county_reviewer, numbers[4], "needs_materials", "缺户口簿").ok());
  db.Query("UPDATE applications SET due_date = current_date - 3 WHERE app_number IN ('" +
           numbers[0] + "', '" + numbers[1] + "')");
  server::QueueFilter filter;
  filter.statuses = {"已受理", "需补正"};
  auto both = server::QueryQueue(pool, county_reviewer, filter, "", 50);
  ASSERT_TRUE(both.ok()) << both.error().message;
  EXPECT_EQ(both->total, 5);
  EXPECT_EQ(both->overdue, 2);
  filter.statuses = {"已送达"};
  EXPECT_EQ(server::QueryQueue(pool, county_reviewer, filter, "", 50)->total, 7);
  filter = {};
  filter.overdue_only = true;
  auto overdue = server::QueryQueue(pool, county_reviewer, filter, "", 50);
  ASSERT_EQ(overdue->total, 2);
  for (const auto& row : overdue->rows) {
    EXPECT_TRUE(row.overdue);
    EXPECT_LT(row.working_days_left, 0);
  }
  filter = {};
  filter.town = "城关镇";
  filter.service_code = "dibao";
  EXPECT_EQ(server::QueryQueue(pool, county_reviewer, filter, "", 50)->total,
            db.Count("SELECT count(*) FROM applications a JOIN halls h ON h.name = a.hall WHERE "
                     "h.town = '城关镇'"));
  filter = {};
  filter.received_from = "2000-01-01";
  filter.received_to = "2000-12-31";
  EXPECT_EQ(server::QueryQueue(pool, county_reviewer, filter, "", 50)->total, 0);
  filter.received_to = "2099-12-31";
  EXPECT_EQ(server::QueryQueue(pool, county_reviewer, filter, "", 50)->total, 12);
  filter.received_to = "yesterday";
  EXPECT_EQ(server::QueryQueue(pool, county_reviewer, filter, "", 50).error().kind,
            ErrorKind::kInvalidArgument);

  // Bulk: 受理 on every 已送达 row, at most 5 at a time.
  server::QueueFilter waiting;
  waiting.statuses = {""};
  OfficeActionRequest accept;
  accept.action = "accept";
  auto bulk =
      server::ApplyOfficeActionToAll(pool, catalog, county_reviewer, waiting, accept, 5, "t");
  ASSERT_TRUE(bulk.ok()) << bulk.error().message;
  ASSERT_EQ(bulk->size(), 5u);
  for (const auto& [number, outcome] : *bulk) EXPECT_TRUE(outcome.ok()) << number;
  EXPECT_EQ(server::QueryQueue(pool, county_reviewer, waiting, "", 50)->total, 2);
  EXPECT_EQ(
      server::ApplyOfficeActionToAll(pool, catalog, county_reviewer, waiting, accept, 500, "t")
          .error()
          .kind,
      ErrorKind::kInvalidArgument);
}

TEST_F(OfficeWorkflow, DueDatesCountWorkingDaysOverTheHolidayTable) {
  const auto numbers = Seed(2, "gaoling");
  // Tomorrow a holiday, the next Saturday a make-up working day (调休).
  const CivilDate today = ChinaDateAt(UnixSecondsNow());
  const CivilDate tomorrow = AddDays(today, 1);
  CivilDate saturday = AddDays(today, 1);
  while (server::DayOfWeek(saturday) != 6) saturday = AddDays(saturday, 1);
  if (saturday == tomorrow) saturday = AddDays(saturday, 7);
  ASSERT_TRUE(server::SetCalendarDay(pool, FormatIsoDate(tomorrow), "holiday", "测试假日").ok());
  ASSERT_TRUE(server::SetCalendarDay(pool, FormatIsoDate(saturday), "workday", "调休").ok());
  server::WorkingCalendar calendar;
  calendar.holidays.insert(tomorrow);
  calendar.workdays.insert(saturday);
  const CivilDate expected =
      server::AddWorkingDays(calendar, today, 15);  // 高龄津贴: 15 working days
  ASSERT_NE(expected, server::AddWorkingDays({}, today, 15))
      << "the calendar must matter to this test";

  auto accepted = Act(county_reviewer, numbers[0], "accept");
  ASSERT_TRUE(accepted.ok()) << accepted.error().message;
  auto detail = server::LoadApplicationDetail(pool, county_reviewer, numbers[0]);
  ASSERT_TRUE(detail.ok());
  EXPECT_EQ(detail->row.due_date, FormatIsoDate(expected));
  EXPECT_EQ(detail->row.working_days_left, 15);
  EXPECT_FALSE(detail->row.overdue);
  // 需补正 stops the clock; bringing the materials resumes it with the days left.
  ASSERT_TRUE(Act(county_reviewer, numbers[0], "needs_materials", "请补交户口簿").ok());
  EXPECT_EQ(server::LoadApplicationDetail(pool, county_reviewer, numbers[0])->row.due_date, "");
  ASSERT_TRUE(Act(county_reviewer, numbers[0], "accept").ok());
  EXPECT_EQ(server::LoadApplicationDetail(pool, county_reviewer, numbers[0])->row.due_date,
            FormatIsoDate(expected));
}

TEST_F(OfficeWorkflow, PublicNoticeShowsItsEndAndIsFinalOnlyAfterIt) {
  const auto numbers = Seed(1, "dibao");
  const std::string& n = numbers[0];
  ASSERT_TRUE(Act(county_reviewer, n, "accept").ok());
  ASSERT_TRUE(Act(county_reviewer, n, "preliminary_pass").ok());
  auto approved = Act(approver, n, "approve");
  ASSERT_TRUE(approved.ok()) << approved.error().message;
  EXPECT_EQ(approved->new_status, "公示中");
  const std::string until = FormatIsoDate(AddDays(ChinaDateAt(UnixSecondsNow()), 7));
  auto row = server::LoadApplicationDetail(pool, approver, n)->row;
  EXPECT_EQ(row.notice_until, until);
  EXPECT_EQ(db.Query("SELECT reason FROM status_changes ORDER BY seq DESC LIMIT 1")
                .find("公示至 " + until),
            0u);
  auto early = Act(approver, n, "finalize");
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().kind, ErrorKind::kConflict);
  EXPECT_EQ(Act(approver, n, "close").error().kind, ErrorKind::kConflict) << "not final yet";
  db.Query("UPDATE applications SET notice_until = current_date - 1 WHERE app_number = '" + n +
           "'");
  auto final_ = Act(approver, n, "finalize");
  ASSERT_TRUE(final_.ok()) << final_.error().message;
  EXPECT_EQ(final_->new_status, "已批准");
  EXPECT_TRUE(Act(county_reviewer, n, "close").ok());
}

// Deliverable 5's path without the browser: a kiosk submits, the office asks for two
// materials, the kiosk's next cycle pulls the change with their Chinese names.
TEST_F(OfficeWorkflow, TheKioskPullsNeedsMaterialsWithTheMaterialNames) {
  TestServer server(db.url());
  ASSERT_TRUE(server.ok());
  TestKiosk kiosk;
  ASSERT_TRUE(kiosk.Enroll(server.core().pool(), {server.url()}));
  auto submitted = kiosk.SubmitMany(1);
  ASSERT_EQ(submitted.size(), 1u);
  ASSERT_EQ(kiosk.SyncOnce().created, 1);
  const std::string number = submitted[0].app_number;
  ASSERT_TRUE(Act(county_reviewer, number, "accept").ok());
  OfficeActionRequest needs;
  needs.app_number = number;
  needs.action = "needs_materials";
  needs.materials = {"hukou", "income_proof"};
  needs.note = "复印件看不清，请带原件";
  auto done = server::ApplyOfficeAction(pool, catalog, county_reviewer, needs, "t");
  ASSERT_TRUE(done.ok()) << done.error().message;
  kiosk.SyncOnce();
  auto history = kiosk.store().status().StatusHistory(number);
  ASSERT_TRUE(history.ok()) << history.error().message;
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ(history->back().status, "需补正");
  const ServiceSpec* dibao = catalog.FindService("dibao");
  ASSERT_NE(dibao, nullptr);
  for (const Material& material : dibao->materials) {
    if (material.id == "hukou" || material.id == "income_proof") {
      EXPECT_NE(history->back().reason.find(material.name.zh), std::string::npos)
          << history->back().reason << " lacks " << material.name.zh;
    }
  }
  EXPECT_NE(history->back().reason.find("复印件看不清"), std::string::npos);
}

TEST_F(OfficeWorkflow, YimenAdminSetStatusGoesThroughTheWorkflow) {
  const auto numbers = Seed(1);
  OfficeAdmin office(db.url());
  ASSERT_TRUE(office.Bootstrap());
  ASSERT_TRUE(office.AddAccount("reviewer-li", "reviewer"));
  ASSERT_EQ(office.Run({"hall", "set", "新大厅", "--town", "城关镇"}).exit_code, 0);
  EXPECT_EQ(office.Run({"holiday", "set", "2027-01-01", "holiday", "--note", "元旦"}).exit_code, 0);
  EXPECT_EQ(office.Run({"department", "add", "残联"}).exit_code, 0);
  auto as_li = [&](std::vector<std::string> args) {
    args.insert(args.end(), {"--catalog", YIMEN_TEST_CATALOG_DIR});
    return office.RunAs("reviewer-li", OfficeAdmin::kPassword, args);
  };
  EXPECT_EQ(
      as_li({"set-status", numbers[0], "已批准", "--amount", "100", "--start-month", "2027-01"})
          .exit_code,
      1)
      << "a reviewer may not approve";
  EXPECT_EQ(as_li({"set-status", numbers[0], "需补正", "--reason", "x"}).exit_code, 2)
      << "no materials";
  EXPECT_EQ(
      as_li({"set-status", numbers[0], "需补正", "--materials", "hukou", "--reason", "请带户口簿"})
          .exit_code,
      0);
  EXPECT_EQ(as_li({"set-status", numbers[0], "accept"}).exit_code, 0);
  EXPECT_EQ(db.Query("SELECT actor || ' ' || action || ' ' || client FROM office_actions ORDER BY "
                     "id DESC LIMIT 1")
                .substr(0, 25),
            std::string("reviewer-li accept yimen-admin").substr(0, 25));
  EXPECT_EQ(
      office.RunAs("reviewer-li", OfficeAdmin::kPassword, {"comment", numbers[0], "已电话联系"})
          .exit_code,
      0);
  CommandResult queue =
      office.RunAs("reviewer-li", OfficeAdmin::kPassword, {"queue", "--status", "已受理"});
  EXPECT_EQ(queue.exit_code, 0);
  EXPECT_NE(queue.out.find("1 matching"), std::string::npos) << queue.out;
}

}  // namespace
}  // namespace yimen::testing
