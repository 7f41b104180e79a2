// Ingest never opens what it stores (docs/internals/sync.md "Ingest stores sealed"),
// attacked as a malicious enrolled kiosk would: payloads nested tens of thousands deep,
// another kiosk's application numbers in every spelling, NUL characters, plaintext and
// forged envelopes. Real server binary or in-process copies, real PostgreSQL, real
// yimen-admin; pg_dump proves the database holds nothing decrypted.
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

#include "common/sealing.h"
#include "domain/app_number.h"
#include "server/application_open.h"
#include "server/key_ring.h"
#include "server/migrations.h"
#include "server/server_test_support.h"
#include "sync/protocol/signing.h"

namespace yimen::testing {
namespace {

constexpr const char* kPgDump = "/usr/lib/postgresql/15/bin/pg_dump";
constexpr const char* kCanary = "CANARY-9d1f-宋玉兰";

struct Peer {
  int64_t device_id = 0;
  std::string kiosk_code;
  protocol::SigningKeyPair keys;
};

std::string Deep(int depth) {
  return std::string(R"({"format":1,"service_code":"dibao","values":{"reason":)") +
         std::string(static_cast<size_t>(depth), '[') +
         std::string(static_cast<size_t>(depth), ']') + "}}";
}

std::string Draft(const std::string& reason) {
  return nlohmann::json{{"format", 1},
                        {"service_code", "dibao"},
                        {"catalog_version", "2026.3"},
                        {"values", {{"name", kCanary}, {"reason", reason}}},
                        {"groups", nlohmann::json::object()},
                        {"attachments", nlohmann::json::object()}}
      .dump();
}

// Occurrences of `needle` in `haystack`.
size_t Hits(const std::string& haystack, const std::string& needle) {
  size_t hits = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1)) {
    ++hits;
  }
  return hits;
}

class Ingest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(PgCluster::Get().ok()) << "no PostgreSQL"; }

  // Enrolls a kiosk asking for `kiosk_code` (the server keeps it when free).
  Peer Enroll(server::PgPool& pool, const std::string& base_url, const std::string& kiosk_code) {
    Peer peer;
    auto code = server::IssueEnrollCode(pool, "东门社区", 1);
    EXPECT_TRUE(code.ok());
    peer.keys = protocol::GenerateSigningKeyPair();
    protocol::EnrollRequest enroll{code.ok() ? *code : "", Base64Encode(peer.keys.public_key),
                                   "test", kiosk_code};
    auto r = transport.Send({"POST", base_url + protocol::kPathEnroll, {},
                             protocol::SerializeMessage(enroll)});
    EXPECT_TRUE(r.ok() && r->status == 200) << (r.ok() ? r->body : r.error().message);
    if (!r.ok()) return peer;
    auto response = protocol::ParseMessage<protocol::EnrollResponse>(r->body);
    EXPECT_TRUE(response.ok());
    peer.device_id = response->device_id;
    peer.kiosk_code = response->kiosk_code;
    EXPECT_EQ(peer.kiosk_code, kiosk_code);
    return peer;
  }

  sync::HttpResponse SendSigned(const Peer& peer, const std::string& base_url,
                                const std::string& method, const std::string& target,
                                const std::string& body) {
    return SendSignedAs(transport, base_url, peer.device_id, peer.keys.secret_key, method,
                        target, body);
  }

  // A push item sealed (sealed-v2) to the ring's active key.
  protocol::PushItem Sealed(server::PgPool& pool, const std::string& uuid,
                            const std::string& number, const std::string& plaintext) {
    protocol::PushItem item;
    item.uuid = uuid;
    item.app_number = number;
    item.service_code = "dibao";
    item.catalog_version = "2026.3";
    item.payload_format = protocol::kPayloadSealedV2;
    auto active = server::ActiveSealingKey(pool);
    EXPECT_TRUE(active.ok());
    auto sealed = seal::SealEnvelope(plaintext, active.ok() ? active->public_key : "");
    EXPECT_TRUE(sealed.ok());
    item.payload = sealed.ok() ? *sealed : "";
    item.submitted_at = "2026-12-03T01:30:00Z";
    return item;
  }

  std::vector<protocol::PushResult> Push(const Peer& peer, const std::string& base_url,
                                         const std::vector<protocol::PushItem>& items) {
    sync::HttpResponse r = SendSigned(peer, base_url, "POST", protocol::kPathPush,
                                      protocol::SerializeMessage(protocol::PushRequest{items}));
    EXPECT_EQ(r.status, 200) << r.body.substr(0, 300);
    auto parsed = protocol::ParseMessage<protocol::PushResponse>(r.body);
    EXPECT_TRUE(parsed.ok()) << r.body.substr(0, 300);
    return parsed.ok() ? parsed->results : std::vector<protocol::PushResult>{};
  }

  std::string PgDump(const TestDatabase& database) {
    CommandResult dump = RunCommand({kPgDump, "--dbname=" + database.url()});
    EXPECT_EQ(dump.exit_code, 0);
    EXPECT_NE(dump.out.find("CREATE TABLE public.applications"), std::string::npos);
    return dump.out;
  }

  TestDatabase db;
  sync::CurlTransport transport;
};

