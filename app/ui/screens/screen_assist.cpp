// A name the rules refuse, entered by staff (session/assist.h; docs/internals/drafts.md
// "Staff-assisted names"): the resident's help screen (what to do, 返回 keeps the draft),
// staff's document check after their login, and staff's entry screen with upper-case
// letter keys. The screens only draw and emit AssistEvents.
#include <imgui.h>

#include "ui/kiosk_app.h"
#include "ui/screens/view.h"

namespace yimen::ui {
namespace {

namespace ae = session::assist_event;

// The label of the field staff are asked to fill ("申请人姓名", "家庭成员 1 的姓名"...).
std::string FieldName(const ViewModel& view) {
  const FieldAddress& at = view.session->assist.field;
  const FieldSpec* field = view.FieldAt(at);
  std::string name = field ? view.Text(field->label) : at.field;
  if (at.area == FieldAddress::Area::kMember) name += " (" + std::to_string(at.member + 1) + ")";
  return name;
}

class AssistHelpView final : public View {
 public:
  void Draw(const ViewModel& view, std::vector<Intent>* out) override {
    const Metrics& m = *view.metrics;
    BeginScreen(view, view.Tr("assist.help_title"), false, 1, out);
    Label(view.Tr("assist.help_text"), Ctx().title, colors::kText);
    Gap(1);
    Paragraph(view.Tr("assist.help_detail"), Ctx().body, colors::kText);
    Gap(1);
    Paragraph(view.Tr("assist.help_staff"), Ctx().body, colors::kMuted);
    BeginFooter(view);
    if (TouchButton(view.Tr("assist.back"), ImVec2(ImGui::GetContentRegionAvail().x, m.button_h),
                    ButtonStyle::kPrimary, true, "assist:back")) {
      out->push_back(ae::Back{});
    }
    EndScreen(view);
  }
  std::string Speech(const ViewModel& view) const override {
    return JoinSpeech({view.Tr("assist.help_text"), view.Tr("assist.help_detail")});
  }
};

class AssistConfirmView final : public View {
 public:
  void Draw(const ViewModel& view, std::vector<Intent>* out) override {
    const Metrics& m = *view.metrics;
    BeginScreen(view, view.Tr("assist.confirm_title"), false, 1, out);
    Label(view.Fmt("assist.confirm_field", {{"field", FieldName(view)}}), Ctx().title,
          colors::kText);
    Gap(1);
    Paragraph(view.Tr("assist.confirm_text"), Ctx().body, colors::kText);
    BeginFooter(view);
    const float half = (ImGui::GetContentRegionAvail().x - m.gap) * 0.5f;
    if (TouchButton(view.Tr("assist.cancel"), ImVec2(half, m.button_h), ButtonStyle::kSecondary,
                    true, "assist:cancel")) {
      out->push_back(ae::Cancel{});
    }
    ImGui::SameLine();
    if (TouchButton(view.Tr("assist.confirm_ok"), ImVec2(half, m.button_h), ButtonStyle::kPrimary,
                    true, "assist:confirm")) {
      out->push_back(ae::Confirm{});
    }
    EndScreen(view);
  }
};

class AssistEntryView final : public View {
 public:
  void Draw(const ViewModel& view, std::vector<Intent>* out) override {
    const Metrics& m = *view.metrics;
    const Session& s = *view.session;
    BeginScreen(view, view.Tr("assist.entry_title"), false, TextKeyboardRows(), out);
    Paragraph(view.Fmt("assist.entry_text", {{"staff", view.staff->name}}), Ctx().body,
              colors::kMuted);
    Gap(0.5f);
    const FieldAddress& at = s.assist.field;
    if (Field(at.Id(), FieldName(view), view.ValueOf(at), s.focus == at, s.assist.message,
              view.Tr("form.placeholder"))) {
      out->push_back(session::form_event::Focus{at});
    }
    BeginFooter(view, false);
    DrawTextKeyboard(view, FieldType::kChineseName, out);  // the letter keys (latin_keys)
    const float half = (ImGui::GetContentRegionAvail().x - m.gap) * 0.5f;
    if (TouchButton(view.Tr("assist.cancel"), ImVec2(half, m.button_h), ButtonStyle::kSecondary,
                    true, "assist:cancel")) {
      out->push_back(ae::Cancel{});
    }
    ImGui::SameLine();
    if (TouchButton(view.Tr("assist.finish"), ImVec2(half, m.button_h), ButtonStyle::kPrimary, true,
                    "assist:finish")) {
      out->push_back(ae::Finish{});
    }
    EndScreen(view);
  }
};

}  // namespace

std::unique_ptr<View> MakeAssistHelpView() { return std::make_unique<AssistHelpView>(); }
std::unique_ptr<View> MakeAssistConfirmView() { return std::make_unique<AssistConfirmView>(); }
std::unique_ptr<View> MakeAssistEntryView() { return std::make_unique<AssistEntryView>(); }

}  // namespace yimen::ui
