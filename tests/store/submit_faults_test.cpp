// "Nothing acknowledged is lost": Submit is all-or-nothing when a statement fails
// half-way, and when the disk fails at any write or sync (SQLite's faultsim idea: fail
// the 1st, 2nd, ... Nth I/O call until Submit gets through without a fault).
#include <gtest/gtest.h>

#include <set>

#include "store/fault_cases.h"
#include "store/fault_vfs.h"
#include "store/store.h"
#include "store/store_test_support.h"

namespace yimen {
namespace {

using testing::EveryFaultCase;
using testing::Fault;
using testing::FaultCase;
using testing::FaultCaseName;
using testing::FaultVfs;
using testing::OpenStore;
using testing::QueryInt;
using testing::RawConnection;
using testing::SampleApplication;
using testing::TempDir;

TEST(SubmitAtomicity, LeavesNoTraceWhenTheOutboxInsertFails) {
  TempDir temp;
  std::unique_ptr<Store> store = OpenStore(temp.DataDir());
  ASSERT_NE(store, nullptr);
  sqlite::Connection raw = RawConnection(temp.DatabasePath());
  ASSERT_TRUE(raw.Exec("CREATE TRIGGER fail_outbox BEFORE INSERT ON outbox "
                       "BEGIN SELECT RAISE(ABORT, 'injected failure'); END")
                  .ok());

  Result<SubmittedApplication> failed = store->applications().Submit(SampleApplication());
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message.find("injected failure"), std::string::npos)
      << failed.error().message;
  EXPECT_EQ(*store->applications().CountApplications(), 0);
  EXPECT_EQ(*store->applications().CountOutbox(OutboxScope::kAll), 0);
  EXPECT_EQ(QueryInt(raw, "SELECT COUNT(*) FROM app_sequences"), 0);
  EXPECT_EQ(QueryInt(raw, "SELECT COUNT(*) FROM audit"), 0);

  ASSERT_TRUE(raw.Exec("DROP TRIGGER fail_outbox").ok());
  Result<SubmittedApplication> submitted = store->applications().Submit(SampleApplication());
  ASSERT_TRUE(submitted.ok()) << submitted.error().message;
  EXPECT_EQ(submitted->seq, 1u);  // the failed submit's number was never shown: reused
}

class SubmitFaults : public ::testing::TestWithParam<FaultCase> {};

TEST_P(SubmitFaults, LoseNothingAcknowledgedAndKeepNothingRefused) {
  const FaultCase param = GetParam();
  FaultVfs vfs;
  TempDir temp;
  std::vector<std::string> acknowledged;  // app numbers Submit returned OK for
  {
    std::unique_ptr<Store> store = OpenStore(temp.DataDir());
    ASSERT_NE(store, nullptr);
    Result<SubmittedApplication> first = store->applications().Submit(SampleApplication());
    ASSERT_TRUE(first.ok()) << first.error().message;
    acknowledged.push_back(first->app_number);
  }

  int refused = 0;
  bool got_through_unharmed = false;
  for (int n = 1; n <= 100 && !got_through_unharmed; ++n) {
    SCOPED_TRACE("failing write-like call #" + std::to_string(n));
    {
      std::unique_ptr<Store> store = OpenStore(temp.DataDir());
      ASSERT_NE(store, nullptr);
      vfs.FailNth(n, param.fault, param.persistent);
      Result<SubmittedApplication> submitted = store->applications().Submit(SampleApplication());
      const bool fired = vfs.Fired();
      vfs.Disarm();
      if (submitted.ok()) {
        acknowledged.push_back(submitted->app_number);
        got_through_unharmed = !fired;
        // Visible to a new connection at once, before this one closes cleanly (what
        // the next start would see after a power cut here).
        std::unique_ptr<Store> other = OpenStore(temp.DataDir());
        ASSERT_NE(other, nullptr);
        EXPECT_TRUE(other->applications().FindByAppNumber(submitted->app_number)->has_value());
      } else {
        ++refused;
        // A full disk fails writes with SQLITE_FULL (kFull) and syncs with an I/O error.
        if (param.fault == Fault::kDiskFull) {
          EXPECT_TRUE(submitted.error().kind == ErrorKind::kFull ||
                      submitted.error().kind == ErrorKind::kUnavailable)
              << submitted.error().message;
        } else {
          EXPECT_EQ(submitted.error().kind, ErrorKind::kUnavailable) << submitted.error().message;
        }
        // The same Store works again once the disk does.
        Result<SubmittedApplication> retried = store->applications().Submit(SampleApplication());
        ASSERT_TRUE(retried.ok()) << retried.error().message;
        acknowledged.push_back(retried->app_number);
      }
    }
    // Reopening runs the integrity check; then exactly the acknowledged rows are there.
    std::unique_ptr<Store> store = OpenStore(temp.DataDir());
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(*store->applications().CountApplications(),
              static_cast<int64_t>(acknowledged.size()));
    EXPECT_EQ(*store->applications().CountOutbox(OutboxScope::kPending),
              static_cast<int64_t>(acknowledged.size()));
    for (const std::string& number : acknowledged) {
      Result<std::optional<ApplicationStub>> found = store->applications().FindByAppNumber(number);
      ASSERT_TRUE(found.ok()) << found.error().message;
      EXPECT_TRUE(found->has_value()) << number << " was acknowledged but is gone";
    }
    if (::testing::Test::HasFailure()) break;
  }
  EXPECT_TRUE(got_through_unharmed) << "Submit never got through without a fault";
  EXPECT_GT(refused, 0) << "no injected fault ever reached Submit";
  const std::set<std::string> distinct(acknowledged.begin(), acknowledged.end());
  EXPECT_EQ(distinct.size(), acknowledged.size()) << "an app number was handed out twice";
}

// The kiosk tells a resident "本机存储空间已满" (and alarms staff) when the refusal is
// ErrorKind::kFull (KioskApp::Submit); this pins that contract. The words stay in the
// message for logs, but callers branch on the kind.
TEST(SubmitDiskFull, RefusalSaysTheDiskIsFullAndTheRetryAfterSpaceReturnsWorks) {
  FaultVfs vfs;
  TempDir temp;
  std::unique_ptr<Store> store = OpenStore(temp.DataDir());
  ASSERT_NE(store, nullptr);
  vfs.FailNth(1, Fault::kDiskFull, /*persistent=*/true);
  Result<SubmittedApplication> refused = store->applications().Submit(SampleApplication());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kFull) << refused.error().message;
  EXPECT_NE(refused.error().message.find("full"), std::string::npos) << refused.error().message;
  vfs.Disarm();
  Result<SubmittedApplication> retried = store->applications().Submit(SampleApplication());
  ASSERT_TRUE(retried.ok()) << retried.error().message;
  EXPECT_EQ(*store->applications().CountApplications(), 1);
}

INSTANTIATE_TEST_SUITE_P(EveryWriteAndSync, SubmitFaults, EveryFaultCase(), FaultCaseName);

}  // namespace
}  // namespace yimen
