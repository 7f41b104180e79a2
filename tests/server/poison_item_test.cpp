// A poison item against the real server and PostgreSQL (docs/internals/sync.md
// "Poison items"): the kiosk's real store and sync cycle (`--sync-once`), real HTTP.
// The real server has no per-item 500 left to offer (the one known, a NUL failing the
// batch in PostgreSQL, is refused per item now), so the fault is put at the kiosk's
// transport seam: any push holding item 3 gets the server's own 500 reply; everything
// else goes to the server untouched. What is checked is real: PostgreSQL holds items
// 1, 2, 4, 5 once each with the receipts the kiosk keeps, item 3 is parked, and the
// server learns it from the heartbeat (`devices.parked`, what `yimen-admin kiosks` shows).
#include <gtest/gtest.h>

#include "server/server_test_support.h"
#include "sync/client/curl_transport.h"

namespace yimen::testing {
namespace {

// Forwards to libcurl, except that a push naming `poison` fails as a server bug would.
class PoisonTransport : public sync::Transport {
 public:
  PoisonTransport(const sync::CurlOptions& options, std::string poison, int* faults)
      : m_curl(options), m_poison(std::move(poison)), m_faults(faults) {}
  Result<sync::HttpResponse> Send(const sync::HttpRequest& request) override {
    if (request.url.ends_with(protocol::kPathPush) &&
        request.body.find(m_poison) != std::string::npos) {
      ++*m_faults;
      sync::HttpResponse fault;
      fault.status = 500;
      fault.headers["content-type"] = "application/json";
      fault.body = R"({"error":"internal","message":"the server failed; the request changed nothing"})";
      return fault;
    }
    return m_curl.Send(request);
  }

 private:
  sync::CurlTransport m_curl;
  std::string m_poison;
  int* m_faults;
};

TEST(PoisonItem, IsParkedWhileTheRestIsStoredOnceAndTheServerSeesTheParkedCount) {
  ASSERT_TRUE(PgCluster::Get().ok()) << "no PostgreSQL";
  TestDatabase db;
  TestServer server(db.url());
  ASSERT_TRUE(server.ok());
  TestKiosk kiosk;
  ASSERT_TRUE(kiosk.Enroll(server.core().pool(), {server.url()}));
  const auto submitted = kiosk.SubmitMany(5);
  ASSERT_EQ(submitted.size(), 5u);
  const std::string poison = submitted[2].uuid;
  int faults = 0;
  kiosk.options.make_transport = [&](const sync::CurlOptions& curl) {
    return std::make_unique<PoisonTransport>(curl, poison, &faults);
  };

  int cycles = 0;
  int64_t created = 0;
  int64_t duplicates = 0;
  while (cycles < 10 && kiosk.Pending() > 0) {
    sync::CycleReport report = kiosk.SyncOnce();
    created += report.created;
    duplicates += report.duplicates;
    ++cycles;
  }
  std::printf("parked after %d --sync-once cycles, %d pushes answered 500\n", cycles, faults);
  EXPECT_EQ(kiosk.Pending(), 0);
  EXPECT_EQ(created, 4);
  EXPECT_EQ(duplicates, 0);
  EXPECT_EQ(db.Count("SELECT count(*) FROM applications"), 4);
  EXPECT_EQ(db.Count("SELECT count(*) FROM applications WHERE uuid = '" + poison + "'"), 0);
  for (int i : {0, 1, 3, 4}) {
    auto stored = kiosk.store().applications().FindByAppNumber(submitted[i].app_number);
    ASSERT_TRUE(stored.ok() && stored->has_value());
    ASSERT_TRUE((*stored)->server_receipt.has_value());
    EXPECT_EQ(db.Query("SELECT receipt FROM applications WHERE uuid = '" + submitted[i].uuid + "'"),
              *(*stored)->server_receipt);
  }
  auto parked = kiosk.store().applications().FindByAppNumber(submitted[2].app_number);
  ASSERT_TRUE(parked.ok() && parked->has_value());
  EXPECT_EQ((*parked)->sync_state, SyncState::kParked);
  EXPECT_NE((*parked)->parked_reason.value_or("").find("HTTP 500"), std::string::npos);

  // One more cycle sends the heartbeat with the parked count; nothing is pushed.
  const int faults_before = faults;
  sync::CycleReport last = kiosk.SyncOnce();
  EXPECT_FALSE(last.error.has_value()) << last.error->message;
  EXPECT_EQ(faults, faults_before);
  EXPECT_EQ(db.Count("SELECT parked FROM devices WHERE id = " +
                     std::to_string(kiosk.credentials.device_id)),
            1);
}

}  // namespace
}  // namespace yimen::testing
