// Touch widgets over ImGui's item system: ImGui keeps ids, hit testing and clipping;
// we own the look, the sizes and the record of what was drawn.
#include "ui/widgets/touch.h"

#include <imgui_internal.h>

#include <algorithm>
#include <cmath>

#include "platform/glyph_atlas.h"
#include "ui/text_layout.h"
#include "ui/widgets/text_area.h"

namespace yimen::ui {
namespace {

WidgetContext* g_context = nullptr;

bool IsVisible(const ImRect& rect) {
  ImGuiWindow* window = ImGui::GetCurrentWindow();
  return window->ClipRect.Overlaps(rect) && rect.Min.y >= window->ClipRect.Min.y - 1 &&
         rect.Max.y <= window->ClipRect.Max.y + 1;
}

void Record(std::string_view id, std::string_view label, WidgetKind kind, const ImRect& rect,
            bool enabled) {
  WidgetContext& ctx = Ctx();
  if (!ctx.recorder) return;
  if (!ctx.recorder->ScrollRequest().empty() && ctx.recorder->ScrollRequest() == id) {
    ImGui::SetScrollHereY(0.5f);
    ctx.recorder->ClearScrollRequest();
  }
  ctx.recorder->Add({std::string(id), std::string(label), kind, rect.Min, rect.Max,
                     IsVisible(rect), enabled});
}

void NoteGlyphs(std::string_view text) {
  if (Ctx().glyphs) Ctx().glyphs->Note(text);
}

}  // namespace

void WidgetRecorder::BeginFrame() {
  m_previous.swap(m_current);
  m_current.clear();
}

void SetWidgetContext(WidgetContext* context) { g_context = context; }

WidgetContext& Ctx() {
  IM_ASSERT(g_context && "SetWidgetContext() before drawing widgets");
  return *g_context;
}

bool TouchButton(std::string_view label, ImVec2 size, ButtonStyle style, bool enabled,
                 std::string_view id) {
  WidgetContext& ctx = Ctx();
  NoteGlyphs(label);
  std::string_view key = id.empty() ? label : id;
  ImGuiWindow* window = ImGui::GetCurrentWindow();
  ImGuiID imgui_id = window->GetID(key.data(), key.data() + key.size());
  ImVec2 pos = window->DC.CursorPos;
  if (size.x <= 0) size.x = ImGui::GetContentRegionAvail().x;
  if (size.y <= 0) size.y = ctx.metrics.button_h;
  ImRect rect(pos, ImVec2(pos.x + size.x, pos.y + size.y));
  ImGui::ItemSize(rect);
  bool added = ImGui::ItemAdd(rect, imgui_id);
  Record(key, label, WidgetKind::kButton, rect, enabled);
  if (!added) return false;

  bool hovered = false, held = false;
  // A disabled button takes no part in hit testing: it can never fire.
  bool pressed = enabled && ImGui::ButtonBehavior(rect, imgui_id, &hovered, &held, 0);

  ImU32 bg = colors::kPrimary, fg = colors::kOnPrimary, border = 0;
  switch (style) {
    case ButtonStyle::kPrimary:
      bg = held ? colors::kPrimaryPressed : colors::kPrimary;
      break;
    case ButtonStyle::kDanger:
      bg = held ? colors::kPrimaryPressed : colors::kError;
      break;
    case ButtonStyle::kSecondary:
    case ButtonStyle::kChoice:
      bg = held ? colors::kSecondaryPressed : colors::kSecondary;
      fg = colors::kText;
      border = colors::kBorder;
      break;
    case ButtonStyle::kChoiceSelected:
      bg = held ? colors::kPrimaryPressed : colors::kPrimary;
      break;
  }
  if (!enabled) {
    bg = colors::kDisabled;
    fg = colors::kMuted;
  }
  ImDrawList* draw = window->DrawList;
  float rounding = 2.0f * ctx.metrics.px_per_mm;
  ImVec2 offset = held ? ImVec2(0, 0.5f * ctx.metrics.px_per_mm) : ImVec2(0, 0);
  draw->AddRectFilled(ImVec2(rect.Min.x + offset.x, rect.Min.y + offset.y),
                      ImVec2(rect.Max.x + offset.x, rect.Max.y + offset.y), bg, rounding);
  if (border) draw->AddRect(rect.Min, rect.Max, border, rounding, 0, 2.0f);
  if (style == ButtonStyle::kChoiceSelected) {
    draw->AddRect(rect.Min, rect.Max, colors::kFocus, rounding, 0, 0.8f * ctx.metrics.px_per_mm);
  }
  ImFont* font = ctx.body;
  float font_px = font->FontSize;
  // Wrap long labels inside the button with the Chinese breaker.
  float max_w = size.x - 2 * ctx.metrics.gap;
  auto measure = [&](std::string_view s) {
    return font->CalcTextSizeA(font_px, FLT_MAX, 0, s.data(), s.data() + s.size()).x;
  };
  std::vector<std::string> lines = BreakLines(DisplayText(label), max_w, measure);
  float total_h = static_cast<float>(lines.size()) * font_px * 1.15f;
  float y = rect.Min.y + offset.y + (size.y - total_h) * 0.5f;
  for (const std::string& line : lines) {
    float w = measure(line);
    draw->AddText(font, font_px, ImVec2(rect.Min.x + (size.x - w) * 0.5f, y), fg,
                  line.c_str(), line.c_str() + line.size());
    y += font_px * 1.15f;
  }
  return pressed;
}

void Label(std::string_view text, ImFont* font, ImU32 color) {
  NoteGlyphs(text);
  if (!font) font = Ctx().body;
  ImGuiWindow* window = ImGui::GetCurrentWindow();
  ImVec2 pos = window->DC.CursorPos;
  const std::string drawn = DisplayText(text);
  ImVec2 size =
      font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, drawn.data(), drawn.data() + drawn.size());
  ImRect rect(pos, ImVec2(pos.x + size.x, pos.y + font->FontSize * 1.2f));
  ImGui::ItemSize(rect);
  Record(text, text, WidgetKind::kText, rect, true);
  if (!ImGui::ItemAdd(rect, 0)) return;
  window->DrawList->AddText(font, font->FontSize, pos, color, drawn.data(),
                            drawn.data() + drawn.size());
}

