// The kiosk works offline and then delivers everything once (issue 3, "Must show"),
// driven through the real binaries an operator uses: yimen-server, yimen-admin and
// `yimen-kiosk --enroll` / `--sync-once`. Applications are queued with the store
// library (the UI is not needed to fill an outbox). YIMEN_DRAIN_COUNT overrides the
// number of applications (default 200).
#include <gtest/gtest.h>

#include <cstdlib>
#include <set>

#include "server/server_test_support.h"

namespace yimen::testing {
namespace {

int DrainCount() {
  const char* text = std::getenv("YIMEN_DRAIN_COUNT");
  return text != nullptr && std::atoi(text) > 0 ? std::atoi(text) : 200;
}

// yimen-server as a child process; returns its port or 0.
std::unique_ptr<ChildProcess> StartServer(const std::string& pg_url, int port, int* bound_port) {
  auto child = std::make_unique<ChildProcess>(std::vector<std::string>{
      YIMEN_SERVER_BIN, "--pg", pg_url, "--listen", "127.0.0.1:" + std::to_string(port)});
  const std::string line = child->FirstLine();  // "listening on 127.0.0.1:PORT"
  const size_t colon = line.rfind(':');
  *bound_port = line.rfind("listening on", 0) == 0 && colon != std::string::npos
                    ? std::atoi(line.c_str() + colon + 1)
                    : 0;
  return child;
}

// `yimen-kiosk --data-dir DIR ARGS...`, or the same library call when this build
// has no kiosk binary (the sanitizer build leaves the windowed kiosk out).
int Kiosk(const std::string& dir, const std::vector<std::string>& args) {
#ifdef YIMEN_KIOSK_BIN
  std::vector<std::string> argv = {YIMEN_KIOSK_BIN, "--data-dir", dir};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv).exit_code;
#else
  if (args[0] == "--enroll") {
    auto store = Store::Open(dir);
    if (!store.ok()) return 1;
    return sync::EnrollKiosk(**store, {args[1]}, args[2]).ok() ? 0 : 1;
  }
  auto report = sync::RunSyncOnce(dir);
  return report.ok() && !report->error && report->pending_after == 0 ? 0 : 1;
#endif
}

TEST(Drain, QueuedWhileServerDownThenDeliveredOnceAndStatusComesBack) {
  ASSERT_TRUE(PgCluster::Get().ok()) << "no PostgreSQL";
  TestDatabase db;
  SyncTempDir kiosk_dir;
  const int count = DrainCount();

  int port = 0;
  auto server = StartServer(db.url(), 0, &port);
  ASSERT_GT(port, 0) << "yimen-server did not start";
  const std::string url = "http://127.0.0.1:" + std::to_string(port);

  // The office: an admin issues the code, a reviewer sets statuses (their roles).
  OfficeAdmin office(db.url());
  ASSERT_TRUE(office.Bootstrap());
  ASSERT_TRUE(office.AddAccount("reviewer-li", "reviewer"));
  CommandResult code = office.Run({"enroll-code", "--hall", "东门社区"});
  ASSERT_EQ(code.exit_code, 0);
  ASSERT_EQ(Kiosk(kiosk_dir.path(), {"--enroll", url, Trim(code.out)}), 0);

  // The server goes down; residents keep applying.
  EXPECT_EQ(server->Stop(), 0) << "yimen-server should exit cleanly on SIGTERM";
  std::vector<SubmittedApplication> submitted;
  {
    auto store = Store::Open(kiosk_dir.path());
    ASSERT_TRUE(store.ok());
    for (int i = 0; i < count; ++i) {
      auto s = (*store)->applications().Submit(SampleSyncApplication(i));
      ASSERT_TRUE(s.ok()) << s.error().message;
      submitted.push_back(*s);
    }
  }
  EXPECT_NE(Kiosk(kiosk_dir.path(), {"--sync-once"}), 0) << "nothing can be sent: exit non-zero";

  // The server comes back on its old address; one cycle drains the queue.
  server = StartServer(db.url(), port, &port);
  ASSERT_GT(port, 0) << "yimen-server did not restart";
  EXPECT_EQ(Kiosk(kiosk_dir.path(), {"--sync-once"}), 0);

  EXPECT_EQ(db.Count("SELECT count(*) FROM applications"), count);
  EXPECT_EQ(db.Count("SELECT count(DISTINCT uuid) FROM applications"), count);
  EXPECT_EQ(db.Count("SELECT count(DISTINCT app_number) FROM applications"), count);
  std::set<std::string> expected;
  for (const SubmittedApplication& s : submitted) expected.insert(s.uuid);
  {
    pqxx::connection c(db.url());
    pqxx::nontransaction tx(c);
    std::set<std::string> stored;
    for (const auto& row : tx.exec("SELECT uuid::text FROM applications")) {
      stored.insert(row[0].as<std::string>());
    }
    EXPECT_EQ(stored, expected);
  }

  // A reviewer sets two statuses with the admin tool; the kiosk pulls them.
  const std::string first = submitted.front().app_number;
  const std::string last = submitted.back().app_number;
  const auto reviewer = [&](std::vector<std::string> args) {
    return office.RunAs("reviewer-li", OfficeAdmin::kPassword, std::move(args)).exit_code;
  };
  EXPECT_EQ(reviewer({"set-status", first, "需补正", "--materials", "hukou", "--reason",
                      "请补交户口簿复印件"}),
            0);
  EXPECT_EQ(reviewer({"set-status", last, "已受理"}), 0);
  EXPECT_EQ(reviewer({"set-status", last, "不予批准", "--reason", "x"}), 1)
      << "a reviewer does not decide (docs/console.md \"Workflow\")";
  EXPECT_EQ(Kiosk(kiosk_dir.path(), {"--sync-once"}), 0);

  auto store = Store::Open(kiosk_dir.path());
  ASSERT_TRUE(store.ok());
  auto history = (*store)->status().StatusHistory(first);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].status, "需补正");
  // The material's name from the catalog, then the reviewer's note.
  EXPECT_NE((*history)[0].reason.find("户口簿"), std::string::npos) << (*history)[0].reason;
  EXPECT_NE((*history)[0].reason.find("。请补交户口簿复印件"), std::string::npos)
      << (*history)[0].reason;
  auto stub = (*store)->applications().FindByAppNumber(last);
  ASSERT_TRUE(stub.ok() && stub->has_value());
  EXPECT_EQ((*stub)->status, "已受理");
  EXPECT_EQ((*stub)->sync_state, SyncState::kDelivered);

  // The heartbeat told the central office the queue is empty.
  CommandResult kiosks = office.Run({"kiosks"});
  EXPECT_EQ(kiosks.exit_code, 0);
  EXPECT_EQ(db.Query("SELECT queue_depth FROM devices"), "0");
  EXPECT_NE(kiosks.out.find("东门社区"), std::string::npos) << kiosks.out;
}

}  // namespace
}  // namespace yimen::testing
