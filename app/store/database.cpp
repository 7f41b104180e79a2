// The sqlite3 edge of the store: the only file that turns sqlite return codes into
// yimen::Error. Messages keep the raw (extended) code and sqlite's own text, because
// that is what a field engineer pastes into an issue.
#include "store/database.h"

#include <sqlite3.h>

#include <cassert>
#include <climits>
#include <unordered_map>

namespace yimen::sqlite {

ErrorKind KindFromSqliteCode(int code) {
  switch (code & 0xff) {
    case SQLITE_FULL:
      // The disk (or the file's size limit) is full: retrying soon will not help.
      return ErrorKind::kFull;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_NOMEM:
    case SQLITE_PROTOCOL:
      return ErrorKind::kUnavailable;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return ErrorKind::kDataLoss;
    case SQLITE_CONSTRAINT:
      return ErrorKind::kConflict;
    case SQLITE_TOOBIG:
      return ErrorKind::kInvalidArgument;
    default:
      return ErrorKind::kInternal;
  }
}

namespace {

Error ErrorFromSqlite(sqlite3* db, int code, std::string_view what) {
  std::string message(what);
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  message += " (sqlite " + std::to_string(code) + ": " + sqlite3_errstr(code) + ")";
  return MakeError(KindFromSqliteCode(code), std::move(message));
}

}  // namespace

// ---- Connection ----------------------------------------------------------------

// Compiled statements not in use, by their SQL text.
struct Connection::StatementCache {
  std::unordered_multimap<std::string, sqlite3_stmt*> idle;
};

Connection::Connection(sqlite3* db, std::string path)
    : m_db(db), m_path(std::move(path)), m_cache(std::make_unique<StatementCache>()) {}

Result<Connection> Connection::Open(const std::string& path, int busy_timeout_ms) {
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int code = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  // sqlite3_open_v2 hands back a handle even on failure, to carry the message.
  Connection connection(db, path);
  if (code != SQLITE_OK) {
    if (db == nullptr) {
      return MakeError(ErrorKind::kUnavailable, "open " + path + ": out of memory");
    }
    return connection.ErrorFrom(code, "open " + path);
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  return connection;
}

Connection::Connection(Connection&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)),
      m_path(std::move(other.m_path)),
      m_cache(std::move(other.m_cache)) {}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    Close();
    m_db = std::exchange(other.m_db, nullptr);
    m_path = std::move(other.m_path);
    m_cache = std::move(other.m_cache);
  }
  return *this;
}

Connection::~Connection() { Close(); }

void Connection::Close() {
  if (m_cache) {
    for (auto& [sql, stmt] : m_cache->idle) sqlite3_finalize(stmt);
    m_cache->idle.clear();
  }
  if (m_db != nullptr) {
    // sqlite3_close_v2 defers the close until every statement is finalized; our
    // Statements never outlive their Connection, so this closes now.
    sqlite3_close_v2(m_db);
    m_db = nullptr;
  }
}

Status Connection::Exec(std::string_view sql) {
  const std::string text(sql);
  const int code = sqlite3_exec(m_db, text.c_str(), nullptr, nullptr, nullptr);
  if (code != SQLITE_OK) {
    const std::string_view head = sql.substr(0, sql.find('\n'));
    return ErrorFrom(code, std::string(head.substr(0, 60)));
  }
  return Status::Ok();
}

Result<Statement> Connection::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  assert(sql.size() < INT_MAX);
  const int code =
      sqlite3_prepare_v2(m_db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (code != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return ErrorFrom(code, "prepare " + std::string(sql.substr(0, 60)));
  }
  assert(stmt != nullptr && "Prepare() given an empty statement");
  return Statement(m_db, stmt);
}

Result<Statement> Connection::PrepareCached(std::string_view sql) {
  const std::string key(sql);
  if (auto it = m_cache->idle.find(key); it != m_cache->idle.end()) {
    Statement statement(m_db, it->second);
    m_cache->idle.erase(it);
    statement.m_cache = m_cache.get();
    statement.m_cache_key = key;
    return statement;
  }
  Result<Statement> prepared = Prepare(sql);
  if (!prepared.ok()) return prepared.error();
  prepared->m_cache = m_cache.get();
  prepared->m_cache_key = key;
  return prepared;
}

int64_t Connection::Changes() const { return sqlite3_changes64(m_db); }

bool Connection::InTransaction() const { return sqlite3_get_autocommit(m_db) == 0; }

void Connection::SetCheckpointOnClose(bool enabled) {
  sqlite3_db_config(m_db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, enabled ? 0 : 1, nullptr);
}

Error Connection::ErrorFrom(int code, std::string_view what) const {
  return ErrorFromSqlite(m_db, code, what);
}

// ---- Statement -----------------------------------------------------------------

Statement::Statement(Statement&& other) noexcept
    : m_db(other.m_db),
      m_stmt(std::exchange(other.m_stmt, nullptr)),
      m_cache(other.m_cache),
      m_cache_key(std::move(other.m_cache_key)),
      m_bind_error(other.m_bind_error) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    Release();
    m_db = other.m_db;
    m_stmt = std::exchange(other.m_stmt, nullptr);
    m_cache = other.m_cache;
    m_cache_key = std::move(other.m_cache_key);
    m_bind_error = other.m_bind_error;
  }
  return *this;
}

