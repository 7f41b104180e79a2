// Form engine: normalisation, one validator per field type, step and draft checks, the
// draft's JSON payload, and per-capita income. Nothing here knows about screens.
#include "domain/form.h"

#include <algorithm>
#include <cassert>
#include <functional>
#include <tuple>
#include <utility>

#include "domain/id_number.h"
#include "domain/message_keys.h"
#include "domain/name_chars.h"
#include "domain/utf8.h"

namespace yimen {
namespace {

constexpr char32_t kMiddleDot = U'\u00B7';
constexpr int kNameMinHan = 2;
constexpr int kNameMaxHan = 20;

bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsAsciiSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsAsciiSpace(text.back())) text.remove_suffix(1);
  return text;
}

std::string WithoutSpaces(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (!IsAsciiSpace(c)) out.push_back(c);
  }
  return out;
}

bool AllDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), IsDigit);
}

// Dots that input methods and fonts offer in place of U+00B7 in minority names.
bool IsLookAlikeDot(char32_t cp) {
  return cp == U'\u2022' || cp == U'\u2027' || cp == U'\u30FB' || cp == U'\uFF65' ||
         cp == U'\uFF0E' || cp == U'\u2219' || cp == U'\u22C5' || cp == U'\u318D';
}

std::string NormalizeName(std::string_view text) {
  std::string out;
  for (const char32_t cp : DecodeUtf8(text)) {
    if (cp < 0x80 && IsAsciiSpace(static_cast<char>(cp))) continue;
    if (cp == U'\u3000') continue;  // ideographic space
    AppendUtf8(IsLookAlikeDot(cp) ? kMiddleDot : cp, &out);
  }
  return out;
}

bool IsLatinUpper(char32_t cp) { return cp >= U'A' && cp <= U'Z'; }
bool IsAssistedSeparator(char32_t cp) { return cp == U' ' || cp == kMiddleDot || cp == U'-'; }

// Staff copy the name as the permit prints it; a hardware keyboard's lower case or a
// doubled space does not make another name, so both are folded here.
std::string NormalizeAssistedName(std::string_view text) {
  std::string out;
  bool space = false;
  for (char32_t cp : DecodeUtf8(text)) {
    if (cp == U'\u3000' || (cp < 0x80 && IsAsciiSpace(static_cast<char>(cp)))) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    if (cp >= U'a' && cp <= U'z') cp = cp - U'a' + U'A';
    AppendUtf8(IsLookAlikeDot(cp) ? kMiddleDot : cp, &out);
  }
  return out;
}

// "1950-3-8", "1950/03/08", "1950.3.8", "1950年3月8日" and "19500308" all become
// "1950-03-08"; anything else is returned as it was (without spaces) for the validator to
// refuse.
std::string NormalizeDate(std::string_view text) {
  std::string compact;
  for (const char32_t cp : DecodeUtf8(text)) {
    if (cp == U' ' || cp == U'\u3000' || cp == U'日') continue;
    if (cp == U'/' || cp == U'.' || cp == U'年' || cp == U'月') {
      compact.push_back('-');
    } else if (cp >= U'０' && cp <= U'９') {
      compact.push_back(static_cast<char>('0' + (cp - U'０')));
    } else {
      AppendUtf8(cp, &compact);
    }
  }
  if (compact.size() == 8 && AllDigits(compact)) {
    return compact.substr(0, 4) + "-" + compact.substr(4, 2) + "-" + compact.substr(6, 2);
  }
  const size_t first = compact.find('-');
  const size_t second = first == std::string::npos ? first : compact.find('-', first + 1);
  if (second == std::string::npos || compact.find('-', second + 1) != std::string::npos) {
    return compact;
  }
  const std::string year = compact.substr(0, first);
  const std::string month = compact.substr(first + 1, second - first - 1);
  const std::string day = compact.substr(second + 1);
  if (year.size() != 4 || !AllDigits(year) || month.empty() || month.size() > 2 ||
      !AllDigits(month) || day.empty() || day.size() > 2 || !AllDigits(day)) {
    return compact;
  }
  const auto pad = [](const std::string& part) { return part.size() == 1 ? "0" + part : part; };
  return year + "-" + pad(month) + "-" + pad(day);
}

// Known options first in the catalog's order, then unknown values as given (for the
// validator to refuse); duplicates of a known option collapse.
std::string NormalizeChoices(const FieldSpec& field, const std::vector<std::string>& chosen) {
  std::vector<std::string> ordered;
  for (const ChoiceOption& option : field.options) {
    if (std::find(chosen.begin(), chosen.end(), option.value) != chosen.end()) {
      ordered.push_back(option.value);
    }
  }
  for (const std::string& value : chosen) {
    const bool known = std::any_of(field.options.begin(), field.options.end(),
                                   [&](const ChoiceOption& option) { return option.value == value; });
    if (!known) ordered.push_back(value);
  }
  std::string out;
  for (const std::string& value : ordered) {
    if (!out.empty()) out += ",";
    out += value;
  }
  return out;
}

FieldIssue Issue(const FieldSpec& field, std::string_view key,
                 std::map<std::string, std::string> params = {}) {
  FieldIssue issue;
  issue.field_id = field.id;
  issue.message_key = std::string(key);
  issue.params = std::move(params);
  return issue;
}

