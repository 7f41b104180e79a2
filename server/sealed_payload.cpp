// Opening a stored application (see sealed_payload.h). The plaintext lives only in
// this function's locals and the returned JSON; the text copy is wiped before return.
#include "server/sealed_payload.h"

#include <algorithm>

#include "common/civil_time.h"
#include "common/sealing.h"
#include "domain/civil_date.h"
#include "domain/form.h"
#include "domain/json_limits.h"
#include "sync/protocol/signing.h"

namespace yimen::server {
namespace {

constexpr size_t kIssuesNamed = 3;

Error CannotOpen(const std::string& why) {
  return MakeError(ErrorKind::kRejected, "cannot open: " + why);
}

Result<std::string> Unseal(const SealedApplication& application,
                           const std::vector<OpeningKey>& keys) {
  if (application.payload_format == protocol::kPayloadSealedV2) {
    auto envelope = seal::ParseEnvelope(application.payload);
    if (!envelope.ok()) return CannotOpen(envelope.error().message);
    for (const OpeningKey& key : keys) {
      if (key.key_id != envelope->key_id) continue;
      if (key.secret_key.empty()) {
        return CannotOpen("sealed to retired key " + key.key_id + ", whose secret is deleted");
      }
      auto opened = seal::OpenEnvelope(*envelope, key.public_key, key.secret_key);
      if (!opened.ok()) return CannotOpen(opened.error().message);
      return opened;
    }
    return CannotOpen("sealed to unknown key " + envelope->key_id);
  }
  if (application.payload_format == protocol::kPayloadSealedV1) {
    auto box = Base64Decode(application.payload);
    if (!box.ok()) return CannotOpen("sealed payload is not base64");
    for (const OpeningKey& key : keys) {
      if (key.secret_key.empty()) continue;
      auto opened = protocol::Unseal(*box, {key.public_key, key.secret_key});
      if (opened.ok()) return opened;
    }
    return CannotOpen("the sealed box opens with no key of the ring (altered, or retired key)");
  }
  return CannotOpen("payload_format \"" + application.payload_format + "\" is not sealed");
}

}  // namespace

Result<nlohmann::json> OpenSealedPayload(const SealedApplication& application,
                                         const std::vector<OpeningKey>& keys) {
  auto text = Unseal(application, keys);
  if (!text.ok()) return text.error();
  auto payload = ParseJsonWithin(*text);
  Wipe(&*text);
  if (!payload.ok()) return CannotOpen("the payload is " + payload.error().message);
  if (!payload->is_object()) return CannotOpen("the payload is not a JSON object");
  // A sealed photo is announced in the push and referenced in the payload: both must
  // name the same ciphertext, or the office could never check what it decrypts.
  if (auto attachments = payload->find("attachments");
      attachments != payload->end() && attachments->is_object()) {
    for (const auto& [key, value] : attachments->items()) {
      if (!value.is_string()) continue;
      const std::string& ref = key;  // a structured binding cannot be captured (clang 14)
      const std::string& text_value = value.get_ref<const std::string&>();
      if (text_value.rfind(seal::kSealedPhotoPrefix, 0) != 0) continue;
      const std::string sha =
          text_value.substr(std::string_view(seal::kSealedPhotoPrefix).size(), 64);
      const bool announced = std::any_of(
          application.attachments.begin(), application.attachments.end(),
          [&](const protocol::AttachmentRef& a) { return a.id == ref && a.sha256 == sha; });
      if (!announced) {
        return CannotOpen("sealed attachment " + ref + " is not announced with that sha256");
      }
    }
  }
  return payload;
}

Status ValidateOpenedPayload(const Catalog& catalog, const SealedApplication& application,
                             const nlohmann::json& payload) {
  auto draft = DraftFromJson(payload);
  if (!draft.ok()) {
    return MakeError(ErrorKind::kRejected,
                     "payload is not an application: " + draft.error().message);
  }
  if (draft->service_code != application.service_code) {
    return MakeError(ErrorKind::kRejected, "payload is for service \"" + draft->service_code +
                                               "\", the item says \"" +
                                               application.service_code + "\"");
  }
  const ServiceSpec* service = catalog.FindService(application.service_code);
  if (service == nullptr) {
    return MakeError(ErrorKind::kRejected, "no service \"" + application.service_code +
                                               "\" in catalog " + catalog.version);
  }
  Result<CivilDate> submitted_on = ChinaDateOfIso(application.submitted_at);
  if (!submitted_on.ok()) submitted_on = ChinaDateAt(UnixSecondsNow());
  const std::vector<FieldIssue> issues =
      ValidateDraft(*service, catalog.region, *draft, *submitted_on);
  if (issues.empty()) return Status::Ok();
  std::string reason = "application fails the catalog's rules (" + catalog.version + "):";
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
}

}  // namespace yimen::server
