// Hostile input at the server (issue 6, item 7): a corpus of bad requests — oversized,
// truncated, wrong types, deep nesting, invalid UTF-8, huge and negative numbers, path
// traversal in attachment ids, broken HTTP — fired at a real server on a real
// database. Each must get a 4xx with a JSON reason (never a 500, never a crash), and
// the server must still serve a good request afterwards. Raw sockets for what no HTTP
// client would send; signed requests through curl for bad bodies, so they get past
// authentication to the parsers.
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

#include "domain/app_number.h"
#include "domain/eligibility.h"
#include "domain/form.h"
#include "server/application_open.h"
#include "server/key_ring.h"
#include "server/server_test_support.h"
#include "sync/protocol/signing.h"

namespace yimen::testing {
namespace {

struct RawReply {
  int status = 0;
  std::string body;
  std::string raw;
};

// Writes `request` to the server as it is and reads one reply (to its Content-Length),
// or until the server closes or is quiet for 3 s. close_write: send FIN after the
// request (a peer that gives up mid-body); the server then writes nothing back, so
// only use it where no reply is expected.
RawReply SendRaw(int port, const std::string& request, bool close_write = false) {
  RawReply reply;
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return reply;
  }
  size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may refuse and close before taking it all
    sent += static_cast<size_t>(n);
  }
  if (close_write) shutdown(fd, SHUT_WR);
  char buffer[8192];
  while (true) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 3000) <= 0) break;
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    reply.raw.append(buffer, static_cast<size_t>(n));
    const size_t end = reply.raw.find("\r\n\r\n");
    const size_t length = reply.raw.find("Content-Length: ");
    if (end != std::string::npos && length != std::string::npos && length < end &&
        reply.raw.size() >= end + 4 + std::strtoull(reply.raw.c_str() + length + 16, nullptr, 10)) {
      break;
    }
  }
  close(fd);
  if (reply.raw.rfind("HTTP/1.1 ", 0) == 0) reply.status = std::atoi(reply.raw.c_str() + 9);
  const size_t body = reply.raw.find("\r\n\r\n");
  if (body != std::string::npos) reply.body = reply.raw.substr(body + 4);
  return reply;
}

class HostileInput : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(PgCluster::Get().ok()) << "no PostgreSQL";
    server = std::make_unique<TestServer>(db.url(), 0, Options());
    ASSERT_TRUE(server->ok());
    auto code = server::IssueEnrollCode(server->core().pool(), "东门社区", 1);
    ASSERT_TRUE(code.ok());
    keys = protocol::GenerateSigningKeyPair();
    protocol::EnrollRequest enroll{*code, Base64Encode(keys.public_key), "test", ""};
    auto r = transport.Send({"POST", server->url() + protocol::kPathEnroll, {},
                             protocol::SerializeMessage(enroll)});
    ASSERT_TRUE(r.ok() && r->status == 200);
    auto enrolled = protocol::ParseMessage<protocol::EnrollResponse>(r->body);
    device_id = enrolled->device_id;
    kiosk_code = enrolled->kiosk_code;
  }

  virtual server::ServerOptions Options() { return {}; }

  // Signed as the enrolled kiosk, so the body reaches the endpoint's parser.
  sync::HttpResponse SendSigned(const std::string& method, const std::string& target,
                                const std::string& body) {
    return SendSignedAs(transport, server->url(), device_id, keys.secret_key, method, target,
                        body, target.substr(0, target.find('?')));
  }

  // A 4xx with {"error": word, "message": reason}; returns the word.
  static std::string ExpectRefused(int status, const std::string& body, const std::string& what) {
    EXPECT_GE(status, 400) << what << ": " << body;
    EXPECT_LT(status, 500) << what << ": " << body;
    auto error = protocol::ParseMessage<protocol::ErrorBody>(body);
    EXPECT_TRUE(error.ok()) << what << ": not a JSON reason: " << body.substr(0, 200);
    if (!error.ok()) return "";
    EXPECT_FALSE(error->error.empty()) << what;
    EXPECT_FALSE(error->message.empty()) << what;
    return error->error;
  }

  void ExpectStillServing() {
    auto health = transport.Send({"GET", server->url() + protocol::kPathHealth, {}, ""});
    ASSERT_TRUE(health.ok()) << health.error().message;
    EXPECT_EQ(health->status, 200);
    sync::HttpResponse beat = SendSigned("POST", protocol::kPathHeartbeat, R"({"queue_depth":2})");
    EXPECT_EQ(beat.status, 200) << beat.body;
  }

  std::string GoodItem(const std::string& uuid = "0b6f3c1e-8d6a-4f7e-9c55-0a1b2c3d4e5f") {
    protocol::PushItem item;
    item.uuid = uuid;
    item.app_number = "K7Q2-261123-0042-C";
    item.service_code = "dibao";
    item.payload_format = protocol::kPayloadJsonV1;
    item.payload = R"({"service_code":"dibao","values":{}})";
    item.attachments.push_back({"id_card", 5, std::string(64, 'a'), "image/jpeg"});
    return nlohmann::json(item).dump();
  }

  TestDatabase db;
  std::unique_ptr<TestServer> server;
  sync::CurlTransport transport;
  protocol::SigningKeyPair keys;
  int64_t device_id = 0;
  std::string kiosk_code;
};

