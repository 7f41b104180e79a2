// yimen-admin's fleet commands: `kiosks` (the console's fleet view as a table) and
// `revoke`, both over server/office_fleet.h so the CLI and the console agree.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "server/office_accounts.h"
#include "server/pg_pool.h"

namespace yimen::server {

// Runs `command` for the signed-in account `by` if it is a fleet command and returns
// the exit code (-1: wrong arguments, print the usage); nullopt when it is not one.
// Main thread.
std::optional<int> RunFleetCommand(PgPool& pool, const std::string& command,
                                   std::vector<std::string> args, const OfficeAccount& by);

extern const char* const kFleetCommandsUsage;

}  // namespace yimen::server
