// How the decision reaches the resident (issue 14 item 3, docs/internals/visits.md "How to
// get the decision"): the review page's choice, at FieldAddress::Aux("delivery") (widget
// ids "s:delivery=hall", "=post", "=sms"), stored in ApplicationDraft::decision_delivery.
// Every application asks it, a visit of several services once.
#pragma once

#include <string>
#include <string_view>

#include "domain/catalog.h"
#include "domain/form.h"
#include "session/field_address.h"

namespace yimen::session {

inline constexpr char kDeliveryAux[] = "delivery";
inline FieldAddress DeliveryField() { return FieldAddress::Aux(kDeliveryAux); }

// Where the decision would go by `method`: the street address (the visible top-level
// field with shared key address.detail) for "post", the phone for "sms", "" for "hall" or
// when the form has none (then DeliveryPossible is false).
std::string DeliveryTarget(const ServiceSpec& service, const ApplicationDraft& draft,
                           std::string_view method);

// The message key of what is wrong with the draft's choice before submit:
// "delivery.required" when none was made, "delivery.post_impossible" /
// "delivery.sms_impossible" when the address or phone it needs was emptied since, ""
// when it is fine.
std::string DeliveryProblem(const ServiceSpec& service, const ApplicationDraft& draft);

// The strings key of a method's name ("delivery.hall"...), for the receipt.
std::string DeliveryNameKey(std::string_view method);

}  // namespace yimen::session
