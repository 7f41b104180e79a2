// Store basics: what Submit promises across restarts, app numbers, the kiosk code,
// lookups, settings and the audit trail.
#include "store/store.h"

#include <gtest/gtest.h>

#include <set>

#include "domain/app_number.h"
#include "store/store_test_support.h"

namespace yimen {
namespace {

using std::chrono::system_clock;
using testing::OpenStore;
using testing::SampleApplication;
using testing::TempDir;

const system_clock::time_point kFarFuture = system_clock::time_point(std::chrono::hours(24 * 365 * 100));

TEST(Store, CreatesItsDataDirectoryForTheOwnerOnly) {
  TempDir temp;
  std::unique_ptr<Store> store = OpenStore(temp.DataDir());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(std::filesystem::status(temp.DataDir()).permissions(),
            std::filesystem::perms::owner_all);
  EXPECT_TRUE(std::filesystem::exists(temp.DatabasePath()));
  EXPECT_EQ(store->DatabasePath(), temp.DatabasePath());
  EXPECT_EQ(store->SchemaVersion(), Store::LatestSchemaVersion());
}

TEST(Store, KeepsASubmittedApplicationAndItsOutboxRowAcrossAReopen) {
  TempDir temp;
  SubmittedApplication submitted;
  {
    std::unique_ptr<Store> store = OpenStore(temp.DataDir());
    ASSERT_NE(store, nullptr);
    Result<SubmittedApplication> result = store->applications().Submit(SampleApplication());
    ASSERT_TRUE(result.ok()) << result.error().message;
    submitted = *result;
  }
  std::unique_ptr<Store> store = OpenStore(temp.DataDir());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(*store->applications().CountApplications(), 1);
  EXPECT_EQ(*store->applications().CountOutbox(OutboxScope::kAll), 1);
  EXPECT_EQ(*store->applications().CountOutbox(OutboxScope::kPending), 1);

  Result<std::optional<ApplicationStub>> found =
      store->applications().FindByAppNumber(submitted.app_number);
  ASSERT_TRUE(found.ok()) << found.error().message;
  ASSERT_TRUE(found->has_value());
  const ApplicationStub& stub = **found;
  EXPECT_EQ(stub.uuid, submitted.uuid);
  EXPECT_EQ(stub.masked_name, "张*明");
  EXPECT_EQ(stub.service_code, "dibao");
  EXPECT_EQ(stub.catalog_version, "2026.3");
  EXPECT_EQ(stub.created_at, "2026-11-23T02:30:00Z");
  EXPECT_EQ(stub.status, "submitted");
  EXPECT_EQ(stub.sync_state, SyncState::kPending);
  EXPECT_FALSE(stub.server_receipt.has_value());

  Result<std::vector<OutboxItem>> due = store->applications().ListDueOutbox(kFarFuture, 10);
  ASSERT_TRUE(due.ok()) << due.error().message;
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].uuid, submitted.uuid);
  EXPECT_EQ(testing::OpenTestPayload((*due)[0].payload), SampleApplication().payload);
  EXPECT_EQ((*due)[0].payload_format, "sealed-v2");
}

TEST(Store, NeverRepeatsAnAppNumberAcrossRestarts) {
  TempDir temp;
  std::set<std::string> numbers;
  std::vector<uint32_t> seqs;
  for (int run = 0; run < 2; ++run) {
    std::unique_ptr<Store> store = OpenStore(temp.DataDir());
    ASSERT_NE(store, nullptr);
    for (int i = 0; i < 3; ++i) {
      Result<SubmittedApplication> submitted = store->applications().Submit(SampleApplication());
      ASSERT_TRUE(submitted.ok()) << submitted.error().message;
      numbers.insert(submitted->app_number);
      seqs.push_back(submitted->seq);
    }
  }
  EXPECT_EQ(numbers.size(), 6u);
  EXPECT_EQ(seqs, (std::vector<uint32_t>{1, 2, 3, 4, 5, 6}));
}

