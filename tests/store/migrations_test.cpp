// Schema migrations: an old file is upgraded with its rows kept, a newer file is
// refused without a byte changed.
#include "store/migrations.h"

#include <gtest/gtest.h>

#include "store/store.h"
#include "store/store_test_support.h"

namespace yimen {
namespace {

using std::chrono::system_clock;
using testing::OpenStore;
using testing::RawConnection;
using testing::ReadFileBytes;
using testing::SampleApplication;
using testing::TempDir;

constexpr int64_t kEnqueuedMs = 1'795'000'000'000;  // 2026-11-18, when the v1 kiosk queued it

TEST(StoreMigrations, AreNumberedOneByOneFromOne) {
  std::span<const store::Migration> steps = store::Migrations();
  ASSERT_GE(steps.size(), 2u);
  for (size_t i = 0; i < steps.size(); ++i) {
    EXPECT_EQ(steps[i].version, static_cast<int>(i) + 1);
  }
  EXPECT_EQ(Store::LatestSchemaVersion(), steps.back().version);
}

// Builds the file a v1 build would have left: the v1 step only, one application
// queued and not yet delivered.
void WriteVersionOneDatabase(const TempDir& temp) {
  std::filesystem::create_directories(temp.DataDir());
  sqlite::Connection raw = RawConnection(temp.DatabasePath());
  ASSERT_TRUE(raw.Exec("PRAGMA journal_mode = WAL").ok());
  ASSERT_TRUE(raw.Exec(store::Migrations()[0].sql).ok());
  ASSERT_TRUE(raw.Exec("PRAGMA user_version = 1").ok());
  Status rows = raw.Exec(R"sql(
INSERT INTO settings (key, value) VALUES ('kiosk_code', 'K7Q2');
INSERT INTO app_sequences (day, last_seq) VALUES ('2026-11-18', 1);
INSERT INTO applications (uuid, app_number, created_date, seq, service_code, catalog_version,
                          created_at, masked_name, payload_format, payload, status, status_at)
VALUES ('6f1c2a9e-0d4b-4c1e-9a57-3b2d8e4f1a60', 'K7Q2-261118-0001-8', '2026-11-18', 1,
        'gaoling', '2026.1', '2026-11-18T01:00:00Z', '李*华', 'json-v1', X'7B7D',
        'submitted', '2026-11-18T01:00:00Z');
INSERT INTO outbox (application_uuid, enqueued_at_ms)
VALUES ('6f1c2a9e-0d4b-4c1e-9a57-3b2d8e4f1a60', 1795000000000);
)sql");
  ASSERT_TRUE(rows.ok()) << rows.error().message;
}

TEST(StoreMigrations, UpgradesAVersionOneDatabaseKeepingItsRows) {
  TempDir temp;
  WriteVersionOneDatabase(temp);
  ASSERT_FALSE(::testing::Test::HasFailure());

  std::unique_ptr<Store> store = OpenStore(temp.DataDir());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->SchemaVersion(), Store::LatestSchemaVersion());
  EXPECT_EQ(*store->settings().KioskCode(), "K7Q2");  // kept, not made anew

  std::optional<ApplicationStub> stub =
      *store->applications().FindByAppNumber("K7Q2-261118-0001-8");
  ASSERT_TRUE(stub.has_value());
  EXPECT_EQ(stub->masked_name, "李*华");
  EXPECT_EQ(stub->sync_state, SyncState::kPending);
  EXPECT_EQ(stub->attempts, 0);

  // v2 makes the queued item due from when it was queued.
  const auto enqueued = system_clock::time_point(std::chrono::milliseconds(kEnqueuedMs));
  EXPECT_TRUE(
      store->applications().ListDueOutbox(enqueued - std::chrono::milliseconds(1), 10)->empty());
  Result<std::vector<OutboxItem>> due = store->applications().ListDueOutbox(enqueued, 10);
  ASSERT_TRUE(due.ok()) << due.error().message;
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].payload, "{}");
  EXPECT_EQ((*due)[0].enqueued_at, enqueued);
  // v8: an application from before visits was submitted alone.
  EXPECT_TRUE(stub->visit_number.empty());
  EXPECT_TRUE((*due)[0].visit_id.empty());
  EXPECT_EQ((*due)[0].visit_size, 0);

  // The day's counter carried over too.
  Result<SubmittedApplication> next =
      store->applications().Submit(SampleApplication(CivilDate{2026, 11, 18}));
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(next->seq, 2u);
}

TEST(StoreMigrations, RefusesADatabaseFromANewerBuildAndLeavesItUntouched) {
  TempDir temp;
  {
    std::unique_ptr<Store> store = OpenStore(temp.DataDir());
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->applications().Submit(SampleApplication()).ok());
  }
  {
    sqlite::Connection raw = RawConnection(temp.DatabasePath());
    ASSERT_TRUE(raw.Exec("PRAGMA user_version = " +
                         std::to_string(Store::LatestSchemaVersion() + 1))
                    .ok());
  }
  const std::string before = ReadFileBytes(temp.DatabasePath());
  ASSERT_FALSE(before.empty());

  Result<std::unique_ptr<Store>> store = Store::Open(temp.DataDir());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().kind, ErrorKind::kRejected);
  EXPECT_NE(store.error().message.find("newer"), std::string::npos) << store.error().message;
  EXPECT_NE(store.error().message.find(temp.DatabasePath()), std::string::npos);
  EXPECT_EQ(ReadFileBytes(temp.DatabasePath()), before);
}

TEST(StoreMigrations, LeaveAnUpToDateFileAsItIs) {
  TempDir temp;
  std::unique_ptr<Store> first = OpenStore(temp.DataDir());
  ASSERT_NE(first, nullptr);
  sqlite::Connection raw = RawConnection(temp.DatabasePath());
  Result<int> migrated = store::Migrate(raw);
  ASSERT_TRUE(migrated.ok()) << migrated.error().message;
  EXPECT_EQ(*migrated, Store::LatestSchemaVersion());
  // A second run of the v1 step would have failed on "table settings already exists".
  std::unique_ptr<Store> second = OpenStore(temp.DataDir());
  ASSERT_NE(second, nullptr);
}

}  // namespace
}  // namespace yimen
