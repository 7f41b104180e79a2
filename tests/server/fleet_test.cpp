// The fleet view and revocation (issue 13 item 3; docs/console.md "Fleet") on the real
// server and PostgreSQL: kiosks enrolled and heartbeating through the real sync client
// (signed requests over HTTP), the flags computed from what they said (a silent kiosk
// backdated in SQL, a growing queue from samples spread over time), the scope of a
// township supervisor, and a revoked kiosk refused with device_revoked on every
// endpoint — including its own attempts to come back.
#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <optional>

#include "common/base64.h"
#include "common/sealing.h"
#include "server/key_ring.h"
#include "server/office_directory.h"
#include "server/office_fleet.h"
#include "server/server_test_support.h"
#include "sync/client/curl_transport.h"

namespace yimen::testing {
namespace {

using server::FleetKiosk;
using server::OfficeAccount;
using server::OfficeRole;

// One enrolled kiosk: its own store and the credentials the real enrollment gave it.
struct Kiosk {
  SyncTempDir dir;
  std::unique_ptr<Store> store;
  sync::DeviceCredentials credentials;
};

class Fleet : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(PgCluster::Get().ok()) << "no PostgreSQL";
    server = std::make_unique<TestServer>(db.url());
    ASSERT_TRUE(server->ok());
    ASSERT_TRUE(server::SetHall(pool(), "沙溪大厅", "沙溪镇").ok());
    ASSERT_TRUE(server::SetHall(pool(), "石岐大厅", "石岐街道").ok());
  }

  server::PgPool& pool() { return server->core().pool(); }

  std::unique_ptr<Kiosk> Enroll(const std::string& hall) {
    auto kiosk = std::make_unique<Kiosk>();
    auto opened = Store::Open(kiosk->dir.path());
    EXPECT_TRUE(opened.ok());
    kiosk->store = std::move(*opened);
    auto code = server::IssueEnrollCode(pool(), hall, 1);
    EXPECT_TRUE(code.ok());
    auto enrolled =
        sync::EnrollKiosk(*kiosk->store, {server->url()}, *code, &transport, "fleet-test");
    EXPECT_TRUE(enrolled.ok()) << enrolled.error().message;
    kiosk->credentials = *enrolled;
    return kiosk;
  }

  // A heartbeat through the real client, signed with the kiosk's key.
  Result<protocol::HeartbeatReply> Beat(const Kiosk& kiosk, int64_t queue_depth,
                                        int64_t free_disk = int64_t{8} << 30) {
    sync::ApiClient api(transport, kiosk.credentials);
    protocol::Heartbeat beat;
    beat.queue_depth = queue_depth;
    beat.free_disk_bytes = free_disk;
    beat.app_version = "1.4.0+test";
    beat.catalog_version = "2026.1";
    beat.sealing_key_id = seal::KeyId(kiosk.credentials.sealing_public_key);
    return api.SendHeartbeat(beat);
  }

  // Moves a kiosk's queue samples `minutes` into the past, as if they were older.
  void AgeSamples(int64_t device_id, int minutes) {
    db.Query("UPDATE kiosk_heartbeats SET at = at - make_interval(mins => " +
             std::to_string(minutes) + ") WHERE device_id = " + std::to_string(device_id));
  }

  std::vector<FleetKiosk> List(const OfficeAccount& viewer, int silent_minutes = 30) {
    server::FleetOptions options;
    options.silent_minutes = silent_minutes;
    auto kiosks = server::ListFleet(pool(), viewer, options);
    EXPECT_TRUE(kiosks.ok()) << kiosks.error().message;
    return kiosks.ok() ? *kiosks : std::vector<FleetKiosk>{};
  }

  static const FleetKiosk* Find(const std::vector<FleetKiosk>& kiosks, int64_t id) {
    auto it = std::find_if(kiosks.begin(), kiosks.end(),
                           [&](const FleetKiosk& k) { return k.device_id == id; });
    return it == kiosks.end() ? nullptr : &*it;
  }
  // From a temporary list: a copy, so nothing points into a vector already destroyed.
  static std::optional<FleetKiosk> Find(std::vector<FleetKiosk>&& kiosks, int64_t id) {
    const FleetKiosk* found = Find(kiosks, id);
    return found ? std::optional<FleetKiosk>(*found) : std::nullopt;
  }

  static std::string Word(const Error& error) { return error.code; }

  const OfficeAccount admin{1, "ops-admin", OfficeRole::kAdmin, "中山市"};
  const OfficeAccount county{2, "zhuguan", OfficeRole::kSupervisor, "中山市"};
  const OfficeAccount shaxi{3, "shaxi-zhuguan", OfficeRole::kSupervisor, "沙溪镇"};
  TestDatabase db;
  std::unique_ptr<TestServer> server;
  sync::CurlTransport transport;
};