Statement::~Statement() { Release(); }

void Statement::Release() {
  if (m_stmt == nullptr) return;
  if (m_cache != nullptr) {
    // Back into the cache, ready to bind: no row pending, no old values bound.
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
    m_cache->idle.emplace(std::move(m_cache_key), m_stmt);
  } else {
    sqlite3_finalize(m_stmt);
  }
  m_stmt = nullptr;
}

void Statement::NoteBind(int code) {
  if (code != SQLITE_OK && m_bind_error == SQLITE_OK) {
    m_bind_error = code;
  }
}

Statement& Statement::BindInt(int index, int64_t value) {
  NoteBind(sqlite3_bind_int64(m_stmt, index, value));
  return *this;
}

Statement& Statement::BindText(int index, std::string_view value) {
  NoteBind(sqlite3_bind_text64(m_stmt, index, value.data(), value.size(), SQLITE_TRANSIENT,
                               SQLITE_UTF8));
  return *this;
}

Statement& Statement::BindOptionalText(int index, const std::optional<std::string>& value) {
  return value ? BindText(index, *value) : BindNull(index);
}

Statement& Statement::BindBlob(int index, std::string_view bytes) {
  // A zero-length blob still binds as a blob (not NULL): data() of an empty view may
  // be null, which sqlite would read as NULL.
  static const char kEmpty = 0;
  const char* data = bytes.empty() ? &kEmpty : bytes.data();
  NoteBind(sqlite3_bind_blob64(m_stmt, index, data, bytes.size(), SQLITE_TRANSIENT));
  return *this;
}

Statement& Statement::BindNull(int index) {
  NoteBind(sqlite3_bind_null(m_stmt, index));
  return *this;
}

std::string Statement::Context() const {
  const char* sql = sqlite3_sql(m_stmt);
  std::string text = sql != nullptr ? sql : "";
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  return text.substr(0, 60);
}

Result<bool> Statement::Step() {
  if (m_bind_error != SQLITE_OK) {
    return ErrorFromSqlite(m_db, m_bind_error, "bind " + Context());
  }
  const int code = sqlite3_step(m_stmt);
  if (code == SQLITE_ROW) return true;
  if (code == SQLITE_DONE) return false;
  Error error = ErrorFromSqlite(m_db, code, Context());
  sqlite3_reset(m_stmt);
  return error;
}

Status Statement::Run() {
  while (true) {
    Result<bool> row = Step();
    if (!row.ok()) return row.error();
    if (!*row) {
      sqlite3_reset(m_stmt);
      return Status::Ok();
    }
  }
}

void Statement::Reset() {
  // sqlite3_reset repeats the last step's error code; that step already reported it.
  (void)sqlite3_reset(m_stmt);
}

Result<int64_t> QueryInt(Statement& query) {
  Result<std::optional<int64_t>> value =
      MapFirstRow(query, [](const Statement& row) { return row.ColumnInt(0); });
  if (!value.ok()) return value.error();
  return value->value_or(0);
}

int64_t Statement::ColumnInt(int column) const { return sqlite3_column_int64(m_stmt, column); }

std::optional<int64_t> Statement::ColumnOptionalInt(int column) const {
  if (sqlite3_column_type(m_stmt, column) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_int64(m_stmt, column);
}

std::string Statement::ColumnText(int column) const {
  const unsigned char* text = sqlite3_column_text(m_stmt, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(sqlite3_column_bytes(m_stmt, column)));
}

std::optional<std::string> Statement::ColumnOptionalText(int column) const {
  if (sqlite3_column_type(m_stmt, column) == SQLITE_NULL) return std::nullopt;
  return ColumnText(column);
}

std::string Statement::ColumnBlob(int column) const {
  const void* data = sqlite3_column_blob(m_stmt, column);
  if (data == nullptr) return {};
  return std::string(static_cast<const char*>(data),
                     static_cast<size_t>(sqlite3_column_bytes(m_stmt, column)));
}

// ---- Transaction ---------------------------------------------------------------

Result<Transaction> Transaction::Begin(Connection& connection, Kind kind) {
  Status begun = connection.Exec(kind == Kind::kWrite ? "BEGIN IMMEDIATE" : "BEGIN");
  if (!begun.ok()) return begun.error();
  return Transaction(&connection);
}

Transaction::Transaction(Transaction&& other) noexcept
    : m_connection(std::exchange(other.m_connection, nullptr)) {}

Transaction::~Transaction() {
  // A failed ROLLBACK is dropped on purpose: a destructor has no caller to tell, and
  // whatever the transaction wrote was never committed, so sqlite discards it on the
  // next access (WAL frames without a commit record are ignored).
  if (m_connection != nullptr && m_connection->InTransaction()) {
    (void)m_connection->Exec("ROLLBACK");
  }
}

Status Transaction::Commit() {
  assert(m_connection != nullptr && "Commit() on a finished transaction");
  Status committed = m_connection->Exec("COMMIT");
  if (committed.ok()) {
    m_connection = nullptr;
  }
  return committed;
}

}  // namespace yimen::sqlite