std::optional<FieldIssue> CheckText(const FieldSpec& field, std::string_view value) {
  if (!IsValidUtf8(value)) return Issue(field, msg::kTextChars);
  if (name_chars::FindUndrawable(DecodeUtf8(value))) return Issue(field, msg::kTextUndrawable);
  for (const char32_t cp : DecodeUtf8(value)) {
    const bool control = cp < 0x20 || (cp >= 0x7F && cp < 0xA0);
    if (control && cp != U'\n' && cp != U'\t') return Issue(field, msg::kTextChars);
  }
  if (field.max_length && CountCodepoints(value) > static_cast<size_t>(*field.max_length)) {
    return Issue(field, msg::kTextTooLong, {{"max_length", std::to_string(*field.max_length)}});
  }
  return std::nullopt;
}

std::optional<FieldIssue> CheckChineseName(const FieldSpec& field, std::string_view value) {
  if (!IsValidUtf8(value)) return Issue(field, msg::kNameChars);
  const std::u32string name = DecodeUtf8(value);
  if (name_chars::FindUndrawable(name)) return Issue(field, msg::kTextUndrawable);
  if (auto dot = name_chars::FindDotLookAlike(name))
    return Issue(field, msg::kNameDotLookAlike, {{"char", EncodeUtf8(std::u32string(1, *dot))}});
  int han = 0;
  for (const char32_t cp : name) {
    if (IsHan(cp)) {
      ++han;
    } else if (cp != kMiddleDot) {
      return Issue(field, msg::kNameChars);
    }
  }
  for (size_t i = 0; i < name.size(); ++i) {
    if (name[i] != kMiddleDot) continue;
    const bool at_edge = i == 0 || i + 1 == name.size();
    if (at_edge || name[i + 1] == kMiddleDot) return Issue(field, msg::kNameDot);
  }
  if (han < kNameMinHan || han > kNameMaxHan) {
    return Issue(field, msg::kNameLength,
                 {{"min", std::to_string(kNameMinHan)}, {"max", std::to_string(kNameMaxHan)}});
  }
  return std::nullopt;
}

// A name staff entered from a permit: letters A-Z, a single separator between two letters.
std::optional<FieldIssue> CheckAssistedName(const FieldSpec& field, std::string_view value) {
  if (!IsValidUtf8(value)) return Issue(field, msg::kNameAssistedChars);
  const std::u32string name = DecodeUtf8(value);
  if (name_chars::FindUndrawable(name)) return Issue(field, msg::kTextUndrawable);
  for (size_t i = 0; i < name.size(); ++i) {
    if (IsLatinUpper(name[i])) continue;
    const bool between =
        i > 0 && i + 1 < name.size() && IsLatinUpper(name[i - 1]) && IsLatinUpper(name[i + 1]);
    if (!between || !IsAssistedSeparator(name[i])) return Issue(field, msg::kNameAssistedChars);
  }
  if (name.size() < static_cast<size_t>(kAssistedNameMin) ||
      name.size() > static_cast<size_t>(kAssistedNameMax)) {
    return Issue(
        field, msg::kNameAssistedLength,
        {{"min", std::to_string(kAssistedNameMin)}, {"max", std::to_string(kAssistedNameMax)}});
  }
  return std::nullopt;
}

// A 7..8 digit local number that does not start with 0 or 1 (those begin area codes
// and special services).
bool IsLocalNumber(std::string_view digits) {
  return (digits.size() == 7 || digits.size() == 8) && AllDigits(digits) && digits[0] >= '2';
}

bool IsPhone(std::string_view value) {
  if (value.size() == 11 && AllDigits(value) && value[0] == '1' && value[1] >= '3') return true;
  if (value.empty() || value[0] != '0') return false;
  const size_t dash = value.find('-');
  if (dash != std::string_view::npos) {
    const std::string_view area = value.substr(1, dash - 1);
    return (area.size() == 2 || area.size() == 3) && AllDigits(area) &&
           IsLocalNumber(value.substr(dash + 1));
  }
  // Without a dash any split into 0 + area code + local number will do.
  for (const size_t area : {size_t{2}, size_t{3}}) {
    if (value.size() > 1 + area && AllDigits(value.substr(1, area)) &&
        IsLocalNumber(value.substr(1 + area))) {
      return true;
    }
  }
  return false;
}

std::optional<int64_t> ParseInteger(std::string_view text) {
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) text.remove_prefix(1);
  if (!AllDigits(text) || text.size() > 15) return std::nullopt;
  int64_t value = 0;
  for (const char c : text) value = value * 10 + (c - '0');
  return negative ? -value : value;
}

// Reports a value outside [min, max] with the message that fits the bounds present.
std::optional<FieldIssue> CheckBounds(const FieldSpec& field, int64_t value,
                                      std::string_view min_key, std::string_view max_key,
                                      std::string_view range_key,
                                      std::string (*format)(int64_t)) {
  const bool below = field.min && value < *field.min;
  const bool above = field.max && value > *field.max;
  if (!below && !above) return std::nullopt;
  if (field.min && field.max) {
    return Issue(field, range_key, {{"min", format(*field.min)}, {"max", format(*field.max)}});
  }
  if (below) return Issue(field, min_key, {{"min", format(*field.min)}});
  return Issue(field, max_key, {{"max", format(*field.max)}});
}

