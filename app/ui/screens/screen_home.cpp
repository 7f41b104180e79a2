// The home screen, and the frame every screen shares (header, body, footer).
#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cmath>

#include "ui/kiosk_app.h"
#include "ui/screens/finder_icons.h"
#include "ui/screens/view.h"
#include "ui/text_layout.h"
#include "ui/widgets/dialog.h"

namespace yimen::ui {
namespace {

class HomeView final : public View {
 public:
  void Draw(const ViewModel& view, std::vector<Intent>* out) override;
  std::string Speech(const ViewModel& view) const override { return view.Tr("home.welcome"); }
};

}  // namespace

namespace {

// Inside a scrolling child window, before its content. `inner`: only presses inside
// the window's inner rectangle start a drag (not on its scrollbar).
void HandleDragScroll(const Metrics& m, DragScroll& drag, bool inner = false) {
  ImGuiIO& io = ImGui::GetIO();
  ImGuiWindow* window = ImGui::GetCurrentWindow();
  ImRect body = inner ? window->InnerRect : window->Rect();
  const float slop = 4.0f * m.px_per_mm;  // a tap may wobble this much and stay a tap
  if (io.MouseDown[0] && body.Contains(io.MouseClickedPos[0])) {
    float dy_total = io.MousePos.y - io.MouseClickedPos[0].y;
    if (!drag.dragging && std::abs(dy_total) > slop && window->ScrollMax.y > 0) {
      drag.dragging = true;
      drag.last_y = io.MousePos.y;
      ImGui::ClearActiveID();  // the button under the finger must not fire on release
    }
    if (drag.dragging) {
      float dy = io.MousePos.y - drag.last_y;
      drag.last_y = io.MousePos.y;
      drag.velocity = dy;
      ImGui::SetScrollY(std::clamp(window->Scroll.y - dy, 0.0f, window->ScrollMax.y));
    }
    return;
  }
  if (drag.dragging) {
    drag.dragging = false;  // released: the velocity carries on below
  }
  if (std::abs(drag.velocity) > 0.5f) {
    ImGui::SetScrollY(std::clamp(window->Scroll.y - drag.velocity, 0.0f, window->ScrollMax.y));
    drag.velocity *= 0.92f;
    if (window->Scroll.y <= 0 || window->Scroll.y >= window->ScrollMax.y) drag.velocity = 0;
  } else {
    drag.velocity = 0;
  }
}
// The title with a hard break before a bracketed part ("（低保）") that the line breaker
// would otherwise cut (in 长者模式 "最低生活保障（低" / "保）"); unchanged when it fits or
// the breaker does not cut inside brackets.
std::string KeepBracketsTogether(const std::string& title, float width, ImFont* font) {
  const size_t open = title.find("（");
  const size_t close = open == std::string::npos ? open : title.find("）", open);
  if (close == std::string::npos) return title;
  auto measure = [&](std::string_view s) {
    return font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, s.data(), s.data() + s.size()).x;
  };
  const std::vector<std::string> lines = BreakLines(title, width, measure);
  size_t at = 0;  // where each line ends in the title (breaks drop no characters here)
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    at += lines[i].size();
    if (at > open && at <= close) return title.substr(0, open) + "\n" + title.substr(open);
  }
  return title;
}

