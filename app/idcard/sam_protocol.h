// The serial protocol of the second-generation ID-card (二代证) readers: a reader holds a
// SAM (security module) that the host drives with framed commands at 115200 8N1, over an
// RS-232 port or a USB CDC device (docs/devices.md "The SAM protocol").
//
//   request:  AA AA AA 96 69 | Len (2, big-endian) | CMD PARA | data | XOR
//   response: AA AA AA 96 69 | Len (2, big-endian) | SW1 SW2 SW3 | data | XOR
//
// Len counts the bytes after itself (the checksum included); the checksum is the XOR of
// the two length bytes through the last data byte. Everything here is pure bytes: no
// device, no thread, so the fuzz build (tests/fuzz) and the simulator share it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace yimen::idcard {

inline constexpr uint8_t kPreamble[5] = {0xAA, 0xAA, 0xAA, 0x96, 0x69};
// A frame's head: preamble and length.
inline constexpr size_t kHeadBytes = 7;
// No reply the kiosk asks for is longer than the base message (3 + 4 + 256 + 1024 + 1);
// the fingerprint read some readers offer is about 2.4 KB. Anything above this is noise
// that happened to contain a preamble, not a frame.
inline constexpr size_t kMaxBodyBytes = 4096;

struct Command {
  uint8_t cmd = 0;
  uint8_t para = 0;
  friend bool operator==(const Command&, const Command&) = default;
};
inline constexpr Command kResetSam{0x10, 0xFF};
inline constexpr Command kSamStatus{0x11, 0xFF};
inline constexpr Command kFindCard{0x20, 0x01};
inline constexpr Command kSelectCard{0x20, 0x02};
inline constexpr Command kReadBase{0x30, 0x01};  // text and photo

// SW3, the status byte of a response.
namespace sw3 {
inline constexpr uint8_t kOk = 0x90;
inline constexpr uint8_t kFindOk = 0x9F;
inline constexpr uint8_t kNoCard = 0x80;  // find card failed
inline constexpr uint8_t kSelectFailed = 0x81;
inline constexpr uint8_t kReadFailed = 0x41;     // typically: the card left mid-read
inline constexpr uint8_t kChecksumError = 0x10;  // the reader got our frame corrupted
inline constexpr uint8_t kLengthError = 0x11;
inline constexpr uint8_t kCommandError = 0x21;
}  // namespace sw3

// A whole frame for `body` (CMD PARA data, or SW1 SW2 SW3 data): preamble, length,
// body, checksum. Any thread.
std::vector<uint8_t> EncodeFrame(std::span<const uint8_t> body);
std::vector<uint8_t> EncodeRequest(Command command, std::span<const uint8_t> data = {});
// A reader's answer with SW1 SW2 = 00 00 (for the simulator and tests).
std::vector<uint8_t> EncodeResponse(uint8_t status, std::span<const uint8_t> data = {});

// XOR of `bytes`.
uint8_t Checksum(std::span<const uint8_t> bytes);

// Cuts frames out of a byte stream as it arrives, in any pieces. Bytes before a preamble
// are skipped (line noise, a reader's boot banner, the tail of a frame we gave up on); a
// frame whose checksum or length is wrong is dropped and the search goes on one byte
// further, so a corrupted length cannot swallow the frame behind it. One thread.
class FrameParser {
 public:
  enum class Event : uint8_t {
    kNeedMore,     // no whole frame buffered yet
    kFrame,        // *body holds one frame's body (without length and checksum)
    kBadChecksum,  // a frame's checksum did not match; dropped
    kBadLength,    // a length too short or above kMaxBodyBytes; dropped
  };

  void Feed(std::span<const uint8_t> bytes);
  // The next event from what is buffered; call until kNeedMore.
  Event Next(std::vector<uint8_t>* body);
  // Forgets everything buffered (a new command is about to be sent).
  void Reset();
  // Bytes thrown away while looking for a preamble, since construction.
  size_t SkippedBytes() const { return m_skipped; }
  size_t Buffered() const { return m_buffer.size(); }

 private:
  void Drop(size_t count);
  std::vector<uint8_t> m_buffer;
  size_t m_skipped = 0;
};

// A reader's response, from a frame body.
struct Response {
  uint8_t sw1 = 0, sw2 = 0, sw3 = 0;
  std::vector<uint8_t> data;
};
// False when the body is shorter than the three status bytes.
bool ParseResponse(std::span<const uint8_t> body, Response* out);

// What the kiosk calls an SW3 in logs and staff mode ("no card", "checksum error"...).
const char* Sw3Name(uint8_t status);

}  // namespace yimen::idcard
