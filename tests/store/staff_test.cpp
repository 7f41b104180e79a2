// Staff mode's store functions: the filtered, paged list, the day counts, the masked CSV
// export, staff accounts with their persisted lockout, and the resident's status check
// by application number plus the last six characters of the ID.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "common/secret_hash.h"
#include "store/store.h"
#include "store/store_test_support.h"

namespace yimen {
namespace {

using testing::OpenStore;
using testing::QueryInt;
using testing::RawConnection;
using testing::ReadFileBytes;
using testing::SampleApplication;
using testing::TempDir;

constexpr int64_t kNow = 1'790'000'000'000;  // a fixed wall clock, Unix ms

class StaffStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_store = OpenStore(m_temp.DataDir());
    ASSERT_NE(m_store, nullptr);
  }

  SubmittedApplication Submit(const std::string& service, CivilDate date,
                              const std::string& masked_name = "张*明",
                              const std::string& id_number = "") {
    NewApplication application = SampleApplication(date);
    application.service_code = service;
    application.masked_name = masked_name;
    if (!id_number.empty()) application.id_last6 = id_number.substr(id_number.size() - 6);
    Result<SubmittedApplication> submitted = m_store->applications().Submit(application);
    EXPECT_TRUE(submitted.ok()) << submitted.error().message;
    return submitted.ok() ? *submitted : SubmittedApplication{};
  }

  std::vector<std::string> Numbers(const ApplicationFilter& filter, int64_t offset = 0,
                                   int limit = 100) {
    auto list = m_store->applications().ListApplications(filter, offset, limit);
    EXPECT_TRUE(list.ok()) << list.error().message;
    std::vector<std::string> out;
    if (list.ok()) {
      for (const ApplicationStub& stub : *list) out.push_back(stub.app_number);
    }
    return out;
  }

  int64_t Count(const ApplicationFilter& filter) {
    auto n = m_store->applications().CountApplications(filter);
    EXPECT_TRUE(n.ok()) << n.error().message;
    return n.ok() ? *n : -1;
  }

  TempDir m_temp;
  std::unique_ptr<Store> m_store;
};

TEST_F(StaffStoreTest, PagesNewestFirstWithoutGapsOrRepeats) {
  std::vector<std::string> submitted;
  for (int i = 0; i < 25; ++i) submitted.push_back(Submit("dibao", {2026, 11, 23}).app_number);
  std::reverse(submitted.begin(), submitted.end());
  std::vector<std::string> paged;
  for (int64_t offset = 0; offset < 30; offset += 10) {
    for (const std::string& n : Numbers({}, offset, 10)) paged.push_back(n);
  }
  EXPECT_EQ(paged, submitted);
  EXPECT_EQ(Count({}), 25);
  EXPECT_TRUE(Numbers({}, 25, 10).empty());
  EXPECT_EQ(m_store->applications().ListApplications(ApplicationFilter{}, -1, 10).error().kind,
            ErrorKind::kInvalidArgument);
  EXPECT_EQ(m_store->applications().ListApplications(ApplicationFilter{}, 0, 1001).error().kind,
            ErrorKind::kInvalidArgument);
}

TEST_F(StaffStoreTest, FiltersByServiceDateStatusSyncStateAndNumber) {
  const auto a = Submit("dibao", {2026, 11, 1});
  const auto b = Submit("gaoling", {2026, 11, 15});
  const auto c = Submit("dibao", {2026, 11, 30});
  const auto d = Submit("tekun", {2026, 12, 1});
  ApplicationFilter dibao;
  dibao.service_code = "dibao";
  EXPECT_EQ(Numbers(dibao), (std::vector<std::string>{c.app_number, a.app_number}));
  ApplicationFilter november;
  november.from_day = "2026-11-01";
  november.to_day = "2026-11-30";
  EXPECT_EQ(Count(november), 3);
  november.service_code = "dibao";
  EXPECT_EQ(Count(november), 2);

  // Sync state: b delivered, c parked, a and d pending.
  ASSERT_TRUE(
      m_store->applications()
          .MarkDelivered(b.uuid, "R-1", "2026-11-15T03:00:00Z", std::chrono::system_clock::now())
          .ok());
  ASSERT_TRUE(m_store->applications().Park(c.uuid, "service code unknown").ok());
  ApplicationFilter sync;
  sync.sync_state = SyncState::kPending;
  EXPECT_EQ(Numbers(sync), (std::vector<std::string>{d.app_number, a.app_number}));
  EXPECT_EQ(Count(sync), 2);
  sync.sync_state = SyncState::kParked;
  EXPECT_EQ(Numbers(sync), (std::vector<std::string>{c.app_number}));
  sync.sync_state = SyncState::kDelivered;
  EXPECT_EQ(Count(sync), 1);

  // Status as the server reported it.
  ASSERT_TRUE(m_store->status()
                  .ApplyStatusChanges(
                      {{1, b.uuid, b.app_number, "需补正", "户口簿", "2026-11-16T01:00:00Z"}}, 1)
                  .ok());
  ApplicationFilter status;
  status.status = "需补正";
  EXPECT_EQ(Numbers(status), (std::vector<std::string>{b.app_number}));
  status.status = "submitted";
  EXPECT_EQ(Count(status), 3);

  // Search: any part of the number, any case.
  ApplicationFilter search;
  search.number_contains = d.app_number.substr(5, 6);  // the date part, 261201
  EXPECT_EQ(Numbers(search), (std::vector<std::string>{d.app_number}));
  std::string lower = a.app_number;
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  search.number_contains = lower;
  EXPECT_EQ(Numbers(search), (std::vector<std::string>{a.app_number}));

  ApplicationFilter bad;
  bad.from_day = "2026-13-01";
  EXPECT_EQ(m_store->applications().CountApplications(bad).error().kind,
            ErrorKind::kInvalidArgument);
}

