// The statistics on real PostgreSQL (server/office_stats.h, docs/console.md
// "Statistics"): a hand-counted fixture of ten applications in two townships, two
// services and two years, whose every figure is written out below by hand (counts,
// overdue, decided late, median and p90 days, amounts by decision month, China's
// midnight at the year's edge); a township's account sees only its township; the
// decision columns agree with the audit trail when written by ApplyOfficeAction and
// when backfilled by migration 13; and the export and the JSON through the console's
// own handler (ServerCore::Handle), the CSV byte for byte and the XLSX read back by
// tests/server/check_xlsx.py. The aggregates (stats_summary + stats_deltas) equal the
// direct GROUP BY over applications after every insert, decision, move, delete and
// compaction, whatever the order, under concurrent writers and compactors, and a rolled
// back change leaves no trace.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <random>
#include <thread>

#include "server/console_client.h"
#include "server/migrations.h"
#include "server/office_scope.h"
#include "server/office_seed.h"
#include "server/office_stats.h"
#include "server/office_workflow.h"
#include "server/server_test_support.h"
#include "server/service.h"
#include "server/xlsx_reader.h"

namespace yimen::testing {
namespace {

using server::OfficeAccount;
using server::OfficeRole;
using server::StatsCounts;

constexpr const char* kPassword = "stats-test-Password-1";

OfficeAccount Account(const std::string& name, OfficeRole role, const std::string& scope) {
  OfficeAccount account;
  account.name = name;
  account.role = role;
  account.scope = scope;
  return account;
}

// received, approved, refused, pending, overdue, late, as a string for a readable diff.
std::string Counts(const StatsCounts& n) {
  return std::to_string(n.received) + "/" + std::to_string(n.approved) + "/" +
         std::to_string(n.refused) + "/" + std::to_string(n.pending()) + "/" +
         std::to_string(n.overdue) + "/" + std::to_string(n.late);
}

const server::StatsKeyed* Find(const std::vector<server::StatsKeyed>& list,
                               const std::string& key) {
  for (const auto& k : list) {
    if (k.key == key) return &k;
  }
  return nullptr;
}

// Every figure of `stats`, one line each, for a readable diff.
std::string Dump(const server::OfficeStats& stats) {
  std::string out = "today " + stats.today + "\n";
  const auto keyed = [&](const char* what, const server::StatsKeyed& k) {
    out += std::string(what) + " " + k.key + " " + Counts(k.counts);
    for (const auto& [days, n] : k.days)
      out += " " + std::to_string(days) + "d:" + std::to_string(n);
    out += "\n";
  };
  keyed("total", stats.total);
  for (const auto& k : stats.months) keyed("month", k);
  for (const auto& k : stats.towns) keyed("town", k);
  for (const auto& k : stats.halls) keyed("hall", k);
  for (const auto& k : stats.services) keyed("service", k);
  for (const auto& d : stats.decisions) {
    out += "decided " + d.month + " " + std::to_string(d.approved) + "/" +
           std::to_string(d.refused) + "/" + std::to_string(d.approved_fen) + "\n";
  }
  out += "decided total " + std::to_string(stats.decisions_total.approved) + "/" +
         std::to_string(stats.decisions_total.refused) + "/" +
         std::to_string(stats.decisions_total.approved_fen) + "\n";
  for (const auto& [hall, town] : stats.hall_towns) {
    out += "in " + hall;
    out += " " + town;
    out += "\n";
  }
  return out;
}

class Stats : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(PgCluster::Get().ok());
    auto version = server::ApplyMigrations(pool);
    ASSERT_TRUE(version.ok()) << version.error().message;
    today = server::TodayInChina();
  }

