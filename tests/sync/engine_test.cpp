// Tests sync/client/engine and api_client against canned server replies (curl's
// tests/data spirit): what a cycle does with created, duplicate and rejected items,
// an unreachable server, status pages, fail-over, clock skew, enrollment retries and
// the engine thread. Each test checks the requests the client actually sent.
#include "sync/client/engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <set>
#include <thread>

#include "sync/protocol/signing.h"
#include "sync/sync_test_support.h"

namespace yimen::sync {
namespace {

using testing::JsonResponse;
using testing::ScriptedTransport;
using testing::SyncTempDir;

std::string PathOf(const HttpRequest& request) {
  const size_t scheme = request.url.find("//");
  const size_t slash = request.url.find('/', scheme == std::string::npos ? 0 : scheme + 2);
  return slash == std::string::npos ? "/" : request.url.substr(slash);
}

std::string Header(const HttpRequest& request, const std::string& name) {
  for (const auto& [key, value] : request.headers) {
    if (key == name) return value;
  }
  return "";
}

// A tiny in-memory server: push answers created (first time) or duplicate, except
// for uuids in `refuse`; status serves `changes` by cursor; everything else is 200.
struct FakeServer {
  std::map<std::string, std::string> receipts;  // uuid → receipt
  std::set<std::string> refuse;
  std::string refuse_code;  // the code a refusal carries ("" as from old servers)
  std::vector<protocol::StatusChange> changes;
  std::string epoch;  // the database epoch status pages carry ("" as from old servers)
  int page_size = 1000;
  int pushes = 0;
  int heartbeats = 0;
  bool revoked = false;  // every signed request gets 403 device_revoked
  std::vector<protocol::PushItem> pushed;  // every item as received, in order

  Result<HttpResponse> operator()(const HttpRequest& request) {
    const std::string path = PathOf(request);
    if (revoked && path.rfind(protocol::kPathCatalog, 0) != 0) {
      return JsonResponse(403, R"({"error":"device_revoked","message":"device 7 was revoked"})");
    }
    if (path == protocol::kPathPush) {
      ++pushes;
      auto parsed = protocol::ParseMessage<protocol::PushRequest>(request.body);
      if (!parsed.ok()) return JsonResponse(400, R"({"error":"bad_request"})");
      protocol::PushResponse response;
      for (const protocol::PushItem& item : parsed->items) {
        pushed.push_back(item);
        protocol::PushResult result;
        result.uuid = item.uuid;
        if (refuse.count(item.uuid)) {
          result.outcome = protocol::PushOutcome::kRejected;
          result.reason = "form does not validate";
          result.code = refuse_code;
        } else if (receipts.count(item.uuid)) {
          result.outcome = protocol::PushOutcome::kDuplicate;
          result.receipt = receipts[item.uuid];
        } else {
          result.outcome = protocol::PushOutcome::kCreated;
          result.receipt = "R-" + std::to_string(receipts.size() + 1);
          receipts[item.uuid] = result.receipt;
        }
        result.server_time = "2026-11-23T03:00:00Z";
        response.results.push_back(result);
      }
      return JsonResponse(200, protocol::SerializeMessage(response));
    }
    if (path.rfind(protocol::kPathStatus, 0) == 0) {
      const int64_t after = std::stoll(path.substr(path.find("after=") + 6));
      protocol::StatusPage page;
      page.cursor = after;
      for (const protocol::StatusChange& c : changes) {
        if (c.seq <= after) continue;
        if (static_cast<int>(page.changes.size()) == page_size) {
          page.more = true;
          break;
        }
        page.changes.push_back(c);
        page.cursor = c.seq;
      }
      page.epoch = epoch;
      return JsonResponse(200, protocol::SerializeMessage(page));
    }
    // Staff steps (staff_sync.cpp): no accounts; every audit row acknowledged.
    if (path.rfind(protocol::kPathStaffAccounts, 0) == 0) {
      return JsonResponse(200, protocol::SerializeMessage(protocol::StaffAccountsPage{}));
    }
    if (path == protocol::kPathAudit) {
      auto parsed = protocol::ParseMessage<protocol::AuditPush>(request.body);
      protocol::AuditAck ack;
      if (parsed.ok()) {
        for (const protocol::AuditRow& row : parsed->rows) ack.through = std::max(ack.through, row.seq);
      }
      return JsonResponse(200, protocol::SerializeMessage(ack));
    }
    if (path == protocol::kPathHeartbeat) ++heartbeats;
    if (path.rfind(protocol::kPathCatalog, 0) == 0) {
      HttpResponse none;
      none.status = 204;
      return none;
    }
    return JsonResponse(200, R"({"ok":true})");
  }
};

DeviceCredentials TestCredentials(std::vector<std::string> urls = {"http://a.test"}) {
  DeviceCredentials c;
  c.server_urls = std::move(urls);
  c.device_id = 7;
  c.secret_key = protocol::GenerateSigningKeyPair().secret_key;
  c.hall = "东门社区";
  c.sealing_public_key = protocol::GenerateSealingKeyPair().public_key;
  return c;
}

class Engine : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Store::Open(dir.path());
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store = std::move(*opened);
    // Provisioned as a deployment does before enrollment: submits seal to this key.
    ASSERT_TRUE(
        store->settings().ProvisionSealingKey(protocol::GenerateSealingKeyPair().public_key).ok());
  }
  std::vector<SubmittedApplication> Submit(int count) {
    std::vector<SubmittedApplication> out;
    for (int i = 0; i < count; ++i) {
      auto s = store->applications().Submit(testing::SampleSyncApplication(i));
      EXPECT_TRUE(s.ok());
      if (s.ok()) out.push_back(*s);
    }
    return out;
  }
  SyncTempDir dir;
  std::unique_ptr<Store> store;
  SyncOptions options;
};

