// The API's rules (see service.h). Each handler does its work in one PostgreSQL
// transaction so a request either happened completely or not at all; that is what
// makes a retried push safe no matter where the previous attempt was cut.
#include "server/service.h"

#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <set>

#include "server/ingest_checks.h"
#include "server/key_ring.h"
#include "server/migrations.h"
#include "server/request_head.h"
#include "sync/protocol/status.h"

namespace yimen::server {
namespace {

using nlohmann::json;
using protocol::PushOutcome;

constexpr int kRetryAfterDbDown = 5;
constexpr int64_t kNoncePruneEvery = 256;


std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool IsUuid(const std::string& text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

ApiReply JsonReply(int status, const json& body) {
  ApiReply reply;
  reply.status = status;
  // A reason may quote what the peer sent (a path, an id): never let its bytes make
  // the reply itself fail to serialise.
  reply.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return reply;
}

// What every push runs, prepared once per connection: parsing and planning these on
// every request cost PostgreSQL more CPU than executing them (measured with
// yimen-fleet; docs/benchmarks.md).
void PreparePushStatements(pqxx::connection& c) {
  const std::string iso_received = SqlIsoUtc("received_at");
  c.prepare("device_by_id",
            "SELECT public_key, hall, revoked_at IS NOT NULL FROM devices WHERE id = $1");
  c.prepare("record_nonce",
            "INSERT INTO request_nonces (device_id, nonce) VALUES ($1, $2) "
            "ON CONFLICT DO NOTHING RETURNING 1");
  c.prepare("push_existing",
            "SELECT uuid::text, receipt, " + iso_received + ", device_id FROM applications "
            "WHERE uuid IN (SELECT (jsonb_array_elements_text($1::jsonb))::uuid)");
  c.prepare("device_kiosk_code", "SELECT kiosk_code FROM devices WHERE id = $1");
  c.prepare("push_number_owners",
            "SELECT app_number, uuid::text FROM applications "
            "WHERE app_number IN (SELECT jsonb_array_elements_text($1::jsonb))");
  c.prepare(
      "push_insert",
      "INSERT INTO applications (id, uuid, app_number, receipt, device_id, hall, "
      " service_code, catalog_version, payload_format, payload, submitted_at, received_at, "
      " attachments_total, complete) "
      "SELECT s.id, s.uuid, s.app_number, "
      " 'R' || to_char(now() AT TIME ZONE 'UTC', 'YYYYMMDD') || '-' || lpad(s.id::text, 8, '0'), "
      " $2, $3, s.service_code, coalesce(s.catalog_version, ''), s.payload_format, s.payload, "
      " coalesce(s.submitted_at, ''), now(), s.attachments_total, s.attachments_total = 0 "
      "FROM (SELECT nextval('applications_id_seq') AS id, x.* FROM jsonb_to_recordset($1::jsonb) "
      " AS x(uuid uuid, app_number text, service_code text, catalog_version text, "
      "      payload_format text, payload text, submitted_at text, attachments_total int)) s "
      "ON CONFLICT (uuid) DO NOTHING "
      "RETURNING uuid::text, receipt, " + iso_received);
}

}  // namespace

std::string ApiRequest::Header(const std::string& name) const {
  auto it = headers.find(Lower(name));
  return it == headers.end() ? std::string() : it->second;
}

ApiReply ErrorReply(int status, const std::string& error, const std::string& message) {
  return JsonReply(status, protocol::ErrorBody{error, message});
}

ApiReply ReplyForError(const Error& error) {
  switch (error.kind) {
    case ErrorKind::kInvalidArgument: return ErrorReply(400, "bad_request", error.message);
    case ErrorKind::kNotFound: return ErrorReply(404, "not_found", error.message);
    case ErrorKind::kRejected: return ErrorReply(422, "rejected", error.message);
    default: break;
  }
  // A 5xx body names no database text and no payload: a fixed sentence and a reference
  // to the log line that holds the detail. Only the first line of a database message
  // goes there (PostgreSQL's DETAIL and the query may quote row values).
  unsigned char random[4];
  randombytes_buf(random, sizeof random);
  const std::string reference = protocol::HexEncode(
      std::string_view(reinterpret_cast<const char*>(random), sizeof random));
  std::string detail = error.message.substr(0, error.message.find('\n'));
  if (detail.size() > 300) detail.resize(300);
  ApiReply reply;
  switch (error.kind) {
    case ErrorKind::kUnavailable:
      reply = ErrorReply(503, "unavailable",
                         "the database is unavailable; retry later (ref " + reference + ")");
      reply.retry_after_s = kRetryAfterDbDown;
      break;
    case ErrorKind::kConflict:
      reply = ErrorReply(503, "conflict_retry",
                         "a concurrent change got in the way; retry (ref " + reference + ")");
      reply.retry_after_s = 1;
      break;
    default:
      reply = ErrorReply(500, "internal",
                         "the server failed; the request changed nothing (ref " + reference + ")");
      break;
  }
  reply.log_note = "ref " + reference + " " + ErrorKindName(error.kind) + ": " + detail;
  return reply;
}

std::string QueryParam(const std::string& query, const std::string& key) {
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    const std::string pair = query.substr(start, end - start);
    const size_t eq = pair.find('=');
    if (pair.substr(0, eq) == key) return eq == std::string::npos ? "" : pair.substr(eq + 1);
    start = end + 1;
  }
  return "";
}

ServerCore::ServerCore(const ServerOptions& options)
    : m_options(options), m_pool(options.pg_url) {}

Result<std::unique_ptr<ServerCore>> ServerCore::Open(const ServerOptions& options) {
  if (Status s = protocol::InitCrypto(); !s.ok()) return s.error();
  std::unique_ptr<ServerCore> core(new ServerCore(options));
  auto version = ApplyMigrations(core->m_pool);
  if (!version.ok()) return version.error();
  // Every copy makes sure of an active key; the table lock lets only one make it.
  if (Status ring = EnsureKeyRing(core->m_pool); !ring.ok()) return ring.error();
  if (auto active = ActiveSealingKey(core->m_pool); !active.ok()) return active.error();
  // Set after the migrations: PREPARE checks the statements against the tables.
  core->m_pool.SetOnConnect(PreparePushStatements);
  core->m_pool.SetLimits(options.pg_limits);
  return core;
}

std::optional<ApiReply> ServerCore::Admit(ApiRequest* request) {
  const ApiRequest& head = *request;
  request->admitted.reset();
  const std::string path = head.target.substr(0, head.target.find('?'));
  const Route route = RouteOf(path);
  if (route == Route::kUnknown) return ErrorReply(404, "not_found", "no such endpoint: " + path);
  if (!MethodAllowed(route, head.method)) {
    return ErrorReply(405, "method_not_allowed", head.method + " " + path);
  }
  if (!NeedsSignature(route)) return std::nullopt;
  auto headers = ParseSignatureHeaders(head);
  if (!headers.ok()) return ErrorReply(401, "unsigned", headers.error().message);
  if (!IsWellFormedSignature(headers->signature)) {
    return ErrorReply(401, "bad_signature", "signature is not a base64 Ed25519 signature");
  }
  if (auto stale = CheckClock(headers->timestamp)) return stale;
  auto device = LookUpDevice(headers->device_id);
  if (!device.ok()) return ReplyForError(device.error());
  const std::string id = std::to_string(headers->device_id);
  if (!device->has_value()) return ErrorReply(401, "unknown_device", "no enrolled device " + id);
  if ((*device)->revoked) return ErrorReply(403, "revoked", "device " + id + " was revoked");
  request->admitted = ApiRequest::AdmittedDevice{headers->device_id, (*device)->public_key,
                                                  (*device)->hall, (*device)->revoked};
  return std::nullopt;
}

ApiReply ServerCore::Handle(const ApiRequest& request) {
  const size_t question = request.target.find('?');
  const std::string path = request.target.substr(0, question);
  const std::string query =
      question == std::string::npos ? std::string() : request.target.substr(question + 1);

  if (path == protocol::kPathHealth && request.method == "GET") return Health();
  if (path == protocol::kPathEnroll && request.method == "POST") return Enroll(request);

  if (!NeedsSignature(RouteOf(path))) {
    return ErrorReply(404, "not_found", "no such endpoint: " + path);
  }

  DeviceIdentity device;
  // A push records its nonce in the same transaction as its rows: one commit (one WAL
  // flush) per push instead of two. Everything else records it on its own first.
  const bool push = path == protocol::kPathPush && request.method == "POST";
  if (auto refusal = Authenticate(request, &device, /*record_nonce=*/!push)) return *refusal;

  ApiReply reply;
  if (path == protocol::kPathPush && request.method == "POST") {
    reply = Push(device, request);
  } else if (path == protocol::kPathStatus && request.method == "GET") {
    reply = PullStatus(device, query);
  } else if (path == protocol::kPathHeartbeat && request.method == "POST") {
    reply = Heartbeat(device, request);
  } else if (path == protocol::kPathCatalog && request.method == "GET") {
    reply = Catalog(query);
  } else if (path == protocol::kPathStaffAccounts && request.method == "GET") {
    reply = PullStaffAccounts(device, query);
  } else if (path == protocol::kPathAudit && request.method == "POST") {
    reply = PushAudit(device, request);
  } else if (path.rfind(std::string(protocol::kPathAttachments) + "/", 0) == 0) {
    // /v1/attachments/{uuid}/{attachment_id}
    const std::string rest = path.substr(std::string(protocol::kPathAttachments).size() + 1);
    const size_t slash = rest.find('/');
    if (slash == std::string::npos) {
      reply = ErrorReply(404, "not_found", "expected /v1/attachments/{uuid}/{id}");
    } else if (request.method == "GET") {
      reply = AttachmentState(device, rest.substr(0, slash), rest.substr(slash + 1));
    } else if (request.method == "PUT") {
      reply = AttachmentChunk(device, rest.substr(0, slash), rest.substr(slash + 1), query,
                              request.body);
    } else {
      reply = ErrorReply(405, "method_not_allowed", request.method + " " + path);
    }
  } else {
    reply = ErrorReply(405, "method_not_allowed", request.method + " " + path);
  }
  reply.device_id = device.id;
  return reply;
}

ApiReply ServerCore::Health() {
  int schema = 0;
  Status status = m_pool.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    schema = tx.exec("SELECT max(version) FROM schema_migrations")[0][0].as<int>();
  });
  if (!status.ok()) return ReplyForError(status.error());
  return JsonReply(200, json{{"ok", true}, {"schema", schema}, {"time", std::time(nullptr)}});
}

