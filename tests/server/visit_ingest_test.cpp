// Several services in one visit at ingest (issue 14, docs/internals/visits.md "Stored
// and sent as one"), attacked as a malicious enrolled kiosk would: visit keys that are
// garbage, another kiosk's visit number, a visit id another kiosk made, a visit id
// claimed with another number or size, a seventh application in a visit of six, a visit
// number as an application number. Real server, real PostgreSQL; the payloads are
// sealed and ingest never opens them.
#include <gtest/gtest.h>

#include <cctype>

#include "common/sealing.h"
#include "domain/app_number.h"
#include "server/key_ring.h"
#include "server/server_test_support.h"
#include "sync/protocol/signing.h"

namespace yimen::testing {
namespace {

struct Kiosk {
  int64_t device_id = 0;
  std::string code;
  protocol::SigningKeyPair keys;
};

constexpr CivilDate kDay{2026, 12, 4};

class VisitIngest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(PgCluster::Get().ok()) << "no PostgreSQL";
    server = std::make_unique<TestServer>(db.url());
    ASSERT_TRUE(server->ok());
    a = Enroll("K7Q2");
    b = Enroll("B3C4");
  }

  Kiosk Enroll(const std::string& code) {
    Kiosk kiosk;
    auto one_time = server::IssueEnrollCode(server->core().pool(), "东门社区", 1);
    EXPECT_TRUE(one_time.ok());
    kiosk.keys = protocol::GenerateSigningKeyPair();
    protocol::EnrollRequest enroll{one_time.ok() ? *one_time : "",
                                   Base64Encode(kiosk.keys.public_key), "test", code};
    auto r = transport.Send(
        {"POST", server->url() + protocol::kPathEnroll, {}, protocol::SerializeMessage(enroll)});
    EXPECT_TRUE(r.ok() && r->status == 200);
    if (!r.ok()) return kiosk;
    auto response = protocol::ParseMessage<protocol::EnrollResponse>(r->body);
    EXPECT_TRUE(response.ok());
    kiosk.device_id = response->device_id;
    kiosk.code = response->kiosk_code;
    EXPECT_EQ(kiosk.code, code);
    return kiosk;
  }

  // Application `seq` of `kiosk`, sealed-v2 to the active key, in visit `visit_seq`
  // (0: alone) with `size` applications.
  protocol::PushItem Item(const Kiosk& kiosk, uint32_t seq, uint32_t visit_seq = 0, int size = 0,
                          const std::string& visit_id = "") {
    protocol::PushItem item;
    char uuid[40];
    std::snprintf(uuid, sizeof uuid, "7a1e0c55-0000-4000-8000-%04d%08u",
                  static_cast<int>(kiosk.device_id), seq);
    item.uuid = uuid;
    item.app_number = FormatAppNumber(kiosk.code, kDay, seq);
    item.service_code = "dibao";
    item.catalog_version = "2026.3";
    item.payload_format = protocol::kPayloadSealedV2;
    auto active = server::ActiveSealingKey(server->core().pool());
    EXPECT_TRUE(active.ok());
    auto sealed = seal::SealEnvelope(R"({"format":1,"service_code":"dibao","values":{}})",
                                     active.ok() ? active->public_key : "");
    EXPECT_TRUE(sealed.ok());
    item.payload = sealed.ok() ? *sealed : "";
    item.submitted_at = "2026-12-04T01:30:00Z";
    if (visit_seq != 0) {
      item.visit_id = visit_id.empty() ? VisitId(kiosk, visit_seq) : visit_id;
      item.visit_number = FormatVisitNumber(kiosk.code, kDay, visit_seq);
      item.visit_size = size;
    }
    return item;
  }

  static std::string VisitId(const Kiosk& kiosk, uint32_t visit_seq) {
    char id[40];
    std::snprintf(id, sizeof id, "5b3d9e20-0000-4000-9000-%04d%08u",
                  static_cast<int>(kiosk.device_id), visit_seq);
    return id;
  }

  std::vector<protocol::PushResult> PushBody(const Kiosk& kiosk, const std::string& body) {
    sync::HttpResponse r = SendSignedAs(transport, server->url(), kiosk.device_id,
                                        kiosk.keys.secret_key, "POST", protocol::kPathPush, body);
    EXPECT_EQ(r.status, 200) << r.body.substr(0, 300);
    auto parsed = protocol::ParseMessage<protocol::PushResponse>(r.body);
    EXPECT_TRUE(parsed.ok()) << r.body.substr(0, 300);
    return parsed.ok() ? parsed->results : std::vector<protocol::PushResult>{};
  }

  std::vector<protocol::PushResult> Push(const Kiosk& kiosk,
                                         const std::vector<protocol::PushItem>& items) {
    return PushBody(kiosk, protocol::SerializeMessage(protocol::PushRequest{items}));
  }

  // One item alone; its result's code ("" when created).
  std::string Code(const Kiosk& kiosk, const protocol::PushItem& item) {
    auto results = Push(kiosk, {item});
    if (results.size() != 1) return "no result";
    if (results[0].outcome != protocol::PushOutcome::kRejected) return "";
    EXPECT_FALSE(results[0].reason.empty());
    return results[0].code;
  }