// Admit reads the device's row from the headers; Handle checks the signature against
// that same row instead of reading it again (one devices query per request on the sync
// path). A row recorded for another device id is never used.
TEST_F(HostileInput, HandleUsesTheDeviceRowAdmitRead) {
  auto signed_request = [&] {
    server::ApiRequest request;
    request.method = "GET";
    request.target = std::string(protocol::kPathStatus) + "?after=0";
    protocol::SignedParts parts{request.method, request.target,
                                static_cast<int64_t>(std::time(nullptr)), protocol::NewNonce(), ""};
    auto signature = protocol::SignRequest(parts, keys.secret_key);
    EXPECT_TRUE(signature.ok());
    request.headers = {{"x-yimen-device", std::to_string(device_id)},
                       {"x-yimen-timestamp", std::to_string(parts.timestamp)},
                       {"x-yimen-nonce", parts.nonce},
                       {"x-yimen-signature", signature.ok() ? *signature : ""}};
    return request;
  };
  server::ServerCore& core = server->core();

  server::ApiRequest request = signed_request();
  EXPECT_FALSE(core.Admit(&request).has_value());
  ASSERT_TRUE(request.admitted.has_value());
  EXPECT_EQ(request.admitted->id, device_id);
  EXPECT_EQ(request.admitted->hall, "东门社区");
  EXPECT_EQ(core.Handle(request).status, 200);

  // Handle trusts the admitted row: given another key there, the signature fails.
  server::ApiRequest swapped = signed_request();
  ASSERT_FALSE(core.Admit(&swapped).has_value());
  swapped.admitted->public_key = Base64Encode(protocol::GenerateSigningKeyPair().public_key);
  EXPECT_EQ(core.Handle(swapped).status, 401);

  // A row recorded under another id is ignored: Handle reads this device's own.
  server::ApiRequest other = signed_request();
  ASSERT_FALSE(core.Admit(&other).has_value());
  other.admitted->id = device_id + 1000;
  other.admitted->public_key = swapped.admitted->public_key;
  EXPECT_EQ(core.Handle(other).status, 200);
}

