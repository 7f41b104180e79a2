// Office accounts: the people at the central office who run yimen-admin today and the
// web console later (docs/architecture.md, "One way to change a status"). Each has a
// role and a scope, an Argon2id password hash (common/secret_hash.h), and a sign-in
// record with a growing delay and a lockout like the kiosk's staff login. Every sign-in, accepted
// or not, is a row of office_auth_log. The roles table is in docs/operations.md and in RoleMayRun.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"
#include "server/pg_pool.h"

namespace yimen::server {

enum class OfficeRole { kReviewer, kApprover, kDepartment, kSupervisor, kAdmin };

const char* OfficeRoleName(OfficeRole role);
// "reviewer" | "approver" | "department" | "supervisor" | "admin"; nullopt otherwise.
std::optional<OfficeRole> ParseOfficeRole(std::string_view name);

struct OfficeAccount {
  int64_t id = 0;
  std::string name;
  OfficeRole role = OfficeRole::kReviewer;
  std::string scope;  // a region/township or a department name
};

// The commands anyone with the database URL may run without an account: applying
// migrations and printing the public sealing key (which every kiosk holds anyway).
bool CommandNeedsAccount(std::string_view command);

// Whether the roles table names `command` at all (else yimen-admin prints its usage
// before asking for a password).
bool IsKnownCommand(std::string_view command);

// Whether `role` may run yimen-admin `command` ("set-status", "console-user add", ...).
// False for a command it does not know. docs/operations.md shows the same table.
bool RoleMayRun(OfficeRole role, std::string_view command);

// After this many refusals in a row an account (or a name without one) is locked for
// kOfficeLockoutMinutes. Each refusal first waits failures × kOfficeDelayStepMs.
inline constexpr int kOfficeMaxFailures = 5;
inline constexpr int kOfficeLockoutMinutes = 15;
inline constexpr int64_t kOfficeDelayStepMs = 1000;

// The sentence every refused sign-in gets, whether the name exists, is disabled or the
// password is wrong, so the answer never tells which.
inline constexpr const char* kSignInRefused = "sign-in refused: wrong name or password";

// Error::code of SignIn's refusals (all kRejected): wrong name or password, locked out,
// the role may not run the command.
inline constexpr const char* kSignInRefusedCode = "sign_in_refused";
inline constexpr const char* kSignInLockedCode = "sign_in_locked";
inline constexpr const char* kSignInForbiddenCode = "sign_in_forbidden";

// Signs `name` in with `password` to run `command` and checks the role may run it.
// Costs one Argon2id verification whether or not the name exists. On refusal sleeps
// the growing delay before it returns (blocks the calling thread). Errors: kRejected
// with kSignInRefused and code kSignInRefusedCode (wrong password, unknown name,
// disabled account), code kSignInLockedCode while locked out, code kSignInForbiddenCode
// when the role may not run the command; database errors as PgPool. Every outcome is logged with
// `client` (who ran the tool, for the log). Any thread.
Result<OfficeAccount> SignIn(PgPool& pool, const std::string& name, const std::string& password,
                             const std::string& command, const std::string& client);

// Creates an account. `creator` is the signed-in admin; nullopt is the bootstrap, which
// is allowed only while no office account exists at all and only for role admin.
// Errors: kInvalidArgument (name 1..64 printable characters, scope 1..128, password
// rule of secret_hash.h), kConflict (name taken; or accounts exist, for the bootstrap),
// kRejected (creator not an admin). Returns the new id. Hashes (~1 s).
Result<int64_t> CreateOfficeAccount(PgPool& pool, const std::string& name, OfficeRole role,
                                    const std::string& scope, const std::string& password,
                                    const std::optional<OfficeAccount>& creator,
                                    const std::string& client);

// Disables an account (its sign-ins are refused from now on). kNotFound for an unknown
// name, kInvalidArgument for one's own account (an office never locks itself out by
// mistake).
Status DisableOfficeAccount(PgPool& pool, const std::string& name, const OfficeAccount& by);

struct OfficeAccountRow {
  std::string name;
  std::string role;
  std::string scope;
  bool disabled = false;
  int failed_attempts = 0;
  std::string locked_until;   // ISO-8601 UTC, "" when not locked
  std::string last_login_at;  // "" if never
  std::string created_by;
  std::string created_at;
};

// Every account by name; never a hash.
Result<std::vector<OfficeAccountRow>> ListOfficeAccounts(PgPool& pool);

}  // namespace yimen::server
