// What the office does about staff accounts and the kiosks' audit trails: provision and
// disable accounts (kiosks pull them), list them, read audit rows. Used by yimen-admin
// and by tests; the server itself never sees a PIN, only the Argon2id hash made here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/result.h"
#include "server/pg_pool.h"

namespace yimen::server {

// The Argon2id hash (common/secret_hash.h: the kiosk's rule and cost) of a staff PIN.
// kInvalidArgument for a PIN the rule refuses. Takes about a second. Any thread.
Result<std::string> HashStaffPin(const std::string& pin);

// Adds the account `name` of hall `hall` (only that hall's kiosks receive it) or
// replaces its PIN hash (and enables it again); `actor` is the office account that did
// it. kInvalidArgument for a name or hall that is not 1..32 characters of UTF-8 without
// control characters, or a hash that is not Argon2id. Returns the version given.
Result<int64_t> ProvisionStaffAccount(PgPool& pool, const std::string& hall,
                                      const std::string& name, const std::string& pin_hash,
                                      const std::string& actor);

// Disables hall `hall`'s account `name`: its kiosks refuse it after their next sync,
// and its hash is replaced by one nothing matches. kNotFound for an unknown account.
// Idempotent (disabling again gives a new version all the same). Returns it.
Result<int64_t> DisableStaffAccount(PgPool& pool, const std::string& hall,
                                    const std::string& name, const std::string& actor);

// True when some kiosk is enrolled in `hall` or an enrollment code names it: staff-add
// warns about a hall nobody knows (a typo would reach no kiosk).
Result<bool> HallIsKnown(PgPool& pool, const std::string& hall);

struct StaffAccountRow {
  std::string hall;  // "" for an account from before halls (disabled by migration 6)
  std::string name;
  bool disabled = false;
  int64_t version = 0;
  std::string updated_at;  // ISO-8601 UTC
  std::string changed_by;  // the office account of the last change
};

// Every account, by hall and name. No hashes.
Result<std::vector<StaffAccountRow>> ListStaffAccounts(PgPool& pool);

struct AuditRecord {
  int64_t device_id = 0;
  std::string kiosk_code;
  int64_t kiosk_seq = 0;
  std::string at;  // the kiosk's clock
  std::string actor;
  std::string action;
  std::string detail;
};

// The newest `limit` audit rows (1..10000), of one kiosk or of all, newest first.
Result<std::vector<AuditRecord>> ListAudit(PgPool& pool, std::optional<int64_t> device_id,
                                           int limit);

// Shared by the admin paths and the endpoint: a name the kiosk will accept.
bool IsValidStaffName(const std::string& name);

}  // namespace yimen::server
