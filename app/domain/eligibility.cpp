// Eligibility calculators: one small function per kind of rule, reading answers whose
// shape the catalog loader already checked against the table below. Every figure comes
// from the catalog's standards; nothing here knows an amount.
#include "domain/eligibility.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cstdint>

#include "domain/id_number.h"
#include "domain/message_keys.h"

namespace yimen {
namespace {

struct QuestionNeed {
  std::string_view id;
  FieldType type;
  std::vector<std::string_view> options;  // choice values the calculator reads
};

struct Contract {
  std::string_view calculator;
  std::vector<QuestionNeed> questions;
  std::vector<std::string_view> params;
  std::vector<std::string_view> tiers;  // each needs at least one standard ("" = main line)
  bool age_tiers = false;               // needs standards with min_age
};

const std::vector<Contract>& Contracts() {
  static const std::vector<QuestionNeed> kHousehold = {
      {"area", FieldType::kChoice, {"urban", "rural"}},
      {"household_size", FieldType::kNumber, {}},
      {"household_income", FieldType::kAmount, {}},
      {"has_car", FieldType::kYesNo, {}},
      {"has_extra_house", FieldType::kYesNo, {}},
      {"special_member", FieldType::kYesNo, {}},
  };
  static const std::vector<Contract> kContracts = [] {
    std::vector<Contract> list;
    list.push_back({"dibao", kHousehold, {"edge_ratio_percent"}, {""}, false});
    std::vector<QuestionNeed> edge = kHousehold;
    edge.push_back({"big_spending", FieldType::kYesNo, {}});
    list.push_back({"dibao_edge", edge, {}, {"dibao", "edge"}, false});
    list.push_back({"tekun",
                    {{"category", FieldType::kChoice, {"elderly", "disabled", "minor", "none"}},
                     {"can_work", FieldType::kYesNo, {}},
                     {"has_income", FieldType::kYesNo, {}},
                     {"supporter", FieldType::kChoice, {"none", "unable", "able"}}},
                    {},
                    {""},
                    false});
    list.push_back({"disability_living",
                    {{"has_certificate", FieldType::kYesNo, {}},
                     {"family_status", FieldType::kChoice, {"dibao", "tekun", "edge", "none"}}},
                    {},
                    {""},
                    false});
    list.push_back({"disability_care",
                    {{"has_certificate", FieldType::kYesNo, {}},
                     {"grade", FieldType::kChoice, {"g1", "g2", "g3", "g4"}},
                     {"kind", FieldType::kChoice, {"intellectual", "mental"}}},
                    {},
                    {""},
                    false});
    list.push_back({"age_tier",
                    {{"id_number", FieldType::kIdNumber, {}}, {"local_hukou", FieldType::kYesNo, {}}},
                    {},
                    {},
                    true});
    list.push_back({"child",
                    {{"child_id_number", FieldType::kIdNumber, {}},
                     {"situation", FieldType::kChoice, {"orphan", "unsupported", "other"}},
                     {"living", FieldType::kChoice, {"institution", "family"}}},
                    {},
                    {"orphan_institution", "orphan_family", "unsupported"},
                    false});
    return list;
  }();
  return kContracts;
}

const Contract* FindContract(std::string_view calculator) {
  for (const Contract& contract : Contracts()) {
    if (contract.calculator == calculator) return &contract;
  }
  return nullptr;
}

std::string Quote(std::string_view text) { return "\"" + std::string(text) + "\""; }

// The answer to question `id`, normalised; "" when unanswered or hidden.
class Answers {
 public:
  Answers(const EligibilitySpec& spec, const std::map<std::string, std::string>& answers)
      : m_spec(spec), m_answers(answers) {}

  std::string Get(std::string_view id) const {
    const FieldSpec* question = m_spec.FindQuestion(id);
    const auto it = m_answers.find(std::string(id));
    if (question == nullptr || it == m_answers.end()) return "";
    if (!IsQuestionVisible(m_spec, *question, m_answers)) return "";
    return NormalizeFieldValue(*question, it->second);
  }
  bool Yes(std::string_view id) const { return Get(id) == kYes; }
  int64_t Param(std::string_view name, int64_t fallback) const {
    const auto it = m_spec.params.find(std::string(name));
    return it == m_spec.params.end() ? fallback : it->second;
  }

