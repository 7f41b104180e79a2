// Connection pool, libpqxx error conversion and the time limits on PostgreSQL (see
// pg_pool.h).
#include "server/pg_pool.h"

#include <sys/socket.h>

namespace yimen::server {
namespace {

using Clock = std::chrono::steady_clock;

// While the breaker is open, how often the prober tries the database.
constexpr auto kProbeEvery = std::chrono::seconds(1);

// libpq takes connect_timeout in a URL's query or as a key=value word.
std::string WithConnectTimeout(const std::string& url, int seconds) {
  if (seconds <= 0) return url;
  const std::string value = "connect_timeout=" + std::to_string(seconds);
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    return url + (url.find('?') == std::string::npos ? "?" : "&") + value;
  }
  return url + (url.empty() ? "" : " ") + value;
}

std::string SessionSettings(const PgLimits& limits) {
  std::string sql;
  auto set = [&](const char* name, int ms) {
    if (ms > 0) sql += "SET " + std::string(name) + " = " + std::to_string(ms) + ";";
  };
  set("statement_timeout", limits.statement_timeout_ms);
  set("lock_timeout", limits.lock_timeout_ms);
  set("idle_in_transaction_session_timeout", limits.idle_in_transaction_timeout_ms);
  return sql;
}

}  // namespace

PgLimits PgLimits::ForRequests() {
  PgLimits limits;
  limits.connect_timeout_s = 2;  // libpq's smallest
  limits.statement_timeout_ms = 3000;
  limits.lock_timeout_ms = 2000;
  limits.idle_in_transaction_timeout_ms = 10000;
  limits.run_deadline_ms = 4000;
  limits.acquire_wait_ms = 2000;
  limits.max_open = 16;
  return limits;
}

PgPool::PgPool(std::string url, size_t max_idle)
    : m_url(std::move(url)), m_conninfo(WithConnectTimeout(m_url, PgLimits{}.connect_timeout_s)),
      m_max_idle(max_idle) {}

PgPool::~PgPool() {
  {
    std::lock_guard lock(m_watch_mutex);
    m_watch_stop = true;
  }
  m_watch_wake.notify_all();
  if (m_watchdog.joinable()) m_watchdog.join();
  if (m_prober.joinable()) m_prober.join();
}

void PgPool::SetOnConnect(std::function<void(pqxx::connection&)> hook) {
  std::lock_guard lock(m_mutex);
  m_on_connect = std::move(hook);
  m_open -= m_idle.size();
  m_idle.clear();
}

void PgPool::SetLimits(const PgLimits& limits) {
  {
    std::lock_guard lock(m_mutex);
    m_limits = limits;
    m_conninfo = WithConnectTimeout(m_url, limits.connect_timeout_s);
    m_open -= m_idle.size();
    m_idle.clear();
  }
  if (limits.run_deadline_ms > 0 && !m_watchdog.joinable()) {
    m_watchdog = std::thread([this] { WatchdogLoop(); });
    m_prober = std::thread([this] { ProbeLoop(); });
  }
}

PgPoolStats PgPool::Stats() {
  std::lock_guard lock(m_mutex);
  PgPoolStats stats;
  stats.idle = m_idle.size();
  stats.in_use = m_open >= m_idle.size() ? m_open - m_idle.size() : 0;
  stats.max_open = m_limits.max_open;
  stats.waits = m_waits;
  stats.timeouts = m_timeouts;
  stats.breaker_open = m_breaker_open.load();
  return stats;
}

Result<std::unique_ptr<pqxx::connection>> PgPool::Take(bool* fresh) {
  *fresh = false;
  {
    std::unique_lock lock(m_mutex);
    const auto until = Clock::now() + std::chrono::milliseconds(m_limits.acquire_wait_ms);
    bool waited = false;
    while (m_idle.empty() && m_limits.max_open > 0 && m_open >= m_limits.max_open) {
      if (!waited) ++m_waits;
      waited = true;
      if (m_released.wait_until(lock, until) == std::cv_status::timeout && m_idle.empty() &&
          m_open >= m_limits.max_open) {
        ++m_timeouts;
        return MakeError(ErrorKind::kUnavailable,
                         "all " + std::to_string(m_limits.max_open) +
                             " database connections stayed busy");
      }
    }
    if (!m_idle.empty()) {
      auto connection = std::move(m_idle.back());
      m_idle.pop_back();
      return connection;
    }
    ++m_open;
  }
  *fresh = true;
  try {
    return std::make_unique<pqxx::connection>(m_conninfo);
  } catch (const std::exception& e) {
    std::lock_guard lock(m_mutex);
    --m_open;
    m_released.notify_one();
    return MakeError(ErrorKind::kUnavailable, std::string("cannot connect: ") + e.what());
  }
}

void PgPool::Give(std::unique_ptr<pqxx::connection> connection) {
  std::lock_guard lock(m_mutex);
  if (m_idle.size() < m_max_idle) {
    m_idle.push_back(std::move(connection));
  } else {
    --m_open;
  }
  m_released.notify_one();
}

void PgPool::Drop(std::unique_ptr<pqxx::connection> connection) {
  connection.reset();
  std::lock_guard lock(m_mutex);
  --m_open;
  m_released.notify_one();
}

Status PgPool::Run(const std::function<void(pqxx::connection&)>& body) {
  if (m_breaker_open.load()) {
    return MakeError(ErrorKind::kUnavailable,
                     "database unavailable (waiting for it to answer again)");
  }
  bool lost = false;
  Status status = RunLeased(body, &lost);
  if (lost) {
    // Whatever sat idle beside a lost connection is likely lost too (a restart).
    if (m_prober.joinable()) m_breaker_open = true;
    std::lock_guard lock(m_mutex);
    m_open -= m_idle.size();
    m_idle.clear();
    m_released.notify_all();
  }
  return status;
}