bool ServerCore::RecordNonce(pqxx::work& tx, int64_t device_id, const std::string& nonce) {
  // Nonces are remembered longer than a timestamp stays acceptable (2 × skew), so a
  // replay is either remembered or stale.
  static std::atomic<int64_t> requests{0};
  const bool prune = ++requests % kNoncePruneEvery == 0;
  const bool fresh = !tx.exec_prepared("record_nonce", device_id, nonce).empty();
  if (prune) {
    tx.exec_params("DELETE FROM request_nonces WHERE seen_at < now() - make_interval(secs => $1)",
                   static_cast<double>(3 * m_options.max_clock_skew_s));
  }
  return fresh;
}

Result<std::optional<ServerCore::DeviceRow>> ServerCore::LookUpDevice(int64_t device_id) {
  std::optional<DeviceRow> device;
  Status status = m_pool.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    pqxx::result r = tx.exec_prepared("device_by_id", device_id);
    if (r.empty()) return;
    device = DeviceRow{r[0][0].as<std::string>(), r[0][1].as<std::string>(), r[0][2].as<bool>()};
  });
  if (!status.ok()) return status.error();
  return device;
}

std::optional<ApiReply> ServerCore::CheckClock(int64_t timestamp) const {
  const int64_t now = std::time(nullptr);
  if (WithinClockSkew(timestamp, now, m_options.max_clock_skew_s)) return std::nullopt;
  return ErrorReply(401, "stale_timestamp",
                    "timestamp is " + std::to_string(ClockOffset(timestamp, now)) +
                        " s away from the server clock; resign with X-Yimen-Server-Time");
}

