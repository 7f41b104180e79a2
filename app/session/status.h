// The resident's status check without a window: an application number (its check
// character catches typos before anything is looked up) and the last six characters of
// the applicant's ID number. Unknown numbers and wrong digits read the same, and five
// misses in a row lock the check for a minute (kept across visits). Typed events, one
// handler each; the answer (masked data only) is left in VisitState::lookup. A visit
// number (办理编号) finds every application of that visit (VisitState::lookup_visit).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <variant>

#include "session/strings.h"
#include "session/visit.h"

namespace yimen {
class Store;
}

namespace yimen::session {

enum class StatusPage : uint8_t { kQuery, kResult };

namespace status_event {
struct Open {};    // the form, empty, focused on the number
struct Lookup {};  // check aux "app_number" with aux "id_tail"
}  // namespace status_event

using StatusEvent = std::variant<status_event::Open, status_event::Lookup>;

struct StatusOutcome {
  std::optional<StatusPage> go;
  bool reset_keyboard = false;  // the focus was cleared
};

class StatusLookup {
 public:
  struct Deps {
    const Strings* strings = nullptr;
    Store* store = nullptr;
    std::function<Language()> language;  // unset: Chinese
    std::function<int64_t()> now_ms;     // the loop's clock (the lockout)
  };
  StatusLookup(VisitState* visit, Deps deps);

  // `page` is the status page on screen (nullopt: another page).
  StatusOutcome Apply(const StatusEvent& event, std::optional<StatusPage> page);
  // Too many misses in a row: the check waits.
  bool Locked() const;

 private:
  StatusOutcome On(const status_event::Open& e, std::optional<StatusPage> page);
  StatusOutcome On(const status_event::Lookup& e, std::optional<StatusPage> page);
  StatusOutcome Miss();
  StatusOutcome Failed(const Error& error);  // the store failed: logged, a plain apology
  void Say(const char* key);

  VisitState* m_visit;
  Deps m_deps;
  // Wrong checks in a row and the lockout's end (the loop's clock).
  int m_failures = 0;
  int64_t m_locked_until_ms = 0;
};

}  // namespace yimen::session
