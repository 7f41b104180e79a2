// Connection pool and libpqxx error conversion (see pg_pool.h).
#include "server/pg_pool.h"

namespace yimen::server {

PgPool::PgPool(std::string url, size_t max_idle) : m_url(std::move(url)), m_max_idle(max_idle) {}

PgPool::~PgPool() = default;

std::unique_ptr<pqxx::connection> PgPool::Take() {
  {
    std::lock_guard lock(m_mutex);
    if (!m_idle.empty()) {
      auto connection = std::move(m_idle.back());
      m_idle.pop_back();
      return connection;
    }
  }
  auto connection = std::make_unique<pqxx::connection>(m_url);
  if (m_on_connect) m_on_connect(*connection);
  return connection;
}

void PgPool::SetOnConnect(std::function<void(pqxx::connection&)> hook) {
  std::lock_guard lock(m_mutex);
  m_on_connect = std::move(hook);
  m_idle.clear();
}

void PgPool::Give(std::unique_ptr<pqxx::connection> connection) {
  std::lock_guard lock(m_mutex);
  if (m_idle.size() < m_max_idle) m_idle.push_back(std::move(connection));
}

Status PgPool::Run(const std::function<void(pqxx::connection&)>& body) {
  std::unique_ptr<pqxx::connection> connection;
  try {
    connection = Take();
    body(*connection);
    Give(std::move(connection));
    return Status::Ok();
  } catch (const pqxx::broken_connection& e) {
    // Dropped, not returned: a pooled connection that broke once is not trusted again.
    return MakeError(ErrorKind::kUnavailable, std::string("database unavailable: ") + e.what());
  } catch (const pqxx::transaction_rollback& e) {
    // Serialization failures and deadlocks: the same request will succeed on retry.
    if (connection) Give(std::move(connection));
    return MakeError(ErrorKind::kConflict, std::string("transaction rolled back: ") + e.what());
  } catch (const pqxx::unique_violation& e) {
    // Two copies inserting the same row at once: the loser retries and finds it.
    if (connection) Give(std::move(connection));
    return MakeError(ErrorKind::kConflict, std::string("concurrent insert: ") + e.what());
  } catch (const pqxx::sql_error& e) {
    if (connection && connection->is_open()) Give(std::move(connection));
    return MakeError(ErrorKind::kInternal, std::string("database error: ") + e.what());
  } catch (const pqxx::failure& e) {
    return MakeError(ErrorKind::kUnavailable, std::string("database failure: ") + e.what());
  } catch (const std::exception& e) {
    return MakeError(ErrorKind::kInternal, std::string("unexpected: ") + e.what());
  }
}

}  // namespace yimen::server
