// KioskApp's staff mode and the resident's status check: logins with lockout and
// timeouts, the paged staff list, counts, queue health, CSV export, and the lookup by
// application number + ID tail. Split from kiosk_app.cpp only to keep each file to one
// concern; the state it changes is KioskApp's. Every staff action lands in the audit.
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>

#include "common/civil_time.h"
#include "common/secret_hash.h"
#include "common/wipe.h"
#include "domain/app_number.h"
#include "domain/civil_date.h"
#include "domain/form.h"
#include "domain/message_keys.h"
#include "domain/utf8.h"
#include "store/store.h"
#include "ui/kiosk_app.h"

namespace yimen::ui {
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
    if (c >= '0' && c <= '9') digits += c;
    else if (c != '-' && c != '/' && c != '.' && c != ' ') return std::nullopt;
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

}  // namespace

CivilDate KioskApp::Today() const { return ChinaDateAt(WallMs() / 1000); }

int64_t KioskApp::WallMs() const {
  if (m_deps.wall_clock_ms) return m_deps.wall_clock_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void KioskApp::StaffAudit(const std::string& action, const std::string& detail) {
  if (!m_deps.store || m_staff.name.empty()) return;
  if (Status s = m_deps.store->AppendAudit("staff:" + m_staff.name, action, detail); !s.ok()) {
    std::fprintf(stderr, "audit: %s\n", s.error().message.c_str());
  }
}

bool KioskApp::ApplyStaffIntent(const Intent& intent) {
  const FieldAddress& focus = m_session.focus;
  const bool aux_focus = focus.area == FieldAddress::Area::kAux;
  const bool staff = !m_staff.name.empty();
  switch (intent.kind) {
    case Intent::Kind::kKeyText: {
      if (!aux_focus) return false;
      if (focus.IsAux("pin")) {  // typed PIN digits go where the PIN pad's go
        for (char c : intent.value) {
          if (c >= '0' && c <= '9' && m_session.pin.size() < secret::kMaxPinDigits) {
            m_session.pin.push_back(c);
          }
        }
        return true;
      }
      std::string& slot = m_session.aux_values[focus.field];
      if (focus.IsAux("staff_name")) {
        if (CountCodepoints(slot) + CountCodepoints(intent.value) <= 32) slot += intent.value;
        return true;
      }
      if (focus.IsAux("from_day") || focus.IsAux("to_day")) {  // dashes come by themselves
        slot = MaskDateInput(slot + intent.value);
        m_staff.message.clear();
        return true;
      }
      const size_t max = focus.IsAux("id_tail") ? 6 : 24;
      for (char c : intent.value) {
        char up = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
        bool ok = focus.IsAux("id_tail")
                      ? ((up >= '0' && up <= '9') || up == 'X')
                      : ((up >= '0' && up <= '9') || (up >= 'A' && up <= 'Z') || up == '-');
        if (ok && slot.size() < max) slot.push_back(up);
      }
      if (focus.IsAux("id_tail") || focus.IsAux("app_number")) m_session.lookup_message.clear();
      return true;
    }
    case Intent::Kind::kKeyBackspace: {
      if (!aux_focus) return false;
      std::string& slot = focus.IsAux("pin") ? m_session.pin : m_session.aux_values[focus.field];
      if (slot.empty()) return true;
      if (focus.IsAux("from_day") || focus.IsAux("to_day")) {
        slot = MaskDateBackspace(slot);
        return true;
      }
      size_t cut = slot.size() - 1;
      while (cut > 0 && (static_cast<unsigned char>(slot[cut]) & 0xC0) == 0x80) --cut;
      sodium_memzero(slot.data() + cut, slot.size() - cut);
      slot.resize(cut);
      return true;
    }
    case Intent::Kind::kStaffLogin:
      if (m_screen == Screen::kStaffLogin) StaffLogin();
      return true;
    case Intent::Kind::kStaffLogout:
      if (staff) StaffLogout("staff.logout");
      return true;
    case Intent::Kind::kStaffNav:
      if (!staff) return true;
      m_staff.message.clear();
      m_frame.ResetScroll();
      if (intent.key == "home") {
        RefreshStaffOverview();
        m_screen = Screen::kStaffHome;
      } else if (intent.key == "list") {
        if (m_screen != Screen::kStaffReceipt) ReloadStaffList();
        m_screen = Screen::kStaffList;
        StaffAudit("staff.view_list", "");
      } else if (intent.key == "queue") {
        RefreshStaffOverview();
        m_screen = Screen::kStaffQueue;
        StaffAudit("staff.view_queue", "");
      } else if (intent.key == "exit_kiosk") {
        StaffAudit("kiosk.exit", "");
        m_exit_requested = true;
      }
      return true;
    case Intent::Kind::kStaffPicker:
      if (staff) m_staff.list.picker = intent.key;
      return true;
    case Intent::Kind::kStaffSetFilter: {
      if (!staff) return true;
      StaffList& list = m_staff.list;
      if (intent.key == "status") {
        list.filter.status = intent.value;
      } else if (intent.key == "service") {
        list.filter.service_code = intent.value;
      } else if (intent.key == "date" && intent.value == "custom") {
        // A range typed by staff: both ends checked before the list changes, so a typo
        // keeps the current list and says what is wrong.
        std::string message;
        std::optional<std::pair<std::string, std::string>> range = ParseDayRange(
            m_session.aux_values["from_day"], m_session.aux_values["to_day"], &message);
        if (!range) {
          m_staff.message = m_deps.strings->Get(m_language, message);
          m_staff.message_is_error = true;
          return true;
        }
        list.date_preset = "custom";
        list.filter.from_day = range->first;
        list.filter.to_day = range->second;
        ResetIme();
        m_session.focus = {};
        m_staff.message.clear();
        m_staff.message_is_error = false;
      } else if (intent.key == "date") {
        list.date_preset = intent.value;
        ApplyDatePreset(intent.value, AsYearMonthDay(Today()), &list.filter);
      } else if (intent.key == "sync") {
        list.filter.sync_state.reset();
        if (intent.value == "pending") list.filter.sync_state = SyncState::kPending;
        if (intent.value == "parked") list.filter.sync_state = SyncState::kParked;
        if (intent.value == "delivered") list.filter.sync_state = SyncState::kDelivered;
      }
      list.picker.clear();
      m_frame.ResetScroll();
      ReloadStaffList();
      StaffAudit("staff.filter", intent.key + "=" + intent.value);
      return true;
    }
    case Intent::Kind::kStaffSearch: {
      if (!staff) return true;
      std::string& typed = m_session.aux_values["search"];
      if (intent.index == 0) typed.clear();
      m_staff.list.filter.number_contains = typed;
      ResetIme();
      m_session.focus = {};
      m_frame.ResetScroll();
      ReloadStaffList();
      StaffAudit("staff.search", typed);
      return true;
    }
    case Intent::Kind::kStaffNeedRows:
      if (staff) LoadStaffRows(std::max(0, intent.index));
      return true;
    case Intent::Kind::kStaffShowReceipt: {
      if (!staff || !m_deps.store) return true;
      auto found = m_deps.store->applications().FindByAppNumber(intent.value);
      if (!found.ok() || !found->has_value()) return true;
      m_staff.receipt = **found;
      m_staff.message.clear();
      m_screen = Screen::kStaffReceipt;
      StaffAudit("staff.receipt_view", intent.value);
      return true;
    }
    case Intent::Kind::kStaffExport:
      if (staff) ExportStaffCsv();
      return true;
    case Intent::Kind::kOpenStatusQuery:
      m_session.lookup.reset();
      m_session.lookup_history.clear();
      m_session.lookup_message.clear();
      m_session.focus = FieldAddress::Aux("app_number");
      m_screen = Screen::kStatusQuery;
      return true;
    case Intent::Kind::kStatusLookup:
      if (m_screen == Screen::kStatusQuery) StatusLookup();
      return true;
    default:
      return false;
  }
}

std::string KioskApp::WaitSeconds(int64_t until_wall_ms) const {
  const int64_t left = std::max<int64_t>(0, until_wall_ms - WallMs());
  return std::to_string(std::max<int64_t>(1, (left + 999) / 1000));
}

void KioskApp::StaffLogin() {
  std::string name = m_session.aux_values["staff_name"];
  std::string pin = m_session.pin;
  Wipe(&m_session.pin);
  // Leading and trailing spaces are never part of a name.
  while (!name.empty() && name.back() == ' ') name.pop_back();
  while (!name.empty() && name.front() == ' ') name.erase(name.begin());
  if (!m_deps.store || name.empty() || pin.empty()) {
    m_session.pin_message = m_deps.strings->Get(m_language, "staff.login_failed");
    Wipe(&pin);
    return;
  }
  auto result = m_deps.store->staff().StaffLogin(name, pin, WallMs());
  Wipe(&pin);
  if (!result.ok()) {
    std::fprintf(stderr, "staff login: %s\n", result.error().message.c_str());
    m_session.pin_message = m_deps.strings->Get(m_language, "staff.login_error");
    return;
  }
  switch (result->outcome) {
    case StaffLoginOutcome::kAccepted: {
      WipeAll(&m_session.aux_values);
      ResetIme();
      m_session.focus = {};
      m_session.pin_message.clear();
      m_staff = StaffState{};
      m_staff.name = name;
      m_staff.login_ms = m_now_ms;
      m_staff.last_activity_ms = m_now_ms;
      StaffAudit("staff.login", "");
      RefreshStaffOverview();
      m_frame.ResetScroll();
      m_screen = Screen::kStaffHome;
      return;
    }
    case StaffLoginOutcome::kRefused:
      // The name typed is not logged: it may be a PIN typed into the wrong field.
      (void)m_deps.store->AppendAudit("system", "staff.login_failed",
                                      "failures=" + std::to_string(result->failures));
      if (result->locked_until_ms > 0) {
        m_session.pin_message = m_deps.strings->Get(m_language, "staff.login_locked");
      } else if (result->retry_at_ms > 0) {
        m_session.pin_message = m_deps.strings->Format(
            m_language, "staff.login_failed_wait", {{"seconds", WaitSeconds(result->retry_at_ms)}});
      } else {
        m_session.pin_message = m_deps.strings->Get(m_language, "staff.login_failed");
      }
      return;
    case StaffLoginOutcome::kThrottled:
      // Refused before any check: the same words for a known and an unknown name.
      (void)m_deps.store->AppendAudit("system", "staff.login_throttled",
                                      "failures=" + std::to_string(result->failures));
      m_session.pin_message = m_deps.strings->Format(
          m_language, "staff.login_wait", {{"seconds", WaitSeconds(result->retry_at_ms)}});
      return;
    case StaffLoginOutcome::kLocked:
      (void)m_deps.store->AppendAudit("system", "staff.login_locked_out", "");
      m_session.pin_message = m_deps.strings->Get(m_language, "staff.login_locked");
      return;
  }
}

void KioskApp::StaffLogout(const char* why) {
  StaffAudit(why, "");
  m_staff = StaffState{};
  m_frame.ResetScroll();
  EndSession();
}

bool KioskApp::StaffTick() {
  if (m_staff.name.empty()) return false;
  if (m_now_ms - m_staff.last_activity_ms >= int64_t{m_deps.staff_idle_s} * 1000) {
    StaffLogout("staff.logout_idle");
  } else if (m_now_ms - m_staff.login_ms >= int64_t{m_deps.staff_session_s} * 1000) {
    StaffLogout("staff.logout_session_limit");
  }
  m_last_activity_ms = m_now_ms;  // the resident countdown starts afresh afterwards
  return true;
}

void KioskApp::RefreshStaffOverview() {
  if (!m_deps.store) return;
  const year_month_day today = AsYearMonthDay(Today());
  if (auto c = m_deps.store->applications().CountApplicationsByDay(IsoDay(today), IsoDay(today));
      c.ok()) {
    m_staff.today = *c;
  }
  if (auto c = m_deps.store->applications().CountApplicationsByDay(
          IsoDay(today.year() / today.month() / 1), IsoDay(today));
      c.ok()) {
    m_staff.month = *c;
  }
  if (auto h = m_deps.store->applications().OutboxHealth(); h.ok()) m_staff.health = *h;
  m_staff.storage_full_at = m_storage_full_at;
  m_staff.storage_free_bytes = m_deps.storage_free ? m_deps.storage_free() : std::nullopt;
  m_staff.sync = SyncState();
  ApplicationFilter parked;
  parked.sync_state = SyncState::kParked;
  if (auto rows = m_deps.store->applications().ListApplications(parked, 0, 50); rows.ok())
    m_staff.parked = *rows;
}

void KioskApp::ReloadStaffList() {
  if (!m_deps.store) return;
  StaffList& list = m_staff.list;
  list.rows.clear();
  list.first = 0;
  auto total = m_deps.store->applications().CountApplications(list.filter);
  list.total = total.ok() ? *total : 0;
  LoadStaffRows(0);
}

void KioskApp::LoadStaffRows(int64_t first_wanted) {
  // A window of 300 rows around what is wanted: scrolling a screenful (about 15 rows)
  // either way needs no query, and a page load is one indexed SELECT.
  constexpr int kWindow = 300;
  StaffList& list = m_staff.list;
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

void KioskApp::ExportStaffCsv() {
  if (!m_deps.store) return;
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
  const Catalog* catalog = &Cat();
  auto rows = m_deps.store->applications().ExportApplicationsCsv(
      m_staff.list.filter,
      [catalog](const std::string& code) {
        const ServiceSpec* service = catalog ? catalog->FindService(code) : nullptr;
        return service ? service->name.zh : code;
      },
      path);
  if (!rows.ok()) {
    std::fprintf(stderr, "export: %s\n", rows.error().message.c_str());
    m_staff.message = m_deps.strings->Get(m_language, "staff.export_failed");
    m_staff.message_is_error = true;
    return;
  }
  m_staff.message = m_deps.strings->Format(
      m_language, "staff.export_done", {{"count", std::to_string(*rows)}, {"path", path}});
  m_staff.message_is_error = false;
  StaffAudit("staff.export_csv", "rows=" + std::to_string(*rows) + " file=" + name);
}

void KioskApp::StatusLookup() {
  Session& s = m_session;
  auto say = [&](const char* key) { s.lookup_message = m_deps.strings->Get(m_language, key); };
  if (m_now_ms < m_lookup_locked_until_ms) return say("status.locked");
  if (!m_deps.store) return;
  std::string& typed = s.aux_values["app_number"];
  std::string& tail = s.aux_values["id_tail"];
  auto parts = ParseAppNumber(typed);
  if (!parts.ok()) {
    // A typo the check character caught: nothing about any application is revealed.
    s.focus = FieldAddress::Aux("app_number");
    return say(parts.error().code == msg::kAppNumberCheck ? "status.number_typo"
                                                          : "status.number_format");
  }
  if (tail.size() != 6) {
    s.focus = FieldAddress::Aux("id_tail");
    return say("status.need_tail");
  }
  const std::string number = FormatAppNumber(*parts);
  auto found = m_deps.store->status().FindForResident(number, tail);
  Wipe(&tail);
  if (!found.ok()) {
    std::fprintf(stderr, "status lookup: %s\n", found.error().message.c_str());
    return say("status.error");
  }
  if (!found->has_value()) {
    // Unknown number and wrong ID digits read the same; repeated misses slow down.
    (void)m_deps.store->AppendAudit("system", "status.lookup_failed", "");
    if (++m_lookup_failures >= 5) {
      m_lookup_failures = 0;
      m_lookup_locked_until_ms = m_now_ms + 60'000;
      return say("status.locked");
    }
    s.focus = FieldAddress::Aux("id_tail");
    return say("status.not_found");
  }
  m_lookup_failures = 0;
  s.lookup = std::move((*found)->stub);
  s.lookup_history = std::move((*found)->history);
  s.lookup_message.clear();
  ResetIme();
  s.focus = {};
  (void)m_deps.store->AppendAudit("resident", "status.lookup", number);
  m_screen = Screen::kStatusResult;
}

}  // namespace yimen::ui
