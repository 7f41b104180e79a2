// The systemd notify protocol against a real unix datagram socket standing in for
// systemd: what the kiosk sends is what systemd would read.
#include "platform/sd_notify.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace yimen::platform {
namespace {

class FakeSystemd {
 public:
  FakeSystemd() {
    char dir[] = "/tmp/yimen-sdnotify-XXXXXX";
    m_dir = mkdtemp(dir);
    m_path = m_dir + "/notify";
    m_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", m_path.c_str());
    EXPECT_EQ(bind(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  }
  ~FakeSystemd() {
    close(m_fd);
    unlink(m_path.c_str());
    rmdir(m_dir.c_str());
  }
  const std::string& path() const { return m_path; }
  std::string Receive() {
    char buf[256];
    ssize_t n = recv(m_fd, buf, sizeof buf, MSG_DONTWAIT);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
  }

 private:
  std::string m_dir, m_path;
  int m_fd = -1;
};

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
