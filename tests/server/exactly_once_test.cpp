// Every application arrives exactly once (issue 3, "Must show"): a reply lost after
// the server committed, two server copies on one database with the kiosk switching
// between them, and the same batch pushed to both copies at the same moment. Real
// PostgreSQL, real HTTP (libcurl against the Beast frontend), real kiosk store.
#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "server/server_test_support.h"
#include "sync/protocol/signing.h"

namespace yimen::testing {
namespace {

// uuid → receipt the kiosk holds for every delivered application.
std::map<std::string, std::string> KioskReceipts(Store& store) {
  std::map<std::string, std::string> receipts;
  auto rows = store.applications().ListApplications(0, 1000);
  EXPECT_TRUE(rows.ok());
  for (const ApplicationStub& stub : *rows) {
    if (stub.server_receipt) receipts[stub.uuid] = *stub.server_receipt;
  }
  return receipts;
}

std::map<std::string, std::string> ServerReceipts(const TestDatabase& db) {
  std::map<std::string, std::string> receipts;
  pqxx::connection c(db.url());
  pqxx::nontransaction tx(c);
  for (const auto& row : tx.exec("SELECT uuid::text, receipt FROM applications")) {
    receipts[row[0].as<std::string>()] = row[1].as<std::string>();
  }
  return receipts;
}

class ExactlyOnce : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(PgCluster::Get().ok()) << "no PostgreSQL"; }
  TestDatabase db;
};

TEST_F(ExactlyOnce, ReplyLostAfterCommitLeavesOneRowAndTheOriginalReceipt) {
  TestServer server(db.url());
  ASSERT_TRUE(server.ok());
  FaultProxy proxy(server.port(), [] { return FaultProxy::Pass(); });
  TestKiosk kiosk;
  ASSERT_TRUE(kiosk.Enroll(server.core().pool(), {proxy.url()}));
  const auto submitted = kiosk.SubmitMany(3);

  // Every reply is lost from now on: the server commits, the kiosk hears nothing.
  proxy.SetPolicy([] { return FaultProxy::DropReply(); });
  sync::CycleReport lost = kiosk.SyncOnce();
  ASSERT_TRUE(lost.error.has_value());
  EXPECT_EQ(lost.error->kind, ErrorKind::kUnavailable) << lost.error->message;
  EXPECT_EQ(lost.pending_after, 3);
  EXPECT_GE(proxy.faults_done(), 1);
  ASSERT_EQ(db.Count("SELECT count(*) FROM applications"), 3) << "the server did commit";
  const auto original = ServerReceipts(db);

  // A second loss for good measure, then the line heals.
  (void)kiosk.SyncOnce();
  proxy.SetPolicy([] { return FaultProxy::Pass(); });
  sync::CycleReport healed = kiosk.SyncOnce();
  EXPECT_FALSE(healed.error.has_value()) << healed.error->message;
  EXPECT_EQ(healed.duplicates, 3);
  EXPECT_EQ(healed.created, 0);
  EXPECT_EQ(healed.pending_after, 0);

  EXPECT_EQ(db.Count("SELECT count(*) FROM applications"), 3);
  EXPECT_EQ(KioskReceipts(kiosk.store()), original);
  for (const SubmittedApplication& s : submitted) {
    EXPECT_TRUE(original.count(s.uuid)) << s.uuid;
  }
}