std::string FormatInteger(int64_t value) { return std::to_string(value); }

bool IsOption(const FieldSpec& field, std::string_view value) {
  return std::any_of(field.options.begin(), field.options.end(),
                     [&](const ChoiceOption& option) { return option.value == value; });
}

std::optional<FieldIssue> CheckCommunity(const FieldSpec& field, std::string_view value,
                                         const FieldContext& ctx) {
  if (ctx.region == nullptr) return Issue(field, msg::kCommunity);
  const Town* town = ctx.region->FindTown(ctx.town);
  if (town == nullptr) return Issue(field, msg::kCommunity);
  const bool known = std::any_of(town->communities.begin(), town->communities.end(),
                                 [&](const LocalizedText& name) { return name.zh == value; });
  if (!known) return Issue(field, msg::kCommunity);
  return std::nullopt;
}

std::optional<FieldIssue> CheckDate(const FieldSpec& field, std::string_view value,
                                    const CivilDate& today) {
  const Result<CivilDate> date = ParseIsoDate(value);
  if (!date.ok()) return Issue(field, msg::kDate);
  const bool valid_today = IsValidCivilDate(today);
  const std::optional<CivilDate> min =
      field.min_date && valid_today ? std::optional(ResolveDateBound(*field.min_date, today))
                                    : std::nullopt;
  const std::optional<CivilDate> max =
      field.max_date && valid_today ? std::optional(ResolveDateBound(*field.max_date, today))
                                    : std::nullopt;
  const bool below = min && *date < *min;
  const bool above = max && *date > *max;
  if (!below && !above) return std::nullopt;
  if (min && max) {
    return Issue(field, msg::kDateRange, {{"min", FormatIsoDate(*min)}, {"max", FormatIsoDate(*max)}});
  }
  if (below) return Issue(field, msg::kDateMin, {{"min", FormatIsoDate(*min)}});
  return Issue(field, msg::kDateMax, {{"max", FormatIsoDate(*max)}});
}

std::optional<FieldIssue> CheckMultiChoice(const FieldSpec& field, std::string_view value) {
  const std::vector<std::string> chosen = SplitChoices(value);
  for (size_t i = 0; i < chosen.size(); ++i) {
    if (!IsOption(field, chosen[i])) return Issue(field, msg::kMultiChoice);
    if (std::find(chosen.begin(), chosen.begin() + static_cast<std::ptrdiff_t>(i), chosen[i]) !=
        chosen.begin() + static_cast<std::ptrdiff_t>(i)) {
      return Issue(field, msg::kMultiChoice);
    }
  }
  const auto count = static_cast<int64_t>(chosen.size());
  if (field.min && count < *field.min) {
    return Issue(field, msg::kMultiChoiceMin, {{"min", std::to_string(*field.min)}});
  }
  if (field.max && count > *field.max) {
    return Issue(field, msg::kMultiChoiceMax, {{"max", std::to_string(*field.max)}});
  }
  return std::nullopt;
}

std::optional<FieldIssue> CheckValue(const FieldSpec& field, std::string_view value,
                                     const FieldContext& ctx) {
  switch (field.type) {
    case FieldType::kText:
      return CheckText(field, value);
    case FieldType::kChineseName:
      return ctx.assisted ? CheckAssistedName(field, value) : CheckChineseName(field, value);
    case FieldType::kIdNumber: {
      const Result<IdNumber> id = ParseIdNumber(value, ctx.today);
      if (!id.ok()) return Issue(field, id.error().message);
      return std::nullopt;
    }
    case FieldType::kPhone:
      if (!IsPhone(value)) return Issue(field, msg::kPhone);
      return std::nullopt;
    case FieldType::kAmount: {
      const std::optional<int64_t> fen = ParseAmountFen(value);
      if (!fen) return Issue(field, msg::kAmount);
      return CheckBounds(field, *fen, msg::kAmountMin, msg::kAmountMax, msg::kAmountRange,
                         &FormatYuan);
    }
    case FieldType::kNumber: {
      const std::optional<int64_t> number = ParseInteger(value);
      if (!number) return Issue(field, msg::kNumber);
      return CheckBounds(field, *number, msg::kNumberMin, msg::kNumberMax, msg::kNumberRange,
                         &FormatInteger);
    }
    case FieldType::kDigits: {
      if (!AllDigits(value)) return Issue(field, msg::kDigits);
      const int length = static_cast<int>(value.size());
      if ((field.min_length && length < *field.min_length) ||
          (field.max_length && length > *field.max_length)) {
        return Issue(field, msg::kDigitsLength,
                     {{"min_length", std::to_string(field.min_length.value_or(1))},
                      {"max_length", std::to_string(field.max_length.value_or(length))}});
      }
      return std::nullopt;
    }
    case FieldType::kChoice:
      if (!IsOption(field, value)) return Issue(field, msg::kChoice);
      return std::nullopt;
    case FieldType::kYesNo:
      if (value != kYes && value != kNo) return Issue(field, msg::kChoice);
      return std::nullopt;
    case FieldType::kDate:
      return CheckDate(field, value, ctx.today);
    case FieldType::kMultiChoice:
      return CheckMultiChoice(field, value);
    case FieldType::kSignature:
      if (!IsAttachmentRef(value, kSignatureRefPrefix)) return Issue(field, msg::kSignature);
      return std::nullopt;
    case FieldType::kPhoto:
      if (!IsAttachmentRef(value, kPhotoRefPrefix)) return Issue(field, msg::kPhoto);
      return std::nullopt;
    case FieldType::kTown:
      if (ctx.region == nullptr || ctx.region->FindTown(value) == nullptr) {
        return Issue(field, msg::kTown);
      }
      return std::nullopt;
    case FieldType::kCommunity:
      return CheckCommunity(field, value, ctx);
  }
  return std::nullopt;
}

