// A SAM ID-card reader that lives on a pseudo-terminal: the kiosk's SerialReader opens
// the pty's device path as it would /dev/ttyUSB0 and speaks real frames to it. Tests use
// it to play the faults a hall's reader shows (answers in pieces, wrong checksums,
// silence, no card, a card lifted mid-read, line noise); UI scripts place and lift cards
// on it (`card place FILE`, docs/ui-scripts.md). Never used outside tests and scripts.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "domain/result.h"
#include "idcard/card_text.h"

namespace yimen::idcard {

// Faults to play; each "next" counter is spent one answer at a time.
struct SimFaults {
  bool split_answers = false;          // write every answer in pieces of 1..7 bytes, 0.2 ms apart
  size_t garbage_before = 0;           // random noise bytes before every answer
  int bad_checksum_next = 0;           // the next N answers carry a wrong checksum
  int silent_next = 0;                 // the next N commands get no answer at all
  bool lift_during_read = false;       // the next read fails with 0x41 and the card is gone
  int answer_delay_ms = 0;             // the reader's own thinking time before each answer
  int line_baud = 0;                   // > 0: answers no faster than this line (a pty has no rate)
  bool corrupt_requests_seen = false;  // (out) a request arrived with a bad checksum
};

class SamSimulator {
 public:
  // Opens a pty (raw, so nothing is echoed) and starts answering on its own thread.
  static Result<std::unique_ptr<SamSimulator>> Start();
  ~SamSimulator();
  SamSimulator(const SamSimulator&) = delete;
  SamSimulator& operator=(const SamSimulator&) = delete;

  // The device the reader opens (/dev/pts/N).
  const std::string& DevicePath() const { return m_path; }
  void PlaceCard(const CardText& text, std::vector<uint8_t> photo = {});
  void LiftCard();
  bool CardOn() const;
  void SetFaults(const SimFaults& faults);
  SimFaults Faults() const;
  // Closes the master side: the reader sees its device go away.
  void Unplug();

  // Commands answered so far, by kind.
  int FindCount() const { return m_finds.load(); }
  int ReadCount() const { return m_reads.load(); }

  // A card file (key = value lines: name, sex, nation, birth, address, id_number,
  // authority, valid_from, valid_until; '#' comments) to card text.
  static Result<CardText> LoadCardFile(const std::string& path);

 private:
  SamSimulator() = default;
  void Run();
  std::vector<uint8_t> Answer(const std::vector<uint8_t>& body);
  void Send(std::vector<uint8_t> frame);

  int m_master = -1;
  int m_slave = -1;  // kept open so the master never reads EIO while the reader reopens
  std::string m_path;
  std::thread m_thread;
  std::atomic<bool> m_stop{false};
  std::atomic<int> m_finds{0};
  std::atomic<int> m_reads{0};
  mutable std::mutex m_mutex;  // guards the fields below
  bool m_card_on = false;
  std::vector<uint8_t> m_base;  // the base message of the card on the reader
  SimFaults m_faults;
  uint32_t m_noise = 0x2545F491;
};

}  // namespace yimen::idcard
