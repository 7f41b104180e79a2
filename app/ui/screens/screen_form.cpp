// The form wizard: one step per screen, our own touch fields (app-owned buffers), choice
// buttons instead of hover-driven combos, a numeric keypad for numbers, and the review
// page. Drawing reads the draft; every change is an intent.
#include <imgui.h>

#include <algorithm>

#include "domain/pii_mask.h"
#include "domain/utf8.h"
#include "session/delivery.h"
#include "ui/kiosk_app.h"
#include "ui/screens/view.h"
#include "ui/widgets/text_area.h"

namespace yimen::ui {
namespace {

class FormView final : public View {
 public:
  void Draw(const ViewModel& view, std::vector<Intent>* out) override;
  std::string Speech(const ViewModel& view) const override;
};

class ReviewView final : public View {
 public:
  void Draw(const ViewModel& view, std::vector<Intent>* out) override;
  std::string Speech(const ViewModel& view) const override;
};

}  // namespace

namespace {

bool UsesKeypad(FieldType type) {
  return type == FieldType::kIdNumber || type == FieldType::kPhone || type == FieldType::kAmount ||
         type == FieldType::kNumber || type == FieldType::kDigits || type == FieldType::kDate;
}

std::string FieldLabel(const ViewModel& view, const FieldSpec& field) {
  std::string label = view.Text(field.label);
  if (!field.required) label += view.Tr("form.optional");
  return label;
}

// The message under a field, when it has one.
void DrawError(const ViewModel& view, const FieldAddress& key) {
  auto err = view.session->errors.find(key);
  if (err != view.session->errors.end()) Paragraph(err->second, Ctx().body, colors::kError);
}

// Choice-like fields: a grid of big buttons, the chosen one highlighted.
void DrawChoices(const ViewModel& view, const FieldAddress& key, const std::string& label,
                 const std::vector<std::pair<std::string, std::string>>& options,
                 std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  Label(label, Ctx().body, colors::kText);
  std::string current = view.ValueOf(key);
  int per_row = options.size() <= 2 ? 2 : 3;
  float w = (ImGui::GetContentRegionAvail().x - m.gap * (per_row - 1)) / per_row;
  for (size_t i = 0; i < options.size(); ++i) {
    if (i % per_row != 0) ImGui::SameLine();
    const auto& [value, text] = options[i];
    bool selected = current == value;
    if (TouchButton(text, ImVec2(w, m.target_min * 1.2f),
                    selected ? ButtonStyle::kChoiceSelected : ButtonStyle::kChoice, true,
                    key.Id() + "=" + value)) {
      out->push_back(session::form_event::SetValue{key, value});
    }
  }
  DrawError(view, key);
}

// A field whose condition does not hold is not drawn (and not validated).
bool FieldShown(const ViewModel& view, const FieldSpec& field, const FieldAddress& key) {
  if (!field.visible_if) return true;
  const ServiceSpec* service = view.Service();
  const Session& s = *view.session;
  if (key.area == FieldAddress::Area::kQuestion) {
    return service->eligibility &&
           IsQuestionVisible(*service->eligibility, field, s.eligibility_answers);
  }
  if (key.area == FieldAddress::Area::kMember) {
    return IsFieldVisible(*service, field, s.draft, key.group, static_cast<int>(key.member));
  }
  return IsFieldVisible(*service, field, s.draft);
}

// kChoice, kYesNo, kTown, kCommunity: the options as buttons (a community once a town is
// chosen).
void DrawChoiceField(const ViewModel& view, const FieldSpec& field, const FieldAddress& key,
                     const FieldAddress& scope_town_key, const std::string& label,
                     std::vector<Intent>* out) {
  std::vector<std::pair<std::string, std::string>> options;
  switch (field.type) {
    case FieldType::kYesNo:
      options = {{std::string(kYes), view.Tr("form.yes")}, {std::string(kNo), view.Tr("form.no")}};
      break;
    case FieldType::kTown:
      for (const Town& town : view.catalog->region.towns)
        options.emplace_back(town.name.zh, view.Text(town.name));
      break;
    case FieldType::kCommunity: {
      const Town* town = view.catalog->region.FindTown(view.ValueOf(scope_town_key));
      if (!town) return;  // shown once a town is chosen
      for (const LocalizedText& c : town->communities) options.emplace_back(c.zh, view.Text(c));
      break;
    }
    default:
      for (const ChoiceOption& o : field.options) options.emplace_back(o.value, view.Text(o.label));
      break;
  }
  DrawChoices(view, key, label, options, out);
}

// Toggle buttons: each tap adds or removes one option.
void DrawMultiChoice(const ViewModel& view, const FieldSpec& field, const FieldAddress& key,
                     const std::string& label, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  Label(label, Ctx().body, colors::kText);
  const std::string current = view.ValueOf(key);
  const std::vector<std::string> chosen = SplitChoices(current);
  const int per_row = field.options.size() <= 2 ? 2 : 3;
  const float w = (ImGui::GetContentRegionAvail().x - m.gap * (per_row - 1)) / per_row;
  for (size_t i = 0; i < field.options.size(); ++i) {
    if (i % per_row != 0) ImGui::SameLine();
    const ChoiceOption& option = field.options[i];
    const bool selected = std::find(chosen.begin(), chosen.end(), option.value) != chosen.end();
    const std::string text = (selected ? "✓ " : "") + view.Text(option.label);
    if (TouchButton(text, ImVec2(w, m.target_min * 1.2f),
                    selected ? ButtonStyle::kChoiceSelected : ButtonStyle::kChoice, true,
                    key.Id() + "=" + option.value)) {
      out->push_back(
          session::form_event::SetValue{key, ToggleChoice(field, current, option.value)});
    }
  }
  DrawError(view, key);
}

// Tapping opens the signature pad in the footer (DrawSignaturePad).
void DrawSignatureField(const ViewModel& view, const FieldAddress& key, const std::string& label,
                        std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  Label(label, Ctx().body, colors::kText);
  const bool done = !view.ValueOf(key).empty();
  const bool writing = view.session->focus == key;
  const std::string text = view.Tr(writing ? "signature.writing"
                                   : done  ? "form.signature_done"
                                           : "signature.start");
  if (TouchButton(text, ImVec2(0, m.target_min * 1.2f),
                  done || writing ? ButtonStyle::kChoiceSelected : ButtonStyle::kSecondary, true,
                  key.Id())) {
    out->push_back(session::form_event::Focus{key});
  }
  DrawError(view, key);
}

struct SlotButton {
  std::string label, what;
  Intent intent;
  bool secondary = false;  // 删除: drawn quieter
};

// A photo slot's buttons: 拍照 / 导入 until a photo is stored, then 重拍 (or 换一张) and 删除.
std::vector<SlotButton> PhotoButtons(const ViewModel& view, const FieldAddress& key, bool done) {
  std::vector<SlotButton> buttons;
  if (done) {
    if (view.has_camera) {
      buttons.push_back({view.Tr("photo.retake"), "retake", session::photo_event::Camera{key}});
    } else if (view.has_imports) {
      buttons.push_back({view.Tr("photo.reimport"), "reimport", session::photo_event::Import{key}});
    } else if (view.has_phone) {
      buttons.push_back({view.Tr("photo.phone"), "phone", session::photo_event::Phone{key}});
    }
    buttons.push_back({view.Tr("photo.delete"), "delete", session::photo_event::Delete{key}, true});
    return buttons;
  }
  if (view.has_camera)
    buttons.push_back({view.Tr("photo.take"), "take", session::photo_event::Camera{key}});
  if (view.has_imports)
    buttons.push_back({view.Tr("photo.import"), "import", session::photo_event::Import{key}});
  if (view.has_phone)
    buttons.push_back({view.Tr("photo.phone"), "phone", session::photo_event::Phone{key}});
  return buttons;
}

// A material slot: its thumbnail once stored, and its buttons. Photos stay optional: the
// counter takes originals too.
void DrawPhotoField(const ViewModel& view, const FieldSpec& field, const FieldAddress& key,
                    const std::string& label, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  const Session& s = *view.session;
  Label(label, Ctx().body, colors::kText);
  const bool done = !view.ValueOf(key).empty();
  const float w = ImGui::GetContentRegionAvail().x;
  if (done) {
    const auto thumb = s.photos.thumbs.find(key);
    DrawPhotoThumb(thumb == s.photos.thumbs.end() ? PhotoThumb{} : thumb->second,
                   ImVec2(w * 0.6f, w * 0.6f * 0.75f), "photo:thumb:" + key.Id(),
                   view.Fmt("photo.thumb", {{"label", view.Text(field.label)}}));
  }
  const std::vector<SlotButton> buttons = PhotoButtons(view, key, done);
  const float n = static_cast<float>(buttons.size());
  const float bw = buttons.empty() ? 0 : (w - m.gap * (n - 1)) / n;
  for (size_t i = 0; i < buttons.size(); ++i) {
    if (i) ImGui::SameLine();
    const SlotButton& button = buttons[i];
    if (TouchButton(button.label, ImVec2(bw, m.target_min * 1.2f),
                    button.secondary ? ButtonStyle::kSecondary : ButtonStyle::kChoice, true,
                    "photo:" + button.what + ":" + key.Id())) {
      out->push_back(button.intent);
    }
  }
  if (!done) {
    Paragraph(view.Tr(buttons.empty() ? "photo.unavailable" : "photo.optional"), Ctx().body,
              colors::kMuted);
  }
  DrawError(view, key);
}

// Free text (a reason, a description): a box of several lines showing all of it.
bool IsFreeText(const FieldSpec& field) {
  return field.type == FieldType::kText && field.max_length && *field.max_length >= 100;
}

// "已写 280 个字，最多 300 个字" for free text always and for other fields near their
// limit (four fifths of it), "" otherwise.
std::string CounterText(const ViewModel& view, const FieldSpec& field, const std::string& value) {
  const int limit = field.type == FieldType::kIdNumber ? 18 : field.max_length.value_or(0);
  if (limit <= 0 || field.type == FieldType::kDigits) return {};
  const int count = static_cast<int>(CountCodepoints(value));
  if (!IsFreeText(field) && count * 5 < limit * 4) return {};
  return view.Fmt(field.type == FieldType::kIdNumber ? "form.counter_id" : "form.counter",
                  {{"count", std::to_string(count)}, {"max", std::to_string(limit)}});
}

// Under a name refused as not Han (letters, another script): 请工作人员帮助, a main-size
// button, so the resident has a way forward (session/assist.h). Under a name staff
// entered: who entered it.
void DrawAssistButton(const ViewModel& view, const FieldAddress& key, std::vector<Intent>* out) {
  const Session& s = *view.session;
  if (s.errors.count(key) && s.assist_offered.count(key)) {
    const Metrics& m = *view.metrics;
    if (TouchButton(view.Tr("assist.button"), ImVec2(ImGui::GetContentRegionAvail().x, m.button_h),
                    ButtonStyle::kPrimary, true, "assist:" + key.Id())) {
      out->push_back(session::assist_event::Ask{key});
    }
    return;
  }
  const AssistedField* mark = session::AssistMarkAt(s, key);
  if (mark != nullptr && !s.errors.count(key)) {
    Paragraph(view.Fmt("form.assisted_by", {{"staff", mark->staff}}), Ctx().body, colors::kMuted);
  }
}

// A typed field: one line, or several for free text; the counter and a note when text
// was cut at the limit.
void DrawTextField(const ViewModel& view, const FieldSpec& field, const FieldAddress& key,
                   const std::string& label, std::vector<Intent>* out) {
  const Session& s = *view.session;
  auto err = s.errors.find(key);
  const std::string error = err == s.errors.end() ? std::string() : err->second;
  const std::string hint = field.hint.empty() ? view.Tr("form.placeholder") : view.Text(field.hint);
  const std::string value = view.ValueOf(key);
  const std::string counter = CounterText(view, field, value);
  const std::string notice = s.notice_at == key ? s.notice : std::string();
  const bool tapped =
      IsFreeText(field)
          ? TextArea(key.Id(), label, value, s.focus == key, error, hint, counter, notice)
          : Field(key.Id(), label, value, s.focus == key, error, hint, 0, counter, notice);
  if (tapped) out->push_back(session::form_event::Focus{key});
  DrawAssistButton(view, key, out);
}

void DrawField(const ViewModel& view, const FieldSpec& field, const FieldAddress& key,
               const FieldAddress& scope_town_key, std::vector<Intent>* out) {
  if (!FieldShown(view, field, key)) return;
  std::string label = FieldLabel(view, field);
  // Filled from the ID card and not edited since: the resident knows where it came from.
  if (view.session->from_card.count(key) != 0) label += "（" + view.Tr("idcard.mark") + "）";
  switch (field.type) {
    case FieldType::kChoice:
    case FieldType::kYesNo:
    case FieldType::kTown:
    case FieldType::kCommunity:
      DrawChoiceField(view, field, key, scope_town_key, label, out);
      break;
    case FieldType::kMultiChoice: DrawMultiChoice(view, field, key, label, out); break;
    case FieldType::kSignature: DrawSignatureField(view, key, label, out); break;
    case FieldType::kPhoto: DrawPhotoField(view, field, key, label, out); break;
    default: DrawTextField(view, field, key, label, out); break;
  }
  Gap(0.5f);
}

// "请把身份证放在读卡器上" beside a drawing of a card on a reader, on a step a card can
// fill when a reader is configured; below it, what the last card read did.
void DrawCardPrompt(const ViewModel& view) {
  const Metrics& m = *view.metrics;
  const Session& s = *view.session;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float mm = m.px_per_mm;
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x;
  const float pic_w = 34 * mm, pic_h = 26 * mm;
  const float height = pic_h + 8 * mm;
  draw->AddRectFilled(p0, ImVec2(p0.x + width, p0.y + height), colors::kPanel, 2 * mm);
  // The reader: a dark slab; the card lying on it: pale blue, a photo box and lines of text.
  const ImVec2 r0(p0.x + 2 * mm, p0.y + 8 * mm);
  draw->AddRectFilled(r0, ImVec2(r0.x + pic_w, r0.y + 16 * mm), 0xFF4A4A4A, 2 * mm);
  const ImVec2 c0(r0.x + 4 * mm, p0.y + 2 * mm);
  const ImVec2 c1(c0.x + 26 * mm, c0.y + 16.5f * mm);
  draw->AddRectFilled(c0, c1, 0xFFF5E6D2, 1.5f * mm);  // #D2E6F5
  draw->AddRect(c0, c1, 0xFF8C6A3C, 1.5f * mm, 0, 0.4f * mm);
  draw->AddRectFilled(ImVec2(c1.x - 8 * mm, c0.y + 3 * mm), ImVec2(c1.x - 2 * mm, c0.y + 11 * mm),
                      0xFFB4A08C);
  for (int line = 0; line < 4; ++line) {
    const float y = c0.y + (3.5f + 2.8f * static_cast<float>(line)) * mm;
    draw->AddLine(ImVec2(c0.x + 2 * mm, y), ImVec2(c1.x - 10 * mm, y), 0xFF8C6A3C, 0.5f * mm);
  }
  RecordRect("idcard:picture", view.Tr("idcard.prompt"), p0,
             ImVec2(p0.x + pic_w + 4 * mm, p0.y + height));
  const float text_x = p0.x + pic_w + 6 * mm;
  const float text_w = p0.x + width - 2 * mm - text_x;
  ImGui::SetCursorScreenPos(ImVec2(text_x, p0.y + 3 * mm));
  Paragraph(view.Tr("idcard.prompt"), Ctx().title, colors::kPrimary, text_w);
  ImGui::SetCursorScreenPos(ImVec2(text_x, ImGui::GetCursorScreenPos().y));
  Paragraph(view.Tr("idcard.prompt_hint"), Ctx().body, colors::kMuted, text_w);
  ImGui::SetCursorScreenPos(
      ImVec2(p0.x, std::max(ImGui::GetCursorScreenPos().y, p0.y + height) + m.gap * 0.5f));
  if (!s.card_note.empty() && s.card_note_step == s.step)
    Paragraph(s.card_note, Ctx().body, colors::kOk);
}

// The focused form field (not a self-check question), nullptr when none.
const FieldSpec* FocusedField(const ViewModel& view) {
  const FieldAddress& key = view.session->focus;
  if (key.area != FieldAddress::Area::kTop && key.area != FieldAddress::Area::kMember)
    return nullptr;
  return view.FieldAt(key);
}

}  // namespace

void DrawKeypad(const ViewModel& view, FieldType type, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  float w = (ImGui::GetContentRegionAvail().x - m.gap * 3) / 4;
  const char* rows[3][3] = {{"1", "2", "3"}, {"4", "5", "6"}, {"7", "8", "9"}};
  const char* extra = type == FieldType::kIdNumber ? "X" : type == FieldType::kAmount ? "." : "";
  for (int r = 0; r < 4; ++r) {
    for (int c = 0; c < 3; ++c) {
      if (c) ImGui::SameLine();
      std::string key = r < 3 ? rows[r][c] : (c == 0 ? extra : c == 1 ? "0" : "");
      if (r == 3 && c == 2) {
        if (TouchButton(view.Tr("keypad.delete"), ImVec2(w, m.button_h), ButtonStyle::kSecondary, true, "key:delete")) {
          out->push_back(session::form_event::Backspace{});
        }
        continue;
      }
      if (key.empty()) {
        ImGui::Dummy(ImVec2(w, m.button_h));
        continue;
      }
      if (TouchButton(key, ImVec2(w, m.button_h), ButtonStyle::kChoice, true, "key:" + key)) {
        out->push_back(session::form_event::TypeText{key});
      }
    }
    ImGui::SameLine();
    if (r == 0) {
      if (TouchButton(view.Tr("keypad.done"), ImVec2(w, m.button_h), ButtonStyle::kPrimary, true, "key:done")) {
        out->push_back(intent::KeyDone{});
      }
    } else {
      ImGui::Dummy(ImVec2(w, m.button_h));
    }
  }
}

namespace {

// Tells the recorder which fact a shown field asks on which step (`expect_asked_once`,
// docs/ui-scripts.md): the shared key, else the service's own field.
void NoteAsked(const ViewModel& view, const FieldSpec& field, const FieldAddress& key,
               const GroupSpec* group) {
  WidgetRecorder* recorder = Ctx().recorder;
  const ServiceSpec* service = view.Service();
  if (recorder == nullptr || !FieldShown(view, field, key)) return;
  const size_t index = view.session->step;
  std::string fact = field.shared;
  if (fact.empty() && group != nullptr) {
    fact =
        (group->shared.empty() ? service->code + "." + group->id : group->shared) + "." + field.id;
  }
  if (fact.empty()) fact = service->code + "." + field.id;
  recorder->NoteAsked(
      fact, service->code + "#" + std::to_string(index) + " " + service->form.steps[index].id);
}

}  // namespace

void DrawFormField(const ViewModel& view, const FieldSpec& field, const FieldAddress& key,
                   const FieldAddress& scope_town_key, std::vector<Intent>* out) {
  DrawField(view, field, key, scope_town_key, out);
}

std::string FormView::Speech(const ViewModel& view) const {
  const ServiceSpec* service = view.Service();
  if (!service) return {};
  const Session& s = *view.session;
  const StepSpec& step = service->form.steps[s.step];
  std::string text =
      view.Fmt("form.progress", {{"step", std::to_string(s.step + 1)},
                                 {"total", std::to_string(service->form.steps.size())},
                                 {"title", view.Text(step.title)}});
  AddSpeech(&text, s.banner);
  // Read in the order of the fields' ids, as they always were.
  std::vector<std::pair<std::string, std::string>> errors;
  for (const auto& [at, message] : s.errors) errors.emplace_back(at.Id(), message);
  std::sort(errors.begin(), errors.end());
  for (const auto& [id, message] : errors) AddSpeech(&text, message);
  if (s.errors.empty() && s.banner.empty()) AddSpeech(&text, view.Text(step.hint));
  AddSpeech(&text, s.notice);  // text cut at a limit
  if (const FieldSpec* field = view.FieldAt(s.focus)) {
    AddSpeech(&text, view.Text(field->label));
    AddSpeech(&text, view.Text(field->hint));
  }
  return text;
}

void FormView::Draw(const ViewModel& view, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  const Session& s = *view.session;
  const ServiceSpec* service = view.Service();
  const StepSpec& step = service->form.steps[s.step];
  const FieldSpec* focused = FocusedField(view);
  bool keypad = focused && UsesKeypad(focused->type);
  bool keyboard = focused && UsesTextKeyboard(focused->type);
  bool signature = focused && focused->type == FieldType::kSignature;
  BeginScreen(view, view.Text(service->name), true,
              keypad ? 5 : keyboard ? TextKeyboardRows() + 1 : signature ? SignaturePadRows() + 1 : 1, out);
  Label(view.Fmt("form.progress", {{"step", std::to_string(s.step + 1)},
                                   {"total", std::to_string(service->form.steps.size())},
                                   {"title", view.Text(step.title)}}),
        Ctx().body, colors::kPrimary);
  // Progress bar: one segment per step.
  {
    ImVec2 p = ImGui::GetCursorScreenPos();
    float total_w = ImGui::GetContentRegionAvail().x;
    size_t n = service->form.steps.size();
    float seg = (total_w - (n - 1) * m.gap * 0.5f) / n;
    for (size_t i = 0; i < n; ++i) {
      float x = p.x + i * (seg + m.gap * 0.5f);
      ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(x, p.y), ImVec2(x + seg, p.y + 1.5f * m.px_per_mm),
                                                i <= s.step ? colors::kPrimary : colors::kSecondary);
    }
    ImGui::Dummy(ImVec2(total_w, 1.5f * m.px_per_mm));
  }
  if (!step.hint.empty()) Paragraph(view.Text(step.hint), Ctx().body, colors::kMuted);
  if (!s.banner.empty()) Paragraph(s.banner, Ctx().body, colors::kError);
  Gap(0.5f);
  // Only a reader that answers is offered: an absent or failing one stays out of the
  // resident's way (the fields are typed as always) and staff mode says what is wrong.
  if (view.id_reader &&
      (view.id_reader->state == idcard::ReaderState::kReady ||
       view.id_reader->state == idcard::ReaderState::kCardOn) &&
      session::StepTakesCard(step)) {
    DrawCardPrompt(view);
    Gap(0.5f);
  }