// Finding (a): a payload nested 60,000 deep crashed every copy after unsealing. Now the
// real yimen-server stores it sealed without looking, stays up, and opening it in the
// office path is a refusal with a reason.
TEST_F(Ingest, DeepSealedPayloadsAreStoredUnopenedAndRefusedWhenOpened) {
  ChildProcess child({YIMEN_SERVER_BIN, "--pg", db.url(), "--listen", "127.0.0.1:0"});
  const std::string line = child.FirstLine();
  ASSERT_EQ(line.rfind("listening on 127.0.0.1:", 0), 0u) << line;
  const std::string url = "http://" + line.substr(std::string("listening on ").size());
  server::PgPool pool(db.url());
  server::KeyVault vault(pool, std::chrono::minutes(1));
  const Peer peer = Enroll(pool, url, "K7Q2");
  const std::string number60 = FormatAppNumber("K7Q2", {2026, 12, 3}, 1);
  const std::string number30 = FormatAppNumber("K7Q2", {2026, 12, 3}, 2);
  const std::string deep60 = Deep(60000);
  std::printf("60,000-deep payload: %zu bytes\n", deep60.size());
  auto results = Push(peer, url,
                      {Sealed(pool, "5e0c1d2a-0000-4000-8000-000000060000", number60, deep60),
                       Sealed(pool, "5e0c1d2a-0000-4000-8000-000000030000", number30, Deep(30000))});
  ASSERT_EQ(results.size(), 2u);
  for (const auto& result : results) {
    EXPECT_EQ(result.outcome, protocol::PushOutcome::kCreated) << result.code << " " << result.reason;
  }
  // Still serving: the same copy answers a heartbeat and a health check.
  auto health = transport.Send({"GET", url + protocol::kPathHealth, {}, ""});
  ASSERT_TRUE(health.ok()) << "the server died: " << health.error().message;
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(SendSigned(peer, url, "POST", protocol::kPathHeartbeat, R"({"queue_depth":0})").status,
            200);

  OfficeAdmin office(db.url());
  ASSERT_TRUE(office.Bootstrap());
  ASSERT_TRUE(office.AddAccount("reviewer-li", "reviewer"));
  for (const std::string& number : {number60, number30}) {
    auto opened = server::OpenApplication(pool, vault, number, nullptr);
    ASSERT_FALSE(opened.ok()) << number;
    EXPECT_EQ(opened.error().kind, ErrorKind::kRejected);
    EXPECT_EQ(opened.error().message, "cannot open: the payload is nested deeper than 64 levels");
    // yimen-admin show refuses the same way: an exit code, not a crash.
    CommandResult show = office.RunAs("reviewer-li", OfficeAdmin::kPassword, {"show", number},
                                      "", /*with_stderr=*/true);
    EXPECT_EQ(show.exit_code, 1) << number;
    // Signed in, then refused for the depth (not for the sign-in), and nothing printed.
    EXPECT_NE(show.out.find("nested deeper than 64 levels"), std::string::npos) << show.out;
  }
  EXPECT_TRUE(child.running());
  EXPECT_EQ(child.Stop(), 0) << "yimen-server exits cleanly on SIGTERM after the deep push";
}

