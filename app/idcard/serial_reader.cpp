#include "idcard/serial_reader.h"

#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "common/wipe.h"

namespace yimen::idcard {
namespace {

using Clock = std::chrono::steady_clock;

Error Unavailable(const std::string& message, const char* code) {
  return MakeError(ErrorKind::kUnavailable, message, code);
}

}  // namespace

SerialReader::SerialReader(std::string path, SerialOptions options)
    : m_path(std::move(path)), m_options(options) {}

SerialReader::~SerialReader() { Close(); }

void SerialReader::Close() {
  if (m_fd >= 0) ::close(m_fd);
  m_fd = -1;
}

Status SerialReader::EnsureOpen() {
  if (m_fd >= 0) return Status::Ok();
  const int fd = ::open(m_path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    return Unavailable("cannot open " + m_path + ": " + std::strerror(errno), kCodeNoDevice);
  }
  termios tio{};
  if (::tcgetattr(fd, &tio) != 0) {
    const int err = errno;
    ::close(fd);
    return Unavailable(m_path + " is not a serial device: " + std::strerror(err), kCodeNoDevice);
  }
  // Raw bytes, 115200 8N1, no flow control, no modem lines: what every SAM reader speaks.
  ::cfmakeraw(&tio);
  tio.c_cflag &= ~static_cast<tcflag_t>(CSTOPB | PARENB | CRTSCTS | CSIZE);
  tio.c_cflag |= CS8 | CLOCAL | CREAD;
  tio.c_cc[VMIN] = 0;
  tio.c_cc[VTIME] = 0;
  ::cfsetispeed(&tio, B115200);
  ::cfsetospeed(&tio, B115200);
  if (::tcsetattr(fd, TCSANOW, &tio) != 0) {
    const int err = errno;
    ::close(fd);
    return Unavailable("cannot set " + m_path + " to 115200 8N1: " + std::strerror(err),
                       kCodeNoDevice);
  }
  ::tcflush(fd, TCIOFLUSH);
  m_fd = fd;
  m_parser.Reset();
  return Status::Ok();
}

Result<Response> SerialReader::TransactOnce(Command command, int timeout_ms) {
  // An answer to an earlier command we gave up on must not be taken for this one's.
  ::tcflush(m_fd, TCIFLUSH);
  m_parser.Reset();
  const std::vector<uint8_t> frame = EncodeRequest(command);
  size_t sent = 0;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (sent < frame.size()) {
    const ssize_t n = ::write(m_fd, frame.data() + sent, frame.size() - sent);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR) {
      const int err = errno;
      Close();
      return Unavailable("write to " + m_path + ": " + std::strerror(err), kCodeNoDevice);
    }
    if (Clock::now() >= deadline) return Unavailable("write timed out", kCodeTimeout);
    pollfd pfd{m_fd, POLLOUT, 0};
    ::poll(&pfd, 1, 10);
  }
  bool corrupted = false;
  std::vector<uint8_t> body;
  uint8_t chunk[512];
  for (;;) {
    for (;;) {
      const FrameParser::Event event = m_parser.Next(&body);
      if (event == FrameParser::Event::kNeedMore) break;
      if (event != FrameParser::Event::kFrame) {
        corrupted = true;
        continue;
      }
      Response response;
      if (!ParseResponse(body, &response)) {
        corrupted = true;
        continue;
      }
      return response;
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      if (corrupted) return Unavailable("corrupted answer from " + m_path, kCodeBadFrame);
      return Unavailable("no answer from " + m_path + " in " + std::to_string(timeout_ms) + " ms",
                         kCodeTimeout);
    }
    pollfd pfd{m_fd, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(left));
    if (ready < 0 && errno != EINTR) {
      Close();
      return Unavailable("poll on " + m_path + " failed", kCodeNoDevice);
    }
    if (ready <= 0) continue;
    if ((pfd.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0 && (pfd.revents & POLLIN) == 0) {
      Close();
      return Unavailable(m_path + " went away", kCodeNoDevice);
    }
    const ssize_t n = ::read(m_fd, chunk, sizeof chunk);
    if (n > 0) {
      m_parser.Feed(std::span<const uint8_t>(chunk, static_cast<size_t>(n)));
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
      Close();
      return Unavailable(m_path + " went away", kCodeNoDevice);
    }
  }
}

Result<Response> SerialReader::Transact(Command command, int timeout_ms) {
  if (Status open = EnsureOpen(); !open.ok()) return open.error();
  Result<Response> last = Unavailable("no attempt", kCodeTimeout);
  for (int attempt = 0; attempt < std::max(1, m_options.attempts); ++attempt) {
    last = TransactOnce(command, timeout_ms);
    if (!last.ok()) {
      if (last.error().code == kCodeNoDevice) return last;
      continue;  // a timeout or a corrupted answer: once more
    }
    // The reader got our frame corrupted: say it again.
    if (last->sw3 == sw3::kChecksumError || last->sw3 == sw3::kLengthError) continue;
    return last;
  }
  if (last.ok()) {
    return Unavailable(std::string("reader keeps answering ") + Sw3Name(last->sw3), kCodeBadFrame);
  }
  return last;
}

Status SerialReader::Check() {
  Result<Response> status = Transact(kSamStatus, m_options.reply_timeout_ms);
  if (!status.ok()) return status.error();
  if (status->sw3 != sw3::kOk) {
    return Unavailable(std::string("SAM status: ") + Sw3Name(status->sw3), kCodeReader);
  }
  return Status::Ok();
}

Result<bool> SerialReader::CardPresent() {
  Result<Response> found = Transact(kFindCard, m_options.reply_timeout_ms);
  if (!found.ok()) return found.error();
  if (found->sw3 == sw3::kFindOk) return true;
  if (found->sw3 == sw3::kNoCard) return false;
  return Unavailable(std::string("find card: ") + Sw3Name(found->sw3), kCodeReader);
}

Result<CardRead> SerialReader::Read() {
  Result<bool> present = CardPresent();
  if (!present.ok()) return present.error();
  if (!*present) return MakeError(ErrorKind::kNotFound, "no card");
  Result<Response> selected = Transact(kSelectCard, m_options.reply_timeout_ms);
  if (!selected.ok()) return selected.error();
  if (selected->sw3 != sw3::kOk) {
    // Found a moment ago and now not selectable: it was taken away.
    return Unavailable(std::string("select card: ") + Sw3Name(selected->sw3), kCodeCardLifted);
  }
  Result<Response> base = Transact(kReadBase, m_options.read_timeout_ms);
  if (!base.ok()) return base.error();
  if (base->sw3 == sw3::kReadFailed) {
    return Unavailable("read failed: the card left mid-read", kCodeCardLifted);
  }
  if (base->sw3 != sw3::kOk) {
    return Unavailable(std::string("read card: ") + Sw3Name(base->sw3), kCodeReader);
  }
  Result<CardRead> read = ParseBaseMessage(base->data);
  yimen::Wipe(&base->data);
  if (!read.ok()) {
    return Unavailable("card data: " + read.error().message, kCodeBadCard);
  }
  return read;
}

}  // namespace yimen::idcard