TEST_F(Engine, CycleDeliversEverythingDueAndKeepsTheServerReceipts) {
  const auto submitted = Submit(5);
  FakeServer server;
  ScriptedTransport transport(std::ref(server));
  ApiClient api(transport, TestCredentials());
  options.push_batch = 2;

  CycleReport report = RunSyncCycle(*store, api, options);
  EXPECT_FALSE(report.error.has_value()) << report.error->message;
  EXPECT_EQ(report.created, 5);
  EXPECT_EQ(report.pending_after, 0);
  EXPECT_EQ(server.pushes, 3) << "5 items in batches of 2";
  EXPECT_TRUE(report.heartbeat_sent);
  for (const SubmittedApplication& s : submitted) {
    auto stub = store->applications().FindByAppNumber(s.app_number);
    ASSERT_TRUE(stub.ok() && stub->has_value());
    EXPECT_EQ((*stub)->sync_state, SyncState::kDelivered);
    EXPECT_EQ((*stub)->server_receipt, server.receipts[s.uuid]);
  }
  // Every request was signed by device 7 with a fresh nonce.
  std::set<std::string> nonces;
  for (const HttpRequest& request : transport.requests) {
    EXPECT_EQ(Header(request, protocol::kHeaderDevice), "7");
    EXPECT_FALSE(Header(request, protocol::kHeaderSignature).empty());
    nonces.insert(Header(request, protocol::kHeaderNonce));
  }
  EXPECT_EQ(nonces.size(), transport.requests.size());
}

// docs/internals/sync.md "Visits": each application of a visit is pushed with the
// visit's id, number and size; one submitted alone with none of them.
TEST_F(Engine, VisitItemsArePushedWithTheirVisit) {
  const auto alone = Submit(1);
  std::vector<NewApplication> applications;
  for (const char* service : {"dibao", "yiliao", "linshi"}) {
    NewApplication application = testing::SampleSyncApplication();
    application.service_code = service;
    applications.push_back(application);
  }
  auto visit = store->applications().SubmitVisit(applications);
  ASSERT_TRUE(visit.ok()) << visit.error().message;
  FakeServer server;
  ScriptedTransport transport(std::ref(server));
  ApiClient api(transport, TestCredentials());

  CycleReport report = RunSyncCycle(*store, api, options);
  EXPECT_FALSE(report.error.has_value()) << report.error->message;
  EXPECT_EQ(report.created, 4);
  ASSERT_EQ(server.pushed.size(), 4u);
  EXPECT_EQ(server.pushed[0].uuid, alone.at(0).uuid);
  EXPECT_TRUE(server.pushed[0].visit_id.empty());
  EXPECT_TRUE(server.pushed[0].visit_number.empty());
  EXPECT_EQ(server.pushed[0].visit_size, 0);
  for (size_t i = 1; i < 4; ++i) {
    EXPECT_EQ(server.pushed[i].uuid, (*visit)[i - 1].uuid);
    EXPECT_EQ(server.pushed[i].visit_id, visit->front().visit.visit_id);
    EXPECT_EQ(server.pushed[i].visit_number, visit->front().visit.visit_number);
    EXPECT_EQ(server.pushed[i].visit_size, 3);
  }
}