const std::string& ValueOf(const std::map<std::string, std::string>& values,
                           const std::string& id) {
  static const std::string kEmpty;
  const auto it = values.find(id);
  return it == values.end() ? kEmpty : it->second;
}

// Finds a field of one scope and its value.
struct ScopedField {
  const FieldSpec* field = nullptr;
  std::string value;
};
using ScopeLookup = std::function<ScopedField(std::string_view id)>;

// Conditions look back only (the loader checks), so the depth is the number of fields; the
// cap guards against hand-built specs with a cycle.
constexpr int kMaxConditionDepth = 64;

bool VisibleWith(const FieldSpec& field, const ScopeLookup& inner, const ScopeLookup* outer,
                 int depth) {
  if (!field.visible_if) return true;
  if (depth > kMaxConditionDepth) return false;
  const Condition& condition = *field.visible_if;
  ScopedField controller = inner(condition.field);
  const ScopeLookup* controller_inner = &inner;
  const ScopeLookup* controller_outer = outer;
  if (controller.field == nullptr && outer != nullptr) {
    controller = (*outer)(condition.field);
    controller_inner = outer;
    controller_outer = nullptr;
  }
  if (controller.field == nullptr) return false;
  if (!VisibleWith(*controller.field, *controller_inner, controller_outer, depth + 1)) {
    return false;
  }
  const std::string value = NormalizeFieldValue(*controller.field, controller.value);
  const auto listed = [&](const std::string& v) {
    return std::find(condition.values.begin(), condition.values.end(), v) !=
           condition.values.end();
  };
  if (controller.field->type == FieldType::kMultiChoice) {
    const std::vector<std::string> chosen = SplitChoices(value);
    return std::any_of(chosen.begin(), chosen.end(), listed);
  }
  return listed(value);
}

ScopeLookup TopLevelLookup(const ServiceSpec& service, const ApplicationDraft& draft) {
  return [&service, &draft](std::string_view id) {
    ScopedField found;
    found.field = service.FindField(id);
    if (found.field != nullptr) found.value = ValueOf(draft.values, std::string(id));
    return found;
  };
}

ScopeLookup ItemLookup(const GroupSpec& group, const std::map<std::string, std::string>& item) {
  return [&group, &item](std::string_view id) {
    ScopedField found;
    found.field = group.FindField(id);
    if (found.field != nullptr) found.value = ValueOf(item, std::string(id));
    return found;
  };
}

const std::map<std::string, std::string>& EmptyItem() {
  static const std::map<std::string, std::string> kEmpty;
  return kEmpty;
}

// Checks every visible field of one scope (the top level, or one group item).
void CheckFields(const std::vector<FieldSpec>& fields, const ApplicationDraft& draft,
                 const std::map<std::string, std::string>& values, const Region& region,
                 const CivilDate& today, const FieldIssue& where,
                 const std::function<bool(const FieldSpec&)>& visible,
                 std::vector<FieldIssue>* issues) {
  for (const FieldSpec& field : fields) {
    if (!visible(field)) continue;
    FieldContext ctx;
    ctx.today = today;
    ctx.region = &region;
    ctx.assisted = FindAssisted(draft, where.group_id, where.group_index, field.id) != nullptr;
    if (field.type == FieldType::kCommunity) {
      ctx.town = NormalizeFieldValue(field, ValueOf(values, field.town_field));
    }
    for (FieldIssue issue : ValidateField(field, ValueOf(values, field.id), ctx)) {
      issue.step_id = where.step_id;
      issue.group_id = where.group_id;
      issue.group_index = where.group_index;
      issues->push_back(std::move(issue));
    }
  }
}

// The step holding top-level field `field_id`, or "".
std::string StepOfField(const ServiceSpec& service, std::string_view field_id) {
  for (const StepSpec& step : service.form.steps) {
    for (const FieldSpec& field : step.fields) {
      if (field.id == field_id) return step.id;
    }
  }
  return "";
}

// The index of the step holding top-level field `field_id`, or -1.
int StepIndex(const ServiceSpec& service, std::string_view field_id) {
  for (size_t i = 0; i < service.form.steps.size(); ++i) {
    for (const FieldSpec& field : service.form.steps[i].fields) {
      if (field.id == field_id) return static_cast<int>(i);
    }
  }
  return -1;
}

bool ConditionHolds(const ServiceSpec& service, const ApplicationDraft& draft,
                    const Condition& condition) {
  // A condition is a visibility test on a throwaway field controlled the same way.
  FieldSpec probe;
  probe.visible_if = condition;
  const ScopeLookup top = TopLevelLookup(service, draft);
  return VisibleWith(probe, top, nullptr, 0);
}

