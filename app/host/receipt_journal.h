// Test-only (env YIMEN_TEST_RECEIPT_JOURNAL=FILE): one line per receipt, appended and
// fsync'ed right after the receipt screen is first drawn, so the crash-loop test
// (tests/faults/) knows which applications a resident saw acknowledged before a SIGKILL.
// Only the application number goes in: no personal data.
#pragma once

#include <string>

namespace yimen::host {

class ReceiptJournal {
 public:
  // No path (null or ""): records nothing. A path that cannot be opened is said on
  // stderr and records nothing.
  explicit ReceiptJournal(const char* path);
  ~ReceiptJournal();
  ReceiptJournal(const ReceiptJournal&) = delete;
  ReceiptJournal& operator=(const ReceiptJournal&) = delete;

  // Records `app_number` once (the receipt screen is drawn many times).
  void Shown(const std::string& app_number);

 private:
  int m_fd = -1;
  std::string m_last;
};

}  // namespace yimen::host
