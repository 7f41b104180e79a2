// Tests ApplicationRepository::SubmitVisit and FindByVisitNumber (docs/internals/visits.md
// "Stored and sent as one"): every application of a visit stored in one transaction,
// all or none, each with its own application number and the visit's number beside it.
#include <gtest/gtest.h>

#include <set>

#include "domain/app_number.h"
#include "store/fault_cases.h"
#include "store/fault_vfs.h"
#include "store/store.h"
#include "store/store_test_support.h"

namespace yimen {
namespace {

using testing::EveryFaultCase;
using testing::FaultCase;
using testing::FaultCaseName;
using testing::FaultVfs;
using testing::OpenStore;
using testing::OpenTestPayload;
using testing::QueryInt;
using testing::RawConnection;
using testing::SampleApplication;
using testing::TempDir;

// A visit of `size` applications (dibao, yiliao, linshi, ...), each payload its own.
std::vector<NewApplication> SampleVisit(int size) {
  static const char* const kServices[] = {"dibao",   "yiliao", "linshi", "tekun",
                                          "gaoling", "canji",  "extra"};
  std::vector<NewApplication> visit;
  for (int i = 0; i < size; ++i) {
    NewApplication application = SampleApplication();
    application.service_code = kServices[i];
    application.payload = R"({"service":")" + std::string(kServices[i]) + R"("})";
    application.id_last6 = "12001X";
    visit.push_back(application);
  }
  return visit;
}

uint32_t SeqOf(const std::string& number) {
  Result<AppNumberParts> parts = ParseAppNumber(number);
  EXPECT_TRUE(parts.ok()) << number;
  return parts.ok() ? parts->seq : 0;
}

TEST(SubmitVisit, StoresEveryApplicationWithItsOwnNumberAndTheVisitsNumber) {
  TempDir temp;
  std::unique_ptr<Store> store = OpenStore(temp.DataDir());
  ASSERT_NE(store, nullptr);
  auto alone = store->applications().Submit(SampleApplication());
  ASSERT_TRUE(alone.ok()) << alone.error().message;

  auto visit = store->applications().SubmitVisit(SampleVisit(3));
  ASSERT_TRUE(visit.ok()) << visit.error().message;
  ASSERT_EQ(visit->size(), 3u);
  const SubmittedVisit& shared = visit->front().visit;
  EXPECT_EQ(shared.visit_id.size(), 36u);
  Result<AppNumberParts> parts = ParseAppNumber(shared.visit_number);
  ASSERT_TRUE(parts.ok()) << shared.visit_number;
  EXPECT_TRUE(parts->visit);
  EXPECT_EQ(parts->seq, 1u);  // the visits' own counter: the lone submit did not move it
  std::set<std::string> numbers{alone->app_number};
  for (size_t i = 0; i < visit->size(); ++i) {
    const SubmittedApplication& one = (*visit)[i];
    EXPECT_EQ(one.visit.visit_id, shared.visit_id);
    EXPECT_EQ(one.visit.visit_number, shared.visit_number);
    EXPECT_EQ(one.seq, i + 2);  // the day's application sequence, shared with Submit
    EXPECT_TRUE(numbers.insert(one.app_number).second) << one.app_number << " twice";
  }
  EXPECT_TRUE(alone->visit.visit_id.empty());

  // The next visit takes the next visit number; lone submits go on with app numbers.
  auto second = store->applications().SubmitVisit(SampleVisit(2));
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(SeqOf(second->front().visit.visit_number), 2u);
  EXPECT_EQ(second->back().seq, 6u);
  EXPECT_NE(second->front().visit.visit_id, shared.visit_id);
  auto after = store->applications().Submit(SampleApplication());
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->seq, 7u);

