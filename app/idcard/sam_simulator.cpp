#include "idcard/sam_simulator.h"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "common/wipe.h"
#include "idcard/sam_protocol.h"

namespace yimen::idcard {

Result<std::unique_ptr<SamSimulator>> SamSimulator::Start() {
  std::unique_ptr<SamSimulator> sim(new SamSimulator());
  termios raw{};
  ::cfmakeraw(&raw);
  ::cfsetispeed(&raw, B115200);
  ::cfsetospeed(&raw, B115200);
  char name[128] = {};
  if (::openpty(&sim->m_master, &sim->m_slave, name, &raw, nullptr) != 0) {
    return MakeError(ErrorKind::kUnavailable, std::string("openpty: ") + std::strerror(errno));
  }
  ::fcntl(sim->m_master, F_SETFD, FD_CLOEXEC);
  ::fcntl(sim->m_slave, F_SETFD, FD_CLOEXEC);
  ::fcntl(sim->m_master, F_SETFL, ::fcntl(sim->m_master, F_GETFL) | O_NONBLOCK);
  sim->m_path = name;
  sim->m_thread = std::thread([s = sim.get()]() { s->Run(); });
  return sim;
}

SamSimulator::~SamSimulator() {
  m_stop = true;
  if (m_thread.joinable()) m_thread.join();
  if (m_master >= 0) ::close(m_master);
  if (m_slave >= 0) ::close(m_slave);
  yimen::Wipe(&m_base);
}

void SamSimulator::PlaceCard(const CardText& text, std::vector<uint8_t> photo) {
  if (photo.empty()) photo.assign(kPhotoBytes, 0x57);  // stands for the WLT bytes
  std::lock_guard<std::mutex> lock(m_mutex);
  m_base = EncodeBaseMessage(text, photo);
  m_card_on = true;
}

void SamSimulator::LiftCard() {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_card_on = false;
}

bool SamSimulator::CardOn() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_card_on;
}

void SamSimulator::SetFaults(const SimFaults& faults) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_faults = faults;
}

SimFaults SamSimulator::Faults() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_faults;
}

void SamSimulator::Unplug() {
  m_stop = true;
  if (m_thread.joinable()) m_thread.join();
  if (m_slave >= 0) ::close(m_slave);
  if (m_master >= 0) ::close(m_master);
  m_slave = m_master = -1;
}

std::vector<uint8_t> SamSimulator::Answer(const std::vector<uint8_t>& body) {
  const Command command{body[0], body[1]};
  std::lock_guard<std::mutex> lock(m_mutex);
  if (command == kResetSam || command == kSamStatus) return EncodeResponse(sw3::kOk);
  if (command == kFindCard) {
    ++m_finds;
    const uint8_t zeros[4] = {};
    return m_card_on ? EncodeResponse(sw3::kFindOk, zeros) : EncodeResponse(sw3::kNoCard);
  }
  if (command == kSelectCard) {
    const uint8_t zeros[8] = {};
    return m_card_on ? EncodeResponse(sw3::kOk, zeros) : EncodeResponse(sw3::kSelectFailed);
  }
  if (command == kReadBase) {
    ++m_reads;
    if (m_faults.lift_during_read) {
      m_faults.lift_during_read = false;
      m_card_on = false;
    }
    if (!m_card_on) return EncodeResponse(sw3::kReadFailed);
    return EncodeResponse(sw3::kOk, m_base);
  }
  return EncodeResponse(sw3::kCommandError);
}

