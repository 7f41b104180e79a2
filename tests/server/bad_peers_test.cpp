// Bad peers are refused with a status and a reason (issue 3, "Must show"): a forged
// signature, a replayed request, a stale or unsigned one, a used, wrong or expired
// enrollment code, guessing throttled, a revoked kiosk. Requests are crafted by hand
// here so each one differs from a good request in exactly one way.
#include <gtest/gtest.h>

#include <ctime>
#include <limits>

#include "common/sealing.h"
#include "domain/app_number.h"
#include "server/key_ring.h"
#include "server/office_fleet.h"
#include "server/server_test_support.h"
#include "sync/protocol/signing.h"

namespace yimen::testing {
namespace {

using protocol::SignedParts;

struct Peer {
  int64_t device_id = 0;
  std::string secret_key;
  std::string kiosk_code;
};

class BadPeers : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(PgCluster::Get().ok()) << "no PostgreSQL";
    server::ServerOptions options;
    options.enroll_failures_allowed = 3;
    server = std::make_unique<TestServer>(db.url(), 0, options);
    ASSERT_TRUE(server->ok());
  }

  std::string Code() {
    auto code = server::IssueEnrollCode(server->core().pool(), "东门社区", 1);
    EXPECT_TRUE(code.ok());
    return code.ok() ? *code : "";
  }

  sync::HttpResponse Send(const sync::HttpRequest& request) {
    auto response = transport.Send(request);
    EXPECT_TRUE(response.ok()) << response.error().message;
    return response.ok() ? *response : sync::HttpResponse{};
  }

  sync::HttpResponse EnrollRaw(const std::string& code, const std::string& public_key) {
    protocol::EnrollRequest request{code, Base64Encode(public_key), "test", ""};
    return Send({"POST", server->url() + protocol::kPathEnroll,
                 {{"Content-Type", "application/json"}}, protocol::SerializeMessage(request)});
  }

  Peer Enroll() {
    const protocol::SigningKeyPair keys = protocol::GenerateSigningKeyPair();
    sync::HttpResponse r = EnrollRaw(Code(), keys.public_key);
    EXPECT_EQ(r.status, 200) << r.body;
    auto parsed = protocol::ParseMessage<protocol::EnrollResponse>(r.body);
    EXPECT_TRUE(parsed.ok());
    return {parsed.ok() ? parsed->device_id : 0, keys.secret_key,
            parsed.ok() ? parsed->kiosk_code : ""};
  }

  // A request signed over `signed_parts` but sent as `method target body`, with the
  // headers the parts imply. Sign with `key`.
  sync::HttpRequest Signed(int64_t device_id, const SignedParts& parts, const std::string& key) {
    auto signature = protocol::SignRequest(parts, key);
    EXPECT_TRUE(signature.ok());
    return {parts.method,
            server->url() + parts.path,
            {{"Content-Type", "application/json"},
             {protocol::kHeaderDevice, std::to_string(device_id)},
             {protocol::kHeaderTimestamp, std::to_string(parts.timestamp)},
             {protocol::kHeaderNonce, parts.nonce},
             {protocol::kHeaderSignature, signature.ok() ? *signature : ""}},
            parts.body};
  }

  static SignedParts Heartbeat() {
    return {"POST", protocol::kPathHeartbeat, static_cast<int64_t>(std::time(nullptr)),
            protocol::NewNonce(), R"({"queue_depth":1})"};
  }

  static std::string Word(const sync::HttpResponse& response) {
    auto body = protocol::ParseMessage<protocol::ErrorBody>(response.body);
    return body.ok() ? body->error : "(unparsable: " + response.body + ")";
  }

  TestDatabase db;
  std::unique_ptr<TestServer> server;
  sync::CurlTransport transport;
};

TEST_F(BadPeers, AGoodSignedRequestIsServed) {
  const Peer peer = Enroll();
  sync::HttpResponse r = Send(Signed(peer.device_id, Heartbeat(), peer.secret_key));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(db.Query("SELECT queue_depth FROM devices WHERE id = " +
                     std::to_string(peer.device_id)),
            "1");
}

TEST_F(BadPeers, UnsignedRequestIsRefused) {
  sync::HttpResponse r =
      Send({"POST", server->url() + protocol::kPathHeartbeat, {}, R"({"queue_depth":1})"});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Word(r), "unsigned");
}

TEST_F(BadPeers, ForgedSignatureIsRefused) {
  const Peer victim = Enroll();
  // The attacker claims the victim's device id but holds only a key of their own.
  const protocol::SigningKeyPair attacker = protocol::GenerateSigningKeyPair();
  sync::HttpResponse r = Send(Signed(victim.device_id, Heartbeat(), attacker.secret_key));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Word(r), "bad_signature");
  EXPECT_EQ(db.Query("SELECT coalesce(queue_depth, -1) FROM devices WHERE id = " +
                     std::to_string(victim.device_id)),
            "-1")
      << "a forged heartbeat must change nothing";
}

