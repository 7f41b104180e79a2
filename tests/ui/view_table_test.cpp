// The router's table (app/ui/screens/view_table.cpp) and the speech each View gives:
// every Screen has exactly one View, and what the voice reads comes from the screen on
// show (the form's step, its errors in field order, the focused field).
#include <gtest/gtest.h>

#include <set>

#include "ui/kiosk_app.h"
#include "ui/screens/view.h"
#include "ui/ui_test_support.h"

namespace yimen::ui {
namespace {

TEST(ViewTable, EveryScreenHasExactlyOneView) {
  std::set<Screen> seen;
  for (const ViewEntry& entry : ViewTable()) {
    EXPECT_TRUE(seen.insert(entry.screen).second) << static_cast<int>(entry.screen);
    ASSERT_NE(entry.make, nullptr);
    EXPECT_NE(entry.make(), nullptr);
  }
  EXPECT_EQ(seen.size(), kScreenCount);
}

TEST(ViewTable, SpeechJoinsItsPartsAndSkipsEmptyOnes) {
  EXPECT_EQ(JoinSpeech({"a", "", "b"}), "a。b");
  EXPECT_EQ(JoinSpeech({"", ""}), "");
}

class ViewSpeech : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(LoadKioskAssets(&m_catalog, &m_strings)); }
  std::unique_ptr<KioskApp> App() {
    KioskApp::Deps deps;
    deps.catalog = &m_catalog;
    deps.strings = &m_strings;
    deps.metrics = ComputeMetrics(4.0f);
    return std::make_unique<KioskApp>(deps);
  }
  Catalog m_catalog;
  Strings m_strings;
};

TEST_F(ViewSpeech, EachScreenSaysItsOwnText) {
  auto app = App();
  EXPECT_EQ(app->SpeechText(), m_strings.Get(Language::kZhCN, "home.welcome"));
  app->Apply(intent::OpenServices{});
  EXPECT_EQ(app->SpeechText(), m_strings.Get(Language::kZhCN, "services.title"));
  app->Apply(session::form_event::OpenService{"dibao"});
  EXPECT_EQ(app->SpeechText().rfind("最低生活保障", 0), 0u) << app->SpeechText();
  app->Apply(session::form_event::StartForm{});
  app->Apply(session::form_event::NextStep{});  // an empty first step: errors
  const std::string text = app->SpeechText();
  EXPECT_EQ(text.rfind("第 1 步，共 6 步", 0), 0u) << text;
  // Errors are read in field-id order, as they always were: address before name.
  const auto& errors = app->CurrentSession().errors;
  ASSERT_TRUE(errors.count(FieldAddress::Top("name")) &&
              errors.count(FieldAddress::Top("address")));
  EXPECT_LT(text.find(errors.at(FieldAddress::Top("address"))),
            text.find(errors.at(FieldAddress::Top("name"))));
  app->Apply(session::form_event::Focus{FieldAddress::Top("phone")});
  EXPECT_NE(app->SpeechText().find("联系电话"), std::string::npos) << app->SpeechText();
}

}  // namespace
}  // namespace yimen::ui
