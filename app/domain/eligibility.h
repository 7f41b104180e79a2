// The eligibility self-check: "看看我符不符合条件" before applying. It asks a few
// questions declared in the catalog, compares the answers with the standard in force and
// explains the outcome in plain words. It advises and never decides: every result ends by
// saying the resident may still apply and staff will decide, and nothing here can stop an
// application. Pure (catalog, answers, today) -> result, like the form engine.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/catalog.h"
#include "domain/civil_date.h"
#include "domain/form.h"
#include "domain/result.h"

namespace yimen {

enum class Verdict {
  kLikely,    // the answers meet every condition the check can see
  kMaybe,     // near a line, or a condition staff must judge
  kUnlikely,  // the answers miss a main condition
};

// "likely", "maybe", "unlikely". Any thread.
std::string_view VerdictName(Verdict verdict);

// One sentence of the explanation. `key` is in assets/strings/eligibility.<lang>.json
// (listed in kAllEligibilityKeys); params fill its placeholders and are language-neutral:
// amounts in yuan as FormatYuan writes them, dates "YYYY-MM-DD", ages in completed years.
struct ExplanationLine {
  std::string key;
  std::map<std::string, std::string> params;
  bool operator==(const ExplanationLine&) const = default;
};

struct EligibilityResult {
  Verdict verdict = Verdict::kMaybe;
  std::vector<ExplanationLine> lines;  // in reading order; the last is kStillApply, or
                                       // kAgeApplyFrom / kAgeOverLimit when the form will refuse
  // The standard the answers were compared with (its amount, unit, tier and effective
  // date are shown beside the verdict); absent when none is in force or none applies.
  std::optional<Standard> standard;
};

// The calculators. Each needs certain questions (id and type; choices with certain
// option values), parameters and standard tiers, checked at catalog load:
//   dibao              area(choice urban/rural), household_size(number),
//                      household_income(amount), has_car(yes_no), has_extra_house(yes_no),
//                      special_member(yes_no); params edge_ratio_percent; main standard
//   dibao_edge         the same questions plus big_spending(yes_no); tiers "dibao", "edge"
//   tekun              category(choice elderly/disabled/minor/none), can_work(yes_no),
//                      has_income(yes_no), supporter(choice none/unable/able); main standard
//   disability_living  has_certificate(yes_no), family_status(choice
//                      dibao/tekun/edge/none); main standard
//   disability_care    has_certificate(yes_no), grade(choice g1..g4),
//                      kind(choice ... intellectual, mental ...); main standard
//   age_tier           id_number(id_number), local_hukou(yes_no); standards with min_age
//   child              child_id_number(id_number), situation(choice
//                      orphan/unsupported/other), living(choice institution/family);
//                      tiers "orphan_institution", "orphan_family", "unsupported"
// Questions beyond these are refused, so a typo cannot pass silently.
inline constexpr std::string_view kCalculators[] = {
    "dibao", "dibao_edge", "tekun", "disability_living", "disability_care", "age_tier", "child"};

// Problems of `service.eligibility` against its calculator, as (path below
// "eligibility", what) pairs, for the catalog loader. Empty when it fits or when the
// service has no eligibility spec. Any thread.
std::vector<std::pair<std::string, std::string>> EligibilitySpecProblems(
    const ServiceSpec& service);

// Checks the answers as form fields are checked (ValidateField), visible questions only,
// in question order; issues carry field_id = the question id and an empty step_id.
// Any thread.
std::vector<FieldIssue> ValidateEligibilityAnswers(const ServiceSpec& service,
                                                   const Region& region,
                                                   const std::map<std::string, std::string>& answers,
                                                   const CivilDate& today);

// Runs the service's calculator on `answers` (question id -> value) with the standards in
// force on `today`. Fails with kNotFound when the service has no self-check, and with
// kInvalidArgument when the answers do not validate (message: the first issue's message
// key). Never throws. Any thread.
Result<EligibilityResult> CheckEligibility(const ServiceSpec& service, const Region& region,
                                           const std::map<std::string, std::string>& answers,
                                           const CivilDate& today);

// The self-check run again on a submitted application, for the office (docs/console.md
// "Self-check"). The kiosk keeps no self-check answers ("不会保存"), so they are read off
// the application's own fields, calculator by calculator (household size = 1 + members,
// household income = applicant's + members' incomes, has_car = vehicle, local_hukou =
// hukou is local, has_certificate = a certificate number was given, ...). A question the
// form does not ask (低保's area: urban or rural; 特困's can_work) is answered each way it
// can be, one case per answer, at most kMaxSelfCheckCases; cases whose results are equal
// are merged, so a question that does not change the outcome assumes nothing.
struct SelfCheckCase {
  std::map<std::string, std::string> assumed;  // question id -> value not on the form
  EligibilityResult result;
};
inline constexpr size_t kMaxSelfCheckCases = 8;

// The self-check's answers that `draft` gives (question id -> value); questions it does
// not give are absent. Pure, any thread.
std::map<std::string, std::string> SelfCheckAnswersFromDraft(const ServiceSpec& service,
                                                             const ApplicationDraft& draft);

// CheckEligibility on SelfCheckAnswersFromDraft's answers, on `today` (the resident's
// civil date of submission), once per way of answering what the form leaves open.
// kNotFound: the service has no self-check; kInvalidArgument: the answers the form gives
// do not pass the self-check's own validation (message: the first issue's key) or too
// many questions are left open. Never throws. Any thread.
Result<std::vector<SelfCheckCase>> RecheckEligibility(const ServiceSpec& service,
                                                      const Region& region,
                                                      const ApplicationDraft& draft,
                                                      const CivilDate& today);

// Message keys of explanation lines (assets/strings/eligibility.*.json). Placeholders in
// the comments.
namespace elig {
inline constexpr std::string_view kStillApply = "eligibility.still_apply";
inline constexpr std::string_view kNoStandard = "eligibility.no_standard";
inline constexpr std::string_view kStandard = "eligibility.standard";  // {amount} {effective}
inline constexpr std::string_view kPerCapita = "eligibility.per_capita";  // {income} {size} {per_capita}
inline constexpr std::string_view kIncomeBelow = "eligibility.income.below";  // {gap}
inline constexpr std::string_view kIncomeEqual = "eligibility.income.equal";
inline constexpr std::string_view kIncomeAtOrNear = "eligibility.income.near";  // {over}
inline constexpr std::string_view kIncomeAbove = "eligibility.income.above";  // {over}
inline constexpr std::string_view kAssets = "eligibility.assets";
inline constexpr std::string_view kSpecialMember = "eligibility.special_member";
inline constexpr std::string_view kEdgeBelowDibao = "eligibility.edge.below_dibao";  // {dibao}
inline constexpr std::string_view kEdgeWithin = "eligibility.edge.within";  // {dibao} {edge}
inline constexpr std::string_view kEdgeAbove = "eligibility.edge.above";  // {edge}
inline constexpr std::string_view kEdgeSpending = "eligibility.edge.spending";
inline constexpr std::string_view kTekunCategoryNone = "eligibility.tekun.category_none";
inline constexpr std::string_view kTekunCategory = "eligibility.tekun.category";
inline constexpr std::string_view kTekunSupporterAble = "eligibility.tekun.supporter_able";
inline constexpr std::string_view kTekunSupporterOk = "eligibility.tekun.supporter_ok";
inline constexpr std::string_view kTekunIncome = "eligibility.tekun.income";
inline constexpr std::string_view kTekunCanWork = "eligibility.tekun.can_work";
inline constexpr std::string_view kNoCertificate = "eligibility.disability.no_certificate";
inline constexpr std::string_view kLivingLowIncome = "eligibility.disability.low_income";
inline constexpr std::string_view kLivingNotLowIncome = "eligibility.disability.not_low_income";
inline constexpr std::string_view kCareSevere = "eligibility.disability.severe";
inline constexpr std::string_view kCareMaybe = "eligibility.disability.grade3_mental";
inline constexpr std::string_view kCareNotSevere = "eligibility.disability.not_severe";
inline constexpr std::string_view kAgeReached = "eligibility.age.reached";  // {age} {min_age}
inline constexpr std::string_view kAgeTooYoung = "eligibility.age.too_young";  // {age} {min_age} {date}
inline constexpr std::string_view kAgeNotLocal = "eligibility.age.not_local";
// In place of kStillApply when the form's age rule will refuse the application.
inline constexpr std::string_view kAgeApplyFrom = "eligibility.age.apply_from";  // {years} {date}
inline constexpr std::string_view kAgeOverLimit = "eligibility.age.over_limit";  // {years}
inline constexpr std::string_view kChildAdult = "eligibility.child.adult";  // {age}
inline constexpr std::string_view kChildUnder18 = "eligibility.child.under_18";  // {age}
inline constexpr std::string_view kChildOrphan = "eligibility.child.orphan";
inline constexpr std::string_view kChildUnsupported = "eligibility.child.unsupported";
inline constexpr std::string_view kChildOther = "eligibility.child.other";
}  // namespace elig

// A table aligned by hand.
// clang-format off
inline constexpr std::string_view kAllEligibilityKeys[] = {
    elig::kStillApply,        elig::kNoStandard,        elig::kStandard,
    elig::kPerCapita,         elig::kIncomeBelow,       elig::kIncomeAtOrNear,
    elig::kIncomeAbove,       elig::kAssets,            elig::kSpecialMember,
    elig::kEdgeBelowDibao,    elig::kEdgeWithin,        elig::kEdgeAbove,
    elig::kEdgeSpending,      elig::kTekunCategoryNone, elig::kTekunCategory,
    elig::kTekunSupporterAble, elig::kTekunSupporterOk, elig::kTekunIncome,
    elig::kTekunCanWork,      elig::kNoCertificate,     elig::kLivingLowIncome,
    elig::kLivingNotLowIncome, elig::kCareSevere,       elig::kCareMaybe,
    elig::kCareNotSevere,     elig::kAgeReached,        elig::kAgeTooYoung,
    elig::kAgeNotLocal,       elig::kChildAdult,        elig::kChildUnder18,
    elig::kChildOrphan,       elig::kChildUnsupported,  elig::kChildOther,
    elig::kIncomeEqual,       elig::kAgeApplyFrom,      elig::kAgeOverLimit,
};
// clang-format on

}  // namespace yimen
