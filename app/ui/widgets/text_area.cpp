// The multi-line field and the notes under fields, over ImGui's item system like the
// widgets in touch.cpp.
#include "ui/widgets/text_area.h"

#include <imgui_internal.h>

#include <algorithm>
#include <string>
#include <vector>

#include "ui/text_layout.h"
#include "ui/widgets/touch.h"

namespace yimen::ui {

void FieldNotes(std::string_view counter, std::string_view notice) {
  if (!counter.empty()) {
    ImFont* font = Ctx().body;
    const float w = font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, counter.data(),
                                        counter.data() + counter.size())
                        .x;
    ImGui::SetCursorPosX(
        std::max(ImGui::GetCursorPosX(), ImGui::GetWindowContentRegionMax().x - w));
    Label(counter, font, colors::kMuted);
  }
  if (!notice.empty()) Paragraph(notice, Ctx().body, colors::kFocus);
}

bool TextArea(std::string_view id, std::string_view label, std::string_view value, bool focused,
              std::string_view error, std::string_view placeholder, std::string_view counter,
              std::string_view notice) {
  WidgetContext& ctx = Ctx();
  const Metrics& m = ctx.metrics;
  Label(label, ctx.body, colors::kText);
  ImGuiWindow* window = ImGui::GetCurrentWindow();
  ImGuiID imgui_id = window->GetID(id.data(), id.data() + id.size());
  const float width = ImGui::GetContentRegionAvail().x;
  ImFont* font = ctx.body;
  const float px = font->FontSize, line_h = px * 1.35f;
  auto measure = [&](std::string_view s) {
    return font->CalcTextSizeA(px, FLT_MAX, 0, s.data(), s.data() + s.size()).x;
  };
  NoteText(placeholder);  // the atlas needs the hint's glyphs too
  const std::string_view shown = value.empty() ? placeholder : value;
  // Room for the caret after the last character.
  const float text_w = width - 2 * m.gap - 6;
  std::vector<std::string> lines = BreakLines(shown, text_w, measure);
  if (lines.empty()) lines.emplace_back();
  const float h =
      std::max(static_cast<float>(std::max<size_t>(lines.size(), 3)) * line_h, m.target_min) +
      m.gap;
  const ImVec2 pos = window->DC.CursorPos;
  const ImRect rect(pos, ImVec2(pos.x + width, pos.y + h));
  ImGui::ItemSize(rect);
  const bool added = ImGui::ItemAdd(rect, imgui_id);
  RecordWidget(id, std::string(label) + "：" + std::string(value), WidgetKind::kField, rect.Min,
               rect.Max);
  // The hint is drawn whole inside the empty box: recorded, so a script can see it is.
  if (value.empty())
    RecordWidget(std::string(id) + ":hint", placeholder, WidgetKind::kText, rect.Min, rect.Max);
  bool pressed = false;
  if (added) {
    bool hovered = false, held = false;
    pressed = ImGui::ButtonBehavior(rect, imgui_id, &hovered, &held, 0);
    ImDrawList* draw = window->DrawList;
    const float rounding = 1.5f * m.px_per_mm;
    draw->AddRectFilled(rect.Min, rect.Max, error.empty() ? colors::kPanel : colors::kErrorBg,
                        rounding);
    const ImU32 border =
        focused ? colors::kFocus : (!error.empty() ? colors::kError : colors::kBorder);
    draw->AddRect(rect.Min, rect.Max, border, rounding, 0, focused ? 0.9f * m.px_per_mm : 2.0f);
    float y = rect.Min.y + m.gap * 0.5f + (line_h - px) * 0.5f;
    const float x = rect.Min.x + m.gap;
    for (const std::string& line : lines) {
      draw->AddText(font, px, ImVec2(x, y), value.empty() ? colors::kMuted : colors::kText,
                    line.c_str(), line.c_str() + line.size());
      y += line_h;
    }
    if (focused) {
      const float caret_y =
          value.empty() ? rect.Min.y + m.gap * 0.5f + (line_h - px) * 0.5f : y - line_h;
      const float caret_x = x + (value.empty() ? 0 : measure(lines.back()));
      draw->AddRectFilled(ImVec2(caret_x + 2, caret_y), ImVec2(caret_x + 5, caret_y + px),
                          colors::kFocus);
    }
  }
  FieldNotes(counter, notice);
  if (!error.empty()) Paragraph(error, ctx.body, colors::kError);
  return pressed;
}

}  // namespace yimen::ui
