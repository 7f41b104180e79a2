// KioskApp's staff mode and the resident's status check: routes their typed events to
// app/session (session::Staff, session::StatusLookup: logins with lockout and timeouts,
// the paged staff list, counts, queue health, CSV export, the lookup by application
// number + ID tail) and follows the page each outcome names.
#include <chrono>

#include "common/civil_time.h"
#include "ui/kiosk_app.h"

namespace yimen::ui {
namespace {

std::optional<session::StaffPage> StaffPageOf(Screen screen) {
  switch (screen) {
    case Screen::kStaffLogin: return session::StaffPage::kLogin;
    case Screen::kStaffHome: return session::StaffPage::kHome;
    case Screen::kStaffList: return session::StaffPage::kList;
    case Screen::kStaffQueue: return session::StaffPage::kQueue;
    case Screen::kStaffReceipt: return session::StaffPage::kReceipt;
    default: return std::nullopt;
  }
}

Screen ScreenOf(session::StaffPage page) {
  switch (page) {
    case session::StaffPage::kLogin: return Screen::kStaffLogin;
    case session::StaffPage::kHome: return Screen::kStaffHome;
    case session::StaffPage::kList: return Screen::kStaffList;
    case session::StaffPage::kQueue: return Screen::kStaffQueue;
    case session::StaffPage::kReceipt: return Screen::kStaffReceipt;
  }
  return Screen::kStaffHome;
}

std::optional<session::AssistPage> AssistPageOf(Screen screen) {
  switch (screen) {
    case Screen::kForm: return session::AssistPage::kForm;
    case Screen::kAssistHelp: return session::AssistPage::kHelp;
    case Screen::kAssistConfirm: return session::AssistPage::kConfirm;
    case Screen::kAssistEntry: return session::AssistPage::kEntry;
    default: return std::nullopt;
  }
}

Screen AssistScreenOf(session::AssistPage page) {
  switch (page) {
    case session::AssistPage::kForm: return Screen::kForm;
    case session::AssistPage::kHelp: return Screen::kAssistHelp;
    case session::AssistPage::kConfirm: return Screen::kAssistConfirm;
    case session::AssistPage::kEntry: return Screen::kAssistEntry;
  }
  return Screen::kForm;
}

std::optional<session::StatusPage> StatusPageOf(Screen screen) {
  if (screen == Screen::kStatusQuery) return session::StatusPage::kQuery;
  if (screen == Screen::kStatusResult) return session::StatusPage::kResult;
  return std::nullopt;
}

}  // namespace

CivilDate KioskApp::Today() const { return ChinaDateAt(WallMs() / 1000); }

int64_t KioskApp::WallMs() const {
  if (m_deps.wall_clock_ms) return m_deps.wall_clock_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void KioskApp::On(const session::StaffEvent& event) {
  const bool login = m_screen == Screen::kStaffLogin;
  FollowStaff(m_staff_mode.Apply(event, StaffPageOf(m_screen)));
  // Signed in from the help screen: straight to the resident's name, not the overview.
  if (login && m_staff_mode.LoggedIn()) {
    if (auto page = m_assist.AfterLogin()) m_screen = AssistScreenOf(*page);
  }
}

void KioskApp::On(const session::AssistEvent& event) {
  const session::AssistOutcome out = m_assist.Apply(event, AssistPageOf(m_screen));
  if (out.reset_keyboard) ResetIme();
  if (out.go) {
    m_screen = AssistScreenOf(*out.go);
    m_frame.ResetScroll();
  }
}

void KioskApp::FollowStaff(const session::StaffOutcome& out) {
  if (out.reset_keyboard) ResetIme();
  if (out.reset_scroll) m_frame.ResetScroll();
  if (out.exit_requested) m_exit_requested = true;
  if (out.logged_out) {
    EndSession();
    return;
  }
  if (out.go) m_screen = ScreenOf(*out.go);
}

void KioskApp::On(const session::StatusEvent& event) {
  session::StatusOutcome out = m_status.Apply(event, StatusPageOf(m_screen));
  if (out.reset_keyboard) ResetIme();
  if (out.go) {
    m_screen =
        *out.go == session::StatusPage::kQuery ? Screen::kStatusQuery : Screen::kStatusResult;
  }
}

}  // namespace yimen::ui