  int64_t Stored() const { return db.Count("SELECT count(*) FROM applications"); }

  TestDatabase db;
  std::unique_ptr<TestServer> server;
  sync::CurlTransport transport;
  Kiosk a, b;
};

TEST_F(VisitIngest, AVisitIsStoredWithItsKeysAndAResendIsADuplicate) {
  const std::vector<protocol::PushItem> visit = {Item(a, 1, 1, 3), Item(a, 2, 1, 3),
                                                 Item(a, 3, 1, 3)};
  auto first = Push(a, {visit[0], visit[1]});
  ASSERT_EQ(first.size(), 2u);
  for (const auto& r : first) EXPECT_EQ(r.outcome, protocol::PushOutcome::kCreated) << r.reason;
  // The kiosk lost the answer: it sends the whole visit again.
  auto again = Push(a, visit);
  ASSERT_EQ(again.size(), 3u);
  EXPECT_EQ(again[0].outcome, protocol::PushOutcome::kDuplicate) << again[0].reason;
  EXPECT_EQ(again[1].outcome, protocol::PushOutcome::kDuplicate) << again[1].reason;
  EXPECT_EQ(again[2].outcome, protocol::PushOutcome::kCreated) << again[2].reason;
  EXPECT_EQ(again[0].receipt, first[0].receipt);
  EXPECT_EQ(Push(a, visit)[2].outcome, protocol::PushOutcome::kDuplicate);
  EXPECT_EQ(db.Count("SELECT count(*) FROM applications WHERE visit_id = '" + VisitId(a, 1) +
                     "' AND visit_number = '" + FormatVisitNumber("K7Q2", kDay, 1) +
                     "' AND visit_size = 3 AND device_id = " + std::to_string(a.device_id)),
            3);
  // Typed loosely, stored canonical (the number's usual tolerance).
  protocol::PushItem loose = Item(a, 4, 2, 2);
  loose.visit_number = "k7q2-261204-v2-" +
                       std::string(1, static_cast<char>(std::tolower(
                                          static_cast<unsigned char>(loose.visit_number.back()))));
  EXPECT_EQ(Code(a, loose), "");
  EXPECT_EQ(db.Query("SELECT visit_number FROM applications WHERE app_number = '" +
                     loose.app_number + "'"),
            FormatVisitNumber("K7Q2", kDay, 2));
  // An application alone has none of the three.
  EXPECT_EQ(Code(a, Item(a, 5)), "");
  EXPECT_EQ(db.Count("SELECT count(*) FROM applications WHERE visit_id IS NULL "
                     "AND visit_number IS NULL AND visit_size IS NULL"),
            1);
}

TEST_F(VisitIngest, GarbageVisitKeysAreRefusedAndNothingIsStored) {
  std::vector<std::pair<std::string, protocol::PushItem>> cases;
  auto with = [&](const std::string& what, auto change) {
    protocol::PushItem item = Item(a, 10 + static_cast<uint32_t>(cases.size()), 1, 2);
    change(item);
    cases.emplace_back(what, item);
  };
  with("visit_id alone", [](auto& i) {
    i.visit_number.clear();
    i.visit_size = 0;
  });
  with("no visit_size", [](auto& i) { i.visit_size = 0; });
  with("no visit_id", [](auto& i) { i.visit_id.clear(); });
  with("visit_id not a uuid", [](auto& i) { i.visit_id = "visit-1'; DROP TABLE applications"; });
  with("size 1", [](auto& i) { i.visit_size = 1; });
  with("size 7", [](auto& i) { i.visit_size = 7; });
  with("size -3", [](auto& i) { i.visit_size = -3; });
  with("number garbage", [](auto& i) { i.visit_number = "XYZ"; });
  with("number with a wrong check character", [](auto& i) { i.visit_number.back() ^= 1; });
  with("an application number as visit number",
       [](auto& i) { i.visit_number = FormatAppNumber("K7Q2", kDay, 1); });
  with("another kiosk's visit number",
       [](auto& i) { i.visit_number = FormatVisitNumber("B3C4", kDay, 1); });
  with("a long visit number", [](auto& i) { i.visit_number = std::string(5000, 'V'); });
  for (const auto& [what, item] : cases) {
    EXPECT_EQ(Code(a, item), protocol::reject::kBadVisit) << what;
  }
  protocol::PushItem nul = Item(a, 40, 1, 2);
  nul.visit_id.insert(3, 1, '\0');
  EXPECT_EQ(Code(a, nul), protocol::reject::kBadText);
  protocol::PushItem as_number = Item(a, 41);
  as_number.app_number = FormatVisitNumber("K7Q2", kDay, 9);
  EXPECT_EQ(Code(a, as_number), protocol::reject::kBadNumber) << "a visit number as app_number";
  // Sizes JSON can carry that an int cannot: the strict parser refuses the push with
  // the field's path before any check (none wraps, truncates or converts to 2).
  for (const std::string size : {"4294967298", "2.5", "\"2\"", "-9223372036854775808"}) {
    nlohmann::json item = Item(a, 42, 1, 2);
    std::string body = R"({"items":[)" + item.dump() + "]}";
    body.replace(body.find("\"visit_size\":2"), 14, "\"visit_size\":" + size);
    sync::HttpResponse r = SendSignedAs(transport, server->url(), a.device_id, a.keys.secret_key,
                                        "POST", protocol::kPathPush, body);
    EXPECT_EQ(r.status, 400) << size << " " << r.body;
    if (size != "\"2\"") {  // a string is refused as a type error, without the path
      EXPECT_NE(r.body.find("items[0].visit_size"), std::string::npos) << size << " " << r.body;
    }
  }
  EXPECT_EQ(Stored(), 0);
}