TEST_F(StaffStoreTest, CountsPerStatusAndServiceForARangeOfDays) {
  Submit("dibao", {2026, 11, 23});
  Submit("dibao", {2026, 11, 23});
  const auto g = Submit("gaoling", {2026, 11, 23});
  Submit("tekun", {2026, 11, 2});
  Submit("tekun", {2026, 10, 31});
  ASSERT_TRUE(
      m_store->status()
          .ApplyStatusChanges({{1, g.uuid, g.app_number, "已受理", "", "2026-11-23T05:00:00Z"}}, 1)
          .ok());
  auto today = m_store->applications().CountApplicationsByDay("2026-11-23", "2026-11-23");
  ASSERT_TRUE(today.ok());
  EXPECT_EQ(today->total, 3);
  using Counts = std::vector<std::pair<std::string, int64_t>>;
  EXPECT_EQ(today->by_service, (Counts{{"dibao", 2}, {"gaoling", 1}}));
  EXPECT_EQ(today->by_status, (Counts{{"submitted", 2}, {"已受理", 1}}));
  auto month = m_store->applications().CountApplicationsByDay("2026-11-01", "2026-11-30");
  ASSERT_TRUE(month.ok());
  EXPECT_EQ(month->total, 4);
  EXPECT_EQ(month->by_service, (Counts{{"dibao", 2}, {"gaoling", 1}, {"tekun", 1}}));
  EXPECT_FALSE(m_store->applications().CountApplicationsByDay("2026-11", "2026-11-30").ok());
}

TEST_F(StaffStoreTest, CsvExportKeepsOnlySurnamesAndNoPayload) {
  Submit("dibao", {2026, 11, 23}, "欧阳*");
  Submit("gaoling", {2026, 11, 23}, "张*丰");
  // A name stored unmasked by some bug still leaves only its surname.
  Submit("dibao", {2026, 11, 23}, "李小明");
  const std::string path = m_temp.path() + "/export.csv";
  auto rows = m_store->applications().ExportApplicationsCsv(
      {}, [](const std::string& code) { return code == "dibao" ? "最低生活保障" : code; }, path);
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  EXPECT_EQ(*rows, 3);
  const std::string csv = ReadFileBytes(path);
  EXPECT_EQ(csv.rfind("\xEF\xBB\xBF" "app_number,service_code,service,name,", 0), 0u);
  EXPECT_NE(csv.find(",欧阳*,"), std::string::npos);
  EXPECT_NE(csv.find(",张*,"), std::string::npos);
  EXPECT_NE(csv.find(",李*,"), std::string::npos);
  EXPECT_NE(csv.find("最低生活保障"), std::string::npos);
  EXPECT_EQ(csv.find("小明"), std::string::npos);
  EXPECT_EQ(csv.find("丰"), std::string::npos);
  // The sample payload holds a phone number and a full name: neither may appear.
  EXPECT_EQ(csv.find("13800000000"), std::string::npos);
  EXPECT_EQ(csv.find("张三明"), std::string::npos);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 4);
  EXPECT_FALSE(std::filesystem::exists(path + ".part"));
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

  ApplicationFilter only_gaoling;
  only_gaoling.service_code = "gaoling";
  auto one = m_store->applications().ExportApplicationsCsv(only_gaoling, nullptr, path);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(*one, 1);
  EXPECT_EQ(m_store->applications()
                .ExportApplicationsCsv({}, nullptr, m_temp.path() + "/no/such/dir.csv")
                .error()
                .kind,
            ErrorKind::kUnavailable);
}

