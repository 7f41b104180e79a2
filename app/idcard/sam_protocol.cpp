#include "idcard/sam_protocol.h"

#include <algorithm>

namespace yimen::idcard {

uint8_t Checksum(std::span<const uint8_t> bytes) {
  uint8_t x = 0;
  for (uint8_t b : bytes) x ^= b;
  return x;
}

std::vector<uint8_t> EncodeFrame(std::span<const uint8_t> body) {
  const size_t len = body.size() + 1;  // the checksum counts
  std::vector<uint8_t> frame(std::begin(kPreamble), std::end(kPreamble));
  frame.push_back(static_cast<uint8_t>(len >> 8));
  frame.push_back(static_cast<uint8_t>(len & 0xFF));
  frame.insert(frame.end(), body.begin(), body.end());
  frame.push_back(Checksum(std::span<const uint8_t>(frame).subspan(5)));
  return frame;
}

std::vector<uint8_t> EncodeRequest(Command command, std::span<const uint8_t> data) {
  std::vector<uint8_t> body{command.cmd, command.para};
  body.insert(body.end(), data.begin(), data.end());
  return EncodeFrame(body);
}

std::vector<uint8_t> EncodeResponse(uint8_t status, std::span<const uint8_t> data) {
  std::vector<uint8_t> body{0x00, 0x00, status};
  body.insert(body.end(), data.begin(), data.end());
  return EncodeFrame(body);
}

void FrameParser::Feed(std::span<const uint8_t> bytes) {
  m_buffer.insert(m_buffer.end(), bytes.begin(), bytes.end());
}

void FrameParser::Reset() { m_buffer.clear(); }

void FrameParser::Drop(size_t count) {
  m_buffer.erase(m_buffer.begin(), m_buffer.begin() + static_cast<std::ptrdiff_t>(count));
}

FrameParser::Event FrameParser::Next(std::vector<uint8_t>* body) {
  // Find the preamble; keep a tail that may be its beginning.
  const auto at =
      std::search(m_buffer.begin(), m_buffer.end(), std::begin(kPreamble), std::end(kPreamble));
  if (at == m_buffer.end()) {
    const size_t keep = std::min(m_buffer.size(), sizeof kPreamble - 1);
    m_skipped += m_buffer.size() - keep;
    Drop(m_buffer.size() - keep);
    return Event::kNeedMore;
  }
  const auto skip = static_cast<size_t>(at - m_buffer.begin());
  m_skipped += skip;
  Drop(skip);
  if (m_buffer.size() < kHeadBytes) return Event::kNeedMore;
  const size_t len = (static_cast<size_t>(m_buffer[5]) << 8) | m_buffer[6];
  // A body of at least two bytes (CMD PARA) and the checksum.
  if (len < 3 || len - 1 > kMaxBodyBytes) {
    Drop(1);
    return Event::kBadLength;
  }
  if (m_buffer.size() < kHeadBytes + len) return Event::kNeedMore;
  // The length's two bytes and the body: everything between preamble and checksum.
  const std::span<const uint8_t> covered(m_buffer.data() + 5, len + 1);
  const uint8_t want = m_buffer[kHeadBytes + len - 1];
  if (Checksum(covered) != want) {
    Drop(1);
    return Event::kBadChecksum;
  }
  body->assign(m_buffer.begin() + kHeadBytes,
               m_buffer.begin() + static_cast<std::ptrdiff_t>(kHeadBytes + len - 1));
  Drop(kHeadBytes + len);
  return Event::kFrame;
}

bool ParseResponse(std::span<const uint8_t> body, Response* out) {
  if (body.size() < 3) return false;
  out->sw1 = body[0];
  out->sw2 = body[1];
  out->sw3 = body[2];
  out->data.assign(body.begin() + 3, body.end());
  return true;
}

const char* Sw3Name(uint8_t status) {
  switch (status) {
    case sw3::kOk: return "ok";
    case sw3::kFindOk: return "card found";
    case sw3::kNoCard: return "no card";
    case sw3::kSelectFailed: return "select failed";
    case sw3::kReadFailed: return "read failed";
    case sw3::kChecksumError: return "checksum error (reader side)";
    case sw3::kLengthError: return "length error (reader side)";
    case sw3::kCommandError: return "command error";
    default: return "error";
  }
}

}  // namespace yimen::idcard
