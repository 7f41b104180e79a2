// Staff mode's screens: the login behind the hidden gesture, the overview (counts for
// today and this month, the sync queue's health), the application list (filters,
// search, SQL-paged rows drawn through ImGuiListClipper so 100,000 rows cost what 20
// do), a re-shown receipt, and the queue's details. Denser than the resident screens,
// but every target is still at least 15 mm tall.
#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cmath>

#include "domain/name_mask.h"
#include "ui/kiosk_app.h"
#include "ui/screens/view.h"

namespace yimen::ui {
namespace {

class StaffLoginView final : public View {
 public:
  void Draw(const ViewModel& view, std::vector<Intent>* out) override;
};

class StaffHomeView final : public View {
 public:
  void Draw(const ViewModel& view, std::vector<Intent>* out) override;
};

class StaffListView final : public View {
 public:
  void Draw(const ViewModel& view, std::vector<Intent>* out) override;

 private:
  // The parts of the list screen, top to bottom.
  static void DrawFilterBar(const ViewModel& view, std::vector<Intent>* out);
  static void DrawSearch(const ViewModel& view, std::vector<Intent>* out);
  static void DrawPicker(const ViewModel& view, std::vector<Intent>* out);
  static void DrawCustomRange(const ViewModel& view, std::vector<Intent>* out);
  void DrawRows(const ViewModel& view, std::vector<Intent>* out);
  void DrawFooter(const ViewModel& view, std::vector<Intent>* out);

