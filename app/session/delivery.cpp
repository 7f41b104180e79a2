// The decision-delivery choice's rules beside the domain's DeliveryPossible: what the
// buttons show and what the review page says before 确认提交.
#include "session/delivery.h"

namespace yimen::session {

std::string DeliveryTarget(const ServiceSpec& service, const ApplicationDraft& draft,
                           std::string_view method) {
  // The same field DeliveryPossible looks at: the first visible one with a value.
  const FieldSpec* field = DeliveryField(service, draft, method);
  return field != nullptr ? draft.values.at(field->id) : std::string();
}

std::string DeliveryProblem(const ServiceSpec& service, const ApplicationDraft& draft) {
  const std::string& method = draft.decision_delivery;
  if (method.empty()) return "delivery.required";
  if (DeliveryPossible(service, draft, method)) return "";
  if (method == kDeliveryPost) return "delivery.post_impossible";
  if (method == kDeliverySms) return "delivery.sms_impossible";
  return "delivery.required";  // a value the kiosk never offers: ask again
}

std::string DeliveryNameKey(std::string_view method) { return "delivery." + std::string(method); }

}  // namespace yimen::session
