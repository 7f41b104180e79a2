// Group commit for ingest: pushes and heartbeats that arrive on different worker
// threads within a short window share one PostgreSQL transaction and one commit
// (one WAL flush) instead of paying one each. A commit per push was most of what a
// single-application push cost PostgreSQL (docs/benchmarks.md "Where a push's time
// goes"). Leader/follower on the caller's threads: the first caller of a group becomes
// its leader. When fewer than max_in_flight groups are committing, it commits at once
// (no added latency on a quiet server); otherwise it waits, up to the window, for one
// of them to finish while later callers join its group. So groups grow with the load
// by themselves. Each caller returns only after the commit that holds its work, so
// nothing is acknowledged early.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>

#include <pqxx/pqxx>

#include "domain/result.h"
#include "server/pg_pool.h"

namespace yimen::server {

struct GroupCommitOptions {
  // The longest a group's leader waits for a committing group to finish (gathering
  // members meanwhile), in microseconds; 0 turns group commit off (every Run is its
  // own transaction, as before).
  int window_us = 2000;
  // How long a leader waits for company even when nothing is committing (like
  // PostgreSQL's commit_delay). 0 by default: on a quiet server a push commits at once.
  int linger_us = 0;
  // Groups committing at once in this process (each on its own connection).
  int max_in_flight = 2;
  // A group closes at once when this many items (applications; a heartbeat counts
  // one) have joined, so a big push never waits and a group stays a bounded size.
  size_t max_items = 500;
};

// Figures for tests and the operator: how many groups committed and how many members
// they held. Any thread; a snapshot.
struct GroupCommitCounters {
  uint64_t groups = 0;         // transactions committed (or attempted) for groups
  uint64_t members = 0;        // Run calls that were part of a group
  uint64_t fallbacks = 0;      // groups that failed and were rerun member by member
  uint64_t largest_group = 0;  // most members one transaction held
};

class GroupCommitter {
 public:
  GroupCommitter(PgPool& pool, GroupCommitOptions options);
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Runs `work` inside a transaction, possibly shared with concurrent callers, and
  // returns once that transaction committed (ok) or failed (the error, as PgPool::Run
  // reports it). `work` must do all its writes through the given transaction, must
  // not commit it, and must be safe to run twice: when a shared transaction fails
  // with an SQL error (kInternal, kConflict: one member's statement failed, a
  // deadlock with another server copy), it is rolled back and every member's work runs
  // again alone in its own transaction, so one poison member cannot fail the others.
  // A lost connection or a commit whose outcome is unknown (kUnavailable) is not
  // rerun: every member gets kUnavailable and its client retries, which the uuid
  // dedupe makes safe. `items` is what the work stores (for max_items). Blocks the
  // calling thread for at most the window plus the transaction. Thread-safe.
  Status Run(const std::function<void(pqxx::work&)>& work, size_t items);

  GroupCommitCounters counters() const;

 private:
  struct Member;
  struct Group;
  // Runs the members' work in one transaction; on an SQL error, each alone. Sets
  // every member's status. Called by the leader without m_mutex held.
  void Commit(Group& group);
  Status RunAlone(const std::function<void(pqxx::work&)>& work);

  PgPool& m_pool;
  const GroupCommitOptions m_options;
  mutable std::mutex m_mutex;
  std::condition_variable m_changed;  // a group closed or finished
  std::shared_ptr<Group> m_open;      // the group new callers join; guarded by m_mutex
  int m_committing = 0;               // groups between close and commit; guarded by m_mutex
  GroupCommitCounters m_counters;     // guarded by m_mutex
};

}  // namespace yimen::server
