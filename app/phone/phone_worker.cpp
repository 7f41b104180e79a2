// The phone-upload worker (phone_worker.h): one link at a time, asked for, polled and
// spent on the worker's thread; the UI thread only flips wishes and copies state.
#include "phone/phone_worker.h"

#include <algorithm>
#include <cstdio>

#include "common/wipe.h"

namespace yimen::phone {
namespace {

using session::PhoneLinkState;

void WipeAll(std::vector<std::vector<uint8_t>>* files) {
  for (auto& file : *files) Wipe(&file);
  files->clear();
}

// What a failed create means for the resident: no phone upload here, or no network.
PhoneLinkState StateOfFailure(const Error& error) {
  if (error.code == "phone_upload_off") return PhoneLinkState::kOff;
  // A refused kiosk (revoked, not allowed) cannot use it either; waiting will not help.
  if (error.kind == ErrorKind::kRejected || error.kind == ErrorKind::kNotFound) {
    return PhoneLinkState::kOff;
  }
  return PhoneLinkState::kOffline;
}

}  // namespace

PhoneWorker::PhoneWorker(TransportFactory make_transport, sync::DeviceCredentials credentials,
                         PhoneWorkerOptions options, std::function<void()> wake)
    : m_make_transport(std::move(make_transport)),
      m_credentials(std::move(credentials)),
      m_options(options),
      m_wake(std::move(wake)) {}

PhoneWorker::~PhoneWorker() { Stop(); }

void PhoneWorker::Start() {
  if (m_thread.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_stop = false;
  }
  m_thread = std::thread([this] { Run(); });
}

void PhoneWorker::Stop() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_stop = true;
    WipeAll(&m_files);
  }
  m_wake_worker.notify_all();
  if (m_thread.joinable()) m_thread.join();
}

void PhoneWorker::Open(int max_files) {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_open_wanted = true;
    m_close_wanted = false;
    m_max_files = max_files;
    const uint64_t generation = m_status.generation + 1;
    m_status = session::PhoneLinkStatus{};
    m_status.state = PhoneLinkState::kAsking;
    m_status.generation = generation;
  }
  m_wake_worker.notify_all();
}

void PhoneWorker::Close() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_open_wanted = false;
    m_close_wanted = true;
    const uint64_t generation = m_status.generation + 1;
    m_status = session::PhoneLinkStatus{};
    m_status.generation = generation;
    WipeAll(&m_files);  // the resident left: what came and was not taken goes
  }
  m_wake_worker.notify_all();
}

session::PhoneLinkStatus PhoneWorker::Take(std::vector<std::vector<uint8_t>>* files) {
  std::lock_guard<std::mutex> lock(m_mutex);
  for (auto& file : m_files) files->push_back(std::move(file));
  m_files.clear();
  return m_status;
}

int64_t PhoneWorker::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch())
      .count();
}

void PhoneWorker::Run() {
  m_transport = m_make_transport();
  m_api = std::make_unique<sync::ApiClient>(*m_transport, m_credentials);
  std::unique_lock<std::mutex> lock(m_mutex);
  while (!m_stop) {
    if (m_close_wanted) {
      m_close_wanted = false;
      lock.unlock();
      Spend();
      lock.lock();
      continue;
    }
    if (m_open_wanted) {
      m_open_wanted = false;
      const uint64_t generation = m_status.generation;
      const int max_files = m_max_files;
      lock.unlock();
      Spend();  // the link before this one, if any
      CreateLink(generation, max_files);
      lock.lock();
      continue;
    }
    if (!m_link_id.empty()) {
      if (Clock::now() >= m_next_poll) {
        lock.unlock();
        PollOnce();
        lock.lock();
        continue;
      }
      m_wake_worker.wait_until(lock, m_next_poll);
    } else {
      m_wake_worker.wait(lock);
    }
  }
  lock.unlock();
  Spend();
  m_api.reset();
  m_transport.reset();
}

void PhoneWorker::Publish(uint64_t generation,
                          const std::function<void(session::PhoneLinkStatus*)>& change) {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_status.generation != generation) return;  // the resident moved on meanwhile
    change(&m_status);
  }
  if (m_wake) m_wake();
}

