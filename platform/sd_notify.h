// systemd's notify protocol without libsystemd: "READY=1" when the first frame is up,
// "WATCHDOG=1" while the main loop turns (a hung UI thread stops the pings and systemd
// restarts the kiosk), "STOPPING=1" on the way out. A datagram to $NOTIFY_SOCKET; a
// no-op when the kiosk does not run under systemd.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace yimen::platform {

class SystemdNotifier {
 public:
  // Reads $NOTIFY_SOCKET and $WATCHDOG_USEC once.
  SystemdNotifier();
  bool Enabled() const { return !m_socket.empty(); }
  // Sends one message ("READY=1"); false when not under systemd or on a send error.
  bool Notify(std::string_view message) const;
  // Milliseconds between watchdog pings (half of WatchdogSec), -1 without a watchdog.
  int64_t WatchdogIntervalMs() const { return m_watchdog_ms; }

 private:
  std::string m_socket;
  int64_t m_watchdog_ms = -1;
};

}  // namespace yimen::platform
