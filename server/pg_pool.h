// A small pool of PostgreSQL connections (libpqxx) for the server's request threads,
// and the one place where libpqxx exceptions become yimen::Error: a lost database is
// kUnavailable (the kiosk backs off and retries), anything else kInternal.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "domain/result.h"

namespace yimen::server {

class PgPool {
 public:
  // Does not connect yet; the first Run() does. Any thread.
  explicit PgPool(std::string url, size_t max_idle = 16);
  ~PgPool();
  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  // Runs body with a connection of its own (opened on demand, returned afterwards).
  // Exceptions from body are converted: broken connection → kUnavailable (and the
  // connection is dropped), SQL errors → kInternal with the server's message, a
  // serialization failure, deadlock or unique violation (a concurrent insert by
  // another copy) → kConflict, which callers answer with "retry". Thread-safe.
  Status Run(const std::function<void(pqxx::connection&)>& body);

  const std::string& url() const { return m_url; }

  // Runs `hook` on every connection this pool opens from now on (the server prepares
  // its per-request statements there) and closes the idle ones opened before, so
  // every connection Run() hands out has run it. Call before other threads use the
  // pool. A hook that throws makes that Run() fail like any other database error.
  void SetOnConnect(std::function<void(pqxx::connection&)> hook);

 private:
  std::unique_ptr<pqxx::connection> Take();
  void Give(std::unique_ptr<pqxx::connection> connection);

  std::string m_url;
  size_t m_max_idle;
  std::mutex m_mutex;
  std::vector<std::unique_ptr<pqxx::connection>> m_idle;  // guarded by m_mutex
  std::function<void(pqxx::connection&)> m_on_connect;     // set before use, then read-only
};

// Runs a transaction body with the pool; the body commits its own pqxx::work. The
// result is handed out through `out` so callers keep Result<T> at their edge.
template <class T>
Result<T> RunTx(PgPool& pool, const std::function<T(pqxx::work&)>& body) {
  std::optional<T> value;
  Status status = pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    value = body(tx);
    tx.commit();
  });
  if (!status.ok()) return status.error();
  return std::move(*value);
}

// A SQL expression for `column` (a timestamptz) as ISO-8601 UTC text, '' when NULL.
inline std::string SqlIsoUtc(const std::string& column) {
  return "coalesce(to_char(" + column +
         " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '')";
}

}  // namespace yimen::server
