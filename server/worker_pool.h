// A fixed set of threads for the blocking half of a request (PostgreSQL), fed by a
// bounded queue: when every worker is busy and the queue is full, TryPost says no at
// once and the caller answers 503 + Retry-After instead of letting work pile up
// without end (docs/internals/sync.md "Transport security").
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace yimen::server {

class WorkerPool {
 public:
  // Starts `workers` threads (at least 1); at most `max_queued` jobs wait for one.
  WorkerPool(size_t workers, size_t max_queued);
  // Shutdown().
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `job`; false (job dropped) when the queue is full or the pool shut down.
  // Any thread. Jobs run in FIFO order on some worker; a job must not throw.
  [[nodiscard]] bool TryPost(std::function<void()> job);

  // Lets running jobs finish, drops the queued ones (destroying them on this thread)
  // and joins the workers. Idempotent; not from a worker.
  void Shutdown();

  // Jobs queued and not yet started. Any thread; a snapshot.
  size_t queued() const;

 private:
  void Work();

  const size_t m_max_queued;
  mutable std::mutex m_mutex;
  std::condition_variable m_wake;
  std::deque<std::function<void()>> m_queue;  // guarded by m_mutex
  bool m_stopping = false;                    // guarded by m_mutex
  std::vector<std::thread> m_threads;
};

}  // namespace yimen::server
