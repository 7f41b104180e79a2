// The on-screen keyboard for text fields, drawn in a screen's footer: a candidate bar
// over pinyin letter keys, a handwriting pad, or digits and address words. Keys emit
// intents; the KioskApp turns them into Rime or zinnia calls (kiosk_app.cpp).
#include <imgui.h>

#include <algorithm>

#include "ui/kiosk_app.h"

namespace yimen::ui {
namespace {

constexpr int kCandidatesPerPage = 4;

float KeyWidth(float avail, const Metrics& m, int keys) {
  return (avail - m.gap * static_cast<float>(keys - 1)) / static_cast<float>(keys);
}

void CandidateBar(const ViewModel& view, float key_w, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  const ImeState& ime = view.session->ime;
  float avail = ImGui::GetContentRegionAvail().x;
  ImVec2 p = ImGui::GetCursorScreenPos();
  float text_y = p.y + (m.button_h - Ctx().body->FontSize) * 0.5f;
  if (ime.candidates.empty()) {
    // Nothing to choose yet: one line saying what to do, the row keeps its height.
    std::string hint = !ime.preedit.empty() ? ime.preedit
                       : ime.mode == ImeMode::kHandwriting ? view.Tr("keyboard.handwriting_hint")
                       : ime.mode == ImeMode::kPinyin      ? view.Tr("keyboard.pinyin_hint")
                                                           : std::string();
    ImGui::SetCursorScreenPos(ImVec2(p.x, text_y));
    Label(hint, Ctx().body, ime.preedit.empty() ? colors::kMuted : colors::kPrimary);
    ImGui::SetCursorScreenPos(p);
    ImGui::Dummy(ImVec2(avail, m.button_h));
    return;
  }
  // Left: the pinyin being spelled (handwriting has none).
  float left_w = ime.preedit.empty() ? 0 : key_w * 2 + m.gap;
  if (left_w > 0) {
    ImGui::SetCursorScreenPos(ImVec2(p.x, text_y));
    Label(ime.preedit, Ctx().body, colors::kPrimary);
    ImGui::SetCursorScreenPos(ImVec2(p.x + left_w + m.gap, p.y));
  }
  size_t count = ime.candidates.size();
  size_t pages = (count + kCandidatesPerPage - 1) / kCandidatesPerPage;
  size_t page = std::min(ime.page, pages - 1);
  float nav_w = std::max(key_w, m.target_min);
  float used = left_w > 0 ? left_w + m.gap : 0;
  float cand_w = (avail - used - 2 * nav_w - m.gap * (kCandidatesPerPage + 1)) / kCandidatesPerPage;
  for (int i = 0; i < kCandidatesPerPage; ++i) {
    if (i) ImGui::SameLine();
    size_t index = page * kCandidatesPerPage + static_cast<size_t>(i);
    if (index >= count) {
      ImGui::Dummy(ImVec2(cand_w, m.button_h));
      continue;
    }
    if (TouchButton(ime.candidates[index], ImVec2(cand_w, m.button_h), ButtonStyle::kChoice, true,
                    "cand:" + std::to_string(index))) {
      out->push_back(intent::ImeCandidate{index});
    }
  }
  ImGui::SameLine();
  if (TouchButton("◀", ImVec2(nav_w, m.button_h), ButtonStyle::kSecondary, page > 0, "cand:prev")) {
    out->push_back(intent::ImePage{-1});
  }
  ImGui::SameLine();
  if (TouchButton("▶", ImVec2(nav_w, m.button_h), ButtonStyle::kSecondary, page + 1 < pages,
                  "cand:next")) {
    out->push_back(intent::ImePage{1});
  }
}

void LetterRows(const ViewModel& view, float key_w, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  static const char* kRows[3] = {"qwertyuiop", "asdfghjkl", "zxcvbnm"};
  for (int r = 0; r < 3; ++r) {
    std::string_view row = kRows[r];
    // Rows 2 and 3 are indented by half a key, like the keyboards people know.
    float indent = r == 0 ? 0 : (key_w + m.gap) * 0.5f;
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + indent);
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) ImGui::SameLine();
      std::string letter(1, row[i]);
      if (TouchButton(letter, ImVec2(key_w, m.button_h), ButtonStyle::kChoice, true, "key:" + letter)) {
        out->push_back(intent::ImeLetter{letter});
      }
    }
    if (r == 2) {
      ImGui::SameLine();
      float w = ImGui::GetContentRegionAvail().x;
      if (TouchButton(view.Tr("keypad.delete"), ImVec2(w, m.button_h), ButtonStyle::kSecondary, true,
                      "key:delete")) {
        out->push_back(intent::ImeBackspace{});
      }
    }
  }
}