TEST_F(VisitIngest, AnotherKiosksVisitIdIsNotYours) {
  ASSERT_EQ(Code(a, Item(a, 1, 1, 2)), "");
  // B names A's visit id with B's own (valid) visit number and the same size.
  EXPECT_EQ(Code(b, Item(b, 1, 1, 2, VisitId(a, 1))), protocol::reject::kVisitNotYours);
  // And the other way round after B made its own.
  ASSERT_EQ(Code(b, Item(b, 2, 2, 2)), "");
  EXPECT_EQ(Code(a, Item(a, 2, 2, 2, VisitId(b, 2))), protocol::reject::kVisitNotYours);
  EXPECT_EQ(db.Count("SELECT count(DISTINCT device_id) FROM applications GROUP BY visit_id "
                     "ORDER BY 1 DESC LIMIT 1"),
            1);
  // Both in one push, the second item naming the visit B made: the first stays.
  auto mixed = Push(b, {Item(b, 3, 3, 2), Item(b, 4, 1, 2, VisitId(a, 1))});
  ASSERT_EQ(mixed.size(), 2u);
  EXPECT_EQ(mixed[0].outcome, protocol::PushOutcome::kCreated) << mixed[0].reason;
  EXPECT_EQ(mixed[1].code, protocol::reject::kVisitNotYours);
  EXPECT_EQ(Stored(), 3);
}

TEST_F(VisitIngest, OneVisitIdKeepsItsNumberAndSize) {
  ASSERT_EQ(Code(a, Item(a, 1, 1, 3)), "");
  EXPECT_EQ(Code(a, Item(a, 2, 1, 4)), protocol::reject::kBadVisit) << "another size";
  EXPECT_EQ(Code(a, Item(a, 3, 2, 3, VisitId(a, 1))), protocol::reject::kBadVisit)
      << "another number";
  EXPECT_EQ(Code(a, Item(a, 4, 1, 3, VisitId(a, 7))), protocol::reject::kBadVisit)
      << "the number under another visit id";
  // Inside one push too: the first item naming a visit fixes it.
  auto batch = Push(a, {Item(a, 5, 5, 2), Item(a, 6, 5, 3), Item(a, 7, 5, 2)});
  ASSERT_EQ(batch.size(), 3u);
  EXPECT_EQ(batch[0].outcome, protocol::PushOutcome::kCreated);
  EXPECT_EQ(batch[1].code, protocol::reject::kBadVisit);
  EXPECT_EQ(batch[2].outcome, protocol::PushOutcome::kCreated);
  EXPECT_EQ(Stored(), 3);
  EXPECT_EQ(Code(a, Item(a, 2, 1, 3)), "") << "the right size still fits";
}

TEST_F(VisitIngest, AVisitHoldsAtMostItsSize) {
  std::vector<protocol::PushItem> seven;
  for (uint32_t seq = 1; seq <= 7; ++seq) seven.push_back(Item(a, seq, 1, 6));
  auto results = Push(a, seven);
  ASSERT_EQ(results.size(), 7u);
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(results[i].outcome, protocol::PushOutcome::kCreated) << i << results[i].reason;
  }
  EXPECT_EQ(results[6].code, protocol::reject::kBadVisit);
  EXPECT_EQ(Code(a, Item(a, 8, 1, 6)), protocol::reject::kBadVisit) << "an eighth, later";
  // A resend of the six is still answered: they are stored.
  seven.pop_back();
  for (const auto& r : Push(a, seven)) EXPECT_EQ(r.outcome, protocol::PushOutcome::kDuplicate);
  // A visit of two, its third in another push.
  ASSERT_EQ(Code(a, Item(a, 9, 2, 2)), "");
  ASSERT_EQ(Code(a, Item(a, 10, 2, 2)), "");
  EXPECT_EQ(Code(a, Item(a, 11, 2, 2)), protocol::reject::kBadVisit);
  EXPECT_EQ(db.Count("SELECT count(*) FROM applications WHERE visit_id = '" + VisitId(a, 1) + "'"),
            6);
  EXPECT_EQ(Stored(), 8);
}

}  // namespace
}  // namespace yimen::testing
