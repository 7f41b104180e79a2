// The kiosk database schema, as an ordered list of steps compiled into the binary.
// `PRAGMA user_version` records how many steps a file has had; opening applies the
// missing ones. A shipped step is never edited: change the schema with a new step.
#pragma once

#include <span>
#include <string>

#include "domain/result.h"
#include "store/database.h"

namespace yimen::store {

struct Migration {
  int version;      // user_version after this step; steps are numbered 1, 2, 3...
  const char* name;  // for logs and the audit trail
  const char* sql;   // one or more statements, run inside the step's transaction
};

// Every step, oldest first. Exposed so tests can build a database as an older build
// left it. Pure; any thread.
std::span<const Migration> Migrations();

// The version a database has after all steps: Migrations().back().version.
int LatestVersion();

// Applies each step newer than the file's user_version, each in its own write
// transaction that re-reads user_version first, so two connections opening the same
// file at once apply every step exactly once. Returns the version reached. Fails
// kRejected when the file is newer than this build (nothing is written), or with the
// converted sqlite error of the failing step (that step is rolled back; earlier
// steps stay). Thread: the connection's.
Result<int> Migrate(sqlite::Connection& connection);

// The kRejected error for a file whose schema is newer than this build.
Error NewerSchemaError(const std::string& path, int version);

// Reads `PRAGMA user_version`. Fails with the converted sqlite error (kDataLoss when
// the file is not a database).
Result<int> ReadUserVersion(sqlite::Connection& connection);

}  // namespace yimen::store
