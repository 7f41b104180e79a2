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

#include "common/civil_time.h"
#include "common/uuid.h"
#include "server/console.h"
#include "server/ingest_checks.h"
#include "server/ingest_visits.h"
#include "server/key_ring.h"
#include "server/log.h"
#include "server/metrics.h"
#include "server/migrations.h"
#include "server/office_catalog.h"
#include "server/office_fleet.h"
#include "server/phone_page.h"
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
  c.prepare(
      "device_by_id",
      "SELECT public_key, hall, revoked_at IS NOT NULL, kiosk_code FROM devices WHERE id = $1");
  c.prepare("record_nonce",
            "INSERT INTO request_nonces (device_id, nonce) VALUES ($1, $2) "
            "ON CONFLICT DO NOTHING RETURNING 1");
  c.prepare("heartbeat",
            "UPDATE devices SET last_heartbeat_at = now(), queue_depth = $2, parked = $3, "
            "oldest_pending_age_s = $4, app_version = $5, free_disk_bytes = $6, "
            "last_error = $7, catalog_version = $8, sealed_by_key = $9::jsonb, "
            "sealing_key_id = nullif($10, '') WHERE id = $1");
  // The fleet view's queue history (server/office_fleet.h): one sample per kiosk every
  // kFleetSampleEverySeconds at most, and none older than kFleetSampleKeepSeconds.
  c.prepare("heartbeat_sample",
            "INSERT INTO kiosk_heartbeats (device_id, queue_depth) SELECT $1::bigint, $2::bigint "
            "WHERE NOT EXISTS (SELECT 1 FROM kiosk_heartbeats WHERE device_id = $1 "
            "AND at > now() - make_interval(secs => $3))");
  c.prepare("heartbeat_prune",
            "DELETE FROM kiosk_heartbeats WHERE device_id = $1 "
            "AND at < now() - make_interval(secs => $2)");
  // Every unique key is an arbiter (uuid, app_number): a resend and a number another
  // application holds are both skipped, not errors, so one statement stores a batch
  // and a failing row cannot abort a group's transaction; StorePushItems asks why
  // only for the rows it skipped.
  c.prepare(
      "push_insert",
      "INSERT INTO applications (id, uuid, app_number, receipt, device_id, hall, "
      " service_code, catalog_version, payload_format, payload, submitted_at, received_at, "
      " attachments_total, complete, visit_id, visit_number, visit_size) "
      "SELECT s.id, s.uuid, s.app_number, "
      " 'R' || to_char(now() AT TIME ZONE 'UTC', 'YYYYMMDD') || '-' || lpad(s.id::text, 8, '0'), "
      " $2, $3, s.service_code, coalesce(s.catalog_version, ''), s.payload_format, s.payload, "
      " coalesce(s.submitted_at, ''), now(), s.attachments_total, s.attachments_total = 0, "
      " s.visit_id, s.visit_number, s.visit_size "
      "FROM (SELECT nextval('applications_id_seq') AS id, x.* FROM jsonb_to_recordset($1::jsonb) "
      " AS x(uuid uuid, app_number text, service_code text, catalog_version text, "
      "      payload_format text, payload text, submitted_at text, attachments_total int, "
      "      visit_id uuid, visit_number text, visit_size int)) s "
      "ON CONFLICT DO NOTHING "
      "RETURNING uuid::text, receipt, " +
          iso_received);
}

// A PostgreSQL array literal of `values` ('{"a","b"}'), each element quoted, for
// `= ANY($1::uuid[])`: a plain array parameter, which every plan answers from the
// unique index (docs/benchmarks.md "Where a push's time goes").
std::string SqlArray(const std::vector<std::string>& values) {
  std::string out = "{";
  for (const std::string& value : values) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : value) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

// An application as stored: what a duplicate is answered with.
struct StoredApplication {
  std::string receipt;
  std::string received_at;  // ISO-8601 UTC
  int64_t device_id = 0;
};

// What one push's transaction found. Written by StorePushItems, read by PushOutcomes
// once the transaction committed.
struct PushTally {
  bool replayed = false;
  std::map<std::string, StoredApplication> created;   // uuid → row this push inserted
  std::map<std::string, size_t> created_by;           // uuid → the item that inserted it
  std::map<std::string, StoredApplication> existing;  // uuid → row stored before this push
  std::map<std::string, std::string> number_owner;    // app_number → uuid, for skipped rows
  std::set<size_t> number_repeated;  // items whose number an earlier item of the batch holds
  std::map<size_t, VisitRefusal> visit_refused;  // items refused for their visit
};

