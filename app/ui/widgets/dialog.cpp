// The confirm dialog: a dimmed screen and a panel, like the idle countdown's.
#include "ui/widgets/dialog.h"

#include <imgui.h>

#include "ui/widgets/touch.h"

namespace yimen::ui {

void BeginOverlay(const char* name) {
  ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  ImGui::SetNextWindowFocus();
  ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0, 0, 0, 0.55f));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0);
  ImGui::Begin(
      name, nullptr,
      ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
}

void EndOverlay() {
  ImGui::End();
  ImGui::PopStyleVar();
  ImGui::PopStyleColor();
}

ConfirmAnswer ConfirmDialog(const ConfirmText& text) {
  const Metrics& m = Ctx().metrics;
  ImGuiIO& io = ImGui::GetIO();
  BeginOverlay("confirm");
  const float panel_w = io.DisplaySize.x - 2 * m.margin;
  const float inner_w = panel_w - m.gap * 4;
  // The panel is drawn behind its content once the content's height is known.
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->ChannelsSplit(2);
  draw->ChannelsSetCurrent(1);
  const ImVec2 p0(m.margin, io.DisplaySize.y * 0.3f);
  ImGui::SetCursorScreenPos(ImVec2(p0.x + m.gap * 2, p0.y + m.gap * 2));
  ImGui::BeginGroup();
  Paragraph(text.question, Ctx().title, colors::kText, inner_w);
  Paragraph(text.detail, Ctx().body, colors::kMuted, inner_w);
  Gap(1.5f);
  ConfirmAnswer answer = ConfirmAnswer::kNone;
  // The answer that keeps the draft is the big, coloured default; 放弃 is smaller and
  // plain, so a hurried tap lands on keeping.
  if (TouchButton(text.keep, ImVec2(inner_w, m.button_h * 1.2f), ButtonStyle::kPrimary, true,
                  "confirm:keep")) {
    answer = ConfirmAnswer::kKeep;
  }
  Gap(1.5f);
  const float small_w = inner_w * 0.45f;
  ImGui::SetCursorPosX(ImGui::GetCursorPosX() + inner_w - small_w);
  if (TouchButton(text.discard, ImVec2(small_w, m.target_min), ButtonStyle::kSecondary, true,
                  "confirm:discard")) {
    answer = ConfirmAnswer::kDiscard;
  }
  ImGui::EndGroup();
  const float bottom = ImGui::GetItemRectMax().y + m.gap * 2;
  draw->ChannelsSetCurrent(0);
  draw->AddRectFilled(p0, ImVec2(p0.x + panel_w, bottom), colors::kPanel, 3.0f * m.px_per_mm);
  draw->ChannelsMerge();
  EndOverlay();
  return answer;
}

}  // namespace yimen::ui