 private:
  const EligibilitySpec& m_spec;
  const std::map<std::string, std::string>& m_answers;
};

// Verdicts only get worse as conditions are read.
void Downgrade(Verdict* verdict, Verdict to) {
  if (static_cast<int>(to) > static_cast<int>(*verdict)) *verdict = to;
}

void Say(EligibilityResult* result, std::string_view key,
         std::map<std::string, std::string> params = {}) {
  result->lines.push_back({std::string(key), std::move(params)});
}

std::string Date(const CivilDate& date) { return FormatIsoDate(date); }

Area AreaOf(const std::string& value) {
  if (value == "urban") return Area::kUrban;
  if (value == "rural") return Area::kRural;
  return Area::kAll;
}

// Per-capita monthly income in fen, rounded half up; the PerCapitaMonthlyIncomeFen rule.
int64_t PerCapita(int64_t total_fen, int64_t persons) {
  return (total_fen + persons / 2) / persons;
}

struct HouseholdIncome {
  int64_t total_fen = 0;
  int64_t persons = 1;
  int64_t per_capita_fen = 0;
};

HouseholdIncome ReadHousehold(const Answers& a, EligibilityResult* result) {
  HouseholdIncome h;
  h.total_fen = ParseAmountFen(a.Get("household_income")).value_or(0);
  const std::string size = a.Get("household_size");
  int64_t persons = 1;
  std::from_chars(size.data(), size.data() + size.size(), persons);
  h.persons = std::max<int64_t>(1, persons);
  h.per_capita_fen = PerCapita(h.total_fen, h.persons);
  Say(result, elig::kPerCapita,
      {{"income", FormatYuan(h.total_fen)},
       {"size", std::to_string(h.persons)},
       {"per_capita", FormatYuan(h.per_capita_fen)}});
  return h;
}

void Dibao(const ServiceSpec& service, const Answers& a, const CivilDate& today,
           EligibilityResult* result) {
  const HouseholdIncome h = ReadHousehold(a, result);
  const Standard* standard = CurrentStandard(service, AreaOf(a.Get("area")), today);
  if (standard == nullptr) {
    Say(result, elig::kNoStandard);
    result->verdict = Verdict::kMaybe;
    return;
  }
  result->standard = *standard;
  Say(result, elig::kStandard,
      {{"amount", FormatYuan(standard->amount_fen)}, {"effective", Date(standard->effective)}});
  const int64_t line = standard->amount_fen;
  const int64_t near_limit = line * a.Param("edge_ratio_percent", 100) / 100;
  Verdict verdict = Verdict::kLikely;
  if (h.per_capita_fen < line) {
    Say(result, elig::kIncomeBelow, {{"gap", FormatYuan(line - h.per_capita_fen)}});
  } else if (h.per_capita_fen == line) {
    Say(result, elig::kIncomeEqual);
    Downgrade(&verdict, Verdict::kMaybe);
  } else if (h.per_capita_fen <= near_limit) {
    Say(result, elig::kIncomeAtOrNear, {{"over", FormatYuan(h.per_capita_fen - line)}});
    Downgrade(&verdict, Verdict::kMaybe);
  } else {
    Say(result, elig::kIncomeAbove, {{"over", FormatYuan(h.per_capita_fen - line)}});
    Downgrade(&verdict, Verdict::kUnlikely);
  }
  if (a.Yes("has_car") || a.Yes("has_extra_house")) {
    Say(result, elig::kAssets);
    Downgrade(&verdict, Verdict::kMaybe);
  }
  if (a.Yes("special_member")) {
    Say(result, elig::kSpecialMember);
    // Someone seriously ill or disabled may be covered alone (单人保): never "unlikely".
    if (verdict == Verdict::kUnlikely) verdict = Verdict::kMaybe;
  }
  result->verdict = verdict;
}

void DibaoEdge(const ServiceSpec& service, const Answers& a, const CivilDate& today,
               EligibilityResult* result) {
  const HouseholdIncome h = ReadHousehold(a, result);
  const Area area = AreaOf(a.Get("area"));
  const Standard* floor = CurrentStandard(service, area, today, "dibao");
  const Standard* ceiling = CurrentStandard(service, area, today, "edge");
  if (floor == nullptr || ceiling == nullptr) {
    Say(result, elig::kNoStandard);
    result->verdict = Verdict::kMaybe;
    return;
  }
  result->standard = *ceiling;
  Verdict verdict = Verdict::kLikely;
  if (h.per_capita_fen < floor->amount_fen) {
    Say(result, elig::kEdgeBelowDibao, {{"dibao", FormatYuan(floor->amount_fen)}});
    Downgrade(&verdict, Verdict::kMaybe);
  } else if (h.per_capita_fen <= ceiling->amount_fen) {
    Say(result, elig::kEdgeWithin,
        {{"dibao", FormatYuan(floor->amount_fen)}, {"edge", FormatYuan(ceiling->amount_fen)}});
  } else if (a.Yes("big_spending")) {
    Say(result, elig::kEdgeAbove, {{"edge", FormatYuan(ceiling->amount_fen)}});
    Say(result, elig::kEdgeSpending);
    Downgrade(&verdict, Verdict::kMaybe);
  } else {
    Say(result, elig::kEdgeAbove, {{"edge", FormatYuan(ceiling->amount_fen)}});
    Downgrade(&verdict, Verdict::kUnlikely);
  }
  if (a.Yes("has_car") || a.Yes("has_extra_house")) {
    Say(result, elig::kAssets);
    Downgrade(&verdict, Verdict::kMaybe);
  }
  if (a.Yes("special_member") && verdict == Verdict::kUnlikely) {
    Say(result, elig::kSpecialMember);
    verdict = Verdict::kMaybe;
  }
  result->verdict = verdict;
}

void Tekun(const ServiceSpec& service, const Answers& a, const CivilDate& today,
           EligibilityResult* result) {
  if (const Standard* standard = CurrentStandard(service, Area::kAll, today)) {
    result->standard = *standard;
  }
  Verdict verdict = Verdict::kLikely;
  const std::string category = a.Get("category");
  if (category == "none") {
    Say(result, elig::kTekunCategoryNone);
    Downgrade(&verdict, Verdict::kUnlikely);
  } else {
    Say(result, elig::kTekunCategory);
  }
  if (a.Get("supporter") == "able") {
    Say(result, elig::kTekunSupporterAble);
    Downgrade(&verdict, Verdict::kUnlikely);
  } else {
    Say(result, elig::kTekunSupporterOk);
  }
  if (a.Yes("has_income")) {
    Say(result, elig::kTekunIncome);
    Downgrade(&verdict, Verdict::kMaybe);
  }
  // Old age and childhood need no proof of inability to work; disability does.
  if (category == "disabled" && a.Yes("can_work")) {
    Say(result, elig::kTekunCanWork);
    Downgrade(&verdict, Verdict::kMaybe);
  }
  result->verdict = verdict;
}

void DisabilityLiving(const ServiceSpec& service, const Answers& a, const CivilDate& today,
                      EligibilityResult* result) {
  if (const Standard* standard = CurrentStandard(service, Area::kAll, today)) {
    result->standard = *standard;
  }
  if (!a.Yes("has_certificate")) {
    Say(result, elig::kNoCertificate);
    result->verdict = Verdict::kUnlikely;
    return;
  }
  if (a.Get("family_status") == "none") {
    Say(result, elig::kLivingNotLowIncome);
    result->verdict = Verdict::kUnlikely;
    return;
  }
  Say(result, elig::kLivingLowIncome);
  result->verdict = Verdict::kLikely;
}

void DisabilityCare(const ServiceSpec& service, const Answers& a, const CivilDate& today,
                    EligibilityResult* result) {
  if (const Standard* standard = CurrentStandard(service, Area::kAll, today)) {
    result->standard = *standard;
  }
  if (!a.Yes("has_certificate")) {
    Say(result, elig::kNoCertificate);
    result->verdict = Verdict::kUnlikely;
    return;
  }
  const std::string grade = a.Get("grade");
  const std::string kind = a.Get("kind");
  if (grade == "g1" || grade == "g2") {
    Say(result, elig::kCareSevere);
    result->verdict = Verdict::kLikely;
  } else if (kind == "intellectual" || kind == "mental") {
    Say(result, elig::kCareMaybe);
    result->verdict = Verdict::kMaybe;
  } else {
    Say(result, elig::kCareNotSevere);
    result->verdict = Verdict::kUnlikely;
  }
}

void AgeTier(const ServiceSpec& service, const Answers& a, const CivilDate& today,
             EligibilityResult* result) {
  const Result<IdNumber> id = ParseIdNumber(a.Get("id_number"), today);
  assert(id.ok() && "answers are validated before calculating");
  const int age = AgeInYears(id->birth_date, today);
  // The tiers in force today, each with its threshold age.
  const Standard* reached = nullptr;
  const Standard* lowest = nullptr;
  for (const Standard* standard : StandardsInForce(service, today)) {
    if (!standard->min_age) continue;
    if (lowest == nullptr || *standard->min_age < *lowest->min_age) lowest = standard;
    if (*standard->min_age <= age && (reached == nullptr || *standard->min_age > *reached->min_age)) {
      reached = standard;
    }
  }
  if (lowest == nullptr) {
    Say(result, elig::kNoStandard);
    result->verdict = Verdict::kMaybe;
    return;
  }
  Verdict verdict = Verdict::kLikely;
  if (reached == nullptr) {
    result->standard = *lowest;
    Say(result, elig::kAgeTooYoung,
        {{"age", std::to_string(age)},
         {"min_age", std::to_string(*lowest->min_age)},
         {"date", Date(BirthdayAt(id->birth_date, *lowest->min_age))}});
    verdict = Verdict::kUnlikely;
  } else {
    result->standard = *reached;
    Say(result, elig::kAgeReached,
        {{"age", std::to_string(age)}, {"min_age", std::to_string(*reached->min_age)}});
  }
  if (a.Get("local_hukou") == kNo) {
    Say(result, elig::kAgeNotLocal);
    Downgrade(&verdict, Verdict::kMaybe);
  }
  result->verdict = verdict;
}

void Child(const ServiceSpec& service, const Answers& a, const CivilDate& today,
           EligibilityResult* result) {
  const Result<IdNumber> id = ParseIdNumber(a.Get("child_id_number"), today);
  assert(id.ok() && "answers are validated before calculating");
  const int age = AgeInYears(id->birth_date, today);
  Verdict verdict = Verdict::kLikely;
  if (age >= 18) {
    Say(result, elig::kChildAdult, {{"age", std::to_string(age)}});
    Downgrade(&verdict, Verdict::kUnlikely);
  } else {
    Say(result, elig::kChildUnder18, {{"age", std::to_string(age)}});
  }
  const std::string situation = a.Get("situation");
  std::string tier;
  if (situation == "orphan") {
    Say(result, elig::kChildOrphan);
    tier = a.Get("living") == "institution" ? "orphan_institution" : "orphan_family";
  } else if (situation == "unsupported") {
    Say(result, elig::kChildUnsupported);
    tier = "unsupported";
  } else {
    Say(result, elig::kChildOther);
    Downgrade(&verdict, Verdict::kMaybe);
  }
  if (!tier.empty()) {
    if (const Standard* standard = CurrentStandard(service, Area::kAll, today, tier)) {
      result->standard = *standard;
    }
  }
  result->verdict = verdict;
}

// A top-level form value of `draft`, normalised as the form engine does; "" when absent.
std::string FormValue(const ServiceSpec& service, const ApplicationDraft& draft,
                      std::string_view field_id) {
  const auto it = draft.values.find(std::string(field_id));
  if (it == draft.values.end()) return "";
  const FieldSpec* field = service.FindField(field_id);
  return field == nullptr ? it->second : NormalizeFieldValue(*field, it->second);
}

// A yes_no answer from whether a condition holds, or "" when the form left it blank.
std::string YesNo(bool known, bool holds) {
  if (!known) return "";
  return std::string(holds ? kYes : kNo);
}

// 低保-style household questions: size, total monthly income, assets, special members.
void HouseholdAnswers(const ServiceSpec& service, const ApplicationDraft& draft,
                      std::map<std::string, std::string>* out) {
  const std::vector<std::map<std::string, std::string>> none;
  const auto items = draft.groups.find(service.means_test ? service.means_test->members_group
                                                          : std::string("members"));
  const auto& members = items == draft.groups.end() ? none : items->second;
  (*out)["household_size"] = std::to_string(1 + members.size());
  if (service.means_test) {
    const MeansTest& test = *service.means_test;
    std::optional<int64_t> total =
        ParseAmountFen(FormValue(service, draft, test.applicant_income_field));
    const GroupSpec* group = service.FindGroup(test.members_group);
    const FieldSpec* field =
        group == nullptr ? nullptr : group->FindField(test.member_income_field);
    for (const auto& item : members) {
      const auto value = item.find(test.member_income_field);
      const std::optional<int64_t> member =
          value == item.end() || field == nullptr
              ? std::nullopt
              : ParseAmountFen(NormalizeFieldValue(*field, value->second));
      total = total && member ? std::optional<int64_t>(*total + *member) : std::nullopt;
    }
    if (total) (*out)["household_income"] = FormatYuan(*total);
  }
  const std::string vehicle = FormValue(service, draft, "vehicle");
  const std::string house = FormValue(service, draft, "extra_house");
  if (!vehicle.empty()) (*out)["has_car"] = vehicle;
  if (!house.empty()) (*out)["has_extra_house"] = house;
  bool special = false;
  for (const auto& item : members) {
    for (const char* id : {"disability", "serious_illness"}) {
      const auto it = item.find(id);
      special = special || (it != item.end() && it->second == kYes);
    }
  }
  (*out)["special_member"] = std::string(special ? kYes : kNo);
  const std::string spending = FormValue(service, draft, "big_spending");
  if (!spending.empty()) (*out)["big_spending"] = spending;
}

// Every way of answering the visible, unanswered choice and yes_no questions, each
// added to `answers`; one element (`answers` itself) when none is open.
std::vector<std::map<std::string, std::string>> OpenCases(
    const EligibilitySpec& spec, const std::map<std::string, std::string>& answers) {
  std::vector<std::map<std::string, std::string>> cases{answers};
  for (const FieldSpec& question : spec.questions) {
    if (answers.count(question.id) != 0) continue;
    std::vector<std::string> values;
    if (question.type == FieldType::kYesNo) values = {std::string(kYes), std::string(kNo)};
    if (question.type == FieldType::kChoice) {
      for (const ChoiceOption& option : question.options) values.push_back(option.value);
    }
    if (values.empty()) continue;
    std::vector<std::map<std::string, std::string>> grown;
    for (const auto& base : cases) {
      if (!IsQuestionVisible(spec, question, base)) {
        grown.push_back(base);
        continue;
      }
      for (const std::string& value : values) {
        grown.push_back(base);
        grown.back()[question.id] = value;
      }
    }
    cases = std::move(grown);
    if (cases.size() > kMaxSelfCheckCases) return {};
  }
  return cases;
}

}  // namespace

std::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kLikely: return "likely";
    case Verdict::kMaybe: return "maybe";
    case Verdict::kUnlikely: return "unlikely";
  }
  return "maybe";
}

