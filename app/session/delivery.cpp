// The decision-delivery choice's rules beside the domain's DeliveryPossible: what the
// buttons show and what the review page says before 确认提交.
#include "session/delivery.h"

namespace yimen::session {

std::string DeliveryTarget(const ServiceSpec& service, const ApplicationDraft& draft,
                           std::string_view method) {
  if (method != kDeliveryPost && method != kDeliverySms) return "";
  // The same field DeliveryPossible looks at: the first visible one with a value.
  for (const StepSpec& step : service.form.steps) {
    for (const FieldSpec& field : step.fields) {
      const bool fits = method == kDeliveryPost ? field.shared == "address.detail"
                                                : field.type == FieldType::kPhone;
      if (!fits || !IsFieldVisible(service, field, draft)) continue;
      const auto value = draft.values.find(field.id);
      if (value != draft.values.end() && !value->second.empty()) return value->second;
    }
  }
  return "";
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