  // The hand-counted fixture. Times are China's (+08). A = 城关镇大厅1 (城关镇),
  // B = 东坝镇大厅1 (东坝镇).
  //  #  hall service received             decision  decided           due (at decision)  yuan
  //  1  A    dibao   2025-01-05 10:00     approve   2025-01-15 09:00  2025-01-30          800
  //  2  A    dibao   2025-01-20 10:00     approve   2025-02-20 09:00  2025-02-10 (late)   900
  //  3  A    linshi  2025-02-03 10:00     refuse    2025-02-05 09:00  2025-02-20
  //  4  B    dibao   2025-02-10 10:00     approve   2025-02-14 09:00  2025-03-01         1000
  //  5  B    linshi  2025-03-01 10:00     已受理, due 2025-03-20 (overdue)
  //  6  B    linshi  2025-03-15 10:00     已送达
  //  7  A    dibao   2025-12-20 10:00     approve   2026-01-05 09:00  2026-01-10          500
  //  8  A    linshi  2024-12-31 23:30     refuse    2025-01-04 09:00  2025-01-20   (received 2024)
  //  9  B    dibao   2025-06-01 10:00     已受理, due today + 30 (not overdue)
  // 10  A    dibao   2025-01-01 00:30     已送达   (2024-12-31 16:30 UTC: still 2025 in China)
  void SeedFixture() {
    pqxx::connection c(db.url());
    pqxx::work tx(c);
    tx.exec(
        "INSERT INTO halls (name, town) VALUES ('城关镇大厅1', '城关镇'), ('东坝镇大厅1', "
        "'东坝镇')");
    const auto device = [&](const std::string& hall, const std::string& code) {
      return tx
          .exec_params1(
              "INSERT INTO devices (public_key, hall, kiosk_code) VALUES ($1, $2, "
              "$3) RETURNING id",
              "key-" + code, hall, code)[0]
          .as<int64_t>();
    };
    const int64_t a = device("城关镇大厅1", "KA01");
    const int64_t b = device("东坝镇大厅1", "KB01");
    const std::string far_due = FormatIsoDate(AddDays(today, 30));
    struct Row {
      int id;
      int64_t device;
      const char* hall;
      const char* service;
      const char* received;
      const char* status;
      const char* decision;
      const char* decided;
      const char* decided_due;
      const char* due;
      int64_t yuan;
    };
    const Row rows[] = {
        {1, a, "城关镇大厅1", "dibao", "2025-01-05 10:00", "已批准", "approve", "2025-01-15 09:00",
         "2025-01-30", nullptr, 800},
        {2, a, "城关镇大厅1", "dibao", "2025-01-20 10:00", "已办结", "approve", "2025-02-20 09:00",
         "2025-02-10", nullptr, 900},
        {3, a, "城关镇大厅1", "linshi", "2025-02-03 10:00", "不予批准", "refuse",
         "2025-02-05 09:00", "2025-02-20", nullptr, 0},
        {4, b, "东坝镇大厅1", "dibao", "2025-02-10 10:00", "已批准", "approve", "2025-02-14 09:00",
         "2025-03-01", nullptr, 1000},
        {5, b, "东坝镇大厅1", "linshi", "2025-03-01 10:00", "已受理", nullptr, nullptr, nullptr,
         "2025-03-20", 0},
        {6, b, "东坝镇大厅1", "linshi", "2025-03-15 10:00", nullptr, nullptr, nullptr, nullptr,
         nullptr, 0},
        {7, a, "城关镇大厅1", "dibao", "2025-12-20 10:00", "公示中", "approve", "2026-01-05 09:00",
         "2026-01-10", nullptr, 500},
        {8, a, "城关镇大厅1", "linshi", "2024-12-31 23:30", "不予批准", "refuse",
         "2025-01-04 09:00", "2025-01-20", nullptr, 0},
        {9, b, "东坝镇大厅1", "dibao", "2025-06-01 10:00", "已受理", nullptr, nullptr, nullptr,
         far_due.c_str(), 0},
        {10, a, "城关镇大厅1", "dibao", "2025-01-01 00:30", nullptr, nullptr, nullptr, nullptr,
         nullptr, 0},
    };
    const auto text = [&](const char* value) {
      return value == nullptr ? std::string("NULL") : tx.quote(std::string(value));
    };
    const auto time = [&](const char* value) {
      return value == nullptr ? std::string("NULL") : tx.quote(std::string(value) + "+08");
    };
    for (const Row& r : rows) {
      const std::string id = std::to_string(r.id);
      const std::vector<std::string> values = {id,
                                               "gen_random_uuid()",
                                               tx.quote("S-" + id),
                                               tx.quote("R-" + id),
                                               std::to_string(r.device),
                                               tx.quote(r.hall),
                                               tx.quote(r.service),
                                               "'2026.3'",
                                               "'sealed-v2'",
                                               "'{}'",
                                               "''",
                                               time(r.received),
                                               text(r.status),
                                               time(r.decided),
                                               text(r.due),
                                               text(r.decision),
                                               time(r.decided),
                                               text(r.decided_due),
                                               r.yuan > 0 ? std::to_string(r.yuan * 100) : "NULL"};
      std::string sql =
          "INSERT INTO applications (id, uuid, app_number, receipt, device_id, hall, "
          "service_code, catalog_version, payload_format, payload, submitted_at, received_at, "
          "status, status_at, due_date, decision, decided_at, decided_due, approved_fen) VALUES (";
      for (size_t i = 0; i < values.size(); ++i) {
        if (i > 0) sql += ", ";
        sql += values[i];
      }
      sql += ")";
      tx.exec(sql);
    }
    tx.commit();
  }

  Result<server::OfficeStats> Year2025(const OfficeAccount& who) {
    auto period = server::MakeStatsPeriod("year", "2025", today);
    EXPECT_TRUE(period.ok());
    return server::QueryOfficeStats(pool, who, *period, today);
  }

  // The aggregates' figures equal the direct count's for the viewers and periods that
  // matter here (the year of `today` and the one before, its quarter and month).
  void ExpectAggregatesExact(const std::string& when) {
    const OfficeAccount viewers[] = {supervisor, Account("li", OfficeRole::kReviewer, "城关镇"),
                                     Account("qian", OfficeRole::kApprover, "东城区")};
    const std::pair<const char*, std::string> periods[] = {{"year", std::to_string(today.year)},
                                                           {"year", std::to_string(today.year - 1)},
                                                           {"quarter", ""},
                                                           {"month", ""},
                                                           {"year", "2025"}};
    for (const OfficeAccount& viewer : viewers) {
      for (const auto& [kind, from] : periods) {
        auto period = server::MakeStatsPeriod(kind, from, today);
        ASSERT_TRUE(period.ok());
        auto aggregated = server::QueryOfficeStats(pool, viewer, *period, today);
        auto direct = server::QueryOfficeStatsDirect(pool, viewer, *period, today);
        ASSERT_TRUE(aggregated.ok()) << aggregated.error().message;
        ASSERT_TRUE(direct.ok()) << direct.error().message;
        ASSERT_EQ(Dump(*aggregated), Dump(*direct))
            << when << ", " << viewer.scope << ", " << kind << " " << from;
      }
    }
  }