std::optional<ApiReply> ServerCore::Authenticate(const ApiRequest& request,
                                                 DeviceIdentity* device, bool record_nonce) {
  auto headers = ParseSignatureHeaders(request);
  if (!headers.ok()) return ErrorReply(401, "unsigned", headers.error().message);
  const int64_t device_id = headers->device_id;
  const std::string& nonce = headers->nonce;
  const std::string device_text = std::to_string(device_id);

  // The row Admit read for this very request when there is one (one query per request,
  // not two); otherwise (a caller that skipped Admit) read it here.
  std::optional<DeviceRow> admitted;
  if (request.admitted && request.admitted->id == device_id) {
    admitted = DeviceRow{request.admitted->public_key, request.admitted->hall,
                         request.admitted->revoked};
  } else {
    auto row = LookUpDevice(device_id);
    if (!row.ok()) return ReplyForError(row.error());
    admitted = std::move(*row);
  }
  if (!admitted) return ErrorReply(401, "unknown_device", "no enrolled device " + device_text);
  const DeviceRow& known = *admitted;
  auto key = protocol::Base64Decode(known.public_key);
  protocol::SignedParts parts{request.method, request.target, headers->timestamp, nonce,
                              request.body};
  if (!key.ok() || !protocol::VerifyRequest(parts, headers->signature, *key)) {
    return ErrorReply(401, "bad_signature", "signature does not match the enrolled key");
  }
  if (known.revoked) return ErrorReply(403, "revoked", "device " + device_text + " was revoked");
  if (auto stale = CheckClock(headers->timestamp)) return stale;
  device->id = device_id;
  device->hall = known.hall;
  device->nonce = nonce;
  if (!record_nonce) return std::nullopt;
  bool fresh = false;
  Status status = m_pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    fresh = RecordNonce(tx, device_id, nonce);
    tx.commit();
  });
  if (!status.ok()) return ReplyForError(status.error());
  if (!fresh) return ErrorReply(401, "replayed", "this nonce was already used");
  return std::nullopt;
}

