// The sync cycle and its thread (see engine.h). The rules that keep every
// application arriving exactly once live on the server (upsert by UUID); the rules
// here keep the queue moving: a refused item is parked, not retried forever; a lost
// server means back off with jitter, and nothing is ever deleted before a receipt.
#include "sync/client/engine.h"
#include "sync/client/staff_sync.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <map>
#include <sstream>

#include "common/civil_time.h"
#include "common/sealing.h"
#include "sync/client/attachment_upload.h"
#include "sync/protocol/signing.h"
#include "version.h"

namespace yimen::sync {
namespace {

constexpr const char* kKeyServerUrls = "sync.server_urls";
constexpr const char* kKeyDeviceId = "sync.device_id";
constexpr const char* kKeySecretKey = "sync.secret_key";
constexpr const char* kKeyHall = "sync.hall";
constexpr const char* kKeySealingKey = "sync.sealing_public_key";
constexpr const char* kKeyPendingSecret = "sync.pending_secret_key";
constexpr const char* kKeyRetiredKeyIds = "seal.retired_key_ids";
constexpr const char* kKeyLastError = "sync.last_error";
constexpr const char* kKeyServerEpoch = "sync.server_epoch";
// The device id the server refused as revoked ("" = none): IsRevokedHere.
constexpr const char* kKeyRevokedDevice = "sync.revoked_device";
constexpr const char* kKeyCatalogVersion = "catalog.version";
constexpr const char* kKeyCatalogBody = "catalog.body";
// The upcoming versions (JSON array) and the newest version held, which is what the next
// pull names in ?after= (the in-force version when nothing is upcoming).
constexpr const char* kKeyCatalogUpcoming = "catalog.upcoming";
constexpr const char* kKeyCatalogNewest = "catalog.newest";
constexpr int kStatusPageSize = 500;
constexpr int kUploadsPerQuery = 16;  // ciphertexts held in memory at once
constexpr int kAuditBatch = 500;  // audit rows per push (the server takes up to 1,000)
// Poison items (docs/internals/sync.md "Poison items"): a batch is split after this
// many server faults on requests holding one of its items...
constexpr int kBisectAfterFaults = 3;
// ...and an item is parked after failing alone this many times in cycles where the
// server answered everything else.
constexpr int kParkAfterLoneFaults = 3;

using Clock = std::chrono::system_clock;

std::string Setting(Store& store, const char* key, Status* status) {
  auto value = store.settings().GetSetting(key);
  if (!value.ok()) {
    *status = value.error();
    return "";
  }
  return value->value_or("");
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

std::string StripSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

std::unique_ptr<Transport> MakeTransport(const SyncOptions& options) {
  if (options.make_transport) return options.make_transport(options.curl);
  return std::make_unique<CurlTransport>(options.curl);
}

// The server (or a proxy) refused who we are, not what we sent: nothing is parked for
// it, and the cycle stops asking. By the error word ErrorFromResponse keeps.
bool IsAuthError(const Error& error) {
  static constexpr std::string_view kWords[] = {"unsigned",        "bad_signature",
                                                "stale_timestamp", "unknown_device",
                                                "replayed",        protocol::kErrorDeviceRevoked,
                                                "http_401",        "http_403"};
  return std::find(std::begin(kWords), std::end(kWords), error.code) != std::end(kWords);
}

bool IsRevoked(const Error& error) { return error.code == protocol::kErrorDeviceRevoked; }

int64_t FreeDiskBytes(const std::string& path) {
  struct statvfs st {};
  if (statvfs(path.c_str(), &st) != 0) return -1;
  return static_cast<int64_t>(st.f_bavail) * static_cast<int64_t>(st.f_frsize);
}

std::string AppVersion(const SyncOptions& options) {
  return options.app_version.empty() ? std::string(YIMEN_VERSION) + "+" + YIMEN_GIT_REV
                                     : options.app_version;
}

// A server fault: a 500-class reply that says neither "unavailable, come back" (503,
// or any Retry-After) nor "the server behind me is gone" (502 and 504 from a proxy).
// Only such a reply may be caused by what was sent; a refused connection, a timeout
// or a 503 is the network or the server being down, which is normal and parks nothing.
bool IsServerFault(const ApiClient& api) {
  const int status = api.last_status();
  return status >= 500 && status <= 599 && status != 502 && status != 503 && status != 504 &&
         api.retry_after_s() == 0;
}

// What the push phase of one cycle learned about poison items.
struct PushState {
  std::vector<std::string> suspects;  // failed alone with a server fault this cycle
  std::string fault;                  // the last such fault, for the park reason
  bool probed = false;                // ServerWorks asked the server this cycle
  bool server_works = false;          // ...and it answered a database read
};

// Whether the server works apart from what we push: one status read (limit 1, the
// answer is not kept; the status step reads it again) a cycle. A server failing
// everything is not split item by item, and its faults blame no item.
bool ServerWorks(Store& store, ApiClient& api, PushState* state) {
  if (!state->probed) {
    state->probed = true;
    auto cursor = store.status().StatusCursor();
    state->server_works = cursor.ok() && api.PullStatus(*cursor, 1).ok();
  }
  return state->server_works;
}

bool PushBatch(Store& store, ApiClient& api, const std::vector<OutboxItem>& due,
               CycleReport* report, PushState* state);

// Handles a server fault on `sent` (see IsServerFault). Below kBisectAfterFaults the
// batch just stays due like any failure (returns false: stop pushing). Past it, a
// batch is split in halves, each pushed at once, so the items that do not fail are
// delivered; an item that fails alone becomes a suspect and the cycle goes on.
bool HandleServerFault(Store& store, ApiClient& api, const std::vector<OutboxItem>& sent,
                       const Error& error, CycleReport* report, PushState* state) {
  std::vector<std::string> uuids;
  for (const OutboxItem& item : sent) uuids.push_back(item.uuid);
  auto counts = store.applications().RecordServerFault(uuids, error.message);
  const int most = counts.ok() && !counts->empty()
                       ? *std::max_element(counts->begin(), counts->end())
                       : 0;
  if (most < kBisectAfterFaults || !ServerWorks(store, api, state)) return false;
  if (sent.size() == 1) {
    state->suspects.push_back(sent[0].uuid);
    state->fault = error.message;
    return true;
  }
  const auto middle = sent.begin() + static_cast<std::ptrdiff_t>(sent.size() / 2);
  return PushBatch(store, api, {sent.begin(), middle}, report, state) &&
         PushBatch(store, api, {middle, sent.end()}, report, state);
}

// Counts a lone fault against each suspect (found only while the server worked) and
// parks those that reached kParkAfterLoneFaults.
void StrikeSuspects(Store& store, const PushState& state, CycleReport* report) {
  for (const std::string& uuid : state.suspects) {
    auto lone = store.applications().RecordLoneFault(uuid, state.fault);
    if (!lone.ok() || *lone < kParkAfterLoneFaults) continue;
    const std::string reason = "the server failed on this application alone " +
                               std::to_string(*lone) +
                               " times while it accepted the others; parked so the queue "
                               "keeps moving (last reply: " + state.fault + ")";
    if (store.applications().Park(uuid, reason).ok()) ++report->rejected;
  }
}

// Pushes one batch; returns false when the cycle should stop pushing.
bool PushBatch(Store& store, ApiClient& api, const std::vector<OutboxItem>& due,
               CycleReport* report, PushState* state) {
  const auto now = Clock::now();
  protocol::PushRequest request;
  std::vector<OutboxItem> sent;  // `due` minus what could not be encoded
  for (const OutboxItem& item : due) {
    protocol::PushItem push;
    push.uuid = item.uuid;
    push.app_number = item.app_number;
    push.service_code = item.service_code;
    push.catalog_version = item.catalog_version;
    push.payload_format = item.payload_format;
    push.payload = item.payload;
    push.visit_id = item.visit_id;  // docs/internals/sync.md "Visits"
    push.visit_number = item.visit_number;
    push.visit_size = item.visit_size;
    for (const AttachmentMeta& a : item.attachments) {
      push.attachments.push_back({a.id, a.size, a.sha256, a.mime});
    }
    push.submitted_at =
        IsoUtc(std::chrono::duration_cast<std::chrono::seconds>(item.enqueued_at.time_since_epoch())
                   .count());
    // An item that cannot even be serialised (bytes that are not UTF-8) would fail
    // every batch it is in: park it alone so the rest keeps draining.
    try {
      (void)nlohmann::json(push).dump();
    } catch (const nlohmann::json::exception& e) {
      if (store.applications()
              .Park(item.uuid, std::string("cannot encode payload: ") + e.what())
              .ok()) {
        ++report->rejected;
      }
      continue;
    }
    request.items.push_back(std::move(push));
    sent.push_back(item);
  }
  if (request.items.empty()) return true;

  auto response = api.Push(request);
  if (!response.ok()) {
    const Error& error = response.error();
    if (error.kind == ErrorKind::kRejected && !IsAuthError(error) && request.items.size() > 1) {
      // The batch as a whole was refused: send items one by one so only the bad one
      // is parked.
      for (const OutboxItem& item : sent) {
        if (!PushBatch(store, api, {item}, report, state)) return false;
      }
      return true;
    }
    if (error.kind == ErrorKind::kRejected && !IsAuthError(error)) {
      if (store.applications().Park(request.items[0].uuid, error.message).ok()) ++report->rejected;
      return true;
    }
    if (error.kind == ErrorKind::kUnavailable && IsServerFault(api) &&
        HandleServerFault(store, api, sent, error, report, state)) {
      return true;
    }
    // Stays due: the engine's backoff decides when to try again, and a trigger
    // (network back, new submit) may try sooner.
    for (const protocol::PushItem& item : request.items) {
      (void)store.applications().RecordAttemptFailure(item.uuid, error.message, now);
    }
    report->error = error;
    report->retry_after_s = api.retry_after_s();
    return false;
  }

  std::map<std::string, const protocol::PushResult*> by_uuid;
  for (const protocol::PushResult& result : response->results) by_uuid[result.uuid] = &result;
  std::vector<Store::Delivery> deliveries;
  std::vector<protocol::PushOutcome> outcomes;
  for (const protocol::PushItem& item : request.items) {
    auto it = by_uuid.find(item.uuid);
    if (it == by_uuid.end()) {
      (void)store.applications().RecordAttemptFailure(
          item.uuid, "server reply did not mention this item", now);
      continue;
    }
    const protocol::PushResult& result = *it->second;
    if (result.outcome == protocol::PushOutcome::kRejected) {
      if (store.applications().Park(item.uuid, protocol::RejectionText(result)).ok())
        ++report->rejected;
      continue;
    }
    deliveries.push_back({item.uuid, result.receipt, result.server_time});
    outcomes.push_back(result.outcome);
  }
  // Every receipt of the reply in one transaction: one fsync per batch, not per item.
  auto marked = store.applications().MarkDeliveredBatch(deliveries, now);
  if (!marked.ok()) {
    report->error = marked.error();
    return false;
  }
  for (size_t i = 0; i < marked->size(); ++i) {
    if (!(*marked)[i].ok()) {
      report->error = (*marked)[i].error();
    } else if (outcomes[i] == protocol::PushOutcome::kCreated) {
      ++report->created;
    } else {
      ++report->duplicates;
    }
  }
  return true;
}

// Uploads the encrypted attachments of delivered applications. Returns false (with
// report->error set) when the cycle should stop: the rest waits for the next cycle,
// each upload resuming where the server's byte count says.
bool UploadPending(Store& store, ApiClient& api, CycleReport* report) {
  for (;;) {
    auto uploads = store.attachments().ListPendingUploads(kUploadsPerQuery);
    if (!uploads.ok()) {
      report->error = uploads.error();
      return false;
    }
    if (uploads->empty()) return true;
    for (const PendingUpload& upload : *uploads) {
      UploadProgress progress;
      Status sent = UploadAttachment(api, upload.application_uuid, upload.attachment_id,
                                     upload.ciphertext, &progress);
      if (!sent.ok()) {
        report->error = MakeError(sent.error().kind, "upload " + upload.attachment_id + " of " +
                                                         upload.application_uuid + ": " +
                                                         sent.error().message);
        report->retry_after_s = api.retry_after_s();
        return false;
      }
      if (Status marked = store.attachments().MarkUploaded(upload.application_uuid,
                                                           upload.attachment_id, Clock::now());
          !marked.ok()) {
        report->error = marked.error();
        return false;
      }
      ++report->attachments_uploaded;
    }
  }
}

// Takes the key news of a heartbeat reply: a new current key replaces the stored one
// (the next submit seals to it), and the retired list is kept so Submit refuses a key
// the server has retired.
// The server's database epoch changed since the last status page: the database was
// restored from a backup and may lack what it acknowledged after that backup, so every
// acknowledged application this kiosk still holds goes back into the outbox (the
// server answers `duplicate` for those it kept). The first epoch a kiosk sees is only
// remembered. The new epoch is stored after the resend: a crash in between resends
// once more, which costs duplicates, never a loss (docs/operations.md "Backup and
// restore").
void FollowServerEpoch(Store& store, const std::string& epoch, CycleReport* report) {
  if (epoch.empty()) return;
  auto known = store.settings().GetSetting(kKeyServerEpoch);
  if (!known.ok()) {
    if (!report->error) report->error = known.error();
    return;
  }
  if (known->has_value() && **known != epoch) {
    auto resent =
        store.applications().ResendAcknowledgedSince(std::chrono::system_clock::time_point{});
    if (!resent.ok()) {
      if (!report->error) report->error = resent.error();
      return;
    }
    report->resent_after_restore = resent->requeued;
  }
  if (!known->has_value() || **known != epoch) {
    if (Status s = store.settings().SetSetting(kKeyServerEpoch, epoch); !s.ok() && !report->error) {
      report->error = s.error();
    }
  }
}

void ApplyKeyNews(Store& store, const protocol::HeartbeatReply& reply) {
  if (!reply.sealing_public_key.empty()) {
    auto raw = Base64Decode(reply.sealing_public_key);
    if (raw.ok() && raw->size() == 32 &&
        (reply.sealing_key_id.empty() || seal::KeyId(*raw) == reply.sealing_key_id)) {
      Status status;
      if (Setting(store, kKeySealingKey, &status) != reply.sealing_public_key && status.ok() &&
          store.settings().SetSetting(kKeySealingKey, reply.sealing_public_key).ok()) {
        (void)store.AppendAudit("system", "seal.key_changed", seal::KeyId(*raw));
      }
    }
  }
  std::string retired;
  for (const std::string& id : reply.retired_key_ids) retired += id + "\n";
  (void)store.settings().SetSetting(kKeyRetiredKeyIds, retired);
}

}  // namespace

bool IsRevokedHere(Store& store, int64_t device_id) {
  Status status;
  return Setting(store, kKeyRevokedDevice, &status) == std::to_string(device_id) && status.ok();
}

Result<std::optional<DeviceCredentials>> LoadCredentials(Store& store) {
  Status status;
  DeviceCredentials c;
  const std::string device = Setting(store, kKeyDeviceId, &status);
  const std::string secret = Setting(store, kKeySecretKey, &status);
  const std::string urls = Setting(store, kKeyServerUrls, &status);
  c.hall = Setting(store, kKeyHall, &status);
  const std::string sealing = Setting(store, kKeySealingKey, &status);
  if (!status.ok()) return status.error();
  if (device.empty() || secret.empty() || urls.empty()) {
    return std::optional<DeviceCredentials>();
  }
  c.device_id = std::atoll(device.c_str());
  c.server_urls = SplitLines(urls);
  auto secret_raw = Base64Decode(secret);
  auto sealing_raw = Base64Decode(sealing);
  if (!secret_raw.ok() || !sealing_raw.ok() || c.device_id <= 0) {
    return MakeError(ErrorKind::kDataLoss, "stored device credentials are damaged; re-enroll");
  }
  c.secret_key = std::move(*secret_raw);
  c.sealing_public_key = std::move(*sealing_raw);
  auto code = store.settings().KioskCode();
  if (code.ok()) c.kiosk_code = *code;
  return std::optional<DeviceCredentials>(std::move(c));
}

Status SaveCredentials(Store& store, const DeviceCredentials& c) {
  std::string urls;
  for (const std::string& url : c.server_urls) urls += StripSlash(url) + "\n";
  for (auto [key, value] : std::vector<std::pair<const char*, std::string>>{
           {kKeyServerUrls, urls},
           {kKeyDeviceId, std::to_string(c.device_id)},
           {kKeySecretKey, Base64Encode(c.secret_key)},
           {kKeyHall, c.hall},
           {kKeySealingKey, Base64Encode(c.sealing_public_key)}}) {
    if (Status s = store.settings().SetSetting(key, value); !s.ok()) return s;
  }
  if (!c.kiosk_code.empty()) return store.settings().SetKioskCode(c.kiosk_code);
  return Status::Ok();
}

Result<DeviceCredentials> EnrollKiosk(Store& store, const std::vector<std::string>& server_urls,
                                      const std::string& code, Transport* transport,
                                      const std::string& app_version) {
  if (server_urls.empty()) return MakeError(ErrorKind::kInvalidArgument, "no server URL");
  if (Status s = protocol::InitCrypto(); !s.ok()) return s.error();
  // The key is remembered before the request: if the reply is lost, the retry sends
  // the same key and the server recognises the enrollment instead of refusing a used
  // code.
  Status status;
  std::string pending = Setting(store, kKeyPendingSecret, &status);
  if (!status.ok()) return status.error();
  std::string secret;
  if (auto raw = Base64Decode(pending); raw.ok() && raw->size() == 64) {
    secret = *raw;
  } else {
    secret = protocol::GenerateSigningKeyPair().secret_key;
    if (Status s = store.settings().SetSetting(kKeyPendingSecret, Base64Encode(secret)); !s.ok()) {
      return s.error();
    }
  }
  // libsodium's Ed25519 secret key carries the public key in its last 32 bytes.
  const std::string public_key = secret.substr(32);

  protocol::EnrollRequest request;
  request.code = code;
  request.public_key = Base64Encode(public_key);
  request.app_version = app_version.empty() ? YIMEN_VERSION : app_version;
  if (auto kiosk = store.settings().KioskCode(); kiosk.ok()) request.kiosk_code = *kiosk;

  std::unique_ptr<Transport> own;
  if (transport == nullptr) {
    own = std::make_unique<CurlTransport>();
    transport = own.get();
  }
  auto response = ApiClient::Enroll(*transport, StripSlash(server_urls[0]), request);
  if (!response.ok()) return response.error();

  DeviceCredentials c;
  for (const std::string& url : server_urls) c.server_urls.push_back(StripSlash(url));
  c.device_id = response->device_id;
  c.secret_key = secret;
  c.hall = response->hall;
  c.kiosk_code = response->kiosk_code;
  auto sealing = Base64Decode(response->sealing_public_key);
  if (!sealing.ok()) return MakeError(ErrorKind::kRejected, "server sent a malformed sealing key");
  c.sealing_public_key = *sealing;
  if (Status s = SaveCredentials(store, c); !s.ok()) return s.error();
  (void)store.settings().SetSetting(kKeyPendingSecret, "");
  (void)store.AppendAudit("system", "sync.enroll",
                          "device " + std::to_string(c.device_id) + " hall " + c.hall);
  return c;
}

namespace {

// What the kiosk tells the server about itself (protocol::Heartbeat), from the outbox's
// health and this cycle's outcome.
protocol::Heartbeat MakeHeartbeat(Store& store, const OutboxHealthReport& health,
                                  const CycleReport& report, const SyncOptions& options) {
  protocol::Heartbeat beat;
  beat.queue_depth = health.pending;
  beat.parked = health.parked;
  if (health.oldest_pending_at) {
    beat.oldest_pending_age_s = std::max<int64_t>(
        0,
        std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - *health.oldest_pending_at)
            .count());
  }
  beat.app_version = AppVersion(options);
  beat.free_disk_bytes = FreeDiskBytes(store.DatabasePath());
  Status status;
  beat.last_error = report.error ? report.error->message : Setting(store, kKeyLastError, &status);
  beat.catalog_version = Setting(store, kKeyCatalogVersion, &status);
  if (auto sealed = store.applications().CountSealedByKey(); sealed.ok()) {
    for (const auto& [key_id, count] : *sealed) beat.sealed_by_key[key_id] = count;
  }
  // The key the next submit seals to (what the office's fleet view shows).
  if (auto key = Base64Decode(Setting(store, kKeySealingKey, &status));
      key.ok() && key->size() == 32) {
    beat.sealing_key_id = seal::KeyId(*key);
  }
  return beat;
}

// The server refused our key as revoked: remember it (for the next start and for the
// slow probing), once, with an audit row for staff. The outbox is left as it is.
void MarkRevoked(Store& store, const ApiClient& api, CycleReport* report) {
  report->revoked = true;
  const std::string id = std::to_string(api.credentials().device_id);
  Status status;
  if (Setting(store, kKeyRevokedDevice, &status) != id && status.ok() &&
      store.settings().SetSetting(kKeyRevokedDevice, id).ok()) {
    (void)store.AppendAudit("system", "sync.revoked", "device " + id);
  }
}

// A kiosk the server called revoked asks once (a heartbeat) whether it still is, and
// sends nothing else: true when the cycle is over (still revoked, or no answer).
bool StillRevoked(Store& store, ApiClient& api, const SyncOptions& options, CycleReport* report) {
  auto health = store.applications().OutboxHealth();
  if (!health.ok()) {
    report->error = health.error();
    return true;
  }
  report->pending_after = health->pending;
  report->parked_after = health->parked;
  report->uploads_pending_after = health->uploads_pending;
  auto reply = api.SendHeartbeat(MakeHeartbeat(store, *health, *report, options));
  if (reply.ok()) {
    // No longer refused (a database restored from before the revocation): carry on.
    (void)store.settings().SetSetting(kKeyRevokedDevice, "");
    (void)store.AppendAudit("system", "sync.unrevoked",
                            "device " + std::to_string(api.credentials().device_id));
    ApplyKeyNews(store, *reply);
    return false;
  }
  report->error = reply.error();
  report->retry_after_s = api.retry_after_s();
  // Unreachable or refused: what the server last said stands.
  report->revoked = true;
  return true;
}

// One cycle against the server api points at now.
CycleReport RunCycleOnCurrentServer(Store& store, ApiClient& api, const SyncOptions& options) {
  CycleReport report;
  // Audit rows a Store of this kiosk could not write (disk full, locked): in now, before
  // the audit push, or kept and counted for the next tick (StaffRepository::AppendAudit).
  (void)store.staff().RetryAuditBacklog();
  if (IsRevokedHere(store, api.credentials().device_id) &&
      StillRevoked(store, api, options, &report)) {
    return report;
  }
  const int batch = std::clamp(options.push_batch, 1, static_cast<int>(protocol::kMaxPushBatch));

  bool reachable = true;
  PushState push_state;
  for (int i = 0; i < options.max_batches_per_cycle; ++i) {
    // Suspects stay due but are not sent again this cycle: ask for enough to skip them.
    const int skip = static_cast<int>(push_state.suspects.size());
    auto due = store.applications().ListDueOutbox(Clock::now(), std::min(batch + skip, 1000));
    if (!due.ok()) {
      report.error = due.error();
      break;
    }
    std::erase_if(*due, [&](const OutboxItem& item) {
      return std::find(push_state.suspects.begin(), push_state.suspects.end(), item.uuid) !=
             push_state.suspects.end();
    });
    if (due->size() > static_cast<size_t>(batch)) due->resize(static_cast<size_t>(batch));
    if (due->empty()) break;
    if (!PushBatch(store, api, *due, &report, &push_state)) {
      reachable = report.error && report.error->kind != ErrorKind::kUnavailable;
      break;
    }
  }

  if (reachable && !report.error) {
    if (!UploadPending(store, api, &report)) {
      reachable = report.error && report.error->kind != ErrorKind::kUnavailable;
    }
  }

  if (reachable && !(report.error && IsAuthError(*report.error))) {
    auto cursor = store.status().StatusCursor();
    if (!cursor.ok()) report.error = cursor.error();
    int64_t after = cursor.ok() ? *cursor : -1;
    while (after >= 0) {
      auto page = api.PullStatus(after, kStatusPageSize);
      if (!page.ok()) {
        if (!report.error) report.error = page.error();
        report.retry_after_s = api.retry_after_s();
        reachable = page.error().kind != ErrorKind::kUnavailable;
        break;
      }
      std::vector<StatusChange> changes;
      for (const protocol::StatusChange& c : page->changes) {
        changes.push_back({c.seq, c.uuid, c.app_number, c.status, c.reason, c.changed_at});
      }
      if (!changes.empty() || page->cursor != after) {
        if (Status s = store.status().ApplyStatusChanges(changes, page->cursor); !s.ok()) {
          if (!report.error) report.error = s.error();
          break;
        }
      }
      report.status_changes += static_cast<int64_t>(changes.size());
      after = page->cursor;
      if (!page->more) {
        FollowServerEpoch(store, page->epoch, &report);
        break;
      }
    }
  }

  // Staff accounts from the office, the audit trail to it (staff_sync.cpp).
  if (reachable && !(report.error && IsAuthError(*report.error))) {
    StaffSyncReport staff;
    Status pulled = PullStaffAccounts(store, api, &staff);
    Status pushed = pulled.ok() ? PushAudit(store, api, kAuditBatch, &staff) : Status::Ok();
    for (const Status* s : {&pulled, &pushed}) {
      if (s->ok()) continue;
      if (!report.error) report.error = s->error();
      if (s->error().kind == ErrorKind::kUnavailable) reachable = false;
    }
    report.staff_accounts = staff.accounts_applied;
    report.audit_sent = staff.audit_sent;
  }

  if (reachable) {
    Status status;
    std::string have = Setting(store, kKeyCatalogNewest, &status);
    if (have.empty()) have = Setting(store, kKeyCatalogVersion, &status);
    auto update = api.FetchCatalog(have);
    if (update.ok() && update->has_value()) {
      const protocol::CatalogUpdate& got = **update;
      nlohmann::json upcoming = nlohmann::json::array();
      for (const protocol::UpcomingCatalog& u : got.upcoming) {
        upcoming.push_back(
            {{"version", u.version}, {"effective_from", u.effective_from}, {"catalog", u.catalog}});
      }
      const std::string newest = got.upcoming.empty() ? got.version : got.upcoming.back().version;
      // The token the next pull names is written last: a cut in between pulls again.
      if (store.settings().SetSetting(kKeyCatalogBody, got.catalog.dump()).ok() &&
          store.settings().SetSetting(kKeyCatalogUpcoming, upcoming.dump()).ok() &&
          store.settings().SetSetting(kKeyCatalogVersion, got.version).ok() &&
          store.settings().SetSetting(kKeyCatalogNewest, newest).ok()) {
        report.catalog_updated = true;
      }
    }
  }

  if (!push_state.suspects.empty()) {
    StrikeSuspects(store, push_state, &report);
    if (!report.error) {
      report.error = MakeError(ErrorKind::kInternal,
                               std::to_string(push_state.suspects.size()) +
                                   " application(s) failed alone on the server: " +
                                   push_state.fault);
    }
  }

  auto health = store.applications().OutboxHealth();
  if (health.ok()) {
    report.pending_after = health->pending;
    report.parked_after = health->parked;
    report.uploads_pending_after = health->uploads_pending;
  }
  if (report.error && IsRevoked(*report.error)) {
    MarkRevoked(store, api, &report);
  } else if (reachable && health.ok()) {
    auto reply = api.SendHeartbeat(MakeHeartbeat(store, *health, report, options));
    report.heartbeat_sent = reply.ok();
    if (reply.ok()) ApplyKeyNews(store, *reply);
    if (!reply.ok() && IsRevoked(reply.error())) {
      report.error = reply.error();
      MarkRevoked(store, api, &report);
    }
  }
  (void)store.settings().SetSetting(kKeyLastError, report.error ? report.error->message : "");
  // Retention: ciphertext the server has acknowledged goes after the policy's days.
  // Every cycle, reachable or not: the clock runs on without the network.
  if (auto purged = store.applications().PurgeExpired(Clock::now(), options.retention);
      purged.ok()) {
    report.payloads_purged = purged->payloads_purged;
    report.stubs_deleted = purged->stubs_deleted;
  }
  if (!reachable) api.RotateServer();
  return report;
}

}  // namespace

Result<StoredCatalogs> LoadStoredCatalogs(Store& store) {
  Status status;
  StoredCatalogs stored;
  stored.version = Setting(store, kKeyCatalogVersion, &status);
  stored.body = Setting(store, kKeyCatalogBody, &status);
  stored.upcoming = Setting(store, kKeyCatalogUpcoming, &status);
  if (!status.ok()) return status.error();
  return stored;
}

CycleReport RunSyncCycle(Store& store, ApiClient& api, const SyncOptions& options) {
  CycleReport total = RunCycleOnCurrentServer(store, api, options);
  // An unreachable server: the next copy in the list gets its turn at once. It finds
  // whatever the first one stored (upsert by uuid), so switching is always safe.
  const size_t servers = api.credentials().server_urls.size();
  for (size_t tried = 1;
       tried < servers && total.error && total.error->kind == ErrorKind::kUnavailable;
       ++tried) {
    CycleReport next = RunCycleOnCurrentServer(store, api, options);
    next.created += total.created;
    next.duplicates += total.duplicates;
    next.rejected += total.rejected;
    next.status_changes += total.status_changes;
    next.attachments_uploaded += total.attachments_uploaded;
    next.catalog_updated = next.catalog_updated || total.catalog_updated;
    total = next;
  }
  return total;
}

Result<CycleReport> RunSyncOnce(const std::string& data_dir, const SyncOptions& options) {
  auto store = Store::Open(data_dir);
  if (!store.ok()) return store.error();
  auto credentials = LoadCredentials(**store);
  if (!credentials.ok()) return credentials.error();
  if (!credentials->has_value()) {
    return MakeError(ErrorKind::kRejected, "this kiosk is not enrolled (use --enroll URL CODE)");
  }
  auto transport = MakeTransport(options);
  ApiClient api(*transport, std::move(**credentials));
  return RunSyncCycle(**store, api, options);
}

SyncEngine::SyncEngine(std::string data_dir, SyncOptions options)
    : m_data_dir(std::move(data_dir)), m_options(std::move(options)) {}

SyncEngine::~SyncEngine() { Stop(); }

Status SyncEngine::Start() {
  std::lock_guard lock(m_mutex);
  if (m_thread.joinable()) return MakeError(ErrorKind::kConflict, "sync engine already running");
  m_stop = false;
  m_triggered = true;
  m_snapshot.running = true;
  m_thread = std::thread([this] { Run(); });
  return Status::Ok();
}

void SyncEngine::Stop() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_wake.notify_all();
  if (m_thread.joinable()) m_thread.join();
  std::lock_guard lock(m_mutex);
  m_snapshot.running = false;
}

