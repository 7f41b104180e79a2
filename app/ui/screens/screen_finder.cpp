// The service finder (issue 14 item 1, session/finder.h): "您遇到了什么情况？" as big
// pictorial tiles (several may be picked), then the catalog's plain questions one at a
// time as big answer buttons, then the services that fit, each with its one-line why.
// 看全部服务 (the whole list) is in the footer of every page.
#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>

#include "ui/kiosk_app.h"
#include "ui/screens/finder_icons.h"
#include "ui/screens/view.h"
#include "ui/text_layout.h"

namespace yimen::ui {
namespace {

class FinderView final : public View {
 public:
  void Draw(const ViewModel& view, std::vector<Intent>* out) override;
  std::string Speech(const ViewModel& view) const override;

 private:
  void DrawSituations(const ViewModel& view, const FinderSpec& spec, std::vector<Intent>* out);
  void DrawQuestion(const ViewModel& view, const FinderQuestion& question,
                    std::vector<Intent>* out);
  void DrawIdNumber(const ViewModel& view, std::vector<Intent>* out);
  void DrawResults(const ViewModel& view, std::vector<Intent>* out);
};

bool Picked(const ViewModel& view, const std::string& id) {
  const auto& picked = view.session->finder.answers.situations;
  return std::find(picked.begin(), picked.end(), id) != picked.end();
}

// A tile: the picture above, the words below; picked tiles are filled and ringed. Recorded
// as a button under `id` with the words as its label. True on a tap.
bool PictureTile(const ViewModel& view, const FinderSituation& situation, ImVec2 size,
                 bool picked) {
  const Metrics& m = *view.metrics;
  const std::string& label = view.Text(situation.label);
  const std::string id = "situation:" + situation.id;
  ImGuiWindow* window = ImGui::GetCurrentWindow();
  const ImGuiID imgui_id = window->GetID(id.c_str());
  const ImVec2 pos = window->DC.CursorPos;
  const ImRect rect(pos, ImVec2(pos.x + size.x, pos.y + size.y));
  ImGui::ItemSize(rect);
  const bool added = ImGui::ItemAdd(rect, imgui_id);
  RecordWidget(id, label, WidgetKind::kButton, rect.Min, rect.Max);
  if (!added) return false;
  bool hovered = false, held = false;
  const bool pressed = ImGui::ButtonBehavior(rect, imgui_id, &hovered, &held, 0);
  const ImU32 paper = picked ? (held ? colors::kPrimaryPressed : colors::kPrimary)
                             : (held ? colors::kSecondaryPressed : colors::kPanel);
  const ImU32 ink = picked ? colors::kOnPrimary : colors::kText;
  ImDrawList* draw = window->DrawList;
  const float rounding = 2.5f * m.px_per_mm;
  draw->AddRectFilled(rect.Min, rect.Max, paper, rounding);
  draw->AddRect(rect.Min, rect.Max, picked ? colors::kFocus : colors::kBorder, rounding, 0,
                picked ? 0.9f * m.px_per_mm : 2.0f);
  // The words take the lower part (up to two lines), the picture the rest.
  ImFont* font = Ctx().body;
  const float line_h = font->FontSize * 1.15f;
  auto measure = [&](std::string_view s) {
    return font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, s.data(), s.data() + s.size()).x;
  };
  const std::vector<std::string> lines =
      BreakLines(DisplayText(label), size.x - 2 * m.gap, measure);
  const float text_h = line_h * static_cast<float>(lines.size());
  const float icon_room = size.y - text_h - 2.0f * m.gap;
  const float icon = std::min(icon_room, size.x - 2 * m.gap) * 0.86f;
  DrawSituationIcon(draw, situation.icon,
                    ImVec2(rect.Min.x + size.x * 0.5f, rect.Min.y + m.gap + icon_room * 0.5f), icon,
                    ink, paper);
  float y = rect.Max.y - m.gap - text_h;
  for (const std::string& line : lines) {
    draw->AddText(font, font->FontSize, ImVec2(rect.Min.x + (size.x - measure(line)) * 0.5f, y),
                  ink, line.c_str(), line.c_str() + line.size());
    y += line_h;
  }
  if (picked) {  // a tick in the corner: picked is not told by colour alone
    const float r = 3.5f * m.px_per_mm;
    const ImVec2 c(rect.Max.x - r - m.gap * 0.5f, rect.Min.y + r + m.gap * 0.5f);
    draw->AddCircleFilled(c, r, colors::kOnPrimary, 24);
    draw->AddLine(ImVec2(c.x - r * 0.5f, c.y), ImVec2(c.x - r * 0.1f, c.y + r * 0.45f),
                  colors::kPrimary, r * 0.3f);
    draw->AddLine(ImVec2(c.x - r * 0.1f, c.y + r * 0.45f), ImVec2(c.x + r * 0.55f, c.y - r * 0.4f),
                  colors::kPrimary, r * 0.3f);
  }
  return pressed;
}

// A sentence without its closing "。" (AddSpeech puts one between parts).
std::string WithoutFullStop(std::string text) {
  constexpr std::string_view kStop = "。";
  if (text.size() >= kStop.size() &&
      text.compare(text.size() - kStop.size(), kStop.size(), kStop) == 0) {
    text.resize(text.size() - kStop.size());
  }
  return text;
}

// 看全部服务, beside `left` (上一步 or 下一步) when given.
void FinderFooter(const ViewModel& view, const std::string& left, bool left_enabled,
                  const std::optional<Intent>& left_intent, bool left_primary,
                  std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  const float half = (ImGui::GetContentRegionAvail().x - m.gap) * 0.5f;
  if (TouchButton(view.Tr("finder.all"), ImVec2(half, m.button_h), ButtonStyle::kSecondary, true,
                  "finder:all")) {
    out->push_back(intent::OpenServices{});
  }
  ImGui::SameLine();
  if (TouchButton(left, ImVec2(half, m.button_h),
                  left_primary ? ButtonStyle::kPrimary : ButtonStyle::kSecondary, left_enabled) &&
      left_intent) {
    out->push_back(*left_intent);
  }
}

}  // namespace