// The declared age rules, each placed on its ID field.
void AgeRuleIssues(const ServiceSpec& service, const ApplicationDraft& draft,
                   const CivilDate& today, std::vector<FieldIssue>* issues) {
  for (const CrossFieldRule& rule : service.rules) {
    if (rule.kind == CrossFieldRule::Kind::kApplicantNotMember) continue;
    if (rule.when && !ConditionHolds(service, draft, *rule.when)) continue;
    const FieldSpec* field = service.FindField(rule.id_field);
    if (field == nullptr || !IsFieldVisible(service, *field, draft)) continue;
    const Result<IdNumber> id =
        ParseIdNumber(NormalizeFieldValue(*field, ValueOf(draft.values, rule.id_field)), today);
    if (!id.ok()) continue;  // the field's own check reports it
    const int age = AgeInYears(id->birth_date, today);
    const bool broken = rule.kind == CrossFieldRule::Kind::kMinAge ? age < rule.years
                                                                   : age >= rule.years;
    if (!broken) continue;
    std::map<std::string, std::string> params = {{"years", std::to_string(rule.years)},
                                                 {"age", std::to_string(age)}};
    // The day the rule is met, as the self-check gives it (eligibility "apply_from").
    if (rule.kind == CrossFieldRule::Kind::kMinAge) {
      params["date"] = FormatIsoDate(BirthdayAt(id->birth_date, rule.years));
    }
    FieldIssue issue = Issue(
        *field, rule.kind == CrossFieldRule::Kind::kMinAge ? msg::kRuleMinAge : msg::kRuleAgeBelow,
        std::move(params));
    issue.step_id = StepOfField(service, rule.id_field);
    // With a condition answered on a later step, the issue goes there, under the answer
    // that brought the rule in: the resident sees it at once, where either can be changed.
    if (rule.when && StepIndex(service, rule.when->field) > StepIndex(service, rule.id_field)) {
      issue.field_id = rule.when->field;
      issue.step_id = StepOfField(service, rule.when->field);
    }
    issues->push_back(std::move(issue));
  }
}

// Issues that involve more than one field, each attributed to the step where the resident
// can fix it: a group's item count, an ID number that repeats an earlier one, and the
// service's declared rules.
std::vector<FieldIssue> CrossFieldIssues(const ServiceSpec& service,
                                         const ApplicationDraft& draft,
                                         const CivilDate& today) {
  std::vector<FieldIssue> issues;
  struct SeenId {
    std::string text;
    std::string field_id;  // where it was first entered
    std::string group_id;  // "" at the top level
  };
  std::vector<SeenId> ids_seen;
  const auto covered_by_rule = [&](const SeenId& first, const FieldIssue& where,
                                   const FieldSpec& field) {
    return std::any_of(service.rules.begin(), service.rules.end(), [&](const CrossFieldRule& r) {
      return r.kind == CrossFieldRule::Kind::kApplicantNotMember && first.group_id.empty() &&
             r.id_field == first.field_id && r.group == where.group_id &&
             r.member_id_field == field.id &&
             (!r.when || ConditionHolds(service, draft, *r.when));
    });
  };
  const auto check_id = [&](const FieldSpec& field, const std::string& value,
                            FieldIssue where) {
    if (field.type != FieldType::kIdNumber) return;
    const Result<IdNumber> id = ParseIdNumber(value, today);
    if (!id.ok()) return;
    const auto first = std::find_if(ids_seen.begin(), ids_seen.end(),
                                    [&](const SeenId& seen) { return seen.text == id->text; });
    if (first != ids_seen.end()) {
      where.field_id = field.id;
      where.message_key = std::string(covered_by_rule(*first, where, field)
                                           ? msg::kRuleApplicantInMembers
                                           : msg::kIdDuplicate);
      issues.push_back(std::move(where));
    } else {
      ids_seen.push_back({id->text, field.id, where.group_id});
    }
  };

  for (const StepSpec& step : service.form.steps) {
    FieldIssue where;
    where.step_id = step.id;
    for (const FieldSpec& field : step.fields) {
      if (IsFieldVisible(service, field, draft)) {
        check_id(field, ValueOf(draft.values, field.id), where);
      }
    }
    if (!step.group) continue;
    const GroupSpec& group = *step.group;
    where.group_id = group.id;
    const auto items_it = draft.groups.find(group.id);
    const size_t count = items_it == draft.groups.end() ? 0 : items_it->second.size();
    if (static_cast<int>(count) < group.min) {
      FieldIssue issue = where;
      issue.message_key = std::string(msg::kGroupMin);
      issue.params = {{"min", std::to_string(group.min)}};
      issues.push_back(std::move(issue));
    } else if (static_cast<int>(count) > group.max) {
      FieldIssue issue = where;
      issue.message_key = std::string(msg::kGroupMax);
      issue.params = {{"max", std::to_string(group.max)}};
      issues.push_back(std::move(issue));
    }
    for (size_t i = 0; i < count; ++i) {
      where.group_index = static_cast<int>(i);
      for (const FieldSpec& field : group.fields) {
        if (IsFieldVisible(service, field, draft, group.id, static_cast<int>(i))) {
          check_id(field, ValueOf(items_it->second[i], field.id), where);
        }
      }
    }
  }
  AgeRuleIssues(service, draft, today, &issues);
  return issues;
}