// The server's database is restored from a backup older than some acknowledgements
// (a new epoch, FakeServer forgets them): the kiosk sends again everything it still
// holds; the server answers duplicate for what it kept, stores the rest, and the
// receipts end as the server's. The first epoch seen, and the same one again, resend
// nothing.
TEST_F(Engine, NewDatabaseEpochSendsAcknowledgedApplicationsAgain) {
  const auto first = Submit(3);
  FakeServer server;
  server.epoch = "epoch-1";
  ScriptedTransport transport(std::ref(server));
  ApiClient api(transport, TestCredentials());
  CycleReport report = RunSyncCycle(*store, api, options);
  ASSERT_FALSE(report.error.has_value()) << report.error->message;
  EXPECT_EQ(report.resent_after_restore, 0) << "the first epoch seen is only remembered";
  const auto second = Submit(2);
  report = RunSyncCycle(*store, api, options);
  EXPECT_EQ(report.created, 2);
  EXPECT_EQ(report.resent_after_restore, 0) << "same epoch";

  // The restore: the backup had the first three only.
  for (const SubmittedApplication& s : second) server.receipts.erase(s.uuid);
  server.epoch = "epoch-2";
  report = RunSyncCycle(*store, api, options);
  ASSERT_FALSE(report.error.has_value()) << report.error->message;
  EXPECT_EQ(report.resent_after_restore, 5);
  EXPECT_EQ(report.pending_after, 5);
  report = RunSyncCycle(*store, api, options);
  EXPECT_EQ(report.duplicates, 3);
  EXPECT_EQ(report.created, 2);
  EXPECT_EQ(report.pending_after, 0);
  EXPECT_EQ(report.resent_after_restore, 0);
  for (const auto* batch : {&first, &second}) {
    for (const SubmittedApplication& s : *batch) {
      auto stub = store->applications().FindByAppNumber(s.app_number);
      ASSERT_TRUE(stub.ok() && stub->has_value());
      EXPECT_EQ((*stub)->server_receipt, server.receipts[s.uuid]);
    }
  }
}

// A refusal's machine code travels with its reason into the stub staff see.
TEST_F(Engine, RejectedItemRecordsTheServersCodeWithTheReason) {
  const auto submitted = Submit(2);
  FakeServer server;
  server.refuse.insert(submitted[0].uuid);
  server.refuse_code = protocol::reject::kNumberNotYours;
  ScriptedTransport transport(std::ref(server));
  ApiClient api(transport, TestCredentials());
  CycleReport report = RunSyncCycle(*store, api, options);
  EXPECT_EQ(report.rejected, 1);
  EXPECT_EQ(report.created, 1);
  auto parked = store->applications().FindByAppNumber(submitted[0].app_number);
  ASSERT_TRUE(parked.ok() && parked->has_value());
  EXPECT_EQ((*parked)->parked_reason, "number_not_yours: form does not validate");
}

TEST_F(Engine, RejectedItemIsParkedAndTheRestKeepsDraining) {
  const auto submitted = Submit(4);
  FakeServer server;
  server.refuse.insert(submitted[1].uuid);
  ScriptedTransport transport(std::ref(server));
  ApiClient api(transport, TestCredentials());

  CycleReport report = RunSyncCycle(*store, api, options);
  EXPECT_FALSE(report.error.has_value());
  EXPECT_EQ(report.created, 3);
  EXPECT_EQ(report.rejected, 1);
  EXPECT_EQ(report.pending_after, 0);
  EXPECT_EQ(report.parked_after, 1);
  auto parked = store->applications().FindByAppNumber(submitted[1].app_number);
  ASSERT_TRUE(parked.ok() && parked->has_value());
  EXPECT_EQ((*parked)->sync_state, SyncState::kParked);
  EXPECT_EQ((*parked)->parked_reason, "form does not validate");

  // A second cycle does not send the parked item again.
  server.pushes = 0;
  (void)RunSyncCycle(*store, api, options);
  EXPECT_EQ(server.pushes, 0);
}

TEST_F(Engine, BatchRefusedAsAWholeIsRetriedItemByItem) {
  const auto submitted = Submit(3);
  FakeServer server;
  // A server that refuses any batch containing the second item outright (HTTP 400).
  ScriptedTransport transport([&](const HttpRequest& request) -> Result<HttpResponse> {
    if (PathOf(request) == protocol::kPathPush &&
        request.body.find(submitted[1].uuid) != std::string::npos) {
      return JsonResponse(400, R"({"error":"bad_request","message":"item 2 is malformed"})");
    }
    return server(request);
  });
  ApiClient api(transport, TestCredentials());
  CycleReport report = RunSyncCycle(*store, api, options);
  EXPECT_EQ(report.created, 2);
  EXPECT_EQ(report.rejected, 1);
  EXPECT_EQ(report.pending_after, 0);
}

