// The eligibility self-check ("看看我符不符合条件"): the service's questions, then the
// domain's verdict in plain words with the standard and its date. It advises only: the
// "开始申请" button is always there, whatever the answers say.
#include <imgui.h>

#include "domain/eligibility.h"
#include "ui/kiosk_app.h"
#include "ui/screens/view.h"

namespace yimen::ui {
namespace {

class EligibilityView final : public View {
 public:
  void Draw(const ViewModel& view, std::vector<Intent>* out) override;
  std::string Speech(const ViewModel& view) const override {
    const ServiceSpec* service = view.Service();
    return JoinSpeech(
        {service ? view.Text(service->name) : std::string(), view.Tr("elig_screen.title")});
  }
};

}  // namespace

namespace {

bool UsesDigits(FieldType type) {
  return type == FieldType::kIdNumber || type == FieldType::kAmount ||
         type == FieldType::kNumber || type == FieldType::kDate;
}

const FieldSpec* FocusedQuestion(const ViewModel& view) {
  const FieldAddress& key = view.session->focus;
  if (key.area != FieldAddress::Area::kQuestion) return nullptr;
  return view.FieldAt(key);
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

// A visit's self-check: one verdict per chosen service that has one, on the same answers;
// the others are named, so no service seems forgotten.
void DrawVisitResults(const ViewModel& view, const VisitForm& visit) {
  for (const std::string& code : visit.Codes()) {
    const ServiceSpec* service = view.catalog->FindService(code);
    if (service == nullptr) continue;
    Gap(1);
    if (!service->eligibility) {
      Paragraph(view.Fmt("elig_screen.no_check", {{"service", view.Text(service->name)}}),
                Ctx().body, colors::kMuted);
      continue;
    }
    Label(view.Text(service->name), Ctx().title, colors::kPrimary);
    DrawResult(view, *service);
  }
}

}  // namespace

void EligibilityView::Draw(const ViewModel& view, std::vector<Intent>* out) {
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
    DrawFormField(view, question, FieldAddress::Question(question.id), FieldAddress{}, out);
  }
  if (s.eligibility_checked && s.visit) {
    DrawVisitResults(view, *s.visit);
  } else if (s.eligibility_checked) {
    DrawResult(view, *service);
  }
  Gap(2);

  BeginFooter(view);
  if (pad) DrawKeypad(view, focused->type, out);
  const float third = (ImGui::GetContentRegionAvail().x - 2 * m.gap) / 3;
  if (TouchButton(view.Tr("common.back"), ImVec2(third, m.button_h), ButtonStyle::kSecondary)) {
    if (s.visit) {
      out->push_back(session::form_event::StartVisit{s.visit->Codes()});
    } else {
      out->push_back(session::form_event::OpenService{service->code});
    }
  }
  ImGui::SameLine();
  if (TouchButton(view.Tr("elig_screen.check"), ImVec2(third, m.button_h),
                  s.eligibility_checked ? ButtonStyle::kSecondary : ButtonStyle::kPrimary, true,
                  "eligibility:check")) {
    out->push_back(session::form_event::CheckEligibility{});
  }
  ImGui::SameLine();
  // Never gated on the verdict: staff decide, not this screen. A draft of this service
  // (the resident checked after starting) is continued, not started again.
  const bool draft = session::HasDraftFor(s, service->code);
  if (TouchButton(view.Tr(draft ? "detail.resume" : "detail.start"), ImVec2(third, m.button_h),
                  s.eligibility_checked ? ButtonStyle::kPrimary : ButtonStyle::kSecondary, true,
                  "eligibility:apply")) {
    if (draft) {
      out->push_back(session::form_event::EditStep{s.step});
    } else {
      out->push_back(session::form_event::StartForm{});
    }
  }
  EndScreen(view);
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

std::unique_ptr<View> MakeEligibilityView() { return std::make_unique<EligibilityView>(); }

}  // namespace yimen::ui
