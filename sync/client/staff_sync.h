// The sync engine's staff steps, kept out of engine.cpp: pull the staff accounts the
// office provisioned (by version cursor) into the store, and push the store's audit
// rows (by row id) to the server. Each step leaves the store consistent however the
// network fails: cursors move only with what they cover. A server that does not know
// these endpoints yet (404) is not an error: nothing moves, the rows wait.
#pragma once

#include <cstdint>

#include "domain/result.h"
#include "store/store.h"
#include "sync/client/api_client.h"

namespace yimen::sync {

struct StaffSyncReport {
  int64_t accounts_applied = 0;  // account rows stored in this cycle
  int64_t audit_sent = 0;        // audit rows acknowledged in this cycle
};

// Pulls every account change after the stored cursor, page by page, and applies each
// page with its cursor in one transaction. Stops at the first error (returned; what
// was applied stays). Sync thread.
Status PullStaffAccounts(Store& store, ApiClient& api, StaffSyncReport* report);

// Sends audit rows after the acknowledged id in batches of up to `batch` rows and moves
// the cursor to what the server acknowledged. A reply lost after the server stored the
// rows is harmless: they are sent again and the server keeps them once. Sync thread.
Status PushAudit(Store& store, ApiClient& api, int batch, StaffSyncReport* report);

}  // namespace yimen::sync