// Four of the finder's pictures on its button, two each side of the words, so the main
// path reads as "about you" before a word is read; left out where the words need the room.
void DrawFinderButtonPictures(const ViewModel& view) {
  const ImVec2 min = ImGui::GetItemRectMin();
  const ImVec2 max = ImGui::GetItemRectMax();
  const float h = max.y - min.y;
  const float icon = h * 0.62f;
  const float gap = view.metrics->gap;
  ImFont* font = Ctx().body;
  const std::string& label = view.Tr("home.finder");
  const float words = font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, label.c_str()).x;
  const float side = (max.x - min.x - words) * 0.5f;
  if (side < 2.0f * icon + 3.0f * gap) return;
  static constexpr std::string_view kLeft[] = {"elder", "disability"};
  static constexpr std::string_view kRight[] = {"house", "marriage"};
  const float y = min.y + h * 0.5f;
  for (int i = 0; i < 2; ++i) {
    const float step = static_cast<float>(i) * (icon + gap);
    DrawSituationIcon(ImGui::GetWindowDrawList(), kLeft[i],
                      ImVec2(min.x + gap * 1.5f + icon * 0.5f + step, y), icon, colors::kOnPrimary,
                      colors::kPrimary);
    DrawSituationIcon(ImGui::GetWindowDrawList(), kRight[i],
                      ImVec2(max.x - gap * 1.5f - icon * 0.5f - step, y), icon, colors::kOnPrimary,
                      colors::kPrimary);
  }
}

}  // namespace

bool ScreenFrame::Animating() const {
  return body_drag.dragging || body_drag.velocity != 0 || list_drag.dragging ||
         list_drag.velocity != 0;
}

void ScreenFrame::ResetScroll() {
  body_drag = DragScroll{};
  list_drag = DragScroll{};
}

void ListDragScroll(const ViewModel& view) {
  HandleDragScroll(*view.metrics, view.frame->list_drag, true);
}

void BeginScreen(const ViewModel& view, const std::string& title, bool home_button,
                 int footer_rows, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  ImGui::PushStyleColor(ImGuiCol_WindowBg, ImGui::ColorConvertU32ToFloat4(colors::kBackground));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(m.margin, m.margin));
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(m.gap, m.gap));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0);
  ImGui::Begin("screen", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus);
  // The staff gesture's corner: five quick taps top left (invisible to residents).
  {
    ImVec2 corner = ImGui::GetWindowPos();
    float size = 20.0f * m.px_per_mm;
    if (HiddenTarget("staff:corner", corner, ImVec2(corner.x + size, corner.y + size))) {
      out->push_back(intent::CornerTap{});
    }
  }
  // Header: title on the left; 长者模式 and "home" on the right, on every screen.
  float button_w = (m.elder ? 48.0f : 40.0f) * m.px_per_mm;
  int right_buttons = 1 + (home_button ? 1 : 0) + (view.voice_available ? 1 : 0);
  float right_w = button_w * static_cast<float>(right_buttons) + m.gap * static_cast<float>(right_buttons - 1);
  float start_y = ImGui::GetCursorPosY();
  ImGui::PushTextWrapPos(0);
  const float title_w = ImGui::GetContentRegionAvail().x - right_w - m.gap;
  Paragraph(KeepBracketsTogether(title, title_w, Ctx().title), Ctx().title, colors::kText, title_w);
  ImGui::PopTextWrapPos();
  float after_y = ImGui::GetCursorPosY();
  ImGui::SetCursorPos(ImVec2(ImGui::GetWindowContentRegionMax().x - right_w, start_y));
  if (view.voice_available) {
    // Off by default; one tap turns it on and reads this screen; later taps repeat.
    if (TouchButton(view.Tr(view.voice_on ? "voice.repeat" : "voice.on"), ImVec2(button_w, m.target_min),
                    view.voice_on ? ButtonStyle::kChoiceSelected : ButtonStyle::kSecondary, true, "voice")) {
      out->push_back(intent::Voice{});
    }
    ImGui::SameLine();
  }
  if (TouchButton(view.Tr(view.elder ? "elder.off" : "elder.on"), ImVec2(button_w, m.target_min),
                  view.elder ? ButtonStyle::kChoiceSelected : ButtonStyle::kSecondary, true,
                  "elder:toggle")) {
    out->push_back(intent::ToggleElder{});
  }
  if (home_button) {
    ImGui::SameLine();
    if (TouchButton(view.Tr("common.home"), ImVec2(button_w, m.target_min), ButtonStyle::kSecondary)) {
      out->push_back(intent::GoHome{});
    }
  }
  ImGui::SetCursorPosY(std::max(after_y, ImGui::GetCursorPosY()));
  ImGui::GetWindowDrawList()->AddLine(
      ImVec2(m.margin, ImGui::GetCursorScreenPos().y),
      ImVec2(io.DisplaySize.x - m.margin, ImGui::GetCursorScreenPos().y), colors::kBorder, 2.0f);
  Gap(0.5f);
  ScreenFrame& frame = *view.frame;
  frame.footer_rows = footer_rows;
  frame.out = out;
  float footer_h = footer_rows > 0 ? footer_rows * (m.button_h + m.gap) + m.gap : 0;
  // A body taller than the screen also gets big 上一页/下一页 buttons above the footer.
  if (footer_rows > 0 && frame.body_overflows) footer_h += m.target_min + m.gap;
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ImGui::ColorConvertU32ToFloat4(colors::kBackground));
  ImGui::BeginChild("body", ImVec2(0, -footer_h), false, ImGuiWindowFlags_NoScrollbar);
  HandleDragScroll(m, frame.body_drag);
}