void Paragraph(std::string_view text, ImFont* font, ImU32 color, float width) {
  NoteGlyphs(text);
  if (!font) font = Ctx().body;
  ImGuiWindow* window = ImGui::GetCurrentWindow();
  if (width <= 0) width = ImGui::GetContentRegionAvail().x;
  float px = font->FontSize;
  auto measure = [&](std::string_view s) {
    return font->CalcTextSizeA(px, FLT_MAX, 0, s.data(), s.data() + s.size()).x;
  };
  std::vector<std::string> lines = BreakLines(DisplayText(text), width, measure);
  float line_h = px * 1.35f;
  ImVec2 pos = window->DC.CursorPos;
  ImRect rect(pos, ImVec2(pos.x + width, pos.y + line_h * static_cast<float>(lines.size())));
  ImGui::ItemSize(rect);
  Record(text, text, WidgetKind::kText, rect, true);
  if (!ImGui::ItemAdd(rect, 0)) return;
  float y = pos.y;
  for (const std::string& line : lines) {
    window->DrawList->AddText(font, px, ImVec2(pos.x, y), color, line.c_str(),
                              line.c_str() + line.size());
    y += line_h;
  }
}

bool Field(std::string_view id, std::string_view label, std::string_view value, bool focused,
           std::string_view error, std::string_view placeholder, float width,
           std::string_view counter, std::string_view notice) {
  WidgetContext& ctx = Ctx();
  Label(label, ctx.body, colors::kText);
  NoteGlyphs(value);
  NoteGlyphs(placeholder);
  ImGuiWindow* window = ImGui::GetCurrentWindow();
  ImGuiID imgui_id = window->GetID(id.data(), id.data() + id.size());
  if (width <= 0) width = ImGui::GetContentRegionAvail().x;
  ImVec2 pos = window->DC.CursorPos;
  float h = std::max(ctx.metrics.target_min, ctx.body->FontSize * 1.8f);
  ImRect rect(pos, ImVec2(pos.x + width, pos.y + h));
  ImGui::ItemSize(rect);
  bool added = ImGui::ItemAdd(rect, imgui_id);
  std::string shown = value.empty() ? std::string(placeholder) : std::string(value);
  Record(id, std::string(label) + "：" + std::string(value), WidgetKind::kField, rect, true);
  bool pressed = false;
  if (added) {
    bool hovered = false, held = false;
    pressed = ImGui::ButtonBehavior(rect, imgui_id, &hovered, &held, 0);
    ImDrawList* draw = window->DrawList;
    float rounding = 1.5f * ctx.metrics.px_per_mm;
    draw->AddRectFilled(rect.Min, rect.Max, error.empty() ? colors::kPanel : colors::kErrorBg,
                        rounding);
    ImU32 border = focused ? colors::kFocus : (!error.empty() ? colors::kError : colors::kBorder);
    draw->AddRect(rect.Min, rect.Max, border, rounding, 0,
                  focused ? 0.9f * ctx.metrics.px_per_mm : 2.0f);
    ImFont* font = ctx.body;
    float text_y = rect.Min.y + (h - font->FontSize) * 0.5f;
    float text_x = rect.Min.x + ctx.metrics.gap;
    // Keep the end of long values (what is being typed) in view.
    float avail = width - 2 * ctx.metrics.gap;
    const std::string drawn_value = DisplayText(value);
    std::string_view visible = value.empty() ? std::string_view(shown) : drawn_value;
    while (!visible.empty() &&
           font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, visible.data(),
                               visible.data() + visible.size()).x > avail) {
      size_t cut = 1;
      while (cut < visible.size() && (static_cast<unsigned char>(visible[cut]) & 0xC0) == 0x80) ++cut;
      visible.remove_prefix(cut);
    }
    draw->AddText(font, font->FontSize, ImVec2(text_x, text_y),
                  value.empty() ? colors::kMuted : colors::kText, visible.data(),
                  visible.data() + visible.size());
    if (focused) {
      float caret_x = text_x + (value.empty() ? 0 : font->CalcTextSizeA(font->FontSize, FLT_MAX, 0,
                                                                      visible.data(), visible.data() + visible.size()).x);
      draw->AddRectFilled(ImVec2(caret_x + 2, text_y), ImVec2(caret_x + 5, text_y + font->FontSize),
                          colors::kFocus);
    }
  }
  FieldNotes(counter, notice);
  if (!error.empty()) {
    Paragraph(error, ctx.body, colors::kError);
  }
  return pressed;
}

