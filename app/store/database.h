// A small RAII layer over the sqlite3 C API, so the store reads as SQL plus Result<T>
// and every sqlite return code is converted to a yimen::Error in exactly one place
// (docs/design.md "House habits": convert at the edge, keep the raw code in the message).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "domain/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace yimen::sqlite {

// Maps a sqlite result code (primary or extended) to our error kinds:
// FULL -> kFull (free space; retrying will not help),
// BUSY/LOCKED/IOERR/CANTOPEN/READONLY/NOMEM/PROTOCOL -> kUnavailable,
// CORRUPT/NOTADB -> kDataLoss, CONSTRAINT -> kConflict, TOOBIG -> kInvalidArgument,
// everything else -> kInternal. Pure; any thread.
ErrorKind KindFromSqliteCode(int code);

class Statement;

// One sqlite connection. A connection is used by one thread at a time (it is opened
// with SQLITE_OPEN_NOMUTEX); the kiosk gives each thread its own. Move-only.
class Connection {
 public:
  // Opens (creating if missing) the database file at `path` read-write, with extended
  // result codes and the given busy timeout. Opening is lazy in sqlite: a file that is
  // not a database is only noticed by the first read. Fails kUnavailable when the
  // file cannot be opened. Any thread.
  static Result<Connection> Open(const std::string& path, int busy_timeout_ms);

  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Runs one or more statements that return no rows we need (DDL, pragmas, BEGIN).
  Status Exec(std::string_view sql);

  // Compiles one statement. Fails with the converted sqlite error.
  Result<Statement> Prepare(std::string_view sql);

  // Prepare for a statement this connection runs again and again (Submit's inserts,
  // the outbox updates): the compiled statement is kept and handed out again, bindings
  // cleared, so the hot paths do not re-parse SQL. The returned Statement gives it back
  // when destroyed. A statement already handed out and still alive is compiled anew.
  Result<Statement> PrepareCached(std::string_view sql);

  // Rows changed by the last INSERT/UPDATE/DELETE on this connection.
  int64_t Changes() const;

  // True while a transaction is open on this connection.
  bool InTransaction() const;

  // When set, closing does not checkpoint the WAL into the database file. Store::Open
  // sets it while it has not yet proved the file sound, so that refusing a damaged or
  // newer file never writes to it.
  void SetCheckpointOnClose(bool enabled);

  // Builds an Error from a sqlite return code and this connection's current message:
  // "<what>: <sqlite3_errmsg> (sqlite <code>: <sqlite3_errstr>)".
  Error ErrorFrom(int code, std::string_view what) const;

  const std::string& path() const { return m_path; }
  sqlite3* handle() const { return m_db; }

  struct StatementCache;  // PrepareCached's idle statements (database.cpp)

 private:
  Connection(sqlite3* db, std::string path);
  void Close();

  sqlite3* m_db = nullptr;
  std::string m_path;
  std::unique_ptr<StatementCache> m_cache;  // behind a pointer: stays put when moved
};

// One prepared statement. Bind* calls remember the first failure and the next Step()
// or Run() reports it, so call sites stay a straight list of binds. Indexes are
// 1-based for binds (as in sqlite) and 0-based for columns. Move-only; must not
// outlive its Connection.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& BindInt(int index, int64_t value);
  Statement& BindText(int index, std::string_view value);
  Statement& BindOptionalText(int index, const std::optional<std::string>& value);
  Statement& BindBlob(int index, std::string_view bytes);
  Statement& BindNull(int index);

  // Advances one row: true when a row is ready to read, false when the statement has
  // finished. Fails with the converted sqlite error (or the remembered bind error).
  Result<bool> Step();

  // Steps to completion, for statements whose rows are not needed, then resets so the
  // statement can be bound and run again.
  Status Run();

  // Resets the statement (keeping its bindings) so it can run again.
  void Reset();

  // Column readers for the current row. A NULL reads as 0 / "" unless Optional.
  int64_t ColumnInt(int column) const;
  std::optional<int64_t> ColumnOptionalInt(int column) const;
  std::string ColumnText(int column) const;
  std::optional<std::string> ColumnOptionalText(int column) const;
  std::string ColumnBlob(int column) const;

 private:
  friend class Connection;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : m_db(db), m_stmt(stmt) {}
  void NoteBind(int code);
  std::string Context() const;
  void Release();

  sqlite3* m_db = nullptr;  // the connection that prepared it, for error messages
  sqlite3_stmt* m_stmt = nullptr;
  Connection::StatementCache* m_cache = nullptr;  // set: given back instead of finalized
  std::string m_cache_key;                        // the SQL it is cached under
  int m_bind_error = 0;  // first failing sqlite3_bind_* code; 0 when all binds worked
};

// The store's one row loop: steps `query` to its end and calls `visit` with the
// Statement positioned on each row. For rows streamed somewhere else (a CSV file).
template <class Visit>
Status ForEachRow(Statement& query, Visit&& visit) {
  while (true) {
    Result<bool> row = query.Step();
    if (!row.ok()) return row.error();
    if (!*row) return Status::Ok();
    visit(static_cast<const Statement&>(query));
  }
}

// Every row of `query` mapped with `read` (a callable taking the Statement on the row
// and returning the row's value), in the query's order.
template <class Read>
auto MapRows(Statement& query, Read&& read)
    -> Result<std::vector<std::invoke_result_t<Read&, const Statement&>>> {
  std::vector<std::invoke_result_t<Read&, const Statement&>> rows;
  Status done = ForEachRow(query, [&](const Statement& row) { rows.push_back(read(row)); });
  if (!done.ok()) return done.error();
  return rows;
}

// The first row mapped with `read`; nullopt when the query gives none. The statement
// is reset afterwards, so a cached one is ready again.
template <class Read>
auto MapFirstRow(Statement& query, Read&& read)
    -> Result<std::optional<std::invoke_result_t<Read&, const Statement&>>> {
  using Row = std::invoke_result_t<Read&, const Statement&>;
  Result<bool> row = query.Step();
  if (!row.ok()) return row.error();
  std::optional<Row> first;
  if (*row) first = read(static_cast<const Statement&>(query));
  query.Reset();
  return first;
}

// A query that always gives one integer (COUNT(*), a sub-select sum): that integer.
Result<int64_t> QueryInt(Statement& query);

// A transaction that rolls back unless Commit() succeeded. kWrite takes the write
// lock up front (BEGIN IMMEDIATE) so that a writer waits in BEGIN, under the busy
// timeout, instead of failing half-way when it first writes.
class Transaction {
 public:
  enum class Kind { kRead, kWrite };

  static Result<Transaction> Begin(Connection& connection, Kind kind);

  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  // Commits. On failure the transaction is rolled back (by sqlite or by the
  // destructor) and nothing it wrote is visible or durable.
  Status Commit();

 private:
  explicit Transaction(Connection* connection) : m_connection(connection) {}
  Connection* m_connection = nullptr;  // null once committed or moved from
};

}  // namespace yimen::sqlite