void BeginFooter(const ViewModel& view, bool scroll_row) {
  const Metrics& m = *view.metrics;
  ImGuiWindow* body = ImGui::GetCurrentWindow();
  bool overflows = scroll_row && body->ScrollMax.y > 0.5f;
  float page_h = body->InnerRect.GetHeight() * 0.8f;
  float scroll = body->Scroll.y, scroll_max = body->ScrollMax.y;
  ImGui::EndChild();
  ScreenFrame& frame = *view.frame;
  bool had_row = frame.body_overflows;
  frame.body_overflows = overflows;
  if (had_row) {
    float half = (ImGui::GetContentRegionAvail().x - m.gap) * 0.5f;
    if (TouchButton(view.Tr("common.prev_page"), ImVec2(half, m.target_min), ButtonStyle::kSecondary,
                    overflows && scroll > 0.5f, "scroll:up")) {
      ImGui::SetScrollY(body, std::max(0.0f, scroll - page_h));
      frame.ResetScroll();
    }
    ImGui::SameLine();
    if (TouchButton(view.Tr("common.next_page"), ImVec2(half, m.target_min), ButtonStyle::kSecondary,
                    overflows && scroll < scroll_max - 0.5f, "scroll:down")) {
      ImGui::SetScrollY(body, std::min(scroll_max, scroll + page_h));
      frame.ResetScroll();
    }
    if (overflows != had_row && frame.out) frame.out->push_back(intent::Redraw{});
  } else if (overflows && frame.out) {
    frame.out->push_back(intent::Redraw{});  // the row appears on the next frame
  }
  ImGui::PopStyleColor();
  ImGui::GetWindowDrawList()->AddLine(
      ImVec2(ImGui::GetCursorScreenPos().x, ImGui::GetCursorScreenPos().y),
      ImVec2(ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x,
             ImGui::GetCursorScreenPos().y),
      colors::kBorder, 2.0f);
  Gap(0.5f);
}

void EndScreen(const ViewModel& view) {
  if (view.frame->footer_rows == 0) {
    ImGui::EndChild();
    ImGui::PopStyleColor();
  }
  ImGui::End();
  ImGui::PopStyleVar(3);
  ImGui::PopStyleColor();
  // "要放弃这份申请吗？" over whichever screen asked it (a started draft and a tap that
  // would lose it: 回到首页, 重新填写, another service).
  if (view.session->leave != session::LeaveTo::kNone && view.frame->out) {
    const ConfirmAnswer answer = ConfirmDialog({view.Tr("leave.question"), view.Tr("leave.detail"),
                                                view.Tr("leave.keep"), view.Tr("leave.discard")});
    if (answer != ConfirmAnswer::kNone) {
      view.frame->out->push_back(
          session::form_event::AnswerLeave{answer == ConfirmAnswer::kDiscard});
    }
  }
}

