// Tests for app/domain/eligibility: each calculator against the shipped catalog's
// standards, with the boundary cases (income exactly at the standard, 79 years and 364
// days, an ID ending in X), and the promise that every result says "you may still apply".
#include "domain/eligibility.h"

#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "domain/id_number.h"

namespace yimen {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Not;
using Answers = std::map<std::string, std::string>;

constexpr CivilDate kToday{2026, 11, 23};

const Catalog& RealCatalog() {
  static const Catalog catalog = [] {
    Result<Catalog> loaded = LoadCatalog(std::string(YIMEN_TEST_ASSETS_DIR) + "/catalog");
    EXPECT_TRUE(loaded.ok()) << loaded.error().message;
    return loaded.ok() ? std::move(loaded).value() : Catalog{};
  }();
  return catalog;
}

const ServiceSpec& Service(std::string_view code) {
  static const ServiceSpec empty;
  const ServiceSpec* service = RealCatalog().FindService(code);
  EXPECT_NE(service, nullptr) << code;
  return service != nullptr ? *service : empty;
}

std::string MakeId(const CivilDate& birth, int seq) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "442000%04d%02d%02d%03d", birth.year, birth.month,
                birth.day, seq % 1000);
  const std::string first17(buffer);
  return first17 + IdCheckCharacter(first17);
}

EligibilityResult Check(std::string_view code, const Answers& answers,
                        const CivilDate& today = kToday) {
  Result<EligibilityResult> result =
      CheckEligibility(Service(code), RealCatalog().region, answers, today);
  EXPECT_TRUE(result.ok()) << code << ": " << (result.ok() ? "" : result.error().message);
  return result.ok() ? std::move(result).value() : EligibilityResult{};
}

std::vector<std::string> Keys(const EligibilityResult& result) {
  std::vector<std::string> keys;
  for (const ExplanationLine& line : result.lines) keys.push_back(line.key);
  return keys;
}

const ExplanationLine& Line(const EligibilityResult& result, std::string_view key) {
  static const ExplanationLine none;
  for (const ExplanationLine& line : result.lines) {
    if (line.key == key) return line;
  }
  ADD_FAILURE() << "no line " << key;
  return none;
}

Answers Household(const std::string& income, const std::string& size) {
  return {{"area", "urban"},  {"household_size", size}, {"household_income", income},
          {"has_car", "no"},  {"has_extra_house", "no"}, {"special_member", "no"}};
}

// --- 低保 -----------------------------------------------------------------------------

TEST(Eligibility, DibaoIsLikelyBelowTheStandard) {
  // 3 people, 3000 yuan: 1000 per person against 1225.
  const EligibilityResult result = Check("dibao", Household("3000", "3"));
  EXPECT_EQ(result.verdict, Verdict::kLikely);
  EXPECT_EQ(Line(result, elig::kPerCapita).params.at("per_capita"), "1000");
  EXPECT_EQ(Line(result, elig::kIncomeBelow).params.at("gap"), "225");
  ASSERT_TRUE(result.standard.has_value());
  EXPECT_EQ(result.standard->amount_fen, 122500);
  EXPECT_EQ(result.standard->effective, (CivilDate{2024, 1, 1}));
  EXPECT_EQ(Line(result, elig::kStandard).params.at("effective"), "2024-01-01");
}

TEST(Eligibility, DibaoIsOnlyMaybeExactlyAtTheStandard) {
  const EligibilityResult at = Check("dibao", Household("3675", "3"));  // 1225 each
  EXPECT_EQ(at.verdict, Verdict::kMaybe);
  EXPECT_THAT(Keys(at), Contains(std::string(elig::kIncomeEqual)));
  // One fen below: likely.
  const EligibilityResult below = Check("dibao", Household("1224.99", "1"));
  EXPECT_EQ(below.verdict, Verdict::kLikely);
  EXPECT_EQ(Line(below, elig::kIncomeBelow).params.at("gap"), "0.01");
}