ApiReply ServerCore::Push(const DeviceIdentity& device, const ApiRequest& request) {
  // NUL text is judged per item below (code bad_text), so one bad item does not cost
  // the kiosk its whole batch.
  auto parsed =
      protocol::ParseRequest<protocol::PushRequest>(request.body, protocol::NulText::kCallerChecks);
  if (!parsed.ok()) return ErrorReply(400, "bad_request", parsed.error().message);
  std::vector<protocol::PushItem>& items = parsed->items;
  if (items.size() > protocol::kMaxPushBatch) {
    return ErrorReply(413, "batch_too_large",
                      "at most " + std::to_string(protocol::kMaxPushBatch) + " items per push");
  }
  // Ids and states only: ingest holds no secret and opens nothing (DESIGN decision 9).
  // Read per push, so a rotation by yimen-admin is seen by every copy at once.
  auto ring = LoadKeyRing(m_pool, KeySecrets::kWithout);
  if (!ring.ok()) return ReplyForError(ring.error());
  std::vector<KnownKey> keys;
  for (const RingKey& key : *ring) keys.push_back({key.key_id, key.state == KeyState::kRetired});

  const size_t n = items.size();
  std::vector<protocol::PushResult> results(n);
  std::vector<bool> decided(n, false);
  std::vector<std::string> numbers(n);  // canonical, for items that pass the checks
  auto reject = [&](size_t i, const char* code, std::string reason) {
    results[i].outcome = PushOutcome::kRejected;
    results[i].code = code;
    results[i].reason = std::move(reason);
    decided[i] = true;
  };
  for (size_t i = 0; i < n; ++i) {
    items[i].uuid = Lower(items[i].uuid);
    results[i].uuid = items[i].uuid;
  }

  bool replayed = false;
  Status status = m_pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    // The replay check first, in this transaction: a replay stores nothing, and a push
    // that rolls back leaves its nonce unused, which is harmless (nothing happened).
    // Two copies of one request racing on two servers serialize on the nonce's key.
    if (!RecordNonce(tx, device.id, device.nonce)) {
      replayed = true;
      return;  // the transaction is rolled back
    }
    const pqxx::result code_row = tx.exec_prepared("device_kiosk_code", device.id);
    const std::string kiosk_code = code_row.empty() ? "" : code_row[0][0].as<std::string>();
    // Whatever the server already holds is answered from there: a retry after a lost
    // reply gets the original receipt, even if it would now fail a check.
    std::map<std::string, std::pair<std::string, std::string>> existing;  // uuid → receipt, time
    std::map<std::string, int64_t> existing_device;
    auto load_existing = [&](const json& wanted) {
      pqxx::result r = tx.exec_prepared("push_existing", wanted.dump());
      for (const auto& row : r) {
        existing[row[0].as<std::string>()] = {row[1].as<std::string>(), row[2].as<std::string>()};
        existing_device[row[0].as<std::string>()] = row[3].as<int64_t>();
      }
    };
    json valid_uuids = json::array();
    for (size_t i = 0; i < n; ++i) {
      ItemVerdict verdict = CheckPushItem(items[i], keys, kiosk_code);
      if (verdict.ok()) {
        numbers[i] = std::move(verdict.app_number);
        valid_uuids.push_back(items[i].uuid);
      } else if (verdict.code != protocol::reject::kBadText &&
                 verdict.code != protocol::reject::kBadItem) {
        // A well-formed uuid the server may already hold: answered from there below.
        valid_uuids.push_back(items[i].uuid);
        reject(i, verdict.code.c_str(), verdict.reason);
      } else {
        reject(i, verdict.code.c_str(), verdict.reason);
      }
    }
    load_existing(valid_uuids);
    for (size_t i = 0; i < n; ++i) {
      if (!decided[i] || !existing.count(items[i].uuid)) continue;
      decided[i] = false;  // stored before: duplicate (or another kiosk's), decided below
      results[i].code.clear();
      results[i].reason.clear();
    }

    // Numbers another application already holds are refused: one number, one
    // application, compared in the canonical spelling every look-up uses.
    json wanted_numbers = json::array();
    for (size_t i = 0; i < n; ++i) {
      if (!decided[i] && !existing.count(items[i].uuid)) wanted_numbers.push_back(numbers[i]);
    }
    std::map<std::string, std::string> number_owner;
    if (!wanted_numbers.empty()) {
      pqxx::result r = tx.exec_prepared("push_number_owners", wanted_numbers.dump());
      for (const auto& row : r) number_owner[row[0].as<std::string>()] = row[1].as<std::string>();
    }

    json rows = json::array();
    json attachment_rows = json::array();
    std::set<std::string> batch_uuids;
    for (size_t i = 0; i < n; ++i) {
      if (decided[i] || existing.count(items[i].uuid)) continue;
      const protocol::PushItem& item = items[i];
      if (!batch_uuids.insert(item.uuid).second) continue;  // repeated in this batch
      auto owner = number_owner.find(numbers[i]);
      if (owner != number_owner.end() && owner->second != item.uuid) {
        reject(i, protocol::reject::kNumberTaken,
               "app_number " + numbers[i] + " belongs to another application");
        continue;
      }
      number_owner[numbers[i]] = item.uuid;
      // The payload exactly as received: the sealed envelope, never opened here.
      rows.push_back({{"uuid", item.uuid},
                      {"app_number", numbers[i]},
                      {"service_code", item.service_code},
                      {"catalog_version", item.catalog_version},
                      {"payload_format", item.payload_format},
                      {"payload", item.payload},
                      {"submitted_at", item.submitted_at},
                      {"attachments_total", item.attachments.size()}});
      for (const protocol::AttachmentRef& a : item.attachments) {
        attachment_rows.push_back({{"uuid", item.uuid}, {"attachment_id", a.id},
                                   {"size", a.size}, {"sha256", a.sha256}, {"mime", a.mime}});
      }
    }

    std::map<std::string, std::pair<std::string, std::string>> created;
    if (!rows.empty()) {
      pqxx::result r = tx.exec_prepared("push_insert", rows.dump(), device.id, device.hall);
      for (const auto& row : r) {
        created[row[0].as<std::string>()] = {row[1].as<std::string>(), row[2].as<std::string>()};
      }
      if (!attachment_rows.empty()) {
        tx.exec_params(
            "INSERT INTO attachments (application_id, attachment_id, size, sha256, mime) "
            "SELECT a.id, x.attachment_id, x.size, x.sha256, x.mime "
            "FROM jsonb_to_recordset($1::jsonb) AS x(uuid uuid, attachment_id text, size bigint, "
            "     sha256 text, mime text) JOIN applications a ON a.uuid = x.uuid "
            "ON CONFLICT DO NOTHING",
            attachment_rows.dump());
      }
      // Rows another server copy inserted between our look-up and our insert.
      json raced = json::array();
      for (const auto& row : rows) {
        if (!created.count(row["uuid"].get<std::string>())) raced.push_back(row["uuid"]);
      }
      if (!raced.empty()) load_existing(raced);
    }
    tx.commit();

    for (size_t i = 0; i < n; ++i) {
      if (decided[i]) continue;
      auto made = created.find(items[i].uuid);
      if (made != created.end()) {
        // A UUID repeated inside one batch: the first is created, the rest duplicate it.
        const bool first = std::find_if(items.begin(), items.begin() + static_cast<long>(i),
                                        [&](const protocol::PushItem& other) {
                                          return other.uuid == items[i].uuid;
                                        }) == items.begin() + static_cast<long>(i);
        results[i].outcome = first ? PushOutcome::kCreated : PushOutcome::kDuplicate;
        results[i].receipt = made->second.first;
        results[i].server_time = made->second.second;
        continue;
      }
      auto old = existing.find(items[i].uuid);
      if (old == existing.end()) {
        reject(i, protocol::reject::kInternal, "not stored (internal)");
      } else if (existing_device[items[i].uuid] != device.id) {
        reject(i, protocol::reject::kUuidNotYours,
               "uuid belongs to an application from another kiosk");
      } else {
        results[i].outcome = PushOutcome::kDuplicate;
        results[i].receipt = old->second.first;
        results[i].server_time = old->second.second;
      }
    }
  });
  if (!status.ok()) return ReplyForError(status.error());
  if (replayed) return ErrorReply(401, "replayed", "this nonce was already used");
  return JsonReply(200, protocol::PushResponse{std::move(results)});
}

