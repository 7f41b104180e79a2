// The fleet query and revocation (office_fleet.h). Two statements read the view: the
// devices in scope (with their hall's township and any revocation), then the queue
// samples of the growth window for those devices; the flags are computed here, from
// the database's clock, so the console and the CLI flag the same kiosks.
#include "server/office_fleet.h"

#include <algorithm>
#include <map>

#include "domain/utf8.h"
#include "server/office_scope.h"

namespace yimen::server {
namespace {

bool MaySeeFleet(const OfficeAccount& account) {
  return account.role == OfficeRole::kAdmin || account.role == OfficeRole::kSupervisor;
}

// The predicate on `devices d` for what `viewer` may see (MaySeeFleet already held).
std::string FleetScope(pqxx::transaction_base& tx, const OfficeAccount& viewer) {
  if (viewer.role == OfficeRole::kAdmin || IsCountyScope(tx, viewer.scope)) return "true";
  return "d.hall IN (SELECT name FROM halls WHERE town = " + tx.quote(viewer.scope) + ")";
}

std::string Text(const pqxx::field& field) {
  return field.is_null() ? "" : field.as<std::string>();
}
int64_t Number(const pqxx::field& field, int64_t absent) {
  return field.is_null() ? absent : field.as<int64_t>();
}

// One row of ListFleet's first statement, in its column order.
FleetKiosk ReadKiosk(const pqxx::row& row, const FleetOptions& options) {
  FleetKiosk k;
  k.device_id = row[0].as<int64_t>();
  k.kiosk_code = row[1].as<std::string>();
  k.hall = row[2].as<std::string>();
  k.town = row[3].as<std::string>();
  k.enrolled_at = row[4].as<std::string>();
  k.last_heartbeat_at = Text(row[5]);
  k.silent_seconds = Number(row[6], -1);
  k.queue_depth = Number(row[7], 0);
  k.parked = Number(row[8], 0);
  k.oldest_pending_age_s = Number(row[9], 0);
  k.app_version = Text(row[10]);
  k.catalog_version = Text(row[11]);
  k.free_disk_bytes = Number(row[12], -1);
  k.sealing_key_id = Text(row[13]);
  k.last_error = Text(row[14]);
  k.revoked = row[15].as<bool>();
  k.revoked_at = Text(row[16]);
  k.revoked_by = Text(row[17]);
  k.revoke_reason = Text(row[18]);
  const int64_t enrolled_seconds = row[19].as<int64_t>();
  if (!k.revoked) {
    const int64_t silent_after = int64_t{options.silent_minutes} * 60;
    k.silent =
        k.silent_seconds >= 0 ? k.silent_seconds > silent_after : enrolled_seconds > silent_after;
    // A negative figure is "could not tell" (statvfs failed), not an empty disk.
    k.disk_low = k.free_disk_bytes >= 0 && k.free_disk_bytes < kFleetLowDiskBytes &&
                 !k.last_heartbeat_at.empty();
  }
  return k;
}

}  // namespace

bool QueueIsGrowing(const std::vector<int64_t>& samples, int min_samples) {
  if (samples.size() < static_cast<size_t>(std::max(2, min_samples))) return false;
  for (size_t i = 1; i < samples.size(); ++i) {
    if (samples[i] < samples[i - 1]) return false;
  }
  return samples.back() > samples.front();
}

Result<std::vector<FleetKiosk>> ListFleet(PgPool& pool, const OfficeAccount& viewer,
                                          const FleetOptions& options) {
  if (!MaySeeFleet(viewer)) {
    return MakeError(ErrorKind::kRejected, "只有管理员和主管可以查看终端设备");
  }
  std::vector<FleetKiosk> kiosks;
  Status status = pool.Run([&](pqxx::connection& c) {
    kiosks.clear();
    pqxx::read_transaction tx(c);
    const std::string scope = FleetScope(tx, viewer);
    pqxx::result rows = tx.exec(
        "SELECT d.id, d.kiosk_code, d.hall, coalesce(h.town, ''), " + SqlIsoUtc("d.enrolled_at") +
        ", " + SqlIsoUtc("d.last_heartbeat_at") +
        ", extract(epoch FROM now() - d.last_heartbeat_at)::bigint, d.queue_depth, d.parked, "
        "d.oldest_pending_age_s, d.app_version, d.catalog_version, d.free_disk_bytes, "
        "d.sealing_key_id, nullif(d.last_error, ''), d.revoked_at IS NOT NULL, " +
        SqlIsoUtc("d.revoked_at") +
        ", r.actor, r.reason, extract(epoch FROM now() - d.enrolled_at)::bigint "
        "FROM devices d LEFT JOIN halls h ON h.name = d.hall "
        "LEFT JOIN kiosk_revocations r ON r.device_id = d.id WHERE " +
        scope + " ORDER BY d.id");
    std::map<int64_t, size_t> index;
    for (const auto& row : rows) {
      index[row[0].as<int64_t>()] = kiosks.size();
      kiosks.push_back(ReadKiosk(row, options));
    }
    // The growth window's samples of the same kiosks, oldest first (index on
    // (device_id, at)).
    pqxx::result samples = tx.exec_params(
        "SELECT k.device_id, k.queue_depth FROM kiosk_heartbeats k JOIN devices d "
        "ON d.id = k.device_id WHERE " +
            scope + " AND k.at > now() - make_interval(mins => $1) ORDER BY k.device_id, k.at",
        options.growth_window_minutes);
    for (const auto& row : samples) {
      const auto at = index.find(row[0].as<int64_t>());
      if (at != index.end()) kiosks[at->second].queue_history.push_back(row[1].as<int64_t>());
    }
  });
  if (!status.ok()) return status.error();
  for (FleetKiosk& k : kiosks) {
    k.queue_growing = !k.revoked && QueueIsGrowing(k.queue_history, options.growth_min_samples);
  }
  std::stable_sort(kiosks.begin(), kiosks.end(), [](const FleetKiosk& a, const FleetKiosk& b) {
    const auto rank = [](const FleetKiosk& k) { return k.revoked ? 2 : k.flagged() ? 0 : 1; };
    if (rank(a) != rank(b)) return rank(a) < rank(b);
    if (a.hall != b.hall) return a.hall < b.hall;
    return a.kiosk_code < b.kiosk_code;
  });
  return kiosks;
}

Status RevokeKiosk(PgPool& pool, const OfficeAccount& actor, const RevokeRequest& request) {
  if (!MaySeeFleet(actor)) return MakeError(ErrorKind::kRejected, "只有管理员和主管可以停用终端");
  const size_t reason_chars = CountCodepoints(request.reason);
  if (request.reason.find_first_not_of(" \t\r\n") == std::string::npos || reason_chars > 500) {
    return MakeError(ErrorKind::kInvalidArgument, "请填写停用原因（500字以内）");
  }
  if (request.via != "console" && request.via != "api" && request.via != "cli") {
    return MakeError(ErrorKind::kInvalidArgument, "unknown channel " + request.via);
  }
  enum class Outcome { kDone, kNotFound, kAlready } outcome = Outcome::kDone;
  Status status = pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    // Locked: two people revoking at once give one revocation and one kConflict.
    pqxx::result row =
        tx.exec_params("SELECT d.revoked_at IS NOT NULL FROM devices d WHERE d.id = $1 AND " +
                           FleetScope(tx, actor) + " FOR UPDATE OF d",
                       request.device_id);
    if (row.empty()) {
      outcome = Outcome::kNotFound;
      return;
    }
    if (row[0][0].as<bool>()) {
      outcome = Outcome::kAlready;
      return;
    }
    tx.exec_params("UPDATE devices SET revoked_at = now() WHERE id = $1", request.device_id);
    tx.exec_params(
        "INSERT INTO kiosk_revocations (device_id, actor, role, via, client, reason) "
        "VALUES ($1, $2, $3, $4, $5, $6)",
        request.device_id, actor.name, OfficeRoleName(actor.role), request.via,
        request.client.substr(0, 200), request.reason);
    tx.commit();
  });
  if (!status.ok()) return status;
  const std::string id = std::to_string(request.device_id);
  if (outcome == Outcome::kNotFound) return MakeError(ErrorKind::kNotFound, "没有终端 " + id);
  if (outcome == Outcome::kAlready)
    return MakeError(ErrorKind::kConflict, "终端 " + id + " 已停用");
  return Status::Ok();
}

}  // namespace yimen::server