TEST(Eligibility, DibaoRoundsPerCapitaIncomeHalfUpToTheFen) {
  // 100 yuan for 3 people: 33.333.. -> 33.33; 200 for 3: 66.666.. -> 66.67.
  EXPECT_EQ(Line(Check("dibao", Household("100", "3")), elig::kPerCapita).params.at("per_capita"),
            "33.33");
  EXPECT_EQ(Line(Check("dibao", Household("200", "3")), elig::kPerCapita).params.at("per_capita"),
            "66.67");
}

TEST(Eligibility, DibaoNearTheStandardPointsToTheEdgeService) {
  // 1.5 x 1225 = 1837.5 is the last "maybe"; one fen more is "unlikely".
  const EligibilityResult near = Check("dibao", Household("1837.5", "1"));
  EXPECT_EQ(near.verdict, Verdict::kMaybe);
  EXPECT_EQ(Line(near, elig::kIncomeAtOrNear).params.at("over"), "612.5");
  const EligibilityResult above = Check("dibao", Household("1837.51", "1"));
  EXPECT_EQ(above.verdict, Verdict::kUnlikely);
  EXPECT_THAT(Keys(above), Contains(std::string(elig::kIncomeAbove)));
}

TEST(Eligibility, DibaoDowngradesForPropertyAndKeepsASeriouslyIllMemberInPlay) {
  Answers answers = Household("1000", "2");
  answers["has_car"] = "yes";
  EXPECT_EQ(Check("dibao", answers).verdict, Verdict::kMaybe);
  answers = Household("9000", "2");
  answers["special_member"] = "yes";
  const EligibilityResult result = Check("dibao", answers);
  EXPECT_EQ(result.verdict, Verdict::kMaybe);
  EXPECT_THAT(Keys(result), Contains(std::string(elig::kSpecialMember)));
}

TEST(Eligibility, DibaoUsesTheStandardInForceOnTheDay) {
  // In 2020 the urban line was 705 and the rural one 490.
  Answers answers = Household("600", "1");
  EXPECT_EQ(Check("dibao", answers, {2020, 6, 1}).verdict, Verdict::kLikely);
  answers["area"] = "rural";
  const EligibilityResult rural = Check("dibao", answers, {2020, 6, 1});
  EXPECT_EQ(rural.verdict, Verdict::kMaybe);  // 600 is within 1.5 x 490
  EXPECT_EQ(rural.standard->amount_fen, 49000);
  // Before any standard: no verdict beyond "maybe", and it says why.
  const EligibilityResult none = Check("dibao", answers, {2018, 1, 1});
  EXPECT_EQ(none.verdict, Verdict::kMaybe);
  EXPECT_FALSE(none.standard.has_value());
  EXPECT_THAT(Keys(none), Contains(std::string(elig::kNoStandard)));
}

// --- 低保边缘 ---------------------------------------------------------------------------

Answers Edge(const std::string& income, const std::string& big_spending) {
  Answers answers = Household(income, "1");
  answers["big_spending"] = big_spending;
  return answers;
}

TEST(Eligibility, EdgeHouseholdsSitBetweenTheTwoLines) {
  EXPECT_EQ(Check("dibao_edge", Edge("1225", "no")).verdict, Verdict::kLikely);
  EXPECT_EQ(Check("dibao_edge", Edge("1837.5", "no")).verdict, Verdict::kLikely);
  const EligibilityResult below = Check("dibao_edge", Edge("1224.99", "no"));
  EXPECT_EQ(below.verdict, Verdict::kMaybe);
  EXPECT_EQ(Line(below, elig::kEdgeBelowDibao).params.at("dibao"), "1225");
  EXPECT_EQ(Check("dibao_edge", Edge("1837.51", "no")).verdict, Verdict::kUnlikely);
  const EligibilityResult spending = Check("dibao_edge", Edge("3000", "yes"));
  EXPECT_EQ(spending.verdict, Verdict::kMaybe);
  EXPECT_THAT(Keys(spending), Contains(std::string(elig::kEdgeSpending)));
  EXPECT_TRUE(spending.standard->example);
  EXPECT_EQ(spending.standard->tier, "edge");
}

