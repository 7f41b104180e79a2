// The receipt: shown only after the application and its outbox row are committed. The
// number is large, the QR code carries it for a phone, and the resident learns what to
// bring and how long it takes.
#include <imgui.h>

#include "platform/qr_code.h"
#include "session/visit_receipt.h"
#include "ui/kiosk_app.h"
#include "ui/screens/view.h"

namespace yimen::ui {
namespace {

class ReceiptView final : public View {
 public:
  void Draw(const ViewModel& view, std::vector<Intent>* out) override;
  std::string Speech(const ViewModel& view) const override {
    const Session& s = *view.session;
    std::string text = view.Tr("receipt.title");
    if (s.receipt) {
      const bool visit = !s.receipt->items.empty();
      AddSpeech(&text, view.Tr(visit ? "receipt.visit_number" : "receipt.number"));
      AddSpeech(&text, visit ? s.receipt->visit_number : s.receipt->app_number);
      AddSpeech(&text, session::DeliveryLine(*view.strings, view.language, *s.receipt));
    }
    AddSpeech(&text, view.Tr("receipt.keep"));
    if (!view.has_printer) AddSpeech(&text, view.Tr("receipt.no_printer"));
    return text;
  }
};

}  // namespace

void DrawQrCode(const ViewModel& view, const std::string& text, float mm, const std::string& id) {
  const Metrics& m = *view.metrics;
  auto qr = platform::EncodeQr(text);
  if (!qr.ok()) return;
  float module = std::max(3.0f, std::floor(mm * m.px_per_mm / (qr->size + 8)));
  float side = module * (qr->size + 8);
  ImVec2 p = ImGui::GetCursorScreenPos();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddRectFilled(p, ImVec2(p.x + side, p.y + side), 0xFFFFFFFF);
  for (int y = 0; y < qr->size; ++y) {
    for (int x = 0; x < qr->size; ++x) {
      if (!qr->At(x, y)) continue;
      ImVec2 a(p.x + (x + 4) * module, p.y + (y + 4) * module);
      draw->AddRectFilled(a, ImVec2(a.x + module, a.y + module), 0xFF000000);
    }
  }
  ImGui::Dummy(ImVec2(side, side));
  // The label keeps the old "QR:<app number>" form scripts look for.
  std::string shown = text.rfind("YIMEN:", 0) == 0 ? text.substr(6) : text;
  RecordRect(id, "QR:" + shown, p, ImVec2(p.x + side, p.y + side));
}

namespace {

// Service, date, time limit, the materials to bring, and the papers signed here.
void DrawReceiptService(const ViewModel& view, const ServiceSpec& service,
                        const ReceiptInfo& receipt) {
  Paragraph(view.Fmt("receipt.service", {{"service", view.Text(service.name)}}));
  Paragraph(view.Fmt("receipt.date", {{"date", receipt.date_text}}));
  Paragraph(view.Fmt("receipt.time", {{"days", std::to_string(service.time_limit_days)}}));
  Gap(1);
  const session::ReceiptMaterials materials = session::MaterialsForReceipt(service);
  if (!materials.bring.empty()) Paragraph(view.Tr("receipt.bring"), Ctx().body, colors::kText);
  for (const Material* material : materials.bring) {
    std::string line = "· " + view.Text(material->name);
    if (!material->required) line += view.Tr("detail.material_optional");
    Paragraph(line);
  }
  if (!materials.signed_here.empty()) {
    Paragraph(
        view.Fmt("receipt.signed_here",
                 {{"papers", session::SignedPapers(view.language, *view.strings, materials)}}),
        Ctx().body, colors::kMuted);
  }
}

// A visit's services: each with its application number, time limit and office; then the
// materials several of them need (once), each one's own, and the papers signed here.
void DrawVisitServices(const ViewModel& view, const ReceiptInfo& receipt) {
  const std::vector<const ServiceSpec*> services = session::ReceiptServices(*view.catalog, receipt);
  Paragraph(view.Fmt("receipt.date", {{"date", receipt.date_text}}));
  Paragraph(view.Fmt("receipt.visit_count", {{"count", std::to_string(services.size())}}),
            Ctx().body, colors::kText);
  size_t n = 0;
  for (const ReceiptInfo::Item& item : receipt.items) {
    const ServiceSpec* service = view.catalog->FindService(item.service_code);
    if (service == nullptr) continue;
    Gap(0.5f);
    Label(view.Fmt("receipt.visit_item",
                   {{"n", std::to_string(++n)}, {"service", view.Text(service->name)}}),
          Ctx().title, colors::kPrimary);
    Label(view.Fmt("receipt.item_number", {{"number", item.app_number}}), Ctx().title,
          colors::kText);
    Paragraph(view.Fmt("receipt.time", {{"days", std::to_string(service->time_limit_days)}}));
    Paragraph(view.Fmt("detail.office", {{"office", view.Text(service->office)}}), Ctx().body,
              colors::kMuted);
  }
  Gap(1);
  const session::VisitMaterials materials = session::GroupVisitMaterials(services);
  auto list = [&](const std::vector<session::VisitMaterial>& items) {
    for (const session::VisitMaterial& m : items) {
      std::string line = "· " + view.Text(m.material->name);
      if (!m.required) line += view.Tr("detail.material_optional");
      Paragraph(line);
    }
  };
  if (!materials.shared.empty())
    Paragraph(view.Tr("receipt.bring_shared"), Ctx().body, colors::kText);
  list(materials.shared);
  for (size_t i = 0; i < services.size(); ++i) {
    if (materials.own[i].empty()) continue;
    Paragraph(view.Fmt("receipt.bring_own", {{"service", view.Text(services[i]->name)}}),
              Ctx().body, colors::kText);
    list(materials.own[i]);
  }
  if (!materials.signed_here.empty()) {
    session::ReceiptMaterials papers;
    papers.signed_here = materials.signed_here;
    Paragraph(view.Fmt("receipt.signed_here",
                       {{"papers", session::SignedPapers(view.language, *view.strings, papers)}}),
              Ctx().body, colors::kMuted);
  }
}

}  // namespace

void ReceiptView::Draw(const ViewModel& view, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  const Session& s = *view.session;
  const ReceiptInfo& receipt = *s.receipt;
  const ServiceSpec* service = view.catalog->FindService(receipt.service_code);
  // Without a printer there is no print button: the screen says so and what to do.
  const bool print_button = view.can_print && view.has_printer;
  BeginScreen(view, view.Tr("receipt.title"), false, print_button ? 2 : 1, out);
  Paragraph(view.Tr("receipt.saved"), Ctx().body, colors::kOk);
  Gap(1);
  // A visit has one number (办理编号) for all its services; its QR code carries it.
  const bool visit = !receipt.items.empty();
  const std::string& number = visit ? receipt.visit_number : receipt.app_number;
  Label(view.Tr(visit ? "receipt.visit_number" : "receipt.number"), Ctx().body, colors::kMuted);
  Label(number, Ctx().display, colors::kText);

  // QR code with a quiet zone of 4 modules, about 40 mm wide.
  DrawQrCode(view, "YIMEN:" + number, 40.0f, "receipt:qr");
  Paragraph(view.Tr("receipt.keep"), Ctx().body, colors::kText);
  if (!view.has_printer) {
    Gap(0.5f);
    Paragraph(view.Tr("receipt.no_printer"), Ctx().title, colors::kPrimary);
  }
  Gap(1);
  if (!receipt.applicant.empty()) Paragraph(view.Fmt("receipt.applicant", {{"name", receipt.applicant}}));
  if (const std::string line = session::DeliveryLine(*view.strings, view.language, receipt);
      !line.empty()) {
    Paragraph(line, Ctx().body, colors::kText);
  }
  if (visit) {
    DrawVisitServices(view, receipt);
  } else if (service) {
    DrawReceiptService(view, *service, receipt);
  }
  if (print_button && !receipt.print_message.empty()) {
    Gap(1);
    Paragraph(receipt.print_message, Ctx().body, receipt.printed ? colors::kOk : colors::kError);
  }
  BeginFooter(view);
  if (print_button && TouchButton(view.Tr(receipt.printed ? "receipt.printed" : "receipt.print"),
                                  ImVec2(0, m.button_h), ButtonStyle::kSecondary, !receipt.printed,
                                  "receipt:print")) {
    out->push_back(intent::PrintReceipt{});
  }
  if (TouchButton(view.Tr("receipt.done"), ImVec2(0, m.button_h), ButtonStyle::kPrimary)) {
    out->push_back(intent::GoHome{});
  }
  EndScreen(view);
}

std::unique_ptr<View> MakeReceiptView() { return std::make_unique<ReceiptView>(); }

}  // namespace yimen::ui
