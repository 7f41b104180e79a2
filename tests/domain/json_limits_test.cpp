// app/domain/json_limits.cpp: depth-limited parsing never builds (or recurses into) deep
// input, and NUL text is found wherever it hides.
#include "domain/json_limits.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

namespace yimen {
namespace {

std::string Nested(int depth, char open, char close, const std::string& inner = "") {
  return std::string(static_cast<size_t>(depth), open) + inner +
         std::string(static_cast<size_t>(depth), close);
}

TEST(JsonLimits, HundredThousandDeepArraysAreRefusedWithoutRecursion) {
  const std::string deep = Nested(100000, '[', ']');
  const auto start = std::chrono::steady_clock::now();
  auto parsed = ParseJsonWithin(deep);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::printf("100,000-deep array refused in %.2f ms\n", ms);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().kind, ErrorKind::kInvalidArgument);
  EXPECT_EQ(parsed.error().message, "nested deeper than 64 levels");
}

TEST(JsonLimits, HundredThousandDeepObjectsAreRefused) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "{\"a\":";
  deep += "1";
  deep += std::string(100000, '}');
  auto parsed = ParseJsonWithin(deep);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().message.find("deeper than 64"), std::string::npos);
  // Unbalanced deep input (never closed) is refused the same way.
  EXPECT_FALSE(ParseJsonWithin(std::string(100000, '[')).ok());
}

TEST(JsonLimits, TheLimitIsExact) {
  EXPECT_TRUE(ParseJsonWithin(Nested(64, '[', ']')).ok());
  EXPECT_FALSE(ParseJsonWithin(Nested(65, '[', ']')).ok());
  EXPECT_TRUE(ParseJsonWithin(Nested(3, '[', ']'), 3).ok());
  EXPECT_FALSE(ParseJsonWithin(Nested(4, '[', ']'), 3).ok());
  auto scalar = ParseJsonWithin("\"text\"", 0);
  ASSERT_TRUE(scalar.ok());
  EXPECT_EQ(*scalar, "text");
}

TEST(JsonLimits, ParsesWhatItAcceptsExactlyAsNlohmannDoes) {
  const std::string text =
      R"({"a":[1,2.5,-3,true,null,"文字"],"b":{"c":{"d":18446744073709551615}}})";
  auto parsed = ParseJsonWithin(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(*parsed, nlohmann::json::parse(text));
}

TEST(JsonLimits, SyntaxErrorsAndBadUtf8AreRefusedWithAPrintableReason) {
  for (const std::string& bad :
       {std::string(""), std::string("{"), std::string("[1,]"), std::string("{\"a\":1} x"),
        std::string("\"\xff\xfe\""), std::string("{\"a\":\"\xc0\xaf\"}")}) {
    auto parsed = ParseJsonWithin(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().kind, ErrorKind::kInvalidArgument);
    for (char ch : parsed.error().message) EXPECT_LT(static_cast<unsigned char>(ch), 0x80);
  }
}

TEST(JsonLimits, NulTextIsFoundInValuesAndKeysAtAnyDepth) {
  EXPECT_EQ(FindNulText(nlohmann::json::parse(R"({"a":["x","y"],"b":{"c":"ok"}})")),
            std::nullopt);
  auto value = ParseJsonWithin(R"({"a":["x","y\u0000z"]})");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(FindNulText(*value), "a[1]");
  auto key = ParseJsonWithin(R"({"b":{"k\u0000":1}})");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(FindNulText(*key), "b.k\\u0000");
  EXPECT_EQ(FindNulText(nlohmann::json(std::string("a\0b", 3))), "message");
}

}  // namespace
}  // namespace yimen