  TestDatabase db;
  server::PgPool pool{db.url()};
  CivilDate today;
  const OfficeAccount supervisor = Account("zhao", OfficeRole::kSupervisor, "东城区");
};

TEST_F(Stats, PeriodsSnapToCalendarMonthsQuartersAndYears) {
  const CivilDate day{2026, 8, 14};
  auto quarter = server::MakeStatsPeriod("quarter", "2026-08", day);
  ASSERT_TRUE(quarter.ok());
  EXPECT_EQ(FormatIsoDate(quarter->first), "2026-07-01");
  EXPECT_EQ(FormatIsoDate(quarter->end), "2026-10-01");
  EXPECT_EQ(quarter->key, "2026-Q3");
  EXPECT_EQ(quarter->months, (std::vector<std::string>{"2026-07", "2026-08", "2026-09"}));
  auto year = server::MakeStatsPeriod("year", "2026-08-14", day);
  ASSERT_TRUE(year.ok());
  EXPECT_EQ(FormatIsoDate(year->first), "2026-01-01");
  EXPECT_EQ(FormatIsoDate(year->end), "2027-01-01");
  EXPECT_EQ(year->months.size(), 12u);
  auto month = server::MakeStatsPeriod("month", "", CivilDate{2026, 12, 31});
  ASSERT_TRUE(month.ok());
  EXPECT_EQ(month->key, "2026-12");
  EXPECT_EQ(FormatIsoDate(month->end), "2027-01-01");
  for (const char* bad : {"2026-13", "26-01", "2026-02-30", "2026-1", "abcd"}) {
    EXPECT_FALSE(server::MakeStatsPeriod("year", bad, day).ok()) << bad;
  }
  EXPECT_FALSE(server::MakeStatsPeriod("week", "2026", day).ok());
}

TEST_F(Stats, PercentilesInterpolateAsPercentileCont) {
  // 2, 4, 10, 16, 31: median 10; p90 at position 3.6 = 16 + 0.6 × 15 = 25.
  const server::DaysHistogram days{{2, 1}, {4, 1}, {10, 1}, {16, 1}, {31, 1}};
  EXPECT_DOUBLE_EQ(server::HistogramPercentile(days, 0.5), 10.0);
  EXPECT_DOUBLE_EQ(server::HistogramPercentile(days, 0.9), 25.0);
  // 2, 3, 9, 10 → 6; repeated values count each time: 1, 1, 1, 5 → median 1, p90 3.8.
  EXPECT_DOUBLE_EQ(server::HistogramPercentile({{2, 1}, {3, 1}, {9, 1}, {10, 1}}, 0.5), 6.0);
  EXPECT_DOUBLE_EQ(server::HistogramPercentile({{1, 3}, {5, 1}}, 0.5), 1.0);
  EXPECT_NEAR(server::HistogramPercentile({{1, 3}, {5, 1}}, 0.9), 3.8, 1e-9);
  EXPECT_DOUBLE_EQ(server::HistogramPercentile({}, 0.5), 0.0);
  EXPECT_DOUBLE_EQ(server::HistogramPercentile({{7, 1}}, 0.9), 7.0);
}

