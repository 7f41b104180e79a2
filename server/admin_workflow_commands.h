// yimen-admin's workflow commands (docs/operations.md "Admin commands"): set-status
// through the one status function, comment, queue, and the reference data the
// workflow reads (hall, department, holiday). Kept out of main_admin.cpp so that file
// stays a list of commands.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "server/office_accounts.h"
#include "server/pg_pool.h"

namespace yimen::server {

// Runs `command` for the signed-in account `by` if it is a workflow command and returns
// the exit code (-1: wrong arguments, print the usage); nullopt when it is not one.
// set-status reads the catalog from --catalog DIR, else $YIMEN_CATALOG_DIR, else
// /usr/share/yimen/catalog. Main thread.
std::optional<int> RunWorkflowCommand(PgPool& pool, const std::string& command,
                                      std::vector<std::string> args, const OfficeAccount& by);

extern const char* const kWorkflowCommandsUsage;

}  // namespace yimen::server
