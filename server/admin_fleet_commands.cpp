// kiosks and revoke (admin_fleet_commands.h).
#include "server/admin_fleet_commands.h"

#include <cstdio>

#include "server/admin_cli.h"
#include "server/office_fleet.h"

namespace yimen::server {

const char* const kFleetCommandsUsage =
    "  kiosks [--silent-minutes N]      every kiosk in your scope: hall, last heartbeat,\n"
    "                                   queue, oldest undelivered, parked, versions,\n"
    "                                   free disk, sealing key; flags SILENT (no\n"
    "                                   heartbeat for N minutes, default 30), GROWING\n"
    "                                   (queue grew over the last hour), DISK (low)\n"
    "  revoke DEVICE_ID --reason TEXT   refuse a kiosk's key from now on (audited)\n";

namespace {

std::string Ago(int64_t seconds) {
  if (seconds < 0) return "never";
  if (seconds < 120) return std::to_string(seconds) + "s ago";
  if (seconds < 2 * 3600) return std::to_string(seconds / 60) + "m ago";
  if (seconds < 2 * 86400) return std::to_string(seconds / 3600) + "h ago";
  return std::to_string(seconds / 86400) + "d ago";
}

std::string Flags(const FleetKiosk& k) {
  if (k.revoked) return "REVOKED";
  std::string flags;
  if (k.silent) flags += "SILENT ";
  if (k.queue_growing) flags += "GROWING ";
  if (k.disk_low) flags += "DISK ";
  if (!flags.empty()) flags.pop_back();
  return flags.empty() ? "ok" : flags;
}

int ListKiosks(PgPool& pool, std::vector<std::string> args, const OfficeAccount& by) {
  FleetOptions options;
  const std::string minutes = cli::TakeFlag(&args, "--silent-minutes", "30");
  try {
    options.silent_minutes = std::stoi(minutes);
  } catch (const std::exception&) {
    return -1;
  }
  if (!args.empty() || options.silent_minutes < 1) return -1;
  auto kiosks = ListFleet(pool, by, options);
  if (!kiosks.ok()) return cli::Fail(kiosks.error());
  std::printf("%-6s %-5s %-16s %-20s %-10s %6s %8s %6s %-14s %-12s %9s %-10s %s\n", "device",
              "code", "hall", "last_heartbeat", "ago", "queue", "oldest_s", "parked", "app_version",
              "catalog", "free_mb", "key", "flags");
  for (const FleetKiosk& k : *kiosks) {
    const std::string free_mb =
        k.free_disk_bytes < 0 ? "-" : std::to_string(k.free_disk_bytes / (1024 * 1024));
    std::printf("%-6lld %-5s %-16s %-20s %-10s %6lld %8lld %6lld %-14s %-12s %9s %-10s %s\n",
                static_cast<long long>(k.device_id), k.kiosk_code.c_str(), k.hall.c_str(),
                k.last_heartbeat_at.empty() ? "never" : k.last_heartbeat_at.c_str(),
                Ago(k.silent_seconds).c_str(), static_cast<long long>(k.queue_depth),
                static_cast<long long>(k.oldest_pending_age_s), static_cast<long long>(k.parked),
                k.app_version.empty() ? "-" : k.app_version.c_str(),
                k.catalog_version.empty() ? "-" : k.catalog_version.c_str(), free_mb.c_str(),
                k.sealing_key_id.empty() ? "-" : k.sealing_key_id.c_str(), Flags(k).c_str());
  }
  return 0;
}

int Revoke(PgPool& pool, std::vector<std::string> args, const OfficeAccount& by) {
  RevokeRequest request;
  request.reason = cli::TakeFlag(&args, "--reason");
  request.via = "cli";
  request.client = cli::ClientLabel();
  if (args.size() != 1 || request.reason.empty()) return -1;
  try {
    request.device_id = std::stoll(args[0]);
  } catch (const std::exception&) {
    return -1;
  }
  if (Status s = RevokeKiosk(pool, by, request); !s.ok()) return cli::Fail(s.error());
  std::printf("kiosk %lld revoked: its requests are refused from now on\n",
              static_cast<long long>(request.device_id));
  return 0;
}

}  // namespace

std::optional<int> RunFleetCommand(PgPool& pool, const std::string& command,
                                   std::vector<std::string> args, const OfficeAccount& by) {
  if (command == "kiosks") return ListKiosks(pool, std::move(args), by);
  if (command == "revoke") return Revoke(pool, std::move(args), by);
  return std::nullopt;
}

}  // namespace yimen::server
