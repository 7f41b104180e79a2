// The two staff endpoints of ServerCore: GET /v1/staff-accounts (the accounts the office
// provisioned for the requesting kiosk's hall, by version cursor) and POST /v1/audit (a kiosk's audit rows, stored once
// per kiosk and row id however often they are sent). Both sit behind the same signed
// device authentication as push and status (service.cpp routes them here).
#include <algorithm>
#include <exception>

#include "server/service.h"
#include "server/staff_admin.h"

namespace yimen::server {
namespace {

template <class T>
ApiReply Json200(const T& message) {
  ApiReply reply;
  reply.body = protocol::SerializeMessage(message);
  return reply;
}

}  // namespace

ApiReply ServerCore::PullStaffAccounts(const DeviceIdentity& device, const std::string& query) {
  int64_t after = 0;
  int64_t limit = static_cast<int64_t>(protocol::kMaxStaffPage);
  try {
    if (std::string a = QueryParam(query, "after"); !a.empty()) after = std::stoll(a);
    if (std::string l = QueryParam(query, "limit"); !l.empty()) limit = std::stoll(l);
  } catch (const std::exception&) {
    return ErrorReply(400, "bad_request", "after and limit must be integers");
  }
  limit = std::clamp<int64_t>(limit, 1, static_cast<int64_t>(protocol::kMaxStaffPage));
  protocol::StaffAccountsPage page;
  page.cursor = after;
  Status status = m_pool.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    // A kiosk gets its own hall's accounts only: another hall's PIN hashes never reach
    // it, so a stolen kiosk exposes one hall's staff. Accounts from before halls (hall
    // '') go to every kiosk, but only disabled and without a usable hash (migration 6),
    // so each kiosk drops the copy it was given then. The cursor stays one sequence:
    // versions skipped here belong to other halls.
    pqxx::result r = tx.exec_params(
        "SELECT name, pin_hash, disabled, version FROM staff_accounts "
        "WHERE version > $1 AND (hall = $3 OR (hall = '' AND disabled)) "
        "ORDER BY version LIMIT $2",
        after, limit + 1, device.hall);
    for (const auto& row : r) {
      if (static_cast<int64_t>(page.accounts.size()) == limit) {
        page.more = true;
        break;
      }
      protocol::StaffAccountEntry entry;
      entry.name = row[0].as<std::string>();
      entry.pin_hash = row[1].as<std::string>();
      entry.disabled = row[2].as<bool>();
      entry.version = row[3].as<int64_t>();
      page.cursor = entry.version;
      page.accounts.push_back(std::move(entry));
    }
  });
  if (!status.ok()) return ReplyForError(status.error());
  return Json200(page);
}

ApiReply ServerCore::PushAudit(const DeviceIdentity& device, const ApiRequest& request) {
  // Strict, as documented: unknown fields and NUL text refused with their path.
  auto parsed = protocol::ParseRequest<protocol::AuditPush>(request.body);
  if (!parsed.ok()) return ErrorReply(400, "bad_request", parsed.error().message);
  const std::vector<protocol::AuditRow>& rows = parsed->rows;
  if (rows.size() > protocol::kMaxAuditBatch) {
    return ErrorReply(413, "too_large",
                      "at most " + std::to_string(protocol::kMaxAuditBatch) + " audit rows per request");
  }
  for (const protocol::AuditRow& row : rows) {
    const size_t limit = protocol::kMaxAuditFieldBytes;
    if (row.seq <= 0 || row.actor.empty() || row.action.empty() || row.at.size() > 40 ||
        row.actor.size() > limit || row.action.size() > limit || row.detail.size() > limit) {
      return ErrorReply(400, "bad_request",
                        "audit row " + std::to_string(row.seq) +
                            ": seq must be > 0, actor and action set, fields at most " +
                            std::to_string(limit) + " bytes");
    }
  }
  protocol::AuditAck ack;
  // One statement for the whole batch (a statement per row was a quarter of a backlog
  // drain's time: docs/benchmarks.md). The kiosk's row id is the idempotency key: a
  // row sent again, or twice in one batch, is not stored twice.
  nlohmann::json batch = nlohmann::json::array();
  for (const protocol::AuditRow& row : rows) {
    batch.push_back({{"seq", row.seq},
                     {"at", row.at},
                     {"actor", row.actor},
                     {"action", row.action},
                     {"detail", row.detail}});
    ack.through = std::max(ack.through, row.seq);
  }
  Status status = m_pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    pqxx::result r = tx.exec_params(
        "INSERT INTO kiosk_audit (device_id, kiosk_seq, at, actor, action, detail) "
        "SELECT $1, x.seq, x.at, x.actor, x.action, x.detail FROM jsonb_to_recordset($2::jsonb) "
        "AS x(seq bigint, at text, actor text, action text, detail text) "
        "ON CONFLICT (device_id, kiosk_seq) DO NOTHING RETURNING kiosk_seq",
        device.id, batch.dump());
    ack.stored = static_cast<int64_t>(r.size());
    tx.commit();
  });
  if (!status.ok()) return ReplyForError(status.error());
  return Json200(ack);
}

}  // namespace yimen::server