void HomeView::Draw(const ViewModel& view, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  BeginScreen(view, view.Tr("app.title"), false, 0, out);
  Label(view.Tr("app.subtitle"), Ctx().body, colors::kMuted);
  Gap(3);
  Paragraph(view.Tr("home.welcome"), Ctx().title, colors::kText);
  Gap(3);
  // The main path asks about the person (screens/screen_finder.cpp); the list by name
  // stays right under it for whoever knows what they want.
  if (view.catalog->finder) {
    if (TouchButton(view.Tr("home.finder"), ImVec2(0, m.button_h * 1.6f), ButtonStyle::kPrimary,
                    true, "home:finder")) {
      out->push_back(session::finder_event::Open{});
    }
    DrawFinderButtonPictures(view);
    Gap(0.5f);
    Paragraph(view.Tr("home.finder_hint"), Ctx().body, colors::kMuted);
    Gap(1.5f);
  }
  if (TouchButton(view.Tr("home.apply"),
                  ImVec2(0, m.button_h * (view.catalog->finder ? 1.0f : 1.6f)),
                  view.catalog->finder ? ButtonStyle::kSecondary : ButtonStyle::kPrimary)) {
    out->push_back(intent::OpenServices{});
  }
  Gap(0.5f);
  Paragraph(view.Tr("home.apply_hint"), Ctx().body, colors::kMuted);
  Gap(2);
  if (TouchButton(view.Tr("home.status"), ImVec2(0, m.button_h), ButtonStyle::kSecondary, true,
                  "home:status")) {
    out->push_back(session::status_event::Open{});
  }
  Gap(2);
  // Revoked: residents are still served (the outbox keeps everything); the note stays
  // calm and true — what staff must do is on their own screen.
  Paragraph(view.Tr(view.kiosk_revoked ? "home.revoked_note" : "home.offline_note"), Ctx().body,
            colors::kText);
  Gap(1);
  Paragraph(view.Tr("home.help"), Ctx().body, colors::kText);
  Gap(3);
  float half = (ImGui::GetContentRegionAvail().x - m.gap) * 0.5f;
  if (view.voice_available) {
    // The voice's language, for this resident only: many older residents in the
    // Guangdong halls understand Cantonese best. Named in Chinese in every UI language.
    Paragraph(view.Tr("voice.language"), Ctx().body, colors::kText);
    struct Choice {
      const char* label;
      const char* id;
      SpokenLanguage language;
    };
    static constexpr Choice kChoices[] = {{"普通话", "voice:mandarin", SpokenLanguage::kMandarin},
                                          {"粤语", "voice:cantonese", SpokenLanguage::kCantonese}};
    for (const Choice& c : kChoices) {
      if (c.language != SpokenLanguage::kMandarin) ImGui::SameLine();
      bool chosen = view.voice_on && view.voice_language == c.language;
      if (TouchButton(c.label, ImVec2(half, m.target_min),
                      chosen ? ButtonStyle::kChoiceSelected : ButtonStyle::kChoice, true, c.id)) {
        out->push_back(intent::SetVoiceLanguage{c.language});
      }
    }
    Gap(1);
  }
  // Language: each offered in its own language, so anyone can find theirs.
  if (TouchButton("中文", ImVec2(half, m.target_min),
                  view.language == Language::kZhCN ? ButtonStyle::kChoiceSelected : ButtonStyle::kChoice,
                  true, "lang:zh")) {
    out->push_back(intent::SetLanguage{Language::kZhCN});
  }
  ImGui::SameLine();
  if (TouchButton("English", ImVec2(half, m.target_min),
                  view.language == Language::kEn ? ButtonStyle::kChoiceSelected : ButtonStyle::kChoice,
                  true, "lang:en")) {
    out->push_back(intent::SetLanguage{Language::kEn});
  }
  EndScreen(view);
}

std::unique_ptr<View> MakeHomeView() { return std::make_unique<HomeView>(); }

}  // namespace yimen::ui
