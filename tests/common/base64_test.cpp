// Tests common/base64: the one codec of keys, signatures, boxes and photos.
#include "common/base64.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace yimen {
namespace {

TEST(Base64, EncodesStandardWithPadding) {
  EXPECT_EQ(Base64Encode(std::string_view("foob")), "Zm9vYg==");
  EXPECT_EQ(Base64Encode(std::string_view("")), "");
  const std::vector<uint8_t> bytes = {0xff, 0xfe, 0x00};
  EXPECT_EQ(Base64Encode(std::span<const uint8_t>(bytes)), "//4A");
}

TEST(Base64, DecodesWhatItEncodesWithEveryByteValue) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  auto back = Base64Decode(Base64Encode(all));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, all);
}

TEST(Base64, RefusesStrayBytesTrailingTextAndMissingPadding) {
  for (const char* bad : {"Zm9vYg", "Zm9vYg==x", "Zm9v Yg==", "Zm9vYg==\n", "Zm9v*g==", "====="}) {
    auto decoded = Base64Decode(bad);
    ASSERT_FALSE(decoded.ok()) << bad;
    EXPECT_EQ(decoded.error().kind, ErrorKind::kInvalidArgument);
    EXPECT_EQ(decoded.error().message, "malformed base64");
  }
}

TEST(Base64, SkipsWhitespaceOnlyWhenAsked) {
  auto wrapped = Base64Decode("Zm9v\r\nYg==\n", Base64Spaces::kSkip);
  ASSERT_TRUE(wrapped.ok());
  EXPECT_EQ(*wrapped, "foob");
  EXPECT_FALSE(Base64Decode("Zm9v\r\nYg==\n").ok());
  EXPECT_FALSE(Base64Decode("Zm9v#Yg==", Base64Spaces::kSkip).ok());
}

}  // namespace
}  // namespace yimen
