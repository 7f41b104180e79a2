// The service list and a service's details: who qualifies, what to bring, the current
// standard with its date, the time limit and the office — before anyone types a thing.
#include <imgui.h>

#include <algorithm>

#include "ui/kiosk_app.h"
#include "ui/screens/view.h"

namespace yimen::ui {
namespace {

class ServicesView final : public View {
 public:
  void Draw(const ViewModel& view, std::vector<Intent>* out) override;
  std::string Speech(const ViewModel& view) const override { return view.Tr("services.title"); }
};

class DetailView final : public View {
 public:
  void Draw(const ViewModel& view, std::vector<Intent>* out) override;
  std::string Speech(const ViewModel& view) const override {
    const ServiceSpec* service = view.Service();
    if (service != nullptr && view.session->visit) {
      return JoinSpeech(
          {view.Fmt("visit.title",
                    {{"count", std::to_string(view.session->visit->services.size())}}),
           view.Text(service->name), view.Tr("visit.intro")});
    }
    return service ? JoinSpeech({view.Text(service->name), view.Text(service->summary)})
                   : std::string();
  }
};

}  // namespace

void ServicesView::Draw(const ViewModel& view, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  // A page of services at a time (fewer in 长者模式), with big page buttons: nobody
  // has to discover scrolling.
  const size_t per_page = view.elder ? 3 : 6;
  const auto& services = view.catalog->services;
  size_t pages = std::max<size_t>(1, (services.size() + per_page - 1) / per_page);
  size_t page = std::min(view.list_page, pages - 1);
  BeginScreen(view, view.Tr("services.title"), true, pages > 1 ? 2 : 1, out);
  if (pages > 1) {
    Label(view.Fmt("services.page", {{"page", std::to_string(page + 1)}, {"pages", std::to_string(pages)}}),
          Ctx().body, colors::kMuted);
  }
  for (size_t i = page * per_page; i < services.size() && i < (page + 1) * per_page; ++i) {
    const ServiceSpec& service = services[i];
    if (TouchButton(view.Text(service.name), ImVec2(0, m.button_h), ButtonStyle::kSecondary, true,
                    service.code)) {
      out->push_back(session::form_event::OpenService{service.code});
    }
    Paragraph(view.Text(service.summary), Ctx().body, colors::kMuted);
    Gap(1);
  }
  BeginFooter(view, /*scroll_row=*/pages <= 1);  // one pager: this screen's own
  if (pages > 1) {
    float half = (ImGui::GetContentRegionAvail().x - m.gap) * 0.5f;
    if (TouchButton(view.Tr("common.prev_page"), ImVec2(half, m.button_h), ButtonStyle::kSecondary,
                    page > 0, "page:prev")) {
      out->push_back(intent::ServicesPage{-1});
    }
    ImGui::SameLine();
    if (TouchButton(view.Tr("common.next_page"), ImVec2(half, m.button_h), ButtonStyle::kSecondary,
                    page + 1 < pages, "page:next")) {
      out->push_back(intent::ServicesPage{1});
    }
  }
  if (TouchButton(view.Tr("common.back"), ImVec2(0, m.button_h), ButtonStyle::kSecondary)) {
    out->push_back(intent::GoHome{});
  }
  EndScreen(view);
}

namespace {

// 返回 and 开始申请; with a draft of this service (the resident came back from step 1 or
// from 修改 on the review page), 继续填写 big and 重新填写 (which asks first) beside it.
void DrawDetailButtons(const ViewModel& view, const ServiceSpec& service,
                       std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  const float third = (ImGui::GetContentRegionAvail().x - 2 * m.gap) / 3;
  const bool draft = session::HasDraftFor(*view.session, service.code);
  if (TouchButton(view.Tr("common.back"),
                  ImVec2(draft ? third : third * 1.5f + m.gap * 0.5f, m.button_h),
                  ButtonStyle::kSecondary)) {
    out->push_back(intent::OpenServices{});
  }
  ImGui::SameLine();
  if (draft) {
    if (TouchButton(view.Tr("detail.restart"), ImVec2(third, m.button_h), ButtonStyle::kSecondary,
                    true, "detail:restart")) {
      out->push_back(session::form_event::StartForm{});
    }
    ImGui::SameLine();
    if (TouchButton(view.Tr("detail.resume"), ImVec2(third, m.button_h), ButtonStyle::kPrimary,
                    true, "detail:resume")) {
      out->push_back(session::form_event::EditStep{view.session->step});
    }
    return;
  }
  if (TouchButton(view.Tr("detail.start"), ImVec2(0, m.button_h), ButtonStyle::kPrimary)) {
    out->push_back(session::form_event::StartForm{});
  }
}

// The details of a visit of several services: what each is, its time limit and office,
// the self-check of all of them, the papers to bring (each once).
void DrawVisitDetail(const ViewModel& view, const VisitForm& visit, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  const ServiceSpec& wizard = visit.form;
  BeginScreen(view, view.Fmt("visit.title", {{"count", std::to_string(visit.services.size())}}),
              true, 1, out);
  if (session::HasDraftFor(*view.session, wizard.code))
    Paragraph(view.Tr("detail.draft_note"), Ctx().body, colors::kPrimary);
  Paragraph(view.Tr("visit.intro"));
  if (wizard.eligibility) {
    Gap(0.5f);
    if (TouchButton(view.Tr("detail.check_eligibility"), ImVec2(0, m.button_h),
                    ButtonStyle::kSecondary, true, "check_eligibility")) {
      out->push_back(session::form_event::OpenEligibility{});
    }
  }
  Gap(1);
  Label(view.Tr("visit.services"), Ctx().title, colors::kPrimary);
  for (const std::string& code : visit.Codes()) {
    const ServiceSpec* service = view.catalog->FindService(code);
    if (service == nullptr) continue;
    Gap(0.5f);
    Paragraph(view.Text(service->name), Ctx().title, colors::kText);
    Paragraph(view.Text(service->summary), Ctx().body, colors::kMuted);
    Paragraph(view.Fmt("detail.time_limit", {{"days", std::to_string(service->time_limit_days)}}));
    Paragraph(view.Fmt("detail.office", {{"office", view.Text(service->office)}}));
  }
  Gap(1);
  Label(view.Tr("visit.materials"), Ctx().title, colors::kPrimary);
  for (const Material& material : wizard.materials) {
    std::string line = "· " + view.Text(material.name);
    if (!material.required) line += view.Tr("detail.material_optional");
    Paragraph(line);
  }
  BeginFooter(view);
  DrawDetailButtons(view, wizard, out);
  EndScreen(view);
}

}  // namespace

void DetailView::Draw(const ViewModel& view, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  const ServiceSpec* service = view.Service();
  if (view.session->visit && service == &view.session->visit->form) {
    DrawVisitDetail(view, *view.session->visit, out);
    return;
  }
  BeginScreen(view, view.Text(service->name), true, 1, out);
  if (session::HasDraftFor(*view.session, service->code))
    Paragraph(view.Tr("detail.draft_note"), Ctx().body, colors::kPrimary);
  Label(view.Tr("detail.summary"), Ctx().title, colors::kPrimary);
  Paragraph(view.Text(service->summary));
  if (service->eligibility) {
    Gap(0.5f);
    if (TouchButton(view.Tr("detail.check_eligibility"), ImVec2(0, m.button_h), ButtonStyle::kSecondary, true,
                    "check_eligibility")) {
      out->push_back(session::form_event::OpenEligibility{});
    }
  }
  Gap(1);
  Label(view.Tr("detail.who"), Ctx().title, colors::kPrimary);
  for (const LocalizedText& who : service->who_qualifies) Paragraph("· " + view.Text(who));
  Gap(1);
  Label(view.Tr("detail.materials"), Ctx().title, colors::kPrimary);
  for (const Material& material : service->materials) {
    std::string line = "· " + view.Text(material.name);
    if (!material.required) line += view.Tr("detail.material_optional");
    Paragraph(line);
    if (!material.note.empty()) Paragraph("  " + view.Text(material.note), Ctx().body, colors::kMuted);
  }
  Gap(1);
  if (!service->standards.empty()) {
    Label(view.Tr("detail.standard"), Ctx().title, colors::kPrimary);
    // The standards in force today: per tier (age band, living arrangement), per area.
    for (const Standard* standard : StandardsInForce(*service, view.today)) {
      Paragraph(FormatStandardLine(view, *standard));
    }
    Gap(1);
  }
  Paragraph(view.Fmt("detail.time_limit", {{"days", std::to_string(service->time_limit_days)}}));
  if (!service->time_limit_note.empty()) Paragraph(view.Text(service->time_limit_note), Ctx().body, colors::kMuted);
  Paragraph(view.Fmt("detail.office", {{"office", view.Text(service->office)}}));
  BeginFooter(view);
  DrawDetailButtons(view, *service, out);
  EndScreen(view);
}

std::unique_ptr<View> MakeServicesView() { return std::make_unique<ServicesView>(); }
std::unique_ptr<View> MakeDetailView() { return std::make_unique<DetailView>(); }

}  // namespace yimen::ui