std::vector<std::pair<std::string, std::string>> EligibilitySpecProblems(
    const ServiceSpec& service) {
  std::vector<std::pair<std::string, std::string>> problems;
  if (!service.eligibility) return problems;
  const EligibilitySpec& spec = *service.eligibility;
  const Contract* contract = FindContract(spec.calculator);
  if (contract == nullptr) {
    if (!spec.calculator.empty()) {
      problems.emplace_back("calculator", "unknown calculator " + Quote(spec.calculator));
    }
    return problems;
  }
  const std::string name = Quote(spec.calculator);
  for (const QuestionNeed& need : contract->questions) {
    const FieldSpec* question = spec.FindQuestion(need.id);
    if (question == nullptr) {
      problems.emplace_back("questions", "the " + name + " calculator needs question " +
                                             Quote(need.id));
      continue;
    }
    const size_t index = static_cast<size_t>(question - spec.questions.data());
    const std::string at = "questions[" + std::to_string(index) + "]";
    if (question->type != need.type) {
      problems.emplace_back(at + ".type", "the " + name + " calculator needs a " +
                                              std::string(FieldTypeName(need.type)) + " here");
      continue;
    }
    for (const std::string_view value : need.options) {
      const bool present =
          std::any_of(question->options.begin(), question->options.end(),
                      [&](const ChoiceOption& option) { return option.value == value; });
      if (!present) {
        problems.emplace_back(at + ".options", "the " + name + " calculator needs option " +
                                                   Quote(value));
      }
    }
  }
  for (size_t i = 0; i < spec.questions.size(); ++i) {
    const std::string& id = spec.questions[i].id;
    const bool needed = std::any_of(contract->questions.begin(), contract->questions.end(),
                                    [&](const QuestionNeed& need) { return need.id == id; });
    if (!needed && !id.empty()) {
      problems.emplace_back("questions[" + std::to_string(i) + "].id",
                            "the " + name + " calculator does not use question " + Quote(id));
    }
  }
  for (const std::string_view param : contract->params) {
    if (spec.params.count(std::string(param)) == 0) {
      problems.emplace_back("params", "the " + name + " calculator needs " + Quote(param));
    }
  }
  for (const auto& [param, value] : spec.params) {
    if (std::find(contract->params.begin(), contract->params.end(), param) ==
        contract->params.end()) {
      problems.emplace_back("params." + param, "the " + name + " calculator does not use it");
    }
  }
  for (const std::string_view tier : contract->tiers) {
    const bool present = std::any_of(service.standards.begin(), service.standards.end(),
                                     [&](const Standard& s) { return s.tier == tier; });
    if (!present) {
      problems.emplace_back("calculator", "the " + name + " calculator needs standards of tier " +
                                              Quote(tier));
    }
  }
  if (contract->age_tiers &&
      std::none_of(service.standards.begin(), service.standards.end(),
                   [](const Standard& s) { return s.min_age.has_value(); })) {
    problems.emplace_back("calculator",
                          "the " + name + " calculator needs standards with min_age");
  }
  return problems;
}

