// Tests for the service finder (domain/finder.h, catalog_finder.cpp): the catalog's own
// rules, each alone, fire for their situation and answers and not otherwise; the real
// catalog suggests what a social worker would for typical households; the loader refuses
// rules naming what does not exist.
#include "domain/finder.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace yimen {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

const std::string kAssetCatalog = std::string(YIMEN_TEST_ASSETS_DIR) + "/catalog";

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const Catalog& RealCatalog() {
  static const Catalog catalog = [] {
    Result<Catalog> loaded = LoadCatalog(kAssetCatalog);
    EXPECT_TRUE(loaded.ok()) << (loaded.ok() ? "" : loaded.error().message);
    return loaded.ok() ? loaded.value() : Catalog{};
  }();
  return catalog;
}

std::vector<std::string> Codes(const std::vector<FinderSuggestion>& suggestions) {
  std::vector<std::string> out;
  for (const FinderSuggestion& s : suggestions) out.push_back(s.service);
  return out;
}

// Answers that meet every condition of `rule`: its first situation, the first value it
// accepts for each question, an exact age at its bound.
FinderAnswers Meeting(const FinderRule& rule) {
  FinderAnswers answers;
  answers.situations = {rule.situations.front()};
  for (const auto& [question, values] : rule.answers) answers.answers[question] = values.front();
  if (rule.min_age) answers.exact_age = *rule.min_age;
  if (rule.max_age) answers.exact_age = *rule.max_age;
  return answers;
}

// The real finder with only rule `i`.
FinderSpec OnlyRule(size_t i) {
  FinderSpec spec = *RealCatalog().finder;
  spec.rules = {spec.rules[i]};
  return spec;
}

TEST(FinderRules, EachRuleFiresForItsSituationAndAnswers) {
  ASSERT_TRUE(RealCatalog().finder);
  const FinderSpec& finder = *RealCatalog().finder;
  ASSERT_GE(finder.rules.size(), 15u);
  for (size_t i = 0; i < finder.rules.size(); ++i) {
    const FinderSpec spec = OnlyRule(i);
    const FinderRule& rule = spec.rules[0];
    SCOPED_TRACE("rule " + std::to_string(i) + " (" + rule.service + ")");
    for (const std::string& situation : rule.situations) {
      FinderAnswers answers = Meeting(rule);
      answers.situations = {situation};
      EXPECT_THAT(Codes(SuggestServices(spec, answers)), ::testing::ElementsAre(rule.service));
      // Every question the rule depends on is asked for its situation.
      std::vector<std::string> asked;
      answers.exact_age.reset();
      for (const FinderQuestion* q : FinderQuestionsFor(spec, answers)) asked.push_back(q->id);
      for (const auto& [question, values] : rule.answers) {
        EXPECT_THAT(asked, ::testing::Contains(question));
      }
      if (rule.min_age || rule.max_age) {
        EXPECT_THAT(asked, ::testing::Contains("age"));
      }
    }
  }
}

TEST(FinderRules, EachRuleDoesNotFireOtherwise) {
  const FinderSpec& finder = *RealCatalog().finder;
  for (size_t i = 0; i < finder.rules.size(); ++i) {
    const FinderSpec spec = OnlyRule(i);
    const FinderRule& rule = spec.rules[0];
    SCOPED_TRACE("rule " + std::to_string(i) + " (" + rule.service + ")");
    // Every other situation picked, all answers met: not suggested.
    FinderAnswers others = Meeting(rule);
    others.situations.clear();
    for (const FinderSituation& s : spec.situations) {
      if (std::find(rule.situations.begin(), rule.situations.end(), s.id) ==
          rule.situations.end()) {
        others.situations.push_back(s.id);
      }
    }
    EXPECT_TRUE(SuggestServices(spec, others).empty());
    // Each answer it needs given otherwise: not suggested.
    for (const auto& [question, values] : rule.answers) {
      for (const FinderOption& option : spec.FindQuestion(question)->options) {
        if (std::find(values.begin(), values.end(), option.value) != values.end()) continue;
        FinderAnswers wrong = Meeting(rule);
        wrong.answers[question] = option.value;
        EXPECT_TRUE(SuggestServices(spec, wrong).empty()) << question << "=" << option.value;
      }
      FinderAnswers unanswered = Meeting(rule);
      unanswered.answers.erase(question);
      EXPECT_TRUE(SuggestServices(spec, unanswered).empty()) << question << " unanswered";
    }
    if (rule.min_age) {
      FinderAnswers young = Meeting(rule);
      young.exact_age = *rule.min_age - 1;
      EXPECT_TRUE(SuggestServices(spec, young).empty());
      young.exact_age.reset();  // no age at all
      EXPECT_TRUE(SuggestServices(spec, young).empty());
    }
  }
}