// --- 特困 -------------------------------------------------------------------------------

Answers Tekun(const std::string& category, const std::string& supporter,
              const std::string& income, const std::string& can_work) {
  return {{"category", category}, {"supporter", supporter}, {"has_income", income},
          {"can_work", can_work}};
}

TEST(Eligibility, TekunWeighsCategorySupportersIncomeAndWork) {
  const EligibilityResult likely = Check("tekun", Tekun("elderly", "none", "no", "yes"));
  EXPECT_EQ(likely.verdict, Verdict::kLikely) << "older people need not prove inability to work";
  EXPECT_EQ(likely.standard->amount_fen, 196000);
  EXPECT_EQ(Check("tekun", Tekun("disabled", "unable", "no", "no")).verdict, Verdict::kLikely);
  EXPECT_EQ(Check("tekun", Tekun("disabled", "none", "no", "yes")).verdict, Verdict::kMaybe);
  EXPECT_EQ(Check("tekun", Tekun("minor", "none", "yes", "no")).verdict, Verdict::kMaybe);
  EXPECT_EQ(Check("tekun", Tekun("elderly", "able", "no", "no")).verdict, Verdict::kUnlikely);
  const EligibilityResult none = Check("tekun", Tekun("none", "none", "no", "no"));
  EXPECT_EQ(none.verdict, Verdict::kUnlikely);
  EXPECT_THAT(Keys(none), Contains(std::string(elig::kTekunCategoryNone)));
}

// --- 残疾人两项补贴 -----------------------------------------------------------------------

TEST(Eligibility, LivingSubsidyNeedsACertificateAndALowIncomeHousehold) {
  const EligibilityResult likely =
      Check("canji_shenghuo", {{"has_certificate", "yes"}, {"family_status", "dibao"}});
  EXPECT_EQ(likely.verdict, Verdict::kLikely);
  EXPECT_EQ(likely.standard->amount_fen, 20900);  // 2025 onwards
  EXPECT_EQ(Check("canji_shenghuo", {{"has_certificate", "yes"}, {"family_status", "none"}}).verdict,
            Verdict::kUnlikely);
  // Without a certificate the status question is hidden and not needed.
  const EligibilityResult no_card = Check("canji_shenghuo", {{"has_certificate", "no"}});
  EXPECT_EQ(no_card.verdict, Verdict::kUnlikely);
  EXPECT_THAT(Keys(no_card), Contains(std::string(elig::kNoCertificate)));
  // In 2024 the standard was 202.
  EXPECT_EQ(Check("canji_shenghuo", {{"has_certificate", "yes"}, {"family_status", "edge"}},
                  {2024, 12, 31})
                .standard->amount_fen,
            20200);
}

TEST(Eligibility, CareSubsidyFollowsTheDisabilityGrade) {
  const auto verdict = [](const std::string& grade, const std::string& kind) {
    return Check("canji_huli", {{"has_certificate", "yes"}, {"grade", grade}, {"kind", kind}}).verdict;
  };
  EXPECT_EQ(verdict("g1", "physical"), Verdict::kLikely);
  EXPECT_EQ(verdict("g2", "visual"), Verdict::kLikely);
  EXPECT_EQ(verdict("g3", "intellectual"), Verdict::kMaybe);
  EXPECT_EQ(verdict("g4", "mental"), Verdict::kMaybe);
  EXPECT_EQ(verdict("g3", "physical"), Verdict::kUnlikely);
  EXPECT_EQ(Check("canji_huli", {{"has_certificate", "yes"}, {"grade", "g1"}, {"kind", "physical"}})
                .standard->amount_fen,
            28000);
}

// --- 高龄津贴 ---------------------------------------------------------------------------