TEST_F(Fleet, ShowsWhatTheLastHeartbeatSaidAndFlagsSilentAndLowDisk) {
  auto live = Enroll("沙溪大厅");
  auto quiet = Enroll("石岐大厅");
  ASSERT_TRUE(Beat(*live, 4, 150LL << 20).ok());
  ASSERT_TRUE(Beat(*quiet, 0).ok());
  // The quiet kiosk last spoke 45 minutes ago.
  db.Query("UPDATE devices SET last_heartbeat_at = now() - interval '45 minutes' WHERE id = " +
           std::to_string(quiet->credentials.device_id));

  const auto kiosks = List(admin);
  ASSERT_EQ(kiosks.size(), 2u);
  const FleetKiosk* l = Find(kiosks, live->credentials.device_id);
  const FleetKiosk* q = Find(kiosks, quiet->credentials.device_id);
  ASSERT_TRUE(l && q);
  EXPECT_EQ(l->hall, "沙溪大厅");
  EXPECT_EQ(l->town, "沙溪镇");
  EXPECT_EQ(l->queue_depth, 4);
  EXPECT_EQ(l->app_version, "1.4.0+test");
  EXPECT_EQ(l->catalog_version, "2026.1");
  auto active = server::ActiveSealingKey(pool());
  ASSERT_TRUE(active.ok());
  EXPECT_EQ(l->sealing_key_id, active->key_id) << "the key the kiosk seals to, as it reported";
  EXPECT_TRUE(l->disk_low) << "150 MB free is under the kiosk's own 200 MB bound";
  EXPECT_FALSE(l->silent);
  EXPECT_GE(l->silent_seconds, 0);
  EXPECT_TRUE(q->silent);
  EXPECT_GE(q->silent_seconds, 45 * 60);
  EXPECT_FALSE(q->disk_low);
  // With a longer bound the quiet one is fine.
  EXPECT_FALSE(Find(List(admin, 60), quiet->credentials.device_id)->silent);
  // A kiosk that never sent a heartbeat is silent once it has been enrolled that long.
  auto never = Enroll("沙溪大厅");
  EXPECT_FALSE(Find(List(admin), never->credentials.device_id)->silent);
  db.Query("UPDATE devices SET enrolled_at = now() - interval '2 hours' WHERE id = " +
           std::to_string(never->credentials.device_id));
  const auto later = List(admin);
  EXPECT_TRUE(Find(later, never->credentials.device_id)->silent);
  EXPECT_EQ(Find(later, never->credentials.device_id)->last_heartbeat_at, "");
  // Flagged first.
  EXPECT_TRUE(later[0].flagged() && later[1].flagged() && later[2].flagged());
}

TEST_F(Fleet, AQueueThatKeepsGrowingOverTheHourIsFlagged) {
  auto kiosk = Enroll("沙溪大厅");
  const int64_t id = kiosk->credentials.device_id;
  const std::string samples =
      "SELECT count(*) FROM kiosk_heartbeats WHERE device_id = " + std::to_string(id);
  // Heartbeats a minute apart keep one sample per five minutes.
  ASSERT_TRUE(Beat(*kiosk, 1).ok());
  ASSERT_TRUE(Beat(*kiosk, 2).ok());
  EXPECT_EQ(db.Count(samples), 1);
  EXPECT_FALSE(Find(List(admin), id)->queue_growing) << "one sample is no trend";
  for (const int64_t depth : {3, 6, 9}) {
    AgeSamples(id, 10);
    ASSERT_TRUE(Beat(*kiosk, depth).ok());
  }
  const std::optional<FleetKiosk> growing = Find(List(admin), id);
  EXPECT_EQ(growing->queue_history, (std::vector<int64_t>{1, 3, 6, 9}));
  EXPECT_TRUE(growing->queue_growing);
  EXPECT_TRUE(growing->flagged());
  // It drains: no longer growing.
  AgeSamples(id, 10);
  ASSERT_TRUE(Beat(*kiosk, 2).ok());
  EXPECT_FALSE(Find(List(admin), id)->queue_growing);
  // Bounded: samples older than two hours go with the next heartbeat's prune.
  AgeSamples(id, 180);
  ASSERT_TRUE(Beat(*kiosk, 2).ok());
  EXPECT_EQ(db.Count(samples), 1);
  EXPECT_TRUE(server::QueueIsGrowing({0, 0, 1}, 3));
  EXPECT_FALSE(server::QueueIsGrowing({4, 4, 4}, 3));
  EXPECT_FALSE(server::QueueIsGrowing({1, 5}, 3));
}

