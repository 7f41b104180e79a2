// The service finder's flow without a window (session/finder.h): tiles, the questions the
// picked situations need (one at a time, 上一步 back through them), an ID number's age in
// place of the age question, and a suggestion chosen.
#include "session/finder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace yimen::session {
namespace {

using ::testing::Contains;
using ::testing::Not;

const Catalog& RealCatalog() {
  static const Catalog catalog =
      LoadCatalog(std::string(YIMEN_TEST_ASSETS_DIR) + "/catalog").value();
  return catalog;
}

struct FinderFlow : ::testing::Test {
  FinderState state;
  Finder finder{&state, Finder::Deps{[]() -> const Catalog& { return RealCatalog(); },
                                     [] {
                                       return CivilDate{2026, 12, 4};
                                     }}};

  std::string Asked() const { return finder.Current() ? finder.Current()->id : std::string("-"); }
  std::vector<std::string> Suggested() const {
    std::vector<std::string> out;
    for (const FinderSuggestion& s : finder.Suggestions()) out.push_back(s.service);
    return out;
  }
};

TEST_F(FinderFlow, TilesThenOneQuestionAtATimeThenTheSuggestions) {
  EXPECT_EQ(finder.Apply(finder_event::Open{}).go, FinderPage::kSituations);
  EXPECT_FALSE(finder.Apply(finder_event::Next{}).go) << "nothing picked yet";
  finder.Apply(finder_event::Toggle{"elderly"});
  finder.Apply(finder_event::Toggle{"no_such_tile"});  // ignored
  EXPECT_EQ(state.answers.situations, std::vector<std::string>{"elderly"});
  EXPECT_EQ(finder.Apply(finder_event::Next{}).go, FinderPage::kQuestion);
  EXPECT_EQ(Asked(), "age");
  EXPECT_FALSE(finder.Apply(finder_event::Answer{"age", "ninety"}).go) << "not an answer";
  EXPECT_FALSE(finder.Apply(finder_event::Answer{"hukou", "local"}).go) << "not the question asked";
  finder.Apply(finder_event::Answer{"age", "80_plus"});
  EXPECT_EQ(Asked(), "hukou");
  finder.Apply(finder_event::Answer{"hukou", "local"});
  EXPECT_EQ(Asked(), "income");
  EXPECT_EQ(finder.Apply(finder_event::Answer{"income", "below"}).go, FinderPage::kResults);
  EXPECT_THAT(Suggested(), Contains("gaoling"));
  EXPECT_THAT(Suggested(), Contains("dibao"));
  EXPECT_THAT(Suggested(), Not(Contains("hunyin_yuyue")));
  // 上一步 from the suggestions is the last question, with its answer kept.
  EXPECT_EQ(finder.Apply(finder_event::Back{}).go, FinderPage::kQuestion);
  EXPECT_EQ(Asked(), "income");
  EXPECT_EQ(state.answers.answers.at("income"), "below");
  finder.Apply(finder_event::Back{});
  finder.Apply(finder_event::Back{});
  EXPECT_EQ(Asked(), "age");
  EXPECT_EQ(finder.Apply(finder_event::Back{}).go, FinderPage::kSituations);
}

TEST_F(FinderFlow, AnIdNumberAnswersTheAgeQuestion) {
  finder.Apply(finder_event::Open{});
  finder.Apply(finder_event::Toggle{"elderly"});
  finder.Apply(finder_event::Next{});
  EXPECT_FALSE(finder.Apply(finder_event::IdNumber{"44200019500618002"}).go) << "17 digits";
  EXPECT_TRUE(state.id_refused);
  EXPECT_EQ(finder.Apply(finder_event::IdNumber{"44200019500618002X"}).go, FinderPage::kQuestion);
  EXPECT_EQ(state.answers.exact_age, 76);
  EXPECT_FALSE(state.id_refused);
  EXPECT_EQ(Asked(), "hukou");
  finder.Apply(finder_event::Answer{"hukou", "other"});
  finder.Apply(finder_event::Answer{"income", "enough"});
  EXPECT_THAT(Suggested(), Contains("youdai"));
  EXPECT_THAT(Suggested(), Not(Contains("gaoling")));
}

TEST_F(FinderFlow, ASituationWithNoQuestionsGoesStraightToItsService) {
  finder.Apply(finder_event::Open{});
  finder.Apply(finder_event::Toggle{"marriage"});
  EXPECT_EQ(finder.Apply(finder_event::Next{}).go, FinderPage::kResults);
  EXPECT_EQ(Suggested(), std::vector<std::string>{"hunyin_yuyue"});
  EXPECT_TRUE(finder.Apply(finder_event::Choose{"dibao"}).open_service.empty()) << "not suggested";
  EXPECT_EQ(finder.Apply(finder_event::Choose{"hunyin_yuyue"}).open_service, "hunyin_yuyue");
  EXPECT_TRUE(state.chosen);
}

}  // namespace
}  // namespace yimen::session

namespace yimen::session {
namespace {

// Issue 14 item 2's entry: suggestions ticked "一起申请" start one visit; one ticked opens
// that service as a tap on its name does; what is no longer suggested drops out.
TEST_F(FinderFlow, TickedSuggestionsStartOneVisitInTheOrderSuggested) {
  finder.Apply(finder_event::Open{});
  finder.Apply(finder_event::Toggle{"illness"});
  finder.Apply(finder_event::Next{});
  EXPECT_TRUE(finder.Apply(finder_event::TickTogether{"dibao"}).open_visit.empty())
      << "no ticks before the suggestions";
  while (finder.Current() != nullptr) {
    const FinderQuestion& q = *finder.Current();
    finder.Apply(finder_event::Answer{q.id, q.id == "income" ? "below" : q.options.front().value});
  }
  ASSERT_EQ(state.page, FinderPage::kResults);
  EXPECT_THAT(Suggested(), Contains("yiliao"));
  EXPECT_TRUE(finder.Apply(finder_event::ApplyTogether{}).open_visit.empty()) << "none ticked";
  finder.Apply(finder_event::TickTogether{"linshi"});
  finder.Apply(finder_event::TickTogether{"hunyin_yuyue"});  // not suggested: ignored
  finder.Apply(finder_event::TickTogether{"dibao"});
  finder.Apply(finder_event::TickTogether{"yiliao"});
  finder.Apply(finder_event::TickTogether{"fuwu_xuqiu"});
  finder.Apply(finder_event::TickTogether{"fuwu_xuqiu"});  // ticked no more
  EXPECT_EQ(finder.Together(), (std::vector<std::string>{"dibao", "yiliao", "linshi"}));
  const FinderOutcome out = finder.Apply(finder_event::ApplyTogether{});
  EXPECT_EQ(out.open_visit, (std::vector<std::string>{"dibao", "yiliao", "linshi"}));
  EXPECT_TRUE(out.open_service.empty());
  EXPECT_TRUE(state.chosen) << "返回 on the visit comes back to the suggestions";

  finder.Apply(finder_event::TickTogether{"dibao"});
  finder.Apply(finder_event::TickTogether{"yiliao"});
  const FinderOutcome one = finder.Apply(finder_event::ApplyTogether{});
  EXPECT_EQ(one.open_service, "linshi") << "one ticked is one application";
  EXPECT_TRUE(one.open_visit.empty());
}

}  // namespace
}  // namespace yimen::session