TEST_F(Stats, HandCountedFixtureGivesEveryFigure) {
  ASSERT_NO_THROW(SeedFixture());
  auto stats = Year2025(supervisor);
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  const server::OfficeStats& s = *stats;
  // received/approved/refused/pending/overdue/late. Received in 2025: #1-7, #9, #10
  // (#8 came at 23:30 on 2024-12-31; #10 at 00:30 on 2025-01-01, 16:30 UTC the day before).
  EXPECT_EQ(Counts(s.total.counts), "9/4/1/4/1/1");
  EXPECT_EQ(s.total.counts.decided(), 5);
  // Days to decision of #1 10, #2 31, #3 2, #4 4, #7 16.
  EXPECT_EQ(s.total.days, (server::DaysHistogram{{2, 1}, {4, 1}, {10, 1}, {16, 1}, {31, 1}}));
  EXPECT_DOUBLE_EQ(server::HistogramPercentile(s.total.days, 0.5), 10.0);
  EXPECT_DOUBLE_EQ(server::HistogramPercentile(s.total.days, 0.9), 25.0);

  ASSERT_EQ(s.services.size(), 2u);
  const auto* dibao = Find(s.services, "dibao");
  const auto* linshi = Find(s.services, "linshi");
  ASSERT_TRUE(dibao && linshi);
  EXPECT_EQ(Counts(dibao->counts), "6/4/0/2/0/1");   // #1 #2 #4 #7 #9 #10
  EXPECT_EQ(Counts(linshi->counts), "3/0/1/2/1/0");  // #3 #5 #6
  // dibao 4, 10, 16, 31: median 13, p90 at 2.7 = 16 + 0.7 × 15 = 26.5; linshi 2.
  EXPECT_DOUBLE_EQ(server::HistogramPercentile(dibao->days, 0.5), 13.0);
  EXPECT_DOUBLE_EQ(server::HistogramPercentile(dibao->days, 0.9), 26.5);
  EXPECT_DOUBLE_EQ(server::HistogramPercentile(linshi->days, 0.5), 2.0);
  EXPECT_DOUBLE_EQ(server::HistogramPercentile(linshi->days, 0.9), 2.0);

  ASSERT_EQ(s.towns.size(), 2u);
  EXPECT_EQ(Counts(Find(s.towns, "城关镇")->counts), "5/3/1/1/0/1");  // #1 #2 #3 #7 #10
  EXPECT_EQ(Counts(Find(s.towns, "东坝镇")->counts), "4/1/0/3/1/0");  // #4 #5 #6 #9
  ASSERT_EQ(s.halls.size(), 2u);
  EXPECT_EQ(Counts(Find(s.halls, "城关镇大厅1")->counts), "5/3/1/1/0/1");
  EXPECT_EQ(s.hall_towns.at("东坝镇大厅1"), "东坝镇");

  ASSERT_EQ(s.months.size(), 12u);
  const std::map<std::string, std::string> months{
      {"2025-01", "3/2/0/1/0/1"},  // #1 #2 #10
      {"2025-02", "2/1/1/0/0/0"},  // #3 #4
      {"2025-03", "2/0/0/2/1/0"},  // #5 #6
      {"2025-06", "1/0/0/1/0/0"},  // #9
      {"2025-12", "1/1/0/0/0/0"},  // #7
  };
  for (const auto& month : s.months) {
    const auto want = months.find(month.key);
    EXPECT_EQ(Counts(month.counts), want == months.end() ? "0/0/0/0/0/0" : want->second)
        << month.key;
  }

  // Decisions made in 2025, whenever received: January #1 (800) and #8 (refused, received
  // 2024); February #2 (900), #4 (1000) and #3 (refused). #7 was decided in 2026.
  ASSERT_EQ(s.decisions.size(), 12u);
  EXPECT_EQ(s.decisions[0].month, "2025-01");
  EXPECT_EQ(s.decisions[0].approved, 1);
  EXPECT_EQ(s.decisions[0].refused, 1);
  EXPECT_EQ(s.decisions[0].approved_fen, 80000);
  EXPECT_EQ(s.decisions[1].approved, 2);
  EXPECT_EQ(s.decisions[1].refused, 1);
  EXPECT_EQ(s.decisions[1].approved_fen, 190000);
  for (size_t i = 2; i < 12; ++i) EXPECT_EQ(s.decisions[i].approved + s.decisions[i].refused, 0);
  EXPECT_EQ(s.decisions_total.approved, 3);
  EXPECT_EQ(s.decisions_total.refused, 2);
  EXPECT_EQ(s.decisions_total.approved_fen, 270000);

  // A quarter: Q1 2025 holds #1-6 and #10; #8 stays out.
  auto q1 = server::MakeStatsPeriod("quarter", "2025-02", today);
  ASSERT_TRUE(q1.ok());
  auto first = server::QueryOfficeStats(pool, supervisor, *q1, today);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(Counts(first->total.counts), "7/3/1/3/1/1");
  EXPECT_EQ(first->months.size(), 3u);
}

TEST_F(Stats, ATownshipSeesOnlyItsOwnFigures) {
  ASSERT_NO_THROW(SeedFixture());
  auto chengguan = Year2025(Account("chen", OfficeRole::kReviewer, "城关镇"));
  ASSERT_TRUE(chengguan.ok());
  EXPECT_EQ(Counts(chengguan->total.counts), "5/3/1/1/0/1");
  ASSERT_EQ(chengguan->towns.size(), 1u);
  EXPECT_EQ(chengguan->towns[0].key, "城关镇");
  EXPECT_EQ(Find(chengguan->halls, "东坝镇大厅1"), nullptr);
  // Its decisions: #1 #8 in January, #2 #3 in February; not #4 (东坝镇).
  EXPECT_EQ(chengguan->decisions_total.approved, 2);
  EXPECT_EQ(chengguan->decisions_total.refused, 2);
  EXPECT_EQ(chengguan->decisions_total.approved_fen, 170000);

  auto dongba = Year2025(Account("liu", OfficeRole::kApprover, "东坝镇"));
  ASSERT_TRUE(dongba.ok());
  EXPECT_EQ(Counts(dongba->total.counts), "4/1/0/3/1/0");
  EXPECT_EQ(dongba->decisions_total.approved_fen, 100000);
  // County-wide sees both; a mistyped township sees nothing rather than everything.
  EXPECT_EQ(Year2025(Account("wang", OfficeRole::kReviewer, "东城区"))->total.counts.received, 9);
  EXPECT_EQ(Year2025(Account("x", OfficeRole::kReviewer, "城关"))->total.counts.received, 0);
  // A department sees only what was routed to it: nothing here.
  EXPECT_EQ(Year2025(Account("yb", OfficeRole::kDepartment, "医保"))->total.counts.received, 0);
}

