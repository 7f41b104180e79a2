// A small pool of PostgreSQL connections (libpqxx) for the server's request threads,
// and the one place where libpqxx exceptions become yimen::Error: a lost database is
// kUnavailable (the kiosk backs off and retries), anything else kInternal.
// It also bounds every wait on PostgreSQL (PgLimits): a database that is down, slow
// or frozen (SIGSTOP) costs a request a few seconds and a 503, never a hung thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <pqxx/pqxx>

#include "domain/result.h"

namespace yimen::server {

// Time limits on PostgreSQL. 0 turns a limit off. The defaults suit an operator's
// command (only the connect timeout); ForRequests() is what yimen-server uses.
struct PgLimits {
  int connect_timeout_s = 10;              // libpq connect_timeout (whole connection set-up)
  int statement_timeout_ms = 0;            // SET statement_timeout on each connection
  int lock_timeout_ms = 0;                 // SET lock_timeout
  int idle_in_transaction_timeout_ms = 0;  // SET idle_in_transaction_session_timeout
  // Client side, for a server that cannot enforce its own timeouts (frozen, or the
  // network gone quiet): a Run still waiting after this long has its socket shut
  // down, which fails it with kUnavailable.
  int run_deadline_ms = 0;
  int acquire_wait_ms = 0;     // wait for a free connection when max_open are in use
  size_t max_open = 0;         // connections open at once (0: no limit)

  static PgLimits ForRequests();
};

// A snapshot of a pool for /metrics (server/metrics.h).
struct PgPoolStats {
  size_t in_use = 0;      // handed out to a Run
  size_t idle = 0;        // open and waiting for a Run
  size_t max_open = 0;    // PgLimits::max_open (0: no cap)
  uint64_t waits = 0;     // Runs that waited because max_open were in use
  uint64_t timeouts = 0;  // of those, the ones that gave up after acquire_wait_ms
  bool breaker_open = false;
};

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
  // another copy) → kConflict, which callers answer with "retry". Under limits (see
  // SetLimits): no free connection within acquire_wait_ms, a connection that cannot
  // be opened within connect_timeout_s, a statement PostgreSQL cancels and a Run past
  // run_deadline_ms are all kUnavailable. With a run deadline set, a failure that says
  // "database down" opens a breaker: every Run fails at once with kUnavailable while a
  // thread of the pool's own tries to connect once a second, and closes the breaker
  // when it can, so a dead database holds no worker (and no request) for a timeout
  // each. Thread-safe.
  Status Run(const std::function<void(pqxx::connection&)>& body);

  const std::string& url() const { return m_url; }

  // Counts and state at this moment. Thread-safe.
  PgPoolStats Stats();

  // Runs `hook` on every connection this pool opens from now on (the server prepares
  // its per-request statements there) and closes the idle ones opened before, so
  // every connection Run() hands out has run it. Call before other threads use the
  // pool. A hook that throws makes that Run() fail like any other database error.
  void SetOnConnect(std::function<void(pqxx::connection&)> hook);

  // Applies `limits` to connections opened from now on (the idle ones are closed).
  // Call before other threads use the pool.
  void SetLimits(const PgLimits& limits);

 private:
  struct Lease;
  // A connection for Run: idle, newly opened, or kUnavailable after acquire_wait_ms.
  Result<std::unique_ptr<pqxx::connection>> Take(bool* fresh);
  void Give(std::unique_ptr<pqxx::connection> connection);
  void Drop(std::unique_ptr<pqxx::connection> connection);
  Status RunLeased(const std::function<void(pqxx::connection&)>& body, bool* lost);
  // The client-side deadline (run_deadline_ms): Watch registers a connection's
  // socket, Unwatch removes it and says whether the watchdog shut it down.
  uint64_t Watch(int fd);
  bool Unwatch(uint64_t token);
  void GiveUnlessTimedOut(uint64_t token, std::unique_ptr<pqxx::connection> connection);
  void WatchdogLoop();
  // Once a second while the breaker is open: can a connection be made and used?
  void ProbeLoop();
  bool Probe();

  std::string m_url;       // as given, for url()
  std::string m_conninfo;  // m_url plus connect_timeout; set with the limits
  size_t m_max_idle;
  PgLimits m_limits;       // set before use, then read-only
  std::mutex m_mutex;
  std::condition_variable m_released;
  std::vector<std::unique_ptr<pqxx::connection>> m_idle;  // guarded by m_mutex
  size_t m_open = 0;                                      // guarded by m_mutex
  uint64_t m_waits = 0;                                   // guarded by m_mutex
  uint64_t m_timeouts = 0;                                // guarded by m_mutex
  std::function<void(pqxx::connection&)> m_on_connect;     // set before use, then read-only

  // The breaker (see Run): open while the database looks down; closed by ProbeLoop.
  std::atomic<bool> m_breaker_open{false};
  std::thread m_prober;  // started with the watchdog

  struct Watched {
    int fd = -1;
    std::chrono::steady_clock::time_point deadline;
    bool fired = false;
  };
  std::mutex m_watch_mutex;
  std::condition_variable m_watch_wake;
  std::map<uint64_t, Watched> m_watched;  // guarded by m_watch_mutex
  uint64_t m_next_token = 1;              // guarded by m_watch_mutex
  bool m_watch_stop = false;              // guarded by m_watch_mutex; stops the prober too
  std::thread m_watchdog;                 // started by SetLimits when run_deadline_ms > 0
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
