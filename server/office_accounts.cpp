// Office accounts, sign-in and roles (office_accounts.h).
#include "server/office_accounts.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <thread>
#include <utility>

#include "common/secret_hash.h"
#include "domain/utf8.h"

namespace yimen::server {
namespace {

constexpr std::array<const char*, 5> kRoleNames = {"reviewer", "approver", "department",
                                                   "supervisor", "admin"};

constexpr unsigned Bit(OfficeRole role) { return 1u << static_cast<unsigned>(role); }
constexpr unsigned kAnyRole = 0x1f;
constexpr unsigned kCaseWork = Bit(OfficeRole::kReviewer) | Bit(OfficeRole::kApprover) |
                               Bit(OfficeRole::kDepartment) | Bit(OfficeRole::kSupervisor);
constexpr unsigned kOversight = Bit(OfficeRole::kSupervisor) | Bit(OfficeRole::kAdmin);
constexpr unsigned kAdminOnly = Bit(OfficeRole::kAdmin);

// The roles table (docs/operations.md "Office accounts"). Admins run the system but do
// not work on applications; case workers work on applications but change no system
// state; supervisors watch kiosks, manage hall staff and may stop a stolen kiosk.
struct CommandRoles {
  std::string_view command;
  unsigned roles;
};
constexpr std::array<CommandRoles, 31> kCommandRoles = {{
    {"list", kAnyRole},
    {"set-status", kCaseWork},
    {"comment", kCaseWork},
    {"queue", kAnyRole},
    {"hall", kOversight},
    {"department", kOversight},
    {"holiday", kOversight},
    {"attachment", kCaseWork},
    {"show", kCaseWork},
    {"kiosks", kOversight},
    {"audit", kOversight},
    {"staff-list", kOversight},
    {"staff-add", kOversight},
    {"staff-disable", kOversight},
    {"revoke", kOversight},
    {"enroll-code", kAdminOnly},
    {"publish-catalog", kAdminOnly},
    // The console's catalog page (console_catalog.cpp): upload, compare, publish.
    {"console catalog", kOversight},
    {"sealing-keys", kAdminOnly},
    {"rotate-sealing-key", kAdminOnly},
    {"retire-sealing-key", kAdminOnly},
    {"console-user add", kAdminOnly},
    {"console-user disable", kAdminOnly},
    {"console-user list", kAdminOnly},
    {"sign-in-log", kOversight},
    // Key custody (server/key_vault.h): supervisors hold the passphrase, with the admin
    // who runs the system; unlocking is for those who open applications.
    {"key-ceremony", kOversight},
    {"key-passphrase change", kOversight},
    {"key-status", kAnyRole},
    {"unlock", kCaseWork},
    // The office console (server/console.h): every role signs in; what each may do
    // there is checked per action (office_workflow.h, key_vault.h).
    {"console", kAnyRole},
    // The subsidy roster (server/office_roster.h): names, ID numbers and bank accounts
    // of a whole township, for the bank; the console checks the same entry.
    {"roster", Bit(OfficeRole::kSupervisor)},
}};

bool Printable(const std::string& text, size_t max_chars) {
  const size_t chars = CountCodepoints(text);
  if (chars == 0 || chars > max_chars || !IsValidUtf8(text)) return false;
  return std::none_of(text.begin(), text.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

void Log(pqxx::work& tx, const std::string& name, std::optional<int64_t> account_id,
         const char* outcome, const std::string& command, const std::string& client) {
  tx.exec_params(
      "INSERT INTO office_auth_log (name, account_id, outcome, command, client) "
      "VALUES ($1, $2, $3, $4, $5)",
      name.substr(0, 256), account_id, outcome, command.substr(0, 256), client.substr(0, 256));
}

struct StoredAccount {
  OfficeAccount account;
  std::string hash;
  bool disabled = false;
  bool locked = false;
};

}  // namespace

const char* OfficeRoleName(OfficeRole role) { return kRoleNames[static_cast<size_t>(role)]; }

std::optional<OfficeRole> ParseOfficeRole(std::string_view name) {
  for (size_t i = 0; i < kRoleNames.size(); ++i) {
    if (name == kRoleNames[i]) return static_cast<OfficeRole>(i);
  }
  return std::nullopt;
}

bool CommandNeedsAccount(std::string_view command) {
  return command != "migrate" && command != "sealing-key";
}

bool IsKnownCommand(std::string_view command) {
  return std::any_of(kCommandRoles.begin(), kCommandRoles.end(),
                     [&](const CommandRoles& entry) { return entry.command == command; });
}

bool RoleMayRun(OfficeRole role, std::string_view command) {
  for (const CommandRoles& entry : kCommandRoles) {
    if (entry.command == command) return (entry.roles & Bit(role)) != 0;
  }
  return false;
}

Result<OfficeAccount> SignIn(PgPool& pool, const std::string& name, const std::string& password,
                             const std::string& command, const std::string& client) {
  // 1. What is known about the name: its account, or for a name without one, the
  //    refusals logged lately, so both lock out alike.
  std::optional<StoredAccount> stored;
  int64_t recent_refusals = 0;
  Status status = pool.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    pqxx::result r = tx.exec_params(
        "SELECT id, role, scope, password_hash, disabled, coalesce(locked_until > now(), false) "
        "FROM office_accounts WHERE name = $1",
        name);
    if (!r.empty()) {
      StoredAccount s;
      s.account.id = r[0][0].as<int64_t>();
      s.account.name = name;
      s.account.role = ParseOfficeRole(r[0][1].as<std::string>()).value_or(OfficeRole::kReviewer);
      s.account.scope = r[0][2].as<std::string>();
      s.hash = r[0][3].as<std::string>();
      s.disabled = r[0][4].as<bool>();
      s.locked = r[0][5].as<bool>();
      stored = std::move(s);
      return;
    }
    recent_refusals = tx.exec_params(
        "SELECT count(*) FROM office_auth_log WHERE name = $1 AND outcome = 'refused' "
        "AND account_id IS NULL AND at > now() - make_interval(mins => $2)",
        name, kOfficeLockoutMinutes)[0][0].as<int64_t>();
  });
  if (!status.ok()) return status.error();
  const bool locked = stored ? stored->locked : recent_refusals >= kOfficeMaxFailures;
  const std::optional<int64_t> account_id =
      stored ? std::optional<int64_t>(stored->account.id) : std::nullopt;
  if (locked) {
    (void)RunTx<int>(pool, [&](pqxx::work& tx) {
      Log(tx, name, account_id, "locked", command, client);
      return 0;
    });
    return MakeError(ErrorKind::kRejected,
                     "sign-in refused: locked after " + std::to_string(kOfficeMaxFailures) +
                         " failed sign-ins; try again in " + std::to_string(kOfficeLockoutMinutes) +
                         " minutes",
                     kSignInLockedCode);
  }