TEST_F(Engine, UnreachableServerLeavesEverythingQueued) {
  Submit(3);
  ScriptedTransport transport([](const HttpRequest&) -> Result<HttpResponse> {
    return MakeError(ErrorKind::kUnavailable, "curl error 7: connection refused");
  });
  ApiClient api(transport, TestCredentials());
  CycleReport report = RunSyncCycle(*store, api, options);
  ASSERT_TRUE(report.error.has_value());
  EXPECT_EQ(report.error->kind, ErrorKind::kUnavailable);
  EXPECT_EQ(report.pending_after, 3);
  EXPECT_FALSE(report.heartbeat_sent);
  EXPECT_EQ(transport.requests.size(), 1u) << "no status pull or heartbeat to a dead server";
  auto due = store->applications().ListDueOutbox(std::chrono::system_clock::now(), 10);
  ASSERT_TRUE(due.ok());
  EXPECT_EQ(due->size(), 3u) << "still due: the engine's backoff decides when to retry";
  EXPECT_EQ((*due)[0].attempts, 1);
}

TEST_F(Engine, ServerBusyReplyCarriesItsRetryAfter) {
  Submit(1);
  ScriptedTransport transport([](const HttpRequest&) -> Result<HttpResponse> {
    HttpResponse busy = JsonResponse(503, R"({"error":"unavailable","message":"db down"})");
    busy.headers["retry-after"] = "30";
    return busy;
  });
  ApiClient api(transport, TestCredentials());
  CycleReport report = RunSyncCycle(*store, api, options);
  ASSERT_TRUE(report.error.has_value());
  EXPECT_EQ(report.error->kind, ErrorKind::kUnavailable);
  EXPECT_EQ(report.retry_after_s, 30);
  EXPECT_EQ(report.pending_after, 1);
}

TEST_F(Engine, NextServerIsTriedInTheSameCycleWhenTheFirstIsDown) {
  Submit(2);
  FakeServer server;
  ScriptedTransport transport([&](const HttpRequest& request) -> Result<HttpResponse> {
    if (request.url.rfind("http://a.test", 0) == 0) {
      return MakeError(ErrorKind::kUnavailable, "curl error 7");
    }
    return server(request);
  });
  ApiClient api(transport, TestCredentials({"http://a.test", "http://b.test"}));
  CycleReport report = RunSyncCycle(*store, api, options);
  EXPECT_FALSE(report.error.has_value()) << report.error->message;
  EXPECT_EQ(report.created, 2);
  EXPECT_EQ(api.current_url(), "http://b.test") << "stays on the copy that answered";
}

// ---- poison items (docs/internals/sync.md "Poison items") ----

// Counts how many of `action` the store's audit trail holds.
int CountAudit(Store& store, const std::string& action) {
  auto rows = store.staff().RecentAudit(1000);
  if (!rows.ok()) return -1;
  return static_cast<int>(std::count_if(rows->begin(), rows->end(),
                                        [&](const AuditEntry& e) { return e.action == action; }));
}

// The `parked` figure of the last heartbeat the kiosk sent, -1 if none.
int64_t LastHeartbeatParked(const ScriptedTransport& transport) {
  for (auto it = transport.requests.rbegin(); it != transport.requests.rend(); ++it) {
    if (PathOf(*it) != protocol::kPathHeartbeat) continue;
    auto beat = protocol::ParseMessage<protocol::Heartbeat>(it->body);
    return beat.ok() ? beat->parked : -1;
  }
  return -1;
}

