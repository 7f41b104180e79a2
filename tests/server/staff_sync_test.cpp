// Staff accounts provisioned by the office and the kiosks' audit trail (issue 4 and
// issue 6), end to end: yimen-admin → PostgreSQL → signed HTTP → the kiosk's store, and
// back. Also that the server's access log carries no applicant's data. Real PostgreSQL,
// real HTTP (libcurl against the Beast frontend), real kiosk store, real Argon2id.
#include <gtest/gtest.h>

#include <algorithm>

#include "common/secret_hash.h"
#include "server/migrations.h"
#include "server/server_test_support.h"
#include "server/staff_admin.h"
#include "sync/client/staff_sync.h"

namespace yimen::testing {
namespace {

constexpr int64_t kNow = 1'790'000'000'000;

class StaffSync : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(PgCluster::Get().ok()) << "no PostgreSQL";
    ASSERT_TRUE(office.Bootstrap());
  }
  // yimen-admin signed in as the office's admin; `input` follows the password on stdin.
  CommandResult Admin(std::vector<std::string> args, const std::string& input = "") {
    return office.Run(std::move(args), input);
  }
  TestDatabase db;
  OfficeAdmin office{db.url()};
};

TEST_F(StaffSync, ProvisionedAccountLogsInAfterSyncAndIsRefusedOnceDisabled) {
  TestServer server(db.url());
  ASSERT_TRUE(server.ok());
  TestKiosk kiosk;
  ASSERT_TRUE(kiosk.Enroll(server.core().pool(), {server.url()}));

  ASSERT_EQ(Admin({"staff-add", "wangli", "--hall", "测试大厅"}, "24681357\n").exit_code, 0);
  ASSERT_EQ(Admin({"staff-add", "zhaomin", "--hall", "测试大厅"}, "13572468\n").exit_code, 0);
  // The server holds a hash, never the PIN; staff-list shows neither.
  EXPECT_EQ(db.Count("SELECT count(*) FROM staff_accounts WHERE pin_hash LIKE '$argon2id$%' "
                     "AND strpos(pin_hash, '24681357') = 0"),
            2);
  const CommandResult list = Admin({"staff-list"});
  EXPECT_NE(list.out.find("wangli"), std::string::npos) << list.out;
  EXPECT_EQ(list.out.find("argon2"), std::string::npos) << list.out;
  // A PIN the rule refuses is refused before anything is stored.
  EXPECT_EQ(Admin({"staff-add", "lisi", "--hall", "测试大厅"}, "12ab\n").exit_code, 2);

  // Before the sync the kiosk does not know the account.
  EXPECT_EQ(kiosk.store().staff().StaffLogin("wangli", "24681357", kNow)->outcome,
            StaffLoginOutcome::kRefused);
  sync::CycleReport first = kiosk.SyncOnce();
  EXPECT_FALSE(first.error.has_value()) << first.error->message;
  EXPECT_EQ(first.staff_accounts, 2);
  EXPECT_EQ(kiosk.store().staff().StaffLogin("wangli", "24681357", kNow)->outcome,
            StaffLoginOutcome::kAccepted);

  ASSERT_EQ(Admin({"staff-disable", "wangli", "--hall", "测试大厅"}).exit_code, 0);
  EXPECT_EQ(Admin({"staff-disable", "nobody", "--hall", "测试大厅"}).exit_code, 1);  // kNotFound
  // Until the next sync the kiosk still has the account as it was.
  EXPECT_EQ(kiosk.store().staff().StaffLogin("wangli", "24681357", kNow)->outcome,
            StaffLoginOutcome::kAccepted);
  sync::CycleReport second = kiosk.SyncOnce();
  EXPECT_FALSE(second.error.has_value()) << second.error->message;
  EXPECT_EQ(second.staff_accounts, 1);  // only the change since the cursor
  EXPECT_EQ(kiosk.store().staff().StaffLogin("wangli", "24681357", kNow)->outcome,
            StaffLoginOutcome::kRefused);
  EXPECT_EQ(kiosk.store().staff().StaffLogin("zhaomin", "13572468", kNow)->outcome,
            StaffLoginOutcome::kAccepted);
  // Re-provisioning enables it again with the new PIN.
  ASSERT_EQ(Admin({"staff-add", "wangli", "--hall", "测试大厅"}, "11223344\n").exit_code, 0);
  EXPECT_FALSE(kiosk.SyncOnce().error.has_value());
  EXPECT_EQ(kiosk.store().staff().StaffLogin("wangli", "11223344", kNow)->outcome,
            StaffLoginOutcome::kAccepted);
}