// The decision columns are written by ApplyOfficeAction in the status change's own
// UPDATE, and migration 13 backfills the same values from office_actions.
TEST_F(Stats, DecisionColumnsAgreeWithTheAuditTrailAndTheBackfill) {
  const auto catalog = LoadCatalog(YIMEN_TEST_CATALOG_DIR);
  ASSERT_TRUE(catalog.ok());
  SeedOptions options;
  options.count = 4;
  options.days = 3;
  options.statuses = false;
  options.services = {"linshi", "linshi", "dibao", "linshi"};
  options.seed = 5;
  std::vector<std::string> numbers;
  ASSERT_NO_THROW(numbers = SeedApplications(db.url(), options));
  const OfficeAccount reviewer = Account("li", OfficeRole::kReviewer, "东城区");
  const OfficeAccount approver = Account("wang", OfficeRole::kApprover, "东城区");
  const auto act = [&](const OfficeAccount& who, const std::string& number,
                       const std::string& action, int64_t yuan = 0) {
    server::OfficeActionRequest request;
    request.app_number = number;
    request.action = action;
    request.note = "理由";
    request.amount_yuan = yuan;
    request.start_month = "2027-01";
    auto done = server::ApplyOfficeAction(pool, *catalog, who, request, "test");
    EXPECT_TRUE(done.ok()) << action << ": " << (done.ok() ? "" : done.error().message);
  };
  for (const std::string& number : numbers) {
    act(reviewer, number, "accept");
    act(reviewer, number, "preliminary_pass");
  }
  std::map<std::string, std::string> service;
  for (const std::string& n : numbers) {
    service[n] = db.Query("SELECT service_code FROM applications WHERE app_number = '" + n + "'");
  }
  act(approver, numbers[0], "approve", 880);
  act(approver, numbers[1], "refuse");
  act(approver, numbers[2], "approve", 1225);
  if (service[numbers[2]] == "dibao") act(approver, numbers[2], "refuse");  // 公示: objection
  // numbers[3] stays undecided.
  const std::string from_actions =
      "SELECT a.app_number, d.action, d.at, CASE WHEN d.action = 'approve' THEN "
      "(d.details->>'amount_yuan')::bigint * 100 END, CASE WHEN d.action IS NOT NULL THEN "
      "(SELECT (x.details->>'due_date')::date FROM office_actions x WHERE x.application_id = "
      "a.id AND x.action = 'accept' ORDER BY x.id DESC LIMIT 1) END FROM applications a LEFT JOIN "
      "LATERAL (SELECT * FROM office_actions o "
      "WHERE o.application_id = a.id AND o.action IN ('approve', 'refuse') ORDER BY o.id DESC "
      "LIMIT 1) d ON true ORDER BY a.id";
  const std::string from_columns =
      "SELECT app_number, decision, decided_at, approved_fen, decided_due FROM applications "
      "ORDER BY id";
  const auto rows = [&](const std::string& sql) {
    pqxx::connection c(db.url());
    pqxx::nontransaction tx(c);
    std::vector<std::string> out;
    for (const auto& row : tx.exec(sql)) {
      std::string line;
      for (const auto& field : row)
        line += (field.is_null() ? "NULL" : field.c_str()) + std::string("|");
      out.push_back(line);
    }
    return out;
  };
  const auto expected = rows(from_actions);
  ASSERT_EQ(expected.size(), 4u);
  EXPECT_NE(expected[0].find("|approve|"), std::string::npos);
  EXPECT_NE(expected[0].find("|88000|"), std::string::npos);
  EXPECT_NE(expected[1].find("|refuse|"), std::string::npos);
  EXPECT_NE(expected[3].find("|NULL|NULL|NULL|NULL|"), std::string::npos);
  EXPECT_EQ(rows(from_columns), expected);
  // Then migration 13's backfill again, from the audit trail alone.
  EXPECT_EQ(db.Query("SELECT count(*) FROM applications WHERE decision IS NOT NULL AND "
                     "decided_due IS NULL"),
            "0");
  db.Query(
      "UPDATE applications SET decision = NULL, decided_at = NULL, decided_due = NULL, "
      "approved_fen = NULL");
  db.Query(
      "DROP FUNCTION stats_record() CASCADE; DROP FUNCTION stats_truncated() CASCADE; "
      "DROP FUNCTION stats_keys(applications, int); DROP TABLE stats_deltas, stats_summary");
  db.Query(
      "ALTER TABLE applications DROP COLUMN received_day, DROP COLUMN decided_day, "
      "DROP COLUMN decision, DROP COLUMN decided_at, DROP COLUMN decided_due, "
      "DROP COLUMN approved_fen");
  // Migration 13's own SQL once more (ApplyMigrations would skip it: later versions are
  // applied, and it never runs a step below the database's newest).
  const auto& steps = server::AllMigrations();
  const auto v13 = std::find_if(steps.begin(), steps.end(),
                                [](const server::Migration& m) { return m.version == 13; });
  ASSERT_NE(v13, steps.end());
  {
    pqxx::connection c(db.url());
    pqxx::work tx(c);
    tx.exec(v13->sql);
    tx.commit();
  }
  EXPECT_EQ(rows(from_columns), expected);

  // And the statistics count them: two approved (one then refused in 公示 if dibao).
  auto period = server::MakeStatsPeriod("month", "", today);
  auto stats = server::QueryOfficeStats(pool, supervisor, *period, today);
  ASSERT_TRUE(stats.ok());
  const int64_t approved = service[numbers[2]] == "dibao" ? 1 : 2;
  EXPECT_EQ(stats->decisions_total.approved, approved);
  EXPECT_EQ(stats->decisions_total.refused, 3 - approved);
}

