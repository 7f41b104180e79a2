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

// The Argon2id hash (crypto_pwhash_str, interactive limits, as the kiosk uses) of a PIN
// of 6 to 12 digits. kInvalidArgument for any other PIN. Takes ~0.1 s. Any thread.
Result<std::string> HashStaffPin(const std::string& pin);

// Adds an account or replaces its PIN hash (and enables it again). kInvalidArgument for
// a name that is not 1..32 characters of UTF-8 without control characters, or a hash
// that is not Argon2id. Returns the version given to the change.
Result<int64_t> ProvisionStaffAccount(PgPool& pool, const std::string& name,
                                      const std::string& pin_hash);

// Disables an account: kiosks refuse it after their next sync. kNotFound for an unknown
// name. Idempotent (disabling again gives a new version all the same). Returns it.
Result<int64_t> DisableStaffAccount(PgPool& pool, const std::string& name);

struct StaffAccountRow {
  std::string name;
  bool disabled = false;
  int64_t version = 0;
  std::string updated_at;  // ISO-8601 UTC
};

// Every account, by name. No hashes.
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
