// The watchdog pings only on evidence: each ping is sent by a probe that went through
// the I/O loop and a worker (HttpFrontend::Probe), and no second probe is asked for
// while one is outstanding, so a wedged loop or pool stops the pings and systemd
// restarts the server after WatchdogSec.
#include "server/systemd_watchdog.h"

#include <chrono>

namespace yimen::server {

SystemdWatchdog::SystemdWatchdog(HttpFrontend& frontend) : m_frontend(frontend) {}

SystemdWatchdog::~SystemdWatchdog() { Stop(); }

void SystemdWatchdog::Ready(const std::string& status) {
  if (!m_shared->notifier.Enabled()) return;
  (void)m_shared->notifier.Notify("READY=1\nSTATUS=" + status);
  const int64_t interval_ms = m_shared->notifier.WatchdogIntervalMs();
  if (interval_ms > 0 && !m_thread.joinable()) {
    m_thread = std::thread([this, interval_ms] { Run(interval_ms); });
  }
}

void SystemdWatchdog::Stopping() { (void)m_shared->notifier.Notify("STOPPING=1"); }

void SystemdWatchdog::Stop() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_wake.notify_all();
  if (m_thread.joinable()) m_thread.join();
}

void SystemdWatchdog::Run(int64_t interval_ms) {
  std::unique_lock lock(m_mutex);
  while (!m_stop) {
    if (!m_shared->probe_pending.exchange(true)) {
      m_frontend.Probe([shared = m_shared] {
        (void)shared->notifier.Notify("WATCHDOG=1");
        shared->probe_pending = false;
      });
    }
    m_wake.wait_for(lock, std::chrono::milliseconds(interval_ms), [this] { return m_stop; });
  }
}

}  // namespace yimen::server
