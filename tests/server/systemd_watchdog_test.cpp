// yimen-server's side of systemd's notify protocol (server/systemd_watchdog.h): READY=1
// with a status, WATCHDOG=1 only while the frontend's I/O loop and workers turn (a
// server that stops serving stops pinging, so systemd restarts it), STOPPING=1.
// In-process, against a real ServerCore on PostgreSQL and a stand-in for systemd.
#include "server/systemd_watchdog.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "platform/fake_systemd.h"
#include "server/server_test_support.h"

namespace yimen::testing {
namespace {

// Counts WATCHDOG=1 messages arriving within `ms`.
int PingsWithin(FakeSystemd& systemd, int ms) {
  int pings = 0;
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < end) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now());
    if (systemd.Receive(static_cast<int>(left.count()) + 1) == "WATCHDOG=1") ++pings;
  }
  return pings;
}

TEST(SystemdWatchdog, PingsOnlyWhileTheFrontendServes) {
  ASSERT_TRUE(PgCluster::Get().ok()) << "no PostgreSQL";
  TestDatabase db;
  server::ServerOptions options;
  options.pg_url = db.url();
  auto core = server::ServerCore::Open(options);
  ASSERT_TRUE(core.ok()) << core.error().message;
  server::ListenOptions listen;
  listen.port = 0;
  listen.log = [](const std::string&) {};
  auto frontend = server::HttpFrontend::Bind(**core, listen);
  ASSERT_TRUE(frontend.ok()) << frontend.error().message;

  FakeSystemd systemd;
  setenv("NOTIFY_SOCKET", systemd.path().c_str(), 1);
  setenv("WATCHDOG_USEC", "200000", 1);  // a probe every 100 ms
  server::SystemdWatchdog watchdog(**frontend);
  unsetenv("NOTIFY_SOCKET");
  unsetenv("WATCHDOG_USEC");

  watchdog.Ready("listening on 127.0.0.1:" + std::to_string((*frontend)->port()));
  EXPECT_EQ(systemd.Receive(1000),
            "READY=1\nSTATUS=listening on 127.0.0.1:" + std::to_string((*frontend)->port()));
  // Bound but not serving: the I/O loop does not turn, so no probe comes back. Six
  // watchdog periods pass without a ping.
  EXPECT_EQ(PingsWithin(systemd, 600), 0);

  std::thread serving([&] { (*frontend)->Serve(); });
  // Serving: the outstanding probe comes back, then one each 100 ms. Generous bound:
  // the machine may be loaded; 3 pings show the loop, not just the first probe.
  const int serving_pings = PingsWithin(systemd, 3000);
  std::printf("[measured] %d WATCHDOG=1 in 3 s of serving (one per 100 ms expected)\n",
              serving_pings);
  EXPECT_GE(serving_pings, 3);

  (*frontend)->Stop();
  serving.join();
  (void)PingsWithin(systemd, 100);  // a probe already on a worker may still land
  EXPECT_EQ(PingsWithin(systemd, 600), 0) << "pings after the frontend stopped serving";

  watchdog.Stopping();
  EXPECT_EQ(systemd.Receive(1000), "STOPPING=1");
  watchdog.Stop();
}

}  // namespace
}  // namespace yimen::testing
