// The staff PIN screen behind the hidden gesture: in --kiosk mode the only way out.
// The PIN is checked against an Argon2id hash (KioskApp::CheckPin); five wrong tries
// lock the pad for a minute.
#include <imgui.h>

#include "ui/kiosk_app.h"
#include "ui/screens/view.h"

namespace yimen::ui {
namespace {

class StaffExitView final : public View {
 public:
  void Draw(const ViewModel& view, std::vector<Intent>* out) override;
};

}  // namespace

void DrawPinPad(const ViewModel& view, const std::string& ok_label, bool enabled,
                const Intent& ok_intent, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  const Session& s = *view.session;
  float w = (ImGui::GetContentRegionAvail().x - m.gap * 2) / 3;
  const char* keys[12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "", "0", ""};
  for (int i = 0; i < 12; ++i) {
    if (i % 3) ImGui::SameLine();
    if (i == 9) {
      if (TouchButton(view.Tr("keypad.delete"), ImVec2(w, m.button_h), ButtonStyle::kSecondary, enabled,
                      "pin:delete")) {
        out->push_back(intent::PinKey{""});
      }
      continue;
    }
    if (i == 11) {
      if (TouchButton(ok_label, ImVec2(w, m.button_h), ButtonStyle::kPrimary, enabled && !s.pin.empty(),
                      "pin:ok")) {
        out->push_back(ok_intent);
      }
      continue;
    }
    if (TouchButton(keys[i], ImVec2(w, m.button_h), ButtonStyle::kChoice, enabled,
                    std::string("pin:") + keys[i])) {
      out->push_back(intent::PinKey{keys[i]});
    }
  }
}

void StaffExitView::Draw(const ViewModel& view, std::vector<Intent>* out) {
  const Session& s = *view.session;
  BeginScreen(view, view.Tr("staff.title"), true, 0, out);
  if (!view.has_exit_pin) {
    Paragraph(view.Tr("staff.no_pin"), Ctx().body, colors::kError);
    EndScreen(view);
    return;
  }
  Paragraph(view.Tr("staff.enter_pin"), Ctx().body, colors::kText);
  Gap(1);
  // The PIN shows as dots only.
  std::string dots;
  for (size_t i = 0; i < s.pin.size(); ++i) dots += "● ";
  Field("staff:pin", view.Tr("staff.pin"), dots, true, s.pin_message, "");
  Gap(1);
  DrawPinPad(view, view.Tr("staff.confirm"), !view.pin_locked, intent::PinSubmit{}, out);
  EndScreen(view);
}

std::unique_ptr<View> MakeStaffExitView() { return std::make_unique<StaffExitView>(); }

}  // namespace yimen::ui