ApiReply ServerCore::PullStatus(const DeviceIdentity& device, const std::string& query) {
  int64_t after = 0;
  int64_t limit = static_cast<int64_t>(protocol::kMaxStatusPage);
  try {
    if (std::string a = QueryParam(query, "after"); !a.empty()) after = std::stoll(a);
    if (std::string l = QueryParam(query, "limit"); !l.empty()) limit = std::stoll(l);
  } catch (const std::exception&) {
    return ErrorReply(400, "bad_request", "after and limit must be integers");
  }
  limit = std::clamp<int64_t>(limit, 1, static_cast<int64_t>(protocol::kMaxStatusPage));
  protocol::StatusPage page;
  page.cursor = after;
  Status status = m_pool.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    // Only this kiosk's own applications: their uuids are the ones its store knows.
    pqxx::result r = tx.exec_params(
        "SELECT sc.seq, a.uuid::text, a.app_number, sc.status, sc.reason, " +
            SqlIsoUtc("sc.changed_at") +
            " FROM status_changes sc JOIN applications a ON a.id = sc.application_id "
            "WHERE sc.seq > $1 AND a.device_id = $2 ORDER BY sc.seq LIMIT $3",
        after, device.id, limit + 1);
    for (const auto& row : r) {
      if (static_cast<int64_t>(page.changes.size()) == limit) {
        page.more = true;
        break;
      }
      protocol::StatusChange change;
      change.seq = row[0].as<int64_t>();
      change.uuid = row[1].as<std::string>();
      change.app_number = row[2].as<std::string>();
      change.status = row[3].as<std::string>();
      change.reason = row[4].as<std::string>();
      change.changed_at = row[5].as<std::string>();
      page.cursor = change.seq;
      page.changes.push_back(std::move(change));
    }
    pqxx::result epoch = tx.exec("SELECT epoch FROM database_epoch");
    if (!epoch.empty()) page.epoch = epoch[0][0].as<std::string>();
  });
  if (!status.ok()) return ReplyForError(status.error());
  return JsonReply(200, page);
}

