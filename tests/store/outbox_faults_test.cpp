// Tests Store::RecordServerFault and Store::RecordLoneFault (app/store/
// store_outbox_faults.cpp): per-item counts the sync engine uses to find a poison item,
// kept across reopening (`--sync-once` is a new process each time), never counted on
// a delivered item, and never parking anything by themselves.
#include <gtest/gtest.h>

#include "store/store_test_support.h"

namespace yimen::testing {
namespace {

TEST(OutboxFaults, CountPerItemAcrossReopeningAndSkipDeliveredItems) {
  TempDir dir;
  std::vector<SubmittedApplication> apps;
  {
    auto store = OpenStore(dir.path());
    for (int i = 0; i < 3; ++i) {
      auto s = store->applications().Submit(SampleApplication());
      ASSERT_TRUE(s.ok());
      apps.push_back(*s);
    }
    ASSERT_TRUE(store->applications()
                    .MarkDelivered(apps[2].uuid, "R-3", "2026-11-23T03:00:00Z",
                                   std::chrono::system_clock::now())
                    .ok());
    auto first =
        store->applications().RecordServerFault({apps[0].uuid, apps[1].uuid}, "HTTP 500 internal");
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_EQ(*first, (std::vector<int>{1, 1}));
  }
  auto store = OpenStore(dir.path());
  auto second = store->applications().RecordServerFault(
      {apps[0].uuid, apps[2].uuid, "00000000-0000-4000-8000-000000000000"}, "HTTP 500 internal");
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(*second, (std::vector<int>{2, 0, 0})) << "delivered and unknown items read as 0";

  auto lone = store->applications().RecordLoneFault(apps[0].uuid, "HTTP 500 internal");
  ASSERT_TRUE(lone.ok());
  EXPECT_EQ(*lone, 1);
  EXPECT_EQ(*store->applications().RecordLoneFault(apps[0].uuid, "HTTP 500 internal"), 2);
  EXPECT_EQ(store->applications().RecordLoneFault(apps[2].uuid, "x").error().kind,
            ErrorKind::kConflict);
  EXPECT_EQ(store->applications()
                .RecordLoneFault("00000000-0000-4000-8000-000000000000", "x")
                .error()
                .kind,
            ErrorKind::kNotFound);

  // Counting parks nothing: both are still due, and the last error is kept.
  auto due = store->applications().ListDueOutbox(std::chrono::system_clock::now(), 10);
  ASSERT_TRUE(due.ok());
  EXPECT_EQ(due->size(), 2u);
  auto health = store->applications().OutboxHealth();
  ASSERT_TRUE(health.ok());
  EXPECT_EQ(health->parked, 0);
}

}  // namespace
}  // namespace yimen::testing
