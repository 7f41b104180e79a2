// Staff mode's behaviour: events in, staff state and audit rows out. Nothing here draws;
// app/ui/screens/screen_staff.cpp does.
#include "session/staff.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>

#include "common/civil_time.h"
#include "common/wipe.h"
#include "domain/civil_date.h"

namespace yimen::session {
namespace {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::year_month_day;

year_month_day AsYearMonthDay(const CivilDate& date) {
  return year_month_day{std::chrono::year(date.year),
                        std::chrono::month(static_cast<unsigned>(date.month)),
                        std::chrono::day(static_cast<unsigned>(date.day))};
}

// "20261101" or "2026-11-01" → "2026-11-01"; "" stays "" (an open end). nullopt when
// it is neither a real date.
std::optional<std::string> ParseTypedDay(const std::string& typed) {
  std::string digits;
  for (char c : typed) {
    if (c >= '0' && c <= '9')
      digits += c;
    else if (c != '-' && c != '/' && c != '.' && c != ' ')
      return std::nullopt;
  }
  if (digits.empty()) return std::string();
  if (digits.size() != 8) return std::nullopt;
  std::string iso = digits.substr(0, 4) + "-" + digits.substr(4, 2) + "-" + digits.substr(6, 2);
  if (!ParseIsoDate(iso).ok()) return std::nullopt;
  return iso;
}

std::string IsoDay(year_month_day d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

// The filter's day range for a preset: today, the last 7 days, this month, last month.
void ApplyDatePreset(const std::string& preset, const year_month_day& today,
                     ApplicationFilter* filter) {
  filter->from_day.clear();
  filter->to_day.clear();
  if (preset == "today") {
    filter->from_day = filter->to_day = IsoDay(today);
  } else if (preset == "7d") {
    filter->from_day = IsoDay(year_month_day{sys_days(today) - days(6)});
    filter->to_day = IsoDay(today);
  } else if (preset == "month") {
    filter->from_day = IsoDay(today.year() / today.month() / 1);
    filter->to_day = IsoDay(today);
  } else if (preset == "last_month") {
    year_month_day first = today.year() / today.month() / 1;
    year_month_day last{sys_days(first) - days(1)};
    filter->from_day = IsoDay(last.year() / last.month() / 1);
    filter->to_day = IsoDay(last);
  }
}

// The custom range of the staff list's date filter. On failure `message` names the
// strings key that says why.
std::optional<std::pair<std::string, std::string>> ParseDayRange(const std::string& from,
                                                                 const std::string& to,
                                                                 std::string* message) {
  std::optional<std::string> a = ParseTypedDay(from);
  std::optional<std::string> b = ParseTypedDay(to);
  if (!a || !b) {
    *message = "staff.date.bad_day";
    return std::nullopt;
  }
  if (a->empty() && b->empty()) {
    *message = "staff.date.no_day";
    return std::nullopt;
  }
  if (!a->empty() && !b->empty() && *a > *b) {
    *message = "staff.date.reversed";
    return std::nullopt;
  }
  return std::make_pair(*a, *b);
}

void WipeAll(std::map<std::string, std::string>* values) {
  for (auto& [key, value] : *values) Wipe(&value);
  values->clear();
}

std::optional<SyncState> SyncStateChoice(const std::string& choice) {
  if (choice == "pending") return SyncState::kPending;
  if (choice == "parked") return SyncState::kParked;
  if (choice == "delivered") return SyncState::kDelivered;
  return std::nullopt;
}

}  // namespace

const char* FilterName(StaffFilter filter) {
  switch (filter) {
    case StaffFilter::kStatus: return "status";
    case StaffFilter::kService: return "service";
    case StaffFilter::kDate: return "date";
    case StaffFilter::kSync: return "sync";
    case StaffFilter::kNone: return "";
  }
  return "";
}

Staff::Staff(StaffState* state, VisitState* visit, Deps deps)
    : m_state(state), m_visit(visit), m_deps(std::move(deps)) {}

StaffOutcome Staff::Apply(const StaffEvent& event, std::optional<StaffPage> page) {
  return std::visit([&](const auto& e) { return On(e, page); }, event);
}

CivilDate Staff::Today() const { return ChinaDateAt(m_deps.wall_ms() / 1000); }

Language Staff::CurrentLanguage() const {
  return m_deps.language ? m_deps.language() : Language::kZhCN;
}

const std::string& Staff::Tr(const std::string& key) const {
  return m_deps.strings->Get(CurrentLanguage(), key);
}

std::string Staff::WaitSeconds(int64_t until_wall_ms) const {
  const int64_t left = std::max<int64_t>(0, until_wall_ms - m_deps.wall_ms());
  return std::to_string(std::max<int64_t>(1, (left + 999) / 1000));
}

void Staff::Audit(const std::string& action, const std::string& detail) {
  (void)AuditAction(action, detail);
}

Status Staff::AuditAction(const std::string& action, const std::string& detail) {
  if (!m_deps.store) return MakeError(ErrorKind::kInternal, "audit: no store");
  if (m_state->name.empty()) return MakeError(ErrorKind::kInvalidArgument, "audit: no staff");
  Status s = m_deps.store->AppendAudit("staff:" + m_state->name, action, detail);
  if (!s.ok()) std::fprintf(stderr, "audit: %s\n", s.error().message.c_str());
  return s;
}

void Staff::HandBack() {
  if (!LoggedIn()) return;
  Audit("staff.logout", "assist");
  *m_state = StaffState{};
}

StaffOutcome Staff::On(const staff_event::Login& /*e*/, std::optional<StaffPage> page) {
  if (page != StaffPage::kLogin) return {};
  std::string name = m_visit->aux_values["staff_name"];
  std::string pin = m_visit->pin;
  Wipe(&m_visit->pin);
  // Leading and trailing spaces are never part of a name.
  while (!name.empty() && name.back() == ' ') name.pop_back();
  while (!name.empty() && name.front() == ' ') name.erase(name.begin());
  if (!m_deps.store || name.empty() || pin.empty()) {
    m_visit->pin_message = Tr("staff.login_failed");
    Wipe(&pin);
    return {};
  }
  auto result = m_deps.store->staff().StaffLogin(name, pin, m_deps.wall_ms());
  Wipe(&pin);
  if (!result.ok()) {
    std::fprintf(stderr, "staff login: %s\n", result.error().message.c_str());
    m_visit->pin_message = Tr("staff.login_error");
    return {};
  }
  if (result->outcome == StaffLoginOutcome::kAccepted) return Accept(name);
  RefusedLogin(*result);
  return {};
}

StaffOutcome Staff::Accept(const std::string& name) {
  WipeAll(&m_visit->aux_values);
  m_visit->focus = {};
  m_visit->pin_message.clear();
  *m_state = StaffState{};
  m_state->name = name;
  m_state->login_ms = m_deps.now_ms();
  m_state->last_activity_ms = m_state->login_ms;
  Audit("staff.login", "");
  RefreshOverview();
  StaffOutcome out;
  out.go = StaffPage::kHome;
  out.reset_scroll = true;
  out.reset_keyboard = true;
  return out;
}

void Staff::RefusedLogin(const StaffLoginResult& result) {
  const std::string failures = "failures=" + std::to_string(result.failures);
  switch (result.outcome) {
    case StaffLoginOutcome::kAccepted: return;
    case StaffLoginOutcome::kRefused:
      // The name typed is not logged: it may be a PIN typed into the wrong field.
      (void)m_deps.store->AppendAudit("system", "staff.login_failed", failures);
      if (result.locked_until_ms > 0) {
        m_visit->pin_message = Tr("staff.login_locked");
      } else if (result.retry_at_ms > 0) {
        m_visit->pin_message =
            m_deps.strings->Format(CurrentLanguage(), "staff.login_failed_wait",
                                   {{"seconds", WaitSeconds(result.retry_at_ms)}});
      } else {
        m_visit->pin_message = Tr("staff.login_failed");
      }
      return;
    case StaffLoginOutcome::kThrottled:
      // Refused before any check: the same words for a known and an unknown name.
      (void)m_deps.store->AppendAudit("system", "staff.login_throttled", failures);
      m_visit->pin_message = m_deps.strings->Format(CurrentLanguage(), "staff.login_wait",
                                                    {{"seconds", WaitSeconds(result.retry_at_ms)}});
      return;
    case StaffLoginOutcome::kLocked:
      (void)m_deps.store->AppendAudit("system", "staff.login_locked_out", "");
      m_visit->pin_message = Tr("staff.login_locked");
      return;
  }
}

StaffOutcome Staff::Logout(const char* why) {
  Audit(why, "");
  *m_state = StaffState{};
  StaffOutcome out;
  out.reset_scroll = true;
  out.logged_out = true;
  return out;
}

StaffOutcome Staff::On(const staff_event::Logout& /*e*/, std::optional<StaffPage> /*page*/) {
  if (!LoggedIn()) return {};
  return Logout("staff.logout");
}

bool Staff::Tick(StaffOutcome* out) {
  if (!LoggedIn()) return false;
  const int64_t now = m_deps.now_ms();
  if (now - m_state->last_activity_ms >= int64_t{m_deps.idle_s} * 1000) {
    *out = Logout("staff.logout_idle");
  } else if (now - m_state->login_ms >= int64_t{m_deps.session_s} * 1000) {
    *out = Logout("staff.logout_session_limit");
  }
  return true;
}

StaffOutcome Staff::On(const staff_event::Open& e, std::optional<StaffPage> page) {
  if (!LoggedIn()) return {};
  m_state->message.clear();
  StaffOutcome out;
  out.reset_scroll = true;
  out.go = e.page;
  switch (e.page) {
    case StaffPage::kList:
      if (page != StaffPage::kReceipt) ReloadList();  // back from a receipt keeps the place
      Audit("staff.view_list", "");
      return out;
    case StaffPage::kQueue:
      RefreshOverview();
      Audit("staff.view_queue", "");
      return out;
    case StaffPage::kHome: RefreshOverview(); return out;
    case StaffPage::kLogin:
    case StaffPage::kReceipt: out.go.reset(); return out;  // not opened from a button
  }
  return out;
}

StaffOutcome Staff::On(const staff_event::ExitKiosk& /*e*/, std::optional<StaffPage> /*page*/) {
  if (!LoggedIn()) return {};
  m_state->message.clear();
  Audit("kiosk.exit", "");
  StaffOutcome out;
  out.reset_scroll = true;
  out.exit_requested = true;
  return out;
}

StaffOutcome Staff::On(const staff_event::OpenPicker& e, std::optional<StaffPage> /*page*/) {
  if (LoggedIn()) m_state->list.picker = e.filter;
  return {};
}

bool Staff::ApplyCustomRange() {
  // A range typed by staff: both ends checked before the list changes, so a typo keeps
  // the current list and says what is wrong.
  std::string message;
  std::optional<std::pair<std::string, std::string>> range =
      ParseDayRange(m_visit->aux_values["from_day"], m_visit->aux_values["to_day"], &message);
  if (!range) {
    m_state->message = Tr(message);
    m_state->message_is_error = true;
    return false;
  }
  StaffList& list = m_state->list;
  list.date_preset = "custom";
  list.filter.from_day = range->first;
  list.filter.to_day = range->second;
  m_visit->focus = {};
  m_state->message.clear();
  m_state->message_is_error = false;
  return true;
}

StaffOutcome Staff::On(const staff_event::SetFilter& e, std::optional<StaffPage> /*page*/) {
  if (!LoggedIn()) return {};
  StaffList& list = m_state->list;
  StaffOutcome out;
  switch (e.filter) {
    case StaffFilter::kStatus: list.filter.status = e.choice; break;
    case StaffFilter::kService: list.filter.service_code = e.choice; break;
    case StaffFilter::kDate:
      if (e.choice == "custom") {
        if (!ApplyCustomRange()) return {};
        out.reset_keyboard = true;
      } else {
        list.date_preset = e.choice;
        ApplyDatePreset(e.choice, AsYearMonthDay(Today()), &list.filter);
      }
      break;
    case StaffFilter::kSync: list.filter.sync_state = SyncStateChoice(e.choice); break;
    case StaffFilter::kNone: break;
  }
  list.picker = StaffFilter::kNone;
  out.reset_scroll = true;
  ReloadList();
  Audit("staff.filter", std::string(FilterName(e.filter)) + "=" + e.choice);
  return out;
}

StaffOutcome Staff::On(const staff_event::Search& e, std::optional<StaffPage> /*page*/) {
  if (!LoggedIn()) return {};
  std::string& typed = m_visit->aux_values["search"];
  if (e.clear) typed.clear();
  m_state->list.filter.number_contains = typed;
  m_visit->focus = {};
  ReloadList();
  Audit("staff.search", typed);
  StaffOutcome out;
  out.reset_scroll = true;
  out.reset_keyboard = true;
  return out;
}

StaffOutcome Staff::On(const staff_event::NeedRows& e, std::optional<StaffPage> /*page*/) {
  if (LoggedIn()) LoadRows(std::max<int64_t>(0, e.first));
  return {};
}

StaffOutcome Staff::On(const staff_event::ShowReceipt& e, std::optional<StaffPage> /*page*/) {
  if (!LoggedIn() || !m_deps.store) return {};
  auto found = m_deps.store->applications().FindByAppNumber(e.app_number);
  if (!found.ok() || !found->has_value()) return {};
  m_state->receipt = **found;
  m_state->message.clear();
  Audit("staff.receipt_view", e.app_number);
  StaffOutcome out;
  out.go = StaffPage::kReceipt;
  return out;
}

void Staff::RefreshOverview() {
  if (!m_deps.store) return;
  ApplicationRepository& apps = m_deps.store->applications();
  const year_month_day today = AsYearMonthDay(Today());
  if (auto c = apps.CountApplicationsByDay(IsoDay(today), IsoDay(today)); c.ok()) {
    m_state->today = *c;
  }
  if (auto c = apps.CountApplicationsByDay(IsoDay(today.year() / today.month() / 1), IsoDay(today));
      c.ok()) {
    m_state->month = *c;
  }
  if (auto h = apps.OutboxHealth(); h.ok()) m_state->health = *h;
  if (m_deps.storage_full_at) m_state->storage_full_at = m_deps.storage_full_at();
  m_state->storage_free_bytes = m_deps.storage_free ? m_deps.storage_free() : std::nullopt;
  if (m_deps.sync_snapshot) m_state->sync = m_deps.sync_snapshot();
  ApplicationFilter parked;
  parked.sync_state = SyncState::kParked;
  if (auto rows = apps.ListApplications(parked, 0, 50); rows.ok()) m_state->parked = *rows;
}

void Staff::ReloadList() {
  if (!m_deps.store) return;
  StaffList& list = m_state->list;
  list.rows.clear();
  list.first = 0;
  auto total = m_deps.store->applications().CountApplications(list.filter);
  list.total = total.ok() ? *total : 0;
  LoadRows(0);
}

void Staff::LoadRows(int64_t first_wanted) {
  if (!m_deps.store) return;
  // A window of 300 rows around what is wanted: scrolling a screenful (about 15 rows)
  // either way needs no query, and a page load is one indexed SELECT.
  constexpr int kWindow = 300;
  StaffList& list = m_state->list;
  int64_t offset = std::max<int64_t>(0, first_wanted - kWindow / 3);
  auto rows = m_deps.store->applications().ListApplications(list.filter, offset, kWindow);
  if (!rows.ok()) {
    std::fprintf(stderr, "staff list: %s\n", rows.error().message.c_str());
    return;
  }
  list.rows = std::move(*rows);
  list.first = offset;
  ++list.fetches;
}

StaffOutcome Staff::On(const staff_event::Export& /*e*/, std::optional<StaffPage> /*page*/) {
  if (!LoggedIn() || !m_deps.store) return {};
  std::error_code ec;
  const std::filesystem::path dir = std::filesystem::path(m_deps.store->DataDir()) / "exports";
  std::filesystem::create_directories(dir, ec);
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, ec);
  std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char name[64];
  std::strftime(name, sizeof name, "applications-%Y%m%d-%H%M%S.csv", &local);
  const std::string path = (dir / name).string();
  const Catalog* catalog = m_deps.catalog ? m_deps.catalog() : nullptr;
  auto rows = m_deps.store->applications().ExportApplicationsCsv(
      m_state->list.filter,
      [catalog](const std::string& code) {
        const ServiceSpec* service = catalog ? catalog->FindService(code) : nullptr;
        return service ? service->name.zh : code;
      },
      path);
  if (!rows.ok()) {
    std::fprintf(stderr, "export: %s\n", rows.error().message.c_str());
    m_state->message = Tr("staff.export_failed");
    m_state->message_is_error = true;
    return {};
  }
  m_state->message = m_deps.strings->Format(CurrentLanguage(), "staff.export_done",
                                            {{"count", std::to_string(*rows)}, {"path", path}});
  m_state->message_is_error = false;
  Audit("staff.export_csv", "rows=" + std::to_string(*rows) + " file=" + name);
  return {};
}

}  // namespace yimen::session
