// console-user add / disable / list and sign-in-log (admin_office_commands.h).
#include "server/admin_office_commands.h"

#include <sodium.h>

#include <cstdio>

#include "common/wipe.h"
#include "server/admin_cli.h"

namespace yimen::server {

const char* const kOfficeCommandsUsage =
    "  console-user add NAME --role ROLE --scope SCOPE [--bootstrap]\n"
    "                                   an office account; its password (12+ characters)\n"
    "                                   is the next line of stdin. ROLE: reviewer approver\n"
    "                                   department supervisor admin. --bootstrap (without\n"
    "                                   --user): the first admin of an empty database\n"
    "  console-user disable NAME        refuse the account's sign-ins from now on\n"
    "  console-user list                accounts, roles, scopes, lockouts (no hashes)\n"
    "  sign-in-log [--limit N]          office sign-ins, newest first\n";

namespace {

// console-user add NAME --role ROLE --scope SCOPE, reading the password with `prompt`.
int AddAccount(PgPool& pool, std::vector<std::string> args,
               const std::optional<OfficeAccount>& by) {
  const std::string role_name = cli::TakeFlag(&args, "--role");
  const std::string scope = cli::TakeFlag(&args, "--scope");
  if (args.size() != 1 || role_name.empty() || scope.empty()) return -1;
  const std::optional<OfficeRole> role = ParseOfficeRole(role_name);
  if (!role) {
    return cli::Fail(MakeError(ErrorKind::kInvalidArgument,
                               "--role must be reviewer, approver, department, supervisor or admin"));
  }
  Result<std::string> password = cli::ReadSecretLine("password for new account " + args[0]);
  if (!password.ok()) return cli::Fail(password.error());
  Result<int64_t> id = CreateOfficeAccount(pool, args[0], *role, scope, *password, by,
                                           cli::ClientLabel());
  Wipe(&*password);
  if (!id.ok()) return cli::Fail(id.error());
  std::printf("office account %s (%s, %s) created\n", args[0].c_str(), role_name.c_str(),
              scope.c_str());
  return 0;
}

int ListAccounts(PgPool& pool) {
  auto rows = ListOfficeAccounts(pool);
  if (!rows.ok()) return cli::Fail(rows.error());
  std::printf("%-20s %-10s %-16s %-9s %-8s %-20s %-20s %s\n", "name", "role", "scope", "state",
              "failures", "locked_until", "last_login", "created_by");
  for (const auto& row : *rows) {
    std::printf("%-20s %-10s %-16s %-9s %-8d %-20s %-20s %s\n", row.name.c_str(), row.role.c_str(),
                row.scope.c_str(), row.disabled ? "disabled" : "active", row.failed_attempts,
                row.locked_until.empty() ? "-" : row.locked_until.c_str(),
                row.last_login_at.empty() ? "never" : row.last_login_at.c_str(),
                row.created_by.c_str());
  }
  return 0;
}

int ListSignIns(PgPool& pool, std::vector<std::string> args) {
  const std::string limit_text = cli::TakeFlag(&args, "--limit", "100");
  if (!args.empty()) return -1;
  int limit = 0;
  try {
    limit = std::stoi(limit_text);
  } catch (const std::exception&) {
    limit = 0;
  }
  if (limit < 1 || limit > 10000) {
    return cli::Fail(MakeError(ErrorKind::kInvalidArgument, "--limit must be 1..10000"));
  }
  Status status = pool.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    pqxx::result r = tx.exec_params(
        "SELECT " + SqlIsoUtc("at") +
            ", name, outcome, command, client FROM office_auth_log ORDER BY id DESC LIMIT $1",
        limit);
    std::printf("%-20s %-20s %-9s %-22s %s\n", "at", "name", "outcome", "command", "client");
    for (const auto& row : r) {
      std::printf("%-20s %-20s %-9s %-22s %s\n", row[0].c_str(), row[1].c_str(), row[2].c_str(),
                  row[3].c_str(), row[4].c_str());
    }
  });
  return status.ok() ? 0 : cli::Fail(status.error());
}

}  // namespace

int RunConsoleUserBootstrap(PgPool& pool, std::vector<std::string> args) {
  if (args.empty() || args[0] != "add") return -1;
  args.erase(args.begin());
  return AddAccount(pool, std::move(args), std::nullopt);
}

std::optional<int> RunOfficeCommand(PgPool& pool, const std::string& command,
                                    std::vector<std::string> args, const OfficeAccount& by) {
  if (command == "sign-in-log") return ListSignIns(pool, std::move(args));
  if (command != "console-user") return std::nullopt;
  if (args.empty()) return -1;
  const std::string sub = args[0];
  args.erase(args.begin());
  if (sub == "add") return AddAccount(pool, std::move(args), by);
  if (sub == "list") return args.empty() ? ListAccounts(pool) : -1;
  if (sub == "disable") {
    if (args.size() != 1) return -1;
    if (Status s = DisableOfficeAccount(pool, args[0], by); !s.ok()) return cli::Fail(s.error());
    std::printf("office account %s disabled\n", args[0].c_str());
    return 0;
  }
  return -1;
}

}  // namespace yimen::server
