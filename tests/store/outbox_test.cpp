// The outbox and status API the sync engine drives: due times, parking, delivery,
// health, and status changes stored atomically with their cursor.
#include <gtest/gtest.h>

#include "store/store.h"
#include "store/store_test_support.h"

namespace yimen {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::system_clock;
using testing::OpenStore;
using testing::QueryInt;
using testing::RawConnection;
using testing::SampleApplication;
using testing::TempDir;

// SampleApplication's created_at, 2026-11-23T02:30:00Z: when its item is enqueued.
const system_clock::time_point kSubmittedAt =
    system_clock::time_point(milliseconds(((20780LL * 24 + 2) * 60 + 30) * 60'000));

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_store = OpenStore(m_temp.DataDir());
    ASSERT_NE(m_store, nullptr);
  }

  SubmittedApplication Submit() {
    Result<SubmittedApplication> submitted = m_store->applications().Submit(SampleApplication());
    EXPECT_TRUE(submitted.ok()) << submitted.error().message;
    return submitted.ok() ? *submitted : SubmittedApplication{};
  }

  std::vector<std::string> DueUuids(system_clock::time_point now, int limit = 100) {
    Result<std::vector<OutboxItem>> due = m_store->applications().ListDueOutbox(now, limit);
    EXPECT_TRUE(due.ok()) << due.error().message;
    std::vector<std::string> uuids;
    if (due.ok()) {
      for (const OutboxItem& item : *due) uuids.push_back(item.uuid);
    }
    return uuids;
  }

  TempDir m_temp;
  std::unique_ptr<Store> m_store;
};

TEST_F(OutboxTest, ListsNewItemsAsDueAtOnceOldestFirst) {
  const SubmittedApplication a = Submit();
  const SubmittedApplication b = Submit();
  const SubmittedApplication c = Submit();
  EXPECT_TRUE(DueUuids(kSubmittedAt - milliseconds(1)).empty());
  EXPECT_EQ(DueUuids(kSubmittedAt), (std::vector<std::string>{a.uuid, b.uuid, c.uuid}));
  EXPECT_EQ(DueUuids(kSubmittedAt, 2), (std::vector<std::string>{a.uuid, b.uuid}));
  EXPECT_EQ(m_store->applications().ListDueOutbox(kSubmittedAt, 0).error().kind,
            ErrorKind::kInvalidArgument);
}

TEST_F(OutboxTest, HoldsBackAFailedItemUntilItsNextAttempt) {
  const SubmittedApplication a = Submit();
  const SubmittedApplication b = Submit();
  const auto retry_at = kSubmittedAt + seconds(60);
  ASSERT_TRUE(
      m_store->applications().RecordAttemptFailure(a.uuid, "timeout after 10 s", retry_at).ok());

  EXPECT_EQ(DueUuids(kSubmittedAt + seconds(30)), (std::vector<std::string>{b.uuid}));
  EXPECT_EQ(DueUuids(retry_at), (std::vector<std::string>{a.uuid, b.uuid}));
  Result<std::vector<OutboxItem>> due = m_store->applications().ListDueOutbox(retry_at, 1);
  ASSERT_TRUE(due.ok());
  EXPECT_EQ((*due)[0].attempts, 1);

  std::optional<ApplicationStub> stub = *m_store->applications().FindByAppNumber(a.app_number);
  ASSERT_TRUE(stub.has_value());
  EXPECT_EQ(stub->attempts, 1);
  EXPECT_EQ(stub->last_error, std::optional<std::string>("timeout after 10 s"));
  EXPECT_EQ(stub->sync_state, SyncState::kPending);
}

TEST_F(OutboxTest, KeepsDrainingTheRestWhenOneIsParked) {
  const SubmittedApplication a = Submit();
  const SubmittedApplication b = Submit();
  const SubmittedApplication c = Submit();
  ASSERT_TRUE(m_store->applications().Park(a.uuid, "rejected: unknown service").ok());

  EXPECT_EQ(DueUuids(kSubmittedAt), (std::vector<std::string>{b.uuid, c.uuid}));
  EXPECT_EQ(*m_store->applications().CountOutbox(OutboxScope::kPending), 2);
  EXPECT_EQ(*m_store->applications().CountOutbox(OutboxScope::kAll), 3);
  std::optional<ApplicationStub> stub = *m_store->applications().FindByAppNumber(a.app_number);
  ASSERT_TRUE(stub.has_value());
  EXPECT_EQ(stub->sync_state, SyncState::kParked);
  EXPECT_EQ(stub->parked_reason, std::optional<std::string>("rejected: unknown service"));

  Result<std::vector<AuditEntry>> audit = m_store->staff().RecentAudit(1);
  ASSERT_TRUE(audit.ok());
  EXPECT_EQ((*audit)[0].action, "outbox.park");
  EXPECT_EQ((*audit)[0].detail, a.app_number);
}

TEST_F(OutboxTest, StopsListingAnItemOnceDelivered) {
  const SubmittedApplication a = Submit();
  const SubmittedApplication b = Submit();
  ASSERT_TRUE(m_store->applications()
                  .MarkDelivered(a.uuid, "SRV-000123", "2026-11-23T02:31:00Z", kSubmittedAt)
                  .ok());

  EXPECT_EQ(DueUuids(kSubmittedAt + seconds(3600)), (std::vector<std::string>{b.uuid}));
  std::optional<ApplicationStub> stub = *m_store->applications().FindByAppNumber(a.app_number);
  ASSERT_TRUE(stub.has_value());
  EXPECT_EQ(stub->sync_state, SyncState::kDelivered);
  EXPECT_EQ(stub->server_receipt, std::optional<std::string>("SRV-000123"));
  // Delivered rows stay (as the record of delivery) but are no longer pending.
  EXPECT_EQ(*m_store->applications().CountOutbox(OutboxScope::kAll), 2);
  EXPECT_EQ(*m_store->applications().CountOutbox(OutboxScope::kPending), 1);
}

TEST_F(OutboxTest, TakesTheSameAcknowledgementTwiceButNotAnother) {
  const SubmittedApplication a = Submit();
  ASSERT_TRUE(m_store->applications()
                  .MarkDelivered(a.uuid, "SRV-1", "2026-11-23T02:31:00Z", kSubmittedAt)
                  .ok());
  EXPECT_TRUE(m_store->applications()
                  .MarkDelivered(a.uuid, "SRV-1", "2026-11-23T02:32:00Z", kSubmittedAt)
                  .ok());
  Status other =
      m_store->applications().MarkDelivered(a.uuid, "SRV-2", "2026-11-23T02:33:00Z", kSubmittedAt);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().kind, ErrorKind::kConflict);