EligibilityResult Gaoling(const std::string& id, const std::string& local = "yes") {
  return Check("gaoling", {{"id_number", id}, {"local_hukou", local}});
}

TEST(Eligibility, OldAgeAllowanceStartsOnTheEightiethBirthday) {
  // 79 years and 364 days.
  const EligibilityResult young = Gaoling(MakeId({1946, 11, 24}, 1));
  EXPECT_EQ(young.verdict, Verdict::kUnlikely);
  const ExplanationLine& line = Line(young, elig::kAgeTooYoung);
  EXPECT_EQ(line.params.at("age"), "79");
  EXPECT_EQ(line.params.at("min_age"), "80");
  EXPECT_EQ(line.params.at("date"), "2026-11-24");
  // The same day as the form's refusal (form_test NeedsEightyYearsFromTheId...).
  EXPECT_EQ(young.lines.back().key, elig::kAgeApplyFrom);
  EXPECT_EQ(young.lines.back().params.at("date"), "2026-11-24");
  EXPECT_EQ(young.standard->min_age, 80) << "shows what the first tier pays";
  // Eighty today.
  const EligibilityResult eighty = Gaoling(MakeId({1946, 11, 23}, 1));
  EXPECT_EQ(eighty.verdict, Verdict::kLikely);
  EXPECT_EQ(eighty.standard->tier, "age80");
  EXPECT_EQ(Line(eighty, elig::kAgeReached).params.at("age"), "80");
}

TEST(Eligibility, OldAgeAllowancePicksTheTierByAge) {
  EXPECT_EQ(Gaoling(MakeId({1936, 11, 24}, 2)).standard->tier, "age80");   // 89
  EXPECT_EQ(Gaoling(MakeId({1936, 11, 23}, 2)).standard->tier, "age90");   // 90 today
  EXPECT_EQ(Gaoling(MakeId({1926, 11, 23}, 2)).standard->tier, "age100");  // 100 today
  EXPECT_EQ(Gaoling(MakeId({1920, 1, 1}, 2)).standard->amount_fen, 50000);
}

TEST(Eligibility, OldAgeAllowanceReadsAnIdEndingInX) {
  const std::string id = "11010519351231000X";  // born 1935-12-31, 90 on 2026-11-23
  ASSERT_TRUE(ParseIdNumber(id, kToday).ok());
  const EligibilityResult result = Gaoling("11010519351231000x");  // typed lower-case
  EXPECT_EQ(result.verdict, Verdict::kLikely);
  EXPECT_EQ(result.standard->tier, "age90");
  EXPECT_EQ(Line(result, elig::kAgeReached).params.at("age"), "90");
  EXPECT_EQ(Gaoling(id).verdict, Verdict::kLikely);
}

TEST(Eligibility, OldAgeAllowanceCountsALeapDayBirthdayFromTheFirstOfMarch) {
  const std::string id = MakeId({1948, 2, 29}, 3);
  EXPECT_EQ(Gaoling(id, "yes").verdict, Verdict::kUnlikely);  // 78 on 2026-11-23
  EXPECT_EQ(Line(Check("gaoling", {{"id_number", id}, {"local_hukou", "yes"}}, {2028, 2, 28}),
                 elig::kAgeTooYoung)
                .params.at("date"),
            "2028-02-29") << "2028 is a leap year";
  EXPECT_EQ(Line(Check("gaoling", {{"id_number", MakeId({1947, 2, 28}, 3)}, {"local_hukou", "yes"}},
                       {2027, 1, 1}),
                 elig::kAgeTooYoung)
                .params.at("date"),
            "2027-02-28");
  // Someone born on 29 Feb 1944 turns 80 on 29 Feb 2024, and 83 on 1 March 2027.
  const EligibilityResult leap =
      Check("gaoling", {{"id_number", MakeId({1944, 2, 29}, 4)}, {"local_hukou", "yes"}}, {2027, 2, 28});
  EXPECT_EQ(Line(leap, elig::kAgeReached).params.at("age"), "82");
}