  // A page jump asked for by the footer's buttons, applied inside the rows' window on
  // the next frame (ImGui 1.86 scrolls a window only from inside it).
  float m_rows_scroll_delta = 0;
};

class StaffReceiptView final : public View {
 public:
  void Draw(const ViewModel& view, std::vector<Intent>* out) override;
};

class StaffQueueView final : public View {
 public:
  void Draw(const ViewModel& view, std::vector<Intent>* out) override;
};

}  // namespace

namespace {

std::string ServiceName(const ViewModel& view, const std::string& code) {
  const ServiceSpec* service = view.catalog->FindService(code);
  return service ? view.Text(service->name) : code;
}

// Staff read the sync state in its own column, so "submitted" is just 已提交 here.
std::string StaffStatus(const ViewModel& view, const std::string& status, SyncState sync) {
  return status == "submitted" ? view.Tr("staff.status.submitted") : StatusText(view, status, sync);
}

std::string SyncName(const ViewModel& view, SyncState state) {
  return view.Tr(std::string("staff.sync.") + SyncStateName(state));
}

// "已提交 12 · 需补正 3": counts on one paragraph.
void CountsBlock(const ViewModel& view, const std::string& title, const ApplicationCounts& counts) {
  Label(view.Fmt(title, {{"count", std::to_string(counts.total)}}), Ctx().title, colors::kText);
  if (counts.total == 0) return;
  std::string by_status;
  for (const auto& [status, n] : counts.by_status) {
    if (!by_status.empty()) by_status += " · ";
    by_status += StaffStatus(view, status, SyncState::kPending) + " " + std::to_string(n);
  }
  Paragraph(view.Tr("staff.by_status") + by_status);
  std::string by_service;
  for (const auto& [code, n] : counts.by_service) {
    if (!by_service.empty()) by_service += " · ";
    by_service += ServiceName(view, code) + " " + std::to_string(n);
  }
  Paragraph(view.Tr("staff.by_service") + by_service);
}

// Queue health: pending, oldest pending, last success, parked; from the store and, when
// enrolled, the sync engine.
void QueueBlock(const ViewModel& view) {
  const StaffState& st = *view.staff;
  const auto now = std::chrono::system_clock::now();
  if (st.health) {
    const OutboxHealthReport& h = *st.health;
    Paragraph(view.Fmt("staff.queue.pending", {{"count", std::to_string(h.pending)}}));
    if (h.oldest_pending_at) {
      Paragraph(view.Fmt("staff.queue.oldest", {{"age", AgeText(view, now - *h.oldest_pending_at)},
                                                 {"time", LocalTimeText(*h.oldest_pending_at)}}));
    }
    auto last = h.last_success_at;
    if (st.sync && st.sync->last_success_at && (!last || *st.sync->last_success_at > *last)) {
      last = st.sync->last_success_at;
    }
    Paragraph(last ? view.Fmt("staff.queue.last_success", {{"time", LocalTimeText(*last)}})
                   : view.Tr("staff.queue.never"));
    Paragraph(view.Fmt("staff.queue.parked", {{"count", std::to_string(h.parked)}}), Ctx().body,
              h.parked > 0 ? colors::kError : colors::kText);
    // Audit rows the store could not write yet (kept and retried: docs/internals/store.md).
    if (h.audit_backlog > 0) {
      Paragraph(view.Fmt("staff.queue.audit_backlog", {{"count", std::to_string(h.audit_backlog)}}),
                Ctx().body, colors::kError);
    }
  }
  // Storage: a refused submit is an alarm; low space a warning before it comes to that.
  if (st.storage_full_at) {
    Paragraph(view.Fmt("staff.storage.full", {{"time", LocalTimeText(*st.storage_full_at)}}), Ctx().body,
              colors::kError);
  }
  if (st.storage_free_bytes) {
    const bool low = *st.storage_free_bytes < kLowStorageBytes;
    Paragraph(view.Fmt(low ? "staff.storage.low" : "staff.storage.free",
                       {{"mb", std::to_string(*st.storage_free_bytes / (1024 * 1024))}}),
              Ctx().body, low ? colors::kError : colors::kText);
  }
  if (!st.sync) {
    Paragraph(view.Tr("staff.queue.not_enrolled"), Ctx().body, colors::kMuted);
  } else if (st.sync->revoked) {
    const int64_t pending = st.health ? st.health->pending : st.sync->pending;
    Paragraph(view.Fmt("staff.queue.revoked_note", {{"count", std::to_string(pending)}}),
              Ctx().body, colors::kError);
  } else {
    Paragraph(view.Tr(st.sync->online ? "staff.queue.online" : "staff.queue.offline"), Ctx().body,
              st.sync->online ? colors::kOk : colors::kError);
    if (!st.sync->last_error.empty()) {
      Paragraph(view.Fmt("staff.queue.last_error", {{"error", st.sync->last_error}}), Ctx().body, colors::kMuted);
    }
  }
}

// The ID-card reader (docs/devices.md "What staff see"): its state, why it fails, counts.
void ReaderBlock(const ViewModel& view) {
  if (!view.id_reader) return;
  const idcard::ReaderStatus& r = *view.id_reader;
  std::string state;
  switch (r.state) {
    case idcard::ReaderState::kOff: state = view.Tr("idcard.state.off"); break;
    case idcard::ReaderState::kStarting: state = view.Tr("idcard.state.starting"); break;
    case idcard::ReaderState::kReady: state = view.Tr("idcard.state.ready"); break;
    case idcard::ReaderState::kCardOn: state = view.Tr("idcard.state.card_on"); break;
    case idcard::ReaderState::kFailing:
      state = view.Fmt("idcard.state.failing", {{"error", r.last_error}});
      break;
  }
  const bool failing = r.state == idcard::ReaderState::kFailing;
  Paragraph(view.Fmt("staff.id_reader", {{"state", state}}), Ctx().body,
            failing ? colors::kError : colors::kText);
  if (!r.description.empty()) Paragraph(r.description, Ctx().body, colors::kMuted);
  Paragraph(view.Fmt("staff.id_reader_counts", {{"reads", std::to_string(r.reads)},
                                                {"failures", std::to_string(r.failures)},
                                                {"lifted", std::to_string(r.lifted_mid_read)}}),
            Ctx().body, colors::kMuted);
}

}  // namespace

void StaffLoginView::Draw(const ViewModel& view, std::vector<Intent>* out) {
  const Session& s = *view.session;
  const bool name_focus = s.focus.IsAux("staff_name");
  BeginScreen(view, view.Tr("staff.login_title"), true, name_focus ? TextKeyboardRows() : 0, out);
  Paragraph(view.Tr("staff.login_hint"), Ctx().body, colors::kMuted);
  Gap(0.5f);
  if (Field("s:staff_name", view.Tr("staff.name"), view.ValueOf(FieldAddress::Aux("staff_name")),
            name_focus, "", view.Tr("form.placeholder"))) {
    out->push_back(session::form_event::Focus{FieldAddress::Aux("staff_name")});
  }
  std::string dots;
  for (size_t i = 0; i < s.pin.size(); ++i) dots += "● ";
  if (Field("s:pin", view.Tr("staff.pin_label"), dots, !name_focus, s.pin_message, "")) {
    out->push_back(session::form_event::Focus{FieldAddress::Aux("pin")});
  }
  if (!name_focus) {
    Gap(0.5f);
    DrawPinPad(view, view.Tr("staff.login"), true, session::staff_event::Login{}, out);
  }
  if (name_focus) {
    BeginFooter(view);
    DrawTextKeyboard(view, FieldType::kText, out);
  }
  EndScreen(view);
}

void StaffHomeView::Draw(const ViewModel& view, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  const StaffState& st = *view.staff;
  BeginScreen(view, view.Fmt("staff.home_title", {{"name", st.name}}), false, 2, out);
  if (st.sync && st.sync->revoked) {
    // First thing staff read: the office stopped this kiosk (docs/staff-mode.md).
    Label(view.Tr("staff.queue.revoked"), Ctx().title, colors::kError);
    Gap(0.5f);
  }
  CountsBlock(view, "staff.today", st.today);
  Gap(0.5f);
  CountsBlock(view, "staff.month", st.month);
  Gap(1);
  Label(view.Tr("staff.queue_title"), Ctx().title, colors::kText);
  QueueBlock(view);
  Gap(1);
  ReaderBlock(view);
  Gap(1);
  Paragraph(view.Fmt("staff.session_note", {}), Ctx().body, colors::kMuted);
  BeginFooter(view);
  float half = (ImGui::GetContentRegionAvail().x - m.gap) * 0.5f;
  if (TouchButton(view.Tr("staff.open_list"), ImVec2(half, m.button_h), ButtonStyle::kPrimary, true, "staff:list")) {
    out->push_back(session::staff_event::Open{session::StaffPage::kList});
  }
  ImGui::SameLine();
  if (TouchButton(view.Tr("staff.open_queue"), ImVec2(half, m.button_h), ButtonStyle::kSecondary, true,
                  "staff:queue")) {
    out->push_back(session::staff_event::Open{session::StaffPage::kQueue});
  }
  if (TouchButton(view.Tr("staff.exit_kiosk"), ImVec2(half, m.button_h), ButtonStyle::kSecondary, true,
                  "staff:exit_kiosk")) {
    out->push_back(session::staff_event::ExitKiosk{});
  }
  ImGui::SameLine();
  if (TouchButton(view.Tr("staff.logout"), ImVec2(half, m.button_h), ButtonStyle::kDanger, true, "staff:logout")) {
    out->push_back(session::staff_event::Logout{});
  }
  EndScreen(view);
}

namespace {

struct Choice {
  std::string value;
  std::string label;
};

std::vector<Choice> PickerChoices(const ViewModel& view, StaffFilter picker) {
  std::vector<Choice> choices = {{"", view.Tr("staff.filter.all")}};
  switch (picker) {
    case StaffFilter::kStatus:
      choices.push_back({"submitted", view.Tr("staff.status.submitted")});
      for (const char* code :
           {"accepted", "reviewing", "needs_materials", "approved", "refused", "closed"}) {
        // The store keeps the server's Chinese status words.
        const std::string name = view.Tr(std::string("status.") + code);
        std::string stored;
        for (const char* zh : {"已受理", "审核中", "需补正", "已批准", "不予批准", "已办结"}) {
          if (StatusCode(zh) == code) stored = zh;
        }
        choices.push_back({stored, name});
      }
      break;
    case StaffFilter::kService:
      for (const ServiceSpec& service : view.catalog->services) {
        choices.push_back({service.code, view.Text(service.name)});
      }
      break;
    case StaffFilter::kDate:
      for (const char* preset : {"today", "7d", "month", "last_month"}) {
        choices.push_back({preset, view.Tr(std::string("staff.date.") + preset)});
      }
      break;
    case StaffFilter::kSync:
      for (const char* state : {"pending", "parked", "delivered"}) {
        choices.push_back({state, view.Tr(std::string("staff.sync.") + state)});
      }
      break;
    case StaffFilter::kNone: break;
  }
  return choices;
}

std::string CurrentChoice(const ViewModel& view, StaffFilter picker) {
  const StaffList& list = view.staff->list;
  switch (picker) {
    case StaffFilter::kStatus: return list.filter.status;
    case StaffFilter::kService: return list.filter.service_code;
    case StaffFilter::kDate: return list.date_preset;
    case StaffFilter::kSync:
      return list.filter.sync_state ? SyncStateName(*list.filter.sync_state) : std::string();
    case StaffFilter::kNone: return {};
  }
  return {};
}

// The height of one row of the list (and of the footer's page jump, 12 rows).
float RowHeight(const Metrics& m) { return std::max(m.target_min, Ctx().body->FontSize * 2.7f); }

}  // namespace

void StaffListView::Draw(const ViewModel& view, std::vector<Intent>* out) {
  const StaffState& st = *view.staff;
  const StaffList& list = st.list;
  const Session& s = *view.session;
  const bool search_focus = s.focus.IsAux("search");
  const bool day_focus = s.focus.IsAux("from_day") || s.focus.IsAux("to_day");
  BeginScreen(view, view.Tr("staff.list_title"), false, search_focus ? AlnumKeyRows() : day_focus ? 4 : 2, out);
  DrawFilterBar(view, out);
  DrawSearch(view, out);
  Label(view.Fmt("staff.list_total", {{"count", std::to_string(list.total)}}), Ctx().body,
        colors::kPrimary);
  if (!st.message.empty()) {
    Paragraph(st.message, Ctx().body, st.message_is_error ? colors::kError : colors::kOk);
  }
  if (list.picker != StaffFilter::kNone) {
    DrawPicker(view, out);  // the open filter's choices instead of the rows
  } else if (list.total == 0) {
    Paragraph(view.Tr("staff.list_empty"), Ctx().body, colors::kMuted);
  } else {
    DrawRows(view, out);
  }
  BeginFooter(view);
  if (search_focus) {
    DrawAlnumKeys(view, out);
  } else if (day_focus) {
    DrawKeypad(view, FieldType::kDate, out);
  } else {
    DrawFooter(view, out);
  }
  EndScreen(view);
}

// One button per filter, showing its current choice.
void StaffListView::DrawFilterBar(const ViewModel& view, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  const StaffList& list = view.staff->list;
  float quarter = (ImGui::GetContentRegionAvail().x - m.gap * 3) / 4;
  bool first = true;
  for (StaffFilter picker : session::kStaffFilters) {
    if (!first) ImGui::SameLine();
    first = false;
    const std::string name = session::FilterName(picker);
    std::string current = CurrentChoice(view, picker);
    std::string shown = view.Tr("staff.filter.all");
    for (const Choice& c : PickerChoices(view, picker)) {
      if (c.value == current) shown = c.label;
    }
    if (picker == StaffFilter::kDate && current == "custom")
      shown = view.Tr("staff.date.custom_short");
    bool open = list.picker == picker;
    std::string label = view.Tr("staff.filter." + name);
    label += shown;
    if (TouchButton(label, ImVec2(quarter, m.target_min),
                    open || !current.empty() ? ButtonStyle::kChoiceSelected : ButtonStyle::kChoice,
                    true, "filter:" + name)) {
      out->push_back(session::staff_event::OpenPicker{open ? StaffFilter::kNone : picker});
    }
  }
}

// Search by (part of) the application number.
void StaffListView::DrawSearch(const ViewModel& view, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  float button_w = 26.0f * m.px_per_mm;
  float field_w = ImGui::GetContentRegionAvail().x - 2 * (button_w + m.gap);
  float row_y = ImGui::GetCursorPosY();
  if (Field("s:search", view.Tr("staff.search"), view.ValueOf(FieldAddress::Aux("search")),
            view.session->focus.IsAux("search"), "", view.Tr("staff.search_placeholder"),
            field_w)) {
    out->push_back(session::form_event::Focus{FieldAddress::Aux("search")});
  }
  float after_y = ImGui::GetCursorPosY();
  float field_h = std::max(m.target_min, Ctx().body->FontSize * 1.8f);
  ImGui::SetCursorPos(ImVec2(ImGui::GetCursorPosX() + field_w + m.gap, after_y - field_h - m.gap));
  if (TouchButton(view.Tr("staff.search_go"), ImVec2(button_w, field_h), ButtonStyle::kPrimary, true, "search:go")) {
    out->push_back(session::staff_event::Search{false});
  }
  ImGui::SameLine();
  if (TouchButton(view.Tr("staff.search_clear"), ImVec2(button_w, field_h), ButtonStyle::kSecondary, true,
                  "search:clear")) {
    out->push_back(session::staff_event::Search{true});
  }
  ImGui::SetCursorPosY(std::max(after_y, row_y));
}

// The open filter's choices, and for dates a typed range.
void StaffListView::DrawPicker(const ViewModel& view, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  const StaffList& list = view.staff->list;
  const std::string name = session::FilterName(list.picker);
  std::vector<Choice> choices = PickerChoices(view, list.picker);
  std::string current = CurrentChoice(view, list.picker);
  float third = (ImGui::GetContentRegionAvail().x - m.gap * 2) / 3;
  for (size_t i = 0; i < choices.size(); ++i) {
    if (i % 3) ImGui::SameLine();
    if (TouchButton(
            choices[i].label, ImVec2(third, m.target_min * 1.2f),
            choices[i].value == current ? ButtonStyle::kChoiceSelected : ButtonStyle::kChoice, true,
            "pick:" + name + "=" + choices[i].value)) {
      out->push_back(session::staff_event::SetFilter{list.picker, choices[i].value});
    }
  }
  if (list.picker == StaffFilter::kDate) DrawCustomRange(view, out);
}

// Any range: two dates typed on the keypad (dashes come by themselves), either end may
// stay empty.
void StaffListView::DrawCustomRange(const ViewModel& view, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  const StaffList& list = view.staff->list;
  const Session& s = *view.session;
  Gap(1);
  Label(view.Tr("staff.date.custom"), Ctx().body, colors::kText);
  if (list.date_preset == "custom") {
    Paragraph(view.Fmt("staff.date.current",
                       {{"from", list.filter.from_day.empty() ? "…" : list.filter.from_day},
                        {"to", list.filter.to_day.empty() ? "…" : list.filter.to_day}}),
              Ctx().body, colors::kPrimary);
  }
  // Stacked: a field's box starts at the line's left edge under its label.
  const float day_w = (ImGui::GetContentRegionAvail().x - m.gap) / 2;
  if (Field("s:from_day", view.Tr("staff.date.from"), view.ValueOf(FieldAddress::Aux("from_day")),
            s.focus.IsAux("from_day"), "", view.Tr("staff.date.placeholder"), day_w)) {
    out->push_back(session::form_event::Focus{FieldAddress::Aux("from_day")});
  }
  if (Field("s:to_day", view.Tr("staff.date.to"), view.ValueOf(FieldAddress::Aux("to_day")),
            s.focus.IsAux("to_day"), "", view.Tr("staff.date.placeholder"), day_w)) {
    out->push_back(session::form_event::Focus{FieldAddress::Aux("to_day")});
  }
  Gap(1);
  if (TouchButton(view.Tr("staff.date.apply"), ImVec2(day_w, m.target_min), ButtonStyle::kPrimary,
                  true, "date:apply")) {
    out->push_back(session::staff_event::SetFilter{StaffFilter::kDate, "custom"});
  }
}

// The rows: their own scrolling window; only the rows in view are drawn, and rows not
// loaded yet ask for their page.
void StaffListView::DrawRows(const ViewModel& view, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  const StaffList& list = view.staff->list;
  const float row_h = RowHeight(m);
  ImGui::PushStyleVar(ImGuiStyleVar_ScrollbarSize, 7.0f * m.px_per_mm);
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(m.gap, m.gap * 0.5f));
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ImGui::ColorConvertU32ToFloat4(colors::kBackground));
  ImGui::BeginChild("rows", ImVec2(0, 0), false, ImGuiWindowFlags_AlwaysVerticalScrollbar);
  ListDragScroll(view);
  if (m_rows_scroll_delta != 0) {
    ImGui::SetScrollY(
        std::clamp(ImGui::GetScrollY() + m_rows_scroll_delta, 0.0f, ImGui::GetScrollMaxY()));
    m_rows_scroll_delta = 0;
  }
  bool asked = false;
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(list.total), row_h + m.gap * 0.5f);
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      int64_t at = i - list.first;
      if (at < 0 || at >= static_cast<int64_t>(list.rows.size())) {
        if (!asked) out->push_back(session::staff_event::NeedRows{i});
        asked = true;
        ListRow("row:" + std::to_string(i), "…", "", ImVec2(0, row_h));
        continue;
      }
      const ApplicationStub& row = list.rows[static_cast<size_t>(at)];
      std::string line1 = row.app_number + "  " + ServiceName(view, row.service_code);
      std::string line2 = SurnameOnly(row.masked_name) + " · " + LocalTimeText(row.created_at) +
                          " · " + StaffStatus(view, row.status, row.sync_state) + " · " +
                          SyncName(view, row.sync_state);
      if (ListRow("row:" + row.app_number, line1, line2, ImVec2(0, row_h),
                  row.sync_state == SyncState::kParked ? colors::kError : colors::kText)) {
        out->push_back(session::staff_event::ShowReceipt{row.app_number});
      }
    }
  }
  ImGui::EndChild();
  ImGui::PopStyleColor();
  ImGui::PopStyleVar(2);
}

