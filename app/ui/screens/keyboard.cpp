// The on-screen keyboard for text fields, drawn in a screen's footer: a candidate bar
// over pinyin letter keys, a handwriting pad, the 生僻字 stroke keys (横竖撇点折), or
// digits and address words; 更多 swaps the keys for a grid of large candidates. Keys
// emit intents; the KioskApp turns them into Rime or zinnia calls (kiosk_app_ime.cpp).
#include <imgui.h>

#include <algorithm>
#include <cfloat>

#include "domain/utf8.h"
#include "ui/kiosk_app.h"
#include "ui/screens/keyboard_layout.h"

namespace yimen::ui {
namespace {

// Candidates are drawn in the title font where a rare character must be told apart
// (the stroke keys, the 更多 grid): TouchButton draws in Ctx().body.
class LargeText {
 public:
  explicit LargeText(bool on) : m_saved(Ctx().body) {
    if (on && Ctx().title) Ctx().body = Ctx().title;
  }
  ~LargeText() { Ctx().body = m_saved; }
  LargeText(const LargeText&) = delete;
  LargeText& operator=(const LargeText&) = delete;

 private:
  ImFont* m_saved;
};

void CandidateButton(const ImeState& ime, size_t index, ImVec2 size, std::vector<Intent>* out) {
  if (TouchButton(ime.candidates[index], size, ButtonStyle::kChoice, true,
                  "cand:" + std::to_string(index))) {
    out->push_back(intent::ImeCandidate{index});
  }
}

// The name separator "·" (U+00B7) as a key of its own in name fields (issue 18).
void DotKey(ImVec2 size, std::vector<Intent>* out) {
  if (TouchButton("·", size, ButtonStyle::kChoice, true, "key:dot")) {
    out->push_back(intent::ImeLetter{"·"});
  }
}

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
    std::string hint = !ime.preedit.empty()                ? ime.preedit
                       : ime.mode == ImeMode::kHandwriting ? view.Tr("keyboard.handwriting_hint")
                       : ime.mode == ImeMode::kPinyin      ? view.Tr("keyboard.pinyin_hint")
                       : ime.mode == ImeMode::kStroke      ? view.Tr("stroke.bar_hint")
                                                           : std::string();
    ImGui::SetCursorScreenPos(ImVec2(p.x, text_y));
    Label(hint, Ctx().body, ime.preedit.empty() ? colors::kMuted : colors::kPrimary);
    ImGui::SetCursorScreenPos(p);
    ImGui::Dummy(ImVec2(avail, m.button_h));
    return;
  }
  // Left: the pinyin being spelled (handwriting has none; strokes show under the bar).
  float left_w = ime.preedit.empty() || ime.mode == ImeMode::kStroke ? 0 : key_w * 2 + m.gap;
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
  const auto per_page = static_cast<float>(kCandidatesPerPage);
  const std::string& more = view.Tr("keyboard.more");
  const float more_w =
      std::max(nav_w, Ctx().body->CalcTextSizeA(Ctx().body->FontSize, FLT_MAX, 0, more.c_str()).x +
                          2 * m.gap);
  float cand_w = (avail - used - 2 * nav_w - more_w - m.gap * (per_page + 2)) / per_page;
  {
    const LargeText large(ime.mode == ImeMode::kStroke);
    for (size_t i = 0; i < kCandidatesPerPage; ++i) {
      if (i) ImGui::SameLine();
      size_t index = page * kCandidatesPerPage + i;
      if (index >= count) {
        ImGui::Dummy(ImVec2(cand_w, m.button_h));
        continue;
      }
      CandidateButton(ime, index, ImVec2(cand_w, m.button_h), out);
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
  ImGui::SameLine();
  // Every candidate, large, a page of 15 at a time (handwriting gives few: no need).
  if (TouchButton(more, ImVec2(ImGui::GetContentRegionAvail().x, m.button_h),
                  ButtonStyle::kSecondary, count > kCandidatesPerPage, "cand:more")) {
    out->push_back(intent::ImeMore{true});
  }
}

// 更多: the candidate bar and the keys give way to a grid of large candidates, a row of
// paging and 收起 (back to the keys).
void MoreGrid(const ViewModel& view, float key_w, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  const ImeState& ime = view.session->ime;
  const float avail = ImGui::GetContentRegionAvail().x;
  const auto columns = static_cast<float>(kMoreColumns);
  const float cell_w = (avail - m.gap * (columns - 1)) / columns;
  const size_t count = ime.candidates.size();
  const size_t pages = std::max<size_t>(1, (count + kMorePerPage - 1) / kMorePerPage);
  const size_t page = std::min(ime.page, pages - 1);
  {
    const LargeText large(true);
    for (size_t row = 0; row < kMoreRows; ++row) {
      for (size_t col = 0; col < kMoreColumns; ++col) {
        if (col) ImGui::SameLine();
        const size_t index = page * kMorePerPage + row * kMoreColumns + col;
        if (index >= count) {
          ImGui::Dummy(ImVec2(cell_w, m.button_h));
          continue;
        }
        CandidateButton(ime, index, ImVec2(cell_w, m.button_h), out);
      }
    }
  }
  const float nav_w = key_w * 2 + m.gap;
  if (TouchButton(view.Tr("common.prev_page"), ImVec2(nav_w, m.button_h), ButtonStyle::kSecondary,
                  page > 0, "more:prev")) {
    out->push_back(intent::ImePage{-1});
  }
  ImGui::SameLine();
  if (TouchButton(view.Tr("common.next_page"), ImVec2(nav_w, m.button_h), ButtonStyle::kSecondary,
                  page + 1 < pages, "more:next")) {
    out->push_back(intent::ImePage{1});
  }
  ImGui::SameLine();
  if (TouchButton(view.Tr("keyboard.less"), ImVec2(ImGui::GetContentRegionAvail().x, m.button_h),
                  ButtonStyle::kSecondary, true, "more:close")) {
    out->push_back(intent::ImeMore{false});
  }
}

// 生僻字: Rime's five-stroke schema. The resident taps the strokes in writing order;
// the candidates (large) narrow with each one.
void StrokeKeys(const ViewModel& view, float key_w, bool name, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  const ImeState& ime = view.session->ime;
  struct StrokeKey {
    char letter;
    const char* label;
  };
  static const StrokeKey kKeys[5] = {
      {'h', "一 横"}, {'s', "丨 竖"}, {'p', "丿 撇"}, {'n', "丶 点"}, {'z', "乛 折"}};
  const float avail = ImGui::GetContentRegionAvail().x;
  const float w = (avail - m.gap * 4) / 5;
  {
    const LargeText large(true);
    for (int i = 0; i < 5; ++i) {
      if (i) ImGui::SameLine();
      const std::string letter(1, kKeys[i].letter);
      if (TouchButton(kKeys[i].label, ImVec2(w, m.button_h), ButtonStyle::kChoice, true,
                      "key:" + letter)) {
        out->push_back(intent::ImeLetter{letter});
      }
    }
  }
  // The strokes so far (Rime writes them as 一丨丿丶乛-like radicals), then edit keys.
  const float edit_w = key_w * 2 + m.gap;
  const float text_w = avail - 2 * (edit_w + m.gap) - (name ? key_w + m.gap : 0);
  ImVec2 p = ImGui::GetCursorScreenPos();
  ImGui::SetCursorScreenPos(ImVec2(p.x, p.y + (m.button_h - Ctx().title->FontSize) * 0.5f));
  // Sixteen strokes (燚) are wider than the room in 长者模式: keep the last ones, after "…".
  std::string strokes = ime.preedit;
  ImFont* font = Ctx().title;
  auto width = [font](const std::string& t) {
    return font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, t.c_str()).x;
  };
  if (width(strokes) > text_w) {
    std::u32string tail = DecodeUtf8(strokes);
    do {
      tail.erase(tail.begin());
      strokes = "…" + EncodeUtf8(tail);
    } while (tail.size() > 1 && width(strokes) > text_w);
  }
  Label(ime.preedit.empty() ? view.Tr("stroke.none") : strokes, font,
        ime.preedit.empty() ? colors::kMuted : colors::kPrimary);
  ImGui::SetCursorScreenPos(ImVec2(p.x + text_w + m.gap, p.y));
  if (name) {
    DotKey(ImVec2(key_w, m.button_h), out);
    ImGui::SameLine();
  }
  if (TouchButton(view.Tr("keyboard.rewrite"), ImVec2(edit_w, m.button_h), ButtonStyle::kSecondary,
                  !ime.preedit.empty(), "key:rewrite")) {
    out->push_back(intent::StrokesClear{});
  }
  ImGui::SameLine();
  if (TouchButton(view.Tr("keypad.delete"), ImVec2(edit_w, m.button_h), ButtonStyle::kSecondary,
                  true, "key:delete")) {
    out->push_back(intent::ImeBackspace{});
  }
  Paragraph(view.Tr("stroke.hint"), Ctx().body, colors::kMuted);
}

void LetterRows(const ViewModel& view, float key_w, bool name, std::vector<Intent>* out) {
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
      if (name) {
        DotKey(ImVec2(key_w, m.button_h), out);
        ImGui::SameLine();
      }
      float w = ImGui::GetContentRegionAvail().x;
      if (TouchButton(view.Tr("keypad.delete"), ImVec2(w, m.button_h), ButtonStyle::kSecondary, true,
                      "key:delete")) {
        out->push_back(intent::ImeBackspace{});
      }
    }
  }
}