Status PgPool::RunLeased(const std::function<void(pqxx::connection&)>& body, bool* lost) {
  bool fresh = false;
  auto taken = Take(&fresh);
  if (!taken.ok()) {
    *lost = fresh;  // a connect that failed says "down"; a busy pool does not
    return taken.error();
  }
  std::unique_ptr<pqxx::connection> connection = std::move(*taken);
  const uint64_t token = Watch(connection->sock());
  try {
    if (fresh) {
      if (const std::string sql = SessionSettings(m_limits); !sql.empty()) {
        pqxx::nontransaction tx(*connection);
        tx.exec(sql);
      }
      if (m_on_connect) m_on_connect(*connection);
    }
    body(*connection);
    GiveUnlessTimedOut(token, std::move(connection));
    return Status::Ok();
  } catch (const pqxx::broken_connection& e) {
    // Dropped, not returned: a pooled connection that broke once is not trusted again.
    const bool timed_out = Unwatch(token);
    Drop(std::move(connection));
    *lost = true;
    if (timed_out) {
      return MakeError(ErrorKind::kUnavailable, "database gave no answer within " +
                                                    std::to_string(m_limits.run_deadline_ms) +
                                                    " ms");
    }
    return MakeError(ErrorKind::kUnavailable, std::string("database unavailable: ") + e.what());
  } catch (const pqxx::transaction_rollback& e) {
    // Serialization failures and deadlocks: the same request will succeed on retry.
    GiveUnlessTimedOut(token, std::move(connection));
    return MakeError(ErrorKind::kConflict, std::string("transaction rolled back: ") + e.what());
  } catch (const pqxx::unique_violation& e) {
    // Two copies inserting the same row at once: the loser retries and finds it.
    GiveUnlessTimedOut(token, std::move(connection));
    return MakeError(ErrorKind::kConflict, std::string("concurrent insert: ") + e.what());
  } catch (const pqxx::sql_error& e) {
    const bool timed_out = Unwatch(token);
    *lost = timed_out;
    if (!timed_out && connection->is_open()) {
      Give(std::move(connection));
    } else {
      Drop(std::move(connection));
    }
    // 57014: statement_timeout or a cancel; 55P03: lock_timeout. Both are "busy, retry".
    if (e.sqlstate() == "57014" || e.sqlstate() == "55P03") {
      return MakeError(ErrorKind::kUnavailable, std::string("database too slow: ") + e.what());
    }
    return MakeError(ErrorKind::kInternal, std::string("database error: ") + e.what());
  } catch (const pqxx::failure& e) {
    Unwatch(token);
    Drop(std::move(connection));
    *lost = true;
    return MakeError(ErrorKind::kUnavailable, std::string("database failure: ") + e.what());
  } catch (const std::exception& e) {
    Unwatch(token);
    Drop(std::move(connection));
    return MakeError(ErrorKind::kInternal, std::string("unexpected: ") + e.what());
  }
}

void PgPool::GiveUnlessTimedOut(uint64_t token, std::unique_ptr<pqxx::connection> connection) {
  if (Unwatch(token)) {
    Drop(std::move(connection));  // its socket was shut down: not reusable
  } else {
    Give(std::move(connection));
  }
}

uint64_t PgPool::Watch(int fd) {
  if (m_limits.run_deadline_ms <= 0 || fd < 0) return 0;
  std::lock_guard lock(m_watch_mutex);
  const uint64_t token = m_next_token++;
  m_watched[token] = {fd, Clock::now() + std::chrono::milliseconds(m_limits.run_deadline_ms),
                      false};
  return token;
}

bool PgPool::Unwatch(uint64_t token) {
  if (token == 0) return false;
  std::lock_guard lock(m_watch_mutex);
  auto it = m_watched.find(token);
  if (it == m_watched.end()) return false;
  const bool fired = it->second.fired;
  m_watched.erase(it);
  return fired;
}

void PgPool::ProbeLoop() {
  std::unique_lock lock(m_watch_mutex);
  while (!m_watch_stop) {
    m_watch_wake.wait_for(lock, kProbeEvery);
    if (m_watch_stop || !m_breaker_open.load()) continue;
    lock.unlock();
    if (Probe()) m_breaker_open = false;
    lock.lock();
  }
}

bool PgPool::Probe() {
  try {
    pqxx::connection connection(m_conninfo);  // bounded by connect_timeout
    const uint64_t token = Watch(connection.sock());  // and the query by the watchdog
    bool answered = false;
    try {
      pqxx::nontransaction tx(connection);
      answered = tx.exec("SELECT 1").size() == 1;
    } catch (const std::exception&) {
    }
    return !Unwatch(token) && answered;
  } catch (const std::exception&) {
    return false;
  }
}

void PgPool::WatchdogLoop() {
  std::unique_lock lock(m_watch_mutex);
  while (!m_watch_stop) {
    m_watch_wake.wait_for(lock, std::chrono::milliseconds(100));
    const auto now = Clock::now();
    for (auto& [token, watched] : m_watched) {
      if (watched.fired || now < watched.deadline) continue;
      // The fd stays open until Unwatch (under this mutex) has removed it, so this
      // never touches a descriptor that was closed and reused.
      ::shutdown(watched.fd, SHUT_RDWR);
      watched.fired = true;
    }
  }
}

}  // namespace yimen::server