// Page jumps (applied inside the rows' window next frame), export, back.
void StaffListView::DrawFooter(const ViewModel& view, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  const StaffList& list = view.staff->list;
  const bool rows_shown = list.picker == StaffFilter::kNone && list.total > 0;
  float half = (ImGui::GetContentRegionAvail().x - m.gap) * 0.5f;
  const float page = 12.0f * (RowHeight(m) + m.gap * 0.5f);
  if (TouchButton(view.Tr("common.prev_page"), ImVec2(half, m.button_h), ButtonStyle::kSecondary,
                  rows_shown, "rows:up")) {
    m_rows_scroll_delta = -page;
    out->push_back(intent::Redraw{});
  }
  ImGui::SameLine();
  if (TouchButton(view.Tr("common.next_page"), ImVec2(half, m.button_h), ButtonStyle::kSecondary,
                  rows_shown, "rows:down")) {
    m_rows_scroll_delta = page;
    out->push_back(intent::Redraw{});
  }
  if (TouchButton(view.Tr("staff.export"), ImVec2(half, m.button_h), ButtonStyle::kPrimary,
                  list.total > 0, "staff:export")) {
    out->push_back(session::staff_event::Export{});
  }
  ImGui::SameLine();
  if (TouchButton(view.Tr("staff.back"), ImVec2(half, m.button_h), ButtonStyle::kSecondary, true,
                  "staff:home")) {
    out->push_back(session::staff_event::Open{session::StaffPage::kHome});
  }
}