TEST_F(Engine, PoisonItemIsFoundByBisectionParkedAndTheRestDeliveredOnce) {
  const auto submitted = Submit(5);
  const std::string poison = submitted[2].uuid;  // item 3
  FakeServer server;
  std::map<std::string, int> accepted;  // uuid → pushes the server stored it in
  int faults = 0;
  // As PostgreSQL failing the whole batch on one bad item: any batch holding item 3
  // gets HTTP 500 and stores nothing.
  ScriptedTransport transport([&](const HttpRequest& request) -> Result<HttpResponse> {
    if (PathOf(request) == protocol::kPathPush) {
      if (request.body.find(poison) != std::string::npos) {
        ++faults;
        return JsonResponse(500, R"({"error":"internal","message":"invalid byte sequence"})");
      }
      auto parsed = protocol::ParseMessage<protocol::PushRequest>(request.body);
      if (parsed.ok()) {
        for (const protocol::PushItem& item : parsed->items) ++accepted[item.uuid];
      }
    }
    return server(request);
  });
  ApiClient api(transport, TestCredentials());

  int cycles = 0;
  CycleReport report;
  int64_t rejected = 0;
  int64_t created = 0;
  while (cycles < 20) {
    report = RunSyncCycle(*store, api, options);
    ++cycles;
    rejected += report.rejected;
    created += report.created;
    EXPECT_EQ(report.duplicates, 0);
    if (report.pending_after == 0) break;
  }
  std::printf("%d cycles, %d faulting pushes, %zu requests until the queue was empty\n", cycles,
              faults, transport.requests.size());
  EXPECT_EQ(created, 4);
  EXPECT_EQ(rejected, 1);
  EXPECT_EQ(report.parked_after, 1);
  for (int i : {0, 1, 3, 4}) {
    EXPECT_EQ(accepted[submitted[i].uuid], 1) << "item " << i + 1 << " stored exactly once";
    auto stub = store->applications().FindByAppNumber(submitted[i].app_number);
    ASSERT_TRUE(stub.ok() && stub->has_value());
    EXPECT_EQ((*stub)->sync_state, SyncState::kDelivered);
  }
  EXPECT_EQ(accepted.count(poison), 0u);
  auto parked = store->applications().FindByAppNumber(submitted[2].app_number);
  ASSERT_TRUE(parked.ok() && parked->has_value());
  EXPECT_EQ((*parked)->sync_state, SyncState::kParked);
  ASSERT_TRUE((*parked)->parked_reason.has_value());
  EXPECT_NE((*parked)->parked_reason->find("alone 3 times"), std::string::npos)
      << *(*parked)->parked_reason;
  EXPECT_NE((*parked)->parked_reason->find("HTTP 500"), std::string::npos);
  EXPECT_EQ(CountAudit(*store, "outbox.park"), 1);
  EXPECT_EQ(LastHeartbeatParked(transport), 1) << "staff see it as a parked item";

  // Parked once and for all: later cycles send nothing and park nothing more.
  const int faults_before = faults;
  for (int i = 0; i < 5; ++i) {
    report = RunSyncCycle(*store, api, options);
    EXPECT_FALSE(report.error.has_value()) << report.error->message;
  }
  EXPECT_EQ(faults, faults_before);
  EXPECT_EQ(CountAudit(*store, "outbox.park"), 1);

  // The queue keeps draining: a new submit goes through at once.
  Submit(1);
  report = RunSyncCycle(*store, api, options);
  EXPECT_EQ(report.created, 1);
}

TEST_F(Engine, ServerThatIsDownForALongTimeParksNothing) {
  Submit(5);
  // 503 with Retry-After (the server's "database down"), 503 without, and a proxy's
  // 502 / 504 for a backend that is gone: the server is down, nothing is poison.
  struct Down {
    int status;
    const char* retry_after;
  };
  for (const Down down : {Down{503, "30"}, Down{503, nullptr}, Down{502, nullptr},
                          Down{504, nullptr}, Down{500, "5"}}) {
    ScriptedTransport transport([&](const HttpRequest&) -> Result<HttpResponse> {
      HttpResponse busy = JsonResponse(down.status, R"({"error":"unavailable","message":"x"})");
      if (down.retry_after != nullptr) busy.headers["retry-after"] = down.retry_after;
      return busy;
    });
    ApiClient api(transport, TestCredentials());
    for (int cycle = 0; cycle < 30; ++cycle) {
      CycleReport report = RunSyncCycle(*store, api, options);
      ASSERT_TRUE(report.error.has_value());
      EXPECT_EQ(report.error->kind, ErrorKind::kUnavailable);
      EXPECT_EQ(report.parked_after, 0) << "HTTP " << down.status;
      EXPECT_EQ(report.pending_after, 5);
    }
    EXPECT_EQ(transport.requests.size(), 30u) << "one push a cycle, never split";
  }
  EXPECT_EQ(CountAudit(*store, "outbox.park"), 0);
}

TEST_F(Engine, ConnectionFailuresParkNothing) {
  Submit(5);
  ScriptedTransport transport([](const HttpRequest&) -> Result<HttpResponse> {
    return MakeError(ErrorKind::kUnavailable, "curl error 7: connection refused");
  });
  ApiClient api(transport, TestCredentials({"http://a.test", "http://b.test"}));
  for (int cycle = 0; cycle < 30; ++cycle) {
    CycleReport report = RunSyncCycle(*store, api, options);
    EXPECT_EQ(report.parked_after, 0);
    EXPECT_EQ(report.pending_after, 5);
  }
  EXPECT_EQ(CountAudit(*store, "outbox.park"), 0);
}

