// Tests Store::LookUpStatus: a resident finds their application with its number and
// the last 6 characters of their ID number — offline, from what the store keeps —
// and nobody learns anything from a wrong guess.
#include <gtest/gtest.h>

#include "store/store_test_support.h"

namespace yimen::testing {
namespace {

class LookUpStatusTest : public ::testing::Test {
 protected:
  void SetUp() override { store = OpenStore(dir.path()); }

  SubmittedApplication SubmitWithId(const std::string& tail) {
    NewApplication application = SampleApplication();
    application.id_last6 = tail;
    auto submitted = store->applications().Submit(application);
    EXPECT_TRUE(submitted.ok()) << submitted.error().message;
    return *submitted;
  }

  TempDir dir;
  std::unique_ptr<Store> store;
};

TEST_F(LookUpStatusTest, FindsTheApplicationWithTheRightIdTailAndShowsItsHistory) {
  const SubmittedApplication a = SubmitWithId("12001X");
  const SubmittedApplication other = SubmitWithId("345678");
  ASSERT_TRUE(store->status()
                  .ApplyStatusChanges(
                      {{4, a.uuid, a.app_number, "已受理", "", "2026-11-23T05:00:00Z"},
                       {9, a.uuid, a.app_number, "需补正", "请补交户口簿", "2026-11-24T02:00:00Z"},
                       {10, other.uuid, other.app_number, "已批准", "", "2026-11-24T03:00:00Z"}},
                      10)
                  .ok());

  auto found = store->status().LookUpStatus(a.app_number, "12001x");  // lower-case x is the same
  ASSERT_TRUE(found.ok()) << found.error().message;
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->stub.app_number, a.app_number);
  EXPECT_EQ((*found)->stub.status, "需补正");
  EXPECT_EQ((*found)->stub.status_at, "2026-11-24T02:00:00Z");
  ASSERT_EQ((*found)->history.size(), 2u);
  EXPECT_EQ((*found)->history[0].status, "已受理");
  EXPECT_EQ((*found)->history[1].reason, "请补交户口簿");
}

TEST_F(LookUpStatusTest, AWrongTailAndAnUnknownNumberLookTheSame) {
  const SubmittedApplication a = SubmitWithId("120011");
  auto wrong_tail = store->status().LookUpStatus(a.app_number, "120012");
  auto someone_elses = store->status().LookUpStatus(a.app_number, "345678");
  auto unknown = store->status().LookUpStatus("ZZZZ-261123-0999-X", "120011");
  ASSERT_TRUE(wrong_tail.ok() && someone_elses.ok() && unknown.ok());
  EXPECT_FALSE(wrong_tail->has_value());
  EXPECT_FALSE(someone_elses->has_value());
  EXPECT_FALSE(unknown->has_value());
}

TEST_F(LookUpStatusTest, WorksBeforeAnyStatusArrived) {
  const SubmittedApplication a = SubmitWithId("000000");
  auto found = store->status().LookUpStatus(a.app_number, "000000");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->stub.status, "submitted");
  EXPECT_EQ((*found)->stub.sync_state, SyncState::kPending);
  EXPECT_TRUE((*found)->history.empty());
}

TEST_F(LookUpStatusTest, AnApplicationWithoutAnIdTailCannotBeLookedUp) {
  auto plain = store->applications().Submit(SampleApplication());
  ASSERT_TRUE(plain.ok());
  auto found = store->status().LookUpStatus(plain->app_number, "000000");
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
}

TEST_F(LookUpStatusTest, TheIdTailIsStoredOnlyAsAKeyedHash) {
  const SubmittedApplication a = SubmitWithId("987654");
  sqlite::Connection raw = RawConnection(store->DatabasePath());
  auto query = raw.Prepare("SELECT lookup_hash FROM applications WHERE uuid = ?1");
  ASSERT_TRUE(query.ok());
  query->BindText(1, a.uuid);
  ASSERT_TRUE(query->Step().ok());
  const std::string stored = query->ColumnText(0);
  EXPECT_EQ(stored.size(), 32u);
  EXPECT_EQ(stored.find("987654"), std::string::npos);
  // The key is the store's own setting: other rooms may not overwrite it.
  EXPECT_FALSE(store->settings().SetSetting("lookup_key", std::string(64, '0')).ok());
  // Another kiosk (another key) gets another hash for the same tail.
  TempDir other_dir;
  auto other = OpenStore(other_dir.path());
  NewApplication application = SampleApplication();
  application.id_last6 = "987654";
  auto b = other->applications().Submit(application);
  ASSERT_TRUE(b.ok());
  sqlite::Connection other_raw = RawConnection(other->DatabasePath());
  auto other_query = other_raw.Prepare("SELECT lookup_hash FROM applications");
  ASSERT_TRUE(other_query.ok());
  ASSERT_TRUE(other_query->Step().ok());
  EXPECT_NE(other_query->ColumnText(0), stored);
}

TEST_F(LookUpStatusTest, MalformedTailsAreRefused) {
  const SubmittedApplication a = SubmitWithId("120011");
  for (const char* bad : {"", "12345", "1234567", "12a456", "１２００１１"}) {
    auto found = store->status().LookUpStatus(a.app_number, bad);
    ASSERT_FALSE(found.ok()) << bad;
    EXPECT_EQ(found.error().kind, ErrorKind::kInvalidArgument);
  }
  NewApplication application = SampleApplication();
  application.id_last6 = "12a456";
  auto refused = store->applications().Submit(application);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kInvalidArgument);
}

}  // namespace
}  // namespace yimen::testing
