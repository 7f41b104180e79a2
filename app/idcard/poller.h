// The reader on its own thread: about once a second it looks for a card and reads it,
// so the UI never waits on a serial line. After a read, the next read waits until the
// card has been lifted (a card left lying on the reader is read once, not every second).
// A reader that is absent or failing is retried quietly; the forms work as without one
// and staff mode shows the state (docs/devices.md "What staff see").
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "domain/result.h"
#include "idcard/card_text.h"
#include "idcard/reader.h"

namespace yimen::idcard {

enum class ReaderState : uint8_t {
  kOff,       // no reader configured
  kStarting,  // opening, not yet answered
  kReady,     // answering, no card
  kCardOn,    // a card was read and is still on the reader
  kFailing,   // cannot open it, or it stopped answering properly
};
const char* ReaderStateName(ReaderState state);

// What staff mode shows. Plain data, copied out under the poller's lock.
struct ReaderStatus {
  ReaderState state = ReaderState::kOff;
  std::string description;  // "SAM serial /dev/ttyUSB0"
  std::string last_error;   // the latest failure ("" until one), no personal data
  uint64_t reads = 0;       // cards read
  uint64_t failures = 0;    // polls that failed
  uint64_t lifted_mid_read = 0;
};

struct PollerOptions {
  int interval_ms = 1000;  // between polls
};

class IdCardPoller {
 public:
  using Factory = std::function<Result<std::unique_ptr<IdCardReader>>()>;
  // `make` opens the reader (on the poller's thread, again after a failure); `on_card`
  // is called on the poller's thread after a read is ready to take (wake the UI there).
  IdCardPoller(Factory make, PollerOptions options, std::function<void()> on_card);
  ~IdCardPoller();  // Stop()
  IdCardPoller(const IdCardPoller&) = delete;
  IdCardPoller& operator=(const IdCardPoller&) = delete;

  void Start();
  // Joins the thread (at most one reader timeout) and wipes a read not taken.
  void Stop();

  // Moves the newest read not yet taken into *out (wiping what *out held). False when
  // there is none. `placed_seq` counts reads, for the caller's logs and tests.
  bool TakeCard(CardRead* out, uint64_t* seq = nullptr);
  // Wipes a read not yet taken (the session ended before the UI took it).
  void Discard();
  ReaderStatus Status() const;
  // Polls at once instead of waiting out the interval (tests, benchmarks).
  void PollNow();

 private:
  void Run();
  void PollOnce();
  void Fail(const Error& error);

  Factory m_make;
  const PollerOptions m_options;
  std::function<void()> m_on_card;
  std::thread m_thread;
  std::unique_ptr<IdCardReader> m_reader;  // the poller thread's
  bool m_need_lift = false;                // the poller thread's
  bool m_checked = false;                  // the poller thread's

  mutable std::mutex m_mutex;  // guards the fields below
  std::condition_variable m_wake;
  bool m_stop = false;
  bool m_poll_now = false;
  bool m_has_card = false;
  CardRead m_card;
  uint64_t m_seq = 0;
  ReaderStatus m_status;
};

}  // namespace yimen::idcard
