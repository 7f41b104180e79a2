// Tests assets/strings with app/ui/strings.cpp and the real fonts: every key exists in
// both languages, and every string — and every catalog text — can be drawn.
#include "ui/strings.h"

#include <gtest/gtest.h>

#include "domain/catalog.h"
#include "domain/utf8.h"
#include "platform/glyph_atlas.h"
#include "ui/text_layout.h"
#include "ui/theme.h"

namespace yimen::ui {
namespace {

TEST(Strings, EveryKeyHasBothLanguages) {
  auto strings = Strings::Load(std::string(YIMEN_TEST_ASSETS_DIR) + "/strings");
  ASSERT_TRUE(strings.ok()) << strings.error().message;
  EXPECT_EQ(strings->Keys(Language::kZhCN), strings->Keys(Language::kEn));
  EXPECT_GT(strings->Keys(Language::kZhCN).size(), 40u);
}

TEST(Strings, SubstitutesNamedParameters) {
  EXPECT_EQ(SubstituteParams("第 {step} 步，共 {total} 步", {{"step", "2"}, {"total", "5"}}),
            "第 2 步，共 5 步");
  EXPECT_EQ(SubstituteParams("{unknown} 保留", {}), "{unknown} 保留");
}

TEST(Strings, EveryStringAndCatalogTextIsDrawable) {
  auto strings = Strings::Load(std::string(YIMEN_TEST_ASSETS_DIR) + "/strings");
  ASSERT_TRUE(strings.ok());
  auto catalog = LoadCatalog(std::string(YIMEN_TEST_ASSETS_DIR) + "/catalog");
  ASSERT_TRUE(catalog.ok()) << catalog.error().message;
  auto atlas = platform::GlyphAtlas::Open({});
  ASSERT_TRUE(atlas.ok()) << atlas.error().message;
  std::set<char32_t> cps;
  CollectCodepoints(strings->AllText(), &cps);
  CollectCatalogCodepoints(*catalog, &cps);
  std::string missing;
  for (char32_t cp : cps) {
    if (cp == '\n') continue;
    if (!(*atlas)->CanDraw(cp)) AppendUtf8(cp, &missing);
  }
  EXPECT_EQ(missing, "") << "characters no font can draw";
}

TEST(GlyphAtlas, DrawsRareNameCharacters) {
  auto atlas = platform::GlyphAtlas::Open({});
  ASSERT_TRUE(atlas.ok());
  EXPECT_TRUE((*atlas)->CanDrawAll("欧阳燚 王堃 刘䶮"));
  // Beyond U+FFFF ImGui 1.86 cannot draw (16-bit ImWchar): reported, never drawn as junk.
  EXPECT_FALSE((*atlas)->CanDraw(U'\U00020000'));
}

}  // namespace
}  // namespace yimen::ui

namespace yimen::ui {
namespace {

// Every string and catalog text, broken by our Chinese line breaker at the body size of
// both modes, stays inside the boxes it is drawn in: a full-width paragraph on a
// portrait 21.5" panel, and — for button labels — two lines at most on a half-width
// footer button.
TEST(Strings, EveryTextWrapsInsideItsBox) {
  auto strings = Strings::Load(std::string(YIMEN_TEST_ASSETS_DIR) + "/strings");
  ASSERT_TRUE(strings.ok());
  auto catalog = LoadCatalog(std::string(YIMEN_TEST_ASSETS_DIR) + "/catalog");
  ASSERT_TRUE(catalog.ok());
  auto atlas = platform::GlyphAtlas::Open({});
  ASSERT_TRUE(atlas.ok());
  std::vector<std::string> texts;
  std::vector<std::string> button_texts;       // half-width footer buttons
  std::vector<std::string> wide_button_texts;  // full-width buttons
  for (Language lang : {Language::kZhCN, Language::kEn}) {
    for (const std::string& key : strings->Keys(lang)) {
      const std::string& text = strings->Get(lang, key);
      texts.push_back(text);
      bool is_button = key.rfind("common.", 0) == 0 || key.rfind("keypad.", 0) == 0 ||
                       key.rfind("keyboard.", 0) == 0 || key.rfind("elder.", 0) == 0 ||
                       key == "home.apply" || key == "form.next" || key == "form.prev" ||
                       key == "review.submit" || key == "detail.start" || key == "receipt.done";
      if (is_button) button_texts.push_back(text);
    }
  }
  for (const ServiceSpec& service : catalog->services) {
    texts.push_back(service.name.zh);
    texts.push_back(service.name.en);
    texts.push_back(service.summary.zh);
    texts.push_back(service.summary.en);
    wide_button_texts.push_back(service.name.zh);  // the services list's full-width buttons
    wide_button_texts.push_back(service.name.en);
  }
  for (bool elder : {false, true}) {
    Metrics m = ComputeMetrics(PxPerMmFromDiagonal(21.5f, 1080, 1920), elder);
    float box = 1080 - 2 * m.margin;
    float button = (box - m.gap) * 0.5f - 2 * m.gap;
    auto measure = [&](std::string_view s) { return (*atlas)->MeasureWidth(s, m.body_px); };
    for (const std::string& text : texts) {
      for (const std::string& line : BreakLines(text, box, measure)) {
        EXPECT_LE(measure(line), box + 0.5f) << (elder ? "elder: " : "") << line;
      }
    }
    for (const std::string& text : button_texts) {
      auto lines = BreakLines(text, button, measure);
      EXPECT_LE(lines.size(), 2u) << (elder ? "elder: " : "") << text;
      for (const std::string& line : lines) EXPECT_LE(measure(line), button + 0.5f) << line;
    }
    for (const std::string& text : wide_button_texts) {
      auto lines = BreakLines(text, box - 2 * m.gap, measure);
      EXPECT_LE(lines.size(), 2u) << (elder ? "elder: " : "") << text;
    }
  }
}

// The breaker is what keeps text inside: ImGui's own wrapping only breaks at spaces, so
// a Chinese paragraph measured as one line is far wider than the box.
TEST(Strings, ChineseParagraphsNeedTheBreaker) {
  auto atlas = platform::GlyphAtlas::Open({});
  ASSERT_TRUE(atlas.ok());
  std::string text = "家里有重病或重度残疾的人，即使全家收入比标准稍高，也可能单独为他申请，请问工作人员。";
  auto measure = [&](std::string_view s) { return (*atlas)->MeasureWidth(s, 32); };
  EXPECT_GT(measure(text), 1016.0f);
  auto lines = BreakLines(text, 1016.0f, measure);
  EXPECT_GE(lines.size(), 2u);
}

}  // namespace
}  // namespace yimen::ui