// Stores the items that passed CheckPushItem with one multi-row INSERT ... ON CONFLICT
// DO NOTHING RETURNING; only when it skipped rows (a resend, another copy's race, a
// number already taken) or items failed the checks does a second statement ask why.
void StorePushItems(pqxx::work& tx, int64_t device_id, const std::string& hall,
                    const std::vector<protocol::PushItem>& items,
                    const std::vector<ItemVerdict>& verdicts, PushTally* tally) {
  tally->visit_refused = RefuseVisitConflicts(tx, device_id, items, verdicts);
  json rows = json::array();
  std::vector<size_t> row_items;     // rows[k] is items[row_items[k]]
  std::vector<std::string> look_up;  // uuids the server may hold already
  std::set<std::string> batch_uuids;
  std::map<std::string, std::string> batch_numbers;  // number → uuid, within this batch
  for (size_t i = 0; i < items.size(); ++i) {
    const protocol::PushItem& item = items[i];
    const ItemVerdict& verdict = verdicts[i];
    if (!verdict.ok()) {
      // A well-formed uuid the server may hold: a resend is answered from what is
      // stored even if it would now fail a check.
      if (verdict.code != protocol::reject::kBadText &&
          verdict.code != protocol::reject::kBadItem) {
        look_up.push_back(item.uuid);
      }
      continue;
    }
    if (tally->visit_refused.count(i)) continue;          // not stored, not a resend
    if (!batch_uuids.insert(item.uuid).second) continue;  // repeated in this batch
    if (!batch_numbers.emplace(verdict.app_number, item.uuid).second) {
      tally->number_repeated.insert(i);  // one number, one application
      look_up.push_back(item.uuid);
      continue;
    }
    // The payload exactly as received: the sealed envelope, never opened here.
    rows.push_back({{"uuid", item.uuid},
                    {"app_number", verdict.app_number},
                    {"service_code", item.service_code},
                    {"catalog_version", item.catalog_version},
                    {"payload_format", item.payload_format},
                    {"payload", item.payload},
                    {"submitted_at", item.submitted_at},
                    {"attachments_total", item.attachments.size()}});
    if (!verdict.visit_number.empty()) {
      rows.back()["visit_id"] = item.visit_id;
      rows.back()["visit_number"] = verdict.visit_number;
      rows.back()["visit_size"] = item.visit_size;
    }
    row_items.push_back(i);
  }
  if (!rows.empty()) {
    std::map<std::string, size_t> item_of;
    for (size_t k = 0; k < row_items.size(); ++k) item_of[items[row_items[k]].uuid] = row_items[k];
    for (const auto& row : tx.exec_prepared("push_insert", rows.dump(), device_id, hall)) {
      const std::string uuid = row[0].as<std::string>();
      tally->created[uuid] = {row[1].as<std::string>(), row[2].as<std::string>(), device_id};
      tally->created_by[uuid] = item_of[uuid];
    }
    json attachment_rows = json::array();
    std::vector<std::string> skipped_numbers;
    for (size_t i : row_items) {
      const protocol::PushItem& item = items[i];
      if (!tally->created.count(item.uuid)) {
        look_up.push_back(item.uuid);
        skipped_numbers.push_back(verdicts[i].app_number);
        continue;
      }
      for (const protocol::AttachmentRef& a : item.attachments) {
        attachment_rows.push_back({{"uuid", item.uuid},
                                   {"attachment_id", a.id},
                                   {"size", a.size},
                                   {"sha256", a.sha256},
                                   {"mime", a.mime}});
      }
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
    if (!skipped_numbers.empty()) {
      for (const auto& row : tx.exec_params(
               "SELECT app_number, uuid::text FROM applications WHERE app_number = ANY($1::text[])",
               SqlArray(skipped_numbers))) {
        tally->number_owner[row[0].as<std::string>()] = row[1].as<std::string>();
      }
    }
  }
  if (!look_up.empty()) {
    for (const auto& row :
         tx.exec_params("SELECT uuid::text, receipt, " + SqlIsoUtc("received_at") +
                            ", device_id FROM applications WHERE uuid = ANY($1::uuid[])",
                        SqlArray(look_up))) {
      const std::string uuid = row[0].as<std::string>();
      if (tally->created.count(uuid)) continue;  // inserted just now by an earlier item
      tally->existing[uuid] = {row[1].as<std::string>(), row[2].as<std::string>(),
                               row[3].as<int64_t>()};
    }
  }
}

// Each item's answer, from what the committed transaction found. The outcome points
// (created, duplicate, rejected) are the three assignments below.
std::vector<protocol::PushResult> PushOutcomes(int64_t device_id,
                                               const std::vector<protocol::PushItem>& items,
                                               const std::vector<ItemVerdict>& verdicts,
                                               const PushTally& tally) {
  std::vector<protocol::PushResult> results(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    protocol::PushResult& result = results[i];
    const std::string& uuid = items[i].uuid;
    result.uuid = uuid;
    auto reject = [&](const std::string& code, std::string reason) {
      result.outcome = PushOutcome::kRejected;
      result.code = code;
      result.reason = std::move(reason);
    };
    auto answer = [&](PushOutcome outcome, const StoredApplication& stored) {
      result.outcome = outcome;
      result.receipt = stored.receipt;
      result.server_time = stored.received_at;
    };
    const ItemVerdict& verdict = verdicts[i];
    if (auto made = tally.created.find(uuid); made != tally.created.end()) {
      // A uuid repeated inside one batch: the item that was stored is created, the
      // repeats duplicate it (a repeat that fails the checks is refused as it is).
      if (tally.created_by.at(uuid) == i) {
        answer(PushOutcome::kCreated, made->second);
      } else if (verdict.ok()) {
        answer(PushOutcome::kDuplicate, made->second);
      } else {
        reject(verdict.code, verdict.reason);
      }
    } else if (auto old = tally.existing.find(uuid); old != tally.existing.end()) {
      if (old->second.device_id != device_id) {
        reject(protocol::reject::kUuidNotYours,
               "uuid belongs to an application from another kiosk");
      } else {
        answer(PushOutcome::kDuplicate, old->second);
      }
    } else if (!verdict.ok()) {
      reject(verdict.code, verdict.reason);
    } else if (auto visit = tally.visit_refused.find(i); visit != tally.visit_refused.end()) {
      reject(visit->second.code, visit->second.reason);
    } else if (auto owner = tally.number_owner.find(verdict.app_number);
               tally.number_repeated.count(i) ||
               (owner != tally.number_owner.end() && owner->second != uuid)) {
      reject(protocol::reject::kNumberTaken,
             "app_number " + verdict.app_number + " belongs to another application");
    } else {
      reject(protocol::reject::kInternal, "not stored (internal)");
    }
  }
  return results;
}

}  // namespace