void HandwritingArea(const ViewModel& view, float key_w, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  const ImeState& ime = view.session->ime;
  float pad_h = 3 * m.button_h + 2 * m.gap;
  float avail = ImGui::GetContentRegionAvail().x;
  float pad_w = std::min(avail - 3 * key_w - m.gap, pad_h * 1.6f);
  std::vector<ImVec2> finished;
  if (StrokePad("pad", ImVec2(pad_w, pad_h), ToImVec(ime.strokes), &finished)) {
    out->push_back(intent::StrokeDone{ToStroke(finished), {pad_w, pad_h}});
  }
  ImGui::SameLine();
  ImGui::BeginGroup();
  float side_w = ImGui::GetContentRegionAvail().x;
  if (TouchButton(view.Tr("keyboard.rewrite"), ImVec2(side_w, m.button_h), ButtonStyle::kSecondary,
                  !ime.strokes.empty(), "key:rewrite")) {
    out->push_back(intent::StrokesClear{});
  }
  if (TouchButton(view.Tr("keypad.delete"), ImVec2(side_w, m.button_h), ButtonStyle::kSecondary, true,
                  "key:delete")) {
    out->push_back(intent::ImeBackspace{});
  }
  ImGui::Dummy(ImVec2(side_w, m.button_h));
  ImGui::EndGroup();
}

void DigitRows(const ViewModel& view, float key_w, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  static const char* kDigits[10] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "0"};
  // The words an address needs after its numbers.
  static const char* kWords[10] = {"号", "栋", "单元", "室", "楼", "层", "村", "组", "路", "-"};
  for (const auto* row : {kDigits, kWords}) {
    for (int i = 0; i < 10; ++i) {
      if (i) ImGui::SameLine();
      if (TouchButton(row[i], ImVec2(key_w, m.button_h), ButtonStyle::kChoice, true,
                      std::string("key:") + row[i])) {
        out->push_back(intent::ImeLetter{row[i]});
      }
    }
  }
  float w = ImGui::GetContentRegionAvail().x;
  ImGui::Dummy(ImVec2(w - key_w * 3 - m.gap, m.button_h));
  ImGui::SameLine();
  if (TouchButton(view.Tr("keypad.delete"), ImVec2(key_w * 3 + m.gap * 2, m.button_h),
                  ButtonStyle::kSecondary, true, "key:delete")) {
    out->push_back(intent::ImeBackspace{});
  }
}

}  // namespace

bool UsesTextKeyboard(FieldType type) {
  return type == FieldType::kText || type == FieldType::kChineseName;
}

int TextKeyboardRows() { return 5; }

void DrawTextKeyboard(const ViewModel& view, FieldType type, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  const ImeState& ime = view.session->ime;
  float avail = ImGui::GetContentRegionAvail().x;
  float key_w = KeyWidth(avail, m, 10);
  ImeMode mode = ime.mode;
  if (mode == ImeMode::kPinyin && !view.has_pinyin) mode = ImeMode::kHandwriting;
  if (mode == ImeMode::kDigits && type == FieldType::kChineseName) mode = ImeMode::kPinyin;

  CandidateBar(view, key_w, out);
  switch (mode) {
    case ImeMode::kPinyin: LetterRows(view, key_w, out); break;
    case ImeMode::kHandwriting: HandwritingArea(view, key_w, out); break;
    case ImeMode::kDigits: DigitRows(view, key_w, out); break;
  }
  // Bottom row: input modes, then "done".
  struct ModeButton {
    ImeMode mode;
    const char* key;
    bool shown;
  };
  const ModeButton modes[3] = {
      {ImeMode::kPinyin, "keyboard.pinyin", view.has_pinyin},
      {ImeMode::kHandwriting, "keyboard.handwriting", view.has_handwriting},
      {ImeMode::kDigits, "keyboard.digits", type != FieldType::kChineseName},
  };
  float mode_w = key_w * 2 + m.gap;
  bool first = true;
  for (const ModeButton& b : modes) {
    if (!b.shown) continue;
    if (!first) ImGui::SameLine();
    first = false;
    if (TouchButton(view.Tr(b.key), ImVec2(mode_w, m.button_h),
                    mode == b.mode ? ButtonStyle::kChoiceSelected : ButtonStyle::kChoice, true,
                    std::string("mode:") + b.key)) {
      out->push_back(intent::SetImeMode{b.mode});
    }
  }
  if (!first) ImGui::SameLine();
  if (TouchButton(view.Tr("keypad.done"), ImVec2(ImGui::GetContentRegionAvail().x, m.button_h),
                  ButtonStyle::kPrimary, true, "key:done")) {
    out->push_back(intent::KeyDone{});
  }
}

int SignaturePadRows() { return 4; }

void DrawSignaturePad(const ViewModel& view, const FieldAddress& key, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  const Session& s = *view.session;
  float w = ImGui::GetContentRegionAvail().x;
  float pad_h = 3 * m.button_h + 2 * m.gap;
  auto it = s.signature_strokes.find(key);
  const std::vector<std::vector<ImVec2>> strokes =
      it == s.signature_strokes.end() ? std::vector<std::vector<ImVec2>>{} : ToImVec(it->second);
  std::vector<ImVec2> finished;
  if (StrokePad("sigpad", ImVec2(w, pad_h), strokes, &finished)) {
    out->push_back(intent::StrokeDone{ToStroke(finished), {w, pad_h}});
  }
  float half = (w - m.gap) * 0.5f;
  if (TouchButton(view.Tr("signature.clear"), ImVec2(half, m.button_h), ButtonStyle::kSecondary,
                  !strokes.empty(), "sig:clear")) {
    out->push_back(intent::StrokesClear{});
  }
  ImGui::SameLine();
  if (TouchButton(view.Tr("signature.done"), ImVec2(half, m.button_h), ButtonStyle::kPrimary,
                  !strokes.empty(), "sig:done")) {
    out->push_back(intent::KeyDone{});
  }
}

}  // namespace yimen::ui