struct Household {
  const char* name;
  std::vector<std::string> situations;
  std::map<std::string, std::string> answers;
  std::optional<int> exact_age;
  std::vector<std::string> suggested;
  std::vector<std::string> not_suggested;
};

TEST(FinderRules, TheRealCatalogSuggestsWhatFits) {
  const std::vector<Household> households = {
      {"80, local, low income",
       {"elderly"},
       {{"age", "80_plus"}, {"hukou", "local"}, {"income", "below"}},
       std::nullopt,
       {"gaoling", "dibao", "youdai"},
       {"hunyin_yuyue", "ertong", "binzang"}},
      {"76 from the card, not local, enough",
       {"elderly"},
       {{"hukou", "other"}, {"income", "enough"}},
       76,
       {"youdai", "zhucan", "yanglao"},
       {"gaoling", "dibao", "jizhong_zhaohu"}},
      {"76 from the card, local, low income: 高龄津贴 waits for 80",
       {"elderly"},
       {{"hukou", "local"}, {"income", "below"}},
       76,
       {"youdai", "dibao", "tekun"},
       {"gaoling"}},
      {"60 to 79, local",
       {"elderly"},
       {{"age", "60_79"}, {"hukou", "local"}, {"income", "enough"}},
       std::nullopt,
       {"youdai", "zhucan"},
       {"gaoling", "dibao", "tekun"}},
      {"a death in the family",
       {"bereavement"},
       {},
       std::nullopt,
       {"binzang", "linshi"},
       {"gaoling", "dibao"}},
      {"marriage", {"marriage"}, {}, std::nullopt, {"hunyin_yuyue"}, {"dibao", "binzang"}},
      {"a child", {"child_care"}, {}, std::nullopt, {"ertong"}, {"hunyin_yuyue", "gaoling"}},
      {"disabled, low income",
       {"disabled"},
       {{"income", "below"}},
       std::nullopt,
       {"canji_huli", "canji_shenghuo", "dibao"},
       {"gaoling", "ertong"}},
      {"disabled, enough",
       {"disabled"},
       {{"income", "enough"}},
       std::nullopt,
       {"canji_huli"},
       {"canji_shenghuo", "dibao"}},
      {"unsafe house, edge",
       {"unsafe_house"},
       {{"income", "edge"}},
       std::nullopt,
       {"zhufang"},
       {"dibao"}},
  };
  for (const Household& h : households) {
    SCOPED_TRACE(h.name);
    FinderAnswers answers{h.situations, h.answers, h.exact_age};
    const std::vector<std::string> codes = Codes(SuggestServices(*RealCatalog().finder, answers));
    for (const std::string& code : h.suggested) EXPECT_THAT(codes, ::testing::Contains(code));
    for (const std::string& code : h.not_suggested)
      EXPECT_THAT(codes, ::testing::Not(::testing::Contains(code)));
  }
}

TEST(FinderRules, TheWhySaysTheAge) {
  FinderAnswers answers{{"elderly"}, {{"hukou", "local"}, {"income", "enough"}}, 76};
  const std::vector<FinderSuggestion> exact = SuggestServices(*RealCatalog().finder, answers);
  ASSERT_FALSE(exact.empty());
  const auto youdai =
      std::find_if(exact.begin(), exact.end(), [](const auto& s) { return s.service == "youdai"; });
  ASSERT_NE(youdai, exact.end());
  EXPECT_THAT(youdai->why.zh, HasSubstr("您76岁"));
  EXPECT_THAT(youdai->why.en, HasSubstr("76 years old"));
  answers.exact_age.reset();
  answers.answers["age"] = "80_plus";
  const std::vector<FinderSuggestion> band = SuggestServices(*RealCatalog().finder, answers);
  ASSERT_FALSE(band.empty());
  EXPECT_EQ(band.front().service, "gaoling");
  EXPECT_THAT(band.front().why.zh, HasSubstr("您80岁及以上"));
}

