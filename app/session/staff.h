// Staff mode without a window: the login (name + Argon2id PIN through the store, with
// its lockouts), the overview (counts, queue health, storage), the paged application
// list (filters, search, a window of rows), a re-shown receipt and the CSV export.
// Driven by typed StaffEvents, one handler each; every staff action lands in the audit.
// The UI (app/ui/kiosk_app_staff.cpp) routes the events and follows the outcome's page.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "domain/catalog.h"
#include "session/strings.h"
#include "session/visit.h"
#include "store/store.h"
#include "sync/client/sync_snapshot.h"

namespace yimen::session {

// The staff list's filters. Name() spells each as the widget ids and strings keys do
// ("status", "service", "date", "sync").
enum class StaffFilter : uint8_t { kNone, kStatus, kService, kDate, kSync };
const char* FilterName(StaffFilter filter);
inline constexpr StaffFilter kStaffFilters[] = {StaffFilter::kStatus, StaffFilter::kService,
                                                StaffFilter::kDate, StaffFilter::kSync};

// The staff list: its filter, and a window of rows loaded from the store around what
// is on screen (SQL paging; only visible rows are drawn).
struct StaffList {
  ApplicationFilter filter;
  std::string date_preset;                  // "", "today", "7d", "month", "last_month", "custom"
  StaffFilter picker = StaffFilter::kNone;  // the filter whose choices are open
  int64_t total = 0;                        // rows matching the filter
  int64_t first = 0;                        // index of rows[0] in the filtered list
  std::vector<ApplicationStub> rows;
  int64_t fetches = 0;  // page loads so far (for the benchmark's note)
};

// A logged-in member of staff and what their screens show. Empty name: nobody.
struct StaffState {
  std::string name;
  int64_t login_ms = 0;  // the loop's clock
  int64_t last_activity_ms = 0;
  std::string message;  // e.g. where the CSV went
  bool message_is_error = false;
  ApplicationCounts today, month;
  std::optional<OutboxHealthReport> health;
  std::optional<sync::SyncSnapshot> sync;  // nullopt: not enrolled
  std::vector<ApplicationStub> parked;     // newest first, at most 50
  std::optional<ApplicationStub> receipt;  // re-shown receipt
  StaffList list;
  // Storage: when a submit was last refused because the disk was full (since the
  // kiosk started), and the free space now; both refreshed with the overview.
  std::optional<std::chrono::system_clock::time_point> storage_full_at;
  std::optional<uint64_t> storage_free_bytes;
};

// Below this much free space staff mode warns (a submit needs a few KB, but the WAL,
// receipts and exports grow; a hall notices days before the disk is full).
inline constexpr uint64_t kLowStorageBytes = 200ull * 1024 * 1024;

// Staff mode's pages.
enum class StaffPage : uint8_t { kLogin, kHome, kList, kQueue, kReceipt };

namespace staff_event {
struct Login {};  // the typed name (aux "staff_name") and PIN (VisitState::pin)
struct Logout {};
struct Open {  // the overview, the list or the queue
  StaffPage page = StaffPage::kHome;
};
struct ExitKiosk {};
struct OpenPicker {  // kNone closes the open one
  StaffFilter filter = StaffFilter::kNone;
};
struct SetFilter {  // choice "" = all; for kDate "custom" takes the typed range
  StaffFilter filter = StaffFilter::kNone;
  std::string choice;
};
struct Search {  // apply the search field (aux "search"), or clear it
  bool clear = false;
};
struct NeedRows {  // the first row the list wants drawn but has not loaded
  int64_t first = 0;
};
struct ShowReceipt {
  std::string app_number;
};
struct Export {};
}  // namespace staff_event

using StaffEvent =
    std::variant<staff_event::Login, staff_event::Logout, staff_event::Open, staff_event::ExitKiosk,
                 staff_event::OpenPicker, staff_event::SetFilter, staff_event::Search,
                 staff_event::NeedRows, staff_event::ShowReceipt, staff_event::Export>;

// What an event changed that the UI acts on.
struct StaffOutcome {
  std::optional<StaffPage> go;  // the page to show now
  bool reset_scroll = false;    // a new page or a new list: start at the top
  bool reset_keyboard = false;  // the focus was cleared: the keyboard starts afresh
  bool exit_requested = false;  // staff asked to close the kiosk
  bool logged_out = false;      // the visit ends (the UI wipes it)
};

class Staff {
 public:
  struct Deps {
    const Strings* strings = nullptr;
    Store* store = nullptr;
    std::function<Language()> language;       // unset: Chinese
    std::function<int64_t()> wall_ms;         // Unix ms (lockouts are persisted in it)
    std::function<int64_t()> now_ms;          // the loop's clock (timeouts)
    std::function<const Catalog*()> catalog;  // service names in the export
    // Optional: free bytes of the data directory, the sync engine's state, when a
    // submit was last refused for a full disk.
    std::function<std::optional<uint64_t>()> storage_free;
    std::function<std::optional<sync::SyncSnapshot>()> sync_snapshot;
    std::function<std::optional<std::chrono::system_clock::time_point>()> storage_full_at;
    int idle_s = 180;      // logout after this long without a touch
    int session_s = 3600;  // and this long after the login whatever happens
  };
  Staff(StaffState* state, VisitState* visit, Deps deps);

