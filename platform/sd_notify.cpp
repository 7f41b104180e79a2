#include "platform/sd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>

namespace yimen::platform {

SystemdNotifier::SystemdNotifier() {
  if (const char* socket = std::getenv("NOTIFY_SOCKET"); socket && *socket) m_socket = socket;
  if (const char* usec = std::getenv("WATCHDOG_USEC"); usec && *usec) {
    long long value = std::atoll(usec);
    if (value > 0) m_watchdog_ms = value / 2000;  // ping at half the period
  }
}

bool SystemdNotifier::Notify(std::string_view message) const {
  if (m_socket.empty()) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (m_socket.size() >= sizeof(addr.sun_path)) return false;
  std::memcpy(addr.sun_path, m_socket.data(), m_socket.size());
  socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + m_socket.size());
  if (addr.sun_path[0] == '@') addr.sun_path[0] = '\0';  // abstract namespace
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  ssize_t sent = sendto(fd, message.data(), message.size(), MSG_NOSIGNAL,
                        reinterpret_cast<const sockaddr*>(&addr), len);
  close(fd);
  return sent == static_cast<ssize_t>(message.size());
}

}  // namespace yimen::platform