void FinderView::DrawSituations(const ViewModel& view, const FinderSpec& spec,
                                std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  Paragraph(view.Tr("finder.pick_hint"), Ctx().body, colors::kMuted);
  Gap(0.5f);
  // Three across, two in 长者模式: a tile stays at least ~55 mm wide with its words large.
  const int columns = view.elder ? 2 : 3;
  const float width = (ImGui::GetContentRegionAvail().x - m.gap * static_cast<float>(columns - 1)) /
                      static_cast<float>(columns);
  const ImVec2 size(width, width * (view.elder ? 0.82f : 0.95f));
  for (size_t i = 0; i < spec.situations.size(); ++i) {
    if (i % columns != 0) ImGui::SameLine();
    const FinderSituation& situation = spec.situations[i];
    if (PictureTile(view, situation, size, Picked(view, situation.id))) {
      out->push_back(session::finder_event::Toggle{situation.id});
    }
  }
}

void FinderView::DrawQuestion(const ViewModel& view, const FinderQuestion& question,
                              std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  const std::string& chosen = [&]() -> const std::string& {
    static const std::string kNone;
    const auto& answers = view.session->finder.answers.answers;
    const auto it = answers.find(question.id);
    return it == answers.end() ? kNone : it->second;
  }();
  const size_t total =
      FinderQuestionsFor(*view.catalog->finder, view.session->finder.answers).size();
  Label(view.Fmt("finder.question_count", {{"n", std::to_string(view.session->finder.question + 1)},
                                           {"total", std::to_string(total)}}),
        Ctx().body, colors::kMuted);
  Gap(0.5f);
  for (const FinderOption& option : question.options) {
    const bool selected = option.value == chosen;
    if (TouchButton(view.Text(option.label), ImVec2(0, m.button_h * 1.2f),
                    selected ? ButtonStyle::kChoiceSelected : ButtonStyle::kChoice, true,
                    "finder:" + question.id + "=" + option.value)) {
      out->push_back(session::finder_event::Answer{question.id, option.value});
    }
    Gap(0.5f);
  }
  if (question.id == kFinderAgeQuestion) DrawIdNumber(view, out);
}

// The age from an ID number: laid on the reader (when there is one), or typed here on the
// number pad (the footer shows it while the field is focused).
void FinderView::DrawIdNumber(const ViewModel& view, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  const FieldAddress field = FieldAddress::Aux("finder_id");
  Gap(0.5f);
  if (view.id_reader) Paragraph(view.Tr("finder.card_hint"), Ctx().body, colors::kMuted);
  const std::string value = view.ValueOf(field);
  const std::string error = view.session->finder.id_refused ? view.Tr("finder.id_refused") : "";
  if (Field("finder:id", view.Tr("finder.id_label"), value, view.session->focus == field, error,
            view.Tr("finder.id_placeholder"))) {
    out->push_back(session::form_event::Focus{field});
  }
  if (TouchButton(view.Tr("finder.id_use"), ImVec2(0, m.button_h), ButtonStyle::kSecondary,
                  !value.empty(), "finder:id_use")) {
    out->push_back(session::finder_event::IdNumber{value});
  }
}