TEST_F(Fleet, ATownshipSupervisorSeesOnlyItsHallsAndOthersSeeNone) {
  auto shaxi_kiosk = Enroll("沙溪大厅");
  auto shiqi_kiosk = Enroll("石岐大厅");
  EXPECT_EQ(List(admin).size(), 2u);
  EXPECT_EQ(List(county).size(), 2u) << "a county-wide supervisor sees every hall";
  const auto mine = List(shaxi);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].device_id, shaxi_kiosk->credentials.device_id);
  const OfficeAccount reviewer{4, "chushen", OfficeRole::kReviewer, "沙溪镇"};
  auto refused = server::ListFleet(pool(), reviewer, {});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kRejected);
  // Out of scope is not found, whoever asks: the other township's kiosk cannot be
  // revoked by this supervisor.
  auto other = server::RevokeKiosk(pool(), shaxi,
                                   {shiqi_kiosk->credentials.device_id, "丢失", "console", "t"});
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(server::RevokeKiosk(pool(), reviewer,
                                {shaxi_kiosk->credentials.device_id, "丢失", "console", "t"})
                .error()
                .kind,
            ErrorKind::kRejected);
  EXPECT_EQ(db.Count("SELECT count(*) FROM devices WHERE revoked_at IS NOT NULL"), 0);
}

TEST_F(Fleet, ARevokedKioskIsRefusedEverywhereAndCannotComeBack) {
  auto kiosk = Enroll("沙溪大厅");
  const int64_t id = kiosk->credentials.device_id;
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(kiosk->store->applications().Submit(SampleSyncApplication(i)).ok());
  ASSERT_TRUE(Beat(*kiosk, 3).ok());

  EXPECT_EQ(server::RevokeKiosk(pool(), shaxi, {id, "  ", "console", "t"}).error().kind,
            ErrorKind::kInvalidArgument)
      << "a reason is required";
  ASSERT_TRUE(server::RevokeKiosk(pool(), shaxi, {id, "机器被盗", "console", "10.0.0.8"}).ok());
  EXPECT_EQ(server::RevokeKiosk(pool(), admin, {id, "again", "cli", "t"}).error().kind,
            ErrorKind::kConflict);
  EXPECT_EQ(db.Query("SELECT actor || '|' || role || '|' || via || '|' || reason FROM "
                     "kiosk_revocations WHERE device_id = " +
                     std::to_string(id)),
            "shaxi-zhuguan|supervisor|console|机器被盗");
  const std::string revoked_at =
      db.Query("SELECT revoked_at::text FROM devices WHERE id = " + std::to_string(id));

  // Every endpoint the kiosk signs for: push, heartbeat, status, staff accounts, audit.
  sync::ApiClient api(transport, kiosk->credentials);
  auto due = kiosk->store->applications().ListDueOutbox(std::chrono::system_clock::now(), 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 3u);
  protocol::PushRequest push;
  push.items.push_back({(*due)[0].uuid,
                        "X",
                        "dibao",
                        "1",
                        protocol::kPayloadSealedV2,
                        "e30=",
                        "2026-12-03T00:00:00Z",
                        {},
                        "",
                        "",
                        0});
  const std::vector<std::pair<std::string, Error>> refusals = {
      {"push", api.Push(push).error()},
      {"heartbeat", api.SendHeartbeat(protocol::Heartbeat{}).error()},
      {"status", api.PullStatus(0, 10).error()},
      {"staff", api.PullStaffAccounts(0, 10).error()},
      {"audit", api.PushAudit(protocol::AuditPush{}).error()}};
  for (const auto& [what, error] : refusals) {
    EXPECT_EQ(Word(error), protocol::kErrorDeviceRevoked) << what << ": " << error.message;
    EXPECT_EQ(error.kind, ErrorKind::kRejected) << what;
  }

  // The real sync cycle: nothing parked, the outbox whole, the revoked state reported.
  sync::CycleReport report = sync::RunSyncCycle(*kiosk->store, api, {});
  EXPECT_TRUE(report.revoked);
  EXPECT_EQ(report.pending_after, 3);
  EXPECT_EQ(report.parked_after, 0);
  EXPECT_TRUE(sync::IsRevokedHere(*kiosk->store, id));

  // A malicious revoked kiosk: its heartbeat changes nothing (no un-revoking through
  // any field), and enrolling its old key again under a fresh code is refused.
  protocol::Heartbeat lie;
  lie.queue_depth = 0;
  lie.last_error = "revoked_at = NULL";
  EXPECT_EQ(Word(api.SendHeartbeat(lie).error()), protocol::kErrorDeviceRevoked);
  EXPECT_EQ(db.Query("SELECT revoked_at::text FROM devices WHERE id = " + std::to_string(id)),
            revoked_at);
  EXPECT_EQ(db.Query("SELECT queue_depth FROM devices WHERE id = " + std::to_string(id)), "3");
  unsigned char public_key[crypto_sign_PUBLICKEYBYTES];
  crypto_sign_ed25519_sk_to_pk(
      public_key, reinterpret_cast<const unsigned char*>(kiosk->credentials.secret_key.data()));
  auto code = server::IssueEnrollCode(pool(), "沙溪大厅", 1);
  ASSERT_TRUE(code.ok());
  protocol::EnrollRequest again{
      *code, Base64Encode(std::string(reinterpret_cast<char*>(public_key), sizeof public_key)), "x",
      kiosk->credentials.kiosk_code};
  auto reply = transport.Send({"POST",
                               server->url() + protocol::kPathEnroll,
                               {{"Content-Type", "application/json"}},
                               protocol::SerializeMessage(again)});
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->status, 403);
  EXPECT_EQ(Word(sync::ErrorFromResponse(*reply)), protocol::kErrorDeviceRevoked);
  EXPECT_EQ(db.Count("SELECT count(*) FROM devices"), 1) << "no second device for the old key";
  EXPECT_EQ(db.Count("SELECT count(*) FROM applications"), 0);
  EXPECT_EQ(db.Count("SELECT count(*) FROM enroll_codes WHERE used_at IS NULL"), 1)
      << "the fresh code is not spent";

  // The machine enrolled afresh (a new code, a new key): it keeps its kiosk code and
  // delivers what it kept, each application once.
  auto code2 = server::IssueEnrollCode(pool(), "沙溪大厅", 1);
  ASSERT_TRUE(code2.ok());
  auto renewed = sync::EnrollKiosk(*kiosk->store, {server->url()}, *code2, &transport, "x");
  ASSERT_TRUE(renewed.ok()) << renewed.error().message;
  EXPECT_NE(renewed->device_id, id);
  EXPECT_EQ(renewed->kiosk_code, kiosk->credentials.kiosk_code);
  sync::ApiClient renewed_api(transport, *renewed);
  sync::CycleReport delivered = sync::RunSyncCycle(*kiosk->store, renewed_api, {});
  EXPECT_FALSE(delivered.error.has_value()) << delivered.error->message;
  EXPECT_FALSE(delivered.revoked);
  EXPECT_EQ(delivered.created, 3);
  EXPECT_EQ(delivered.pending_after, 0);
  EXPECT_EQ(db.Count("SELECT count(*) FROM applications"), 3);

  // The fleet shows it revoked, last, unflagged, with who and why.
  const std::optional<FleetKiosk> shown = Find(List(admin), id);
  ASSERT_TRUE(shown);
  EXPECT_TRUE(shown->revoked);
  EXPECT_FALSE(shown->flagged());
  EXPECT_EQ(shown->revoked_by, "shaxi-zhuguan");
  EXPECT_EQ(shown->revoke_reason, "机器被盗");
}

