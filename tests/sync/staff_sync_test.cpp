// The kiosk's staff steps against canned server replies (sync/client/staff_sync.cpp):
// the exact requests sent, a page and its cursor stored together, and replies that must
// not move a cursor (a stuck server cursor, an acknowledgement of nothing or of more
// than was sent). The real round trip is tests/server/staff_sync_test.cpp.
#include "sync/client/staff_sync.h"

#include <sodium.h>

#include <gtest/gtest.h>

#include "sync/protocol/signing.h"
#include "sync/sync_test_support.h"

namespace yimen::sync {
namespace {

using testing::JsonResponse;
using testing::ScriptedTransport;
using testing::SyncTempDir;

DeviceCredentials Credentials() {
  DeviceCredentials c;
  c.server_urls = {"http://a.test"};
  c.device_id = 7;
  c.secret_key = protocol::GenerateSigningKeyPair().secret_key;
  return c;
}

std::string Argon2id(const std::string& pin) {
  char out[crypto_pwhash_STRBYTES];
  EXPECT_EQ(crypto_pwhash_str(out, pin.data(), pin.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE),
            0);
  return out;
}

class StaffSyncClient : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = Store::Open(m_dir.path());
    ASSERT_TRUE(store.ok()) << store.error().message;
    m_store = std::move(*store);
  }
  SyncTempDir m_dir;
  std::unique_ptr<Store> m_store;
};

TEST_F(StaffSyncClient, PullsPagesAfterTheStoredCursorAndStoresEachWithItsCursor) {
  const std::string hash = Argon2id("24681357");
  std::vector<std::string> urls;
  ScriptedTransport transport([&](const HttpRequest& request) -> Result<HttpResponse> {
    urls.push_back(request.url);
    protocol::StaffAccountsPage page;
    if (request.url.find("after=0") != std::string::npos) {
      page.accounts = {{"wangli", hash, false, 3}};
      page.cursor = 3;
      page.more = true;
    } else {
      page.accounts = {{"zhaomin", hash, true, 8}};
      page.cursor = 8;
    }
    return JsonResponse(200, protocol::SerializeMessage(page));
  });
  ApiClient api(transport, Credentials());
  StaffSyncReport report;
  ASSERT_TRUE(PullStaffAccounts(*m_store, api, &report).ok());
  EXPECT_EQ(report.accounts_applied, 2);
  ASSERT_EQ(urls.size(), 2u);
  EXPECT_EQ(urls[0], "http://a.test/v1/staff-accounts?after=0&limit=500");
  EXPECT_EQ(urls[1], "http://a.test/v1/staff-accounts?after=3&limit=500");
  EXPECT_EQ(*m_store->staff().StaffAccountsCursor(), 8);
  EXPECT_EQ(m_store->staff().StaffLogin("wangli", "24681357", 1)->outcome,
            StaffLoginOutcome::kAccepted);
  EXPECT_EQ(m_store->staff().StaffLogin("zhaomin", "24681357", 1)->outcome,
            StaffLoginOutcome::kRefused);
}

TEST_F(StaffSyncClient, StopsWhenTheServerCursorDoesNotMove) {
  int calls = 0;
  ScriptedTransport transport([&](const HttpRequest&) -> Result<HttpResponse> {
    ++calls;
    protocol::StaffAccountsPage page;  // "more", but the cursor stays at 0
    page.more = true;
    return JsonResponse(200, protocol::SerializeMessage(page));
  });
  ApiClient api(transport, Credentials());
  StaffSyncReport report;
  EXPECT_TRUE(PullStaffAccounts(*m_store, api, &report).ok());
  EXPECT_EQ(calls, 1);
}

TEST_F(StaffSyncClient, AWeakHashFromTheServerIsRefusedAndTheCursorStays) {
  ScriptedTransport transport([&](const HttpRequest&) -> Result<HttpResponse> {
    protocol::StaffAccountsPage page;
    page.accounts = {{"wangli", "$2y$10$notargon2", false, 4}};
    page.cursor = 4;
    return JsonResponse(200, protocol::SerializeMessage(page));
  });
  ApiClient api(transport, Credentials());
  StaffSyncReport report;
  EXPECT_EQ(PullStaffAccounts(*m_store, api, &report).error().kind, ErrorKind::kInvalidArgument);
  EXPECT_EQ(*m_store->staff().StaffAccountsCursor(), 0);
  EXPECT_EQ(*m_store->staff().CountStaffAccounts(), 0);
}

TEST_F(StaffSyncClient, PushesAuditInBatchesAndMovesOnlyToWhatWasSentAndAcknowledged) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(m_store->AppendAudit("system", "test.row", "").ok());
  auto all = m_store->staff().AuditAfter(0, 100);
  ASSERT_TRUE(all.ok());
  std::vector<size_t> batch_sizes;
  ScriptedTransport transport([&](const HttpRequest& request) -> Result<HttpResponse> {
    auto push = protocol::ParseMessage<protocol::AuditPush>(request.body);
    EXPECT_TRUE(push.ok());
    batch_sizes.push_back(push->rows.size());
    protocol::AuditAck ack;
    ack.through = push->rows.back().seq + 1000;  // a confused server over-acknowledges
    return JsonResponse(200, protocol::SerializeMessage(ack));
  });
  ApiClient api(transport, Credentials());
  StaffSyncReport report;
  ASSERT_TRUE(PushAudit(*m_store, api, 2, &report).ok());
  const size_t n = all->size();
  EXPECT_EQ(batch_sizes.size(), (n + 1) / 2);
  EXPECT_EQ(batch_sizes.front(), 2u);
  EXPECT_EQ(report.audit_sent, static_cast<int64_t>(n));
  EXPECT_EQ(*m_store->staff().AuditPushedThrough(), all->back().id) << "never past what was sent";
}

TEST_F(StaffSyncClient, AnAcknowledgementOfNothingStopsThePush) {
  ASSERT_TRUE(m_store->AppendAudit("system", "test.row", "").ok());
  ScriptedTransport transport([&](const HttpRequest&) -> Result<HttpResponse> {
    return JsonResponse(200, protocol::SerializeMessage(protocol::AuditAck{}));
  });
  ApiClient api(transport, Credentials());
  StaffSyncReport report;
  EXPECT_EQ(PushAudit(*m_store, api, 100, &report).error().kind, ErrorKind::kRejected);
  EXPECT_EQ(*m_store->staff().AuditPushedThrough(), 0);
  EXPECT_EQ(transport.requests.size(), 1u);
}

TEST_F(StaffSyncClient, AServerWithoutTheEndpointsIsNotAFailureAndNothingMoves) {
  ASSERT_TRUE(m_store->AppendAudit("system", "test.row", "").ok());
  ScriptedTransport transport([&](const HttpRequest&) -> Result<HttpResponse> {
    return JsonResponse(404, R"({"error":"not_found","message":"no such endpoint"})");
  });
  ApiClient api(transport, Credentials());
  StaffSyncReport report;
  EXPECT_TRUE(PullStaffAccounts(*m_store, api, &report).ok());
  EXPECT_TRUE(PushAudit(*m_store, api, 100, &report).ok());
  EXPECT_EQ(transport.requests.size(), 2u);
  EXPECT_EQ(*m_store->staff().AuditPushedThrough(), 0);
  EXPECT_EQ(report.audit_sent, 0);
}

}  // namespace
}  // namespace yimen::sync