TEST_F(BadPeers, BodyChangedAfterSigningIsRefused) {
  const Peer peer = Enroll();
  sync::HttpRequest request = Signed(peer.device_id, Heartbeat(), peer.secret_key);
  request.body = R"({"queue_depth":999})";
  sync::HttpResponse r = Send(request);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Word(r), "bad_signature");
}

TEST_F(BadPeers, ReplayedRequestIsRefused) {
  const Peer peer = Enroll();
  const sync::HttpRequest request = Signed(peer.device_id, Heartbeat(), peer.secret_key);
  EXPECT_EQ(Send(request).status, 200);
  sync::HttpResponse again = Send(request);
  EXPECT_EQ(again.status, 401);
  EXPECT_EQ(Word(again), "replayed");
}

TEST_F(BadPeers, ReplayOnAnotherServerCopyIsRefusedToo) {
  TestServer other(db.url());
  ASSERT_TRUE(other.ok());
  const Peer peer = Enroll();
  sync::HttpRequest request = Signed(peer.device_id, Heartbeat(), peer.secret_key);
  EXPECT_EQ(Send(request).status, 200);
  request.url = other.url() + protocol::kPathHeartbeat;
  sync::HttpResponse r = Send(request);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Word(r), "replayed");
}

// A push records its nonce in the transaction that stores its rows (one commit per
// push); a replay of it, on this copy or another, must still be refused and store
// nothing twice.
TEST_F(BadPeers, ReplayedPushIsRefusedOnEitherCopyAndStoresNothingTwice) {
  TestServer other(db.url());
  ASSERT_TRUE(other.ok());
  const Peer peer = Enroll();
  protocol::PushItem item;
  item.uuid = "0d9f6a52-3c1e-4b7a-9e55-6f2a1c3b4d5e";
  item.app_number = FormatAppNumber(peer.kiosk_code, {2026, 11, 23}, 1);
  item.service_code = "dibao";
  item.payload_format = protocol::kPayloadSealedV2;
  auto active = server::ActiveSealingKey(server->core().pool());
  ASSERT_TRUE(active.ok());
  auto sealed = seal::SealEnvelope(R"({"service_code":"dibao"})", active->public_key);
  ASSERT_TRUE(sealed.ok());
  item.payload = *sealed;
  const SignedParts parts{"POST", protocol::kPathPush, static_cast<int64_t>(std::time(nullptr)),
                          protocol::NewNonce(),
                          protocol::SerializeMessage(protocol::PushRequest{{item}})};
  sync::HttpRequest request = Signed(peer.device_id, parts, peer.secret_key);
  sync::HttpResponse first = Send(request);
  ASSERT_EQ(first.status, 200) << first.body;
  sync::HttpResponse again = Send(request);
  EXPECT_EQ(again.status, 401);
  EXPECT_EQ(Word(again), "replayed");
  request.url = other.url() + protocol::kPathPush;
  sync::HttpResponse elsewhere = Send(request);
  EXPECT_EQ(elsewhere.status, 401);
  EXPECT_EQ(Word(elsewhere), "replayed");
  EXPECT_EQ(db.Count("SELECT count(*) FROM applications"), 1);
  EXPECT_EQ(db.Count("SELECT count(*) FROM request_nonces WHERE device_id = " +
                     std::to_string(peer.device_id)),
            1);
}

TEST_F(BadPeers, StaleTimestampIsRefusedAndTheServerClockIsSent) {
  const Peer peer = Enroll();
  SignedParts parts = Heartbeat();
  parts.timestamp -= 3600;  // a kiosk clock one hour slow
  sync::HttpResponse r = Send(Signed(peer.device_id, parts, peer.secret_key));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Word(r), "stale_timestamp");
  ASSERT_TRUE(r.headers.count("x-yimen-server-time"));
  EXPECT_NEAR(std::stoll(r.headers["x-yimen-server-time"]), std::time(nullptr), 5);
}

// Signed properly, but dated at the very ends of the int64 range: the skew check once
// computed timestamp - now and overflowed (UBSan) for -2^63.
TEST_F(BadPeers, TimestampsAtTheEndsOfTheRangeAreStale) {
  const Peer peer = Enroll();
  for (const int64_t timestamp : {std::numeric_limits<int64_t>::min(),
                                  std::numeric_limits<int64_t>::max()}) {
    SignedParts parts = Heartbeat();
    parts.timestamp = timestamp;
    sync::HttpResponse r = Send(Signed(peer.device_id, parts, peer.secret_key));
    EXPECT_EQ(r.status, 401) << timestamp;
    EXPECT_EQ(Word(r), "stale_timestamp") << timestamp;
  }
  EXPECT_EQ(db.Query("SELECT coalesce(queue_depth, -1) FROM devices WHERE id = " +
                     std::to_string(peer.device_id)),
            "-1");
}

