// Evaluates the finder's rules (domain/finder.h). The loader (catalog_finder.cpp) has
// already checked that every name a rule uses exists, so lookups here only skip.
#include "domain/finder.h"

#include <algorithm>
#include <array>

namespace yimen {
namespace {

bool Contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool AnyPicked(const std::vector<std::string>& wanted, const std::vector<std::string>& picked) {
  return std::any_of(wanted.begin(), wanted.end(),
                     [&](const std::string& id) { return Contains(picked, id); });
}

// The picked age band, or null.
const FinderOption* AgeBand(const FinderSpec& finder, const FinderAnswers& answers) {
  const FinderQuestion* age = finder.FindQuestion(kFinderAgeQuestion);
  const auto it = answers.answers.find(std::string(kFinderAgeQuestion));
  if (age == nullptr || it == answers.answers.end()) return nullptr;
  for (const FinderOption& option : age->options) {
    if (option.value == it->second) return &option;
  }
  return nullptr;
}

// Whether the age known (exactly, or as a band) satisfies the rule's age bounds. A band
// satisfies a bound only when all of it does (the loader makes bounds band boundaries).
bool AgeHolds(const FinderRule& rule, const FinderSpec& finder, const FinderAnswers& answers) {
  if (!rule.min_age && !rule.max_age) return true;
  int low = 0;
  std::optional<int> high;
  if (answers.exact_age) {
    low = *answers.exact_age;
    high = *answers.exact_age;
  } else if (const FinderOption* band = AgeBand(finder, answers)) {
    low = band->min_age.value_or(0);
    high = band->max_age;
  } else {
    return false;
  }
  if (rule.min_age && low < *rule.min_age) return false;
  if (rule.max_age && (!high || *high > *rule.max_age)) return false;
  return true;
}

bool AnswersHold(const FinderRule& rule, const FinderAnswers& answers) {
  for (const auto& [question, values] : rule.answers) {
    const auto it = answers.answers.find(question);
    if (it == answers.answers.end() || !Contains(values, it->second)) return false;
  }
  return true;
}

std::string ReplaceAll(std::string text, std::string_view from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// What "{age}" reads as: "76岁" from an ID number, else the band's label.
LocalizedText AgeWords(const FinderSpec& finder, const FinderAnswers& answers) {
  const FinderQuestion* age = finder.FindQuestion(kFinderAgeQuestion);
  if (age == nullptr) return {};
  if (answers.exact_age) {
    const std::string n = std::to_string(*answers.exact_age);
    return {ReplaceAll(age->exact_age.zh, "{n}", n), ReplaceAll(age->exact_age.en, "{n}", n)};
  }
  const FinderOption* band = AgeBand(finder, answers);
  return band ? band->label : LocalizedText{};
}

}  // namespace

std::span<const std::string_view> FinderIcons() {
  // One per picture in app/ui/screens/finder_icons.cpp.
  static constexpr std::array<std::string_view, 10> kIcons = {
      "elder", "disability", "illness",  "low_income", "emergency",
      "child", "house",      "mourning", "marriage",   "register"};
  return kIcons;
}

std::vector<const FinderQuestion*> FinderQuestionsFor(const FinderSpec& finder,
                                                      const FinderAnswers& answers) {
  std::vector<const FinderQuestion*> out;
  for (const FinderQuestion& question : finder.questions) {
    if (question.id == kFinderAgeQuestion && answers.exact_age) continue;
    if (question.for_situations.empty() || AnyPicked(question.for_situations, answers.situations)) {
      out.push_back(&question);
    }
  }
  return out;
}

std::vector<FinderSuggestion> SuggestServices(const FinderSpec& finder,
                                              const FinderAnswers& answers) {
  std::vector<FinderSuggestion> out;
  for (const FinderRule& rule : finder.rules) {
    const bool listed = std::any_of(out.begin(), out.end(), [&](const FinderSuggestion& s) {
      return s.service == rule.service;
    });
    if (listed || !AnyPicked(rule.situations, answers.situations)) continue;
    if (!AgeHolds(rule, finder, answers) || !AnswersHold(rule, answers)) continue;
    FinderSuggestion suggestion{rule.service, rule.why};
    if (rule.min_age || rule.max_age) {
      const LocalizedText age = AgeWords(finder, answers);
      suggestion.why.zh = ReplaceAll(suggestion.why.zh, "{age}", age.zh);
      suggestion.why.en = ReplaceAll(suggestion.why.en, "{age}", age.en);
    }
    out.push_back(std::move(suggestion));
  }
  return out;
}

const FinderSituation* FinderSpec::FindSituation(std::string_view id) const {
  for (const FinderSituation& situation : situations) {
    if (situation.id == id) return &situation;
  }
  return nullptr;
}

const FinderQuestion* FinderSpec::FindQuestion(std::string_view id) const {
  for (const FinderQuestion& question : questions) {
    if (question.id == id) return &question;
  }
  return nullptr;
}

}  // namespace yimen
