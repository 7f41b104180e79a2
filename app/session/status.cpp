// The status check's behaviour: the typed number and ID tail in, the store's masked
// answer (or a plain refusal) out. Nothing here draws; screens/screen_status.cpp does.
#include "session/status.h"

#include <cstdio>

#include "common/wipe.h"
#include "domain/app_number.h"
#include "domain/message_keys.h"
#include "store/store.h"

namespace yimen::session {

StatusLookup::StatusLookup(VisitState* visit, Deps deps)
    : m_visit(visit), m_deps(std::move(deps)) {}

StatusOutcome StatusLookup::Apply(const StatusEvent& event, std::optional<StatusPage> page) {
  return std::visit([&](const auto& e) { return On(e, page); }, event);
}

bool StatusLookup::Locked() const { return m_deps.now_ms() < m_locked_until_ms; }

void StatusLookup::Say(const char* key) {
  const Language language = m_deps.language ? m_deps.language() : Language::kZhCN;
  m_visit->lookup_message = m_deps.strings->Get(language, key);
}

StatusOutcome StatusLookup::On(const status_event::Open& /*e*/,
                               std::optional<StatusPage> /*page*/) {
  m_visit->lookup.reset();
  m_visit->lookup_history.clear();
  m_visit->lookup_visit_number.clear();
  m_visit->lookup_visit.clear();
  m_visit->lookup_message.clear();
  m_visit->focus = FieldAddress::Aux("app_number");
  return {StatusPage::kQuery, false};
}

StatusOutcome StatusLookup::Failed(const Error& error) {
  std::fprintf(stderr, "status lookup: %s\n", error.message.c_str());
  Say("status.error");
  return {};
}

StatusOutcome StatusLookup::Miss() {
  // Unknown number and wrong ID digits read the same; repeated misses slow down.
  (void)m_deps.store->AppendAudit("system", "status.lookup_failed", "");
  if (++m_failures >= 5) {
    m_failures = 0;
    m_locked_until_ms = m_deps.now_ms() + 60'000;
    Say("status.locked");
    return {};
  }
  m_visit->focus = FieldAddress::Aux("id_tail");
  Say("status.not_found");
  return {};
}

StatusOutcome StatusLookup::On(const status_event::Lookup& /*e*/, std::optional<StatusPage> page) {
  if (page != StatusPage::kQuery) return {};
  if (Locked()) {
    Say("status.locked");
    return {};
  }
  if (!m_deps.store) return {};
  VisitState& s = *m_visit;
  std::string& typed = s.aux_values["app_number"];
  std::string& tail = s.aux_values["id_tail"];
  auto parts = ParseAppNumber(typed);
  if (!parts.ok()) {
    // A typo the check character caught: nothing about any application is revealed.
    s.focus = FieldAddress::Aux("app_number");
    Say(parts.error().code == msg::kAppNumberCheck ? "status.number_typo" : "status.number_format");
    return {};
  }
  if (tail.size() != 6) {
    s.focus = FieldAddress::Aux("id_tail");
    Say("status.need_tail");
    return {};
  }
  const std::string number = FormatAppNumber(*parts);
  // A visit number shows every application of the visit (docs/internals/visits.md).
  std::vector<yimen::StatusLookup> found;
  if (parts->visit) {
    auto visit = m_deps.store->status().FindVisitForResident(number, tail);
    Wipe(&tail);
    if (!visit.ok()) return Failed(visit.error());
    found = std::move(*visit);
  } else {
    auto one = m_deps.store->status().FindForResident(number, tail);
    Wipe(&tail);
    if (!one.ok()) return Failed(one.error());
    if (one->has_value()) found.push_back(std::move(**one));
  }
  if (found.empty()) return Miss();
  m_failures = 0;
  s.lookup = found.front().stub;
  s.lookup_history = found.front().history;
  s.lookup_visit_number = parts->visit ? number : std::string();
  s.lookup_visit = parts->visit ? std::move(found) : std::vector<yimen::StatusLookup>();
  s.lookup_message.clear();
  s.focus = {};
  (void)m_deps.store->AppendAudit("resident", "status.lookup", number);
  return {StatusPage::kResult, true};
}

}  // namespace yimen::session
