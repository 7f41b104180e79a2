// yimen-server under systemd (packaging/systemd/yimen-server.service, Type=notify):
// READY=1 once the socket listens, WATCHDOG=1 only while the server proves it still
// serves, STOPPING=1 on the way out. The datagrams go through platform/sd_notify.h,
// the kiosk's own sender: no libsystemd. Outside systemd every call is a no-op.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "platform/sd_notify.h"
#include "server/http_frontend.h"

namespace yimen::server {

class SystemdWatchdog {
 public:
  // Reads $NOTIFY_SOCKET and $WATCHDOG_USEC. `frontend` must outlive this object.
  explicit SystemdWatchdog(HttpFrontend& frontend);
  // Stop().
  ~SystemdWatchdog();
  SystemdWatchdog(const SystemdWatchdog&) = delete;
  SystemdWatchdog& operator=(const SystemdWatchdog&) = delete;

  // Sends READY=1 with a STATUS= line, and with a watchdog (WatchdogSec=) starts a
  // thread that, every half period, asks the frontend for a liveness probe
  // (HttpFrontend::Probe) and sends WATCHDOG=1 only when the probe came back. Call
  // once, after Bind. Any thread.
  void Ready(const std::string& status);
  // Sends STOPPING=1. Any thread, also the signal thread.
  void Stopping();
  // Ends the watchdog thread. Idempotent; call before the frontend goes away.
  void Stop();

 private:
  void Run(int64_t interval_ms);

  // What a probe touches: shared with it, so a probe still queued on a worker when
  // this object goes away finds it alive.
  struct Shared {
    platform::SystemdNotifier notifier;
    std::atomic<bool> probe_pending{false};  // set by Run, cleared by the probe
  };

  HttpFrontend& m_frontend;
  std::shared_ptr<Shared> m_shared = std::make_shared<Shared>();
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stop = false;  // guarded by m_mutex
  std::thread m_thread;
};

}  // namespace yimen::server