void FinderView::DrawResults(const ViewModel& view, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  const std::vector<FinderSuggestion> suggestions = view.finder->Suggestions();
  if (suggestions.empty()) {
    Paragraph(view.Tr("finder.none"), Ctx().body, colors::kText);
    return;
  }
  Paragraph(view.Tr("finder.results_hint"), Ctx().body, colors::kMuted);
  Paragraph(view.Tr("finder.together_hint"), Ctx().body, colors::kMuted);
  Gap(0.5f);
  const std::vector<std::string>& together = view.session->finder.together;
  for (const FinderSuggestion& suggestion : suggestions) {
    const ServiceSpec* service = view.catalog->FindService(suggestion.service);
    if (service == nullptr) continue;
    if (TouchButton(view.Text(service->name), ImVec2(0, m.button_h), ButtonStyle::kSecondary, true,
                    "suggest:" + service->code)) {
      out->push_back(session::finder_event::Choose{service->code});
    }
    Paragraph(view.Text(suggestion.why), Ctx().body, colors::kText);
    // A large tick box of its own (not a small square): elder hands hit it, and the voice
    // and the scripts read its words.
    const bool ticked =
        std::find(together.begin(), together.end(), service->code) != together.end();
    if (TouchButton(view.Tr(ticked ? "finder.together_ticked" : "finder.together"),
                    ImVec2(0, m.target_min * 1.2f),
                    ticked ? ButtonStyle::kChoiceSelected : ButtonStyle::kChoice, true,
                    "together:" + service->code)) {
      out->push_back(session::finder_event::TickTogether{service->code});
    }
    Gap(1);
  }
}

void FinderView::Draw(const ViewModel& view, std::vector<Intent>* out) {
  const session::FinderState& state = view.session->finder;
  const FinderSpec* spec = view.catalog->finder ? &*view.catalog->finder : nullptr;
  const FinderQuestion* question = view.finder->Current();
  std::string title = view.Tr("finder.title");
  if (state.page == session::FinderPage::kResults) title = view.Tr("finder.results_title");
  if (question != nullptr) title = view.Text(question->text);
  const bool typing = question != nullptr && view.session->focus.IsAux("finder_id");
  // The results page has "一起申请选中的 N 项" above 看全部服务 / 上一步.
  const bool together_row =
      state.page == session::FinderPage::kResults && !view.finder->Suggestions().empty();
  BeginScreen(view, title, true, typing ? 5 : together_row ? 2 : 1, out);
  if (question != nullptr) {
    DrawQuestion(view, *question, out);
  } else if (state.page == session::FinderPage::kResults) {
    DrawResults(view, out);
  } else if (spec != nullptr) {
    DrawSituations(view, *spec, out);
  }
  BeginFooter(view);
  if (typing) DrawKeypad(view, FieldType::kIdNumber, out);
  if (together_row) {
    const size_t n = view.finder->Together().size();
    if (TouchButton(n == 0 ? view.Tr("finder.together_none")
                           : view.Fmt("finder.together_go", {{"n", std::to_string(n)}}),
                    ImVec2(0, view.metrics->button_h), ButtonStyle::kPrimary, n > 0,
                    "finder:together")) {
      out->push_back(session::finder_event::ApplyTogether{});
    }
  }
  if (state.page == session::FinderPage::kSituations) {
    FinderFooter(view, view.Tr("finder.next"), !state.answers.situations.empty(),
                 Intent{session::finder_event::Next{}}, true, out);
  } else {
    FinderFooter(view, view.Tr("finder.back"), true, Intent{session::finder_event::Back{}}, false,
                 out);
  }
  EndScreen(view);
}

std::string FinderView::Speech(const ViewModel& view) const {
  const session::FinderState& state = view.session->finder;
  std::string text;
  if (const FinderQuestion* question = view.finder->Current()) {
    text = view.Text(question->text);
    for (const FinderOption& option : question->options) AddSpeech(&text, view.Text(option.label));
    return text;
  }
  if (state.page == session::FinderPage::kResults) {
    const std::vector<FinderSuggestion> suggestions = view.finder->Suggestions();
    if (suggestions.empty()) return view.Tr("finder.none");
    text = view.Tr("finder.results_title");
    for (const FinderSuggestion& s : suggestions) {
      if (const ServiceSpec* service = view.catalog->FindService(s.service)) {
        AddSpeech(&text, view.Text(service->name));
      }
      AddSpeech(&text, WithoutFullStop(view.Text(s.why)));
    }
    AddSpeech(&text, view.Tr("finder.together_hint"));
    if (const size_t n = view.finder->Together().size(); n > 0) {
      AddSpeech(&text, view.Fmt("finder.together_go", {{"n", std::to_string(n)}}));
    }
    return text;
  }
  text = JoinSpeech({view.Tr("finder.title"), view.Tr("finder.pick_hint")});
  if (view.catalog->finder) {
    for (const FinderSituation& s : view.catalog->finder->situations)
      AddSpeech(&text, view.Text(s.label));
  }
  return text;
}

std::unique_ptr<View> MakeFinderView() { return std::make_unique<FinderView>(); }

}  // namespace yimen::ui