TEST_F(HostileInput, BadBodiesGetAReasonAndChangeNothing) {
  const std::string item = GoodItem();
  std::string many = R"({"items":[)";
  for (size_t i = 0; i <= protocol::kMaxPushBatch; ++i) many += (i ? "," : "") + item;
  many += "]}";
  const std::vector<std::pair<std::string, std::string>> pushes = {
      {"empty body", ""},
      {"not JSON", "hello"},
      {"truncated", R"({"items":[)" + item.substr(0, item.size() / 2)},
      {"an array", "[" + item + "]"},
      {"items is an object", R"({"items":{"a":1}})"},
      {"items missing", R"({})"},
      {"item is a number", R"({"items":[7]})"},
      {"uuid is a number", R"({"items":[{"uuid":5,"app_number":"a","service_code":"s","payload_format":"json-v1","payload":"{}"}]})"},
      {"payload is an object", R"({"items":[{"uuid":"u","app_number":"a","service_code":"s","payload_format":"json-v1","payload":{}}]})"},
      {"unknown field", R"({"items":[],"admin":true})"},
      {"deep nesting", R"({"items":)" + std::string(5000, '[') + std::string(5000, ']') + "}"},
      {"invalid UTF-8", "{\"items\":[{\"uuid\":\"\xff\xfe\xfd\"}]}"},
      {"overlong UTF-8 for '/'", "{\"items\":[],\"x\":\"\xc0\xaf\"}"},
      {"huge number", R"({"items":[],"n":1e999999})"},
      {"size beyond int64", std::string(R"({"items":[)") +
                                GoodItem().replace(GoodItem().find("\"size\":5"), 8,
                                                   "\"size\":99999999999999999999") + "]}"},
      {"size a float", std::string(R"({"items":[)") +
                           GoodItem().replace(GoodItem().find("\"size\":5"), 8, "\"size\":5.5") +
                           "]}"},
      {"too many items", many},
      {"NUL bytes", std::string("{\"items\":[]\0\0}", 15)},
  };
  for (const auto& [what, body] : pushes) {
    sync::HttpResponse r = SendSigned("POST", protocol::kPathPush, body);
    ExpectRefused(r.status, r.body, what);
  }
  for (const std::string& body : {std::string(R"({"queue_depth":"many"})"),
                                  std::string(R"({"queue_depth":1e300})"),
                                  std::string(R"({"queue_depth":-1.5})"),
                                  std::string(R"({"queue_depth":null})"), std::string("[]")}) {
    sync::HttpResponse r = SendSigned("POST", protocol::kPathHeartbeat, body);
    ExpectRefused(r.status, r.body, "heartbeat " + body);
  }
  auto enroll = transport.Send({"POST", server->url() + protocol::kPathEnroll, {},
                                R"({"code":["x"],"public_key":7})"});
  ASSERT_TRUE(enroll.ok());
  ExpectRefused(enroll->status, enroll->body, "enroll with wrong types");
  EXPECT_EQ(db.Count("SELECT count(*) FROM applications"), 0);
  ExpectStillServing();
}

