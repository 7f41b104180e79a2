// The systemd notify protocol against a real unix datagram socket standing in for
// systemd: what the kiosk sends is what systemd would read.
#include "platform/sd_notify.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "platform/fake_systemd.h"

namespace yimen::platform {
namespace {

using yimen::testing::FakeSystemd;

TEST(SystemdNotifier, SendsReadyAndWatchdogToNotifySocket) {
  FakeSystemd systemd;
  setenv("NOTIFY_SOCKET", systemd.path().c_str(), 1);
  setenv("WATCHDOG_USEC", "30000000", 1);
  SystemdNotifier notifier;
  unsetenv("NOTIFY_SOCKET");
  unsetenv("WATCHDOG_USEC");
  ASSERT_TRUE(notifier.Enabled());
  EXPECT_EQ(notifier.WatchdogIntervalMs(), 15000);  // half of WatchdogSec=30
  EXPECT_TRUE(notifier.Notify("READY=1"));
  EXPECT_EQ(systemd.Receive(), "READY=1");
  EXPECT_TRUE(notifier.Notify("WATCHDOG=1"));
  EXPECT_EQ(systemd.Receive(), "WATCHDOG=1");
}

TEST(SystemdNotifier, IsSilentOutsideSystemd) {
  unsetenv("NOTIFY_SOCKET");
  unsetenv("WATCHDOG_USEC");
  SystemdNotifier notifier;
  EXPECT_FALSE(notifier.Enabled());
  EXPECT_EQ(notifier.WatchdogIntervalMs(), -1);
  EXPECT_FALSE(notifier.Notify("READY=1"));
}

}  // namespace
}  // namespace yimen::platform