TEST_F(Engine, ServerFailingEverythingWith500ParksNothing) {
  Submit(5);
  // A broken server (every request 500, the status pull too) is split down to single
  // items, but with no sign that the server works no item is blamed.
  ScriptedTransport transport([](const HttpRequest&) -> Result<HttpResponse> {
    return JsonResponse(500, R"({"error":"internal","message":"broken"})");
  });
  ApiClient api(transport, TestCredentials());
  for (int cycle = 0; cycle < 30; ++cycle) {
    CycleReport report = RunSyncCycle(*store, api, options);
    EXPECT_EQ(report.parked_after, 0);
    EXPECT_EQ(report.pending_after, 5);
  }
  EXPECT_EQ(CountAudit(*store, "outbox.park"), 0);
  // A push and, from the third cycle on, one status probe: never split item by item.
  EXPECT_EQ(transport.requests.size(), 2u * 30 - 2);
}

TEST_F(Engine, PassingServerFaultIsRetriedWholeWithoutSplitting) {
  Submit(4);
  FakeServer server;
  int fail_next = 2;  // two 500s, then the server recovers
  ScriptedTransport transport([&](const HttpRequest& request) -> Result<HttpResponse> {
    if (PathOf(request) == protocol::kPathPush && fail_next > 0) {
      --fail_next;
      return JsonResponse(500, R"({"error":"internal","message":"deadlock"})");
    }
    return server(request);
  });
  ApiClient api(transport, TestCredentials());
  for (int cycle = 0; cycle < 3; ++cycle) (void)RunSyncCycle(*store, api, options);
  EXPECT_EQ(server.pushes, 1) << "the third push carries the whole batch";
  auto health = store->applications().OutboxHealth();
  ASSERT_TRUE(health.ok());
  EXPECT_EQ(health->pending, 0);
  EXPECT_EQ(health->parked, 0);
}

TEST_F(Engine, StatusPagesAreStoredWithTheirCursor) {
  const auto submitted = Submit(2);
  FakeServer server;
  for (int64_t seq = 1; seq <= 5; ++seq) {
    const SubmittedApplication& s = submitted[seq % 2];
    server.changes.push_back({seq * 10, s.uuid, s.app_number, seq == 5 ? "需补正" : "审核中",
                              seq == 5 ? "请补交收入证明" : "", "2026-11-23T04:00:00Z"});
  }
  server.page_size = 2;
  ScriptedTransport transport(std::ref(server));
  ApiClient api(transport, TestCredentials());

  CycleReport report = RunSyncCycle(*store, api, options);
  EXPECT_EQ(report.status_changes, 5);
  auto cursor = store->status().StatusCursor();
  ASSERT_TRUE(cursor.ok());
  EXPECT_EQ(*cursor, 50);
  auto history = store->status().StatusHistory(submitted[1].app_number);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ(history->back().status, "需补正");
  EXPECT_EQ(history->back().reason, "请补交收入证明");

  // The next cycle asks only for what is newer than the cursor.
  transport.requests.clear();
  report = RunSyncCycle(*store, api, options);
  EXPECT_EQ(report.status_changes, 0);
  bool asked = false;
  for (const HttpRequest& request : transport.requests) {
    if (PathOf(request).rfind(protocol::kPathStatus, 0) == 0) {
      EXPECT_NE(PathOf(request).find("after=50"), std::string::npos) << PathOf(request);
      asked = true;
    }
  }
  EXPECT_TRUE(asked);
}

TEST(ApiClient, SignsAgainWithTheServerClockAfterAStaleTimestamp) {
  const int64_t server_clock = std::time(nullptr) + 7200;  // kiosk clock 2 h slow
  ScriptedTransport transport([&](const HttpRequest& request) -> Result<HttpResponse> {
    const int64_t stamp = std::stoll(Header(request, protocol::kHeaderTimestamp));
    HttpResponse response =
        std::llabs(stamp - server_clock) > 300
            ? JsonResponse(401, R"({"error":"stale_timestamp","message":"clock"})")
            : JsonResponse(200, R"({"ok":true})");
    response.headers["x-yimen-server-time"] = std::to_string(server_clock);
    return response;
  });
  ApiClient api(transport, TestCredentials());
  EXPECT_TRUE(api.SendHeartbeat({}).ok());
  ASSERT_EQ(transport.requests.size(), 2u);
  EXPECT_NEAR(std::stoll(Header(transport.requests[1], protocol::kHeaderTimestamp)),
              server_clock, 5);
  EXPECT_NE(Header(transport.requests[0], protocol::kHeaderNonce),
            Header(transport.requests[1], protocol::kHeaderNonce));
  // Learned once, the offset is used from the first try.
  EXPECT_TRUE(api.SendHeartbeat({}).ok());
  EXPECT_EQ(transport.requests.size(), 3u);
}