std::string ApiRequest::Header(const std::string& name) const {
  auto it = headers.find(Lower(name));
  return it == headers.end() ? std::string() : it->second;
}

ApiReply ErrorReply(int status, const std::string& error, const std::string& message) {
  ApiReply reply = JsonReply(status, protocol::ErrorBody{error, message});
  reply.error_code = error;
  return reply;
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
  reply.ref = reference;
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
    : m_options(options),
      m_pool(options.pg_url),
      m_committer(m_pool, options.group_commit),
      m_catalogs(std::make_unique<CatalogShelf>(m_pool)),
      m_vault(std::make_unique<KeyVault>(m_pool, options.unlock_for)) {}

ServerCore::~ServerCore() = default;

Result<std::unique_ptr<ServerCore>> ServerCore::Open(const ServerOptions& options) {
  if (Status s = protocol::InitCrypto(); !s.ok()) return s.error();
  std::unique_ptr<ServerCore> core(new ServerCore(options));
  auto version = ApplyMigrations(core->m_pool);
  if (!version.ok()) return version.error();
  // Every copy makes sure of an active key; the table lock lets only one make it.
  if (Status ring = EnsureKeyRing(core->m_pool); !ring.ok()) return ring.error();
  if (auto active = ActiveSealingKey(core->m_pool); !active.ok()) return active.error();
  std::shared_ptr<const yimen::Catalog> own_catalog;
  if (!options.catalog_dir.empty()) {
    auto catalog = LoadCatalog(options.catalog_dir);
    if (!catalog.ok()) return catalog.error();
    const std::string catalog_version = catalog->version;
    core->m_catalogs->Add(std::move(*catalog));
    auto shelved = core->m_catalogs->Find(catalog_version);
    if (shelved.ok()) own_catalog = *shelved;
  }
  core->m_console = std::make_unique<Console>(core->m_pool, *core->m_vault, *core->m_catalogs,
                                              own_catalog, options.console);
  // Before the passphrase ceremony the sealing secrets sit in PostgreSQL in plaintext:
  // say so at every start until it is held (docs/operations.md "Key custody").
  if (core->m_vault->state() == KeyVault::State::kUnprotected) {
    WriteLog(LogLine(LogLevel::kWarn, "key_custody.unprotected")
                 .Add("risk",
                      "the sealing secret keys are stored in plaintext: a copy of the "
                      "database opens every application")
                 .Add("do", "hold the passphrase ceremony: yimen-admin key-ceremony"));
  }
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
  if (route == Route::kPhonePage) {
    if (auto refused = AdmitPhoneRequest(head, path)) return refused;
    return AdmitPhoneUpload(head, path);
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
  if ((*device)->revoked)
    return ErrorReply(403, protocol::kErrorDeviceRevoked, "device " + id + " was revoked");
  request->admitted =
      ApiRequest::AdmittedDevice{headers->device_id, (*device)->public_key, (*device)->hall,
                                 (*device)->revoked, (*device)->kiosk_code};
  return std::nullopt;
}

ApiReply ServerCore::Handle(const ApiRequest& request) {
  const size_t question = request.target.find('?');
  const std::string path = request.target.substr(0, question);
  const std::string query =
      question == std::string::npos ? std::string() : request.target.substr(question + 1);

  if (path == protocol::kPathHealth && request.method == "GET") return Health();
  if (path == protocol::kPathEnroll && request.method == "POST") return Enroll(request);
  if (const Route route = RouteOf(path); route == Route::kConsole || route == Route::kOfficeApi) {
    return m_console->Handle(request);
  }

  if (RouteOf(path) == Route::kPhonePage) return PhonePage(request, path);
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
  } else if (RouteOf(path) == Route::kPhoneLinks) {
    reply = PhoneLinks(device, request, path, query);
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
    device = DeviceRow{r[0][0].as<std::string>(), r[0][1].as<std::string>(), r[0][2].as<bool>(),
                       r[0][3].as<std::string>()};
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
                         request.admitted->revoked, request.admitted->kiosk_code};
  } else {
    auto row = LookUpDevice(device_id);
    if (!row.ok()) return ReplyForError(row.error());
    admitted = std::move(*row);
  }
  if (!admitted) return ErrorReply(401, "unknown_device", "no enrolled device " + device_text);
  const DeviceRow& known = *admitted;
  auto key = Base64Decode(known.public_key);
  protocol::SignedParts parts{request.method, request.target, headers->timestamp, nonce,
                              request.body};
  if (!key.ok() || !protocol::VerifyRequest(parts, headers->signature, *key)) {
    return ErrorReply(401, "bad_signature", "signature does not match the enrolled key");
  }
  if (known.revoked)
    return ErrorReply(403, protocol::kErrorDeviceRevoked, "device " + device_text + " was revoked");
  if (auto stale = CheckClock(headers->timestamp)) return stale;
  device->id = device_id;
  device->hall = known.hall;
  device->kiosk_code = known.kiosk_code;
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
  // Ids and states only: ingest holds no secret and opens nothing (docs/design.md,
  // decision 9).
  // Read per push, so a rotation by yimen-admin is seen by every copy at once.
  auto ring = LoadKeyRing(m_pool, KeySecrets::kWithout);
  if (!ring.ok()) return ReplyForError(ring.error());
  std::vector<KnownKey> keys;
  for (const RingKey& key : *ring) keys.push_back({key.key_id, key.state == KeyState::kRetired});

  const size_t n = items.size();
  // The checks need no database and no secret: done once, before any transaction, so
  // a rerun of the transaction (group_commit.h) repeats only the statements.
  std::vector<ItemVerdict> verdicts(n);
  for (size_t i = 0; i < n; ++i) {
    items[i].uuid = Lower(items[i].uuid);
    verdicts[i] = CheckPushItem(items[i], keys, device.kiosk_code);
  }
  PushTally tally;
  // Everything the transaction decides lands in `tally`, reset first: this may run
  // twice (a failed group is rerun push by push) and must not remember the first try.
  auto store = [&](pqxx::work& tx) {
    tally = PushTally{};
    // The replay check first, in the same transaction: a replay stores nothing, and a
    // push that rolls back leaves its nonce unused, which is harmless.
    if (!RecordNonce(tx, device.id, device.nonce)) {
      tally.replayed = true;
      return;
    }
    StorePushItems(tx, device.id, device.hall, items, verdicts, &tally);
  };
  Status status = m_committer.Run(store, n);
  if (!status.ok()) return ReplyForError(status.error());
  if (tally.replayed) return ErrorReply(401, "replayed", "this nonce was already used");
  // Committed: only now does any item count as created or duplicate.
  std::vector<protocol::PushResult> results = PushOutcomes(device.id, items, verdicts, tally);
  Metrics().CountPushResults(results);
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
  if (h.sealing_key_id.size() > 64) {
    return ErrorReply(400, "bad_request", "sealing_key_id is longer than 64 bytes");
  }
  // One UPDATE that shares the commit of whatever pushes and heartbeats arrive with it
  // (group_commit.h): a heartbeat no longer costs a commit (a WAL flush) of its own.
  const std::string sealed_by_key = json(h.sealed_by_key).dump();
  Status status = m_committer.Run(
      [&](pqxx::work& tx) {
        tx.exec_prepared("heartbeat", device.id, h.queue_depth, h.parked, h.oldest_pending_age_s,
                         h.app_version, h.free_disk_bytes, h.last_error, h.catalog_version,
                         sealed_by_key, h.sealing_key_id);
        tx.exec_prepared("heartbeat_sample", device.id, h.queue_depth, kFleetSampleEverySeconds);
        tx.exec_prepared("heartbeat_prune", device.id, kFleetSampleKeepSeconds);
      },
      1);
  if (!status.ok()) return ReplyForError(status.error());
  // The reply tells the kiosk which key to seal to from now on and which it must not.
  auto ring = LoadKeyRing(m_pool, KeySecrets::kWithout);
  if (!ring.ok()) return ReplyForError(ring.error());
  protocol::HeartbeatReply reply;
  for (const RingKey& key : *ring) {
    if (key.state == KeyState::kActive) {
      reply.sealing_public_key = Base64Encode(key.public_key);
      reply.sealing_key_id = key.key_id;
    } else if (key.state == KeyState::kRetired) {
      reply.retired_key_ids.push_back(key.key_id);
    }
  }
  return JsonReply(200, reply);
}

