// yimen-admin staff-add / staff-disable / staff-list / audit (admin_staff_commands.h).
// The PIN is hashed here, on the operator's machine, so neither the server nor its
// database ever holds one; it is read from stdin (a flag would show in the process
// list), after the signed-in account's password.
#include "server/admin_staff_commands.h"

#include <sodium.h>

#include <cstdio>

#include "common/secret_hash.h"
#include "common/wipe.h"
#include "domain/result.h"
#include "server/admin_cli.h"
#include "server/staff_admin.h"

namespace yimen::server {

const char* const kStaffCommandsUsage =
    "  staff-add NAME --hall HALL       provision a staff account for one hall's kiosks\n"
    "                                   (PIN: the next line of stdin, 8-20 digits or a\n"
    "                                   passphrase of 10-64 characters); kiosks pull it\n"
    "  staff-disable NAME --hall HALL   that hall's kiosks refuse it after their next sync\n"
    "  staff-list                       accounts by hall (no PINs or hashes)\n"
    "  audit [--kiosk DEVICE_ID] [--limit N]   kiosks' audit rows, newest first\n";

namespace {

using cli::Fail;
using cli::TakeFlag;

int AddStaff(PgPool& pool, std::vector<std::string> args, const OfficeAccount& by) {
  const std::string hall = TakeFlag(&args, "--hall");
  if (args.size() != 1 || hall.empty()) return -1;
  Result<std::string> pin = cli::ReadSecretLine("PIN for " + args[0]);
  if (!pin.ok()) return Fail(pin.error());
  Result<std::string> hash = HashStaffPin(*pin);
  const bool digits = pin->find_first_not_of("0123456789") == std::string::npos;
  Wipe(&*pin);
  if (!hash.ok()) return Fail(hash.error());
  if (!digits) {
    std::fprintf(stderr,
                 "yimen-admin: note: a passphrase cannot be typed on the kiosk's PIN pad "
                 "(digits only); give kiosk staff a PIN of %zu+ digits\n",
                 secret::kMinPinDigits);
  }
  if (Result<bool> known = HallIsKnown(pool, hall); known.ok() && !*known) {
    std::fprintf(stderr, "yimen-admin: warning: no kiosk or enrollment code names hall %s\n",
                 hall.c_str());
  }
  Result<int64_t> version = ProvisionStaffAccount(pool, hall, args[0], *hash, by.name);
  if (!version.ok()) return Fail(version.error());
  std::printf("staff account %s of hall %s provisioned (version %lld)\n", args[0].c_str(),
              hall.c_str(), static_cast<long long>(*version));
  return 0;
}

}  // namespace

std::optional<int> RunStaffCommand(PgPool& pool, const std::string& command,
                                   std::vector<std::string> args, const OfficeAccount& by) {
  if (command == "staff-add") return AddStaff(pool, std::move(args), by);
  if (command == "staff-disable") {
    const std::string hall = TakeFlag(&args, "--hall");
    if (args.size() != 1 || hall.empty()) return -1;
    Result<int64_t> version = DisableStaffAccount(pool, hall, args[0], by.name);
    if (!version.ok()) return Fail(version.error());
    std::printf("staff account %s of hall %s disabled (version %lld)\n", args[0].c_str(),
                hall.c_str(), static_cast<long long>(*version));
    return 0;
  }
  if (command == "staff-list") {
    if (!args.empty()) return -1;
    auto rows = ListStaffAccounts(pool);
    if (!rows.ok()) return Fail(rows.error());
    std::printf("%-16s %-24s %-9s %-8s %-20s %s\n", "hall", "name", "state", "version",
                "updated_at", "changed_by");
    for (const auto& row : *rows) {
      std::printf("%-16s %-24s %-9s %-8lld %-20s %s\n",
                  row.hall.empty() ? "(none)" : row.hall.c_str(), row.name.c_str(),
                  row.disabled ? "disabled" : "active", static_cast<long long>(row.version),
                  row.updated_at.c_str(), row.changed_by.c_str());
    }
    return 0;
  }
  if (command == "audit") {
    const std::string kiosk = TakeFlag(&args, "--kiosk");
    const std::string limit_text = TakeFlag(&args, "--limit");
    if (!args.empty()) return -1;
    std::optional<int64_t> device;
    int limit = 200;
    try {
      if (!kiosk.empty()) device = std::stoll(kiosk);
      if (!limit_text.empty()) limit = std::stoi(limit_text);
    } catch (const std::exception&) {
      return Fail(MakeError(ErrorKind::kInvalidArgument, "--kiosk and --limit take numbers"));
    }
    auto rows = ListAudit(pool, device, limit);
    if (!rows.ok()) return Fail(rows.error());
    std::printf("%-6s %-5s %-6s %-24s %-20s %-28s %s\n", "device", "code", "seq", "at", "actor",
                "action", "detail");
    for (const auto& row : *rows) {
      std::printf("%-6lld %-5s %-6lld %-24s %-20s %-28s %s\n", static_cast<long long>(row.device_id),
                  row.kiosk_code.c_str(), static_cast<long long>(row.kiosk_seq), row.at.c_str(),
                  row.actor.c_str(), row.action.c_str(), row.detail.c_str());
    }
    return 0;
  }
  return std::nullopt;
}

}  // namespace yimen::server