TEST_F(BadPeers, UnknownDeviceIsRefused) {
  const protocol::SigningKeyPair keys = protocol::GenerateSigningKeyPair();
  sync::HttpResponse r = Send(Signed(424242, Heartbeat(), keys.secret_key));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Word(r), "unknown_device");
}

TEST_F(BadPeers, RevokedKioskIsRefused) {
  const Peer peer = Enroll();
  const server::OfficeAccount admin{1, "ops-admin", server::OfficeRole::kAdmin, "全市"};
  ASSERT_TRUE(
      server::RevokeKiosk(server->core().pool(), admin, {peer.device_id, "lost", "cli", "test"})
          .ok());
  sync::HttpResponse r = Send(Signed(peer.device_id, Heartbeat(), peer.secret_key));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(Word(r), "device_revoked");
}

TEST_F(BadPeers, UsedEnrollmentCodeIsRefusedToAnotherKey) {
  const std::string code = Code();
  const protocol::SigningKeyPair first = protocol::GenerateSigningKeyPair();
  const protocol::SigningKeyPair second = protocol::GenerateSigningKeyPair();
  sync::HttpResponse ok = EnrollRaw(code, first.public_key);
  ASSERT_EQ(ok.status, 200) << ok.body;
  sync::HttpResponse used = EnrollRaw(code, second.public_key);
  EXPECT_EQ(used.status, 403);
  EXPECT_EQ(Word(used), "code_used");
  EXPECT_EQ(db.Count("SELECT count(*) FROM devices"), 1);
}

TEST_F(BadPeers, SameKeyRetryingAfterALostReplyGetsItsEnrollmentBack) {
  const std::string code = Code();
  const protocol::SigningKeyPair keys = protocol::GenerateSigningKeyPair();
  sync::HttpResponse first = EnrollRaw(code, keys.public_key);
  sync::HttpResponse retry = EnrollRaw(code, keys.public_key);
  ASSERT_EQ(first.status, 200);
  ASSERT_EQ(retry.status, 200) << retry.body;
  auto a = protocol::ParseMessage<protocol::EnrollResponse>(first.body);
  auto b = protocol::ParseMessage<protocol::EnrollResponse>(retry.body);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->device_id, b->device_id);
  EXPECT_EQ(a->kiosk_code, b->kiosk_code);
  EXPECT_EQ(a->hall, "东门社区");
}

TEST_F(BadPeers, ExpiredEnrollmentCodeIsRefused) {
  const std::string code = Code();
  {
    pqxx::connection c(db.url());
    pqxx::nontransaction tx(c);
    tx.exec("UPDATE enroll_codes SET expires_at = now() - interval '1 minute'");
  }
  sync::HttpResponse r = EnrollRaw(code, protocol::GenerateSigningKeyPair().public_key);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(Word(r), "code_expired");
}

TEST_F(BadPeers, WrongCodesAreThrottled) {
  const std::string good = Code();
  for (int i = 0; i < 3; ++i) {
    sync::HttpResponse r = EnrollRaw("WRONG-CODE" + std::to_string(i),
                                     protocol::GenerateSigningKeyPair().public_key);
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(Word(r), "code_invalid");
  }
  // The next wrong guess waits the window out...
  sync::HttpResponse throttled =
      EnrollRaw("WRONG-CODE" + std::to_string(3), protocol::GenerateSigningKeyPair().public_key);
  EXPECT_EQ(throttled.status, 429);
  EXPECT_EQ(Word(throttled), "throttled");
  EXPECT_TRUE(throttled.headers.count("retry-after"));
  // ...but the right code does not: another kiosk behind the same address enrolls
  // (tests/server/enroll_guessing_test.cpp has the parallel cases).
  EXPECT_EQ(EnrollRaw(good, protocol::GenerateSigningKeyPair().public_key).status, 200);
}

TEST_F(BadPeers, EnrollKioskReportsARefusedCodeAsRejected) {
  TestKiosk kiosk;
  const std::string code = Code();
  ASSERT_EQ(EnrollRaw(code, protocol::GenerateSigningKeyPair().public_key).status, 200);
  sync::CurlTransport curl;
  auto enrolled = sync::EnrollKiosk(kiosk.store(), {server->url()}, code, &curl, "test");
  ASSERT_FALSE(enrolled.ok());
  EXPECT_EQ(enrolled.error().kind, ErrorKind::kRejected);
  EXPECT_NE(enrolled.error().message.find("code_used"), std::string::npos)
      << enrolled.error().message;
  auto stored = sync::LoadCredentials(kiosk.store());
  ASSERT_TRUE(stored.ok());
  EXPECT_FALSE(stored->has_value());
}

}  // namespace
}  // namespace yimen::testing
