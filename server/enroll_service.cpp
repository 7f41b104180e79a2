// POST /v1/enroll (ServerCore::Enroll): a kiosk trades a one-time code for a device
// id. Guessing is bounded per code (a wrong secret counts against the code it names;
// after enroll_code_attempts the code is locked), and wrong guesses per client address
// are one counter row, so parallel guesses are counted exactly and a correct code
// always enrolls, even from an address that guessed wrongly — kiosks behind one NAT
// cannot lock each other out. docs/operations.md "Enrollment codes and guessing".
#include <sodium.h>

#include <algorithm>
#include <string>

#include "server/enroll_code.h"
#include "server/key_ring.h"
#include "server/service.h"

namespace yimen::server {
namespace {

// Both are SHA-256 hex strings; compared in constant time all the same.
bool SameHash(const std::string& a, const std::string& b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

// What one enrollment request decided, filled inside the transaction.
struct EnrollOutcome {
  std::string refusal;  // error word; "" = enrolled
  bool throttled = false;
  int retry_after_s = 0;
  protocol::EnrollResponse response;
};

// Counts one wrong guess against the client address, atomically (one upserted row,
// locked by the update), and says whether the address is over its budget.
void CountWrongGuess(pqxx::work& tx, const std::string& client, const ServerOptions& options,
                     EnrollOutcome* out) {
  pqxx::row row = tx.exec_params1(R"sql(
INSERT INTO enroll_throttle AS t (client, window_start, failures) VALUES ($1, now(), 1)
ON CONFLICT (client) DO UPDATE SET
  window_start = CASE WHEN t.window_start <= now() - make_interval(secs => $2)
                      THEN now() ELSE t.window_start END,
  failures = CASE WHEN t.window_start <= now() - make_interval(secs => $2)
                  THEN 1 ELSE t.failures + 1 END
RETURNING failures,
  ceil(extract(epoch FROM t.window_start + make_interval(secs => $2) - now()))::int
)sql",
                                  client, static_cast<double>(options.enroll_window_s));
  out->throttled = row[0].as<int>() > options.enroll_failures_allowed;
  out->retry_after_s = std::max(1, row[1].as<int>());
  // Rows whose window has passed count nothing any more: each wrong guess removes up
  // to 100 of them, so guesses from many addresses cannot grow the table without bound.
  tx.exec_params(R"sql(
DELETE FROM enroll_throttle WHERE ctid IN (
  SELECT ctid FROM enroll_throttle
  WHERE client <> $1 AND window_start <= now() - make_interval(secs => $2) LIMIT 100)
)sql",
                 client, static_cast<double>(options.enroll_window_s));
}

// Registers the key for a code that matched and is neither used nor expired.
void RegisterDevice(pqxx::work& tx, const protocol::EnrollRequest& request,
                    const std::string& code_id, EnrollOutcome* out) {
  // Keep the kiosk's own code when nobody else has it, so app numbers it already
  // printed stay unique; otherwise pick a free one.
  std::string kiosk_code = request.kiosk_code;
  // The same machine enrolled again after its old key was revoked (a new key, the same
  // hall) takes its code back from the revoked row, so the applications it kept, whose
  // numbers carry that code, are accepted from it (docs/operations.md "Revoking a
  // kiosk"). The revoked row keeps a code of its own ("K7Q2~17").
  if (!kiosk_code.empty()) {
    tx.exec_params(
        "UPDATE devices SET kiosk_code = kiosk_code || '~' || id WHERE kiosk_code = $1 AND "
        "revoked_at IS NOT NULL AND hall = $2",
        kiosk_code, out->response.hall);
  }
  for (int attempt = 0; attempt < 64; ++attempt) {
    const bool valid = kiosk_code.size() == 4 &&
                       std::all_of(kiosk_code.begin(), kiosk_code.end(), [](char ch) {
                         return kEnrollCodeAlphabet.find(ch) != std::string_view::npos;
                       });
    if (valid &&
        tx.exec_params("SELECT 1 FROM devices WHERE kiosk_code = $1", kiosk_code).empty()) {
      break;
    }
    kiosk_code.clear();
    for (int i = 0; i < 4; ++i) {
      kiosk_code.push_back(kEnrollCodeAlphabet[randombytes_uniform(kEnrollCodeAlphabet.size())]);
    }
  }
  pqxx::result d = tx.exec_params(
      "INSERT INTO devices (public_key, hall, kiosk_code, app_version) VALUES ($1, $2, $3, $4) "
      "ON CONFLICT (public_key) DO NOTHING RETURNING id",
      request.public_key, out->response.hall, kiosk_code, request.app_version);
  if (d.empty()) {
    // A revoked kiosk trying to come back with its old key under a fresh code is told
    // so: the key stays refused whatever code it brings.
    const bool revoked = !tx.exec_params(
                                "SELECT 1 FROM devices WHERE public_key = $1 AND "
                                "revoked_at IS NOT NULL",
                                request.public_key)
                              .empty();
    out->refusal = revoked ? protocol::kErrorDeviceRevoked : "key_in_use";
    return;
  }
  out->response.device_id = d[0][0].as<int64_t>();
  out->response.kiosk_code = kiosk_code;
  tx.exec_params("UPDATE enroll_codes SET used_at = now(), used_by = $1 WHERE code_id = $2",
                 out->response.device_id, code_id);
}

}  // namespace

