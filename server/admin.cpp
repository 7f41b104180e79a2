// Operator actions on the central database (see admin.h).
#include "server/admin.h"

#include <sodium.h>

#include <optional>

#include <nlohmann/json.hpp>

#include "common/sealing.h"
#include "domain/json_limits.h"
#include "server/application_open.h"
#include "server/enroll_code.h"
#include "server/ingest_checks.h"
#include "sync/protocol/signing.h"
#include "sync/protocol/status.h"

namespace yimen::server {

Result<std::string> IssueEnrollCode(PgPool& pool, const std::string& hall, int ttl_hours) {
  if (hall.empty()) return MakeError(ErrorKind::kInvalidArgument, "hall name is empty");
  if (ttl_hours < 1) return MakeError(ErrorKind::kInvalidArgument, "ttl must be at least 1 hour");
  if (Status s = protocol::InitCrypto(); !s.ok()) return s.error();
  // A fresh id when one is taken (one in 33 million per live code): a few tries.
  for (int attempt = 0; attempt < 8; ++attempt) {
    std::string code;
    for (size_t i = 0; i < kEnrollCodeChars; ++i) {
      code.push_back(kEnrollCodeAlphabet[randombytes_uniform(kEnrollCodeAlphabet.size())]);
    }
    bool inserted = false;
    Status status = pool.Run([&](pqxx::connection& c) {
      pqxx::work tx(c);
      inserted = !tx.exec_params(
                        "INSERT INTO enroll_codes (code_id, code_hash, hall, expires_at) "
                        "VALUES ($1, $2, $3, now() + make_interval(hours => $4)) "
                        "ON CONFLICT DO NOTHING RETURNING 1",
                        EnrollCodeId(code), protocol::Sha256Hex(code), hall, ttl_hours)
                      .empty();
      tx.commit();
    });
    if (!status.ok()) return status.error();
    // Printed in groups: IIIII-SSSS-SSSS-SSSS (id, then the secret).
    if (inserted) {
      return code.substr(0, 5) + "-" + code.substr(5, 4) + "-" + code.substr(9, 4) + "-" +
             code.substr(13);
    }
  }
  return MakeError(ErrorKind::kInternal, "no free enrollment code id after 8 tries");
}

Result<std::vector<ApplicationRow>> ListApplications(PgPool& pool, int limit) {
  std::vector<ApplicationRow> rows;
  Status status = pool.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    pqxx::result r =
        tx.exec_params("SELECT app_number, uuid::text, receipt, service_code, hall, device_id, " +
                           SqlIsoUtc("received_at") +
                           ", coalesce(status, ''), complete, coalesce(visit_number, ''), "
                           "coalesce(visit_size, 0) FROM applications ORDER BY id DESC LIMIT $1",
                       limit);
    for (const auto& row : r) {
      rows.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
                      row[3].as<std::string>(), row[4].as<std::string>(), row[5].as<int64_t>(),
                      row[6].as<std::string>(), row[7].as<std::string>(), row[8].as<bool>(),
                      row[9].as<std::string>(), row[10].as<int>()});
    }
  });
  if (!status.ok()) return status.error();
  return rows;
}

Result<std::string> ReadAttachmentPlaintext(PgPool& pool, KeyVault& vault,
                                            const std::string& app_number,
                                            const std::string& attachment_id) {
  // The photo's key travels inside the sealed application: open it the office way.
  auto opened = OpenApplication(pool, vault, app_number, nullptr);
  if (!opened.ok()) return opened.error();
  std::string reference;
  if (auto attachments = opened->payload.find("attachments");
      attachments != opened->payload.end() && attachments->is_object()) {
    if (auto ref = attachments->find(attachment_id);
        ref != attachments->end() && ref->is_string()) {
      reference = ref->get<std::string>();
    }
  }
  Wipe(&opened->sealed.payload);
  opened->payload = nullptr;
  std::optional<Error> problem;
  std::string ciphertext;
  Status status = pool.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    pqxx::result r = tx.exec_params(
        "SELECT t.complete, "
        "       (SELECT encode(string_agg(k.data, ''::bytea ORDER BY k.byte_offset), 'hex') "
        "        FROM attachment_chunks k "
        "        WHERE k.application_id = t.application_id AND k.attachment_id = t.attachment_id) "
        "FROM attachments t JOIN applications a ON a.id = t.application_id "
        "WHERE a.app_number = $1 AND t.attachment_id = $2",
        opened->row.app_number, attachment_id);
    if (r.empty()) {
      problem = MakeError(ErrorKind::kNotFound, "no attachment " + attachment_id +
                                                    " of application " + opened->row.app_number);
      return;
    }
    if (!r[0][0].as<bool>()) {
      problem = MakeError(ErrorKind::kUnavailable, "attachment " + attachment_id + " is still uploading");
      return;
    }
    const std::string hex = r[0][1].is_null() ? "" : r[0][1].as<std::string>();
    ciphertext.resize(hex.size() / 2);
    for (size_t i = 0; i < ciphertext.size(); ++i) {
      ciphertext[i] = static_cast<char>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
    }
  });
  if (!status.ok()) return status.error();
  if (problem) return *problem;
  const size_t key_at = reference.find(";key=");
  if (reference.rfind(seal::kSealedPhotoPrefix, 0) != 0 || key_at == std::string::npos) {
    return MakeError(ErrorKind::kRejected,
                     "the payload holds no key for attachment " + attachment_id);
  }
  auto key = Base64Decode(reference.substr(key_at + 5));
  Wipe(&reference);
  if (!key.ok()) return MakeError(ErrorKind::kRejected, "attachment key is not base64");
  auto plain = seal::DecryptAttachment(ciphertext, *key);
  Wipe(&*key);
  return plain;
}

}  // namespace yimen::server
