// Staff-account pull and audit push (staff_sync.h), and the two ApiClient calls they use.
#include "sync/client/staff_sync.h"

#include <algorithm>

namespace yimen::sync {

Result<protocol::StaffAccountsPage> ApiClient::PullStaffAccounts(int64_t after, int limit) {
  const std::string path = std::string(protocol::kPathStaffAccounts) +
                           "?after=" + std::to_string(after) + "&limit=" + std::to_string(limit);
  auto response = Call("GET", path, "", "application/json");
  if (!response.ok()) return response.error();
  if (response->status != 200) return ErrorFromResponse(*response);
  return protocol::ParseMessage<protocol::StaffAccountsPage>(response->body);
}

Result<protocol::AuditAck> ApiClient::PushAudit(const protocol::AuditPush& push) {
  auto response = Call("POST", protocol::kPathAudit, protocol::SerializeMessage(push),
                       "application/json");
  if (!response.ok()) return response.error();
  if (response->status != 200) return ErrorFromResponse(*response);
  return protocol::ParseMessage<protocol::AuditAck>(response->body);
}

Status PullStaffAccounts(Store& store, ApiClient& api, StaffSyncReport* report) {
  Result<int64_t> cursor = store.staff().StaffAccountsCursor();
  if (!cursor.ok()) return cursor.error();
  int64_t after = *cursor;
  while (true) {
    auto page = api.PullStaffAccounts(after, static_cast<int>(protocol::kMaxStaffPage));
    if (!page.ok() && page.error().kind == ErrorKind::kNotFound) return Status::Ok();  // older server
    if (!page.ok()) return page.error();
    std::vector<ServerStaffAccount> accounts;
    for (const protocol::StaffAccountEntry& e : page->accounts) {
      accounts.push_back({e.name, e.pin_hash, e.disabled, e.version});
    }
    if (!accounts.empty() || page->cursor != after) {
      if (Status s = store.staff().ApplyServerStaffAccounts(accounts, page->cursor); !s.ok())
        return s;
    }
    report->accounts_applied += static_cast<int64_t>(accounts.size());
    // A server that does not move its cursor forward would loop forever.
    if (!page->more || page->cursor <= after) break;
    after = page->cursor;
  }
  return Status::Ok();
}

Status PushAudit(Store& store, ApiClient& api, int batch, StaffSyncReport* report) {
  batch = std::clamp(batch, 1, static_cast<int>(protocol::kMaxAuditBatch));
  Result<int64_t> through = store.staff().AuditPushedThrough();
  if (!through.ok()) return through.error();
  int64_t after = *through;
  while (true) {
    auto rows = store.staff().AuditAfter(after, batch);
    if (!rows.ok()) return rows.error();
    if (rows->empty()) break;
    protocol::AuditPush push;
    for (const AuditEntry& e : *rows) {
      push.rows.push_back({e.id, e.at, e.actor, e.action, e.detail});
    }
    auto ack = api.PushAudit(push);
    // A server older than the endpoint answers 404: keep the rows for a later one, and
    // do not let that fail every cycle of a kiosk updated first.
    if (!ack.ok() && ack.error().kind == ErrorKind::kNotFound) return Status::Ok();
    if (!ack.ok()) return ack.error();
    // Only what we sent can be acknowledged: a confused reply never skips rows.
    const int64_t acked = std::min(ack->through, rows->back().id);
    if (acked <= after) {
      return MakeError(ErrorKind::kRejected, "audit: the server acknowledged nothing new");
    }
    if (Status s = store.staff().SetAuditPushedThrough(acked); !s.ok()) return s;
    report->audit_sent += std::count_if(rows->begin(), rows->end(),
                                        [&](const AuditEntry& e) { return e.id <= acked; });
    after = acked;
    if (static_cast<int>(rows->size()) < batch) break;
  }
  return Status::Ok();
}

}  // namespace yimen::sync