  if (step.group) {
    const GroupSpec& group = *step.group;
    auto it = s.draft.groups.find(group.id);
    size_t count = it == s.draft.groups.end() ? 0 : it->second.size();
    if (count == 0) Paragraph(view.Tr("form.no_members"), Ctx().body, colors::kMuted);
    for (size_t i = 0; i < count; ++i) {
      Label(view.Fmt("form.member_title", {{"title", view.Text(group.item_title)}, {"n", std::to_string(i + 1)}}),
            Ctx().title, colors::kText);
      for (const FieldSpec& field : group.fields) {
        const FieldAddress at = FieldAddress::Member(group.id, i, field.id);
        NoteAsked(view, field, at, &group);
        DrawField(view, field, at,
                  field.town_field.empty() ? FieldAddress{} : at.Sibling(field.town_field), out);
      }
      if (TouchButton(view.Tr("form.remove_member"), ImVec2(0, m.target_min), ButtonStyle::kSecondary, true,
                      "remove:" + std::to_string(i))) {
        out->push_back(session::form_event::RemoveMember{group.id, i});
      }
      Gap(1.5f);
    }
    auto gerr = s.errors.find(FieldAddress::Group(group.id));
    if (gerr != s.errors.end()) Paragraph(gerr->second, Ctx().body, colors::kError);
    if (static_cast<int>(count) < group.max &&
        TouchButton(view.Tr("form.add_member"), ImVec2(0, m.button_h), ButtonStyle::kSecondary)) {
      out->push_back(session::form_event::AddMember{group.id});
    }
  } else {
    for (const FieldSpec& field : step.fields) {
      const FieldAddress at = FieldAddress::Top(field.id);
      NoteAsked(view, field, at, nullptr);
      DrawField(view, field, at,
                field.town_field.empty() ? FieldAddress{} : at.Sibling(field.town_field), out);
    }
  }
  Gap(2);

