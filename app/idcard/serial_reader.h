// The SAM protocol over a serial line (RS-232 adapter or the reader's own USB CDC-ACM
// device, /dev/ttyACM*): termios raw 115200 8N1, one command at a time, each answer
// awaited with a deadline and cut out of the byte stream by FrameParser.
#pragma once

#include <memory>
#include <string>

#include "idcard/reader.h"
#include "idcard/sam_protocol.h"

namespace yimen::idcard {

struct SerialOptions {
  int reply_timeout_ms = 500;  // find, select, status
  int read_timeout_ms = 2000;  // the base message: ~1.3 KB plus the card's own time
  int attempts = 2;            // a corrupted exchange is tried once more
};

class SerialReader : public IdCardReader {
 public:
  explicit SerialReader(std::string path, SerialOptions options = {});
  ~SerialReader() override;

  Status Check() override;
  Result<bool> CardPresent() override;
  Result<CardRead> Read() override;
  std::string Describe() const override { return "SAM serial " + m_path; }

  // One command and its answer (any SW3). kUnavailable with kCodeTimeout, kCodeBadFrame
  // or kCodeNoDevice.
  Result<Response> Transact(Command command, int timeout_ms);
  // Frames skipped or dropped so far (line noise), for tests and staff mode.
  size_t SkippedBytes() const { return m_parser.SkippedBytes(); }

 private:
  Status EnsureOpen();
  void Close();
  Result<Response> TransactOnce(Command command, int timeout_ms);

  const std::string m_path;
  const SerialOptions m_options;
  int m_fd = -1;
  FrameParser m_parser;
};

}  // namespace yimen::idcard
