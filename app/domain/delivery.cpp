// How the decision reaches the resident (ApplicationDraft::decision_delivery, domain/form.h):
// which field of the form a post or an SMS goes to. Split from form.cpp.
#include "domain/form.h"

namespace yimen {

const FieldSpec* DeliveryField(const ServiceSpec& service, const ApplicationDraft& draft,
                               std::string_view method) {
  if (method != kDeliveryPost && method != kDeliverySms) return nullptr;
  for (const StepSpec& step : service.form.steps) {
    for (const FieldSpec& field : step.fields) {
      const bool fits = method == kDeliveryPost ? field.shared == "address.detail"
                                                : field.type == FieldType::kPhone;
      if (!fits || !IsFieldVisible(service, field, draft)) continue;
      const auto value = draft.values.find(field.id);
      if (value != draft.values.end() && !value->second.empty()) return &field;
    }
  }
  return nullptr;
}

bool DeliveryPossible(const ServiceSpec& service, const ApplicationDraft& draft,
                      std::string_view method) {
  return method == kDeliveryHall || DeliveryField(service, draft, method) != nullptr;
}

}  // namespace yimen