void StaffReceiptView::Draw(const ViewModel& view, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  const StaffState& st = *view.staff;
  BeginScreen(view, view.Tr("staff.receipt_title"), false, view.can_print ? 2 : 1, out);
  if (st.receipt) {
    const ApplicationStub& app = *st.receipt;
    Label(view.Tr("receipt.number"), Ctx().body, colors::kMuted);
    Label(app.app_number, Ctx().display, colors::kText);
    DrawQrCode(view, "YIMEN:" + app.app_number, 40.0f, "staff:qr");
    Paragraph(view.Fmt("receipt.service", {{"service", ServiceName(view, app.service_code)}}));
    Paragraph(view.Fmt("staff.receipt_submitted", {{"time", LocalTimeText(app.created_at)}}));
    Paragraph(view.Fmt("staff.receipt_name", {{"name", SurnameOnly(app.masked_name)}}));
    Paragraph(view.Fmt("staff.receipt_status", {{"status", StaffStatus(view, app.status, app.sync_state)},
                                                 {"time", LocalTimeText(app.status_at)}}));
    Paragraph(view.Fmt("staff.receipt_sync", {{"sync", SyncName(view, app.sync_state)}}));
    if (app.parked_reason) {
      Paragraph(view.Fmt("staff.parked_reason", {{"reason", *app.parked_reason}}), Ctx().body, colors::kError);
    }
    if (const ServiceSpec* service = view.catalog->FindService(app.service_code)) {
      Paragraph(view.Fmt("receipt.time", {{"days", std::to_string(service->time_limit_days)}}));
    }
  }
  if (!st.message.empty()) {
    Paragraph(st.message, Ctx().body, st.message_is_error ? colors::kError : colors::kOk);
  }
  BeginFooter(view);
  if (view.can_print && TouchButton(view.Tr("staff.receipt_print"), ImVec2(0, m.button_h), ButtonStyle::kSecondary,
                                    st.receipt.has_value(), "staff:print")) {
    out->push_back(intent::PrintReceipt{});
  }
  if (TouchButton(view.Tr("staff.back_to_list"), ImVec2(0, m.button_h), ButtonStyle::kPrimary, true,
                  "staff:back_list")) {
    out->push_back(session::staff_event::Open{session::StaffPage::kList});
  }
  EndScreen(view);
}