namespace {
std::vector<ImVec2> g_stroke;  // the stroke a finger is drawing now (pad-local)
bool g_stroking = false;
}  // namespace

bool HiddenTarget(std::string_view id, ImVec2 min, ImVec2 max) {
  ImGuiWindow* window = ImGui::GetCurrentWindow();
  ImGuiID imgui_id = window->GetID(id.data(), id.data() + id.size());
  ImRect rect(min, max);
  Record(id, "", WidgetKind::kButton, rect, true);
  if (!ImGui::ItemAdd(rect, imgui_id, nullptr, ImGuiItemFlags_NoNav)) return false;
  bool hovered = false, held = false;
  return ImGui::ButtonBehavior(rect, imgui_id, &hovered, &held, 0);
}

void ResetStrokePad() {
  g_stroke.clear();
  g_stroking = false;
}

bool StrokePad(std::string_view id, ImVec2 size, const std::vector<std::vector<ImVec2>>& strokes,
               std::vector<ImVec2>* finished) {
  WidgetContext& ctx = Ctx();
  ImGuiWindow* window = ImGui::GetCurrentWindow();
  ImGuiID imgui_id = window->GetID(id.data(), id.data() + id.size());
  ImVec2 pos = window->DC.CursorPos;
  ImRect rect(pos, ImVec2(pos.x + size.x, pos.y + size.y));
  ImGui::ItemSize(rect);
  Record(id, std::string(id), WidgetKind::kField, rect, true);
  if (!ImGui::ItemAdd(rect, imgui_id)) return false;
  const ImGuiIO& io = ImGui::GetIO();
  auto local = [&](ImVec2 p) {
    return ImVec2(std::clamp(p.x, rect.Min.x, rect.Max.x) - rect.Min.x,
                  std::clamp(p.y, rect.Min.y, rect.Max.y) - rect.Min.y);
  };
  bool done = false;
  if (!g_stroking && io.MouseClicked[0] && rect.Contains(io.MousePos)) {
    g_stroking = true;
    g_stroke.clear();
    g_stroke.push_back(local(io.MousePos));
  } else if (g_stroking) {
    for (const ImVec2& p : ctx.pointer_path) {
      ImVec2 q = local(p);
      const ImVec2& last = g_stroke.back();
      if (std::abs(q.x - last.x) + std::abs(q.y - last.y) >= 1.0f) g_stroke.push_back(q);
    }
    if (!io.MouseDown[0]) {
      g_stroking = false;
      if (finished) *finished = g_stroke;
      g_stroke.clear();
      done = true;
    }
  }
  ImDrawList* draw = window->DrawList;
  float rounding = 1.5f * ctx.metrics.px_per_mm;
  draw->AddRectFilled(rect.Min, rect.Max, colors::kPanel, rounding);
  draw->AddRect(rect.Min, rect.Max, colors::kBorder, rounding, 0, 2.0f);
  // A faint 米 grid helps people place strokes.
  ImVec2 c((rect.Min.x + rect.Max.x) * 0.5f, (rect.Min.y + rect.Max.y) * 0.5f);
  draw->AddLine(ImVec2(rect.Min.x, c.y), ImVec2(rect.Max.x, c.y), colors::kSecondary, 2.0f);
  draw->AddLine(ImVec2(c.x, rect.Min.y), ImVec2(c.x, rect.Max.y), colors::kSecondary, 2.0f);
  float ink = 1.2f * ctx.metrics.px_per_mm;
  auto draw_stroke = [&](const std::vector<ImVec2>& stroke) {
    for (size_t i = 1; i < stroke.size(); ++i) {
      draw->AddLine(ImVec2(rect.Min.x + stroke[i - 1].x, rect.Min.y + stroke[i - 1].y),
                    ImVec2(rect.Min.x + stroke[i].x, rect.Min.y + stroke[i].y), colors::kText, ink);
    }
    if (stroke.size() == 1) {
      draw->AddCircleFilled(ImVec2(rect.Min.x + stroke[0].x, rect.Min.y + stroke[0].y), ink * 0.5f,
                            colors::kText);
    }
  };
  for (const auto& stroke : strokes) draw_stroke(stroke);
  if (g_stroking) draw_stroke(g_stroke);
  return done;
}

