// yimen-admin staff-add / staff-disable / staff-list / audit (admin_staff_commands.h).
// The PIN is hashed here, on the operator's machine, so neither the server nor its
// database ever holds one; it is read from stdin unless --pin is given (which other
// users could see in the process list).
#include "server/admin_staff_commands.h"

#include <sodium.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "domain/result.h"
#include "server/staff_admin.h"

namespace yimen::server {

const char* const kStaffCommandsUsage =
    "  staff-add NAME [--pin PIN]       provision a staff account (PIN 6-12 digits, read\n"
    "                                   from stdin without --pin); kiosks pull it at sync\n"
    "  staff-disable NAME               kiosks refuse the account after their next sync\n"
    "  staff-list                       accounts (no PINs or hashes)\n"
    "  audit [--kiosk DEVICE_ID] [--limit N]   kiosks' audit rows, newest first\n";

namespace {

int Fail(const Error& error) {
  std::fprintf(stderr, "yimen-admin: %s: %s\n", ErrorKindName(error.kind), error.message.c_str());
  return error.kind == ErrorKind::kInvalidArgument ? 2 : 1;
}

std::string TakeFlag(std::vector<std::string>* args, const std::string& flag) {
  for (size_t i = 0; i + 1 < args->size(); ++i) {
    if ((*args)[i] == flag) {
      std::string value = (*args)[i + 1];
      args->erase(args->begin() + static_cast<long>(i), args->begin() + static_cast<long>(i) + 2);
      return value;
    }
  }
  return "";
}

}  // namespace

std::optional<int> RunStaffCommand(PgPool& pool, const std::string& command,
                                   std::vector<std::string> args) {
  if (command == "staff-add") {
    std::string pin = TakeFlag(&args, "--pin");
    if (args.size() != 1) return -1;
    if (pin.empty()) {
      if (isatty(STDIN_FILENO)) std::fprintf(stderr, "PIN for %s (6-12 digits): ", args[0].c_str());
      std::getline(std::cin, pin);
    }
    Result<std::string> hash = HashStaffPin(pin);
    sodium_memzero(pin.data(), pin.size());
    if (!hash.ok()) return Fail(hash.error());
    Result<int64_t> version = ProvisionStaffAccount(pool, args[0], *hash);
    if (!version.ok()) return Fail(version.error());
    std::printf("staff account %s provisioned (version %lld)\n", args[0].c_str(),
                static_cast<long long>(*version));
    return 0;
  }
  if (command == "staff-disable") {
    if (args.size() != 1) return -1;
    Result<int64_t> version = DisableStaffAccount(pool, args[0]);
    if (!version.ok()) return Fail(version.error());
    std::printf("staff account %s disabled (version %lld)\n", args[0].c_str(),
                static_cast<long long>(*version));
    return 0;
  }
  if (command == "staff-list") {
    if (!args.empty()) return -1;
    auto rows = ListStaffAccounts(pool);
    if (!rows.ok()) return Fail(rows.error());
    std::printf("%-24s %-9s %-8s %s\n", "name", "state", "version", "updated_at");
    for (const auto& row : *rows) {
      std::printf("%-24s %-9s %-8lld %s\n", row.name.c_str(), row.disabled ? "disabled" : "active",
                  static_cast<long long>(row.version), row.updated_at.c_str());
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
