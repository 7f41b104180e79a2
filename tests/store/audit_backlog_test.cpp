// An audit write that fails is never silent (issue 17): the row is kept with its time,
// counted for the staff screen (OutboxHealthReport::audit_backlog), and written by the
// next audit write or sync tick, from either thread's Store of the same file.
#include <gtest/gtest.h>

#include <ranges>
#include <string>
#include <vector>

#include "store/fault_vfs.h"
#include "store/store.h"
#include "store/store_test_support.h"

namespace yimen {
namespace {

using testing::Fault;
using testing::FaultVfs;
using testing::OpenStore;
using testing::TempDir;

std::vector<std::string> Actions(Store& store) {
  Result<std::vector<AuditEntry>> rows = store.staff().RecentAudit(100);
  EXPECT_TRUE(rows.ok()) << rows.error().message;
  std::vector<std::string> actions;
  if (!rows.ok()) return actions;
  for (const AuditEntry& entry : std::ranges::reverse_view(*rows)) actions.push_back(entry.action);
  return actions;  // oldest first
}

TEST(AuditBacklog, AFailedWriteIsKeptCountedAndWrittenByTheNextOne) {
  FaultVfs vfs;
  TempDir temp;
  std::unique_ptr<Store> store = OpenStore(temp.DataDir());
  ASSERT_NE(store, nullptr);

  vfs.FailNth(1, Fault::kDiskFull, /*persistent=*/true);
  Status first = store->AppendAudit("staff", "test.first", "");
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().kind, ErrorKind::kFull) << first.error().message;
  EXPECT_EQ(store->staff().AuditBacklogCount(), 1);
  Status second = store->AppendAudit("system", "test.second", "detail");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(store->staff().AuditBacklogCount(), 2);
  // The staff screen's health report carries the alarm.
  Result<OutboxHealthReport> health = store->applications().OutboxHealth();
  ASSERT_TRUE(health.ok()) << health.error().message;
  EXPECT_EQ(health->audit_backlog, 2);
  vfs.Disarm();

  ASSERT_TRUE(store->AppendAudit("staff", "test.third", "").ok());
  EXPECT_EQ(store->staff().AuditBacklogCount(), 0);
  EXPECT_EQ(store->applications().OutboxHealth()->audit_backlog, 0);
  EXPECT_EQ(Actions(*store), (std::vector<std::string>{"test.first", "test.second", "test.third"}));
}

TEST(AuditBacklog, TheSyncThreadsStoreRetriesWhatTheUiStoreCouldNotWrite) {
  FaultVfs vfs;
  TempDir temp;
  std::unique_ptr<Store> ui = OpenStore(temp.DataDir());
  std::unique_ptr<Store> sync = OpenStore(temp.DataDir());
  ASSERT_NE(ui, nullptr);
  ASSERT_NE(sync, nullptr);

  vfs.FailNth(1, Fault::kIoError, /*persistent=*/true);
  EXPECT_FALSE(ui->AppendAudit("resident", "receipt.print", "K7Q2-261123-0001-C").ok());
  EXPECT_FALSE(sync->staff().RetryAuditBacklog().ok());  // still failing: still kept
  EXPECT_EQ(sync->staff().AuditBacklogCount(), 1);
  vfs.Disarm();

  ASSERT_TRUE(sync->staff().RetryAuditBacklog().ok());  // the sync tick
  EXPECT_EQ(ui->staff().AuditBacklogCount(), 0);
  const std::vector<std::string> actions = Actions(*ui);
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0], "receipt.print");
  EXPECT_TRUE(sync->staff().RetryAuditBacklog().ok());  // nothing left: nothing written
  EXPECT_EQ(Actions(*ui).size(), 1u);
}

TEST(AuditBacklog, AnInvalidRowIsRefusedNotKept) {
  TempDir temp;
  std::unique_ptr<Store> store = OpenStore(temp.DataDir());
  ASSERT_NE(store, nullptr);
  Status refused = store->AppendAudit("", "x", "");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kInvalidArgument);
  EXPECT_EQ(store->staff().AuditBacklogCount(), 0);
}

}  // namespace
}  // namespace yimen