std::vector<FieldIssue> FieldIssuesOfStep(const ServiceSpec& service, const Region& region,
                                          size_t step_index, const ApplicationDraft& draft,
                                          const CivilDate& today) {
  std::vector<FieldIssue> issues;
  const StepSpec& step = service.form.steps[step_index];
  FieldIssue where;
  where.step_id = step.id;
  CheckFields(
      step.fields, draft, draft.values, region, today, where,
      [&](const FieldSpec& field) { return IsFieldVisible(service, field, draft); }, &issues);
  if (step.group) {
    where.group_id = step.group->id;
    const auto items = draft.groups.find(step.group->id);
    if (items != draft.groups.end()) {
      for (size_t i = 0; i < items->second.size(); ++i) {
        where.group_index = static_cast<int>(i);
        const int index = static_cast<int>(i);
        CheckFields(
            step.group->fields, draft, items->second[i], region, today, where,
            [&](const FieldSpec& field) {
              return IsFieldVisible(service, field, draft, step.group->id, index);
            },
            &issues);
      }
    }
  }
  return issues;
}

// Form order for merging: by item (-1, the step's own fields and group count, first),
// then the field's position within its scope.
void SortInFormOrder(const StepSpec& step, std::vector<FieldIssue>* issues) {
  const std::vector<FieldSpec>& fields = step.group ? step.group->fields : step.fields;
  const auto position = [&](const FieldIssue& issue) {
    for (size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].id == issue.field_id) return static_cast<int>(i);
    }
    return -1;
  };
  std::stable_sort(issues->begin(), issues->end(), [&](const FieldIssue& a, const FieldIssue& b) {
    if (a.group_index != b.group_index) return a.group_index < b.group_index;
    return position(a) < position(b);
  });
}

// A mark counts only on a chinese_name field that holds a value, names its staff and
// is the only mark there: anything else is refused rather than ignored, so a kiosk
// cannot hide a mark where it would not be checked.
void AssistedMarkIssues(const ServiceSpec& service, const ApplicationDraft& draft,
                        std::vector<FieldIssue>* issues) {
  for (const AssistedField& mark : draft.assisted) {
    const FieldSpec* field = nullptr;
    const std::map<std::string, std::string>* values = &draft.values;
    if (mark.group.empty()) {
      field = service.FindField(mark.field);
    } else if (const GroupSpec* group = service.FindGroup(mark.group)) {
      field = group->FindField(mark.field);
      const auto items = draft.groups.find(mark.group);
      const bool has =
          items != draft.groups.end() && static_cast<size_t>(mark.index) < items->second.size();
      values = has ? &items->second[static_cast<size_t>(mark.index)] : nullptr;
    }
    const bool usable = field != nullptr && field->type == FieldType::kChineseName &&
                        values != nullptr && !ValueOf(*values, mark.field).empty() &&
                        !mark.staff.empty() &&
                        FindAssisted(draft, mark.group, mark.index, mark.field) == &mark;
    if (usable) continue;
    FieldIssue issue;
    issue.field_id = mark.field;
    issue.group_id = mark.group;
    issue.group_index = mark.index;
    issue.message_key = std::string(msg::kDraftAssisted);
    issues->push_back(std::move(issue));
  }
}

}  // namespace

bool IsAttachmentRef(std::string_view value, std::string_view prefix) {
  if (value.substr(0, prefix.size()) != prefix) return false;
  const std::string_view key = value.substr(prefix.size());
  if (key.size() < 8 || key.size() > 64) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-';
  });
}

std::string NormalizeFieldValue(const FieldSpec& field, std::string_view value, bool assisted) {
  const std::string_view trimmed = Trim(value);
  if (assisted && field.type == FieldType::kChineseName) return NormalizeAssistedName(trimmed);
  switch (field.type) {
    case FieldType::kIdNumber: {
      std::string id = WithoutSpaces(trimmed);
      if (!id.empty() && id.back() == 'x') id.back() = 'X';
      return id;
    }
    case FieldType::kChineseName:
      return NormalizeName(trimmed);
    case FieldType::kPhone:
    case FieldType::kAmount:
    case FieldType::kNumber:
    case FieldType::kDigits:
      return WithoutSpaces(trimmed);
    case FieldType::kDate:
      return NormalizeDate(trimmed);
    case FieldType::kMultiChoice:
      return NormalizeChoices(field, SplitChoices(trimmed));
    case FieldType::kText:
    case FieldType::kChoice:
    case FieldType::kYesNo:
    case FieldType::kTown:
    case FieldType::kCommunity:
    case FieldType::kSignature:
    case FieldType::kPhoto:
      return std::string(trimmed);
  }
  return std::string(trimmed);
}

void NormalizeDraft(const ServiceSpec& service, ApplicationDraft* draft) {
  assert(draft != nullptr && "NormalizeDraft needs a draft");
  for (auto& [id, value] : draft->values) {
    if (const FieldSpec* field = service.FindField(id)) {
      value = NormalizeFieldValue(*field, value, FindAssisted(*draft, "", -1, id) != nullptr);
    }
  }
  for (auto& [group_id, items] : draft->groups) {
    const GroupSpec* group = service.FindGroup(group_id);
    if (group == nullptr) continue;
    for (size_t i = 0; i < items.size(); ++i) {
      for (auto& [id, value] : items[i]) {
        if (const FieldSpec* field = group->FindField(id)) {
          const bool assisted = FindAssisted(*draft, group_id, static_cast<int>(i), id) != nullptr;
          value = NormalizeFieldValue(*field, value, assisted);
        }
      }
    }
  }
}

