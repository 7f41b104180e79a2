// Schema migrations for the central database, compiled into the server so a server
// and its schema cannot drift apart. Several server copies may start at once: they
// take turns under an advisory lock and the second finds nothing left to do.
#pragma once

#include <string>
#include <vector>

#include "domain/result.h"
#include "server/pg_pool.h"

namespace yimen::server {

struct Migration {
  int version;
  const char* name;
  const char* sql;
  // Optional: rewrites rows in C++ after `sql`, in the same transaction, then
  // `sql_after` runs. Returns the number of rows rewritten; when > 0 and
  // `vacuum_table` is set, ApplyMigrations runs VACUUM FULL on that table after the
  // commit, so the old row versions (which may hold plaintext) leave the data files.
  int64_t (*rewrite)(pqxx::work& tx) = nullptr;
  const char* sql_after = nullptr;
  const char* vacuum_table = nullptr;
};

// All steps, in increasing version order (1, 2, 3...; a number is skipped only while
// another branch holds it, until the merge renumbers).
const std::vector<Migration>& AllMigrations();

// Applies every missing step, each in its own transaction, and returns the schema
// version now in place. kRejected when the database is newer than this server;
// kUnavailable when PostgreSQL cannot be reached. Any thread.
Result<int> ApplyMigrations(PgPool& pool);

}  // namespace yimen::server
