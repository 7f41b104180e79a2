// libFuzzer: the ID-card reader's byte stream (app/idcard). A reader, a USB adapter or
// a broken cable can send anything, so whatever arrives, in whatever pieces, must come
// out as frames, dropped frames or "need more", never a crash, a hang or a buffer that
// grows without bound; frames that parse go on to the base-message and text decoders.
// Input: byte 0 picks the piece size (1..32), the rest is the stream.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "idcard/card_text.h"
#include "idcard/sam_protocol.h"

using yimen::idcard::FrameParser;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t piece = 1 + data[0] % 32;
  const std::span<const uint8_t> stream(data + 1, size - 1);
  FrameParser parser;
  std::vector<uint8_t> body;
  for (size_t at = 0; at < stream.size(); at += piece) {
    parser.Feed(stream.subspan(at, std::min(piece, stream.size() - at)));
    for (;;) {
      const FrameParser::Event event = parser.Next(&body);
      if (event == FrameParser::Event::kNeedMore) break;
      if (event != FrameParser::Event::kFrame) continue;
      // A frame that parsed is its own encoding.
      const std::vector<uint8_t> again = yimen::idcard::EncodeFrame(body);
      FrameParser check;
      check.Feed(again);
      std::vector<uint8_t> body2;
      if (check.Next(&body2) != FrameParser::Event::kFrame || body2 != body) std::abort();
      yimen::idcard::Response response;
      if (!yimen::idcard::ParseResponse(body, &response)) continue;
      auto read = yimen::idcard::ParseBaseMessage(response.data);
      if (read.ok()) {
        (void)yimen::idcard::NationName(read->text.nation_code);
        yimen::idcard::Wipe(&read.value());
      }
    }
    // What is buffered never exceeds one frame's worth.
    if (parser.Buffered() > yimen::idcard::kHeadBytes + yimen::idcard::kMaxBodyBytes + 1 + piece) {
      std::abort();
    }
  }
  // The text decoder on raw bytes too.
  if (stream.size() >= yimen::idcard::kTextBytes) {
    auto text = yimen::idcard::DecodeCardText(stream.first(yimen::idcard::kTextBytes));
    if (text.ok()) yimen::idcard::Wipe(&text.value());
  }
  return 0;
}
