// What the sync engine tells the rest of the kiosk: the outcome of one cycle and a
// copy of the engine's state for the staff queue screen. Plain data with no network
// or database types in it, so the UI can show it without linking the sync client.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "domain/result.h"

namespace yimen::sync {

// What one cycle did. Counts are for this cycle; *_after are the store's view after it.
struct CycleReport {
  int64_t created = 0;
  int64_t duplicates = 0;
  int64_t rejected = 0;        // parked for staff
  int64_t status_changes = 0;
  bool catalog_updated = false;
  int64_t staff_accounts = 0;  // provisioned account changes applied (staff_sync.h)
  int64_t audit_sent = 0;      // audit rows the server acknowledged
  bool heartbeat_sent = false;
  int64_t pending_after = 0;
  int64_t parked_after = 0;
  int64_t attachments_uploaded = 0;   // encrypted photos the server now holds whole
  int64_t uploads_pending_after = 0;  // attachments of delivered applications still to send
  int64_t payloads_purged = 0;        // by the retention purge this cycle
  int64_t stubs_deleted = 0;
  int64_t resent_after_restore = 0;  // acknowledged ones queued again: the server's epoch changed
  // The server refused this kiosk's key as revoked (403 device_revoked): nothing more
  // is sent this cycle, the outbox stays as it is, and staff are told (SyncSnapshot).
  bool revoked = false;
  std::optional<Error> error;  // the failure that cut the cycle short, if any
  int retry_after_s = 0;       // the server's Retry-After with that failure
};

// A copy of the engine's state for the UI (staff queue view). Written by the sync
// thread under the engine's lock; SyncEngine::Snapshot() hands out copies.
struct SyncSnapshot {
  bool running = false;
  bool enrolled = false;
  bool syncing = false;   // a cycle is in progress
  bool online = false;    // the last cycle reached the server
  // The office revoked this kiosk (docs/operations.md "Revoking a kiosk"): the server
  // refuses its key, so nothing will be delivered until it is enrolled again; the
  // outbox is kept. Set from the last cycle (remembered in the store across restarts).
  bool revoked = false;
  int64_t pending = 0;    // waiting to be sent
  int64_t parked = 0;     // refused by the server; staff must look (Store::ListApplications)
  std::optional<std::chrono::system_clock::time_point> oldest_pending_at;
  std::optional<std::chrono::system_clock::time_point> last_success_at;  // last good cycle
  std::optional<std::chrono::system_clock::time_point> next_attempt_at;
  int consecutive_failures = 0;
  std::string last_error;  // "" after a good cycle
  std::string server_url;
  CycleReport last_cycle;
};

}  // namespace yimen::sync