// A name staff unlocked (session/assist.h): the letter rows type upper-case letters and
// keep their ids (key:a…z, so scripts tap them as pinyin), and a fourth row gives what a
// permit puts between names: space, "·" and "-". No candidates: nothing is composed.
void LatinKeys(const ViewModel& view, float key_w, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  static const char* kRows[3] = {"qwertyuiop", "asdfghjkl", "zxcvbnm"};
  for (int r = 0; r < 3; ++r) {
    const std::string_view row = kRows[r];
    const float indent = r == 0 ? 0 : (key_w + m.gap) * 0.5f;
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + indent);
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) ImGui::SameLine();
      const std::string letter(1, row[i]);
      const std::string cap(1, static_cast<char>(row[i] - 'a' + 'A'));
      if (TouchButton(cap, ImVec2(key_w, m.button_h), ButtonStyle::kChoice, true,
                      "key:" + letter)) {
        out->push_back(intent::ImeLetter{letter});
      }
    }
  }
  const float wide = key_w * 4 + m.gap * 3;
  if (TouchButton(view.Tr("keyboard.space"), ImVec2(wide, m.button_h), ButtonStyle::kChoice, true,
                  "key:space")) {
    out->push_back(intent::ImeLetter{" "});
  }
  ImGui::SameLine();
  DotKey(ImVec2(key_w, m.button_h), out);
  ImGui::SameLine();
  if (TouchButton("-", ImVec2(key_w, m.button_h), ButtonStyle::kChoice, true, "key:dash")) {
    out->push_back(intent::ImeLetter{"-"});
  }
  ImGui::SameLine();
  if (TouchButton(view.Tr("keypad.delete"), ImVec2(ImGui::GetContentRegionAvail().x, m.button_h),
                  ButtonStyle::kSecondary, true, "key:delete")) {
    out->push_back(intent::ImeBackspace{});
  }
}