bool IsFieldVisible(const ServiceSpec& service, const FieldSpec& field,
                    const ApplicationDraft& draft, std::string_view group_id, int group_index) {
  if (!field.visible_if) return true;
  const ScopeLookup top = TopLevelLookup(service, draft);
  if (group_id.empty()) return VisibleWith(field, top, nullptr, 0);
  const GroupSpec* group = service.FindGroup(group_id);
  if (group == nullptr) return VisibleWith(field, top, nullptr, 0);
  const auto items = draft.groups.find(std::string(group_id));
  const bool has_item = items != draft.groups.end() && group_index >= 0 &&
                        static_cast<size_t>(group_index) < items->second.size();
  const ScopeLookup item =
      ItemLookup(*group, has_item ? items->second[static_cast<size_t>(group_index)] : EmptyItem());
  return VisibleWith(field, item, &top, 0);
}

bool IsQuestionVisible(const EligibilitySpec& spec, const FieldSpec& question,
                       const std::map<std::string, std::string>& answers) {
  if (!question.visible_if) return true;
  const ScopeLookup lookup = [&](std::string_view id) {
    ScopedField found;
    found.field = spec.FindQuestion(id);
    if (found.field != nullptr) found.value = ValueOf(answers, std::string(id));
    return found;
  };
  return VisibleWith(question, lookup, nullptr, 0);
}

void DropHiddenValues(const ServiceSpec& service, ApplicationDraft* draft) {
  assert(draft != nullptr && "DropHiddenValues needs a draft");
  // Decide everything first: dropping a controller's value would hide its dependants.
  std::vector<std::string> hidden_top;
  for (const StepSpec& step : service.form.steps) {
    for (const FieldSpec& field : step.fields) {
      if (!IsFieldVisible(service, field, *draft)) hidden_top.push_back(field.id);
    }
  }
  std::vector<std::tuple<std::string, size_t, std::string>> hidden_items;
  for (const auto& [group_id, items] : draft->groups) {
    const GroupSpec* group = service.FindGroup(group_id);
    if (group == nullptr) continue;
    for (size_t i = 0; i < items.size(); ++i) {
      for (const FieldSpec& field : group->fields) {
        if (!IsFieldVisible(service, field, *draft, group_id, static_cast<int>(i))) {
          hidden_items.emplace_back(group_id, i, field.id);
        }
      }
    }
  }
  const auto erase = [](std::map<std::string, std::string>& values, const std::string& id) {
    const auto it = values.find(id);
    if (it == values.end()) return;
    std::fill(it->second.begin(), it->second.end(), '\0');
    values.erase(it);
  };
  const auto unmark = [&](const std::string& group, int index, const std::string& id) {
    std::erase_if(draft->assisted, [&](const AssistedField& mark) {
      return mark.group == group && mark.index == index && mark.field == id;
    });
  };
  for (const std::string& id : hidden_top) {
    erase(draft->values, id);
    unmark("", -1, id);
  }
  for (const auto& [group_id, index, id] : hidden_items) {
    erase(draft->groups[group_id][index], id);
    unmark(group_id, static_cast<int>(index), id);
  }
}

