// Group commit (see group_commit.h). The one rule that matters: a member's Run returns
// only after Commit set its status, and Commit sets an ok status only after the
// transaction holding the member's work committed.
#include "server/group_commit.h"

#include <algorithm>
#include <chrono>
#include <vector>

namespace yimen::server {

struct GroupCommitter::Member {
  const std::function<void(pqxx::work&)>* work = nullptr;
  Status status;
  bool done = false;  // guarded by m_mutex
};

struct GroupCommitter::Group {
  std::vector<Member*> members;  // guarded by m_mutex until closed, then the leader's
  size_t items = 0;              // guarded by m_mutex
  bool closed = false;           // guarded by m_mutex: no one joins any more
};

GroupCommitter::GroupCommitter(PgPool& pool, GroupCommitOptions options)
    : m_pool(pool), m_options(options) {}

Status GroupCommitter::RunAlone(const std::function<void(pqxx::work&)>& work) {
  return m_pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    work(tx);
    tx.commit();
  });
}

Status GroupCommitter::Run(const std::function<void(pqxx::work&)>& work, size_t items) {
  if (m_options.window_us <= 0) return RunAlone(work);
  Member me;
  me.work = &work;
  std::unique_lock lock(m_mutex);
  std::shared_ptr<Group> group = m_open;
  const bool leader = group == nullptr;
  if (leader) {
    group = std::make_shared<Group>();
    m_open = group;
  }
  group->members.push_back(&me);
  group->items += std::max<size_t>(items, 1);
  if (group->items >= m_options.max_items) {
    group->closed = true;
    if (m_open == group) m_open.reset();
    m_changed.notify_all();
  }
  if (!leader) {
    m_changed.wait(lock, [&] { return me.done; });
    return me.status;
  }
  const auto now = std::chrono::steady_clock::now();
  const auto busy_deadline =
      now + std::chrono::microseconds(std::max(m_options.window_us, m_options.linger_us));
  const auto idle_deadline = now + std::chrono::microseconds(m_options.linger_us);
  while (!group->closed) {
    const auto at = std::chrono::steady_clock::now();
    if (at >= busy_deadline) break;
    if (m_committing < std::max(1, m_options.max_in_flight)) {
      if (at >= idle_deadline) break;
      m_changed.wait_until(lock, idle_deadline);
    } else {
      m_changed.wait_until(lock, busy_deadline);
    }
  }
  group->closed = true;
  if (m_open == group) m_open.reset();
  ++m_committing;
  lock.unlock();

  Commit(*group);

  lock.lock();
  --m_committing;
  for (Member* member : group->members) member->done = true;
  m_changed.notify_all();
  return me.status;
}

void GroupCommitter::Commit(Group& group) {
  std::vector<Member*>& members = group.members;
  if (members.size() == 1) {
    members[0]->status = RunAlone(*members[0]->work);
    std::lock_guard lock(m_mutex);
    ++m_counters.groups;
    ++m_counters.members;
    m_counters.largest_group = std::max<uint64_t>(m_counters.largest_group, 1);
    return;
  }
  Status shared = m_pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    for (Member* member : members) (*member->work)(tx);
    tx.commit();
  });
  // An SQL error rolled the whole group back (PostgreSQL aborts the transaction at the
  // first failed statement): nothing of it happened, so each member runs again alone
  // and only the guilty one fails. kUnavailable means the connection went, perhaps
  // during COMMIT: the outcome is unknown, so no member may be rerun here (a rerun's
  // replay check would refuse a push that did commit); the kiosks retry instead.
  const bool rerun = !shared.ok() && (shared.error().kind == ErrorKind::kInternal ||
                                      shared.error().kind == ErrorKind::kConflict);
  for (Member* member : members) member->status = shared;
  if (rerun) {
    for (Member* member : members) member->status = RunAlone(*member->work);
  }
  std::lock_guard lock(m_mutex);
  ++m_counters.groups;
  m_counters.members += members.size();
  if (rerun) ++m_counters.fallbacks;
  m_counters.largest_group = std::max<uint64_t>(m_counters.largest_group, members.size());
}

GroupCommitCounters GroupCommitter::counters() const {
  std::lock_guard lock(m_mutex);
  return m_counters;
}

}  // namespace yimen::server
