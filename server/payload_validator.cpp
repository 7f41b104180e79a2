// Catalog re-validation of pushed payloads (see payload_validator.h).
#include "server/payload_validator.h"

#include <ctime>

#include "domain/civil_date.h"
#include "domain/form.h"

namespace yimen::server {
namespace {

constexpr size_t kIssuesNamed = 3;

CivilDate SubmittedOn(const std::string& submitted_at) {
  if (submitted_at.size() >= 10) {
    if (auto date = ParseIsoDate(submitted_at.substr(0, 10)); date.ok()) return *date;
  }
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  return {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

}  // namespace

PayloadValidator MakeCatalogValidator(std::shared_ptr<const Catalog> catalog) {
  return [catalog](const protocol::PushItem& item, const nlohmann::json& payload) -> Status {
    auto draft = DraftFromJson(payload);
    if (!draft.ok()) {
      return MakeError(ErrorKind::kRejected, "payload is not an application: " +
                                                 draft.error().message);
    }
    if (draft->service_code != item.service_code) {
      return MakeError(ErrorKind::kRejected, "payload is for service \"" + draft->service_code +
                                                 "\", the item says \"" + item.service_code + "\"");
    }
    const ServiceSpec* service = catalog->FindService(item.service_code);
    if (service == nullptr) {
      return MakeError(ErrorKind::kRejected, "no service \"" + item.service_code +
                                                 "\" in catalog " + catalog->version);
    }
    const std::vector<FieldIssue> issues =
        ValidateDraft(*service, catalog->region, *draft, SubmittedOn(item.submitted_at));
    if (issues.empty()) return Status::Ok();
    std::string reason = "application fails the catalog's rules (" + catalog->version + "):";
    for (size_t i = 0; i < issues.size() && i < kIssuesNamed; ++i) {
      const FieldIssue& issue = issues[i];
      reason += i == 0 ? " " : "; ";
      if (!issue.group_id.empty()) {
        reason += issue.group_id + "[" + std::to_string(issue.group_index) + "].";
      }
      reason += (issue.field_id.empty() ? std::string("(form)") : issue.field_id) + ": " +
                issue.message_key;
    }
    if (issues.size() > kIssuesNamed) {
      reason += " (and " + std::to_string(issues.size() - kIssuesNamed) + " more)";
    }
    return MakeError(ErrorKind::kRejected, reason);
  };
}

}  // namespace yimen::server