  BeginFooter(view);
  if (keypad) DrawKeypad(view, focused->type, out);
  if (keyboard) DrawTextKeyboard(view, focused->type, out);
  if (signature) DrawSignaturePad(view, s.focus, out);
  float half = (ImGui::GetContentRegionAvail().x - m.gap) * 0.5f;
  if (TouchButton(view.Tr("form.prev"), ImVec2(half, m.button_h), ButtonStyle::kSecondary)) {
    out->push_back(session::form_event::PrevStep{});
  }
  ImGui::SameLine();
  bool last = s.step + 1 == service->form.steps.size();
  if (TouchButton(view.Tr(last ? "form.to_review" : "form.next"), ImVec2(half, m.button_h))) {
    out->push_back(last ? Intent(session::form_event::ToReview{})
                        : Intent(session::form_event::NextStep{}));
  }
  EndScreen(view);
}

// "审批结果怎么告诉您？": three large buttons above 确认提交 (session/delivery.h). Post and
// SMS name where they go; without the address or phone they are shown off, saying why.
void DrawDelivery(const ViewModel& view, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  const Session& s = *view.session;
  const ServiceSpec* service = view.Service();
  const FieldAddress key = session::DeliveryField();
  Gap(1);
  Label(view.Tr("delivery.question"), Ctx().title, colors::kPrimary);
  Paragraph(view.Tr("delivery.hint"), Ctx().body, colors::kMuted);
  for (const std::string_view method : kDeliveryMethods) {
    const std::string value(method);
    const bool possible = DeliveryPossible(*service, s.draft, method);
    std::string target = session::DeliveryTarget(*service, s.draft, method);
    if (method == kDeliverySms && !s.review_revealed)
      target = MaskFieldValue(FieldType::kPhone, target);
    std::string text = view.Tr("delivery.hall");
    if (method == kDeliveryPost) {
      text = possible ? view.Fmt("delivery.post_to", {{"address", target}})
                      : view.Tr("delivery.post_off");
    } else if (method == kDeliverySms) {
      text =
          possible ? view.Fmt("delivery.sms_to", {{"phone", target}}) : view.Tr("delivery.sms_off");
    }
    const bool selected = s.draft.decision_delivery == value;
    if (TouchButton((selected ? "✓ " : "") + text, ImVec2(0, m.target_min * 1.2f),
                    selected ? ButtonStyle::kChoiceSelected : ButtonStyle::kChoice, possible,
                    key.Id() + "=" + value)) {
      out->push_back(session::form_event::SetValue{key, value});
    }
  }
  DrawError(view, key);
}

