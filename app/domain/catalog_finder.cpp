// Reads and checks catalog.json's "finder" (docs/catalog.md "The finder"): situations
// with a picture the kiosk can draw, the plain questions, and rules that name only
// services, situations, questions and answers that exist — and whose conditions can be
// answered for every situation they name, so no rule silently never fires.
#include <algorithm>
#include <set>
#include <span>

#include "domain/catalog_checker.h"
#include "domain/finder.h"

namespace yimen::catalog_internal {
namespace {

constexpr int kMaxAge = 150;

bool Has(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// An array of ids, each one of `known` (a situation or an option), no repeats.
std::vector<std::string> ReadIdList(Checker& c, const json& object, const std::string& path,
                                    std::string_view key, bool required,
                                    const std::vector<std::string>& known, std::string_view what) {
  std::vector<std::string> out;
  const json* list = c.Array(object, path, key, required, required);
  for (size_t i = 0; list != nullptr && i < list->size(); ++i) {
    const std::string at = At(Join(path, key), i);
    const std::optional<std::string> id = c.StringValue((*list)[i], at);
    if (!id) continue;
    if (!Has(known, *id)) {
      c.Fail(at, "unknown " + std::string(what) + " " + Quote(*id));
    } else if (Has(out, *id)) {
      c.Fail(at, "duplicate " + Quote(*id));
    } else {
      out.push_back(*id);
    }
  }
  return out;
}

std::vector<FinderSituation> ReadSituations(Checker& c, const json& finder,
                                            const std::string& path) {
  std::vector<FinderSituation> out;
  const json* list = c.Array(finder, path, "situations", true, true);
  const std::span<const std::string_view> icons = FinderIcons();
  for (size_t i = 0; list != nullptr && i < list->size(); ++i) {
    const std::string at = At(Join(path, "situations"), i);
    if (!c.ExpectObject((*list)[i], at)) continue;
    c.CheckKeys((*list)[i], at, {"id", "icon", "label"});
    FinderSituation situation;
    situation.id = c.Id((*list)[i], at, "id", true).value_or("");
    situation.icon = c.String((*list)[i], at, "icon", true).value_or("");
    situation.label = c.Text((*list)[i], at, "label", true);
    if (!situation.icon.empty() &&
        std::find(icons.begin(), icons.end(), situation.icon) == icons.end()) {
      c.Fail(Join(at, "icon"), "the kiosk has no picture " + Quote(situation.icon));
    }
    const bool repeated = std::any_of(
        out.begin(), out.end(), [&](const FinderSituation& s) { return s.id == situation.id; });
    if (repeated) c.Fail(Join(at, "id"), "duplicate situation " + Quote(situation.id));
    out.push_back(std::move(situation));
  }
  return out;
}

FinderOption ReadOption(Checker& c, const json& item, const std::string& at, bool age) {
  FinderOption option;
  if (!c.ExpectObject(item, at)) return option;
  if (age) {
    c.CheckKeys(item, at, {"value", "label", "min_age", "max_age"});
  } else {
    c.CheckKeys(item, at, {"value", "label"});
  }
  option.value = c.String(item, at, "value", true).value_or("");
  if (!option.value.empty() && !IsOptionValue(option.value)) {
    c.Fail(Join(at, "value"), Quote(option.value) + " is not a value: use [a-z0-9_]+");
  }
  option.label = c.Text(item, at, "label", true);
  if (age) {
    const auto min = c.Integer(item, at, "min_age", true, 0, kMaxAge);
    const auto max = c.Integer(item, at, "max_age", false, 0, kMaxAge);
    if (min) option.min_age = static_cast<int>(*min);
    if (max) option.max_age = static_cast<int>(*max);
    if (min && max && *max < *min) c.Fail(Join(at, "max_age"), "is below min_age");
  }
  return option;
}

// Age bands must not overlap: a resident's age picks one.
void CheckBands(Checker& c, const std::vector<FinderOption>& bands, const std::string& path) {
  for (size_t i = 0; i < bands.size(); ++i) {
    for (size_t j = i + 1; j < bands.size(); ++j) {
      const FinderOption& a = bands[i];
      const FinderOption& b = bands[j];
      const int a_max = a.max_age.value_or(kMaxAge);
      const int b_max = b.max_age.value_or(kMaxAge);
      if (a.min_age.value_or(0) <= b_max && b.min_age.value_or(0) <= a_max) {
        c.Fail(At(path, j), "age band overlaps " + Quote(a.value));
      }
    }
  }
}

std::vector<FinderQuestion> ReadQuestions(Checker& c, const json& finder, const std::string& path,
                                          const std::vector<std::string>& situations) {
  std::vector<FinderQuestion> out;
  const json* list = c.Array(finder, path, "questions", false, false);
  for (size_t i = 0; list != nullptr && i < list->size(); ++i) {
    const std::string at = At(Join(path, "questions"), i);
    if (!c.ExpectObject((*list)[i], at)) continue;
    const json& item = (*list)[i];
    FinderQuestion question;
    question.id = c.Id(item, at, "id", true).value_or("");
    const bool age = question.id == kFinderAgeQuestion;
    if (age) {
      c.CheckKeys(item, at, {"id", "text", "options", "for_situations", "exact_age"});
      question.exact_age = c.Text(item, at, "exact_age", true);
    } else {
      c.CheckKeys(item, at, {"id", "text", "options", "for_situations"});
    }
    question.text = c.Text(item, at, "text", true);
    question.for_situations =
        ReadIdList(c, item, at, "for_situations", false, situations, "situation");
    const json* options = c.Array(item, at, "options", true, true);
    std::vector<std::string> values;
    for (size_t k = 0; options != nullptr && k < options->size(); ++k) {
      FinderOption option = ReadOption(c, (*options)[k], At(Join(at, "options"), k), age);
      if (Has(values, option.value))
        c.Fail(At(Join(at, "options"), k), "duplicate " + Quote(option.value));
      values.push_back(option.value);
      question.options.push_back(std::move(option));
    }
    if (options != nullptr && options->size() < 2) c.Fail(Join(at, "options"), "needs at least 2");
    if (age) CheckBands(c, question.options, Join(at, "options"));
    if (std::any_of(out.begin(), out.end(),
                    [&](const FinderQuestion& q) { return q.id == question.id; })) {
      c.Fail(Join(at, "id"), "duplicate question " + Quote(question.id));
    }
    out.push_back(std::move(question));
  }
  return out;
}

// A question the rule depends on must be asked whenever the rule could fire.
void CheckAsked(Checker& c, const FinderQuestion& question, const FinderRule& rule,
                const std::string& at) {
  if (question.for_situations.empty()) return;
  for (const std::string& situation : rule.situations) {
    if (!Has(question.for_situations, situation)) {
      c.Fail(at,
             "question " + Quote(question.id) + " is not asked for situation " + Quote(situation));
    }
  }
}

// An age bound a band answers: every band lies wholly on one side of it.
void CheckAgeBound(Checker& c, const FinderSpec& spec, int bound, bool is_min,
                   const std::string& at) {
  const FinderQuestion* age = spec.FindQuestion(kFinderAgeQuestion);
  if (age == nullptr) {
    c.Fail(at, "needs a question \"age\"");
    return;
  }
  for (const FinderOption& band : age->options) {
    const int low = band.min_age.value_or(0);
    const int high = band.max_age.value_or(kMaxAge);
    const bool split = is_min ? (low < bound && high >= bound) : (low <= bound && high > bound);
    if (split)
      c.Fail(at, std::to_string(bound) + " falls inside the age band " + Quote(band.value));
  }
}

void ReadRuleAnswers(Checker& c, const json& item, const std::string& at, const FinderSpec& spec,
                     FinderRule* rule) {
  const json* answers = c.Member(item, at, "answers", false);
  if (answers == nullptr || !c.ExpectObject(*answers, Join(at, "answers"))) return;
  for (auto it = answers->begin(); it != answers->end(); ++it) {
    const std::string where = Join(Join(at, "answers"), it.key());
    const FinderQuestion* question = spec.FindQuestion(it.key());
    if (question == nullptr || question->id == kFinderAgeQuestion) {
      c.Fail(where,
             question ? "use min_age/max_age for the age" : "unknown question " + Quote(it.key()));
      continue;
    }
    std::vector<std::string> values;
    for (const FinderOption& option : question->options) values.push_back(option.value);
    rule->answers[it.key()] =
        ReadIdList(c, *answers, Join(at, "answers"), it.key(), true, values, "answer");
    CheckAsked(c, *question, *rule, where);
  }
}

FinderRule ReadFinderRule(Checker& c, const json& item, const std::string& at,
                          const FinderSpec& spec, const std::vector<ServiceSpec>& services,
                          const std::vector<std::string>& situations) {
  FinderRule rule;
  if (!c.ExpectObject(item, at)) return rule;
  c.CheckKeys(item, at, {"service", "situations", "min_age", "max_age", "answers", "why"});
  rule.service = c.String(item, at, "service", true).value_or("");
  const bool known = std::any_of(services.begin(), services.end(),
                                 [&](const ServiceSpec& s) { return s.code == rule.service; });
  if (!rule.service.empty() && !known)
    c.Fail(Join(at, "service"), "unknown service " + Quote(rule.service));
  rule.situations = ReadIdList(c, item, at, "situations", true, situations, "situation");
  if (const auto min = c.Integer(item, at, "min_age", false, 0, kMaxAge))
    rule.min_age = static_cast<int>(*min);
  if (const auto max = c.Integer(item, at, "max_age", false, 0, kMaxAge))
    rule.max_age = static_cast<int>(*max);
  if (rule.min_age) CheckAgeBound(c, spec, *rule.min_age, true, Join(at, "min_age"));
  if (rule.max_age) CheckAgeBound(c, spec, *rule.max_age, false, Join(at, "max_age"));
  if (const FinderQuestion* age = spec.FindQuestion(kFinderAgeQuestion);
      age && (rule.min_age || rule.max_age)) {
    CheckAsked(c, *age, rule, Join(at, rule.min_age ? "min_age" : "max_age"));
  }
  ReadRuleAnswers(c, item, at, spec, &rule);
  rule.why = c.Text(item, at, "why", true);
  const bool age_words = rule.why.zh.find("{age}") != std::string::npos ||
                         rule.why.en.find("{age}") != std::string::npos;
  if (age_words && !rule.min_age && !rule.max_age) {
    c.Fail(Join(at, "why"), "{age} needs min_age or max_age");
  }
  return rule;
}

}  // namespace

std::optional<FinderSpec> ReadFinder(Checker& c, const json& item, const std::string& path,
                                     const std::vector<ServiceSpec>& services) {
  if (!c.ExpectObject(item, path)) return std::nullopt;
  c.CheckKeys(item, path, {"situations", "questions", "rules"});
  FinderSpec spec;
  spec.situations = ReadSituations(c, item, path);
  std::vector<std::string> situation_ids;
  for (const FinderSituation& s : spec.situations) situation_ids.push_back(s.id);
  spec.questions = ReadQuestions(c, item, path, situation_ids);
  const json* rules = c.Array(item, path, "rules", true, true);
  for (size_t i = 0; rules != nullptr && i < rules->size(); ++i) {
    spec.rules.push_back(
        ReadFinderRule(c, (*rules)[i], At(Join(path, "rules"), i), spec, services, situation_ids));
  }
  return spec;
}

}  // namespace yimen::catalog_internal