// yimen-admin kiosks and revoke: the same rows and flags, the same revocation.
TEST_F(Fleet, TheCliListsFlagsAndRevokesWithAReason) {
  OfficeAdmin office(db.url());
  ASSERT_TRUE(office.Bootstrap());
  auto kiosk = Enroll("沙溪大厅");
  const std::string id = std::to_string(kiosk->credentials.device_id);
  ASSERT_TRUE(Beat(*kiosk, 5, 100LL << 20).ok());
  CommandResult listed = office.Run({"kiosks"});
  EXPECT_EQ(listed.exit_code, 0);
  std::printf("%s", listed.out.c_str());
  EXPECT_NE(listed.out.find("沙溪大厅"), std::string::npos);
  EXPECT_NE(listed.out.find("DISK"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find(seal::KeyId(kiosk->credentials.sealing_public_key)), std::string::npos);
  EXPECT_EQ(office.Run({"revoke", id}).exit_code, 2) << "a reason is required";
  EXPECT_EQ(office.Run({"revoke", id, "--reason", "终端报废"}).exit_code, 0);
  EXPECT_EQ(db.Query("SELECT via || '|' || actor || '|' || reason FROM kiosk_revocations"),
            "cli|ops-admin|终端报废");
  CommandResult after = office.Run({"kiosks"});
  EXPECT_NE(after.out.find("REVOKED"), std::string::npos) << after.out;
  EXPECT_EQ(Word(Beat(*kiosk, 5).error()), protocol::kErrorDeviceRevoked);
}

}  // namespace
}  // namespace yimen::testing
