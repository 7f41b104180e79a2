// The receipt of a visit of several services (issue 14 item 4, docs/internals/visits.md):
// one visit number, then per service its application number, time limit and office, and
// the materials to bring — those several services need listed once, each service's own
// below them, the papers signed on the kiosk named once as already signed. Plain data for
// the receipt screen (app/ui/screens/screen_receipt.cpp) and the printed slip.
#pragma once

#include <string>
#include <vector>

#include "domain/catalog.h"
#include "session/form.h"
#include "session/strings.h"

namespace yimen::session {

struct VisitMaterial {
  const Material* material = nullptr;  // the first chosen service's entry
  bool required = false;               // some service that lists it requires it
};

struct VisitMaterials {
  // Needed by two or more of the services (the same material id): bring one set.
  std::vector<VisitMaterial> shared;
  // Each service's own, in the order the services are given.
  std::vector<std::vector<VisitMaterial>> own;
  // Signed on the kiosk (SignedOnKiosk in any service), once each.
  std::vector<const Material*> signed_here;
};

// Groups the materials of `services` (in the order chosen). A material counts as shared
// when two services list its id; the order is the first service's, then the next's.
VisitMaterials GroupVisitMaterials(const std::vector<const ServiceSpec*>& services);

// The services of a visit's receipt, in its order; a code the catalog lacks is skipped.
std::vector<const ServiceSpec*> ReceiptServices(const Catalog& catalog, const Receipt& receipt);

// The printed slip's lines for a visit (the visit number itself is the slip's big number):
// date, how the decision comes, per service its name, application number, time limit and
// office, the shared materials, each service's own, the signed papers, "keep it".
std::vector<std::string> VisitReceiptLines(const Catalog& catalog, const Strings& strings,
                                           Language language, const Receipt& receipt);

// "审批结果：邮寄到家" for a receipt with a choice, "" without one.
std::string DeliveryLine(const Strings& strings, Language language, const Receipt& receipt);

}  // namespace yimen::session
