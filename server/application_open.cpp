// Opening an application on the office path (see application_open.h).
#include "server/application_open.h"

#include <optional>

#include "common/sealing.h"
#include "server/ingest_checks.h"
#include "server/key_ring.h"

namespace yimen::server {

Result<OpenedApplication> OpenApplication(PgPool& pool, std::string_view number,
                                          const Catalog* catalog) {
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
        " " + SqlIsoUtc("received_at") + ", "
        " coalesce(status, ''), complete, payload_format, payload, submitted_at "
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
                  row[8].as<bool>()};
    opened.sealed.app_number = *canonical;
    opened.sealed.service_code = opened.row.service_code;
    opened.sealed.payload_format = row[9].as<std::string>();
    opened.sealed.payload = row[10].as<std::string>();
    opened.sealed.submitted_at = row[11].as<std::string>();
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

  auto ring = LoadKeyRing(pool, KeySecrets::kWith);
  if (!ring.ok()) return ring.error();
  std::vector<OpeningKey> keys;
  for (RingKey& key : *ring) {
    keys.push_back({key.key_id, key.public_key, key.secret_key});
    Wipe(&key.secret_key);
  }
  auto payload = OpenSealedPayload(opened.sealed, keys);
  for (OpeningKey& key : keys) Wipe(&key.secret_key);
  if (!payload.ok()) return payload.error();
  opened.payload = std::move(*payload);
  if (catalog != nullptr) {
    if (Status valid = ValidateOpenedPayload(*catalog, opened.sealed, opened.payload);
        !valid.ok()) {
      return valid.error();
    }
    opened.validated = true;
  }
  return opened;
}

}  // namespace yimen::server