TEST(Eligibility, OldAgeAllowanceIsOnlyMaybeForNonLocalResidents) {
  const EligibilityResult result = Gaoling(MakeId({1940, 1, 1}, 5), "no");
  EXPECT_EQ(result.verdict, Verdict::kMaybe);
  EXPECT_THAT(Keys(result), Contains(std::string(elig::kAgeNotLocal)));
}

// --- 孤儿、事实无人抚养儿童 -----------------------------------------------------------------

TEST(Eligibility, ChildAllowanceNeedsAChildUnderEighteen) {
  const EligibilityResult orphan = Check(
      "ertong", {{"child_id_number", MakeId({2015, 3, 3}, 6)}, {"situation", "orphan"}, {"living", "institution"}});
  EXPECT_EQ(orphan.verdict, Verdict::kLikely);
  EXPECT_EQ(orphan.standard->tier, "orphan_institution");
  EXPECT_EQ(orphan.standard->amount_fen, 168500);
  // 17 years and 364 days: still a child.
  const EligibilityResult almost = Check(
      "ertong", {{"child_id_number", MakeId({2008, 11, 24}, 6)}, {"situation", "unsupported"}});
  EXPECT_EQ(almost.verdict, Verdict::kLikely);
  EXPECT_EQ(almost.standard->tier, "unsupported");
  EXPECT_EQ(Line(almost, elig::kChildUnder18).params.at("age"), "17");
  // Eighteen today.
  const EligibilityResult adult = Check(
      "ertong", {{"child_id_number", MakeId({2008, 11, 23}, 6)}, {"situation", "unsupported"}});
  EXPECT_EQ(adult.verdict, Verdict::kUnlikely);
  EXPECT_EQ(Line(adult, elig::kChildAdult).params.at("age"), "18");
  const EligibilityResult other = Check(
      "ertong", {{"child_id_number", MakeId({2015, 3, 3}, 6)}, {"situation", "other"}});
  EXPECT_EQ(other.verdict, Verdict::kMaybe);
  EXPECT_FALSE(other.standard.has_value());
}

// --- every result -----------------------------------------------------------------------

TEST(Eligibility, EndsBySayingTheResidentMayStillApply) {
  for (const EligibilityResult& result : {Check("dibao", Household("99999", "1")),
                                          Check("tekun", Tekun("none", "able", "yes", "yes")),
                                          Check("canji_shenghuo", {{"has_certificate", "no"}})}) {
    ASSERT_FALSE(result.lines.empty());
    EXPECT_EQ(result.lines.back().key, elig::kStillApply);
  }
}

TEST(Eligibility, EndsWithTheFormsAgeRuleWhenItWillRefuse) {
  // The form refuses these (the catalog's age rules), so "you may still apply" would be
  // untrue: the last line says from which day, or that the kiosk cannot take it.
  const EligibilityResult young = Gaoling(MakeId({1990, 1, 1}, 7));
  EXPECT_EQ(young.lines.back().key, elig::kAgeApplyFrom);
  EXPECT_EQ(young.lines.back().params.at("date"), "2070-01-01");
  EXPECT_EQ(young.lines.back().params.at("years"), "80");
  const EligibilityResult adult =
      Check("ertong", {{"child_id_number", MakeId({2000, 1, 1}, 8)}, {"situation", "other"}});
  EXPECT_EQ(adult.lines.back().key, elig::kAgeOverLimit);
  EXPECT_EQ(adult.lines.back().params.at("years"), "18");
}