std::vector<FieldIssue> ValidateEligibilityAnswers(const ServiceSpec& service,
                                                   const Region& region,
                                                   const std::map<std::string, std::string>& answers,
                                                   const CivilDate& today) {
  std::vector<FieldIssue> issues;
  if (!service.eligibility) return issues;
  const EligibilitySpec& spec = *service.eligibility;
  for (const FieldSpec& question : spec.questions) {
    if (!IsQuestionVisible(spec, question, answers)) continue;
    const auto it = answers.find(question.id);
    FieldContext ctx;
    ctx.today = today;
    ctx.region = &region;
    for (FieldIssue& issue :
         ValidateField(question, it == answers.end() ? std::string_view() : it->second, ctx)) {
      issues.push_back(std::move(issue));
    }
  }
  return issues;
}

namespace {

// A declared age rule of the form (without a condition) on an ID number the self-check
// also asks for, broken by the answer: the closing line names the rule and its day
// instead of kStillApply. The form refuses with the same date (validation.rule.min_age).
bool FormAgeRuleRefuses(const ServiceSpec& service, const Answers& a, const CivilDate& today,
                        EligibilityResult* result) {
  for (const CrossFieldRule& rule : service.rules) {
    if (rule.when || rule.kind == CrossFieldRule::Kind::kApplicantNotMember) continue;
    const Result<IdNumber> id = ParseIdNumber(a.Get(rule.id_field), today);
    if (!id.ok()) continue;  // not asked, or not answered
    const int age = AgeInYears(id->birth_date, today);
    if (rule.kind == CrossFieldRule::Kind::kMinAge && age < rule.years) {
      Say(result, elig::kAgeApplyFrom,
          {{"years", std::to_string(rule.years)},
           {"date", Date(BirthdayAt(id->birth_date, rule.years))}});
      return true;
    }
    if (rule.kind == CrossFieldRule::Kind::kAgeBelow && age >= rule.years) {
      Say(result, elig::kAgeOverLimit, {{"years", std::to_string(rule.years)}});
      return true;
    }
  }
  return false;
}

}  // namespace