  // 2. One Argon2id verification either way: an unknown name costs what a known one
  //    does (kNoSecretHash carries the same parameters and matches nothing).
  const bool verified = secret::Verify(stored ? stored->hash : secret::kNoSecretHash, password);
  const bool accepted = verified && stored && !stored->disabled;
  const bool allowed = accepted && RoleMayRun(stored->account.role, command);

  // 3. Record the outcome; a refusal counts towards the lockout.
  Result<int64_t> failures = RunTx<int64_t>(pool, [&](pqxx::work& tx) -> int64_t {
    if (accepted) {
      tx.exec_params(
          "UPDATE office_accounts SET failed_attempts = 0, locked_until = NULL, "
          "last_login_at = now() WHERE id = $1",
          stored->account.id);
      Log(tx, name, account_id, allowed ? "accepted" : "forbidden", command, client);
      return 0;
    }
    Log(tx, name, account_id, stored && stored->disabled ? "disabled" : "refused", command, client);
    if (!stored) return recent_refusals + 1;
    // A lockout that ran out starts a fresh count.
    return tx.exec_params(
        "UPDATE office_accounts SET "
        "  failed_attempts = CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failed_attempts + 1 END, "
        "  locked_until = CASE WHEN (CASE WHEN locked_until IS NOT NULL THEN 1 "
        "                                  ELSE failed_attempts + 1 END) >= $2 "
        "                      THEN now() + make_interval(mins => $3) END "
        "WHERE id = $1 RETURNING failed_attempts",
        stored->account.id, kOfficeMaxFailures, kOfficeLockoutMinutes)[0][0].as<int64_t>();
  });
  if (!failures.ok()) return failures.error();
  if (!accepted) {
    const int64_t steps = std::min<int64_t>(*failures, kOfficeMaxFailures);
    std::this_thread::sleep_for(std::chrono::milliseconds(steps * kOfficeDelayStepMs));
    return MakeError(ErrorKind::kRejected, kSignInRefused, kSignInRefusedCode);
  }
  if (!allowed) {
    return MakeError(ErrorKind::kRejected,
                     std::string("forbidden: role ") + OfficeRoleName(stored->account.role) +
                         " may not run " + command + " (docs/operations.md, roles)",
                     kSignInForbiddenCode);
  }
  return stored->account;
}

Result<int64_t> CreateOfficeAccount(PgPool& pool, const std::string& name, OfficeRole role,
                                    const std::string& scope, const std::string& password,
                                    const std::optional<OfficeAccount>& creator,
                                    const std::string& client) {
  if (!Printable(name, 64)) {
    return MakeError(ErrorKind::kInvalidArgument,
                     "an office account name must be 1 to 64 characters, without control characters");
  }
  if (!Printable(scope, 128)) {
    return MakeError(ErrorKind::kInvalidArgument, "a scope must be 1 to 128 characters");
  }
  if (!secret::IsAcceptableOfficePassword(password)) {
    return MakeError(ErrorKind::kInvalidArgument, secret::kOfficePasswordRule);
  }
  if (creator && creator->role != OfficeRole::kAdmin) {
    return MakeError(ErrorKind::kRejected, "only an admin creates office accounts");
  }
  if (!creator && role != OfficeRole::kAdmin) {
    return MakeError(ErrorKind::kInvalidArgument, "the bootstrap account must have role admin");
  }
  Result<std::string> hash = secret::Hash(password);
  if (!hash.ok()) return hash.error();
  std::optional<Error> problem;
  int64_t id = 0;
  Status status = pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    // Orders concurrent creations, so two bootstraps cannot both see an empty table.
    tx.exec("LOCK TABLE office_accounts IN SHARE ROW EXCLUSIVE MODE");
    if (!creator && tx.exec("SELECT count(*) FROM office_accounts")[0][0].as<int64_t>() > 0) {
      problem = MakeError(ErrorKind::kConflict,
                          "office accounts exist already: only an admin signed in with --user "
                          "creates more (the bootstrap is for an empty database)");
      return;
    }
    if (!tx.exec_params("SELECT 1 FROM office_accounts WHERE name = $1", name).empty()) {
      problem = MakeError(ErrorKind::kConflict, "an office account named " + name + " exists");
      return;
    }
    id = tx.exec_params(
               "INSERT INTO office_accounts (name, role, scope, password_hash, created_by) "
               "VALUES ($1, $2, $3, $4, $5) RETURNING id",
               name, OfficeRoleName(role), scope, *hash, creator ? creator->name : "bootstrap")[0][0]
             .as<int64_t>();
    if (!creator) Log(tx, name, id, "bootstrap", "console-user add", client);
    tx.commit();
  });
  if (!status.ok()) return status.error();
  if (problem) return *problem;
  return id;
}