ApiReply ServerCore::Heartbeat(const DeviceIdentity& device, const ApiRequest& request) {
  auto parsed = protocol::ParseRequest<protocol::Heartbeat>(request.body);
  if (!parsed.ok()) return ErrorReply(400, "bad_request", parsed.error().message);
  const protocol::Heartbeat& h = *parsed;
  Status status = m_pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    tx.exec_params(
        "UPDATE devices SET last_heartbeat_at = now(), queue_depth = $2, parked = $3, "
        "oldest_pending_age_s = $4, app_version = $5, free_disk_bytes = $6, last_error = $7, "
        "catalog_version = $8, sealed_by_key = $9::jsonb WHERE id = $1",
        device.id, h.queue_depth, h.parked, h.oldest_pending_age_s, h.app_version,
        h.free_disk_bytes, h.last_error, h.catalog_version, json(h.sealed_by_key).dump());
    tx.commit();
  });
  if (!status.ok()) return ReplyForError(status.error());
  // The reply tells the kiosk which key to seal to from now on and which it must not.
  auto ring = LoadKeyRing(m_pool, KeySecrets::kWithout);
  if (!ring.ok()) return ReplyForError(ring.error());
  protocol::HeartbeatReply reply;
  for (const RingKey& key : *ring) {
    if (key.state == KeyState::kActive) {
      reply.sealing_public_key = protocol::Base64Encode(key.public_key);
      reply.sealing_key_id = key.key_id;
    } else if (key.state == KeyState::kRetired) {
      reply.retired_key_ids.push_back(key.key_id);
    }
  }
  return JsonReply(200, reply);
}