void PhoneWorker::CreateLink(uint64_t generation, int max_files) {
  Result<std::unique_ptr<sync::PhoneKey>> key = sync::PhoneKey::Make();
  if (!key.ok()) {
    std::fprintf(stderr, "phone: %s\n", key.error().message.c_str());
    Publish(generation, [](session::PhoneLinkStatus* s) { s->state = PhoneLinkState::kOff; });
    return;
  }
  protocol::PhoneLinkRequest request;
  request.public_key = (*key)->PublicKeyBase64();
  request.max_files = std::clamp(max_files, 1, protocol::kPhoneLinkMaxFiles);
  Result<protocol::PhoneLink> link = m_api->CreatePhoneLink(request);
  if (!link.ok()) {
    std::fprintf(stderr, "phone: no link: %s\n", link.error().message.c_str());
    const PhoneLinkState state = StateOfFailure(link.error());
    Publish(generation, [state](session::PhoneLinkStatus* s) { s->state = state; });
    return;  // the key goes with `key`, wiped
  }
  m_key = std::move(*key);
  m_link_id = link->link_id;
  m_link_generation = generation;
  m_after = 0;
  m_failures = 0;
  const Clock::time_point now = Clock::now();
  m_expires = now + std::chrono::seconds(std::max<int64_t>(0, link->expires_in_s));
  m_next_poll = now + m_options.poll_interval;
  const int64_t expires_at_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(m_expires.time_since_epoch()).count();
  std::fprintf(stderr, "phone: link open for %lld s\n", static_cast<long long>(link->expires_in_s));
  Publish(generation, [&](session::PhoneLinkStatus* s) {
    s->state = PhoneLinkState::kOpen;
    s->url = link->url;
    s->expires_at_ms = expires_at_ms;
    s->max_files = link->max_files;
  });
}

void PhoneWorker::FailPoll(const Error& error) {
  ++m_failures;
  std::fprintf(stderr, "phone: poll failed (%d): %s\n", m_failures, error.message.c_str());
  const auto wait =
      std::min(m_options.max_backoff, m_options.poll_interval * (1 << std::min(m_failures, 6)));
  m_next_poll = Clock::now() + wait;
  Publish(m_link_generation, [](session::PhoneLinkStatus* s) { s->retrying = true; });
}

void PhoneWorker::PollOnce() {
  if (Clock::now() > m_expires + m_options.expiry_grace) {  // the server never said so
    Publish(m_link_generation,
            [](session::PhoneLinkStatus* s) { s->state = PhoneLinkState::kExpired; });
    Spend();
    return;
  }
  Result<protocol::PhoneFiles> got = m_api->GetPhoneFiles(m_link_id, m_after);
  if (!got.ok()) {
    FailPoll(got.error());
    return;
  }
  m_failures = 0;
  m_next_poll = Clock::now() + m_options.poll_interval;
  std::vector<std::vector<uint8_t>> opened;
  int refused = 0;
  for (protocol::PhoneFile& file : got->files) {
    if (file.seq <= m_after) continue;  // a repeat after a lost reply
    m_after = file.seq;
    Result<std::vector<uint8_t>> plain = m_key->Open(file.sealed, protocol::kPhoneMaxSealedBytes);
    Wipe(&file.sealed);
    if (!plain.ok()) {
      std::fprintf(stderr, "phone: file %d refused: %s\n", file.seq, plain.error().message.c_str());
      ++refused;
      continue;
    }
    opened.push_back(std::move(plain).value());
  }
  const std::string& state = got->state;
  const PhoneLinkState next = state == "open"   ? PhoneLinkState::kOpen
                              : state == "done" ? PhoneLinkState::kDone
                                                : PhoneLinkState::kExpired;  // expired, spent
  const uint64_t generation = m_link_generation;
  bool stale = false;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    stale = m_status.generation != generation;
    if (!stale) {
      for (auto& file : opened) m_files.push_back(std::move(file));
      m_status.state = next;
      m_status.received = got->received;
      m_status.refused += refused;
      m_status.retrying = false;
    }
  }
  WipeAll(&opened);  // when stale: nobody wants them any more
  if (!stale && m_wake) m_wake();
  if (next != PhoneLinkState::kOpen) Spend();  // done or expired: nothing more can come
}

void PhoneWorker::Spend() {
  if (!m_link_id.empty()) {
    if (Status spent = m_api->SpendPhoneLink(m_link_id); !spent.ok()) {
      // The server forgets an unspent link at its expiry anyway; the key is gone here.
      std::fprintf(stderr, "phone: spend failed: %s\n", spent.error().message.c_str());
    }
    m_link_id.clear();
  }
  m_key.reset();  // sodium_memzero + sodium_free
  m_after = 0;
}

}  // namespace yimen::phone