TEST_F(StaffStoreTest, StaffLoginAcceptsTheRightPinOnly) {
  EXPECT_EQ(*m_store->staff().CountStaffAccounts(), 0);
  ASSERT_TRUE(m_store->staff().AddStaffAccount("王丽", "24681012").ok());
  EXPECT_EQ(*m_store->staff().CountStaffAccounts(), 1);
  EXPECT_EQ(m_store->staff().StaffLogin("王丽", "24681012", kNow)->outcome,
            StaffLoginOutcome::kAccepted);
  auto wrong = m_store->staff().StaffLogin("王丽", "11111111", kNow);
  ASSERT_TRUE(wrong.ok());
  EXPECT_EQ(wrong->outcome, StaffLoginOutcome::kRefused);
  EXPECT_EQ(wrong->failures, 1);
  // An unknown name is refused exactly like a wrong PIN.
  auto unknown = m_store->staff().StaffLogin("李四", "24681012", kNow);
  EXPECT_EQ(unknown->outcome, StaffLoginOutcome::kRefused);
  EXPECT_EQ(unknown->failures, 1);
  // The PIN is stored as an Argon2id hash, never as typed.
  auto raw = RawConnection(m_temp.DatabasePath());
  EXPECT_EQ(QueryInt(raw, "SELECT count(*) FROM staff_accounts WHERE pin_hash LIKE '$argon2id$%'"), 1);
  EXPECT_EQ(ReadFileBytes(m_temp.DatabasePath()).find("24681012"), std::string::npos);

  EXPECT_EQ(m_store->staff().AddStaffAccount("", "12345678").error().kind,
            ErrorKind::kInvalidArgument);
}

TEST_F(StaffStoreTest, PinsAreEightDigitsOrATenCharacterPassphraseAtTheStaffCost) {
  for (const char* refused : {"12345", "123456", "1234567", "123456789012345678901", "东门社区王丽老师",
                              "short one", "tab\tinside"}) {
    EXPECT_EQ(m_store->staff().AddStaffAccount("王丽", refused).error().kind,
              ErrorKind::kInvalidArgument)
        << refused;
  }
  EXPECT_EQ(*m_store->staff().CountStaffAccounts(), 0);
  ASSERT_TRUE(m_store->staff().AddStaffAccount("王丽", "12345678").ok());
  ASSERT_TRUE(m_store->staff().AddStaffAccount("张强", "12345678901234567890").ok());
  ASSERT_TRUE(m_store->staff().AddStaffAccount("赵敏", "东门社区王丽老师你好").ok());
  EXPECT_EQ(m_store->staff().StaffLogin("赵敏", "东门社区王丽老师你好", kNow)->outcome,
            StaffLoginOutcome::kAccepted);
  // The cost is read back from what is stored: at least 256 MiB and 4 passes.
  auto raw = RawConnection(m_temp.DatabasePath());
  auto query = raw.Prepare("SELECT pin_hash FROM staff_accounts");
  ASSERT_TRUE(query.ok());
  int rows = 0;
  for (Result<bool> row = query->Step(); row.ok() && *row; row = query->Step()) {
    const secret::Cost cost = secret::CostOf(query->ColumnText(0));
    EXPECT_GE(cost.memory_kib, 256u * 1024u);
    EXPECT_GE(cost.passes, 4u);
    ++rows;
  }
  EXPECT_EQ(rows, 3);
}

// Attempts kStep apart: longer than the longest delay between attempts (five times the
// base), so these tests see the lockout and not the throttle.
constexpr int64_t kStep = 10'000;