void StaffQueueView::Draw(const ViewModel& view, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  const StaffState& st = *view.staff;
  BeginScreen(view, view.Tr("staff.queue_title"), false, 1, out);
  QueueBlock(view);
  if (st.sync && st.sync->next_attempt_at) {
    Paragraph(view.Fmt("staff.queue.next", {{"time", LocalTimeText(*st.sync->next_attempt_at)}}), Ctx().body,
              colors::kMuted);
  }
  Gap(1);
  Label(view.Tr("staff.queue.parked_title"), Ctx().title, colors::kText);
  if (st.parked.empty()) Paragraph(view.Tr("staff.queue.parked_none"), Ctx().body, colors::kMuted);
  for (const ApplicationStub& app : st.parked) {
    Paragraph(app.app_number + "  " + ServiceName(view, app.service_code), Ctx().body, colors::kText);
    Paragraph(view.Fmt("staff.parked_reason", {{"reason", app.parked_reason.value_or("")}}), Ctx().body,
              colors::kError);
  }
  BeginFooter(view);
  float half = (ImGui::GetContentRegionAvail().x - m.gap) * 0.5f;
  if (TouchButton(view.Tr("staff.refresh"), ImVec2(half, m.button_h), ButtonStyle::kSecondary, true,
                  "staff:refresh")) {
    out->push_back(session::staff_event::Open{session::StaffPage::kQueue});
  }
  ImGui::SameLine();
  if (TouchButton(view.Tr("staff.back"), ImVec2(half, m.button_h), ButtonStyle::kPrimary, true, "staff:home")) {
    out->push_back(session::staff_event::Open{session::StaffPage::kHome});
  }
  EndScreen(view);
}

std::unique_ptr<View> MakeStaffLoginView() { return std::make_unique<StaffLoginView>(); }
std::unique_ptr<View> MakeStaffHomeView() { return std::make_unique<StaffHomeView>(); }
std::unique_ptr<View> MakeStaffListView() { return std::make_unique<StaffListView>(); }
std::unique_ptr<View> MakeStaffReceiptView() { return std::make_unique<StaffReceiptView>(); }
std::unique_ptr<View> MakeStaffQueueView() { return std::make_unique<StaffQueueView>(); }

}  // namespace yimen::ui