// Inserts (one by one and in batches), decisions one at a time and many per statement,
// a move between halls, deletes, and compactions at random points: after each, the
// aggregates give the direct count's every figure. Without the triggers or with a
// compaction that lost or doubled a delta, the dumps differ.
TEST_F(Stats, AggregatesEqualTheDirectCountThroughEveryChange) {
  ASSERT_NO_THROW(SeedFixture());
  ExpectAggregatesExact("fixture");
  ASSERT_TRUE(server::CompactStats(pool).ok());
  EXPECT_EQ(db.Query("SELECT count(*) FROM stats_deltas"), "0");
  ExpectAggregatesExact("fixture compacted");
  SeedOptions options;
  options.count = 300;
  options.days = 500;  // this year and the last
  options.first_id = 100;
  options.seed = 7;
  ASSERT_NO_THROW(SeedApplications(db.url(), options));
  ExpectAggregatesExact("seeded");
  std::mt19937 random(13);
  const auto pick = [&] { return std::to_string(100 + random() % 300); };
  for (int step = 0; step < 40; ++step) {
    const std::string id = pick();
    switch (random() % 6) {
      case 0:
      case 1:  // a decision, as ApplyOfficeAction writes it
        db.Query(
            "UPDATE applications SET decision = 'approve', status = '已批准', decided_at = "
            "received_at + interval '1 day' * " +
            std::to_string(random() % 45) +
            ", decided_due = received_at::date + 20, approved_fen = " +
            std::to_string((random() % 2000) * 100) + " WHERE id = " + id);
        break;
      case 2:
        db.Query(
            "UPDATE applications SET decision = 'refuse', decided_at = now(), decided_due = "
            "coalesce(due_date, current_date), approved_fen = NULL WHERE id = " +
            id);
        break;
      case 3:  // many rows in one statement: accepted with a due date, some already past
        db.Query("UPDATE applications SET status = '已受理', due_date = current_date + " +
                 std::to_string(static_cast<int>(random() % 40) - 20) +
                 " WHERE decision IS NULL AND id % 7 = " + std::to_string(random() % 7));
        break;
      case 4:
        db.Query(
            "UPDATE applications SET hall = (SELECT name FROM halls ORDER BY random() "
            "LIMIT 1) WHERE id = " +
            id);
        break;
      case 5: db.Query("DELETE FROM applications WHERE id = " + id); break;
    }
    if (random() % 3 == 0) {
      ASSERT_TRUE(server::CompactStats(pool).ok());
    }
    ExpectAggregatesExact("step " + std::to_string(step));
  }
  ASSERT_TRUE(server::CompactStats(pool).ok());
  ExpectAggregatesExact("compacted at the end");
  EXPECT_EQ(db.Query("SELECT count(*) FROM stats_summary WHERE n = 0 AND fen = 0"), "0");
  // A rebuild from nothing gives the same summary the deltas built.
  const std::string rebuilt =
      "SELECT count(*) FROM (SELECT k.kind, k.month, k.hall, k.service_code, k.decision, k.due, "
      "k.days, k.late, sum(k.n) AS n, sum(k.fen) AS fen FROM applications r, LATERAL "
      "stats_keys(r, 1) k GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 EXCEPT SELECT kind, month, hall, "
      "service_code, decision, due, days, late, n, fen FROM stats_summary) x";
  EXPECT_EQ(db.Query(rebuilt), "0");
  db.Query("TRUNCATE applications CASCADE");
  EXPECT_EQ(db.Query("SELECT (SELECT count(*) FROM stats_summary) + (SELECT count(*) FROM "
                     "stats_deltas)"),
            "0");
}

// A change rolled back (an insert batch and a decision) leaves no delta and no figure.
TEST_F(Stats, ARolledBackChangeLeavesNoTrace) {
  ASSERT_NO_THROW(SeedFixture());
  ASSERT_TRUE(server::CompactStats(pool).ok());
  auto period = server::MakeStatsPeriod("year", "2025", today);
  auto before = server::QueryOfficeStats(pool, supervisor, *period, today);
  ASSERT_TRUE(before.ok());
  {
    pqxx::connection c(db.url());
    pqxx::work tx(c);
    tx.exec(
        "INSERT INTO applications (id, uuid, app_number, receipt, device_id, hall, "
        "service_code, catalog_version, payload_format, payload, submitted_at, received_at) "
        "SELECT 1000 + i, gen_random_uuid(), 'RB-' || i, 'R-RB-' || i, device_id, hall, "
        "service_code, catalog_version, payload_format, payload, submitted_at, received_at "
        "FROM applications, generate_series(1, 3) i WHERE id = 5");
    tx.exec(
        "UPDATE applications SET decision = 'approve', decided_at = '2025-03-05 09:00+08', "
        "approved_fen = 70000 WHERE id = 5");
    EXPECT_EQ(tx.exec("SELECT count(*) FROM stats_deltas")[0][0].as<int>(), 4);
    tx.abort();
  }
  EXPECT_EQ(db.Query("SELECT count(*) FROM stats_deltas"), "0");
  auto after = server::QueryOfficeStats(pool, supervisor, *period, today);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(Dump(*after), Dump(*before));
  ExpectAggregatesExact("after the rollback");
}