ApiReply ServerCore::Catalog(const std::string& query) {
  const std::string after = QueryParam(query, "after");
  std::optional<protocol::CatalogUpdate> update;
  Status status = m_pool.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    pqxx::result r = tx.exec("SELECT version, body::text FROM catalogs ORDER BY seq DESC LIMIT 1");
    if (r.empty() || r[0][0].as<std::string>() == after) return;
    update = protocol::CatalogUpdate{r[0][0].as<std::string>(),
                                     json::parse(r[0][1].as<std::string>())};
  });
  if (!status.ok()) return ReplyForError(status.error());
  if (!update) {
    ApiReply reply;
    reply.status = 204;
    return reply;
  }
  return JsonReply(200, *update);
}

ApiReply ServerCore::AttachmentState(const DeviceIdentity& device, const std::string& uuid,
                                     const std::string& attachment_id) {
  if (!IsUuid(uuid)) return ErrorReply(400, "bad_request", "not a uuid: " + uuid);
  std::optional<protocol::AttachmentState> state;
  Status status = m_pool.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    pqxx::result r = tx.exec_params(
        "SELECT t.size, t.received, t.complete, t.sha256 FROM attachments t "
        "JOIN applications a ON a.id = t.application_id "
        "WHERE a.uuid = $1::uuid AND t.attachment_id = $2 AND a.device_id = $3",
        Lower(uuid), attachment_id, device.id);
    if (r.empty()) return;
    state = protocol::AttachmentState{r[0][0].as<int64_t>(), r[0][1].as<int64_t>(),
                                      r[0][2].as<bool>(), r[0][3].as<std::string>()};
  });
  if (!status.ok()) return ReplyForError(status.error());
  if (!state) return ErrorReply(404, "not_found", "no such attachment for this device");
  return JsonReply(200, *state);
}

