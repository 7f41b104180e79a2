// The service finder's events (session/finder.h): its page is the kFinder screen's; a
// suggestion chosen opens that service's details through the form, as a tap on the
// services list does (a started draft of another service asks first).
#include "common/wipe.h"
#include "ui/kiosk_app.h"

namespace yimen::ui {

void KioskApp::On(const session::FinderEvent& e) {
  const session::FinderOutcome out = m_finder.Apply(e);
  if (std::holds_alternative<session::finder_event::IdNumber>(e) && out.go) {
    // Only the age is kept: the typed number goes at once.
    if (auto it = m_session.aux_values.find("finder_id"); it != m_session.aux_values.end()) {
      Wipe(&it->second);
    }
    m_session.focus = {};
  }
  if (!out.open_service.empty()) {
    ApplyForm(session::form_event::OpenService{out.open_service});
    return;
  }
  if (!out.open_visit.empty()) {  // "一起申请选中的 N 项": one wizard for all of them
    ApplyForm(session::form_event::StartVisit{out.open_visit});
    return;
  }
  if (!out.go) return;
  if (m_screen != Screen::kFinder || *out.go != session::FinderPage::kSituations) {
    m_frame.ResetScroll();
  }
  m_screen = Screen::kFinder;  // the frame's end reads the new page when the voice is on
}

bool KioskApp::FinderTakesCard(const idcard::CardText& card) {
  const session::FinderOutcome out =
      m_finder.Apply(session::finder_event::IdNumber{card.id_number});
  if (!out.go) return false;
  m_frame.ResetScroll();
  return true;
}

}  // namespace yimen::ui