// Finding (d), deliverable 1: after pushes, by a real kiosk and by hand, nothing in the
// database reads as an application; the office path still opens every one.
TEST_F(Ingest, NothingDecryptedIsStoredAndTheOfficeOpensWhatWasPushed) {
  TestServer server(db.url());
  ASSERT_TRUE(server.ok());
  TestKiosk kiosk;
  ASSERT_TRUE(kiosk.Enroll(server.core().pool(), {server.url()}));
  std::vector<SubmittedApplication> submitted;
  for (int i = 0; i < 5; ++i) {
    NewApplication application = SampleSyncApplication(i);
    application.payload = Draft("kiosk " + std::to_string(i));
    auto made = kiosk.store().applications().Submit(application);
    ASSERT_TRUE(made.ok()) << made.error().message;
    submitted.push_back(*made);
  }
  sync::CycleReport report = kiosk.SyncOnce();
  EXPECT_EQ(report.created, 5) << (report.error ? report.error->message : "");

  const std::string dump = PgDump(db);
  std::printf("pg_dump: %zu bytes, canary hits %zu\n", dump.size(), Hits(dump, kCanary));
  EXPECT_EQ(Hits(dump, kCanary), 0u);
  EXPECT_EQ(Hits(dump, "\"values\""), 0u);
  EXPECT_EQ(db.Count("SELECT count(*) FROM applications WHERE payload_format = 'sealed-v2' "
                     "AND payload LIKE '{\"alg\":%'"),
            5);
  for (const SubmittedApplication& app : submitted) {
    auto opened = server::OpenApplication(server.core().pool(), server.core().vault(),
                                          app.app_number, nullptr);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    EXPECT_EQ(opened->payload["values"]["name"], kCanary);
  }
}

