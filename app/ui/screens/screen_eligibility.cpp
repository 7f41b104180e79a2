// The eligibility self-check ("看看我符不符合条件"): the service's questions, then the
// domain's verdict in plain words with the standard and its date. It advises only: the
// "开始申请" button is always there, whatever the answers say.
#include <imgui.h>

#include "domain/eligibility.h"
#include "ui/kiosk_app.h"

namespace yimen::ui {
namespace {

bool UsesDigits(FieldType type) {
  return type == FieldType::kIdNumber || type == FieldType::kAmount ||
         type == FieldType::kNumber || type == FieldType::kDate;
}

const FieldSpec* FocusedQuestion(const ViewModel& view) {
  const std::string& key = view.session->focus;
  const ServiceSpec* service = view.Service();
  if (key.rfind("e:", 0) != 0 || !service->eligibility) return nullptr;
  return service->eligibility->FindQuestion(key.substr(2));
}

// Digits for the focused question. The form's footer keypad belongs to the form screen
// (and is being reworked with the input layer); this one covers the self-check's few
// numeric questions with the same labels, so scripts and fingers tap alike.
void DrawDigitPad(const ViewModel& view, FieldType type, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  const float w = (ImGui::GetContentRegionAvail().x - m.gap * 3) / 4;
  static const char* const kRows[4][3] = {
      {"1", "2", "3"}, {"4", "5", "6"}, {"7", "8", "9"}, {"", "0", ""}};
  const char* extra = type == FieldType::kIdNumber ? "X" : type == FieldType::kAmount ? "." : "";
  for (int r = 0; r < 4; ++r) {
    for (int c = 0; c < 3; ++c) {
      if (c > 0) ImGui::SameLine();
      std::string key = kRows[r][c];
      if (r == 3 && c == 0) key = extra;
      if (r == 3 && c == 2) {
        if (TouchButton(view.Tr("keypad.delete"), ImVec2(w, m.button_h), ButtonStyle::kSecondary, true,
                        "key:delete")) {
          out->push_back({Intent::Kind::kKeyBackspace});
        }
        continue;
      }
      if (key.empty()) {
        ImGui::Dummy(ImVec2(w, m.button_h));
        continue;
      }
      if (TouchButton(key, ImVec2(w, m.button_h), ButtonStyle::kChoice, true, "key:" + key)) {
        out->push_back({Intent::Kind::kKeyText, "", key});
      }
    }
    ImGui::SameLine();
    if (r == 0 && TouchButton(view.Tr("keypad.done"), ImVec2(w, m.button_h), ButtonStyle::kPrimary,
                              true, "key:done")) {
      out->push_back({Intent::Kind::kKeyDone});
    } else if (r != 0) {
      ImGui::Dummy(ImVec2(w, m.button_h));
    }
  }
}

ImU32 VerdictColor(Verdict verdict) {
  switch (verdict) {
    case Verdict::kLikely: return colors::kOk;
    case Verdict::kMaybe: return colors::kFocus;
    case Verdict::kUnlikely: return colors::kError;
  }
  return colors::kText;
}

void DrawResult(const ViewModel& view, const ServiceSpec& service) {
  const Result<EligibilityResult> result = CheckEligibility(
      service, view.catalog->region, view.session->eligibility_answers, view.today);
  if (!result.ok()) return;  // answers were validated by kCheckEligibility
  Gap(1);
  Label(view.Tr("elig_screen.result"), Ctx().title, colors::kPrimary);
  Paragraph(view.Tr("elig_screen.verdict." + std::string(VerdictName(result->verdict))), Ctx().title,
            VerdictColor(result->verdict));
  for (const ExplanationLine& line : result->lines) {
    const bool last = &line == &result->lines.back();
    Paragraph(view.Fmt(line.key, line.params), Ctx().body, last ? colors::kPrimary : colors::kText);
  }
  if (result->standard) {
    Gap(0.5f);
    Label(view.Tr("elig_screen.standard_used"), Ctx().body, colors::kMuted);
    Paragraph(FormatStandardLine(view, *result->standard), Ctx().body, colors::kMuted);
  }
}

}  // namespace

void DrawEligibilityScreen(const ViewModel& view, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  const Session& s = *view.session;
  const ServiceSpec* service = view.Service();
  const FieldSpec* focused = FocusedQuestion(view);
  const bool pad = focused != nullptr && UsesDigits(focused->type);
  BeginScreen(view, view.Tr("elig_screen.title"), true, pad ? 5 : 1, out);
  Label(view.Text(service->name), Ctx().title, colors::kPrimary);
  const EligibilitySpec& spec = *service->eligibility;
  if (!spec.intro.empty()) Paragraph(view.Text(spec.intro), Ctx().body, colors::kMuted);
  if (!s.banner.empty()) Paragraph(s.banner, Ctx().body, colors::kError);
  Gap(0.5f);
  for (const FieldSpec& question : spec.questions) {
    DrawFormField(view, question, "e:" + question.id, "", out);
  }
  if (s.eligibility_checked) DrawResult(view, *service);
  Gap(2);

  BeginFooter(view);
  if (pad) DrawDigitPad(view, focused->type, out);
  const float third = (ImGui::GetContentRegionAvail().x - 2 * m.gap) / 3;
  if (TouchButton(view.Tr("common.back"), ImVec2(third, m.button_h), ButtonStyle::kSecondary)) {
    out->push_back({Intent::Kind::kOpenService, service->code});
  }
  ImGui::SameLine();
  if (TouchButton(view.Tr("elig_screen.check"), ImVec2(third, m.button_h),
                  s.eligibility_checked ? ButtonStyle::kSecondary : ButtonStyle::kPrimary, true,
                  "eligibility:check")) {
    out->push_back({Intent::Kind::kCheckEligibility});
  }
  ImGui::SameLine();
  // Never gated on the verdict: staff decide, not this screen.
  if (TouchButton(view.Tr("detail.start"), ImVec2(third, m.button_h),
                  s.eligibility_checked ? ButtonStyle::kPrimary : ButtonStyle::kSecondary, true,
                  "eligibility:apply")) {
    out->push_back({Intent::Kind::kStartForm, service->code});
  }
  EndScreen();
}

std::string FormatStandardLine(const ViewModel& view, const Standard& standard) {
  const std::string area_key = standard.area == Area::kUrban   ? "area.urban"
                               : standard.area == Area::kRural ? "area.rural"
                                                               : "area.all";
  std::string label = view.Text(standard.region) + view.Tr(area_key);
  if (!standard.tier_label.empty()) label += view.Fmt("standard.tier", {{"tier", view.Text(standard.tier_label)}});
  std::string line = view.Fmt("standard.line", {{"label", label},
                                                {"unit", view.Tr("unit." + std::string(StandardUnitName(standard.unit)))},
                                                {"amount", FormatYuan(standard.amount_fen)},
                                                {"effective", FormatIsoDate(standard.effective)}});
  if (standard.example) line += view.Tr("standard.example");
  return line;
}

}  // namespace yimen::ui