  sqlite::Connection raw = RawConnection(temp.DatabasePath());
  EXPECT_EQ(QueryInt(raw, "SELECT COUNT(*) FROM audit WHERE action = 'visit.submit'"), 2);
  EXPECT_EQ(QueryInt(raw, "SELECT COUNT(*) FROM audit WHERE action = 'application.submit'"), 7);
  EXPECT_EQ(QueryInt(raw, "SELECT COUNT(*) FROM applications WHERE lookup_hash IS NOT NULL"), 5);
}

TEST(SubmitVisit, FindByVisitNumberListsTheVisitInSubmitOrder) {
  TempDir temp;
  std::unique_ptr<Store> store = OpenStore(temp.DataDir());
  ASSERT_NE(store, nullptr);
  auto visit = store->applications().SubmitVisit(SampleVisit(3));
  ASSERT_TRUE(visit.ok()) << visit.error().message;
  auto alone = store->applications().Submit(SampleApplication());
  ASSERT_TRUE(alone.ok());

  auto found = store->applications().FindByVisitNumber(visit->front().visit.visit_number);
  ASSERT_TRUE(found.ok()) << found.error().message;
  ASSERT_EQ(found->size(), 3u);
  const char* const services[] = {"dibao", "yiliao", "linshi"};
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ((*found)[i].app_number, (*visit)[i].app_number);
    EXPECT_EQ((*found)[i].service_code, services[i]);
    EXPECT_EQ((*found)[i].visit_number, visit->front().visit.visit_number);
  }
  auto none = store->applications().FindByVisitNumber("K7Q2-261123-V0099-X");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  auto lone_stub = store->applications().FindByAppNumber(alone->app_number);
  ASSERT_TRUE(lone_stub.ok() && lone_stub->has_value());
  EXPECT_TRUE((*lone_stub)->visit_number.empty());
}

TEST(SubmitVisit, TheOutboxCarriesTheVisitAndEachSealedPayload) {
  TempDir temp;
  std::unique_ptr<Store> store = OpenStore(temp.DataDir());
  ASSERT_NE(store, nullptr);
  auto alone = store->applications().Submit(SampleApplication());
  auto visit = store->applications().SubmitVisit(SampleVisit(3));
  ASSERT_TRUE(alone.ok() && visit.ok());
  auto due = store->applications().ListDueOutbox(std::chrono::system_clock::now(), 10);
  ASSERT_TRUE(due.ok()) << due.error().message;
  ASSERT_EQ(due->size(), 4u);
  EXPECT_TRUE((*due)[0].visit_id.empty());
  EXPECT_TRUE((*due)[0].visit_number.empty());
  EXPECT_EQ((*due)[0].visit_size, 0);
  const char* const services[] = {"dibao", "yiliao", "linshi"};
  for (size_t i = 1; i < 4; ++i) {
    const OutboxItem& item = (*due)[i];
    EXPECT_EQ(item.uuid, (*visit)[i - 1].uuid);
    EXPECT_EQ(item.visit_id, visit->front().visit.visit_id);
    EXPECT_EQ(item.visit_number, visit->front().visit.visit_number);
    EXPECT_EQ(item.visit_size, 3);
    EXPECT_EQ(OpenTestPayload(item.payload),
              R"({"service":")" + std::string(services[i - 1]) + R"("})");
  }
}

TEST(SubmitVisit, RefusesFewerThanTwoMoreThanSixAndDifferingDates) {
  TempDir temp;
  std::unique_ptr<Store> store = OpenStore(temp.DataDir());
  ASSERT_NE(store, nullptr);
  std::vector<std::vector<NewApplication>> refused = {SampleVisit(1), SampleVisit(7), {}};
  std::vector<NewApplication> other_day = SampleVisit(3);
  other_day[2].created_date = {2026, 11, 24};
  refused.push_back(other_day);
  std::vector<NewApplication> other_time = SampleVisit(2);
  other_time[1].created_at_iso = "2026-11-23T02:30:01Z";
  refused.push_back(other_time);
  std::vector<NewApplication> one_bad = SampleVisit(3);
  one_bad[1].service_code.clear();
  refused.push_back(one_bad);
  for (const std::vector<NewApplication>& applications : refused) {
    auto result = store->applications().SubmitVisit(applications);
    ASSERT_FALSE(result.ok()) << applications.size() << " applications accepted";
    EXPECT_EQ(result.error().kind, ErrorKind::kInvalidArgument) << result.error().message;
  }
  EXPECT_TRUE(store->applications().SubmitVisit(SampleVisit(kMaxVisitApplications)).ok());
  EXPECT_EQ(*store->applications().CountApplications(), kMaxVisitApplications);
}

