// Materials across the services of a visit, and the slip's lines.
#include "session/visit_receipt.h"

#include <algorithm>
#include <map>

#include "session/delivery.h"

namespace yimen::session {
namespace {

std::string MaterialLine(Language language, const Strings& strings, const VisitMaterial& m) {
  std::string line = "· " + LocalText(language, m.material->name);
  if (!m.required) line += strings.Get(language, "detail.material_optional");
  return line;
}

}  // namespace

VisitMaterials GroupVisitMaterials(const std::vector<const ServiceSpec*>& services) {
  VisitMaterials out;
  // How many services need each material to be brought (signed papers aside).
  std::map<std::string, int> needed_by;
  for (const ServiceSpec* service : services) {
    for (const Material& material : service->materials) {
      if (!SignedOnKiosk(*service, material)) ++needed_by[material.id];
    }
  }
  auto add = [](std::vector<VisitMaterial>* list, const Material& material) {
    auto it = std::find_if(list->begin(), list->end(),
                           [&](const VisitMaterial& m) { return m.material->id == material.id; });
    if (it == list->end()) {
      list->push_back({&material, material.required});
    } else {
      it->required = it->required || material.required;
    }
  };
  for (const ServiceSpec* service : services) {
    out.own.emplace_back();
    for (const Material& material : service->materials) {
      if (SignedOnKiosk(*service, material)) {
        const bool listed = std::any_of(out.signed_here.begin(), out.signed_here.end(),
                                        [&](const Material* m) { return m->id == material.id; });
        if (!listed) out.signed_here.push_back(&material);
      } else if (needed_by[material.id] > 1) {
        add(&out.shared, material);
      } else {
        add(&out.own.back(), material);
      }
    }
  }
  return out;
}

std::vector<const ServiceSpec*> ReceiptServices(const Catalog& catalog, const Receipt& receipt) {
  std::vector<const ServiceSpec*> services;
  for (const Receipt::Item& item : receipt.items) {
    if (const ServiceSpec* service = catalog.FindService(item.service_code)) {
      services.push_back(service);
    }
  }
  return services;
}

std::string DeliveryLine(const Strings& strings, Language language, const Receipt& receipt) {
  if (receipt.decision_delivery.empty()) return "";
  return strings.Format(
      language, "receipt.delivery",
      {{"how", strings.Get(language, DeliveryNameKey(receipt.decision_delivery))}});
}

std::vector<std::string> VisitReceiptLines(const Catalog& catalog, const Strings& strings,
                                           Language language, const Receipt& receipt) {
  std::vector<std::string> lines;
  lines.push_back(strings.Format(language, "receipt.date", {{"date", receipt.date_text}}));
  if (std::string delivery = DeliveryLine(strings, language, receipt); !delivery.empty()) {
    lines.push_back(std::move(delivery));
  }
  const std::vector<const ServiceSpec*> services = ReceiptServices(catalog, receipt);
  size_t n = 0;
  for (const Receipt::Item& item : receipt.items) {
    const ServiceSpec* service = catalog.FindService(item.service_code);
    if (service == nullptr) continue;
    lines.push_back(strings.Format(
        language, "receipt.visit_item",
        {{"n", std::to_string(++n)}, {"service", LocalText(language, service->name)}}));
    lines.push_back(strings.Format(language, "receipt.item_number", {{"number", item.app_number}}));
    lines.push_back(strings.Format(language, "receipt.time",
                                   {{"days", std::to_string(service->time_limit_days)}}));
    lines.push_back(strings.Format(language, "detail.office",
                                   {{"office", LocalText(language, service->office)}}));
  }
  const VisitMaterials materials = GroupVisitMaterials(services);
  if (!materials.shared.empty()) lines.push_back(strings.Get(language, "receipt.bring_shared"));
  for (const VisitMaterial& m : materials.shared)
    lines.push_back(MaterialLine(language, strings, m));
  for (size_t i = 0; i < services.size(); ++i) {
    if (materials.own[i].empty()) continue;
    lines.push_back(strings.Format(language, "receipt.bring_own",
                                   {{"service", LocalText(language, services[i]->name)}}));
    for (const VisitMaterial& m : materials.own[i])
      lines.push_back(MaterialLine(language, strings, m));
  }
  if (!materials.signed_here.empty()) {
    ReceiptMaterials papers;
    papers.signed_here = materials.signed_here;
    lines.push_back(strings.Format(language, "receipt.signed_here",
                                   {{"papers", SignedPapers(language, strings, papers)}}));
  }
  lines.push_back(strings.Get(language, "receipt.keep"));
  return lines;
}

}  // namespace yimen::session