// Writers as the server has them (group-commit batches of inserts in one transaction,
// decisions one application at a time, a batch rolled back now and then) on their own
// connections while two compactors loop: the figures equal the direct count after.
TEST_F(Stats, ConcurrentWritersAndCompactorsStayExact) {
  SeedOptions options;
  options.count = 50;
  options.days = 200;
  options.seed = 3;
  ASSERT_NO_THROW(SeedApplications(db.url(), options));
  std::atomic<bool> writing{true};
  std::atomic<int64_t> moved{0};
  std::atomic<int> compactions{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < 4; ++w) {
    threads.emplace_back([&, w] {
      pqxx::connection c(db.url());
      std::mt19937 random(static_cast<uint32_t>(w + 1));
      for (int round = 0; round < 25; ++round) {
        pqxx::work tx(c);
        const int64_t first = 10000 + (w * 25 + round) * 8;
        tx.exec(
            "INSERT INTO applications (id, uuid, app_number, receipt, device_id, hall, "
            "service_code, catalog_version, payload_format, payload, submitted_at, "
            "received_at) SELECT " +
            std::to_string(first) + " + i, gen_random_uuid(), 'C-' || (" + std::to_string(first) +
            " + i), 'R-C-' || (" + std::to_string(first) +
            " + i), device_id, hall, service_code, catalog_version, payload_format, payload, "
            "submitted_at, received_at - interval '1 day' * i FROM applications, "
            "generate_series(1, 8) i WHERE id = " +
            std::to_string(1 + random() % 50));
        if (round % 7 == 3) {
          tx.abort();
        } else {
          tx.commit();
        }
        pqxx::work one(c);
        one.exec(
            "UPDATE applications SET decision = 'approve', decided_at = now(), "
            "decided_due = current_date, approved_fen = 10000 WHERE id = " +
            std::to_string(1 + random() % 50));
        one.commit();
      }
    });
  }
  std::vector<std::thread> compactors;
  for (int k = 0; k < 2; ++k) {
    compactors.emplace_back([&] {
      while (writing) {
        auto n = server::CompactStats(pool);
        ASSERT_TRUE(n.ok()) << n.error().message;
        moved += *n;
        ++compactions;
      }
    });
  }
  for (auto& t : threads) t.join();
  writing = false;
  for (auto& t : compactors) t.join();
  std::printf("concurrent: %d compactions moved %lld deltas\n", compactions.load(),
              static_cast<long long>(moved.load()));
  EXPECT_GT(moved.load(), 0);
  ExpectAggregatesExact("after the writers");
  ASSERT_TRUE(server::CompactStats(pool).ok());
  ExpectAggregatesExact("compacted after the writers");
}