bool ListRow(std::string_view id, std::string_view line1, std::string_view line2, ImVec2 size,
             ImU32 accent) {
  WidgetContext& ctx = Ctx();
  NoteGlyphs(line1);
  NoteGlyphs(line2);
  ImGuiWindow* window = ImGui::GetCurrentWindow();
  ImGuiID imgui_id = window->GetID(id.data(), id.data() + id.size());
  ImVec2 pos = window->DC.CursorPos;
  if (size.x <= 0) size.x = ImGui::GetContentRegionAvail().x;
  ImRect rect(pos, ImVec2(pos.x + size.x, pos.y + size.y));
  ImGui::ItemSize(rect);
  bool added = ImGui::ItemAdd(rect, imgui_id);
  std::string label(line1);
  label += ' ';
  label += line2;
  Record(id, label, WidgetKind::kButton, rect, true);
  if (!added) return false;
  bool hovered = false, held = false;
  bool pressed = ImGui::ButtonBehavior(rect, imgui_id, &hovered, &held, 0);
  ImDrawList* draw = window->DrawList;
  float rounding = 1.5f * ctx.metrics.px_per_mm;
  draw->AddRectFilled(rect.Min, rect.Max, held ? colors::kSecondaryPressed : colors::kPanel, rounding);
  draw->AddRect(rect.Min, rect.Max, colors::kBorder, rounding, 0, 1.5f);
  ImFont* font = ctx.body;
  float px = font->FontSize;
  float line_h = px * 1.2f;
  float y = rect.Min.y + (size.y - 2 * line_h) * 0.5f;
  ImVec4 clip(rect.Min.x + ctx.metrics.gap, rect.Min.y, rect.Max.x - ctx.metrics.gap, rect.Max.y);
  float x = rect.Min.x + ctx.metrics.gap;
  const std::string drawn1 = DisplayText(line1), drawn2 = DisplayText(line2);
  draw->AddText(font, px, ImVec2(x, y), accent, drawn1.data(), drawn1.data() + drawn1.size(), 0,
                &clip);
  draw->AddText(font, px, ImVec2(x, y + line_h), colors::kMuted, drawn2.data(),
                drawn2.data() + drawn2.size(), 0, &clip);
  return pressed;
}

void Gap(float n) { ImGui::Dummy(ImVec2(1, Ctx().metrics.gap * n)); }

void RecordRect(std::string_view id, std::string_view label, ImVec2 min, ImVec2 max) {
  Record(id, label, WidgetKind::kText, ImRect(min, max), true);
}

void NoteText(std::string_view text) { NoteGlyphs(text); }

void RecordWidget(std::string_view id, std::string_view label, WidgetKind kind, ImVec2 min,
                  ImVec2 max) {
  NoteGlyphs(label);
  Record(id, label, kind, ImRect(min, max), true);
}

}  // namespace yimen::ui