TEST(ApiClient, ErrorKindsCarryRetryMeaning) {
  EXPECT_EQ(ErrorFromResponse(JsonResponse(503, "{}")).kind, ErrorKind::kUnavailable);
  EXPECT_EQ(ErrorFromResponse(JsonResponse(429, "{}")).kind, ErrorKind::kUnavailable);
  EXPECT_EQ(ErrorFromResponse(JsonResponse(409, "{}")).kind, ErrorKind::kConflict);
  EXPECT_EQ(ErrorFromResponse(JsonResponse(404, "{}")).kind, ErrorKind::kNotFound);
  EXPECT_EQ(ErrorFromResponse(JsonResponse(401, R"({"error":"bad_signature"})")).kind,
            ErrorKind::kRejected);
  // Our own request resent by libcurl after a dead connection: transient.
  EXPECT_EQ(ErrorFromResponse(JsonResponse(401, R"({"error":"replayed"})")).kind,
            ErrorKind::kUnavailable);
  const Error e =
      ErrorFromResponse(JsonResponse(403, R"({"error":"device_revoked","message":"gone"})"));
  EXPECT_EQ(e.message, "HTTP 403 device_revoked: gone");
  EXPECT_EQ(e.code, protocol::kErrorDeviceRevoked) << "the word to branch on, not the text";
  // A proxy's 403 page has no word: still recognisable as an authentication refusal.
  EXPECT_EQ(ErrorFromResponse(JsonResponse(403, "<html>forbidden</html>")).code, "http_403");
}

// The office revoked this kiosk: the cycle stops at the first refusal, parks nothing,
// keeps every outbox row due, reports `revoked`, and remembers it, so the next cycle
// asks once (a heartbeat) and sends nothing else.
TEST_F(Engine, RevokedKioskKeepsItsOutboxWholeAndSaysSo) {
  const auto submitted = Submit(3);
  FakeServer server;
  server.revoked = true;
  ScriptedTransport transport(std::ref(server));
  ApiClient api(transport, TestCredentials());

  CycleReport report = RunSyncCycle(*store, api, options);
  EXPECT_TRUE(report.revoked);
  ASSERT_TRUE(report.error.has_value());
  EXPECT_EQ(report.error->code, protocol::kErrorDeviceRevoked);
  EXPECT_EQ(report.rejected, 0);
  EXPECT_EQ(report.pending_after, 3);
  EXPECT_EQ(report.parked_after, 0);
  EXPECT_TRUE(IsRevokedHere(*store, 7));
  EXPECT_FALSE(IsRevokedHere(*store, 8)) << "enrolled again (new device id): not revoked";
  for (const SubmittedApplication& s : submitted) {
    auto stub = store->applications().FindByAppNumber(s.app_number);
    ASSERT_TRUE(stub.ok() && stub->has_value());
    EXPECT_EQ((*stub)->sync_state, SyncState::kPending) << s.app_number;
  }
  const size_t first_cycle = transport.requests.size();
  std::printf("figure: requests in the cycle that learnt it is revoked: %zu\n", first_cycle);

  CycleReport again = RunSyncCycle(*store, api, options);
  EXPECT_TRUE(again.revoked);
  ASSERT_EQ(transport.requests.size(), first_cycle + 1) << "one probe, nothing pushed";
  EXPECT_EQ(PathOf(transport.requests.back()), protocol::kPathHeartbeat);
  auto health = store->applications().OutboxHealth();
  ASSERT_TRUE(health.ok());
  EXPECT_EQ(health->pending, 3);
  EXPECT_EQ(health->parked, 0);

  // Offline now: what the server last said stands.
  ScriptedTransport down([](const HttpRequest&) -> Result<HttpResponse> {
    return MakeError(ErrorKind::kUnavailable, "connection refused");
  });
  ApiClient offline(down, TestCredentials());
  EXPECT_TRUE(RunSyncCycle(*store, offline, options).revoked);
}

