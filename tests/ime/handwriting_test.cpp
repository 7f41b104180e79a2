// Handwriting through the real zinnia model, from recorded stroke data.
#include "ime/handwriting.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace yimen::ime {
namespace {

std::vector<Stroke> LoadStrokes(const std::string& name) {
  std::ifstream in(std::string(YIMEN_TEST_DATA_DIR) + "/handwriting/" + name);
  std::stringstream text;
  text << in.rdbuf();
  auto strokes = ParseStrokes(text.str());
  EXPECT_TRUE(strokes.ok()) << name;
  return strokes.ok() ? *strokes : std::vector<Stroke>{};
}

size_t RankOf(const std::vector<std::string>& v, const std::string& s) {
  return static_cast<size_t>(std::find(v.begin(), v.end(), s) - v.begin());
}

TEST(Handwriting, RecognisesRecordedCharacters) {
  auto hw = Handwriting::Open();
  ASSERT_TRUE(hw.ok()) << hw.error().message;
  auto shi = (*hw)->Recognize(LoadStrokes("shi.strokes"), 1000, 1000, 10);
  EXPECT_LT(RankOf(shi, "十"), 3u) << "十 should be among the first three";
  auto wang = (*hw)->Recognize(LoadStrokes("wang.strokes"), 1000, 1000, 10);
  EXPECT_LT(RankOf(wang, "王"), 3u) << "王 should be among the first three";
}

TEST(Handwriting, ScalesFromThePadSize) {
  auto hw = Handwriting::Open();
  ASSERT_TRUE(hw.ok());
  // The same 十 on a 400 × 400 pixel pad.
  std::vector<Stroke> strokes = LoadStrokes("shi.strokes");
  for (Stroke& s : strokes) {
    for (StrokePoint& p : s) {
      p.x *= 0.4f;
      p.y *= 0.4f;
    }
  }
  auto result = (*hw)->Recognize(strokes, 400, 400, 10);
  EXPECT_LT(RankOf(result, "十"), 3u);
}

TEST(Handwriting, NoStrokesNoCandidates) {
  auto hw = Handwriting::Open();
  ASSERT_TRUE(hw.ok());
  EXPECT_TRUE((*hw)->Recognize({}, 300, 300).empty());
}

TEST(Handwriting, RefusesAMissingModelWithThePackageName) {
  auto hw = Handwriting::Open("/nonexistent/model");
  ASSERT_FALSE(hw.ok());
  EXPECT_NE(hw.error().message.find("tegaki-zinnia-simplified-chinese"), std::string::npos);
}

TEST(ParseStrokes, ReportsTheBadLine) {
  auto bad = ParseStrokes("10,10 20,20\n30,30 40;40\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("line 2"), std::string::npos);
  EXPECT_FALSE(ParseStrokes("1200,5").ok());
  auto good = ParseStrokes("# comment\n0,0 1000,1000\n\n5,5\n");
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good->size(), 2u);
}

}  // namespace
}  // namespace yimen::ime
