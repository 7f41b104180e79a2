// yimen-admin's office-account commands: console-user add / disable / list and
// sign-in-log, kept out of main_admin.cpp so that file stays a list of commands.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "server/office_accounts.h"
#include "server/pg_pool.h"

namespace yimen::server {

// The bootstrap: `console-user add NAME --role admin --scope S --bootstrap`, run
// without --user, allowed only while no office account exists. The password is the
// first line of stdin. Returns the exit code (-1: wrong arguments).
int RunConsoleUserBootstrap(PgPool& pool, std::vector<std::string> args);

// Runs `command` for the signed-in account `by` if it is an office command and
// returns the exit code (-1: wrong arguments, print the usage); nullopt when it is not
// one. A new account's password is the next line of stdin. Main thread.
std::optional<int> RunOfficeCommand(PgPool& pool, const std::string& command,
                                    std::vector<std::string> args, const OfficeAccount& by);

extern const char* const kOfficeCommandsUsage;

}  // namespace yimen::server
