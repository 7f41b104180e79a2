// A visit's form (docs/internals/visits.md): several services of one catalog asked as one
// wizard, each shared fact (FieldSpec::shared, GroupSpec::shared) once. The wizard is an
// ordinary ServiceSpec, so the form engine and the kiosk's screens fill it as they fill
// one service; what it is checked against is never the wizard itself but each chosen
// service's own rules, on the draft split back per service — the drafts the server
// re-validates one by one. Pure functions; any thread.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "domain/catalog.h"
#include "domain/civil_date.h"
#include "domain/form.h"
#include "domain/result.h"

namespace yimen {

// The wizard's code is this prefix and the services' codes joined by "+":
// "visit:dibao+yiliao+linshi". Never a catalog code (those have no ':').
inline constexpr std::string_view kVisitCodePrefix = "visit:";
// The wizard's self-check is no calculator of its own: each service's runs on the answers.
inline constexpr std::string_view kVisitCalculator = "visit";

struct VisitForm {
  // Where one service's fields went in the wizard.
  struct ServiceMap {
    std::string code;
    std::map<std::string, std::string> fields;  // the service's top-level field id -> wizard's
    std::map<std::string, std::string> groups;  // the service's group id -> wizard's
  };

  // The wizard: the shared facts' steps in the order the services first ask them, then
  // each service's own steps ("医疗救助：病情和费用"), then one last step with the
  // signatures and photos. Own fields are renamed "<code>__<id>"; shared ones keep the id
  // of the first service that asks them. A shared field is required when any service
  // requires it; a shared choice offers the options every service accepts; bounds are
  // the tightest. Materials are every service's, each id once. Its self-check (when any
  // chosen service has one) asks every such service's questions, each id once, under
  // the calculator name kVisitCalculator: answer once, one verdict per service.
  ServiceSpec form;
  std::vector<ServiceMap> services;  // in the order the wizard asks them (catalog order)

  std::vector<std::string> Codes() const;
  const ServiceMap* MapOf(std::string_view code) const;
};

// Builds the wizard for 2..6 distinct codes of `catalog`. Fails kInvalidArgument for an
// unknown or repeated code or a count outside 2..6. Any thread.
Result<VisitForm> BuildVisitForm(const Catalog& catalog, const std::vector<std::string>& codes);

// The draft of one service of the visit, from the wizard's draft: its own fields and the
// shared ones under its own ids, its groups with only its group fields, the attachments
// its values refer to, the staff marks on its fields, the decision-delivery choice; the
// values of fields hidden under the service's own conditions dropped (DropHiddenValues).
ApplicationDraft SplitVisitDraft(const VisitForm& visit, const ServiceSpec& service,
                                 const ApplicationDraft& wizard_draft);

// Step `step_index` of the wizard checked against every chosen service's own rules (each
// on its split draft): the issues that land on that step, placed on the wizard's fields,
// each once. `catalog` is the one the visit was built from.
std::vector<FieldIssue> ValidateVisitStep(const VisitForm& visit, const Catalog& catalog,
                                          size_t step_index, const ApplicationDraft& wizard_draft,
                                          const CivilDate& today);

// The whole visit as the server will check it, service by service (ValidateDraft of
// each split draft), placed on the wizard's fields. No issues: every application of the
// visit is complete.
std::vector<FieldIssue> ValidateVisitDraft(const VisitForm& visit, const Catalog& catalog,
                                           const ApplicationDraft& wizard_draft,
                                           const CivilDate& today);

// Catalog check (called by the loader): every field with the same shared key has the
// same type in every service, a shared field shows only under a shared field, and the
// fields of groups with the same shared key agree by id and type. One sentence per
// problem, naming the service file and key.
std::vector<std::string> CheckSharedKeys(const Catalog& catalog);

}  // namespace yimen
