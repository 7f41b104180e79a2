// The store's half of staff provisioning and audit sync (store_staff_sync.cpp), and the
// growing delay between failed staff logins: server accounts log in, disabled ones are
// refused exactly like unknown names, cursors only move forward, audit rows are handed
// out once per acknowledgement.
#include <sodium.h>

#include <gtest/gtest.h>

#include "store/store.h"
#include "store/store_test_support.h"

namespace yimen {
namespace {

using testing::OpenStore;
using testing::TempDir;

constexpr int64_t kNow = 1'790'000'000'000;

std::string Argon2idOf(const std::string& pin) {
  char out[crypto_pwhash_STRBYTES];
  EXPECT_EQ(crypto_pwhash_str(out, pin.data(), pin.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE),
            0);
  return out;
}

class StaffSyncStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_store = OpenStore(m_temp.DataDir());
    ASSERT_NE(m_store, nullptr);
  }
  TempDir m_temp;
  std::unique_ptr<Store> m_store;
};

TEST_F(StaffSyncStoreTest, ServerAccountLogsInAndDisablingRefusesItLikeAnUnknownName) {
  const std::string hash = Argon2idOf("24681357");
  ASSERT_TRUE(m_store->staff().ApplyServerStaffAccounts({{"wangli", hash, false, 7}}, 7).ok());
  EXPECT_EQ(*m_store->staff().StaffAccountsCursor(), 7);
  EXPECT_EQ(m_store->staff().StaffLogin("wangli", "24681357", kNow)->outcome,
            StaffLoginOutcome::kAccepted);

  ASSERT_TRUE(m_store->staff().ApplyServerStaffAccounts({{"wangli", hash, true, 9}}, 9).ok());
  auto refused = m_store->staff().StaffLogin("wangli", "24681357", kNow);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->outcome, StaffLoginOutcome::kRefused);
  auto unknown = m_store->staff().StaffLogin("nobody", "24681357", kNow);
  EXPECT_EQ(unknown->outcome, refused->outcome);
  EXPECT_EQ(unknown->failures, refused->failures);
}

TEST_F(StaffSyncStoreTest, ServerAccountReplacesALocalOneOfTheSameName) {
  ASSERT_TRUE(m_store->staff().AddStaffAccount("wangli", "11111111").ok());
  ASSERT_TRUE(m_store->staff()
                  .ApplyServerStaffAccounts({{"wangli", Argon2idOf("222222"), false, 3}}, 3)
                  .ok());
  EXPECT_EQ(m_store->staff().StaffLogin("wangli", "11111111", kNow)->outcome,
            StaffLoginOutcome::kRefused);
  EXPECT_EQ(m_store->staff().StaffLogin("wangli", "222222", kNow)->outcome,
            StaffLoginOutcome::kAccepted);
}

TEST_F(StaffSyncStoreTest, RefusesWeakHashesAndStaleCursorsWritingNothing) {
  const std::string hash = Argon2idOf("24681357");
  // A hash that is not Argon2id (here argon2i) would let a server plant cheap hashes.
  std::string argon2i = hash;
  argon2i.replace(0, 10, "$argon2i$");
  EXPECT_EQ(m_store->staff()
                .ApplyServerStaffAccounts({{"a", hash, false, 1}, {"b", argon2i, false, 2}}, 2)
                .error()
                .kind,
            ErrorKind::kInvalidArgument);
  EXPECT_EQ(m_store->staff().ApplyServerStaffAccounts({{"", hash, false, 1}}, 1).error().kind,
            ErrorKind::kInvalidArgument);
  EXPECT_EQ(m_store->staff().ApplyServerStaffAccounts({{"a", hash, false, 0}}, 1).error().kind,
            ErrorKind::kInvalidArgument);
  EXPECT_EQ(*m_store->staff().CountStaffAccounts(), 0);
  ASSERT_TRUE(m_store->staff().ApplyServerStaffAccounts({{"a", hash, false, 5}}, 5).ok());
  EXPECT_EQ(m_store->staff().ApplyServerStaffAccounts({}, 4).error().kind, ErrorKind::kConflict);
  EXPECT_EQ(*m_store->staff().StaffAccountsCursor(), 5);
  // A re-pulled older version of a row does not undo a newer one.
  ASSERT_TRUE(m_store->staff().ApplyServerStaffAccounts({{"a", hash, true, 6}}, 6).ok());
  ASSERT_TRUE(m_store->staff().ApplyServerStaffAccounts({{"a", hash, false, 5}}, 6).ok());
  EXPECT_EQ(m_store->staff().StaffLogin("a", "24681357", kNow)->outcome,
            StaffLoginOutcome::kRefused);
}