TEST_F(StaffSync, AKioskReceivesOnlyItsOwnHallsAccounts) {
  TestServer server(db.url());
  ASSERT_TRUE(server.ok());
  TestKiosk east;
  TestKiosk west;
  ASSERT_TRUE(east.Enroll(server.core().pool(), {server.url()}, "东门社区"));
  ASSERT_TRUE(west.Enroll(server.core().pool(), {server.url()}, "西门社区"));
  ASSERT_EQ(Admin({"staff-add", "wangli", "--hall", "东门社区"}, "24681357\n").exit_code, 0);
  ASSERT_EQ(Admin({"staff-add", "zhaomin", "--hall", "西门社区"}, "13572468\n").exit_code, 0);
  ASSERT_EQ(Admin({"staff-add", "liuyang", "--hall", "东门社区"}, "97531864\n").exit_code, 0);
  const std::string wangli_hash = db.Query("SELECT pin_hash FROM staff_accounts WHERE name = 'wangli'");

  // What the west kiosk is sent, asked directly with its own signature.
  sync::CurlTransport curl(west.options.curl);
  sync::ApiClient west_api(curl, west.credentials);
  auto page = west_api.PullStaffAccounts(0, 100);
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page->accounts.size(), 1u);
  EXPECT_EQ(page->accounts[0].name, "zhaomin");
  for (const auto& account : page->accounts) EXPECT_NE(account.pin_hash, wangli_hash);

  sync::CycleReport east_report = east.SyncOnce();
  sync::CycleReport west_report = west.SyncOnce();
  EXPECT_FALSE(east_report.error.has_value());
  EXPECT_FALSE(west_report.error.has_value());
  EXPECT_EQ(east_report.staff_accounts, 2);
  EXPECT_EQ(west_report.staff_accounts, 1);
  EXPECT_EQ(east.store().staff().StaffLogin("wangli", "24681357", kNow)->outcome,
            StaffLoginOutcome::kAccepted);
  EXPECT_EQ(west.store().staff().StaffLogin("wangli", "24681357", kNow)->outcome,
            StaffLoginOutcome::kRefused);
  EXPECT_EQ(west.store().staff().StaffLogin("zhaomin", "13572468", kNow)->outcome,
            StaffLoginOutcome::kAccepted);
  EXPECT_EQ(east.store().staff().StaffLogin("zhaomin", "13572468", kNow)->outcome,
            StaffLoginOutcome::kRefused);

  // Disabling in one hall reaches that hall only; the same name elsewhere is another account.
  ASSERT_EQ(Admin({"staff-add", "wangli", "--hall", "西门社区"}, "86421357\n").exit_code, 0);
  ASSERT_EQ(Admin({"staff-disable", "wangli", "--hall", "东门社区"}).exit_code, 0);
  EXPECT_FALSE(east.SyncOnce().error.has_value());
  EXPECT_FALSE(west.SyncOnce().error.has_value());
  EXPECT_EQ(east.store().staff().StaffLogin("wangli", "24681357", kNow)->outcome,
            StaffLoginOutcome::kRefused);
  EXPECT_EQ(west.store().staff().StaffLogin("wangli", "86421357", kNow)->outcome,
            StaffLoginOutcome::kAccepted);
  // A disabled account's hash is gone from the server too: nothing left to guess.
  EXPECT_EQ(db.Count("SELECT count(*) FROM staff_accounts WHERE disabled AND pin_hash = '" +
                     std::string(secret::kNoSecretHash) + "'"),
            1);
}