TEST(Store, StartsEachDayAtOneAndContinuesADayTheClockWasSetBackTo) {
  TempDir temp;
  std::unique_ptr<Store> store = OpenStore(temp.DataDir());
  ASSERT_NE(store, nullptr);
  const CivilDate monday{2026, 11, 23};
  const CivilDate tuesday{2026, 11, 24};
  std::set<std::string> numbers;
  std::vector<uint32_t> seqs;
  for (const CivilDate& date : {monday, monday, tuesday, monday}) {
    Result<SubmittedApplication> submitted = store->applications().Submit(SampleApplication(date));
    ASSERT_TRUE(submitted.ok()) << submitted.error().message;
    numbers.insert(submitted->app_number);
    seqs.push_back(submitted->seq);
  }
  EXPECT_EQ(seqs, (std::vector<uint32_t>{1, 2, 1, 3}));
  EXPECT_EQ(numbers.size(), 4u);
}

TEST(Store, PrintsTheKioskCodeAndDateInTheAppNumber) {
  TempDir temp;
  std::unique_ptr<Store> store = OpenStore(temp.DataDir());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->settings().SetKioskCode("K7Q2").ok());
  Result<SubmittedApplication> submitted = store->applications().Submit(SampleApplication());
  ASSERT_TRUE(submitted.ok()) << submitted.error().message;
  EXPECT_EQ(submitted->app_number, FormatAppNumber("K7Q2", CivilDate{2026, 11, 23}, 1));
  Result<AppNumberParts> parts = ParseAppNumber(submitted->app_number);
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->kiosk_code, "K7Q2");
  EXPECT_EQ(parts->seq, 1u);
}

TEST(Store, MakesAReadableKioskCodeOnceAndKeepsIt) {
  TempDir temp;
  std::string first;
  {
    std::unique_ptr<Store> store = OpenStore(temp.DataDir());
    ASSERT_NE(store, nullptr);
    Result<std::string> code = store->settings().KioskCode();
    ASSERT_TRUE(code.ok()) << code.error().message;
    first = *code;
  }
  EXPECT_TRUE(IsValidKioskCode(first)) << first;
  EXPECT_EQ(first.find_first_of("0O1IL"), std::string::npos) << first;
  std::unique_ptr<Store> store = OpenStore(temp.DataDir());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(*store->settings().KioskCode(), first);
}

TEST(Store, TakesTheEnrolledKioskCodeAndRefusesMalformedOnes) {
  TempDir temp;
  std::unique_ptr<Store> store = OpenStore(temp.DataDir());
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->settings().SetKioskCode("AB12").ok());
  EXPECT_EQ(*store->settings().KioskCode(), "AB12");
  for (const char* bad : {"ab12", "AB1", "AB123", "AB-2", ""}) {
    Status set = store->settings().SetKioskCode(bad);
    ASSERT_FALSE(set.ok()) << bad;
    EXPECT_EQ(set.error().kind, ErrorKind::kInvalidArgument);
  }
  Status sneaky = store->settings().SetSetting("kiosk_code", "ZZZZ");
  ASSERT_FALSE(sneaky.ok());
  EXPECT_EQ(sneaky.error().kind, ErrorKind::kInvalidArgument);
  EXPECT_EQ(*store->settings().KioskCode(), "AB12");
}

TEST(Store, RefusesAnIncompleteApplicationAndStoresNothing) {
  TempDir temp;
  std::unique_ptr<Store> store = OpenStore(temp.DataDir());
  ASSERT_NE(store, nullptr);
  std::vector<NewApplication> bad(6, SampleApplication());
  bad[0].service_code.clear();
  bad[1].payload.clear();
  bad[2].created_date = CivilDate{1999, 12, 31};
  bad[3].created_date = CivilDate{2026, 2, 30};
  bad[4].created_at_iso = "2026-11-23 02:30:00";
  bad[5].created_at_iso = "2026-11-23T02:30:00+08:00";
  for (const NewApplication& application : bad) {
    Result<SubmittedApplication> submitted = store->applications().Submit(application);
    ASSERT_FALSE(submitted.ok());
    EXPECT_EQ(submitted.error().kind, ErrorKind::kInvalidArgument) << submitted.error().message;
  }
  EXPECT_EQ(*store->applications().CountApplications(), 0);
  EXPECT_EQ(*store->applications().CountOutbox(OutboxScope::kAll), 0);
}