  Status late_failure =
      m_store->applications().RecordAttemptFailure(a.uuid, "timeout", kSubmittedAt);
  ASSERT_FALSE(late_failure.ok());
  EXPECT_EQ(late_failure.error().kind, ErrorKind::kConflict);
  Status late_park = m_store->applications().Park(a.uuid, "rejected");
  ASSERT_FALSE(late_park.ok());
  EXPECT_EQ(late_park.error().kind, ErrorKind::kConflict);
}

TEST_F(OutboxTest, ParksAnItemTheServerRefusedWithoutAReason) {
  const SubmittedApplication a = Submit();
  ASSERT_TRUE(m_store->applications().Park(a.uuid, "").ok());
  EXPECT_TRUE(DueUuids(kSubmittedAt).empty());
  std::optional<ApplicationStub> stub = *m_store->applications().FindByAppNumber(a.app_number);
  ASSERT_TRUE(stub.has_value());
  EXPECT_EQ(stub->sync_state, SyncState::kParked);
  EXPECT_EQ(stub->parked_reason, std::optional<std::string>("(no reason given)"));
}

TEST_F(OutboxTest, ReportsUnknownItemsAsNotFound) {
  const std::string unknown = "00000000-0000-4000-8000-000000000000";
  EXPECT_EQ(m_store->applications().MarkDelivered(unknown, "SRV-1", "t", kSubmittedAt).error().kind,
            ErrorKind::kNotFound);
  EXPECT_EQ(
      m_store->applications().RecordAttemptFailure(unknown, "timeout", kSubmittedAt).error().kind,
      ErrorKind::kNotFound);
  EXPECT_EQ(m_store->applications().Park(unknown, "rejected").error().kind, ErrorKind::kNotFound);
}