// The engine's snapshot carries the revoked state to the UI, with the outbox counts.
TEST_F(Engine, RevokedStateReachesTheSnapshot) {
  ASSERT_TRUE(SaveCredentials(*store, TestCredentials()).ok());
  Submit(2);
  auto server = std::make_shared<FakeServer>();
  server->revoked = true;
  options.make_transport = [server](const CurlOptions&) -> std::unique_ptr<Transport> {
    return std::make_unique<ScriptedTransport>(std::ref(*server));
  };
  SyncEngine engine(dir.path(), options);
  ASSERT_TRUE(engine.Start().ok());
  for (int i = 0; i < 2000 && engine.CyclesDone() < 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_GE(engine.CyclesDone(), 1);
  const SyncSnapshot snapshot = engine.Snapshot();
  EXPECT_TRUE(snapshot.revoked);
  EXPECT_TRUE(snapshot.enrolled);
  EXPECT_EQ(snapshot.pending, 2);
  EXPECT_EQ(snapshot.parked, 0);
  // The next attempt is the slow revoked interval away (an hour by default).
  ASSERT_TRUE(snapshot.next_attempt_at.has_value());
  EXPECT_GT(*snapshot.next_attempt_at - std::chrono::system_clock::now(), std::chrono::minutes(30));
  engine.Stop();
}

TEST_F(Engine, EnrollmentRetryAfterALostReplySendsTheSameKey) {
  int calls = 0;
  ScriptedTransport transport([&](const HttpRequest&) -> Result<HttpResponse> {
    if (++calls == 1) return MakeError(ErrorKind::kUnavailable, "reply lost");
    protocol::EnrollResponse response{12, "东门社区", "K7Q2", Base64Encode(std::string(32, 'k')),
                                      0,  ""};
    return JsonResponse(200, protocol::SerializeMessage(response));
  });
  auto first = EnrollKiosk(*store, {"http://a.test/"}, "ABCDE-FGHJK", &transport, "test");
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().kind, ErrorKind::kUnavailable);
  auto second = EnrollKiosk(*store, {"http://a.test/"}, "ABCDE-FGHJK", &transport, "test");
  ASSERT_TRUE(second.ok()) << second.error().message;
  ASSERT_EQ(transport.requests.size(), 2u);
  auto a = protocol::ParseMessage<protocol::EnrollRequest>(transport.requests[0].body);
  auto b = protocol::ParseMessage<protocol::EnrollRequest>(transport.requests[1].body);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->public_key, b->public_key);
  EXPECT_EQ(transport.requests[0].url, "http://a.test/v1/enroll");

  auto loaded = LoadCredentials(*store);
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ((*loaded)->device_id, 12);
  EXPECT_EQ((*loaded)->hall, "东门社区");
  EXPECT_EQ((*loaded)->server_urls, std::vector<std::string>{"http://a.test"});
  EXPECT_EQ(Base64Encode((*loaded)->secret_key.substr(32)), a->public_key);
  auto code = store->settings().KioskCode();
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(*code, "K7Q2");
}

TEST_F(Engine, SyncOnceRefusesAKioskThatIsNotEnrolled) {
  auto report = RunSyncOnce(dir.path(), options);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.error().message.find("--enroll"), std::string::npos);
}

TEST_F(Engine, ThreadSendsSoonAfterATriggerAndReportsItsState) {
  ASSERT_TRUE(SaveCredentials(*store, TestCredentials()).ok());
  auto server = std::make_shared<FakeServer>();
  auto mutex = std::make_shared<std::mutex>();
  options.idle_interval = std::chrono::seconds(3600);  // only triggers wake it
  options.make_transport = [server, mutex](const CurlOptions&) -> std::unique_ptr<Transport> {
    return std::make_unique<ScriptedTransport>([server, mutex](const HttpRequest& r) {
      std::lock_guard lock(*mutex);
      return (*server)(r);
    });
  };
  SyncEngine engine(dir.path(), options);
  ASSERT_TRUE(engine.Start().ok());
  auto wait_for_cycles = [&](int64_t n) {
    for (int i = 0; i < 2000 && engine.CyclesDone() < n; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return engine.CyclesDone() >= n;
  };
  ASSERT_TRUE(wait_for_cycles(1));
  EXPECT_EQ(engine.Snapshot().pending, 0);
  EXPECT_TRUE(engine.Snapshot().enrolled);

  Submit(2);  // the UI thread's store, as in the kiosk
  const int64_t before = engine.CyclesDone();
  engine.TriggerNow();
  ASSERT_TRUE(wait_for_cycles(before + 1));
  const SyncSnapshot snapshot = engine.Snapshot();
  EXPECT_EQ(snapshot.pending, 0);
  EXPECT_TRUE(snapshot.online);
  EXPECT_TRUE(snapshot.last_success_at.has_value());
  EXPECT_EQ(snapshot.last_error, "");
  {
    std::lock_guard lock(*mutex);
    EXPECT_EQ(server->receipts.size(), 2u);
  }
  engine.Stop();
  EXPECT_FALSE(engine.Snapshot().running);
}

}  // namespace
}  // namespace yimen::sync
