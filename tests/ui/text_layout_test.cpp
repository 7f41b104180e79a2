// Tests app/ui/text_layout.cpp: Chinese lines break between Han characters and obey the
// punctuation rules. Width is measured as one unit per character (ASCII half a unit).
#include "ui/text_layout.h"

#include <gtest/gtest.h>

#include "domain/utf8.h"

namespace yimen::ui {
namespace {

float Measure(std::string_view s) {
  float w = 0;
  for (char32_t cp : DecodeUtf8(s)) w += cp < 0x80 ? 0.5f : 1.0f;
  return w;
}

TEST(BreakLines, BreaksBetweenHanCharacters) {
  auto lines = BreakLines("最低生活保障申请", 3, Measure);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "最低生");
  EXPECT_EQ(lines[1], "活保障");
  EXPECT_EQ(lines[2], "申请");
}

TEST(BreakLines, NeverStartsALineWithClosingPunctuation) {
  // Width 4 would put "，" at the start of line 2; it goes with the character before.
  auto lines = BreakLines("家庭收入，低于标准。", 4, Measure);
  for (const auto& line : lines) {
    char32_t first = DecodeUtf8(line).front();
    EXPECT_FALSE(IsNoLineStart(first)) << line;
  }
  EXPECT_EQ(lines[0], "家庭收");
  EXPECT_EQ(lines[1], "入，低于");
}

TEST(BreakLines, NeverEndsALineWithOpeningPunctuation) {
  auto lines = BreakLines("请带好《户口簿》原件", 3, Measure);
  for (const auto& line : lines) {
    char32_t last = DecodeUtf8(line).back();
    EXPECT_FALSE(IsNoLineEnd(last)) << line;
  }
}

TEST(BreakLines, KeepsLatinWordsAndNumbersWhole) {
  auto lines = BreakLines("标准 1225 元", 3.5f, Measure);
  ASSERT_GE(lines.size(), 2u);
  bool found = false;
  for (const auto& line : lines) found |= line.find("1225") != std::string::npos;
  EXPECT_TRUE(found);
}

TEST(BreakLines, CutsARunLongerThanTheLine) {
  auto lines = BreakLines("440102199001011234", 4, Measure);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "44010219");
  EXPECT_EQ(lines[2], "34");
}

TEST(BreakLines, KeepsHardLineBreaksAndEmptyLines) {
  auto lines = BreakLines("第一行\n\n第三行", 10, Measure);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1], "");
}

TEST(BreakLines, EveryLineFitsItsWidth) {
  std::string text = "申请人家庭人均月收入低于当地最低生活保障标准，且家庭财产状况符合当地规定的，可以申请最低生活保障。";
  for (float width : {2.0f, 5.0f, 7.5f, 13.0f}) {
    for (const auto& line : BreakLines(text, width, Measure)) EXPECT_LE(Measure(line), width) << line;
  }
}

}  // namespace
}  // namespace yimen::ui