TEST_F(OutboxTest, RefusesToDeleteAnItemTheServerHasNotAcknowledged) {
  const SubmittedApplication a = Submit();
  const SubmittedApplication b = Submit();
  ASSERT_TRUE(m_store->applications().MarkDelivered(b.uuid, "SRV-2", "t", kSubmittedAt).ok());
  sqlite::Connection raw = RawConnection(m_temp.DatabasePath());
  Status deleted = raw.Exec("DELETE FROM outbox WHERE application_uuid = '" + a.uuid + "'");
  ASSERT_FALSE(deleted.ok());
  EXPECT_EQ(deleted.error().kind, ErrorKind::kConflict) << deleted.error().message;
  EXPECT_TRUE(raw.Exec("DELETE FROM outbox WHERE application_uuid = '" + b.uuid + "'").ok());
  EXPECT_EQ(*m_store->applications().CountOutbox(OutboxScope::kAll), 1);
}

TEST_F(OutboxTest, ReportsItsHealth) {
  Result<OutboxHealthReport> empty = m_store->applications().OutboxHealth();
  ASSERT_TRUE(empty.ok()) << empty.error().message;
  EXPECT_EQ(empty->pending, 0);
  EXPECT_FALSE(empty->oldest_pending_at.has_value());
  EXPECT_FALSE(empty->last_success_at.has_value());

  const SubmittedApplication a = Submit();
  const SubmittedApplication b = Submit();
  Submit();
  ASSERT_TRUE(m_store->applications().Park(a.uuid, "rejected").ok());
  const auto delivered_at = kSubmittedAt + seconds(90);
  ASSERT_TRUE(m_store->applications().MarkDelivered(b.uuid, "SRV-2", "t", delivered_at).ok());

  Result<OutboxHealthReport> health = m_store->applications().OutboxHealth();
  ASSERT_TRUE(health.ok());
  EXPECT_EQ(health->pending, 1);
  EXPECT_EQ(health->parked, 1);
  EXPECT_EQ(health->oldest_pending_at, std::optional(kSubmittedAt));
  EXPECT_EQ(health->last_success_at, std::optional(delivered_at));
}

StatusChange Change(int64_t seq, const SubmittedApplication& application, std::string status) {
  StatusChange change;
  change.server_seq = seq;
  change.application_uuid = application.uuid;
  change.app_number = application.app_number;
  change.status = std::move(status);
  change.server_time = "2026-11-2" + std::to_string(seq % 10) + "T09:00:00Z";
  return change;
}

TEST_F(OutboxTest, StoresStatusChangesTogetherWithTheirCursor) {
  const SubmittedApplication a = Submit();
  EXPECT_EQ(*m_store->status().StatusCursor(), 0);
  Status applied = m_store->status().ApplyStatusChanges(
      {Change(4, a, "received"), Change(7, a, "under_review")}, 9);
  ASSERT_TRUE(applied.ok()) << applied.error().message;

  EXPECT_EQ(*m_store->status().StatusCursor(), 9);
  Result<std::vector<StatusChange>> history = m_store->status().StatusHistory(a.app_number);
  ASSERT_TRUE(history.ok()) << history.error().message;
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].status, "received");
  EXPECT_EQ((*history)[1].status, "under_review");
  std::optional<ApplicationStub> stub = *m_store->applications().FindByAppNumber(a.app_number);
  ASSERT_TRUE(stub.has_value());
  EXPECT_EQ(stub->status, "under_review");
  EXPECT_EQ(stub->status_at, "2026-11-27T09:00:00Z");
}