// Accounts provisioned before halls went to every kiosk: migration 6 disables them,
// without their hash, and every kiosk (of any hall) drops the copy it holds.
TEST(StaffSyncUpgrade, MigrationSixDisablesAccountsFromBeforeHallsOnEveryKiosk) {
  ASSERT_TRUE(PgCluster::Get().ok()) << "no PostgreSQL";
  TestDatabase db;
  const std::string old_hash = *server::HashStaffPin("24681357");
  {
    // The database as a v4 server left it, with one account every kiosk received.
    pqxx::connection c(db.url());
    pqxx::work tx(c);
    tx.exec("CREATE TABLE schema_migrations (version int PRIMARY KEY, name text NOT NULL, "
            "applied_at timestamptz NOT NULL DEFAULT now())");
    for (const server::Migration& step : server::AllMigrations()) {
      if (step.version > 4) break;
      tx.exec(step.sql);
      tx.exec_params("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", step.version,
                     step.name);
    }
    tx.exec_params("INSERT INTO staff_accounts (name, pin_hash, version) "
                   "VALUES ('wangli', $1, nextval('staff_account_versions'))",
                   old_hash);
    tx.commit();
  }
  TestServer server(db.url());  // migrates to the newest version
  ASSERT_TRUE(server.ok());
  TestKiosk kiosk;
  ASSERT_TRUE(kiosk.Enroll(server.core().pool(), {server.url()}, "东门社区"));
  // What the kiosk held before the upgrade.
  ASSERT_TRUE(
      kiosk.store().staff().ApplyServerStaffAccounts({{"wangli", old_hash, false, 1}}, 1).ok());
  ASSERT_EQ(kiosk.store().staff().StaffLogin("wangli", "24681357", kNow)->outcome,
            StaffLoginOutcome::kAccepted);

  EXPECT_EQ(db.Query("SELECT disabled::text || ' ' || (pin_hash = '" +
                     std::string(secret::kNoSecretHash) + "')::text FROM staff_accounts"),
            "true true");
  sync::CycleReport report = kiosk.SyncOnce();
  EXPECT_FALSE(report.error.has_value());
  EXPECT_EQ(report.staff_accounts, 1);
  EXPECT_EQ(kiosk.store().staff().StaffLogin("wangli", "24681357", kNow + 60'000)->outcome,
            StaffLoginOutcome::kRefused);
}

TEST_F(StaffSync, StaffAddEnforcesThePinRule) {
  for (const char* pin : {"123456", "1234567", "short pw", "123456789012345678901"}) {
    EXPECT_EQ(Admin({"staff-add", "lisi", "--hall", "测试大厅"}, std::string(pin) + "\n").exit_code, 2)
        << pin;
  }
  EXPECT_EQ(db.Count("SELECT count(*) FROM staff_accounts"), 0);
  EXPECT_EQ(Admin({"staff-add", "lisi", "--hall", "测试大厅"}, "12345678\n").exit_code, 0);
  EXPECT_EQ(Admin({"staff-add", "zhou", "--hall", "测试大厅"}, "东门社区的老周\n").exit_code, 2)
      << "7 characters is no passphrase";
  EXPECT_EQ(Admin({"staff-add", "zhou", "--hall", "测试大厅"}, "bright river stone\n").exit_code, 0);
  // --hall is required.
  EXPECT_EQ(Admin({"staff-add", "qian"}, "12345678\n").exit_code, 2);
}

// Passes every request to the real server but, while `lose` is set, throws away the
// reply of audit pushes: the server committed, the kiosk heard nothing.
class LosingTransport : public sync::Transport {
 public:
  explicit LosingTransport(sync::Transport& inner) : m_inner(inner) {}
  Result<sync::HttpResponse> Send(const sync::HttpRequest& request) override {
    auto response = m_inner.Send(request);
    if (lose && request.url.find(protocol::kPathAudit) != std::string::npos) {
      ++lost;
      return MakeError(ErrorKind::kUnavailable, "reply lost (test)");
    }
    return response;
  }
  bool lose = false;
  int lost = 0;

 private:
  sync::Transport& m_inner;
};

TEST_F(StaffSync, AuditRowsArriveExactlyOnceAcrossLostReplies) {
  TestServer server(db.url());
  ASSERT_TRUE(server.ok());
  TestKiosk kiosk;
  ASSERT_TRUE(kiosk.Enroll(server.core().pool(), {server.url()}));
  for (int i = 0; i < 7; ++i) {
    ASSERT_TRUE(kiosk.store().AppendAudit("staff:wangli", "staff.view_list", "n=" + std::to_string(i)).ok());
  }
  auto all = kiosk.store().staff().AuditAfter(0, 1000);
  ASSERT_TRUE(all.ok());
  const int64_t rows = static_cast<int64_t>(all->size());  // enrollment may have added some

  sync::CurlTransport curl(kiosk.options.curl);
  LosingTransport transport(curl);
  sync::ApiClient api(transport, kiosk.credentials);
  sync::StaffSyncReport report;
  transport.lose = true;
  Status lost = sync::PushAudit(kiosk.store(), api, 3, &report);
  EXPECT_FALSE(lost.ok());
  EXPECT_EQ(transport.lost, 1);
  EXPECT_EQ(*kiosk.store().staff().AuditPushedThrough(), 0)
      << "nothing acknowledged, nothing moved";
  EXPECT_EQ(db.Count("SELECT count(*) FROM kiosk_audit"), 3) << "the server did store a batch";
  (void)sync::PushAudit(kiosk.store(), api, 3, &report);  // lost again

  transport.lose = false;
  report = {};
  Status healed = sync::PushAudit(kiosk.store(), api, 3, &report);
  ASSERT_TRUE(healed.ok()) << healed.error().message;
  EXPECT_EQ(report.audit_sent, rows);
  EXPECT_EQ(*kiosk.store().staff().AuditPushedThrough(), all->back().id);
  EXPECT_EQ(db.Count("SELECT count(*) FROM kiosk_audit"), rows);
  EXPECT_EQ(db.Count("SELECT count(DISTINCT kiosk_seq) FROM kiosk_audit"), rows);
  // Nothing left: another push sends nothing.
  report = {};
  ASSERT_TRUE(sync::PushAudit(kiosk.store(), api, 3, &report).ok());
  EXPECT_EQ(report.audit_sent, 0);
  EXPECT_EQ(db.Count("SELECT count(*) FROM kiosk_audit"), rows);

  // The engine's own cycle pushes later rows, and yimen-admin lists them per kiosk.
  ASSERT_TRUE(kiosk.store().AppendAudit("staff:wangli", "staff.logout", "").ok());
  sync::CycleReport cycle = kiosk.SyncOnce();
  EXPECT_FALSE(cycle.error.has_value()) << cycle.error->message;
  EXPECT_GE(cycle.audit_sent, 1);
  const CommandResult audit =
      Admin({"audit", "--kiosk", std::to_string(kiosk.credentials.device_id)});
  EXPECT_EQ(audit.exit_code, 0);
  EXPECT_NE(audit.out.find("staff.logout"), std::string::npos) << audit.out;
  EXPECT_NE(audit.out.find("staff.view_list"), std::string::npos) << audit.out;
  EXPECT_EQ(Admin({"audit", "--kiosk", "999999"}).out.find("staff.logout"), std::string::npos);
}

TEST_F(StaffSync, ServerRefusesMalformedAuditRowsAndUnsignedRequests) {
  TestServer server(db.url());
  ASSERT_TRUE(server.ok());
  TestKiosk kiosk;
  ASSERT_TRUE(kiosk.Enroll(server.core().pool(), {server.url()}));
  sync::CurlTransport curl(kiosk.options.curl);
  sync::ApiClient api(curl, kiosk.credentials);
  protocol::AuditPush bad;
  bad.rows.push_back({0, "2026-11-23T02:30:00Z", "system", "x", ""});
  EXPECT_EQ(api.PushAudit(bad).error().kind, ErrorKind::kRejected);
  protocol::AuditPush huge;
  huge.rows.push_back({1, "2026-11-23T02:30:00Z", "system", "x", std::string(4096, 'a')});
  EXPECT_EQ(api.PushAudit(huge).error().kind, ErrorKind::kRejected);
  EXPECT_EQ(db.Count("SELECT count(*) FROM kiosk_audit"), 0);
  // Without the device's signature: 401.
  sync::HttpRequest unsigned_request;
  unsigned_request.method = "GET";
  unsigned_request.url = server.url() + protocol::kPathStaffAccounts;
  auto reply = curl.Send(unsigned_request);
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->status, 401);
}

TEST_F(StaffSync, ServerLogHoldsNoApplicantData) {
  TestServer server(db.url());
  ASSERT_TRUE(server.ok());
  TestKiosk kiosk;
  ASSERT_TRUE(kiosk.Enroll(server.core().pool(), {server.url()}));
  NewApplication application = SampleSyncApplication(0);
  application.masked_name = "欧阳*";
  application.payload =
      R"({"service_code":"dibao","values":{"name":"欧阳燚","id_number":"44200019650312123X","phone":"13812345678"}})";
  ASSERT_TRUE(kiosk.store().applications().Submit(application).ok());
  sync::CycleReport report = kiosk.SyncOnce();
  EXPECT_FALSE(report.error.has_value()) << report.error->message;
  EXPECT_EQ(report.created, 1);
  const std::vector<std::string> log = server.log();
  ASSERT_FALSE(log.empty());
  for (const std::string& line : log) {
    for (const char* secret : {"欧阳燚", "44200019650312123X", "13812345678", "payload"}) {
      EXPECT_EQ(line.find(secret), std::string::npos) << line;
    }
  }
}

}  // namespace
}  // namespace yimen::testing