// Migration 5 seals what older servers stored decrypted, and numbers become canonical.
TEST_F(Ingest, MigrationFiveSealsOldPlaintextRowsAndCanonicalisesNumbers) {
  server::PgPool pool(db.url());
  {
    pqxx::connection c(db.url());
    pqxx::work tx(c);
    tx.exec("CREATE TABLE schema_migrations (version int PRIMARY KEY, name text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())");
    for (const server::Migration& step : server::AllMigrations()) {
      if (step.version > 4) break;
      tx.exec(step.sql);
      tx.exec_params("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                     step.version, step.name);
    }
    tx.exec("INSERT INTO devices (id, public_key, hall, kiosk_code) VALUES (1, 'k', 'h', 'K7Q2')");
    for (int i = 1; i <= 3; ++i) {
      std::string number = FormatAppNumber("K7Q2", {2026, 11, 23}, static_cast<uint32_t>(i));
      if (i == 2) {  // as an old kiosk might have spelt it
        number.erase(std::remove(number.begin(), number.end(), '-'), number.end());
        for (char& ch : number) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      }
      tx.exec_params(
          "INSERT INTO applications (id, uuid, app_number, receipt, device_id, hall, service_code,"
          " catalog_version, payload_format, payload, submitted_at, received_at) VALUES "
          "($1, gen_random_uuid(), $2, $4, 1, 'h', 'dibao', '2026.3', 'sealed-v1',"
          " $3::jsonb, '2026-11-23T02:30:00Z', now())",
          i, number, Draft("old row " + std::to_string(i)), "R" + std::to_string(i));
    }
    tx.commit();
  }
  ASSERT_NE(Hits(PgDump(db), kCanary), 0u) << "the old rows hold plaintext before the upgrade";
  auto version = server::ApplyMigrations(pool);
  ASSERT_TRUE(version.ok()) << version.error().message;
  EXPECT_GE(*version, 5);
  const std::string dump = PgDump(db);
  EXPECT_EQ(Hits(dump, kCanary), 0u);
  EXPECT_EQ(db.Count("SELECT count(*) FROM applications WHERE payload_format = 'sealed-v2'"), 3);
  const std::string second = FormatAppNumber("K7Q2", {2026, 11, 23}, 2);
  EXPECT_EQ(db.Count("SELECT count(*) FROM applications WHERE app_number = '" + second + "'"), 1);
  server::KeyVault vault(pool, std::chrono::minutes(1));
  auto opened = server::OpenApplication(pool, vault, second, nullptr);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(opened->payload["values"]["reason"], "old row 2");
}

// Finding (b): kiosk B cannot take kiosk A's numbers in any spelling, A's application is
// stored, and set-status (any spelling) reaches A's row and A's status pull only.
TEST_F(Ingest, ApplicationNumbersBelongToThePushingKiosk) {
  TestServer server(db.url());
  ASSERT_TRUE(server.ok());
  server::PgPool& pool = server.core().pool();
  const Peer a = Enroll(pool, server.url(), "K7Q2");
  const Peer b = Enroll(pool, server.url(), "ML4T");
  const std::string a_next = FormatAppNumber("K7Q2", {2026, 12, 3}, 3);
  std::string variant = a_next;
  variant.erase(std::remove(variant.begin(), variant.end(), '-'), variant.end());
  for (char& ch : variant) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));

  auto stolen = Push(b, server.url(),
                     {Sealed(pool, "b0000000-0000-4000-8000-000000000001", a_next, Draft("b1")),
                      Sealed(pool, "b0000000-0000-4000-8000-000000000002", variant, Draft("b2"))});
  ASSERT_EQ(stolen.size(), 2u);
  for (const auto& result : stolen) {
    EXPECT_EQ(result.outcome, protocol::PushOutcome::kRejected);
    EXPECT_EQ(result.code, protocol::reject::kNumberNotYours) << result.reason;
  }
  // B's own number in a variant spelling is its own, stored canonical.
  const std::string b_own = FormatAppNumber("ML4T", {2026, 12, 3}, 1);
  std::string b_variant = b_own;
  for (char& ch : b_variant) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  auto own = Push(b, server.url(),
                  {Sealed(pool, "b0000000-0000-4000-8000-000000000003", b_variant, Draft("b3"))});
  ASSERT_EQ(own.size(), 1u);
  EXPECT_EQ(own[0].outcome, protocol::PushOutcome::kCreated) << own[0].reason;
  EXPECT_EQ(db.Count("SELECT count(*) FROM applications WHERE app_number = '" + b_own + "'"), 1);

  auto real = Push(a, server.url(),
                   {Sealed(pool, "a0000000-0000-4000-8000-000000000001", a_next, Draft("a1"))});
  ASSERT_EQ(real.size(), 1u);
  EXPECT_EQ(real[0].outcome, protocol::PushOutcome::kCreated) << real[0].code << real[0].reason;
  // The same number again under another uuid, even from A: one number, one application.
  auto again = Push(a, server.url(),
                    {Sealed(pool, "a0000000-0000-4000-8000-000000000002", variant, Draft("a2"))});
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].code, protocol::reject::kNumberTaken) << again[0].reason;

  OfficeAdmin office(db.url());
  ASSERT_TRUE(office.Bootstrap());
  ASSERT_TRUE(office.AddAccount("reviewer-li", "reviewer"));
  CommandResult set =
      office.RunAs("reviewer-li", OfficeAdmin::kPassword, {"set-status", variant, "已受理"});
  EXPECT_EQ(set.exit_code, 0) << set.out;
  EXPECT_EQ(db.Query("SELECT coalesce(status, '') FROM applications WHERE app_number = '" + a_next + "'"),
            "已受理");
  EXPECT_EQ(db.Query("SELECT coalesce(status, '-') FROM applications WHERE app_number = '" + b_own + "'"),
            "-");
  auto pull = [&](const Peer& peer) {
    sync::HttpResponse r = SendSigned(peer, server.url(), "GET",
                                      std::string(protocol::kPathStatus) + "?after=0", "");
    EXPECT_EQ(r.status, 200) << r.body;
    auto page = protocol::ParseMessage<protocol::StatusPage>(r.body);
    EXPECT_TRUE(page.ok());
    return page.ok() ? page->changes : std::vector<protocol::StatusChange>{};
  };
  const auto a_changes = pull(a);
  ASSERT_EQ(a_changes.size(), 1u);
  EXPECT_EQ(a_changes[0].app_number, a_next);
  EXPECT_EQ(a_changes[0].uuid, "a0000000-0000-4000-8000-000000000001");
  EXPECT_TRUE(pull(b).empty()) << "B's pull received A's decision";
  // A number that does not parse is refused by set-status, not matched loosely.
  CommandResult loose =
      office.RunAs("reviewer-li", OfficeAdmin::kPassword, {"set-status", "K7Q2", "已受理"});
  EXPECT_EQ(loose.exit_code, 2);
}

