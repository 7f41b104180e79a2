// Photos from the resident's own phone, as the visit sees them (docs/devices.md "Photos
// from a phone"): a port to whatever asks the server for a one-time upload link and
// brings the photos back opened (app/phone/phone_worker.h does it on its own thread; the
// tests use a double). The session never waits on it: it asks, then reads the state.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace yimen::session {

enum class PhoneLinkState : uint8_t {
  kIdle,     // no link asked for (or it was closed)
  kAsking,   // asking the server for a link
  kOpen,     // the QR code is up; photos may come
  kDone,     // the phone said 完成, or the link took all its files
  kExpired,  // ten minutes passed: 重新生成
  kOffline,  // the server cannot be reached
  kOff,      // the server has no phone upload, or refuses this kiosk
};

struct PhoneLinkStatus {
  PhoneLinkState state = PhoneLinkState::kIdle;
  std::string url;            // what the QR code carries ("" until kOpen)
  int64_t expires_at_ms = 0;  // steady clock (PhoneLinkPort::NowMs), 0 until kOpen
  int max_files = 0;
  int received = 0;         // files the server took for this link
  int refused = 0;          // relayed files that did not open (tampered, wrong key)
  bool retrying = false;    // the last poll failed; the worker is backing off
  uint64_t generation = 0;  // counts links asked for, so a stale answer is told apart
};

class PhoneLinkPort {
 public:
  virtual ~PhoneLinkPort() = default;
  // Asks for a new link with a fresh key; an open one is spent first. Never blocks.
  virtual void Open(int max_files) = 0;
  // Spends the link (DELETE), wipes its key and any file not taken. Never blocks.
  virtual void Close() = 0;
  // The state now, and moves the photos that arrived (plaintext JPEG bytes, as the
  // phone sent them) into *files. The caller owns and wipes them.
  virtual PhoneLinkStatus Take(std::vector<std::vector<uint8_t>>* files) = 0;
  // The clock expires_at_ms is on.
  virtual int64_t NowMs() const = 0;
};

}  // namespace yimen::session
