// yimen-admin's staff commands (staff-add, staff-disable, staff-list, audit), kept out
// of main_admin.cpp so that file stays a list of commands.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "server/office_accounts.h"
#include "server/pg_pool.h"

namespace yimen::server {

// Runs `command` for the signed-in account `by` if it is a staff command and returns
// the exit code (-1: wrong arguments, print the usage); nullopt when it is not one. A
// new PIN is the next line of stdin. Prints results on stdout and errors on stderr.
// Main thread.
std::optional<int> RunStaffCommand(PgPool& pool, const std::string& command,
                                   std::vector<std::string> args, const OfficeAccount& by);

// The usage lines of these commands.
extern const char* const kStaffCommandsUsage;

}  // namespace yimen::server
