// The kiosk's side of photos from a resident's phone, on its own thread (docs/devices.md
// "Photos from a phone"), like the ID-card poller: the UI thread asks (Open, Close) and
// reads (Take) and never waits on the network. For each link the worker makes a fresh
// one-time key (sync/client/phone_box.h), asks the server for the link with its own
// ApiClient and transport (not the sync engine's: a push of a large application must not
// hold up a resident watching the QR code), polls for sealed files, opens them and hands
// the plaintext over, and spends the link when it is no longer wanted.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "session/phone.h"
#include "sync/client/api_client.h"
#include "sync/client/phone_box.h"
#include "sync/client/transport.h"

namespace yimen::phone {

struct PhoneWorkerOptions {
  // Between polls while a link is open. The resident stands at the kiosk watching for
  // the photo; a phone on mobile data needs several seconds to send one anyway, so 2 s
  // adds little to what they wait, and one small signed GET every 2 s, only while the
  // phone page is up, is at most 300 requests a link — nothing for the server.
  std::chrono::milliseconds poll_interval{2000};
  // After failed polls the wait doubles (4, 8, 16 s) up to this, so a kiosk whose line
  // dropped does not hammer the server when it returns.
  std::chrono::milliseconds max_backoff{16000};
  // A link the server has not yet called expired is taken as expired this long after its
  // time (a kiosk offline at the end would otherwise show the code for ever).
  std::chrono::milliseconds expiry_grace{15000};
};

class PhoneWorker final : public session::PhoneLinkPort {
 public:
  using TransportFactory = std::function<std::unique_ptr<sync::Transport>()>;
  // `make_transport` runs on the worker's thread; `wake` is called there whenever the
  // state changes or a photo arrived (the kiosk wakes its loop with it).
  PhoneWorker(TransportFactory make_transport, sync::DeviceCredentials credentials,
              PhoneWorkerOptions options, std::function<void()> wake);
  ~PhoneWorker() override;  // Stop()
  PhoneWorker(const PhoneWorker&) = delete;
  PhoneWorker& operator=(const PhoneWorker&) = delete;

  void Start();
  // Spends an open link (one request, bounded by the transport's timeouts), wipes the
  // key and every photo not taken, joins the thread.
  void Stop();

  void Open(int max_files) override;
  void Close() override;
  session::PhoneLinkStatus Take(std::vector<std::vector<uint8_t>>* files) override;
  int64_t NowMs() const override;

 private:
  using Clock = std::chrono::steady_clock;
  void Run();
  void CreateLink(uint64_t generation, int max_files);
  void PollOnce();
  void Spend();
  // Sets the state (unless a newer Open/Close came meanwhile) and wakes the UI.
  void Publish(uint64_t generation, const std::function<void(session::PhoneLinkStatus*)>& change);
  void FailPoll(const Error& error);

  TransportFactory m_make_transport;
  sync::DeviceCredentials m_credentials;
  const PhoneWorkerOptions m_options;
  std::function<void()> m_wake;
  std::thread m_thread;

  // The worker thread's own.
  std::unique_ptr<sync::Transport> m_transport;
  std::unique_ptr<sync::ApiClient> m_api;
  std::unique_ptr<sync::PhoneKey> m_key;
  std::string m_link_id;
  uint64_t m_link_generation = 0;
  int m_after = 0;
  int m_failures = 0;
  Clock::time_point m_next_poll;
  Clock::time_point m_expires;

  mutable std::mutex m_mutex;  // guards the fields below
  std::condition_variable m_wake_worker;
  bool m_stop = false;
  bool m_open_wanted = false;
  bool m_close_wanted = false;
  int m_max_files = 0;
  session::PhoneLinkStatus m_status;
  std::vector<std::vector<uint8_t>> m_files;  // opened, not yet taken
};

}  // namespace yimen::phone