TEST(Store, AcceptsAnApplicationForAServiceThatAsksNoName) {
  TempDir temp;
  std::unique_ptr<Store> store = OpenStore(temp.DataDir());
  ASSERT_NE(store, nullptr);
  NewApplication application = SampleApplication();
  application.masked_name.clear();
  Result<SubmittedApplication> submitted = store->applications().Submit(application);
  ASSERT_TRUE(submitted.ok()) << submitted.error().message;
  EXPECT_EQ((*store->applications().FindByAppNumber(submitted->app_number))->masked_name, "");
}

TEST(Store, AcceptsFractionalSecondsInTheDeviceTime) {
  TempDir temp;
  std::unique_ptr<Store> store = OpenStore(temp.DataDir());
  ASSERT_NE(store, nullptr);
  NewApplication application = SampleApplication();
  application.created_at_iso = "2026-11-23T02:30:00.250Z";
  ASSERT_TRUE(store->applications().Submit(application).ok());
  Result<OutboxHealthReport> health = store->applications().OutboxHealth();
  ASSERT_TRUE(health.ok());
  ASSERT_TRUE(health->oldest_pending_at.has_value());
  // 2026-11-23 is day 20780 of the Unix epoch.
  const int64_t expected_ms = ((20780LL * 24 + 2) * 60 + 30) * 60'000 + 250;
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(
                health->oldest_pending_at->time_since_epoch())
                .count(),
            expected_ms);
}

TEST(Store, GivesEachApplicationARandomVersion4Uuid) {
  TempDir temp;
  std::unique_ptr<Store> store = OpenStore(temp.DataDir());
  ASSERT_NE(store, nullptr);
  std::set<std::string> uuids;
  for (int i = 0; i < 5; ++i) {
    Result<SubmittedApplication> submitted = store->applications().Submit(SampleApplication());
    ASSERT_TRUE(submitted.ok());
    const std::string& uuid = submitted->uuid;
    ASSERT_EQ(uuid.size(), 36u) << uuid;
    EXPECT_EQ(uuid[8], '-');
    EXPECT_EQ(uuid[13], '-');
    EXPECT_EQ(uuid[14], '4') << uuid;
    EXPECT_NE(std::string("89ab").find(uuid[19]), std::string::npos) << uuid;
    EXPECT_EQ(uuid.find_first_not_of("0123456789abcdef-"), std::string::npos) << uuid;
    uuids.insert(uuid);
  }
  EXPECT_EQ(uuids.size(), 5u);
}

TEST(Store, ListsApplicationsNewestFirstInPages) {
  TempDir temp;
  std::unique_ptr<Store> store = OpenStore(temp.DataDir());
  ASSERT_NE(store, nullptr);
  std::vector<std::string> numbers;
  for (int i = 0; i < 5; ++i)
    numbers.push_back(store->applications().Submit(SampleApplication())->app_number);

  Result<std::vector<ApplicationStub>> first = store->applications().ListApplications(0, 2);
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0].app_number, numbers[4]);
  EXPECT_EQ((*first)[1].app_number, numbers[3]);
  Result<std::vector<ApplicationStub>> last = store->applications().ListApplications(4, 2);
  ASSERT_TRUE(last.ok());
  ASSERT_EQ(last->size(), 1u);
  EXPECT_EQ((*last)[0].app_number, numbers[0]);

  EXPECT_EQ(store->applications().ListApplications(0, 0).error().kind, ErrorKind::kInvalidArgument);
  EXPECT_EQ(store->applications().ListApplications(-1, 5).error().kind,
            ErrorKind::kInvalidArgument);
}