TEST(FinderRules, OnlyTheQuestionsTheSituationsNeedAreAsked) {
  const FinderSpec& finder = *RealCatalog().finder;
  auto ids = [&](const FinderAnswers& answers) {
    std::vector<std::string> out;
    for (const FinderQuestion* q : FinderQuestionsFor(finder, answers)) out.push_back(q->id);
    return out;
  };
  EXPECT_THAT(ids({{"marriage"}, {}, std::nullopt}), ::testing::IsEmpty());
  EXPECT_THAT(ids({{"elderly"}, {}, std::nullopt}),
              ::testing::ElementsAre("age", "hukou", "income"));
  EXPECT_THAT(ids({{"elderly"}, {}, 76}), ::testing::ElementsAre("hukou", "income"));
  EXPECT_THAT(ids({{"disabled"}, {}, std::nullopt}), ::testing::ElementsAre("income"));
}

// The loader: the real catalog.json with one edit to its finder.
std::string LoadWith(const std::function<void(json&)>& edit) {
  json catalog = json::parse(ReadText(kAssetCatalog + "/catalog.json"));
  edit(catalog.at("finder"));
  std::map<std::string, std::string> files{{"catalog.json", catalog.dump()}};
  for (const json& path : catalog.at("services")) {
    files[path.get<std::string>()] = ReadText(kAssetCatalog + "/" + path.get<std::string>());
  }
  const Result<Catalog> result = ParseCatalogFromStrings(files);
  return result.ok() ? std::string("(loaded)") : result.error().message;
}

TEST(FinderCatalog, TheRealFinderLoads) {
  EXPECT_EQ(LoadWith([](json&) {}), "(loaded)");
  EXPECT_EQ(RealCatalog().finder->situations.size(), 10u);
  for (const FinderSituation& s : RealCatalog().finder->situations) {
    EXPECT_THAT(FinderIcons(), ::testing::Contains(s.icon));
  }
}

TEST(FinderCatalog, RefusesARuleNamingAnUnknownService) {
  EXPECT_THAT(LoadWith([](json& f) { f["rules"][0]["service"] = "lottery"; }),
              HasSubstr("catalog.json: finder.rules[0].service: unknown service \"lottery\""));
}

TEST(FinderCatalog, RefusesARuleNamingAnUnknownQuestionOrAnswer) {
  EXPECT_THAT(LoadWith([](json& f) { f["rules"][0]["answers"]["pets"] = json::array({"cat"}); }),
              HasSubstr("finder.rules[0].answers.pets: unknown question \"pets\""));
  EXPECT_THAT(LoadWith([](json& f) { f["rules"][0]["answers"]["hukou"] = json::array({"mars"}); }),
              HasSubstr("finder.rules[0].answers.hukou[0]: unknown answer \"mars\""));
}

TEST(FinderCatalog, RefusesUnknownSituationsAndPictures) {
  EXPECT_THAT(LoadWith([](json& f) { f["rules"][0]["situations"] = json::array({"bored"}); }),
              HasSubstr("finder.rules[0].situations[0]: unknown situation \"bored\""));
  EXPECT_THAT(LoadWith([](json& f) { f["situations"][0]["icon"] = "unicorn"; }),
              HasSubstr("finder.situations[0].icon: the kiosk has no picture \"unicorn\""));
  EXPECT_THAT(LoadWith([](json& f) { f["questions"][1]["for_situations"].push_back("bored"); }),
              HasSubstr("unknown situation \"bored\""));
}

TEST(FinderCatalog, RefusesRulesThatCouldNeverBeAnswered) {
  // 65 falls inside the band 60-79: a band answer could not tell.
  EXPECT_THAT(LoadWith([](json& f) { f["rules"][0]["min_age"] = 65; }),
              HasSubstr("finder.rules[0].min_age: 65 falls inside the age band \"60_79\""));
  // The income question is not asked for 婚姻登记.
  EXPECT_THAT(LoadWith([](json& f) { f["rules"][0]["situations"].push_back("marriage"); }),
              HasSubstr("is not asked for situation \"marriage\""));
  EXPECT_THAT(LoadWith([](json& f) {
                for (json& rule : f["rules"]) {
                  if (rule["service"] == "linshi") rule["why"]["zh"] = "您{age}";
                }
              }),
              HasSubstr("{age} needs min_age or max_age"));
  EXPECT_THAT(LoadWith([](json& f) { f["questions"][0]["options"][1]["min_age"] = 50; }),
              HasSubstr("age band overlaps \"under_60\""));
}

}  // namespace
}  // namespace yimen