TEST_F(HostileInput, ItemsThatParseButBreakTheRulesAreRejectedOneByOne) {
  nlohmann::json negative = nlohmann::json::parse(GoodItem());
  negative["attachments"][0]["size"] = -5;
  nlohmann::json traversal = nlohmann::json::parse(GoodItem("1b6f3c1e-8d6a-4f7e-9c55-0a1b2c3d4e5f"));
  traversal["attachments"][0]["id"] = std::string(80, '.') + "/../../etc/passwd";
  nlohmann::json not_json = nlohmann::json::parse(GoodItem("2b6f3c1e-8d6a-4f7e-9c55-0a1b2c3d4e5f"));
  not_json["payload"] = "{\"values\":";
  nlohmann::json sealed_garbage = nlohmann::json::parse(GoodItem("3b6f3c1e-8d6a-4f7e-9c55-0a1b2c3d4e5f"));
  sealed_garbage["payload_format"] = protocol::kPayloadSealedV1;
  sealed_garbage["payload"] = Base64Encode(std::string(100, 'x'));
  nlohmann::json bad_uuid = nlohmann::json::parse(GoodItem("'; DROP TABLE applications; --"));
  const nlohmann::json push = {
      {"items", {negative, traversal, not_json, sealed_garbage, bad_uuid}}};
  sync::HttpResponse r = SendSigned("POST", protocol::kPathPush, push.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  auto results = protocol::ParseMessage<protocol::PushResponse>(r.body);
  ASSERT_TRUE(results.ok());
  ASSERT_EQ(results->results.size(), 5u);
  for (const protocol::PushResult& result : results->results) {
    EXPECT_EQ(result.outcome, protocol::PushOutcome::kRejected) << result.uuid;
    EXPECT_FALSE(result.reason.empty()) << result.uuid;
  }
  EXPECT_EQ(db.Count("SELECT count(*) FROM applications"), 0);
  ExpectStillServing();
}

TEST_F(HostileInput, AttachmentPathsAndChunksAreChecked) {
  const std::string uuid = "0b6f3c1e-8d6a-4f7e-9c55-0a1b2c3d4e5f";
  const std::string base = std::string(protocol::kPathAttachments) + "/";
  const std::vector<std::pair<std::string, std::string>> targets = {
      {"GET", base + "../../etc/passwd"},
      {"GET", base + uuid + "/..%2F..%2Fetc%2Fpasswd"},
      {"GET", base + "not-a-uuid/id_card"},
      {"GET", base + uuid},
      {"PUT", base + uuid + "/id_card?offset=-1"},
      {"PUT", base + uuid + "/id_card?offset=abc"},
      {"PUT", base + uuid + "/id_card?offset=99999999999999999999999"},
      {"PUT", base + uuid + "/id_card"},
  };
  for (const auto& [method, target] : targets) {
    sync::HttpResponse r = SendSigned(method, target, method == "PUT" ? "abc" : "");
    ExpectRefused(r.status, r.body, method + " " + target);
  }
  // An oversized chunk is refused on its declared length alone: the server answers 413
  // too_large without reading the body and closes. A client still pushing the 4 MiB body
  // can find the connection cut before it reads that answer (curl error 55, seen in CI):
  // that is a refusal too. Either way nothing is stored and the server keeps serving.
  const std::string big_target = base + uuid + "/id_card?offset=0";
  auto big = TrySendSignedAs(transport, server->url(), device_id, keys.secret_key, "PUT",
                             big_target, std::string(protocol::kMaxAttachmentChunkBytes + 1, 'x'),
                             big_target.substr(0, big_target.find('?')));
  if (big.ok()) {
    EXPECT_EQ(ExpectRefused(big->status, big->body, "oversized chunk"), "too_large");
  } else {
    EXPECT_NE(big.error().message.find("curl error 55"), std::string::npos)
        << "oversized chunk: " << big.error().message;
  }
  ExpectStillServing();
}

TEST_F(HostileInput, BrokenHttpGetsAJsonReason) {
  const int port = server->port();
  const std::string host = "Host: 127.0.0.1\r\n";
  struct Case {
    std::string what;
    std::string request;
    int status;
  };
  std::string many_headers = "GET /healthz HTTP/1.1\r\n" + host;
  for (int i = 0; i < 100; ++i) many_headers += "X-Pad-" + std::to_string(i) + ": 1\r\n";
  const std::vector<Case> cases = {
      {"garbage request line", "HELLO\r\n\r\n", 400},
      {"URI over 8 KiB", "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\n" + host + "\r\n", 414},
      {"header line over 8 KiB",
       "GET /healthz HTTP/1.1\r\n" + host + "X-Big: " + std::string(9000, 'b') + "\r\n\r\n", 431},
      {"100 header fields", many_headers + "\r\n", 431},
      {"negative Content-Length",
       "POST /v1/enroll HTTP/1.1\r\n" + host + "Content-Length: -5\r\n\r\nabc", 400},
      {"Content-Length beyond 2^64",
       "POST /v1/enroll HTTP/1.1\r\n" + host + "Content-Length: 99999999999999999999999\r\n\r\n",
       400},
      {"enroll body over its limit",
       "POST /v1/enroll HTTP/1.1\r\n" + host + "Content-Length: 10000000\r\n\r\n{", 413},
      {"push body over its limit",
       "POST /v1/push HTTP/1.1\r\n" + host + "Content-Length: 999999999\r\n\r\n{", 413},
      {"chunked body over its limit",
       "POST /v1/enroll HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n10001\r\n" +
           std::string(0x10001, 'x') + "\r\n0\r\n\r\n",
       413},
      {"unknown method", "DELETE /v1/push HTTP/1.1\r\n" + host + "\r\n", 0},
      {"invalid UTF-8 in the path", "GET /v1/\xff\xfe/x HTTP/1.1\r\n" + host + "\r\n", 404},
      {"path traversal", "GET /../../etc/passwd HTTP/1.1\r\n" + host + "\r\n", 0},
  };
  for (const Case& c : cases) {
    RawReply reply = SendRaw(port, c.request);
    if (c.status != 0) {
      EXPECT_EQ(reply.status, c.status) << c.what << ": " << reply.raw.substr(0, 300);
    }
    ExpectRefused(reply.status, reply.body, c.what);
  }
  // A peer that stops mid-body and closes: nothing is stored, nothing answered (there is
  // no one to answer), and the server carries on.
  RawReply cut = SendRaw(port,
                         "POST /v1/enroll HTTP/1.1\r\n" + host +
                             "Content-Length: 100\r\n\r\n{\"co",
                         /*close_write=*/true);
  EXPECT_EQ(cut.status, 0) << cut.raw;
  ExpectStillServing();
}


// The domain's rules run again where an application is opened (the office path,
// yimen-admin show --catalog; ingest stores everything sealed unopened): a sealed
// payload from a tampered kiosk is judged by the same code the kiosk's form used, on
// the resident's local date (UTC+8).
class Revalidation : public HostileInput {
 protected:
  void SetUp() override {
    HostileInput::SetUp();
    auto loaded = LoadCatalog(YIMEN_TEST_CATALOG_DIR);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    catalog = std::make_shared<const Catalog>(std::move(*loaded));
  }

  // tests/domain/form_test.cpp's complete 低保 application.
  static ApplicationDraft Dibao() {
    ApplicationDraft draft;
    draft.service_code = "dibao";
    draft.values = {{"name", "张秀英"}, {"id_number", "442000195803110024"},
                    {"phone", "13812345678"}, {"hukou", "local"}, {"town", "石岐街道"},
                    {"community", "民生社区"}, {"address", "民生路12号3栋502房"},
                    {"applicant_income", "800"}, {"savings", "3000.50"}, {"vehicle", "no"},
                    {"extra_house", "no"}, {"reason", "丈夫重病不能上班，家里只靠我打零工。"},
                    {"bank_name", "农村商业银行"}, {"account_number", "6217000012345678901"},
                    {"pledge_signature", "sig:0123456789abcdef0123456789abcdef"},
                    {"check_signature", "sig:fedcba9876543210fedcba9876543210"}};
    draft.groups["members"] = {{{"name", "王建国"}, {"id_number", "442000195505050019"},
                                {"relationship", "spouse"}, {"work_status", "unable"},
                                {"monthly_income", "0"}, {"disability", "yes"},
                                {"disability_grade", "g1"}, {"serious_illness", "yes"}}};
    return draft;
  }

  protocol::PushItem Sealed(const ApplicationDraft& draft, const std::string& uuid, uint32_t seq) {
    protocol::PushItem item;
    item.uuid = uuid;
    item.app_number = FormatAppNumber(kiosk_code, {2026, 11, 23}, seq);
    item.service_code = "dibao";
    item.payload_format = protocol::kPayloadSealedV1;
    auto active = server::ActiveSealingKey(server->core().pool());
    EXPECT_TRUE(active.ok());
    auto sealed = protocol::Seal(DraftToJson(draft).dump(), active.ok() ? active->public_key : "");
    EXPECT_TRUE(sealed.ok());
    item.payload = Base64Encode(sealed.ok() ? *sealed : "");
    item.submitted_at = "2026-11-23T02:30:00Z";
    item.catalog_version = catalog->version;
    return item;
  }

  std::shared_ptr<const Catalog> catalog;
};

TEST_F(Revalidation, OpeningAppliesTheDomainRulesToWhatIngestStoredSealed) {
  ApplicationDraft bad_id = Dibao();
  bad_id.values["id_number"] = "442000195803110025";  // wrong check digit
  ApplicationDraft other_service = Dibao();
  other_service.service_code = "linshi";
  const protocol::PushRequest push{{
      Sealed(Dibao(), "0b6f3c1e-8d6a-4f7e-9c55-0a1b2c3d4e51", 1),
      Sealed(bad_id, "0b6f3c1e-8d6a-4f7e-9c55-0a1b2c3d4e52", 2),
      Sealed(other_service, "0b6f3c1e-8d6a-4f7e-9c55-0a1b2c3d4e53", 3),
  }};
  sync::HttpResponse r = SendSigned("POST", protocol::kPathPush, protocol::SerializeMessage(push));
  ASSERT_EQ(r.status, 200) << r.body;
  auto results = protocol::ParseMessage<protocol::PushResponse>(r.body);
  ASSERT_TRUE(results.ok());
  ASSERT_EQ(results->results.size(), 3u);
  for (const protocol::PushResult& result : results->results) {
    EXPECT_EQ(result.outcome, protocol::PushOutcome::kCreated) << result.reason;
  }
  EXPECT_EQ(db.Count("SELECT count(*) FROM applications"), 3);

  server::PgPool& pool = server->core().pool();
  server::KeyVault& vault = server->core().vault();
  server::CatalogShelf shelf(pool);
  // The kiosk's catalog version is unknown here yet: it opens, not re-validated, and
  // says why.
  auto unknown = server::OpenApplication(pool, vault, push.items[1].app_number, &shelf);
  ASSERT_TRUE(unknown.ok()) << unknown.error().message;
  EXPECT_FALSE(unknown->validated);
  EXPECT_NE(unknown->validation_note.find("catalog version " + catalog->version +
                                          " is unknown to this server"),
            std::string::npos)
      << unknown->validation_note;
  shelf.Add(*catalog);
  auto good = server::OpenApplication(pool, vault, push.items[0].app_number, &shelf);
  ASSERT_TRUE(good.ok()) << good.error().message;
  EXPECT_TRUE(good->validated);
  EXPECT_EQ(good->catalog_version, catalog->version);
  auto wrong_id = server::OpenApplication(pool, vault, push.items[1].app_number, &shelf);
  ASSERT_FALSE(wrong_id.ok());
  EXPECT_EQ(wrong_id.error().kind, ErrorKind::kRejected);
  EXPECT_NE(wrong_id.error().message.find("id_number: validation.id"), std::string::npos)
      << wrong_id.error().message;
  auto wrong_service = server::OpenApplication(pool, vault, push.items[2].app_number, &shelf);
  ASSERT_FALSE(wrong_service.ok());
  EXPECT_NE(wrong_service.error().message.find("payload is for service \"linshi\""),
            std::string::npos)
      << wrong_service.error().message;
  // Without a catalog it opens but is not re-validated.
  auto unchecked = server::OpenApplication(pool, vault, push.items[1].app_number, nullptr);
  ASSERT_TRUE(unchecked.ok()) << unchecked.error().message;
  EXPECT_FALSE(unchecked->validated);
}

// The application page's self-check: the kiosk's own calculator (domain
// RecheckEligibility → CheckEligibility) on the opened payload, with the catalog version
// the kiosk used and the resident's date. Submitted at 00:30 on 1 January 2024 in China
// (16:30 UTC the day before): the unified standard of 1225 yuan is in force there, while
// on the UTC date town and country still had their own (705, 490), which the form does
// not say, so a UTC date would give two cases.
TEST_F(Revalidation, OpeningRecomputesTheKiosksSelfCheckOnTheResidentsDate) {
  ApplicationDraft draft = Dibao();
  draft.values["applicant_income"] = "1600";  // 800 a head with the spouse's 0
  protocol::PushItem item = Sealed(draft, "0b6f3c1e-8d6a-4f7e-9c55-0a1b2c3d4e61", 7);
  item.submitted_at = "2023-12-31T16:30:00Z";
  sync::HttpResponse r = SendSigned("POST", protocol::kPathPush,
                                    protocol::SerializeMessage(protocol::PushRequest{{item}}));
  ASSERT_EQ(r.status, 200) << r.body;
  server::PgPool& pool = server->core().pool();
  server::CatalogShelf shelf(pool);
  shelf.Add(*catalog);
  auto opened = server::OpenApplication(pool, server->core().vault(), item.app_number, &shelf);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  ASSERT_TRUE(opened->validated) << opened->validation_note;
  EXPECT_EQ(opened->self_check_date, "2024-01-01");
  EXPECT_EQ(opened->self_check_note, "");
  ASSERT_EQ(opened->self_check.size(), 1u);
  EXPECT_TRUE(opened->self_check.front().assumed.empty());
  // What the kiosk's self-check screen computes from the same answers that day.
  const ServiceSpec* service = catalog->FindService("dibao");
  ASSERT_NE(service, nullptr);
  auto kiosk = CheckEligibility(*service, catalog->region,
                                {{"area", "urban"},
                                 {"household_size", "2"},
                                 {"household_income", "1600"},
                                 {"has_car", "no"},
                                 {"has_extra_house", "no"},
                                 {"special_member", "yes"}},
                                {2024, 1, 1});
  ASSERT_TRUE(kiosk.ok()) << kiosk.error().message;
  EXPECT_EQ(opened->self_check.front().result.verdict, kiosk->verdict);
  EXPECT_EQ(opened->self_check.front().result.verdict, Verdict::kLikely);
  EXPECT_EQ(opened->self_check.front().result.lines, kiosk->lines);
  // Without the catalog the kiosk used, nothing is recomputed.
  auto unchecked = server::OpenApplication(pool, server->core().vault(), item.app_number, nullptr);
  ASSERT_TRUE(unchecked.ok());
  EXPECT_TRUE(unchecked->self_check.empty());
}

}  // namespace
}  // namespace yimen::testing
