// The service finder without a window (issue 14 item 1, docs/catalog.md "The finder"):
// the situations the resident picked on the tiles, the plain questions the catalog asks
// for them, one at a time, and the answers. The suggestions themselves come from the
// catalog's rules (domain/finder.h) on what is kept here. An ID number's age, when a card
// is laid on the reader, answers the age question. Wiped with the visit (VisitState).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "domain/catalog.h"
#include "domain/civil_date.h"
#include "domain/finder.h"

namespace yimen::session {

enum class FinderPage : uint8_t { kSituations, kQuestion, kResults };

struct FinderState {
  FinderAnswers answers;
  FinderPage page = FinderPage::kSituations;
  size_t question = 0;      // on kQuestion: which of FinderQuestionsFor(...) is asked
  bool chosen = false;      // a suggestion was opened: 返回 on its details comes back here
  bool id_refused = false;  // the ID number typed on the age question is not a valid one
  // The suggestions ticked "一起申请" on kResults (issue 14 item 2), in the order ticked.
  std::vector<std::string> together;
};

namespace finder_event {
struct Open {};  // the tiles, nothing picked
struct Toggle {  // a tile: picked, or picked no more
  std::string situation;
};
struct Next {};  // the tiles are done: the first question, or the suggestions
struct Answer {  // an answer button: the next question, or the suggestions
  std::string question;
  std::string value;
};
struct Back {};  // the question before, or the tiles
struct Choose {  // a suggested service: its details (the UI opens the service)
  std::string service;
};
struct IdNumber {  // an ID number (from the card reader): its age answers the age question
  std::string id_number;
};
struct TickTogether {  // a suggestion's "一起申请" box: ticked, or ticked no more
  std::string service;
};
struct ApplyTogether {};  // "一起申请选中的 N 项": one visit of the ticked services
}  // namespace finder_event

using FinderEvent =
    std::variant<finder_event::Open, finder_event::Toggle, finder_event::Next, finder_event::Answer,
                 finder_event::Back, finder_event::Choose, finder_event::IdNumber,
                 finder_event::TickTogether, finder_event::ApplyTogether>;

struct FinderOutcome {
  std::optional<FinderPage> go;  // the page to show (nullopt: stay)
  std::string open_service;      // a suggestion was chosen: open this service's details
  // ApplyTogether with two or more ticked: start one visit of these services, in the
  // order suggested (form_event::StartVisit). One ticked comes as open_service.
  std::vector<std::string> open_visit;
};

class Finder {
 public:
  struct Deps {
    std::function<const Catalog&()> catalog;  // the catalog in use for new applications
    std::function<CivilDate()> today;         // the resident's civil date (ages)
  };
  Finder(FinderState* state, Deps deps);

  FinderOutcome Apply(const FinderEvent& event);

  // The question on screen (kQuestion), else null.
  const FinderQuestion* Current() const;
  // What fits the answers so far (the kResults page lists it).
  std::vector<FinderSuggestion> Suggestions() const;
  // The ticked suggestions that are still suggested, in the order suggested.
  std::vector<std::string> Together() const;
  // `code` is among the suggestions shown now.
  bool Suggested(const std::string& code) const;

 private:
  FinderOutcome On(const finder_event::Open& e);
  FinderOutcome On(const finder_event::Toggle& e);
  FinderOutcome On(const finder_event::Next& e);
  FinderOutcome On(const finder_event::Answer& e);
  FinderOutcome On(const finder_event::Back& e);
  FinderOutcome On(const finder_event::Choose& e);
  FinderOutcome On(const finder_event::IdNumber& e);
  FinderOutcome On(const finder_event::TickTogether& e);
  FinderOutcome On(const finder_event::ApplyTogether& e);
  // From question index `from` on: the next question, or the suggestions.
  FinderOutcome AskFrom(size_t from);
  const FinderSpec* Spec() const;

  FinderState* m_state;
  Deps m_deps;
};

}  // namespace yimen::session