Status DisableOfficeAccount(PgPool& pool, const std::string& name, const OfficeAccount& by) {
  if (name == by.name) {
    return MakeError(ErrorKind::kInvalidArgument, "an account cannot disable itself");
  }
  bool found = false;
  Status status = pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    found = !tx.exec_params(
                   "UPDATE office_accounts SET disabled = true, updated_at = now() "
                   "WHERE name = $1 RETURNING id",
                   name)
                 .empty();
    tx.commit();
  });
  if (!status.ok()) return status;
  if (!found) return MakeError(ErrorKind::kNotFound, "no office account named " + name);
  return Status::Ok();
}

Result<std::vector<OfficeAccountRow>> ListOfficeAccounts(PgPool& pool) {
  std::vector<OfficeAccountRow> rows;
  Status status = pool.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    pqxx::result r = tx.exec(
        "SELECT name, role, scope, disabled, failed_attempts, "
        "CASE WHEN locked_until > now() THEN " + SqlIsoUtc("locked_until") + " ELSE '' END, " +
        SqlIsoUtc("last_login_at") + ", created_by, " + SqlIsoUtc("created_at") +
        " FROM office_accounts ORDER BY name");
    for (const auto& row : r) {
      rows.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
                      row[3].as<bool>(), row[4].as<int>(), row[5].as<std::string>(),
                      row[6].as<std::string>(), row[7].as<std::string>(), row[8].as<std::string>()});
    }
  });
  if (!status.ok()) return status.error();
  return rows;
}

}  // namespace yimen::server