TEST(Eligibility, RefusesAnswersThatDoNotValidateAndServicesWithoutACheck) {
  Answers answers = Household("abc", "3");
  Result<EligibilityResult> bad = CheckEligibility(Service("dibao"), RealCatalog().region, answers, kToday);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::kInvalidArgument);
  EXPECT_EQ(bad.error().message, "validation.amount");
  answers = Household("100", "0");  // fewer than one person
  EXPECT_EQ(CheckEligibility(Service("dibao"), RealCatalog().region, answers, kToday).error().message,
            "validation.number.range");
  const std::vector<FieldIssue> issues =
      ValidateEligibilityAnswers(Service("gaoling"), RealCatalog().region,
                                 {{"id_number", "110105195012310021"}}, kToday);
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0].field_id, "id_number");
  EXPECT_EQ(issues[0].message_key, "validation.id.check_digit");
  EXPECT_EQ(issues[1].message_key, "validation.required_choice");
  const Result<EligibilityResult> none =
      CheckEligibility(Service("linshi"), RealCatalog().region, {}, kToday);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().kind, ErrorKind::kNotFound);
}

TEST(Eligibility, NamesVerdicts) {
  EXPECT_EQ(VerdictName(Verdict::kLikely), "likely");
  EXPECT_EQ(VerdictName(Verdict::kMaybe), "maybe");
  EXPECT_EQ(VerdictName(Verdict::kUnlikely), "unlikely");
}

// --- the sentences -----------------------------------------------------------------------

nlohmann::json LoadStrings(const std::string& language) {
  std::ifstream in(std::string(YIMEN_TEST_ASSETS_DIR) + "/strings/eligibility." + language + ".json");
  std::ostringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str(), nullptr, false);
}

std::set<std::string> Placeholders(const std::string& message) {
  static const std::regex kPlaceholder(R"(\{([a-z_]+)\})");
  std::set<std::string> names;
  for (auto it = std::sregex_iterator(message.begin(), message.end(), kPlaceholder);
       it != std::sregex_iterator(); ++it) {
    names.insert((*it)[1].str());
  }
  return names;
}

TEST(EligibilityStrings, TranslateExactlyTheKeysTheCalculatorsEmit) {
  std::set<std::string> keys;
  for (const std::string_view key : kAllEligibilityKeys) keys.insert(std::string(key));
  EXPECT_EQ(keys.size(), std::size(kAllEligibilityKeys)) << "a key is listed twice";
  for (const char* language : {"zh-CN", "en"}) {
    const nlohmann::json strings = LoadStrings(language);
    ASSERT_TRUE(strings.is_object()) << language;
    std::set<std::string> present;
    for (auto it = strings.begin(); it != strings.end(); ++it) present.insert(it.key());
    EXPECT_EQ(present, keys) << language;
  }
}

TEST(EligibilityStrings, FillEveryPlaceholderOfEveryLineEmitted) {
  const nlohmann::json zh = LoadStrings("zh-CN");
  const nlohmann::json en = LoadStrings("en");
  std::vector<EligibilityResult> results = {
      Check("dibao", Household("3000", "3")), Check("dibao", Household("1500", "1")),
      Check("dibao", Household("5000", "1")), Check("dibao_edge", Edge("1000", "no")),
      Check("dibao_edge", Edge("1500", "no")), Check("dibao_edge", Edge("5000", "yes")),
      Gaoling(MakeId({1950, 1, 1}, 9)),        Gaoling(MakeId({1930, 1, 1}, 9), "no"),
      Check("ertong", {{"child_id_number", MakeId({2000, 1, 1}, 8)}, {"situation", "orphan"}, {"living", "family"}})};
  for (const EligibilityResult& result : results) {
    for (const ExplanationLine& line : result.lines) {
      ASSERT_TRUE(zh.contains(line.key)) << line.key;
      ASSERT_TRUE(en.contains(line.key)) << line.key;
      const std::set<std::string> needed = Placeholders(zh.at(line.key));
      EXPECT_EQ(needed, Placeholders(en.at(line.key))) << line.key;
      for (const std::string& name : needed) {
        EXPECT_EQ(line.params.count(name), 1u) << line.key << " needs {" << name << "}";
      }
    }
  }
}

