// yimen-admin's staff commands (staff-add, staff-disable, staff-list, audit), kept out
// of main_admin.cpp so that file stays a list of commands.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "server/pg_pool.h"

namespace yimen::server {

// Runs `command` if it is a staff command and returns the exit code (-1: wrong
// arguments, print the usage); nullopt when it is not one. Prints results on stdout and errors on stderr. Main thread.
std::optional<int> RunStaffCommand(PgPool& pool, const std::string& command,
                                   std::vector<std::string> args);

// The usage lines of these commands.
extern const char* const kStaffCommandsUsage;

}  // namespace yimen::server