TEST_F(StaffStoreTest, TenFailuresLockTheNameAcrossRestartsUntilTheLockoutEnds) {
  ASSERT_TRUE(m_store->staff().AddStaffAccount("王丽", "24681012").ok());
  for (int i = 1; i < StaffRepository::kStaffMaxFailures; ++i) {
    EXPECT_EQ(m_store->staff().StaffLogin("王丽", "000000", kNow + i * kStep)->failures, i);
  }
  const int64_t at = kNow + StaffRepository::kStaffMaxFailures * kStep;
  auto tenth = m_store->staff().StaffLogin("王丽", "000000", at);
  EXPECT_EQ(tenth->outcome, StaffLoginOutcome::kRefused);
  EXPECT_EQ(tenth->locked_until_ms, at + StaffRepository::kStaffLockoutMs);
  // Locked: even the right PIN is not checked, and a restart does not unlock.
  m_store.reset();
  m_store = OpenStore(m_temp.DataDir());
  ASSERT_NE(m_store, nullptr);
  EXPECT_EQ(m_store->staff().StaffLogin("王丽", "24681012", at + 1000)->outcome,
            StaffLoginOutcome::kLocked);
  // Other names are not affected.
  ASSERT_TRUE(m_store->staff().AddStaffAccount("张强", "13579024").ok());
  EXPECT_EQ(m_store->staff().StaffLogin("张强", "13579024", at)->outcome,
            StaffLoginOutcome::kAccepted);
  // When the lockout has run out the right PIN works again and the count restarts.
  const int64_t later = at + StaffRepository::kStaffLockoutMs + 1;
  EXPECT_EQ(m_store->staff().StaffLogin("王丽", "000000", later)->failures, 1);
  EXPECT_EQ(m_store->staff().StaffLogin("王丽", "24681012", later)->outcome,
            StaffLoginOutcome::kAccepted);
}

TEST_F(StaffStoreTest, UnknownNamesLockLikeRealOnes) {
  StaffLoginResult last;
  int64_t at = kNow;
  for (int i = 0; i < StaffRepository::kStaffMaxFailures; ++i) {
    at = kNow + i * kStep;
    last = *m_store->staff().StaffLogin("无此人", "123456", at);
  }
  EXPECT_EQ(last.locked_until_ms, at + StaffRepository::kStaffLockoutMs);
  EXPECT_EQ(m_store->staff().StaffLogin("无此人", "123456", at + kStep)->outcome,
            StaffLoginOutcome::kLocked);
}

TEST_F(StaffStoreTest, ResettingAPinClearsTheLockout) {
  ASSERT_TRUE(m_store->staff().AddStaffAccount("王丽", "24681012").ok());
  for (int i = 0; i < StaffRepository::kStaffMaxFailures; ++i)
    (void)m_store->staff().StaffLogin("王丽", "000000", kNow + i * kStep);
  const int64_t at = kNow + StaffRepository::kStaffMaxFailures * kStep;
  ASSERT_EQ(m_store->staff().StaffLogin("王丽", "24681012", at)->outcome,
            StaffLoginOutcome::kLocked);
  ASSERT_TRUE(m_store->staff().AddStaffAccount("王丽", "97531100").ok());
  EXPECT_EQ(m_store->staff().StaffLogin("王丽", "97531100", at)->outcome,
            StaffLoginOutcome::kAccepted);
}

TEST_F(StaffStoreTest, ResidentFindsAnApplicationOnlyWithTheRightIdTail) {
  const auto a = Submit("dibao", {2026, 11, 23}, "张*明", "11010519491231002X");
  const auto no_id = Submit("tekun", {2026, 11, 23});
  auto found = m_store->status().FindForResident(a.app_number, "31002X");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->stub.uuid, a.uuid);
  // x and X are the same check character.
  EXPECT_TRUE(m_store->status().FindForResident(a.app_number, "31002x")->has_value());
  EXPECT_FALSE(m_store->status().FindForResident(a.app_number, "310020")->has_value());
  EXPECT_FALSE(m_store->status().FindForResident(a.app_number, "1002X")->has_value());
  EXPECT_FALSE(m_store->status().FindForResident("K7Q2-261123-9999-Z", "31002X")->has_value());
  EXPECT_FALSE(m_store->status().FindForResident(no_id.app_number, "000000")->has_value());
  // The tag is keyed: the same tail on another kiosk (another key) gives another tag,
  // and the database holds no readable ID characters.
  TempDir other;
  auto other_store = OpenStore(other.DataDir());
  EXPECT_NE(*other_store->status().LookupHashFor("31002X"),
            *m_store->status().LookupHashFor("31002X"));
  EXPECT_EQ(*m_store->status().LookupHashFor("31002x"), *m_store->status().LookupHashFor("31002X"));
  EXPECT_EQ(ReadFileBytes(m_temp.DatabasePath()).find("31002X"), std::string::npos);
  EXPECT_EQ(m_store->status().LookupHashFor("1234").error().kind, ErrorKind::kInvalidArgument);
}

}  // namespace
}  // namespace yimen
