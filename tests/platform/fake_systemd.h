// systemd's end of the notify protocol for tests: a unix datagram socket in a temp
// directory whose path goes in $NOTIFY_SOCKET; what arrives is what systemd would
// read. Used by the kiosk's notifier test and the server's watchdog test.
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

namespace yimen::testing {

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
  FakeSystemd(const FakeSystemd&) = delete;
  FakeSystemd& operator=(const FakeSystemd&) = delete;

  const std::string& path() const { return m_path; }
  // The next message, waiting up to `timeout_ms` for it; "" when none came.
  std::string Receive(int timeout_ms = 0) {
    pollfd ready{m_fd, POLLIN, 0};
    if (poll(&ready, 1, timeout_ms) <= 0) return "";
    char buf[256];
    ssize_t n = recv(m_fd, buf, sizeof buf, MSG_DONTWAIT);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
  }

 private:
  std::string m_dir, m_path;
  int m_fd = -1;
};

}  // namespace yimen::testing