std::vector<std::string> SplitChoices(std::string_view value) {
  std::vector<std::string> parts;
  while (!value.empty()) {
    const size_t comma = value.find(',');
    const std::string_view part = Trim(value.substr(0, comma));
    if (!part.empty()) parts.emplace_back(part);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return parts;
}

std::string ToggleChoice(const FieldSpec& field, std::string_view current,
                         std::string_view option) {
  std::vector<std::string> chosen = SplitChoices(current);
  const auto it = std::find(chosen.begin(), chosen.end(), option);
  if (it != chosen.end()) {
    chosen.erase(std::remove(chosen.begin(), chosen.end(), std::string(option)), chosen.end());
  } else {
    chosen.emplace_back(option);
  }
  return NormalizeChoices(field, chosen);
}

CivilDate BirthdayAt(const CivilDate& birth, int years) {
  CivilDate day{birth.year + years, birth.month, birth.day};
  if (!IsValidCivilDate(day)) day = CivilDate{day.year, 3, 1};
  return day;
}

bool SignedOnKiosk(const ServiceSpec& service, const Material& material) {
  // The catalog names the papers by these ids (docs/catalog.md); a service whose form has
  // the matching signature field takes the signature on the kiosk, which is required.
  static constexpr std::pair<std::string_view, std::string_view> kSignedBy[] = {
      {"honesty_pledge", "pledge_signature"}, {"check_authorization", "check_signature"}};
  for (const auto& [paper, signature] : kSignedBy) {
    if (material.id != paper) continue;
    const FieldSpec* field = service.FindField(signature);
    return field != nullptr && field->type == FieldType::kSignature && field->required;
  }
  return false;
}

std::vector<FieldIssue> ValidateField(const FieldSpec& field, std::string_view value,
                                      const FieldContext& ctx) {
  const std::string normalized = NormalizeFieldValue(field, value, ctx.assisted);
  if (normalized.empty()) {
    if (!field.required) return {};
    switch (field.type) {  // "请选择…" for choices, "请签名…" for signatures
      case FieldType::kChoice:
      case FieldType::kYesNo:
      case FieldType::kMultiChoice:
      case FieldType::kTown:
      case FieldType::kCommunity: return {Issue(field, msg::kRequiredChoice)};
      case FieldType::kSignature: return {Issue(field, msg::kRequiredSignature)};
      default: return {Issue(field, msg::kRequired)};
    }
  }
  if (std::optional<FieldIssue> issue = CheckValue(field, normalized, ctx)) return {*issue};
  return {};
}

std::vector<FieldIssue> ValidateStep(const ServiceSpec& service, const Region& region,
                                     size_t step_index, const ApplicationDraft& draft,
                                     const CivilDate& today) {
  assert(step_index < service.form.steps.size() && "ValidateStep: no such step");
  const StepSpec& step = service.form.steps[step_index];
  std::vector<FieldIssue> issues = FieldIssuesOfStep(service, region, step_index, draft, today);
  for (FieldIssue& issue : CrossFieldIssues(service, draft, today)) {
    if (issue.step_id == step.id) issues.push_back(std::move(issue));
  }
  SortInFormOrder(step, &issues);
  return issues;
}

std::vector<FieldIssue> ValidateDraft(const ServiceSpec& service, const Region& region,
                                      const ApplicationDraft& draft, const CivilDate& today) {
  if (draft.service_code != service.code) {
    FieldIssue issue;
    issue.message_key = std::string(msg::kDraftService);
    return {issue};
  }
  std::vector<FieldIssue> issues;
  for (size_t i = 0; i < service.form.steps.size(); ++i) {
    std::vector<FieldIssue> step_issues = ValidateStep(service, region, i, draft, today);
    issues.insert(issues.end(), step_issues.begin(), step_issues.end());
  }

  const auto unknown = [&](std::string field_id, std::string group_id, int index) {
    FieldIssue issue;
    issue.field_id = std::move(field_id);
    issue.group_id = std::move(group_id);
    issue.group_index = index;
    issue.message_key = std::string(msg::kDraftUnknownField);
    issues.push_back(std::move(issue));
  };
  const auto hidden = [&](std::string field_id, std::string group_id, int index) {
    FieldIssue issue;
    issue.field_id = std::move(field_id);
    issue.group_id = std::move(group_id);
    issue.group_index = index;
    issue.message_key = std::string(msg::kDraftHiddenField);
    issues.push_back(std::move(issue));
  };
  AssistedMarkIssues(service, draft, &issues);
  if (!draft.decision_delivery.empty() &&
      !DeliveryPossible(service, draft, draft.decision_delivery)) {
    FieldIssue issue;
    issue.message_key = std::string(msg::kDraftDelivery);
    issues.push_back(std::move(issue));
  }
  for (const auto& [id, value] : draft.values) {
    const FieldSpec* field = service.FindField(id);
    if (field == nullptr) {
      unknown(id, "", -1);
    } else if (!value.empty() && !IsFieldVisible(service, *field, draft)) {
      hidden(id, "", -1);
    }
  }
  for (const auto& [group_id, items] : draft.groups) {
    const GroupSpec* group = service.FindGroup(group_id);
    if (group == nullptr) {
      unknown("", group_id, -1);
      continue;
    }
    for (size_t i = 0; i < items.size(); ++i) {
      for (const auto& [id, value] : items[i]) {
        const FieldSpec* field = group->FindField(id);
        if (field == nullptr) {
          unknown(id, group_id, static_cast<int>(i));
        } else if (!value.empty() &&
                   !IsFieldVisible(service, *field, draft, group_id, static_cast<int>(i))) {
          hidden(id, group_id, static_cast<int>(i));
        }
      }
    }
  }
  return issues;
}

Result<int64_t> PerCapitaMonthlyIncomeFen(const ServiceSpec& service,
                                          const ApplicationDraft& draft) {
  if (!service.means_test) {
    return MakeError(ErrorKind::kInvalidArgument,
                     "service " + service.code + " has no means_test in its catalog file");
  }
  const MeansTest& test = *service.means_test;
  const auto income = [](const FieldSpec* field, const std::string& value) {
    return field == nullptr ? ParseAmountFen(WithoutSpaces(value))
                            : ParseAmountFen(NormalizeFieldValue(*field, value));
  };
  const std::optional<int64_t> applicant =
      income(service.FindField(test.applicant_income_field),
             ValueOf(draft.values, test.applicant_income_field));
  if (!applicant) return MakeError(ErrorKind::kInvalidArgument, std::string(msg::kAmount));

  int64_t total = *applicant;
  int64_t persons = 1;
  const GroupSpec* group = service.FindGroup(test.members_group);
  const auto items = draft.groups.find(test.members_group);
  if (items != draft.groups.end()) {
    const FieldSpec* field = group == nullptr ? nullptr : group->FindField(test.member_income_field);
    for (const auto& item : items->second) {
      const std::optional<int64_t> member = income(field, ValueOf(item, test.member_income_field));
      if (!member) return MakeError(ErrorKind::kInvalidArgument, std::string(msg::kAmount));
      total += *member;
      ++persons;
    }
  }
  return (total + persons / 2) / persons;
}

}  // namespace yimen