Result<EligibilityResult> CheckEligibility(const ServiceSpec& service, const Region& region,
                                           const std::map<std::string, std::string>& answers,
                                           const CivilDate& today) {
  if (!service.eligibility) {
    return MakeError(ErrorKind::kNotFound, "service " + service.code + " has no self-check");
  }
  const std::vector<FieldIssue> issues =
      ValidateEligibilityAnswers(service, region, answers, today);
  if (!issues.empty()) return MakeError(ErrorKind::kInvalidArgument, issues.front().message_key);
  const EligibilitySpec& spec = *service.eligibility;
  const Answers a(spec, answers);
  EligibilityResult result;
  const std::string& calculator = spec.calculator;
  if (calculator == "dibao") {
    Dibao(service, a, today, &result);
  } else if (calculator == "dibao_edge") {
    DibaoEdge(service, a, today, &result);
  } else if (calculator == "tekun") {
    Tekun(service, a, today, &result);
  } else if (calculator == "disability_living") {
    DisabilityLiving(service, a, today, &result);
  } else if (calculator == "disability_care") {
    DisabilityCare(service, a, today, &result);
  } else if (calculator == "age_tier") {
    AgeTier(service, a, today, &result);
  } else if (calculator == "child") {
    Child(service, a, today, &result);
  } else {
    return MakeError(ErrorKind::kNotFound, "unknown calculator " + calculator);
  }
  // The last line: the form's own age rule refuses these answers, so "you can still
  // apply" would be untrue; it says from which day the kiosk takes the application.
  if (!FormAgeRuleRefuses(service, a, today, &result)) Say(&result, elig::kStillApply);
  return result;
}

}  // namespace yimen