TEST_F(StaffSyncStoreTest, AuditRowsAreHandedOutAfterTheAcknowledgedId) {
  ASSERT_TRUE(m_store->AppendAudit("staff:wangli", "staff.login", "").ok());
  ASSERT_TRUE(m_store->AppendAudit("staff:wangli", "staff.view_list", "").ok());
  ASSERT_TRUE(m_store->AppendAudit("staff:wangli", "staff.logout", "").ok());
  EXPECT_EQ(*m_store->staff().AuditPushedThrough(), 0);
  auto first = m_store->staff().AuditAfter(0, 2);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0].action, "staff.login");
  ASSERT_TRUE(m_store->staff().SetAuditPushedThrough(first->back().id).ok());
  auto rest = m_store->staff().AuditAfter(*m_store->staff().AuditPushedThrough(), 100);
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].action, "staff.logout");
  // A stale acknowledgement never moves the cursor back; the settings API cannot either.
  EXPECT_EQ(m_store->staff().SetAuditPushedThrough(1).error().kind, ErrorKind::kConflict);
  EXPECT_EQ(m_store->settings().SetSetting("audit_pushed_through", "0").error().kind,
            ErrorKind::kInvalidArgument);
  EXPECT_EQ(m_store->settings().SetSetting("staff_cursor", "0").error().kind,
            ErrorKind::kInvalidArgument);
  EXPECT_EQ(m_store->staff().AuditAfter(0, 0).error().kind, ErrorKind::kInvalidArgument);
}

TEST_F(StaffSyncStoreTest, FailuresFromTheThirdOnDelayTheNextAttemptByAGrowingTime) {
  ASSERT_TRUE(m_store->staff().AddStaffAccount("wangli", "24681357").ok());
  int64_t at = kNow;
  for (int i = 1; i < StaffRepository::kStaffThrottleAfter; ++i) {
    auto r = m_store->staff().StaffLogin("wangli", "000000", at);
    EXPECT_EQ(r->outcome, StaffLoginOutcome::kRefused);
    EXPECT_EQ(r->retry_at_ms, 0);  // the first failures cost nothing extra
  }
  auto third = m_store->staff().StaffLogin("wangli", "000000", at);
  EXPECT_EQ(third->outcome, StaffLoginOutcome::kRefused);
  EXPECT_EQ(third->retry_at_ms, at + StaffRepository::kStaffThrottleBaseMs);
  // Too soon: not checked (even the right PIN), not counted.
  auto early = m_store->staff().StaffLogin("wangli", "24681357",
                                           at + StaffRepository::kStaffThrottleBaseMs - 1);
  EXPECT_EQ(early->outcome, StaffLoginOutcome::kThrottled);
  EXPECT_EQ(early->failures, 3);
  EXPECT_EQ(early->retry_at_ms, at + StaffRepository::kStaffThrottleBaseMs);
  // On time: checked. The next failure waits twice as long, and so on up to five times.
  at += StaffRepository::kStaffThrottleBaseMs;
  auto fourth = m_store->staff().StaffLogin("wangli", "000000", at);
  EXPECT_EQ(fourth->retry_at_ms, at + 2 * StaffRepository::kStaffThrottleBaseMs);
  EXPECT_EQ(StaffRepository::StaffThrottleDelayMs(2), 0);
  EXPECT_EQ(StaffRepository::StaffThrottleDelayMs(3), 1000);
  EXPECT_EQ(StaffRepository::StaffThrottleDelayMs(9), 5000);
  EXPECT_EQ(StaffRepository::StaffThrottleDelayMs(StaffRepository::kStaffMaxFailures),
            0);  // locked instead
  // Unknown names are throttled the same way.
  for (int i = 0; i < 3; ++i) (void)m_store->staff().StaffLogin("nobody", "000000", kNow);
  EXPECT_EQ(m_store->staff().StaffLogin("nobody", "000000", kNow + 1)->outcome,
            StaffLoginOutcome::kThrottled);
  // The right PIN after the delay logs in and clears the count.
  at += 2 * StaffRepository::kStaffThrottleBaseMs;
  EXPECT_EQ(m_store->staff().StaffLogin("wangli", "24681357", at)->outcome,
            StaffLoginOutcome::kAccepted);
  EXPECT_EQ(m_store->staff().StaffLogin("wangli", "000000", at)->failures, 1);
}

}  // namespace
}  // namespace yimen
