// Opening an application on the office path (see application_open.h).
#include "server/application_open.h"

#include <map>
#include <optional>

#include "common/civil_time.h"
#include "common/sealing.h"
#include "server/ingest_checks.h"
#include "server/office_catalog.h"

namespace yimen::server {

void CatalogShelf::Add(Catalog catalog) {
  std::lock_guard<std::mutex> lock(m_mutex);
  const std::string version = catalog.version;
  m_catalogs[version] = std::make_shared<const Catalog>(std::move(catalog));
}

Result<std::shared_ptr<const Catalog>> CatalogShelf::Find(const std::string& version) const {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (auto it = m_catalogs.find(version); it != m_catalogs.end()) return it->second;
  }
  // A published version (server/office_catalog.h): {"files": {...}} or a bare catalog.json.
  auto catalog = LoadCatalogVersion(m_pool, version);
  if (!catalog.ok()) return catalog.error();
  auto shared = std::make_shared<const Catalog>(std::move(*catalog));
  std::lock_guard<std::mutex> lock(m_mutex);
  m_catalogs[version] = shared;
  return shared;
}

namespace {

// The self-check the kiosk offers for this service, on the resident's date of
// submission (UTC+8), with the catalog the kiosk used.
void RecheckSelfCheck(const Catalog& catalog, OpenedApplication* opened) {
  const ServiceSpec* service = catalog.FindService(opened->row.service_code);
  if (service == nullptr || !service->eligibility) return;
  auto draft = DraftFromJson(opened->payload);
  auto day = ChinaDateOfIso(opened->sealed.submitted_at);
  if (!draft.ok() || !day.ok()) {
    opened->self_check_note = "the application's answers or date cannot be read";
    return;
  }
  opened->self_check_date = FormatIsoDate(*day);
  auto cases = RecheckEligibility(*service, catalog.region, *draft, *day);
  if (!cases.ok()) {
    opened->self_check_note = "not recomputed: " + cases.error().message;
    return;
  }
  opened->self_check = std::move(*cases);
}

}  // namespace

Result<OpenedApplication> OpenApplication(PgPool& pool, KeyVault& vault, std::string_view number,
                                          const CatalogShelf* catalogs) {
  auto canonical = CanonicalAppNumber(number);
  if (!canonical.ok()) {
    return MakeError(ErrorKind::kInvalidArgument,
                     "not an application number (" + canonical.error().message + ")");
  }
  OpenedApplication opened;
  bool found = false;
  Status status = pool.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    pqxx::result r = tx.exec_params(
        "SELECT id, uuid::text, receipt, service_code, hall, device_id, "
        " " +
            SqlIsoUtc("received_at") +
            ", "
            " coalesce(status, ''), complete, payload_format, payload, submitted_at, "
            " catalog_version, coalesce(visit_number, ''), coalesce(visit_size, 0) "
            "FROM applications WHERE app_number = $1",
        *canonical);
    if (r.empty()) return;
    found = true;
    const auto& row = r[0];
    opened.row = {*canonical,
                  row[1].as<std::string>(),
                  row[2].as<std::string>(),
                  row[3].as<std::string>(),
                  row[4].as<std::string>(),
                  row[5].as<int64_t>(),
                  row[6].as<std::string>(),
                  row[7].as<std::string>(),
                  row[8].as<bool>(),
                  row[13].as<std::string>(),
                  row[14].as<int>()};
    opened.sealed.app_number = *canonical;
    opened.sealed.service_code = opened.row.service_code;
    opened.sealed.payload_format = row[9].as<std::string>();
    opened.sealed.payload = row[10].as<std::string>();
    opened.sealed.submitted_at = row[11].as<std::string>();
    opened.catalog_version = row[12].as<std::string>();
    pqxx::result a = tx.exec_params(
        "SELECT attachment_id, size, sha256, mime FROM attachments WHERE application_id = $1 "
        "ORDER BY attachment_id",
        row[0].as<int64_t>());
    for (const auto& att : a) {
      opened.sealed.attachments.push_back({att[0].as<std::string>(), att[1].as<int64_t>(),
                                           att[2].as<std::string>(), att[3].as<std::string>()});
    }
  });
  if (!status.ok()) return status.error();
  if (!found) return MakeError(ErrorKind::kNotFound, "no application " + *canonical);

  auto keys = vault.OpeningKeys();
  if (!keys.ok()) return keys.error();
  auto payload = OpenSealedPayload(opened.sealed, *keys);
  for (OpeningKey& key : *keys) Wipe(&key.secret_key);
  if (!payload.ok()) return payload.error();
  opened.payload = std::move(*payload);
  if (catalogs == nullptr) return opened;
  // The rules of the catalog the kiosk filled it with, not whatever is newest here.
  auto catalog = catalogs->Find(opened.catalog_version);
  if (!catalog.ok()) {
    if (catalog.error().kind == ErrorKind::kUnavailable) return catalog.error();
    opened.validation_note = catalog.error().message + ": not re-validated";
    return opened;
  }
  if (Status valid = ValidateOpenedPayload(**catalog, opened.sealed, opened.payload); !valid.ok()) {
    return valid.error();
  }
  opened.validated = true;
  RecheckSelfCheck(**catalog, &opened);
  return opened;
}

}  // namespace yimen::server