// The office re-runs the self-check on the submitted application (RecheckEligibility):
// the answers come off the form's fields and the verdict is CheckEligibility's own.
ApplicationDraft DibaoDraft(const std::string& applicant_income,
                            const std::vector<std::string>& member_incomes) {
  ApplicationDraft draft;
  draft.service_code = "dibao";
  draft.values = {{"applicant_income", applicant_income}, {"vehicle", "no"}, {"extra_house", "no"}};
  for (const std::string& income : member_incomes) {
    draft.groups["members"].push_back(
        {{"monthly_income", income}, {"disability", "no"}, {"serious_illness", "no"}});
  }
  return draft;
}

TEST(RecheckEligibility, ReadsTheHouseholdOffTheFormAndGivesTheKiosksVerdict) {
  const ApplicationDraft draft = DibaoDraft("1000", {"500", "900"});
  EXPECT_EQ(SelfCheckAnswersFromDraft(Service("dibao"), draft),
            (Answers{{"household_size", "3"},
                     {"household_income", "2400"},
                     {"has_car", "no"},
                     {"has_extra_house", "no"},
                     {"special_member", "no"}}));
  auto cases = RecheckEligibility(Service("dibao"), RealCatalog().region, draft, kToday);
  ASSERT_TRUE(cases.ok()) << cases.error().message;
  // Since 2024 one standard covers town and country: the area the form does not ask
  // changes nothing, so nothing is assumed.
  ASSERT_EQ(cases->size(), 1u);
  EXPECT_TRUE(cases->front().assumed.empty());
  const EligibilityResult kiosk = Check("dibao", Household("2400", "3"));
  EXPECT_EQ(cases->front().result.verdict, kiosk.verdict);
  EXPECT_EQ(cases->front().result.verdict, Verdict::kLikely);
  EXPECT_EQ(cases->front().result.lines, kiosk.lines);
}

TEST(RecheckEligibility, AnswersWhatTheFormLeavesOpenEachWayWhenItMatters) {
  // In 2023 town and country had their own standards (705 and 490 yuan): a household at
  // 600 a head is below one and above the other.
  const CivilDate in_2023{2023, 6, 1};
  auto cases = RecheckEligibility(Service("dibao"), RealCatalog().region, DibaoDraft("1200", {"0"}),
                                  in_2023);
  ASSERT_TRUE(cases.ok()) << cases.error().message;
  ASSERT_EQ(cases->size(), 2u);
  for (const SelfCheckCase& one : *cases) {
    ASSERT_EQ(one.assumed.size(), 1u);
    Answers answers = Household("1200", "2");
    answers["area"] = one.assumed.at("area");
    EXPECT_EQ(one.result.lines, Check("dibao", answers, in_2023).lines) << one.assumed.at("area");
  }
  EXPECT_EQ(cases->at(0).assumed.at("area"), "urban");
  EXPECT_EQ(cases->at(0).result.verdict, Verdict::kLikely);
  EXPECT_EQ(cases->at(1).assumed.at("area"), "rural");
  EXPECT_NE(cases->at(1).result.verdict, Verdict::kLikely);
}

TEST(RecheckEligibility, OtherCalculatorsAndServicesWithoutASelfCheck) {
  ApplicationDraft gaoling;
  gaoling.service_code = "gaoling";
  const std::string id = MakeId({1940, 5, 1}, 7);
  gaoling.values = {{"id_number", id}, {"hukou", "nonlocal"}};
  auto cases = RecheckEligibility(Service("gaoling"), RealCatalog().region, gaoling, kToday);
  ASSERT_TRUE(cases.ok()) << cases.error().message;
  ASSERT_EQ(cases->size(), 1u);
  EXPECT_EQ(cases->front().result.lines, Gaoling(id, "no").lines);
  ApplicationDraft other;
  other.service_code = "linshi";
  EXPECT_EQ(RecheckEligibility(Service("linshi"), RealCatalog().region, other, kToday).error().kind,
            ErrorKind::kNotFound);
}

}  // namespace
}  // namespace yimen