TEST_F(OutboxTest, WritesNeitherChangesNorCursorWhenAStatusBatchFails) {
  const SubmittedApplication a = Submit();
  {
    sqlite::Connection raw = RawConnection(m_temp.DatabasePath());
    ASSERT_TRUE(raw.Exec("CREATE TRIGGER fail_cursor BEFORE INSERT ON settings "
                         "WHEN NEW.key = 'status_cursor' "
                         "BEGIN SELECT RAISE(ABORT, 'injected failure'); END")
                    .ok());
  }
  Status applied = m_store->status().ApplyStatusChanges({Change(4, a, "approved")}, 4);
  ASSERT_FALSE(applied.ok());

  EXPECT_EQ(*m_store->status().StatusCursor(), 0);
  EXPECT_TRUE(m_store->status().StatusHistory(a.app_number)->empty());
  EXPECT_EQ((*m_store->applications().FindByAppNumber(a.app_number))->status, "submitted");
}

TEST_F(OutboxTest, NeverLetsAnOlderStatusOverwriteANewerOne) {
  const SubmittedApplication a = Submit();
  ASSERT_TRUE(m_store->status()
                  .ApplyStatusChanges({Change(8, a, "approved"), Change(5, a, "under_review")}, 8)
                  .ok());
  EXPECT_EQ((*m_store->applications().FindByAppNumber(a.app_number))->status, "approved");
  ASSERT_TRUE(m_store->status().ApplyStatusChanges({Change(6, a, "received")}, 8).ok());
  EXPECT_EQ((*m_store->applications().FindByAppNumber(a.app_number))->status, "approved");
  EXPECT_EQ(m_store->status().StatusHistory(a.app_number)->size(), 3u);
}

TEST_F(OutboxTest, SkipsStatusChangesItAlreadyHas) {
  const SubmittedApplication a = Submit();
  const std::vector<StatusChange> page = {Change(1, a, "received"), Change(2, a, "approved")};
  ASSERT_TRUE(m_store->status().ApplyStatusChanges(page, 2).ok());
  ASSERT_TRUE(m_store->status().ApplyStatusChanges(page, 2).ok());
  EXPECT_EQ(m_store->status().StatusHistory(a.app_number)->size(), 2u);
}

TEST_F(OutboxTest, RefusesToMoveTheStatusCursorBack) {
  const SubmittedApplication a = Submit();
  ASSERT_TRUE(m_store->status().ApplyStatusChanges({Change(5, a, "received")}, 5).ok());
  Status back = m_store->status().ApplyStatusChanges({Change(3, a, "approved")}, 3);
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.error().kind, ErrorKind::kConflict);
  EXPECT_EQ(*m_store->status().StatusCursor(), 5);
  EXPECT_EQ(m_store->status().StatusHistory(a.app_number)->size(), 1u);
  Status setting = m_store->settings().SetSetting("status_cursor", "0");
  ASSERT_FALSE(setting.ok());
  EXPECT_EQ(setting.error().kind, ErrorKind::kInvalidArgument);
}

TEST_F(OutboxTest, KeepsStatusChangesForApplicationsItDoesNotHold) {
  SubmittedApplication stranger;
  stranger.uuid = "11111111-1111-4111-8111-111111111111";
  stranger.app_number = "K7Q2-250101-0001-Q";
  ASSERT_TRUE(m_store->status().ApplyStatusChanges({Change(1, stranger, "approved")}, 1).ok());
  EXPECT_EQ(m_store->status().StatusHistory(stranger.app_number)->size(), 1u);
  EXPECT_EQ(*m_store->status().StatusCursor(), 1);
}

TEST_F(OutboxTest, RefusesAStatusChangeWithoutSeqOrStatus) {
  const SubmittedApplication a = Submit();
  EXPECT_EQ(m_store->status().ApplyStatusChanges({Change(0, a, "received")}, 1).error().kind,
            ErrorKind::kInvalidArgument);
  EXPECT_EQ(m_store->status().ApplyStatusChanges({Change(1, a, "")}, 1).error().kind,
            ErrorKind::kInvalidArgument);
  EXPECT_EQ(*m_store->status().StatusCursor(), 0);
}

}  // namespace
}  // namespace yimen