ApiReply ServerCore::AttachmentChunk(const DeviceIdentity& device, const std::string& uuid,
                                     const std::string& attachment_id, const std::string& query,
                                     const std::string& body) {
  if (!IsUuid(uuid)) return ErrorReply(400, "bad_request", "not a uuid: " + uuid);
  int64_t offset = -1;
  try {
    offset = std::stoll(QueryParam(query, "offset"));
  } catch (const std::exception&) {
    return ErrorReply(400, "bad_request", "offset must be an integer");
  }
  std::optional<protocol::AttachmentState> state;
  int reply_status = 200;
  std::string error_word;
  Status status = m_pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    pqxx::result r = tx.exec_params(
        "SELECT t.application_id, t.size, t.received, t.complete, t.sha256 FROM attachments t "
        "JOIN applications a ON a.id = t.application_id "
        "WHERE a.uuid = $1::uuid AND t.attachment_id = $2 AND a.device_id = $3 FOR UPDATE OF t",
        Lower(uuid), attachment_id, device.id);
    if (r.empty()) return;
    const int64_t app_id = r[0][0].as<int64_t>();
    state = protocol::AttachmentState{r[0][1].as<int64_t>(), r[0][2].as<int64_t>(),
                                      r[0][3].as<bool>(), r[0][4].as<std::string>()};
    if (state->complete) return;  // a repeated final chunk: nothing to do
    if (offset != state->received) {
      reply_status = 409;
      error_word = "offset_mismatch";
      return;
    }
    const int64_t length = static_cast<int64_t>(body.size());
    if (length == 0 || offset + length > state->size) {
      reply_status = 400;
      error_word = "bad_chunk";
      return;
    }
    tx.exec_params(
        "INSERT INTO attachment_chunks (application_id, attachment_id, byte_offset, data) "
        "VALUES ($1, $2, $3, decode($4, 'hex'))",
        app_id, attachment_id, offset, protocol::HexEncode(body));
    state->received += length;
    if (state->received == state->size) {
      const std::string digest =
          tx.exec_params(
                "SELECT encode(sha256(string_agg(data, ''::bytea ORDER BY byte_offset)), 'hex') "
                "FROM attachment_chunks WHERE application_id = $1 AND attachment_id = $2",
                app_id, attachment_id)[0][0]
              .as<std::string>();
      if (digest == state->sha256) {
        state->complete = true;
      } else {
        // Start over rather than keep bytes we know are wrong.
        tx.exec_params("DELETE FROM attachment_chunks WHERE application_id = $1 AND attachment_id = $2",
                       app_id, attachment_id);
        state->received = 0;
        reply_status = 422;
        error_word = "sha256_mismatch";
      }
    }
    tx.exec_params(
        "UPDATE attachments SET received = $3, complete = $4 "
        "WHERE application_id = $1 AND attachment_id = $2",
        app_id, attachment_id, state->received, state->complete);
    if (state->complete) {
      tx.exec_params(
          "UPDATE applications SET complete = NOT EXISTS (SELECT 1 FROM attachments "
          "WHERE application_id = $1 AND NOT complete) WHERE id = $1",
          app_id);
    }
    tx.commit();
  });
  if (!status.ok()) return ReplyForError(status.error());
  if (!state) return ErrorReply(404, "not_found", "no such attachment for this device");
  ApiReply reply = JsonReply(reply_status, *state);
  if (!error_word.empty()) {
    json body_json = *state;
    body_json["error"] = error_word;
    reply.body = body_json.dump();
  }
  return reply;
}

}  // namespace yimen::server
