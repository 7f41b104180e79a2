// Bounded worker pool (see worker_pool.h).
#include "server/worker_pool.h"

#include <algorithm>

namespace yimen::server {

WorkerPool::WorkerPool(size_t workers, size_t max_queued) : m_max_queued(max_queued) {
  workers = std::max<size_t>(workers, 1);
  m_threads.reserve(workers);
  for (size_t i = 0; i < workers; ++i) m_threads.emplace_back([this] { Work(); });
}

WorkerPool::~WorkerPool() { Shutdown(); }

bool WorkerPool::TryPost(std::function<void()> job) {
  {
    std::lock_guard lock(m_mutex);
    if (m_stopping || m_queue.size() >= m_max_queued) return false;
    m_queue.push_back(std::move(job));
  }
  m_wake.notify_one();
  return true;
}

void WorkerPool::Shutdown() {
  std::deque<std::function<void()>> dropped;
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
    dropped.swap(m_queue);
  }
  m_wake.notify_all();
  for (std::thread& thread : m_threads) {
    if (thread.joinable()) thread.join();
  }
  m_threads.clear();
}

size_t WorkerPool::queued() const {
  std::lock_guard lock(m_mutex);
  return m_queue.size();
}

void WorkerPool::Work() {
  while (true) {
    std::function<void()> job;
    {
      std::unique_lock lock(m_mutex);
      m_wake.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
      if (m_stopping) return;
      job = std::move(m_queue.front());
      m_queue.pop_front();
    }
    job();
  }
}

}  // namespace yimen::server