ApiReply ServerCore::Enroll(const ApiRequest& request) {
  auto parsed = protocol::ParseRequest<protocol::EnrollRequest>(request.body);
  if (!parsed.ok()) return ErrorReply(400, "bad_request", parsed.error().message);
  auto key = Base64Decode(parsed->public_key);
  if (!key.ok() || key->size() != 32) {
    return ErrorReply(400, "bad_request", "public_key must be a base64 Ed25519 key");
  }
  const std::string code = NormaliseEnrollCode(parsed->code);
  const std::string code_id = EnrollCodeId(code);
  const std::string code_hash = protocol::Sha256Hex(code);

  EnrollOutcome out;
  Status status = m_pool.Run([&](pqxx::connection& c) {
    out = EnrollOutcome{};
    pqxx::work tx(c);
    pqxx::result r;
    if (!code_id.empty()) {
      // FOR UPDATE: guesses at one code take turns, so its count is exact.
      r = tx.exec_params(
          "SELECT e.hall, e.expires_at < now(), e.used_at IS NOT NULL, d.id, d.public_key, "
          "d.kiosk_code, e.code_hash, e.failures, d.revoked_at IS NOT NULL FROM enroll_codes e "
          "LEFT JOIN devices d ON d.id = e.used_by WHERE e.code_id = $1 FOR UPDATE OF e",
          code_id);
    }
    const bool locked = !r.empty() && r[0][7].as<int>() >= m_options.enroll_code_attempts;
    if (r.empty() || !SameHash(r[0][6].as<std::string>(), code_hash)) {
      // A wrong guess: against the code it names (until that is locked), and against
      // the address. A locked code is refused without counting more against it.
      out.refusal = locked ? "code_locked" : "code_invalid";
      if (!r.empty() && !locked) {
        tx.exec_params("UPDATE enroll_codes SET failures = failures + 1 WHERE code_id = $1",
                       code_id);
      }
      CountWrongGuess(tx, request.remote_addr, m_options, &out);
    } else if (r[0][2].as<bool>()) {
      // The same kiosk retrying after a lost reply gets its enrollment again; anyone
      // else is refused.
      if (!r[0][3].is_null() && r[0][4].as<std::string>() == parsed->public_key &&
          r[0][8].as<bool>()) {
        out.refusal = protocol::kErrorDeviceRevoked;
      } else if (!r[0][3].is_null() && r[0][4].as<std::string>() == parsed->public_key) {
        out.response.device_id = r[0][3].as<int64_t>();
        out.response.hall = r[0][0].as<std::string>();
        out.response.kiosk_code = r[0][5].as<std::string>();
      } else {
        out.refusal = "code_used";
      }
    } else if (locked) {
      out.refusal = "code_locked";
    } else if (r[0][1].as<bool>()) {
      out.refusal = "code_expired";
    } else {
      out.response.hall = r[0][0].as<std::string>();
      RegisterDevice(tx, *parsed, code_id, &out);
    }
    tx.commit();
  });
  if (!status.ok()) return ReplyForError(status.error());
  // A throttled address learns nothing more, not even whether the id it sent exists.
  if (out.throttled) {
    ApiReply reply = ErrorReply(429, "throttled", "too many wrong enrollment codes; wait");
    reply.retry_after_s = out.retry_after_s;
    return reply;
  }
  if (out.refusal == "code_invalid") return ErrorReply(403, out.refusal, "no such enrollment code");
  if (out.refusal == "code_locked") {
    return ErrorReply(403, out.refusal, "too many wrong attempts at this code; ask for a new one");
  }
  if (out.refusal == "code_used") return ErrorReply(403, out.refusal, "this code was already used");
  if (out.refusal == "code_expired") return ErrorReply(403, out.refusal, "this code has expired");
  if (out.refusal == protocol::kErrorDeviceRevoked) {
    return ErrorReply(403, out.refusal, "this kiosk's key was revoked; enroll it with a new key");
  }
  if (out.refusal == "key_in_use") {
    return ErrorReply(409, out.refusal, "this public key is enrolled");
  }
  protocol::EnrollResponse& response = out.response;
  auto active = ActiveSealingKey(m_pool);
  if (!active.ok()) return ReplyForError(active.error());
  response.sealing_public_key = Base64Encode(active->public_key);
  response.sealing_key_id = active->key_id;
  response.server_time = std::time(nullptr);
  ApiReply reply;
  reply.body = protocol::SerializeMessage(response);
  reply.device_id = response.device_id;
  return reply;
}

}  // namespace yimen::server
