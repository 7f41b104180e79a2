// The resident's status check (docs/design.md decision 3): the application number from the
// receipt plus the last six characters of the ID number, then the status history with
// times and what to do next. It reads only the local store, so it works offline and
// says how fresh its answer is. Also the small helpers the staff screens share.
#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "sync/protocol/status.h"
#include "ui/kiosk_app.h"
#include "ui/screens/view.h"

namespace yimen::ui {
namespace {

class StatusQueryView final : public View {
 public:
  void Draw(const ViewModel& view, std::vector<Intent>* out) override;
  std::string Speech(const ViewModel& view) const override {
    return JoinSpeech(
        {view.Tr("status.title"), view.Tr("status.hint"), view.session->lookup_message});
  }
};

class StatusResultView final : public View {
 public:
  void Draw(const ViewModel& view, std::vector<Intent>* out) override;
  std::string Speech(const ViewModel& view) const override {
    const Session& s = *view.session;
    std::string text = view.Tr("status.result_title");
    if (!s.lookup_visit.empty()) {
      for (const yimen::StatusLookup& one : s.lookup_visit) {
        AddSpeech(&text, StatusText(view, one.stub.status, one.stub.sync_state));
      }
    } else if (s.lookup) {
      AddSpeech(&text, StatusText(view, s.lookup->status, s.lookup->sync_state));
    }
    return text;
  }
};

}  // namespace

namespace {

// Parses "YYYY-MM-DDTHH:MM:SS[.fff]Z"; false when it does not look like that.
bool ParseIsoUtc(const std::string& iso, std::time_t* out) {
  std::tm utc{};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (std::sscanf(iso.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6) return false;
  utc.tm_year = y - 1900;
  utc.tm_mon = mo - 1;
  utc.tm_mday = d;
  utc.tm_hour = h;
  utc.tm_min = mi;
  utc.tm_sec = s;
  *out = timegm(&utc);
  return true;
}

std::string FormatLocal(std::time_t t) {
  std::tm local{};
  localtime_r(&t, &local);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &local);
  return buf;
}

}  // namespace

std::string LocalTimeText(const std::string& iso_utc) {
  std::time_t t = 0;
  return ParseIsoUtc(iso_utc, &t) ? FormatLocal(t) : iso_utc;
}

std::string LocalTimeText(std::chrono::system_clock::time_point time) {
  return FormatLocal(std::chrono::system_clock::to_time_t(time));
}

std::string AgeText(const ViewModel& view, std::chrono::system_clock::duration age) {
  int64_t minutes = std::max<int64_t>(0, std::chrono::duration_cast<std::chrono::minutes>(age).count());
  if (minutes < 60) return view.Fmt("time.minutes", {{"m", std::to_string(minutes)}});
  if (minutes < 48 * 60) {
    return view.Fmt("time.hours", {{"h", std::to_string(minutes / 60)}, {"m", std::to_string(minutes % 60)}});
  }
  return view.Fmt("time.days", {{"d", std::to_string(minutes / (24 * 60))}});
}

std::string StatusCode(const std::string& status) {
  const protocol::StatusSpec* spec = protocol::FindStatus(status);
  return spec ? spec->code : "";
}

namespace {
// The strings key after "status." / "status.next." for an application.
std::string StatusKey(const std::string& status, SyncState sync) {
  if (status == "submitted") {
    return sync == SyncState::kDelivered ? "delivered" : sync == SyncState::kParked ? "parked" : "pending_send";
  }
  return StatusCode(status);
}
}  // namespace

std::string StatusText(const ViewModel& view, const std::string& status, SyncState sync) {
  std::string key = StatusKey(status, sync);
  return key.empty() ? status : view.Tr("status." + key);
}

int AlnumKeyRows() { return 4; }

void DrawAlnumKeys(const ViewModel& view, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  const char* rows[4] = {"1234567890", "QWERTYUIOP", "ASDFGHJKL-", "ZXCVBNM"};
  float w = (ImGui::GetContentRegionAvail().x - m.gap * 9) / 10;
  for (int r = 0; r < 4; ++r) {
    const char* keys = rows[r];
    for (int i = 0; keys[i]; ++i) {
      if (i) ImGui::SameLine();
      std::string key(1, keys[i]);
      if (TouchButton(key, ImVec2(w, m.button_h), ButtonStyle::kChoice, true, "key:" + key)) {
        out->push_back(session::form_event::TypeText{key});
      }
    }
    if (r == 3) {
      float wide = (w * 3 + m.gap * 2 - m.gap) * 0.5f;
      ImGui::SameLine();
      if (TouchButton(view.Tr("keypad.delete"), ImVec2(wide, m.button_h), ButtonStyle::kSecondary, true,
                      "key:delete")) {
        out->push_back(session::form_event::Backspace{});
      }
      ImGui::SameLine();
      if (TouchButton(view.Tr("keypad.done"), ImVec2(wide, m.button_h), ButtonStyle::kPrimary, true, "key:done")) {
        out->push_back(intent::KeyDone{});
      }
    }
  }
}

void StatusQueryView::Draw(const ViewModel& view, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  const Session& s = *view.session;
  const bool number_focus = s.focus.IsAux("app_number");
  const bool tail_focus = s.focus.IsAux("id_tail");
  BeginScreen(view, view.Tr("status.title"), true, number_focus || tail_focus ? 4 : 0, out);
  Paragraph(view.Tr("status.hint"), Ctx().body, colors::kMuted);
  Gap(1);
  if (Field("s:app_number", view.Tr("status.number"), view.ValueOf(FieldAddress::Aux("app_number")),
            number_focus, "", view.Tr("status.number_placeholder"))) {
    out->push_back(session::form_event::Focus{FieldAddress::Aux("app_number")});
  }
  Gap(0.5f);
  // The ID digits show as typed (the resident checks them) but are never stored.
  if (Field("s:id_tail", view.Tr("status.id_tail"), view.ValueOf(FieldAddress::Aux("id_tail")),
            tail_focus, "", view.Tr("status.id_tail_placeholder"))) {
    out->push_back(session::form_event::Focus{FieldAddress::Aux("id_tail")});
  }
  if (!s.lookup_message.empty()) Paragraph(s.lookup_message, Ctx().body, colors::kError);
  Gap(1);
  if (TouchButton(view.Tr("status.lookup"), ImVec2(0, m.button_h), ButtonStyle::kPrimary, !view.status_locked,
                  "status:lookup")) {
    out->push_back(session::status_event::Lookup{});
  }
  Gap(1);
  Paragraph(view.Tr("status.privacy"), Ctx().body, colors::kMuted);
  if (number_focus || tail_focus) {
    BeginFooter(view);
    if (number_focus) DrawAlnumKeys(view, out);
    else DrawKeypad(view, FieldType::kIdNumber, out);
  }
  EndScreen(view);
}

namespace {

// One application's number, service, status, what to do next and history.
void DrawApplicationStatus(const ViewModel& view, const ApplicationStub& app,
                           const std::vector<StatusChange>& history) {
  const ServiceSpec* service = view.catalog->FindService(app.service_code);
  Label(view.Tr("receipt.number"), Ctx().body, colors::kMuted);
  Label(app.app_number, Ctx().title, colors::kText);
  Paragraph(view.Fmt("receipt.service",
                     {{"service", service ? view.Text(service->name) : app.service_code}}));
  Gap(1);
  Label(view.Tr("status.current"), Ctx().body, colors::kMuted);
  const std::string key = StatusKey(app.status, app.sync_state);
  ImU32 color = key == "refused" || key == "needs_materials" ? colors::kError
                : key == "approved" || key == "closed"       ? colors::kOk
                                                             : colors::kPrimary;
  Label(StatusText(view, app.status, app.sync_state), Ctx().title, color);
  if (!key.empty()) Paragraph(view.Tr("status.next." + key), Ctx().body, colors::kText);
  // The latest reason: the materials to bring (需补正), why it was refused, or a
  // note (公示 end date, amount and start month).
  if (!history.empty() && !history.back().reason.empty() && history.back().status == app.status) {
    const char* format = key == "needs_materials" ? "status.bring"
                         : key == "refused"       ? "status.reason"
                                                  : "status.note";
    Paragraph(view.Fmt(format, {{"reason", history.back().reason}}), Ctx().body, colors::kText);
  }
  Gap(0.5f);
  Paragraph(view.Fmt("status.updated", {{"time", LocalTimeText(app.status_at)}}), Ctx().body,
            colors::kMuted);
  Gap(1);
  Label(view.Tr("status.history"), Ctx().title, colors::kText);
  Paragraph(LocalTimeText(app.created_at) + "  " + view.Tr("status.submitted_here"));
  for (const StatusChange& change : history) {
    std::string line =
        LocalTimeText(change.server_time) + "  " + StatusText(view, change.status, app.sync_state);
    if (!change.reason.empty())
      line += view.Fmt("status.history_reason", {{"reason", change.reason}});
    Paragraph(line);
  }
}

}  // namespace

void StatusResultView::Draw(const ViewModel& view, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  const Session& s = *view.session;
  BeginScreen(view, view.Tr("status.result_title"), true, 1, out);
  if (!s.lookup_visit.empty()) {
    // A visit number: the visit's number, then every application of it in turn.
    Label(view.Tr("status.visit_number"), Ctx().body, colors::kMuted);
    Label(s.lookup_visit_number, Ctx().title, colors::kText);
    for (const yimen::StatusLookup& one : s.lookup_visit) {
      Gap(1.5f);
      DrawApplicationStatus(view, one.stub, one.history);
    }
    Gap(1);
    Paragraph(view.Tr("status.offline_note"), Ctx().body, colors::kMuted);
  } else if (s.lookup) {
    DrawApplicationStatus(view, *s.lookup, s.lookup_history);
    Gap(1);
    Paragraph(view.Tr("status.offline_note"), Ctx().body, colors::kMuted);
  }
  BeginFooter(view);
  if (TouchButton(view.Tr("receipt.done"), ImVec2(0, m.button_h), ButtonStyle::kPrimary, true, "status:done")) {
    out->push_back(intent::GoHome{});
  }
  EndScreen(view);
}

std::unique_ptr<View> MakeStatusQueryView() { return std::make_unique<StatusQueryView>(); }
std::unique_ptr<View> MakeStatusResultView() { return std::make_unique<StatusResultView>(); }

}  // namespace yimen::ui
