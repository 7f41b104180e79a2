#include "idcard/poller.h"

#include <chrono>

namespace yimen::idcard {

const char* ReaderStateName(ReaderState state) {
  switch (state) {
    case ReaderState::kOff: return "off";
    case ReaderState::kStarting: return "starting";
    case ReaderState::kReady: return "ready";
    case ReaderState::kCardOn: return "card on";
    case ReaderState::kFailing: return "failing";
  }
  return "?";
}

IdCardPoller::IdCardPoller(Factory make, PollerOptions options, std::function<void()> on_card)
    : m_make(std::move(make)), m_options(options), m_on_card(std::move(on_card)) {
  m_status.state = ReaderState::kStarting;
}

IdCardPoller::~IdCardPoller() { Stop(); }

void IdCardPoller::Start() {
  if (m_thread.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_stop = false;
  }
  m_thread = std::thread([this]() { Run(); });
}

void IdCardPoller::Stop() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_stop = true;
  }
  m_wake.notify_all();
  if (m_thread.joinable()) m_thread.join();
  m_reader.reset();
  Discard();
}

bool IdCardPoller::TakeCard(CardRead* out, uint64_t* seq) {
  std::lock_guard<std::mutex> lock(m_mutex);
  if (!m_has_card) return false;
  Wipe(out);
  *out = std::move(m_card);
  m_card = CardRead();
  m_has_card = false;
  if (seq != nullptr) *seq = m_seq;
  return true;
}

void IdCardPoller::Discard() {
  std::lock_guard<std::mutex> lock(m_mutex);
  Wipe(&m_card);
  m_has_card = false;
}

ReaderStatus IdCardPoller::Status() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_status;
}

void IdCardPoller::PollNow() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_poll_now = true;
  }
  m_wake.notify_all();
}

void IdCardPoller::Fail(const Error& error) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_status.state = ReaderState::kFailing;
  m_status.last_error = error.message;
  ++m_status.failures;
}

void IdCardPoller::PollOnce() {
  if (m_reader == nullptr) {
    Result<std::unique_ptr<IdCardReader>> made = m_make();
    if (!made.ok()) {
      Fail(made.error());
      return;
    }
    m_reader = std::move(made.value());
    std::lock_guard<std::mutex> lock(m_mutex);
    m_status.description = m_reader->Describe();
  }
  if (!m_checked) {
    if (yimen::Status check = m_reader->Check(); !check.ok()) {
      Fail(check.error());
      return;
    }
    m_checked = true;
    std::lock_guard<std::mutex> lock(m_mutex);
    m_status.state = m_need_lift ? ReaderState::kCardOn : ReaderState::kReady;
  }
  if (m_need_lift) {
    Result<bool> present = m_reader->CardPresent();
    if (!present.ok()) {
      m_checked = false;  // ask the reader how it is before trusting it again
      Fail(present.error());
      return;
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    if (!*present) {
      m_need_lift = false;
      m_status.state = ReaderState::kReady;
    } else {
      m_status.state = ReaderState::kCardOn;
    }
    return;
  }
  Result<CardRead> read = m_reader->Read();
  if (read.ok()) {
    m_need_lift = true;
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      Wipe(&m_card);  // an earlier read the UI never took
      m_card = std::move(read.value());
      m_has_card = true;
      ++m_seq;
      ++m_status.reads;
      m_status.state = ReaderState::kCardOn;
    }
    if (m_on_card) m_on_card();
    return;
  }
  const Error& error = read.error();
  if (error.kind == ErrorKind::kNotFound || error.code == kCodeCardLifted) {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (error.code == kCodeCardLifted) ++m_status.lifted_mid_read;
    m_status.state = ReaderState::kReady;
    return;
  }
  m_checked = false;
  Fail(error);
}

void IdCardPoller::Run() {
  for (;;) {
    PollOnce();
    std::unique_lock<std::mutex> lock(m_mutex);
    m_wake.wait_for(lock, std::chrono::milliseconds(m_options.interval_ms),
                    [this]() { return m_stop || m_poll_now; });
    m_poll_now = false;
    if (m_stop) return;
  }
}

}  // namespace yimen::idcard