void HandwritingArea(const ViewModel& view, float key_w, bool name, std::vector<Intent>* out) {
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
  if (name) {
    DotKey(ImVec2(side_w, m.button_h), out);
  } else {
    ImGui::Dummy(ImVec2(side_w, m.button_h));
  }
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

  const bool name = type == FieldType::kChineseName;
  if (name && view.latin_keys) {
    LatinKeys(view, key_w, out);  // staff's entry screen has its own buttons below
    return;
  }
  if (mode == ImeMode::kStroke && !view.has_pinyin) mode = ImeMode::kHandwriting;
  if (ime.more) {
    MoreGrid(view, key_w, out);
  } else {
    CandidateBar(view, key_w, out);
    switch (mode) {
      case ImeMode::kPinyin: LetterRows(view, key_w, name, out); break;
      case ImeMode::kHandwriting: HandwritingArea(view, key_w, name, out); break;
      case ImeMode::kDigits: DigitRows(view, key_w, out); break;
      case ImeMode::kStroke: StrokeKeys(view, key_w, name, out); break;
    }
  }
  // Bottom row: input modes, then "done".
  struct ModeButton {
    ImeMode mode;
    const char* key;
    bool shown;
  };
  // 生僻字 sits next to 手写: one tap from the pad when it does not know the character.
  const ModeButton modes[4] = {
      {ImeMode::kPinyin, "keyboard.pinyin", view.has_pinyin},
      {ImeMode::kHandwriting, "keyboard.handwriting", view.has_handwriting},
      {ImeMode::kStroke, "keyboard.stroke", view.has_pinyin},
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