ApiReply ServerCore::Catalog(const std::string& query) {
  // The published version in force today (China civil date) and, for kiosks that ask
  // (upcoming=1), those taking effect later: docs/catalog.md "What kiosks do".
  const std::string after = QueryParam(query, "after");
  const bool with_upcoming = QueryParam(query, "upcoming") == "1";
  auto served = CatalogsServedOn(m_pool, ChinaDateAt(static_cast<int64_t>(std::time(nullptr))));
  if (!served.ok()) return ReplyForError(served.error());
  std::vector<ServedCatalog> upcoming =
      with_upcoming ? served->upcoming : std::vector<ServedCatalog>{};
  std::optional<ServedCatalog> current = served->current;
  if (!current && !upcoming.empty()) {  // nothing in force yet: the kiosk keeps its own till then
    current = upcoming.front();
    upcoming.erase(upcoming.begin());
  }
  const std::string newest = !upcoming.empty() ? upcoming.back().row.version
                             : current         ? current->row.version
                                               : "";
  if (!current || newest == after) {
    ApiReply reply;
    reply.status = 204;
    return reply;
  }
  protocol::CatalogUpdate update;
  update.version = current->row.version;
  update.effective_from = current->row.effective_from;
  update.catalog = json::parse(current->body);
  for (const ServedCatalog& u : upcoming) {
    update.upcoming.push_back({u.row.version, u.row.effective_from, json::parse(u.body)});
  }
  return JsonReply(200, update);
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
