// The kiosk's sync engine: drains the outbox to the server, pulls status changes and
// catalog versions, sends heartbeats. It runs on its own thread with its own Store
// (SQLite connection) so the UI never waits on the network; the UI talks to it only
// through TriggerNow() and Snapshot(). The same cycle runs once, windowless, for
// `yimen-kiosk --sync-once`, and enrollment is a plain function for `--enroll`.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "domain/result.h"
#include "store/store.h"
#include "sync/client/api_client.h"
#include "sync/client/backoff.h"
#include "sync/client/curl_transport.h"
#include "sync/client/sync_snapshot.h"

namespace yimen::sync {

// The published catalog versions a kiosk keeps in its settings: the newest one in force
// when it was pulled (body: the server's JSON, "" when none was ever pulled) and those
// taking effect later (upcoming: a JSON array of {version, effective_from, catalog}).
struct StoredCatalogs {
  std::string version;
  std::string body;
  std::string upcoming;
};

struct SyncOptions {
  int push_batch = 500;                 // items per push request (the server allows 500)
  int max_batches_per_cycle = 10'000;   // a cycle drains everything due unless it fails
  BackoffPolicy backoff;
  CurlOptions curl;
  std::chrono::seconds idle_interval{60};  // status pull + heartbeat when all is quiet
  std::string app_version;                 // reported in heartbeats; "" = this build's
  // Once the server said this kiosk is revoked, a cycle only asks again (one heartbeat)
  // this often, triggers included: a revoked kiosk never hammers the server.
  std::chrono::seconds revoked_interval{3600};
  RetentionPolicy retention;               // the purge run at the end of every cycle
  // Makes the transport; tests inject canned replies or fault proxies. Default: curl.
  std::function<std::unique_ptr<Transport>(const CurlOptions&)> make_transport;
  // Called on the sync thread after a cycle stored a newer published catalog, with what
  // is now stored (LoadStoredCatalogs). It must not touch UI state: main validates the
  // versions and hands them over through a domain/catalog_versions.h CatalogSlot.
  std::function<void(const StoredCatalogs&)> on_catalog_stored;
};

// What the last pull stored. Store-thread only.
Result<StoredCatalogs> LoadStoredCatalogs(Store& store);

// ---- device identity, kept in the store's settings ----

// Whether the server refused the enrolled key as revoked (remembered per device id, so
// enrolling again with a new key clears it). Store-thread only.
bool IsRevokedHere(Store& store, int64_t device_id);

// nullopt when the kiosk has never enrolled. Store-thread only.
Result<std::optional<DeviceCredentials>> LoadCredentials(Store& store);
Status SaveCredentials(Store& store, const DeviceCredentials& credentials);

// Enrolls this kiosk: makes (or, after a lost reply, reuses) an Ed25519 key pair,
// registers it with the one-time code and stores device id, hall, kiosk code and the
// server's sealing key. server_urls: the first is used to enroll, all are kept for
// fail-over. transport: nullptr = curl with default options. Errors: kRejected with
// the server's reason (wrong/used/expired code), kUnavailable (network, throttled).
// Blocks for one round trip: call it from a worker, or from main for --enroll.
Result<DeviceCredentials> EnrollKiosk(Store& store, const std::vector<std::string>& server_urls,
                                      const std::string& code, Transport* transport = nullptr,
                                      const std::string& app_version = "");

// One full cycle with an open store: push everything due (batch by batch; a rejected
// item is parked and the rest keep going), pull status changes, pull a newer
// catalog, send a heartbeat. When the server cannot be reached the next URL of the
// credentials is tried at once, each at most once per cycle. Never throws; problems
// land in CycleReport::error.
// Thread: whichever owns `store` and `api`.
CycleReport RunSyncCycle(Store& store, ApiClient& api, const SyncOptions& options);

// `yimen-kiosk --data-dir DIR --sync-once`: opens the store, runs one cycle, closes.
// Errors only when it cannot start (no store, not enrolled); a failed cycle is in
// the report. Success for operators means: !report.error && report.pending_after == 0.
Result<CycleReport> RunSyncOnce(const std::string& data_dir, const SyncOptions& options = {});

class SyncEngine {
 public:
  SyncEngine(std::string data_dir, SyncOptions options);
  ~SyncEngine();  // Stop()s
  SyncEngine(const SyncEngine&) = delete;
  SyncEngine& operator=(const SyncEngine&) = delete;

  // Starts the sync thread, which opens its own Store on data_dir and runs a cycle at
  // once. kConflict if already running. UI thread.
  Status Start();
  // Asks the thread to finish its current request and joins it. Bounded by the curl
  // timeouts. Idempotent. UI thread.
  void Stop();
  // Run a cycle now (after a submit, after the network came back) instead of waiting
  // for the backoff or idle timer; a server's Retry-After is still honoured. Never
  // blocks. Any thread.
  void TriggerNow();
  // A consistent copy of the state. Never blocks on the network. Any thread.
  SyncSnapshot Snapshot() const;
  // How many cycles have finished (tests wait on it). Any thread.
  int64_t CyclesDone() const;

 private:
  void Run();

  std::string m_data_dir;
  SyncOptions m_options;
  std::thread m_thread;
  mutable std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stop = false;       // guarded by m_mutex; set by Stop()
  bool m_triggered = false;  // guarded by m_mutex; set by TriggerNow()
  int64_t m_cycles = 0;      // guarded by m_mutex; written by the sync thread
  SyncSnapshot m_snapshot;   // guarded by m_mutex; written by the sync thread
};

}  // namespace yimen::sync
