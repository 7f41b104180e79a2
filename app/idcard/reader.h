// One ID-card reader, whatever speaks to it: the SAM serial protocol (serial_reader.h) or
// a vendor's SDK behind the small C ABI of vendor_abi.h (vendor_reader.h). The poller
// (poller.h) drives either from its own thread; nothing here knows about the UI.
#pragma once

#include <string>

#include "domain/result.h"
#include "idcard/card_text.h"

namespace yimen::idcard {

// Error codes (Error::code) a reader reports; callers branch on these, never on text.
inline constexpr const char* kCodeNoDevice = "no_device";      // cannot open or it went away
inline constexpr const char* kCodeTimeout = "timeout";         // no answer in time
inline constexpr const char* kCodeBadFrame = "bad_frame";      // corrupted answers, again
inline constexpr const char* kCodeCardLifted = "card_lifted";  // the card left mid-read
inline constexpr const char* kCodeBadCard = "bad_card";        // the card's data is malformed
inline constexpr const char* kCodeReader = "reader_error";     // the reader said it failed

class IdCardReader {
 public:
  virtual ~IdCardReader() = default;
  IdCardReader() = default;
  IdCardReader(const IdCardReader&) = delete;
  IdCardReader& operator=(const IdCardReader&) = delete;

  // Opens the device (again, after it went away) and asks it whether it is healthy.
  virtual Status Check() = 0;
  // Is a card on the reader? Cheap: used while waiting for the card to be lifted.
  virtual Result<bool> CardPresent() = 0;
  // Reads the card on the reader. kNotFound (no code) when there is none; kUnavailable
  // with one of the codes above otherwise.
  virtual Result<CardRead> Read() = 0;
  // "SAM serial /dev/ttyUSB0" or "vendor libfoo.so", for logs and staff mode.
  virtual std::string Describe() const = 0;
};

}  // namespace yimen::idcard