// Findings (c), (e), deliverable 5: each bad item is refused alone with a code, the rest
// is stored; NUL never reaches PostgreSQL, in pushes or anywhere else.
TEST_F(Ingest, BadItemsAreRefusedOneByOneWithACode) {
  TestServer server(db.url());
  ASSERT_TRUE(server.ok());
  server::PgPool& pool = server.core().pool();
  const Peer peer = Enroll(pool, server.url(), "K7Q2");
  auto number = [](uint32_t seq) { return FormatAppNumber("K7Q2", {2026, 12, 3}, seq); };
  auto uuid = [](int n) { return "c0000000-0000-4000-8000-00000000000" + std::to_string(n); };

  std::vector<std::pair<protocol::PushItem, std::string>> cases;
  protocol::PushItem plain = Sealed(pool, uuid(1), number(1), Draft("x"));
  plain.payload_format = protocol::kPayloadJsonV1;
  plain.payload = Draft("plaintext");
  cases.push_back({plain, protocol::reject::kUnsealed});
  cases.push_back({Sealed(pool, uuid(2), number(2) + std::string("\0", 1), Draft("x")),
                   protocol::reject::kBadText});
  protocol::PushItem nul_payload = Sealed(pool, uuid(3), number(3), Draft("x"));
  nul_payload.payload.insert(5, std::string("\0", 1));
  cases.push_back({nul_payload, protocol::reject::kBadText});
  protocol::PushItem nul_time = Sealed(pool, uuid(4), number(4), Draft("x"));
  nul_time.submitted_at += std::string("\0", 1);
  cases.push_back({nul_time, protocol::reject::kBadText});
  cases.push_back({Sealed(pool, uuid(5), "K7Q2-261203-0005-Z", Draft("x")), protocol::reject::kBadNumber});
  protocol::PushItem stranger = Sealed(pool, uuid(6), number(6), Draft("x"));
  auto envelope = nlohmann::json::parse(stranger.payload);
  envelope["kid"] = "00112233aabbccdd";
  stranger.payload = envelope.dump();
  cases.push_back({stranger, protocol::reject::kUnknownKey});
  protocol::PushItem smuggler = Sealed(pool, uuid(7), number(7), Draft("x"));
  envelope = nlohmann::json::parse(smuggler.payload);
  envelope["name"] = kCanary;  // plaintext beside the box
  smuggler.payload = envelope.dump();
  cases.push_back({smuggler, protocol::reject::kBadEnvelope});
  protocol::PushItem tiny = Sealed(pool, uuid(8), number(8), Draft("x"));
  envelope = nlohmann::json::parse(tiny.payload);
  envelope["box"] = Base64Encode(std::string(20, 'x'));
  tiny.payload = envelope.dump();
  cases.push_back({tiny, protocol::reject::kBadEnvelope});
  protocol::PushItem photo = Sealed(pool, uuid(9), number(9), Draft("x"));
  photo.attachments.push_back({"front", 10, "not-a-sha", "image/jpeg"});
  cases.push_back({photo, protocol::reject::kBadAttachment});
  cases.push_back({Sealed(pool, "c0000000-0000-4000-8000-000000000010", number(10), Draft("good")), ""});

  std::vector<protocol::PushItem> items;
  for (const auto& [item, code] : cases) items.push_back(item);
  auto results = Push(peer, server.url(), items);
  ASSERT_EQ(results.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    if (cases[i].second.empty()) {
      EXPECT_EQ(results[i].outcome, protocol::PushOutcome::kCreated) << results[i].reason;
    } else {
      EXPECT_EQ(results[i].outcome, protocol::PushOutcome::kRejected) << i;
      EXPECT_EQ(results[i].code, cases[i].second) << i << ": " << results[i].reason;
      EXPECT_EQ(results[i].reason.find(kCanary), std::string::npos);
    }
  }
  EXPECT_EQ(db.Count("SELECT count(*) FROM applications"), 1);
  EXPECT_EQ(Hits(PgDump(db), kCanary), 0u);

  // Heartbeat, audit and enrollment: 400 naming the field, nothing truncated or stored.
  const std::string nul = "\\u0000";
  sync::HttpResponse beat = SendSigned(peer, server.url(), "POST", protocol::kPathHeartbeat,
                                       R"({"queue_depth":1,"last_error":"disk)" + nul + R"(full"})");
  EXPECT_EQ(beat.status, 400) << beat.body;
  EXPECT_NE(beat.body.find("last_error"), std::string::npos) << beat.body;
  EXPECT_EQ(db.Query("SELECT coalesce(last_error, '') FROM devices"), "");
  sync::HttpResponse audit =
      SendSigned(peer, server.url(), "POST", protocol::kPathAudit,
                 R"({"rows":[{"seq":1,"at":"2026-12-03T01:00:00Z","actor":"system","action":"x","detail":"a)" +
                     nul + R"(b"}]})");
  EXPECT_EQ(audit.status, 400) << audit.body;
  EXPECT_NE(audit.body.find("rows[0].detail"), std::string::npos) << audit.body;
  auto code = server::IssueEnrollCode(pool, "东门社区", 1);
  ASSERT_TRUE(code.ok());
  auto enroll = transport.Send({"POST",
                                server.url() + protocol::kPathEnroll,
                                {},
                                R"({"code":")" + *code + R"(","public_key":")" +
                                    Base64Encode(protocol::GenerateSigningKeyPair().public_key) +
                                    R"(","app_version":"1)" + nul + R"(x"})"});
  ASSERT_TRUE(enroll.ok());
  EXPECT_EQ(enroll->status, 400) << enroll->body;
  EXPECT_NE(enroll->body.find("app_version"), std::string::npos) << enroll->body;
  EXPECT_EQ(db.Count("SELECT count(*) FROM devices"), 1);
  EXPECT_EQ(db.Count("SELECT count(*) FROM kiosk_audit"), 0);
}