TEST(Store, FindsNothingForAnUnknownAppNumber) {
  TempDir temp;
  std::unique_ptr<Store> store = OpenStore(temp.DataDir());
  ASSERT_NE(store, nullptr);
  Result<std::optional<ApplicationStub>> found =
      store->applications().FindByAppNumber("K7Q2-261123-0001-X");
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
}

TEST(Store, RemembersSettingsAcrossAReopen) {
  TempDir temp;
  {
    std::unique_ptr<Store> store = OpenStore(temp.DataDir());
    ASSERT_NE(store, nullptr);
    EXPECT_FALSE(store->settings().GetSetting("hall_name")->has_value());
    ASSERT_TRUE(store->settings().SetSetting("hall_name", "东区社区服务大厅").ok());
    ASSERT_TRUE(store->settings().SetSetting("hall_name", "西区社区服务大厅").ok());
  }
  std::unique_ptr<Store> store = OpenStore(temp.DataDir());
  ASSERT_NE(store, nullptr);
  Result<std::optional<std::string>> value = store->settings().GetSetting("hall_name");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, std::optional<std::string>("西区社区服务大厅"));
  EXPECT_EQ(store->settings().SetSetting("", "x").error().kind, ErrorKind::kInvalidArgument);
}

TEST(Store, AuditsSubmissionsWithoutPersonalData) {
  TempDir temp;
  std::unique_ptr<Store> store = OpenStore(temp.DataDir());
  ASSERT_NE(store, nullptr);
  Result<SubmittedApplication> submitted = store->applications().Submit(SampleApplication());
  ASSERT_TRUE(submitted.ok());
  ASSERT_TRUE(store->AppendAudit("staff:王芳", "staff.login", "").ok());

  Result<std::vector<AuditEntry>> audit = store->staff().RecentAudit(10);
  ASSERT_TRUE(audit.ok()) << audit.error().message;
  ASSERT_EQ(audit->size(), 2u);
  EXPECT_EQ((*audit)[0].action, "staff.login");
  EXPECT_EQ((*audit)[0].actor, "staff:王芳");
  const AuditEntry& submit = (*audit)[1];
  EXPECT_EQ(submit.actor, "resident");
  EXPECT_EQ(submit.action, "application.submit");
  EXPECT_NE(submit.detail.find(submitted->app_number), std::string::npos);
  EXPECT_EQ(submit.detail.find("张"), std::string::npos);
  EXPECT_EQ(store->AppendAudit("", "x", "").error().kind, ErrorKind::kInvalidArgument);
}

TEST(Store, SharesOneFileBetweenTheUiAndTheSyncConnection) {
  TempDir temp;
  std::unique_ptr<Store> ui = OpenStore(temp.DataDir());
  std::unique_ptr<Store> sync = OpenStore(temp.DataDir());
  ASSERT_NE(ui, nullptr);
  ASSERT_NE(sync, nullptr);
  EXPECT_EQ(*ui->settings().KioskCode(), *sync->settings().KioskCode());

  Result<SubmittedApplication> submitted = ui->applications().Submit(SampleApplication());
  ASSERT_TRUE(submitted.ok());
  Result<std::vector<OutboxItem>> due = sync->applications().ListDueOutbox(kFarFuture, 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 1u);
  ASSERT_TRUE(
      sync->applications()
          .MarkDelivered(submitted->uuid, "R-1", "2026-11-23T02:31:00Z", system_clock::now())
          .ok());
  std::optional<ApplicationStub> seen_by_ui =
      *ui->applications().FindByAppNumber(submitted->app_number);
  ASSERT_TRUE(seen_by_ui.has_value());
  EXPECT_EQ(seen_by_ui->sync_state, SyncState::kDelivered);
  EXPECT_EQ(seen_by_ui->server_receipt, std::optional<std::string>("R-1"));
}

}  // namespace
}  // namespace yimen