void SyncEngine::TriggerNow() {
  {
    std::lock_guard lock(m_mutex);
    m_triggered = true;
  }
  m_wake.notify_all();
}

SyncSnapshot SyncEngine::Snapshot() const {
  std::lock_guard lock(m_mutex);
  return m_snapshot;
}

int64_t SyncEngine::CyclesDone() const {
  std::lock_guard lock(m_mutex);
  return m_cycles;
}

void SyncEngine::Run() {
  std::unique_ptr<Store> store;
  std::unique_ptr<Transport> transport;
  std::unique_ptr<ApiClient> api;
  std::optional<DeviceCredentials> loaded;
  int failures = 0;
  Clock::time_point not_before{};  // the server's Retry-After

  for (;;) {
    {
      std::lock_guard lock(m_mutex);
      m_triggered = false;  // this cycle serves every trigger made before it
    }
    CycleReport report;
    bool enrolled = false;
    if (!store) {
      auto opened = Store::Open(m_data_dir);
      if (opened.ok()) {
        store = std::move(*opened);
      } else {
        report.error = opened.error();
      }
    }
    if (store) {
      // Re-read every cycle: staff may enroll (on the UI thread's Store) at any time.
      auto credentials = LoadCredentials(*store);
      if (!credentials.ok()) {
        report.error = credentials.error();
      } else if (credentials->has_value()) {
        enrolled = true;
        const DeviceCredentials& c = **credentials;
        if (!loaded || loaded->device_id != c.device_id || loaded->secret_key != c.secret_key ||
            loaded->server_urls != c.server_urls) {
          transport = MakeTransport(m_options);
          api = std::make_unique<ApiClient>(*transport, c);
          loaded = c;
        }
        {
          std::lock_guard lock(m_mutex);
          m_snapshot.syncing = true;
        }
        report = RunSyncCycle(*store, *api, m_options);
        if (report.catalog_updated && m_options.on_catalog_stored) {
          if (auto stored = LoadStoredCatalogs(*store); stored.ok())
            m_options.on_catalog_stored(*stored);
        }
      } else if (auto health = store->applications().OutboxHealth(); health.ok()) {
        report.pending_after = health->pending;
        report.parked_after = health->parked;
      }
    }

    const auto now = Clock::now();
    std::chrono::milliseconds delay = m_options.idle_interval;
    if (report.revoked) {
      // Revoked: ask again rarely, and let no trigger (a submit) make it sooner.
      failures = 0;
      delay =
          std::max<std::chrono::milliseconds>(m_options.revoked_interval, m_options.idle_interval);
      not_before = now + delay;
    } else if (report.error) {
      ++failures;
      delay = BackoffDelay(m_options.backoff, failures, std::chrono::seconds(report.retry_after_s),
                           RandomUniform01);
      not_before = now + std::chrono::seconds(report.retry_after_s);
    } else {
      failures = 0;
      // Queued again after a server restore: send them now, not a quiet interval later.
      if (report.resent_after_restore > 0) delay = std::chrono::milliseconds(0);
    }
    // Read from the store before taking the lock: Snapshot() (the UI thread) waits on
    // m_mutex, so nothing slower than copying may happen under it.
    std::optional<Result<OutboxHealthReport>> health;
    if (store) health = store->applications().OutboxHealth();
    {
      std::lock_guard lock(m_mutex);
      ++m_cycles;
      SyncSnapshot& s = m_snapshot;
      s.syncing = false;
      s.enrolled = enrolled;
      s.online = enrolled && (!report.error || report.error->kind != ErrorKind::kUnavailable);
      s.revoked = enrolled && report.revoked;
      s.pending = report.pending_after;
      s.parked = report.parked_after;
      s.consecutive_failures = failures;
      s.last_error = report.error ? report.error->message : "";
      if (enrolled && !report.error) s.last_success_at = now;
      s.next_attempt_at = now + delay;
      s.server_url = api ? api->current_url() : "";
      s.last_cycle = report;
      if (health && health->ok()) s.oldest_pending_at = (*health)->oldest_pending_at;
    }
    m_wake.notify_all();

    std::unique_lock lock(m_mutex);
    const auto deadline = now + delay;
    m_wake.wait_until(lock, deadline, [&] { return m_stop || m_triggered; });
    if (m_stop) break;
    if (m_triggered) {
      m_triggered = false;
      // A trigger skips our own backoff but not the server's explicit Retry-After.
      if (Clock::now() < not_before) {
        m_wake.wait_until(lock, not_before, [&] { return m_stop; });
        if (m_stop) break;
      }
    }
  }
}

}  // namespace yimen::sync