TEST_F(ExactlyOnce, KioskSwitchingBetweenTwoServerCopiesDeliversEachOnce) {
  TestServer a(db.url());
  TestServer b(db.url());
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_NE(a.port(), b.port());
  // Copy A is reached through a proxy that can lose its replies; B directly.
  FaultProxy to_a(a.port(), [] { return FaultProxy::Pass(); });
  TestKiosk kiosk;
  ASSERT_TRUE(kiosk.Enroll(a.core().pool(), {to_a.url(), b.url()}));
  kiosk.options.push_batch = 25;

  // A stores the first batch but its reply is lost: the kiosk moves on to B within
  // the same cycle, and B must recognise what A stored.
  (void)kiosk.SubmitMany(60);
  to_a.SetPolicy([] { return FaultProxy::DropReply(); });
  sync::CycleReport switched = kiosk.SyncOnce();
  EXPECT_FALSE(switched.error.has_value()) << switched.error->message;
  EXPECT_EQ(switched.duplicates, 25);
  EXPECT_EQ(switched.created, 35);
  EXPECT_EQ(switched.pending_after, 0);
  EXPECT_GE(to_a.faults_done(), 1);

  // Now B goes away and A answers again.
  (void)kiosk.SubmitMany(40);
  b.Stop();
  to_a.SetPolicy([] { return FaultProxy::Pass(); });
  kiosk.SetServers({b.url(), to_a.url()});
  sync::CycleReport back_on_a = kiosk.SyncOnce();
  EXPECT_FALSE(back_on_a.error.has_value()) << back_on_a.error->message;
  EXPECT_EQ(back_on_a.created, 40);

  // Both down: nothing is lost, nothing is marked delivered.
  (void)kiosk.SubmitMany(5);
  a.Stop();
  sync::CycleReport both_down = kiosk.SyncOnce();
  ASSERT_TRUE(both_down.error.has_value());
  EXPECT_EQ(both_down.error->kind, ErrorKind::kUnavailable);
  EXPECT_EQ(both_down.pending_after, 5);

  EXPECT_EQ(db.Count("SELECT count(*) FROM applications"), 100);
  EXPECT_EQ(db.Count("SELECT count(DISTINCT uuid) FROM applications"), 100);
  const auto server_receipts = ServerReceipts(db);
  const auto kiosk_receipts = KioskReceipts(kiosk.store());
  EXPECT_EQ(kiosk_receipts.size(), 100u);
  EXPECT_EQ(kiosk_receipts, server_receipts);
}

TEST_F(ExactlyOnce, TheSameBatchPushedToBothCopiesAtOnceIsStoredOnce) {
  TestServer a(db.url());
  TestServer b(db.url());
  ASSERT_TRUE(a.ok() && b.ok());
  TestKiosk kiosk;
  ASSERT_TRUE(kiosk.Enroll(a.core().pool(), {a.url()}));
  (void)kiosk.SubmitMany(120);
  auto due = kiosk.store().applications().ListDueOutbox(std::chrono::system_clock::now(), 500);
  ASSERT_TRUE(due.ok());
  protocol::PushRequest request;
  for (const OutboxItem& item : *due) {
    request.items.push_back({item.uuid,
                             item.app_number,
                             item.service_code,
                             item.catalog_version,
                             item.payload_format,
                             item.payload,
                             "",
                             {},
                             "",
                             "",
                             0});
  }

  // Several rounds of two clients racing with the same items, one per copy.
  std::vector<protocol::PushResponse> answers(2);
  for (int round = 0; round < 3; ++round) {
    std::vector<std::thread> threads;
    for (int i = 0; i < 2; ++i) {
      threads.emplace_back([&, i] {
        sync::CurlTransport transport(kiosk.options.curl);
        sync::DeviceCredentials c = kiosk.credentials;
        c.server_urls = {i == 0 ? a.url() : b.url()};
        sync::ApiClient api(transport, c);
        auto response = api.Push(request);
        // A copy that lost an insert race may answer 503 "retry" (the protocol's
        // answer to a unique violation): the kiosk retries, so does this test.
        for (int retry = 0; retry < 3 && !response.ok() &&
                            response.error().kind == ErrorKind::kUnavailable;
             ++retry) {
          response = api.Push(request);
        }
        ASSERT_TRUE(response.ok()) << response.error().message;
        answers[i] = *response;
      });
    }
    for (std::thread& t : threads) t.join();
    ASSERT_EQ(answers[0].results.size(), request.items.size());
    ASSERT_EQ(answers[1].results.size(), request.items.size());
    int created = 0;
    for (size_t k = 0; k < request.items.size(); ++k) {
      const auto& x = answers[0].results[k];
      const auto& y = answers[1].results[k];
      EXPECT_NE(x.outcome, protocol::PushOutcome::kRejected) << x.reason;
      EXPECT_NE(y.outcome, protocol::PushOutcome::kRejected) << y.reason;
      EXPECT_EQ(x.receipt, y.receipt) << "both copies must give the one receipt";
      created += (x.outcome == protocol::PushOutcome::kCreated) +
                 (y.outcome == protocol::PushOutcome::kCreated);
    }
    EXPECT_EQ(created, round == 0 ? 120 : 0) << "round " << round;
  }
  EXPECT_EQ(db.Count("SELECT count(*) FROM applications"), 120);
}

}  // namespace
}  // namespace yimen::testing