// Finding (e): /v1/audit is strict, as docs/api/openapi.yaml says.
TEST_F(Ingest, AuditRefusesUnknownFieldsWithTheirPath) {
  TestServer server(db.url());
  ASSERT_TRUE(server.ok());
  const Peer peer = Enroll(server.core().pool(), server.url(), "K7Q2");
  sync::HttpResponse r = SendSigned(
      peer, server.url(), "POST", protocol::kPathAudit,
      R"({"rows":[{"seq":1,"at":"2026-12-03T01:00:00Z","actor":"system","action":"x","detail":"","extra":1}]})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("rows[0].extra: unknown field"), std::string::npos) << r.body;
  sync::HttpResponse top = SendSigned(peer, server.url(), "POST", protocol::kPathAudit,
                                      R"({"rows":[],"admin":true})");
  EXPECT_EQ(top.status, 400) << top.body;
  EXPECT_EQ(db.Count("SELECT count(*) FROM kiosk_audit"), 0);
}

// Finding (c): a 5xx body carries no database text and no payload excerpt.
TEST(ServerErrors, FiveHundredsCarryAReferenceNotTheDetail) {
  const std::string detail =
      "database error: ERROR:  invalid byte sequence\nDETAIL:  Failing row contains (张三, 110105...)";
  for (ErrorKind kind : {ErrorKind::kInternal, ErrorKind::kUnavailable, ErrorKind::kConflict,
                         ErrorKind::kDataLoss}) {
    server::ApiReply reply = server::ReplyForError(MakeError(kind, detail));
    EXPECT_GE(reply.status, 500);
    EXPECT_EQ(reply.body.find("张三"), std::string::npos) << reply.body;
    EXPECT_EQ(reply.body.find("ERROR"), std::string::npos) << reply.body;
    EXPECT_NE(reply.body.find("(ref "), std::string::npos) << reply.body;
    // The access log gets the first line under the same reference, never the DETAIL.
    EXPECT_EQ(reply.log_note.find("张三"), std::string::npos) << reply.log_note;
    EXPECT_NE(reply.log_note.find("invalid byte sequence"), std::string::npos) << reply.log_note;
    const size_t ref = reply.body.find("(ref ");
    EXPECT_NE(reply.log_note.find(reply.body.substr(ref + 5, 8)), std::string::npos);
  }
}

}  // namespace
}  // namespace yimen::testing