  // Applies one event; `page` is the staff page on screen (nullopt: not a staff page).
  StaffOutcome Apply(const StaffEvent& event, std::optional<StaffPage> page);
  // The loop's clock: logs out an idle or too-long session. True while staff are in.
  bool Tick(StaffOutcome* out);
  bool LoggedIn() const { return !m_state->name.empty(); }
  const std::string& Name() const { return m_state->name; }
  // An audit row as the signed-in member of staff. A row the store could not write waits
  // in its backlog (shown on the overview) and the error is returned for the screen.
  Status AuditAction(const std::string& action, const std::string& detail);
  // Staff hand the kiosk back to the resident (after entering a name for them,
  // session/assist.h): the staff session ends, audited, but the visit goes on.
  void HandBack();
  // The resident's civil date at wall_ms (China, UTC+8).
  CivilDate Today() const;

 private:
  StaffOutcome On(const staff_event::Login& e, std::optional<StaffPage> page);
  StaffOutcome On(const staff_event::Logout& e, std::optional<StaffPage> page);
  StaffOutcome On(const staff_event::Open& e, std::optional<StaffPage> page);
  StaffOutcome On(const staff_event::ExitKiosk& e, std::optional<StaffPage> page);
  StaffOutcome On(const staff_event::OpenPicker& e, std::optional<StaffPage> page);
  StaffOutcome On(const staff_event::SetFilter& e, std::optional<StaffPage> page);
  StaffOutcome On(const staff_event::Search& e, std::optional<StaffPage> page);
  StaffOutcome On(const staff_event::NeedRows& e, std::optional<StaffPage> page);
  StaffOutcome On(const staff_event::ShowReceipt& e, std::optional<StaffPage> page);
  StaffOutcome On(const staff_event::Export& e, std::optional<StaffPage> page);
  StaffOutcome Accept(const std::string& name);
  void RefusedLogin(const StaffLoginResult& result);
  StaffOutcome Logout(const char* why);
  // A typed date range: false (and the message says why) when it is not one.
  bool ApplyCustomRange();
  void Audit(const std::string& action, const std::string& detail);
  void RefreshOverview();
  void ReloadList();
  void LoadRows(int64_t first_wanted);
  const std::string& Tr(const std::string& key) const;
  std::string WaitSeconds(int64_t until_wall_ms) const;
  Language CurrentLanguage() const;

  StaffState* m_state;
  VisitState* m_visit;
  Deps m_deps;
};

}  // namespace yimen::session
