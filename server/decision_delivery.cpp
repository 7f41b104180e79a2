// The decision-delivery line (see decision_delivery.h).
#include "server/decision_delivery.h"

#include "domain/form.h"
#include "domain/pii_mask.h"
#include "server/console_view.h"

namespace yimen::server {
namespace {

// The value the decision goes to for `method` ("post": the street address, "sms": a
// phone), masked for display; "" when there is none.
std::string DeliveryTarget(const ServiceSpec& service, const ApplicationDraft& draft,
                           std::string_view method) {
  const FieldSpec* field = DeliveryField(service, draft, method);
  return field != nullptr ? MaskFieldValue(field->type, draft.values.at(field->id))
                          : std::string();
}

}  // namespace

std::string DecisionDeliveryLine(const ServiceSpec* service, const nlohmann::json& payload,
                                 const std::string& lang) {
  std::string method;
  if (payload.is_object()) {
    const auto found = payload.find("decision_delivery");
    if (found != payload.end() && found->is_string()) method = found->get<std::string>();
  }
  if (method.empty()) return ConsoleText(lang, "delivery_none");
  if (method == kDeliveryHall) return ConsoleText(lang, "delivery_hall");
  if (method != kDeliveryPost && method != kDeliverySms) {
    return ConsoleText(lang, "delivery_unknown");
  }
  std::string target;
  if (service != nullptr) {
    auto draft = DraftFromJson(payload);
    if (draft.ok()) target = DeliveryTarget(*service, *draft, method);
  }
  const std::string line =
      ConsoleText(lang, method == kDeliveryPost ? "delivery_post" : "delivery_sms");
  return target.empty() ? line : line + ConsoleText(lang, "delivery_to") + target;
}

}  // namespace yimen::server
