// Tests Store::MarkDeliveredBatch: a whole push reply recorded in one transaction,
// with MarkDelivered's per-item meaning (idempotent for the same receipt, conflict
// for another, not found for a stranger) and nothing lost from the due list.
#include <gtest/gtest.h>

#include "store/store_test_support.h"

namespace yimen::testing {
namespace {

TEST(DeliverBatch, RecordsEveryReceiptAndReportsEachItem) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  std::vector<SubmittedApplication> apps;
  for (int i = 0; i < 4; ++i) {
    auto s = store->applications().Submit(SampleApplication());
    ASSERT_TRUE(s.ok());
    apps.push_back(*s);
  }
  const auto now = std::chrono::system_clock::now();
  ASSERT_TRUE(
      store->applications().MarkDelivered(apps[3].uuid, "R-4", "2026-11-23T03:00:00Z", now).ok());

  auto outcomes = store->applications().MarkDeliveredBatch(
      {{apps[0].uuid, "R-1", "2026-11-23T03:00:00Z"},
       {apps[1].uuid, "R-2", "2026-11-23T03:00:00Z"},
       {"00000000-0000-4000-8000-000000000000", "R-9", "2026-11-23T03:00:00Z"},
       {apps[3].uuid, "R-4", "2026-11-23T03:00:00Z"},      // a duplicate reply: fine
       {apps[3].uuid, "R-OTHER", "2026-11-23T03:00:00Z"},  // another receipt: conflict
       {apps[2].uuid, "", ""}},
      now);
  ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
  ASSERT_EQ(outcomes->size(), 6u);
  EXPECT_TRUE((*outcomes)[0].ok());
  EXPECT_TRUE((*outcomes)[1].ok());
  EXPECT_EQ((*outcomes)[2].error().kind, ErrorKind::kNotFound);
  EXPECT_TRUE((*outcomes)[3].ok());
  EXPECT_EQ((*outcomes)[4].error().kind, ErrorKind::kConflict);
  EXPECT_EQ((*outcomes)[5].error().kind, ErrorKind::kInvalidArgument);

  auto a0 = store->applications().FindByAppNumber(apps[0].app_number);
  ASSERT_TRUE(a0.ok() && a0->has_value());
  EXPECT_EQ((*a0)->server_receipt, "R-1");
  EXPECT_EQ((*a0)->sync_state, SyncState::kDelivered);
  auto a3 = store->applications().FindByAppNumber(apps[3].app_number);
  EXPECT_EQ((*a3)->server_receipt, "R-4") << "the original receipt stays";
  auto due = store->applications().ListDueOutbox(now + std::chrono::hours(1), 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].uuid, apps[2].uuid);
}

}  // namespace
}  // namespace yimen::testing
