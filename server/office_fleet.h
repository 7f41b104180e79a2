// The office's view of its kiosks (docs/console.md "Fleet"): each enrolled kiosk with
// what its last heartbeat said, how long ago that was, and the flags that need a person
// (silent, queue growing, disk low); and revoking a kiosk. One query and one revoke
// for the console, its JSON API and `yimen-admin kiosks` / `revoke`, so they agree.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "domain/result.h"
#include "server/office_accounts.h"
#include "server/pg_pool.h"

namespace yimen::server {

// The queue history the heartbeat keeps (server/service.cpp, table kiosk_heartbeats):
// at most one sample per kiosk every kFleetSampleEverySeconds, none older than
// kFleetSampleKeepSeconds — about 24 rows a kiosk, whatever its heartbeat rate.
inline constexpr int kFleetSampleEverySeconds = 300;
inline constexpr int kFleetSampleKeepSeconds = 2 * 3600;
// Below this much free disk a kiosk is flagged: the same bound at which the kiosk's
// own staff screen turns its storage line red (app/ui/kiosk_app.h kLowStorageBytes).
inline constexpr int64_t kFleetLowDiskBytes = 200LL * 1024 * 1024;

struct FleetOptions {
  // A kiosk whose last heartbeat is older than this (or that never sent one this long
  // after enrolling) is silent. [console] fleet_silent_minutes.
  int silent_minutes = 30;
  // The queue is growing when the samples of the last growth_window_minutes — at least
  // growth_min_samples of them — never fall and the newest is above the oldest.
  int growth_window_minutes = 60;
  int growth_min_samples = 3;
};

struct FleetKiosk {
  int64_t device_id = 0;
  std::string kiosk_code;
  std::string hall;
  std::string town;               // the hall's township (halls table), "" when none
  std::string enrolled_at;        // ISO-8601 UTC
  std::string last_heartbeat_at;  // ISO-8601 UTC, "" when never
  int64_t silent_seconds = -1;    // since the last heartbeat; -1 when never
  int64_t queue_depth = 0;
  int64_t parked = 0;
  int64_t oldest_pending_age_s = 0;  // the oldest undelivered item's age when it reported
  std::string app_version;
  std::string catalog_version;
  int64_t free_disk_bytes = -1;  // -1 when never reported
  std::string sealing_key_id;    // "" from kiosks that do not report it
  std::string last_error;
  std::vector<int64_t> queue_history;  // the growth window's samples, oldest first
  bool revoked = false;
  std::string revoked_at;  // ISO-8601 UTC
  std::string revoked_by;
  std::string revoke_reason;
  // The flags (never set on a revoked kiosk: it is done with).
  bool silent = false;
  bool queue_growing = false;
  bool disk_low = false;
  bool flagged() const { return silent || queue_growing || disk_low; }
};

// Whether `samples` (oldest first) show a growing queue: at least `min_samples`, none
// lower than the one before, the last above the first. Pure.
bool QueueIsGrowing(const std::vector<int64_t>& samples, int min_samples);

// The kiosks `viewer` may see, flagged first, then by hall and kiosk code, revoked ones
// last. An admin sees every kiosk; a supervisor those of the halls in their scope (all
// of them when the scope is county-wide: docs/console.md "Roles and scope"). kRejected
// for any other role. Any thread; database errors as PgPool.
Result<std::vector<FleetKiosk>> ListFleet(PgPool& pool, const OfficeAccount& viewer,
                                          const FleetOptions& options);

struct RevokeRequest {
  int64_t device_id = 0;
  std::string reason;  // required: 1 to 500 characters
  std::string via;     // "console", "api" or "cli"
  std::string client;  // the browser's address or the CLI's label, for the audit row
};

// Revokes a kiosk: from the commit on, every signed request and enrollment with its key
// is refused with 403 device_revoked. Writes the kiosk_revocations row (who, role, how,
// why) in the same transaction. kRejected for a role other than admin or supervisor,
// kNotFound for a kiosk outside the actor's scope or none, kInvalidArgument without a
// reason, kConflict when it is revoked already. Any thread.
Status RevokeKiosk(PgPool& pool, const OfficeAccount& actor, const RevokeRequest& request);

}  // namespace yimen::server