namespace yimen {

std::map<std::string, std::string> SelfCheckAnswersFromDraft(const ServiceSpec& service,
                                                             const ApplicationDraft& draft) {
  std::map<std::string, std::string> out;
  if (!service.eligibility) return out;
  const std::string& calculator = service.eligibility->calculator;
  const auto copy = [&](std::string_view question, std::string_view field) {
    const std::string value = FormValue(service, draft, field);
    if (!value.empty()) out[std::string(question)] = value;
  };
  if (calculator == "dibao" || calculator == "dibao_edge") {
    HouseholdAnswers(service, draft, &out);
  } else if (calculator == "tekun") {
    copy("category", "category");
    copy("supporter", "supporter");
    const std::optional<int64_t> income =
        ParseAmountFen(FormValue(service, draft, "monthly_income"));
    out["has_income"] = YesNo(income.has_value(), income.value_or(0) > 0);
  } else if (calculator == "disability_living" || calculator == "disability_care") {
    out["has_certificate"] = YesNo(true, !FormValue(service, draft, "certificate_number").empty());
    copy("family_status", "family_status");
    copy("grade", "disability_grade");
    copy("kind", "disability_kind");
  } else if (calculator == "age_tier") {
    copy("id_number", "id_number");
    const std::string hukou = FormValue(service, draft, "hukou");
    out["local_hukou"] = YesNo(!hukou.empty(), hukou == "local");
  } else if (calculator == "child") {
    copy("child_id_number", "child_id_number");
    copy("situation", "situation");
    copy("living", "living");
  }
  // Only the calculator's questions, and never an empty answer.
  for (auto it = out.begin(); it != out.end();) {
    const bool keep =
        !it->second.empty() && service.eligibility->FindQuestion(it->first) != nullptr;
    it = keep ? std::next(it) : out.erase(it);
  }
  return out;
}

Result<std::vector<SelfCheckCase>> RecheckEligibility(const ServiceSpec& service,
                                                      const Region& region,
                                                      const ApplicationDraft& draft,
                                                      const CivilDate& today) {
  if (!service.eligibility) {
    return MakeError(ErrorKind::kNotFound, "service " + service.code + " has no self-check");
  }
  const std::map<std::string, std::string> given = SelfCheckAnswersFromDraft(service, draft);
  const auto cases = OpenCases(*service.eligibility, given);
  if (cases.empty()) {
    return MakeError(ErrorKind::kInvalidArgument,
                     "the application leaves too many self-check questions open");
  }
  std::vector<SelfCheckCase> out;
  for (const auto& answers : cases) {
    Result<EligibilityResult> result = CheckEligibility(service, region, answers, today);
    if (!result.ok()) return result.error();
    SelfCheckCase one;
    for (const auto& [id, value] : answers) {
      if (given.count(id) == 0) one.assumed[id] = value;
    }
    one.result = std::move(*result);
    out.push_back(std::move(one));
  }
  // Equal outcomes whatever the open answers: one case that assumes nothing.
  const bool all_equal = std::all_of(out.begin(), out.end(), [&](const SelfCheckCase& c) {
    return c.result.verdict == out.front().result.verdict &&
           c.result.lines == out.front().result.lines;
  });
  if (all_equal && out.size() > 1) {
    out.resize(1);
    out.front().assumed.clear();
  }
  return out;
}

}  // namespace yimen