TEST(SubmitVisit, AFailureAtTheLastApplicationLeavesNothingAndConsumesNoNumber) {
  TempDir temp;
  std::unique_ptr<Store> store = OpenStore(temp.DataDir());
  ASSERT_NE(store, nullptr);
  sqlite::Connection raw = RawConnection(temp.DatabasePath());
  ASSERT_TRUE(raw.Exec("CREATE TRIGGER fail_third BEFORE INSERT ON outbox "
                       "WHEN (SELECT COUNT(*) FROM outbox) >= 2 "
                       "BEGIN SELECT RAISE(ABORT, 'injected failure'); END")
                  .ok());
  auto failed = store->applications().SubmitVisit(SampleVisit(3));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(*store->applications().CountApplications(), 0);
  EXPECT_EQ(QueryInt(raw, "SELECT COUNT(*) FROM attachments"), 0);
  EXPECT_EQ(QueryInt(raw, "SELECT COUNT(*) FROM audit"), 0);
  EXPECT_EQ(QueryInt(raw, "SELECT COUNT(*) FROM app_sequences"), 0);
  EXPECT_EQ(QueryInt(raw, "SELECT COUNT(*) FROM visit_sequences"), 0);

  ASSERT_TRUE(raw.Exec("DROP TRIGGER fail_third").ok());
  auto retried = store->applications().SubmitVisit(SampleVisit(3));
  ASSERT_TRUE(retried.ok()) << retried.error().message;
  EXPECT_EQ(SeqOf(retried->front().visit.visit_number), 1u);
  EXPECT_EQ(retried->front().seq, 1u);
}

class SubmitVisitFaults : public ::testing::TestWithParam<FaultCase> {};

// Reopens the store (the integrity check runs) and checks that exactly the acknowledged
// visits are there, each complete, and that the counters stand at what was handed out:
// a refused visit consumed neither a visit number nor application numbers.
void ExpectExactlyTheAcknowledgedVisits(const std::string& data_dir,
                                        const std::vector<std::string>& visits) {
  std::unique_ptr<Store> store = OpenStore(data_dir);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(*store->applications().CountApplications(), static_cast<int64_t>(visits.size() * 3));
  EXPECT_EQ(*store->applications().CountOutbox(OutboxScope::kPending),
            static_cast<int64_t>(visits.size() * 3));
  for (const std::string& number : visits) {
    auto found = store->applications().FindByVisitNumber(number);
    ASSERT_TRUE(found.ok()) << found.error().message;
    EXPECT_EQ(found->size(), 3u) << number << " is not complete";
  }
  sqlite::Connection raw = RawConnection(store->DatabasePath());
  EXPECT_EQ(QueryInt(raw, "SELECT COALESCE(MAX(last_seq), 0) FROM visit_sequences"),
            static_cast<int64_t>(visits.size()));
  EXPECT_EQ(QueryInt(raw, "SELECT COALESCE(MAX(last_seq), 0) FROM app_sequences"),
            static_cast<int64_t>(visits.size() * 3));
}

TEST_P(SubmitVisitFaults, AllOrNoneAtEveryWriteAndSync) {
  const FaultCase param = GetParam();
  FaultVfs vfs;
  TempDir temp;
  std::vector<std::string> acknowledged;  // visit numbers SubmitVisit returned OK for
  int refused = 0;
  bool got_through_unharmed = false;
  for (int n = 1; n <= 200 && !got_through_unharmed; ++n) {
    SCOPED_TRACE("failing write-like call #" + std::to_string(n));
    {
      std::unique_ptr<Store> store = OpenStore(temp.DataDir());
      ASSERT_NE(store, nullptr);
      vfs.FailNth(n, param.fault, param.persistent);
      auto submitted = store->applications().SubmitVisit(SampleVisit(3));
      const bool fired = vfs.Fired();
      vfs.Disarm();
      if (submitted.ok()) {
        acknowledged.push_back(submitted->front().visit.visit_number);
        got_through_unharmed = !fired;
      } else {
        ++refused;
        EXPECT_NE(submitted.error().kind, ErrorKind::kInvalidArgument) << submitted.error().message;
        // The same Store works again, and the refused visit's numbers are handed out now.
        auto retried = store->applications().SubmitVisit(SampleVisit(3));
        ASSERT_TRUE(retried.ok()) << retried.error().message;
        EXPECT_EQ(SeqOf(retried->front().visit.visit_number), acknowledged.size() + 1);
        EXPECT_EQ(retried->front().seq, acknowledged.size() * 3 + 1);
        acknowledged.push_back(retried->front().visit.visit_number);
      }
    }
    ExpectExactlyTheAcknowledgedVisits(temp.DataDir(), acknowledged);
    if (::testing::Test::HasFailure()) break;
  }
  EXPECT_TRUE(got_through_unharmed) << "SubmitVisit never got through without a fault";
  EXPECT_GT(refused, 3) << "too few injected faults reached SubmitVisit";
  const std::set<std::string> distinct(acknowledged.begin(), acknowledged.end());
  EXPECT_EQ(distinct.size(), acknowledged.size()) << "a visit number was handed out twice";
}

INSTANTIATE_TEST_SUITE_P(EveryWriteAndSync, SubmitVisitFaults, EveryFaultCase(), FaultCaseName);

}  // namespace
}  // namespace yimen
