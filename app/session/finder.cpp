// The service finder's flow (session/finder.h). What is suggested is the catalog's
// (domain/finder.h); this keeps the answers and walks the questions.
#include "session/finder.h"

#include <algorithm>

#include "domain/id_number.h"
#include "store/applications.h"

namespace yimen::session {

namespace {
FinderOutcome Go(FinderPage page) {
  FinderOutcome out;
  out.go = page;
  return out;
}
}  // namespace

Finder::Finder(FinderState* state, Deps deps) : m_state(state), m_deps(std::move(deps)) {}

FinderOutcome Finder::Apply(const FinderEvent& event) {
  return std::visit([this](const auto& e) { return On(e); }, event);
}

const FinderSpec* Finder::Spec() const {
  const Catalog& catalog = m_deps.catalog();
  return catalog.finder ? &*catalog.finder : nullptr;
}

const FinderQuestion* Finder::Current() const {
  const FinderSpec* spec = Spec();
  if (spec == nullptr || m_state->page != FinderPage::kQuestion) return nullptr;
  const std::vector<const FinderQuestion*> asked = FinderQuestionsFor(*spec, m_state->answers);
  return m_state->question < asked.size() ? asked[m_state->question] : nullptr;
}

std::vector<FinderSuggestion> Finder::Suggestions() const {
  const FinderSpec* spec = Spec();
  return spec ? SuggestServices(*spec, m_state->answers) : std::vector<FinderSuggestion>{};
}

FinderOutcome Finder::On(const finder_event::Open& /*e*/) {
  *m_state = FinderState{};
  return Go(FinderPage::kSituations);
}

FinderOutcome Finder::On(const finder_event::Toggle& e) {
  const FinderSpec* spec = Spec();
  if (spec == nullptr || spec->FindSituation(e.situation) == nullptr) return {};
  std::vector<std::string>& picked = m_state->answers.situations;
  const auto it = std::find(picked.begin(), picked.end(), e.situation);
  if (it == picked.end()) {
    picked.push_back(e.situation);
  } else {
    picked.erase(it);
  }
  return {};
}

FinderOutcome Finder::On(const finder_event::Next& /*e*/) {
  if (m_state->answers.situations.empty()) return {};  // 下一步 waits for a tile
  return AskFrom(0);
}

FinderOutcome Finder::AskFrom(size_t from) {
  const FinderSpec* spec = Spec();
  if (spec == nullptr) return {};
  const std::vector<const FinderQuestion*> asked = FinderQuestionsFor(*spec, m_state->answers);
  if (from < asked.size()) {
    m_state->page = FinderPage::kQuestion;
    m_state->question = from;
  } else {
    m_state->page = FinderPage::kResults;
  }
  return Go(m_state->page);
}

FinderOutcome Finder::On(const finder_event::Answer& e) {
  const FinderQuestion* current = Current();
  if (current == nullptr || current->id != e.question) return {};
  const bool known = std::any_of(current->options.begin(), current->options.end(),
                                 [&](const FinderOption& o) { return o.value == e.value; });
  if (!known) return {};
  m_state->answers.answers[e.question] = e.value;
  m_state->id_refused = false;  // answered by a band: the refused number no longer matters
  return AskFrom(m_state->question + 1);
}

FinderOutcome Finder::On(const finder_event::Back& /*e*/) {
  if (m_state->page == FinderPage::kSituations) return {};
  const FinderSpec* spec = Spec();
  const size_t asked = spec ? FinderQuestionsFor(*spec, m_state->answers).size() : 0;
  if (m_state->page == FinderPage::kResults && asked > 0) return AskFrom(asked - 1);
  if (m_state->page == FinderPage::kQuestion && m_state->question > 0) {
    return AskFrom(m_state->question - 1);
  }
  // Back on the tiles the questions start again: an ID number's age is asked again too.
  m_state->answers.exact_age.reset();
  m_state->page = FinderPage::kSituations;
  return Go(m_state->page);
}

FinderOutcome Finder::On(const finder_event::Choose& e) {
  if (m_state->page != FinderPage::kResults || !Suggested(e.service)) return {};
  m_state->chosen = true;
  FinderOutcome out;
  out.open_service = e.service;
  return out;
}

FinderOutcome Finder::On(const finder_event::IdNumber& e) {
  const FinderQuestion* current = Current();
  if (current == nullptr || current->id != kFinderAgeQuestion) return {};
  const CivilDate today = m_deps.today();
  Result<IdNumber> id = ParseIdNumber(e.id_number, today);
  m_state->id_refused = !id.ok();
  if (!id.ok()) return {};
  // The age question drops out of the list once the age is known: what was the next
  // question now has this one's index.
  m_state->answers.exact_age = AgeInYears(id.value().birth_date, today);
  m_state->answers.answers.erase(std::string(kFinderAgeQuestion));
  return AskFrom(m_state->question);
}

bool Finder::Suggested(const std::string& code) const {
  const std::vector<FinderSuggestion> suggestions = Suggestions();
  return std::any_of(suggestions.begin(), suggestions.end(),
                     [&](const FinderSuggestion& s) { return s.service == code; });
}

std::vector<std::string> Finder::Together() const {
  std::vector<std::string> codes;
  for (const FinderSuggestion& s : Suggestions()) {
    const auto& ticked = m_state->together;
    if (std::find(ticked.begin(), ticked.end(), s.service) != ticked.end())
      codes.push_back(s.service);
  }
  return codes;
}

FinderOutcome Finder::On(const finder_event::TickTogether& e) {
  if (m_state->page != FinderPage::kResults || !Suggested(e.service)) return {};
  std::vector<std::string>& ticked = m_state->together;
  const auto it = std::find(ticked.begin(), ticked.end(), e.service);
  if (it == ticked.end()) {
    // A visit holds at most kMaxVisitApplications (store/applications.h).
    if (Together().size() >= static_cast<size_t>(kMaxVisitApplications)) return {};
    ticked.push_back(e.service);
  } else {
    ticked.erase(it);
  }
  return {};
}

FinderOutcome Finder::On(const finder_event::ApplyTogether& /*e*/) {
  if (m_state->page != FinderPage::kResults) return {};
  std::vector<std::string> codes = Together();
  if (codes.empty()) return {};
  m_state->chosen = true;
  FinderOutcome out;
  // One ticked is one application, opened as a tap on its name opens it.
  if (codes.size() == 1) {
    out.open_service = codes.front();
  } else {
    out.open_visit = std::move(codes);
  }
  return out;
}

}  // namespace yimen::session
