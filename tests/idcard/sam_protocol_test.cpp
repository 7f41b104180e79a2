// The SAM frame codec: what goes on the wire and how a stream of bytes in any pieces,
// with noise and corrupted frames, is cut back into frames.
#include "idcard/sam_protocol.h"

#include <gtest/gtest.h>

namespace yimen::idcard {
namespace {

std::vector<uint8_t> Bytes(std::initializer_list<int> list) {
  std::vector<uint8_t> out;
  for (int b : list) out.push_back(static_cast<uint8_t>(b));
  return out;
}

TEST(SamFrames, RequestsAreTheBytesEveryReaderKnows) {
  // Published by reader vendors; the checksum covers the length bytes through PARA.
  EXPECT_EQ(EncodeRequest(kFindCard),
            Bytes({0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x03, 0x20, 0x01, 0x22}));
  EXPECT_EQ(EncodeRequest(kSelectCard),
            Bytes({0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x03, 0x20, 0x02, 0x21}));
  EXPECT_EQ(EncodeRequest(kReadBase),
            Bytes({0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x03, 0x30, 0x01, 0x32}));
  EXPECT_EQ(EncodeRequest(kResetSam),
            Bytes({0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x03, 0x10, 0xFF, 0xEC}));
  EXPECT_EQ(EncodeRequest(kSamStatus),
            Bytes({0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x03, 0x11, 0xFF, 0xED}));
}

TEST(SamFrames, ResponsesParseToStatusAndData) {
  // "No card": AA AA AA 96 69 00 04 00 00 80 84.
  const auto no_card = Bytes({0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x04, 0x00, 0x00, 0x80, 0x84});
  EXPECT_EQ(EncodeResponse(sw3::kNoCard), no_card);
  FrameParser parser;
  parser.Feed(no_card);
  std::vector<uint8_t> body;
  ASSERT_EQ(parser.Next(&body), FrameParser::Event::kFrame);
  Response response;
  ASSERT_TRUE(ParseResponse(body, &response));
  EXPECT_EQ(response.sw3, sw3::kNoCard);
  EXPECT_TRUE(response.data.empty());
  EXPECT_EQ(parser.Next(&body), FrameParser::Event::kNeedMore);
}

TEST(SamFrames, OneByteAtATimeMakesTheSameFrame) {
  const std::vector<uint8_t> data(1284, 0x33);
  const auto frame = EncodeResponse(sw3::kOk, data);
  FrameParser parser;
  std::vector<uint8_t> body;
  for (size_t i = 0; i + 1 < frame.size(); ++i) {
    parser.Feed(std::span<const uint8_t>(&frame[i], 1));
    ASSERT_EQ(parser.Next(&body), FrameParser::Event::kNeedMore) << "after byte " << i;
  }
  parser.Feed(std::span<const uint8_t>(&frame.back(), 1));
  ASSERT_EQ(parser.Next(&body), FrameParser::Event::kFrame);
  Response response;
  ASSERT_TRUE(ParseResponse(body, &response));
  EXPECT_EQ(response.data, data);
}

TEST(SamFrames, NoiseBeforeAFrameIsSkippedAndCounted) {
  auto stream = Bytes({0x00, 0xAA, 0xAA, 0x13, 0x96, 0x69, 0xAA});
  const auto frame = EncodeResponse(sw3::kFindOk, Bytes({0, 0, 0, 0}));
  stream.insert(stream.end(), frame.begin(), frame.end());
  FrameParser parser;
  parser.Feed(stream);
  std::vector<uint8_t> body;
  ASSERT_EQ(parser.Next(&body), FrameParser::Event::kFrame);
  EXPECT_EQ(body[2], sw3::kFindOk);
  EXPECT_EQ(parser.SkippedBytes(), 7u);
}

TEST(SamFrames, AWrongChecksumDropsTheFrameAndTheNextOneStillArrives) {
  auto bad = EncodeResponse(sw3::kOk, Bytes({1, 2, 3}));
  bad.back() ^= 0xFF;
  const auto good = EncodeResponse(sw3::kNoCard);
  FrameParser parser;
  parser.Feed(bad);
  parser.Feed(good);
  std::vector<uint8_t> body;
  EXPECT_EQ(parser.Next(&body), FrameParser::Event::kBadChecksum);
  ASSERT_EQ(parser.Next(&body), FrameParser::Event::kFrame);
  EXPECT_EQ(body[2], sw3::kNoCard);
}

TEST(SamFrames, AHugeOrTinyLengthIsNotWaitedFor) {
  // A preamble in noise followed by a length of 65535 must not make the parser wait for
  // 64 KB while the real answer sits behind it.
  auto stream = Bytes({0xAA, 0xAA, 0xAA, 0x96, 0x69, 0xFF, 0xFF});
  const auto tiny = Bytes({0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x01, 0x01});
  const auto good = EncodeResponse(sw3::kOk);
  stream.insert(stream.end(), tiny.begin(), tiny.end());
  stream.insert(stream.end(), good.begin(), good.end());
  FrameParser parser;
  parser.Feed(stream);
  std::vector<uint8_t> body;
  FrameParser::Event event;
  int bad = 0;
  while ((event = parser.Next(&body)) == FrameParser::Event::kBadLength) ++bad;
  EXPECT_EQ(bad, 2);
  ASSERT_EQ(event, FrameParser::Event::kFrame);
  EXPECT_EQ(body[2], sw3::kOk);
}

TEST(SamFrames, NoiseAloneKeepsOnlyAPossiblePreambleStart) {
  FrameParser parser;
  const std::vector<uint8_t> noise(10000, 0x11);
  parser.Feed(noise);
  std::vector<uint8_t> body;
  EXPECT_EQ(parser.Next(&body), FrameParser::Event::kNeedMore);
  EXPECT_LE(parser.Buffered(), 4u);
}

}  // namespace
}  // namespace yimen::idcard
