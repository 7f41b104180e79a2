#include "host/receipt_journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

namespace yimen::host {

ReceiptJournal::ReceiptJournal(const char* path) {
  if (!path || !*path) return;
  m_fd = ::open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (m_fd < 0) std::fprintf(stderr, "receipt journal: cannot open %s\n", path);
}

ReceiptJournal::~ReceiptJournal() {
  if (m_fd >= 0) ::close(m_fd);
}

void ReceiptJournal::Shown(const std::string& app_number) {
  if (m_fd < 0 || app_number == m_last) return;
  m_last = app_number;
  const std::string line = app_number + "\n";
  if (::write(m_fd, line.data(), line.size()) != static_cast<ssize_t>(line.size()) ||
      ::fsync(m_fd) != 0) {
    std::fprintf(stderr, "receipt journal: write failed\n");
  }
}

}  // namespace yimen::host