std::string ReviewView::Speech(const ViewModel& view) const {
  const Session& s = *view.session;
  std::string text = JoinSpeech({view.Tr("review.title"), view.Tr("review.hint"), s.banner});
  // The choice before 确认提交, read as a form's choice is: the question, then each way.
  AddSpeech(&text, view.Tr("delivery.question"));
  for (const std::string_view method : kDeliveryMethods) {
    AddSpeech(&text, view.Tr(session::DeliveryNameKey(method)));
  }
  const auto error = s.errors.find(session::DeliveryField());
  if (error != s.errors.end()) AddSpeech(&text, error->second);
  return text;
}

void ReviewView::Draw(const ViewModel& view, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  const Session& s = *view.session;
  const ServiceSpec* service = view.Service();
  BeginScreen(view, view.Tr("review.title"), true, 1, out);
  Paragraph(view.Tr("review.hint"), Ctx().body, colors::kMuted);
  if (!s.banner.empty()) Paragraph(s.banner, Ctx().body, colors::kError);
  // Masked by default: the kiosk stands in a hall, and the page may be read over a
  // shoulder or left open. A tap (not press-and-hold: older hands cannot hold still
  // while reading, and holding fights with dragging the page) shows the full values
  // until the resident taps again or leaves the page.
  if (!s.review_revealed) Paragraph(view.Tr("review.masked_note"), Ctx().body, colors::kMuted);
  if (TouchButton(view.Tr(s.review_revealed ? "review.conceal" : "review.reveal"),
                  ImVec2(0, m.target_min), ButtonStyle::kSecondary, true, "review:reveal")) {
    out->push_back(session::form_event::ToggleReveal{});
  }
  auto shown = [&](const FieldSpec& field, const std::string& raw) -> std::string {
    if (raw.empty()) return view.Tr("review.empty");
    if (!s.review_revealed && IsMaskedFieldType(field.type)) return MaskFieldValue(field.type, raw);
    if (field.type == FieldType::kYesNo) return view.Tr(raw == kYes ? "form.yes" : "form.no");
    if (field.type == FieldType::kSignature) return view.Tr("form.signature_done");
    if (field.type == FieldType::kPhoto) return view.Tr("form.photo_done");
    if (field.type == FieldType::kMultiChoice) {
      std::string words;
      for (const std::string& value : SplitChoices(raw)) {
        for (const ChoiceOption& o : field.options) {
          if (o.value != value) continue;
          if (!words.empty()) words += view.Tr("form.list_separator");
          words += view.Text(o.label);
        }
      }
      return words;
    }
    if (field.type == FieldType::kChoice) {
      for (const ChoiceOption& o : field.options) if (o.value == raw) return view.Text(o.label);
    }
    return raw;
  };
  for (size_t i = 0; i < service->form.steps.size(); ++i) {
    const StepSpec& step = service->form.steps[i];
    Gap(1);
    float edit_w = 30.0f * m.px_per_mm;
    float y = ImGui::GetCursorPosY();
    Label(view.Text(step.title), Ctx().title, colors::kPrimary);
    float after = ImGui::GetCursorPosY();
    ImGui::SetCursorPos(ImVec2(ImGui::GetWindowContentRegionMax().x - edit_w, y));
    if (TouchButton(view.Tr("review.edit"), ImVec2(edit_w, m.target_min), ButtonStyle::kSecondary, true,
                    "edit:" + step.id)) {
      out->push_back(session::form_event::EditStep{i});
    }
    ImGui::SetCursorPosY(std::max(after, ImGui::GetCursorPosY()));
    if (step.group) {
      auto it = s.draft.groups.find(step.group->id);
      size_t count = it == s.draft.groups.end() ? 0 : it->second.size();
      if (count == 0) Paragraph(view.Tr("review.empty"));
      for (size_t k = 0; k < count; ++k) {
        Label(view.Fmt("form.member_title", {{"title", view.Text(step.group->item_title)}, {"n", std::to_string(k + 1)}}));
        for (const FieldSpec& field : step.group->fields) {
          if (!IsFieldVisible(*service, field, s.draft, step.group->id, static_cast<int>(k))) continue;
          Paragraph(
              "  " + view.Text(field.label) + "：" +
                  shown(field, view.ValueOf(FieldAddress::Member(step.group->id, k, field.id))),
              Ctx().body, colors::kText);
        }
      }
    } else {
      for (const FieldSpec& field : step.fields) {
        if (!IsFieldVisible(*service, field, s.draft)) continue;
        const FieldAddress key = FieldAddress::Top(field.id);
        const auto thumb = s.photos.thumbs.find(key);
        if (field.type == FieldType::kPhoto && thumb != s.photos.thumbs.end() && !view.ValueOf(key).empty()) {
          // The photo itself, small, so the resident sees which document went where.
          Paragraph(view.Text(field.label) + "：", Ctx().body, colors::kText);
          const float h = 35.0f * m.px_per_mm * (view.elder ? 1.3f : 1.0f);
          DrawPhotoThumb(thumb->second, ImVec2(h * 4 / 3, h), "review:" + key.Id(),
                         view.Fmt("photo.thumb", {{"label", view.Text(field.label)}}));
          continue;
        }
        Paragraph(view.Text(field.label) + "：" + shown(field, view.ValueOf(key)), Ctx().body, colors::kText);
      }
    }
  }
  DrawDelivery(view, out);
  Gap(2);
  BeginFooter(view);
  if (TouchButton(s.submitting ? view.Tr("review.submitting") : view.Tr("review.submit"), ImVec2(0, m.button_h),
                  ButtonStyle::kPrimary, !s.submitting, "submit")) {
    out->push_back(session::form_event::Submit{});
  }
  EndScreen(view);
}

std::unique_ptr<View> MakeFormView() { return std::make_unique<FormView>(); }
std::unique_ptr<View> MakeReviewView() { return std::make_unique<ReviewView>(); }

}  // namespace yimen::ui
