// Submit: the visit's checks, the drafts sealed by the store, the receipt. Split from
// form.cpp; the form's contract is session/form.h.
#include <cstdio>
#include <string>
#include <vector>

#include "common/civil_time.h"
#include "common/wipe.h"
#include "domain/name_mask.h"
#include "domain/visit_form.h"
#include "session/form.h"
#include "session/form_internal.h"
#include "store/store.h"

namespace yimen::session {
namespace {

// What the store seals for one service's draft: the payload, the masked name, the tail
// of the applicant's ID number that keys the status look-up. `applicant` (when not null)
// gets the surname for the receipt.
NewApplication ApplicationOf(const ServiceSpec& service, const ApplicationDraft& draft,
                             const CivilDate& today, int64_t now_s, std::string* applicant) {
  std::string name;
  std::string id_number;  // the applicant's: its last 6 characters key the status look-up
  for (const StepSpec& step : service.form.steps) {
    for (const FieldSpec& field : step.fields) {
      const auto value = draft.values.find(field.id);
      if (value == draft.values.end()) continue;
      if (field.type == FieldType::kChineseName && name.empty()) name = value->second;
      if (field.type == FieldType::kIdNumber && id_number.empty()) id_number = value->second;
    }
  }
  NewApplication application;
  application.service_code = service.code;
  application.catalog_version = draft.catalog_version;
  application.masked_name = MaskName(name);
  if (applicant != nullptr) *applicant = SurnameOnly(name);
  yimen::Wipe(&name);
  application.payload = DraftToJson(draft).dump();
  // One instant for the validation, the number's date and submitted_at, so the server's
  // re-validation (server/sealed_payload.h) reads the same civil date.
  application.created_date = today;
  application.created_at_iso = IsoUtc(now_s);
  if (id_number.size() >= 6) application.id_last6 = id_number.substr(id_number.size() - 6);
  yimen::Wipe(&id_number);
  return application;
}

}  // namespace

FormOutcome Form::Submit() {
  FormState& s = *m_state;
  FormOutcome out;
  const ServiceSpec* service = Service();
  const Language language = CurrentLanguage();
  // What was typed under a branch the resident later left is not part of the application.
  DropHiddenValues(*service, &s.draft);
  const int64_t now_s = WallMs() / 1000;
  const CivilDate today = ChinaDateAt(now_s);
  // A visit is checked service by service, as the server will check each application.
  std::vector<FieldIssue> issues = s.visit ? ValidateVisitDraft(*s.visit, Cat(), s.draft, today)
                                           : ValidateDraft(*service, Cat().region, s.draft, today);
  if (!issues.empty()) {
    s.submitting = false;
    s.banner_counts_errors = false;  // counts the whole draft's, not this page's
    s.banner =
        m_deps.strings->Format(language, "form.fix_errors", {{"count", CountText(issues.size())}});
    return out;
  }
  Result<Receipt> stored = StoreApplications(today, now_s);
  if (!stored.ok()) {
    // Nothing was committed, so no receipt; the resident's input stays for a retry.
    s.submitting = false;
    const SubmitRefusal refusal = ClassifySubmitError(stored.error());
    // No server key (never enrolled nor provisioned, or the key was retired): nothing
    // can be stored unsealed, so the kiosk says it is not ready yet.
    s.banner = m_deps.strings->Get(language,
                                   refusal == SubmitRefusal::kNeedsSetup ? "error.not_provisioned"
                                   : refusal == SubmitRefusal::kFull     ? "error.disk_full"
                                                                         : "error.submit_failed");
    std::fprintf(stderr, "submit failed: %s\n", stored.error().message.c_str());
    out.submit_error = stored.error();
    return out;
  }
  // The store holds only the sealed form now; the session copy goes at once,
  // photos and signatures included.
  WipeDraft(&s.draft);
  s.receipt = std::move(stored).value();
  s.submitting = false;
  out.go = Page::kReceipt;
  out.submitted = true;
  return out;
}

Result<Receipt> Form::StoreApplications(const CivilDate& today, int64_t now_s) {
  FormState& s = *m_state;
  // One draft per service: the visit's split back (domain/visit_form.h), or the form's.
  std::vector<const ServiceSpec*> services;
  std::vector<ApplicationDraft> drafts;
  if (s.visit) {
    for (const std::string& code : s.visit->Codes()) {
      const ServiceSpec* service = Cat().FindService(code);
      if (service == nullptr) return MakeError(ErrorKind::kInternal, "visit service " + code);
      services.push_back(service);
      drafts.push_back(SplitVisitDraft(*s.visit, *service, s.draft));
    }
  } else {
    services.push_back(Service());
    drafts.push_back(s.draft);
  }
  std::vector<NewApplication> applications;
  std::string applicant;  // surname only: the receipt leaves the hall
  for (size_t i = 0; i < drafts.size(); ++i) {
    applications.push_back(ApplicationOf(*services[i], drafts[i], today, now_s,
                                         applicant.empty() ? &applicant : nullptr));
    WipeDraft(&drafts[i]);
  }
  Result<std::vector<SubmittedApplication>> submitted =
      MakeError(ErrorKind::kNeedsSetup, "no store");
  if (m_deps.store != nullptr && applications.size() == 1) {
    Result<SubmittedApplication> one = m_deps.store->applications().Submit(applications[0]);
    submitted = one.ok() ? Result<std::vector<SubmittedApplication>>(
                               std::vector<SubmittedApplication>{std::move(one).value()})
                         : Result<std::vector<SubmittedApplication>>(one.error());
  } else if (m_deps.store != nullptr) {
    submitted = m_deps.store->applications().SubmitVisit(applications);
  }
  for (NewApplication& application : applications) {
    yimen::Wipe(&application.payload);
    yimen::Wipe(&application.id_last6);
  }
  if (!submitted.ok()) return submitted.error();
  Receipt receipt;
  receipt.app_number = submitted->front().app_number;
  receipt.service_code = s.service_code;
  receipt.date_text = FormatIsoDate(today);
  receipt.applicant = std::move(applicant);
  receipt.decision_delivery = s.draft.decision_delivery;
  if (s.visit) {
    receipt.visit_number = submitted->front().visit.visit_number;
    for (size_t i = 0; i < submitted->size(); ++i) {
      receipt.items.push_back({(*submitted)[i].app_number, services[i]->code});
    }
  }
  return receipt;
}

}  // namespace yimen::session