void SamSimulator::Send(std::vector<uint8_t> frame) {
  SimFaults faults;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    faults = m_faults;
    if (m_faults.bad_checksum_next > 0) --m_faults.bad_checksum_next;
    for (size_t i = 0; i < faults.garbage_before; ++i) {
      m_noise = m_noise * 1103515245u + 12345u;
      // Noise never holds 0xAA, so it cannot start a preamble of its own.
      uint8_t b = static_cast<uint8_t>(m_noise >> 16);
      if (b == 0xAA) b = 0x55;
      frame.insert(frame.begin(), b);
    }
  }
  if (faults.bad_checksum_next > 0) frame.back() ^= 0x5A;
  if (faults.answer_delay_ms > 0) ::usleep(static_cast<useconds_t>(faults.answer_delay_ms) * 1000);
  size_t at = 0;
  size_t piece = 1;
  while (at < frame.size() && !m_stop) {
    size_t want = faults.split_answers ? std::min(piece, frame.size() - at) : frame.size() - at;
    if (faults.line_baud > 0) {
      // The bytes arrive no sooner than the line carries them: ten bits a byte on 8N1.
      want = std::min<size_t>(want, 64);
      ::usleep(static_cast<useconds_t>(static_cast<long long>(want) * 10 * 1'000'000LL /
                                       faults.line_baud));
    }
    const ssize_t n = ::write(m_master, frame.data() + at, want);
    if (n > 0) {
      at += static_cast<size_t>(n);
      if (faults.split_answers) {
        piece = piece % 7 + 1;
        ::usleep(200);  // about the line rate of 115200 baud
      }
    } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
      return;
    } else {
      pollfd pfd{m_master, POLLOUT, 0};
      ::poll(&pfd, 1, 10);
    }
  }
}

void SamSimulator::Run() {
  FrameParser parser;
  std::vector<uint8_t> body;
  uint8_t chunk[512];
  while (!m_stop) {
    pollfd pfd{m_master, POLLIN, 0};
    if (::poll(&pfd, 1, 20) <= 0) continue;
    const ssize_t n = ::read(m_master, chunk, sizeof chunk);
    if (n <= 0) {
      ::usleep(5000);
      continue;
    }
    parser.Feed(std::span<const uint8_t>(chunk, static_cast<size_t>(n)));
    for (;;) {
      const FrameParser::Event event = parser.Next(&body);
      if (event == FrameParser::Event::kNeedMore) break;
      if (event == FrameParser::Event::kBadChecksum) {
        {
          std::lock_guard<std::mutex> lock(m_mutex);
          m_faults.corrupt_requests_seen = true;
        }
        Send(EncodeResponse(sw3::kChecksumError));
        continue;
      }
      if (event != FrameParser::Event::kFrame) continue;
      if (body.size() < 2) {
        Send(EncodeResponse(sw3::kLengthError));
        continue;
      }
      {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (m_faults.silent_next > 0) {
          --m_faults.silent_next;
          continue;
        }
      }
      Send(Answer(body));
    }
  }
}

Result<CardText> SamSimulator::LoadCardFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return MakeError(ErrorKind::kNotFound, "cannot read card file " + path);
  CardText text;
  std::string line;
  int number = 0;
  auto refuse = [&path, &number](const std::string& why) {
    std::string message = path;
    message += ":" + std::to_string(number) + ": ";
    message += why;
    return MakeError(ErrorKind::kInvalidArgument, message);
  };
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    const size_t eq = line.find('=');
    if (eq == std::string::npos) {
      return refuse("expected key = value");
    }
    auto trim = [](std::string s) {
      while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
      while (!s.empty() && s.front() == ' ') s.erase(s.begin());
      return s;
    };
    const std::string key = trim(line.substr(0, eq));
    std::string value = trim(line.substr(eq + 1));
    std::string* slot = key == "name"          ? &text.name
                        : key == "sex"         ? &text.sex_code
                        : key == "nation"      ? &text.nation_code
                        : key == "birth"       ? &text.birth
                        : key == "address"     ? &text.address
                        : key == "id_number"   ? &text.id_number
                        : key == "authority"   ? &text.authority
                        : key == "valid_from"  ? &text.valid_from
                        : key == "valid_until" ? &text.valid_until
                                               : nullptr;
    if (slot == nullptr) {
      return refuse("unknown key " + key);
    }
    *slot = std::move(value);
  }
  return text;
}

}  // namespace yimen::idcard