// Through the console's own handler: the CSV byte for byte, the XLSX read back by an
// independent reader, the JSON, the page, and a township's account seeing its own.
TEST_F(Stats, ExportsAndJsonThroughTheConsole) {
  ASSERT_NO_THROW(SeedFixture());
  server::ServerOptions options;
  options.pg_url = db.url();
  options.catalog_dir = YIMEN_TEST_CATALOG_DIR;
  options.console.secure_cookies = false;
  auto core = server::ServerCore::Open(options);
  ASSERT_TRUE(core.ok()) << core.error().message;
  auto admin_id = server::CreateOfficeAccount(pool, "admin", OfficeRole::kAdmin, "东城区",
                                              kPassword, std::nullopt, "test");
  ASSERT_TRUE(admin_id.ok()) << admin_id.error().message;
  const OfficeAccount admin{*admin_id, "admin", OfficeRole::kAdmin, "东城区"};
  ASSERT_TRUE(server::CreateOfficeAccount(pool, "chen", OfficeRole::kReviewer, "城关镇", kPassword,
                                          admin, "test")
                  .ok());
  const auto sign_in = [&](const std::string& name) {
    std::string cookie = ConsoleSignIn(**core, name, kPassword);
    EXPECT_FALSE(cookie.empty()) << "sign-in " << name;
    return cookie;
  };
  const auto get = [&](const std::string& cookie, const std::string& target) {
    return ConsoleGet(**core, cookie, target);
  };
  const std::string county = sign_in("admin");

  const server::ApiReply csv = get(county, "/console/stats/export.csv?period=year&from=2025");
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.content_type, "text/csv; charset=utf-8");
  bool attachment = false;
  for (const auto& [header, value] : csv.headers) {
    attachment |=
        header == "Content-Disposition" && value == "attachment; filename=\"yimen-stats-2025.csv\"";
  }
  EXPECT_TRUE(attachment);
  const std::string zero_month = ",0,0,0,0,0,0,0,,,,\r\n";
  const std::string no_decisions = ",,0,0,0,,,,,,,0.00\r\n";
  std::string body;
  for (const char* month :
       {"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"}) {
    const std::map<std::string, std::string> hand{{"01", ",3,2,2,0,1,0,1,,,,\r\n"},
                                                  {"02", ",2,2,1,1,0,0,0,,,,\r\n"},
                                                  {"03", ",2,0,0,0,2,1,0,,,,\r\n"},
                                                  {"06", ",1,0,0,0,1,0,0,,,,\r\n"},
                                                  {"12", ",1,1,1,0,0,0,0,,,,\r\n"}};
    body +=
        std::string("按收件月份,2025-") + month + (hand.count(month) ? hand.at(month) : zero_month);
  }
  body +=
      "按乡镇（街道）,东坝镇,4,1,1,0,3,1,0,,,,\r\n"
      "按乡镇（街道）,城关镇,5,4,3,1,1,0,1,,,,\r\n"
      "按大厅,东坝镇大厅1,4,1,1,0,3,1,0,,,,\r\n"
      "按大厅,城关镇大厅1,5,4,3,1,1,0,1,,,,\r\n"
      "按事项,最低生活保障（低保）,6,4,4,0,2,0,1,13.0,26.5,30,\r\n"
      "按事项,临时救助,3,1,0,1,2,1,0,2.0,2.0,15,\r\n"
      "合计,合计,9,5,4,1,4,1,1,10.0,25.0,,\r\n"
      "按办结月份（批准金额）,2025-01,,2,1,1,,,,,,,800.00\r\n"
      "按办结月份（批准金额）,2025-02,,3,2,1,,,,,,,1900.00\r\n";
  for (int month = 3; month <= 12; ++month) {
    body += std::string("按办结月份（批准金额）,2025-") + (month < 10 ? "0" : "") +
            std::to_string(month) + no_decisions;
  }
  body += "按办结月份（批准金额）,合计,,5,3,2,,,,,,,2700.00\r\n";
  const std::string expected =
      "\xEF\xBB\xBF"
      "统计 2025 · 统计范围: 全部 · 截至 " +
      FormatIsoDate(today) +
      "\r\n"
      "本期共收到申请 9 件（按申请件数计）。\r\n"
      "本期共办结审批事项 5 宗，其中批准 3 宗、不予批准 2 宗。\r\n"
      "本期批准金额合计 2700.00 元（按批准时核定的金额）。\r\n"
      "本期收到的申请中已办结 5 件，办理天数中位数 10.0 天，90% 在 25.0 天内办结。\r\n"
      "尚未办结 4 件，其中超期 1 件；超期办结 1 件。\r\n"
      "申请人信息密封保存，统计不拆封，服务人数按申请件数计（同一人多次申请计多次）。\r\n"
      "按月、乡镇、大厅、事项的数字统计本期收到的申请及其现在的状态；“按办结月份”统计本期作出的决定"
      "，"
      "无论何时收到。办理天数为收件日至决定日的自然日，时限为工作日。\r\n"
      "分组,项目,收件,办结,批准,不予批准,未办结,超期未办,超期办结,办理天数中位数,办理天数P90,"
      "时限（工作日）,批准金额（元）\r\n" +
      body;
  EXPECT_EQ(csv.body, expected);

  const server::ApiReply xlsx = get(county, "/console/stats/export.xlsx?period=year&from=2025");
  ASSERT_EQ(xlsx.status, 200);
  const nlohmann::json read = ReadXlsx(xlsx.body);
  ASSERT_FALSE(read.contains("error")) << read.dump();
  const auto& rows = read["sheets"][0]["rows"];
  ASSERT_EQ(rows.size(), 8u + 1u + 32u);
  EXPECT_EQ(rows[0][0], "统计 2025 · 统计范围: 全部 · 截至 " + FormatIsoDate(today));
  EXPECT_EQ(rows[8][1], "项目");
  EXPECT_EQ(rows[8 + 1 + 16][1], "最低生活保障（低保）");  // 12 months, 2 towns, 2 halls
  EXPECT_EQ(rows[8 + 1 + 16][2], 6);
  EXPECT_EQ(rows[8 + 1 + 16][9], "13.0");
  EXPECT_EQ(rows[8 + 1 + 16][11], 30);
  EXPECT_EQ(rows[8 + 1 + 18][2], 9);  // 合计
  EXPECT_EQ(rows[8 + 1 + 31][1], "合计");
  EXPECT_EQ(rows[8 + 1 + 31][12], 2700);
  EXPECT_EQ(read["sheets"][0]["formats"][std::to_string(8 + 1 + 31) + ",12"], "0.00");

  const server::ApiReply api = get(county, "/api/office/v1/stats?period=year&from=2025");
  ASSERT_EQ(api.status, 200) << api.body;
  const nlohmann::json j = nlohmann::json::parse(api.body);
  EXPECT_EQ(j["total"]["received"], 9);
  EXPECT_EQ(j["total"]["days_median"], 10.0);
  EXPECT_EQ(j["total"]["days_p90"], 25.0);
  EXPECT_EQ(j["services"][0]["key"], "dibao");
  EXPECT_EQ(j["services"][0]["time_limit_days"], 30);
  EXPECT_EQ(j["decisions_total"]["approved_fen"], 270000);
  EXPECT_EQ(j["people_counted_by"], "application");
  EXPECT_EQ(get(county, "/api/office/v1/stats?period=week").status, 400);

  const server::ApiReply page = get(county, "/console/stats?period=year&from=2025");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<svg class=\"chart\" id=\"chart-months\" role=\"img\""),
            std::string::npos);
  EXPECT_NE(page.body.find("本期共办结审批事项 5 宗"), std::string::npos);

  // The township's reviewer: its own figures only, in the page, the JSON and the export.
  const std::string town = sign_in("chen");
  const nlohmann::json mine =
      nlohmann::json::parse(get(town, "/api/office/v1/stats?period=year&from=2025").body);
  EXPECT_EQ(mine["total"]["received"], 5);
  EXPECT_EQ(mine["towns"].size(), 1u);
  EXPECT_EQ(mine["scope"], "城关镇");
  const std::string town_csv = get(town, "/console/stats/export.csv?period=year&from=2025").body;
  EXPECT_EQ(town_csv.find("东坝镇"), std::string::npos);
  EXPECT_NE(town_csv.find("合计,合计,5,4,3,1,1,0,1,"), std::string::npos);
  EXPECT_EQ(get(town, "/console/stats?period=year&from=2025").body.find("东坝镇"),
            std::string::npos);
}

}  // namespace
}  // namespace yimen::testing
