// Tests sync/protocol/messages and status: JSON shapes both sides rely on.
#include "sync/protocol/messages.h"

#include <gtest/gtest.h>

#include "sync/protocol/status.h"

namespace yimen::protocol {
namespace {

TEST(Messages, PushRequestRoundTripsWithAttachments) {
  PushItem item;
  item.uuid = "0b6f3c1e-8d6a-4f7e-9c55-0a1b2c3d4e5f";
  item.app_number = "K7Q2-261123-0042-C";
  item.service_code = "dibao";
  item.catalog_version = "2026.3";
  item.payload_format = kPayloadJsonV1;
  item.payload = R"({"a":1})";
  item.submitted_at = "2026-11-23T02:30:00Z";
  item.attachments.push_back({"id_card", 5, std::string(64, 'a'), "image/jpeg"});
  auto parsed = ParseMessage<PushRequest>(SerializeMessage(PushRequest{{item}}));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_EQ(parsed->items.size(), 1u);
  EXPECT_EQ(parsed->items[0].uuid, item.uuid);
  EXPECT_EQ(parsed->items[0].payload, item.payload);
  ASSERT_EQ(parsed->items[0].attachments.size(), 1u);
  EXPECT_EQ(parsed->items[0].attachments[0].size, 5);
}

// docs/internals/sync.md "Visits": the three visit fields travel together when the
// item belongs to a visit, and not at all otherwise, so a server from before visits
// reads a lone application's push exactly as before.
TEST(Messages, PushItemCarriesTheVisitOnlyWhenItHasOne) {
  PushItem item;
  item.uuid = "0b6f3c1e-8d6a-4f7e-9c55-0a1b2c3d4e5f";
  item.app_number = "K7Q2-261204-0042-C";
  item.service_code = "yiliao";
  item.payload_format = kPayloadJsonV1;
  item.payload = "{}";
  const std::string alone = SerializeMessage(PushRequest{{item}});
  EXPECT_EQ(alone.find("visit_"), std::string::npos) << alone;

  item.visit_id = "6c7f1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f";
  item.visit_number = "K7Q2-261204-V0003-X";
  item.visit_size = 3;
  const std::string in_visit = SerializeMessage(PushRequest{{item}});
  const nlohmann::json sent = nlohmann::json::parse(in_visit)["items"][0];
  EXPECT_EQ(sent["visit_id"], item.visit_id);
  EXPECT_EQ(sent["visit_number"], item.visit_number);
  EXPECT_EQ(sent["visit_size"], 3);
  auto parsed = ParseRequest<PushRequest>(in_visit);  // the server's strict parse
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->items.at(0).visit_id, item.visit_id);
  EXPECT_EQ(parsed->items.at(0).visit_number, item.visit_number);
  EXPECT_EQ(parsed->items.at(0).visit_size, 3);

  auto old_kiosk = ParseRequest<PushRequest>(alone);
  ASSERT_TRUE(old_kiosk.ok()) << old_kiosk.error().message;
  EXPECT_TRUE(old_kiosk->items.at(0).visit_id.empty());
  EXPECT_TRUE(old_kiosk->items.at(0).visit_number.empty());
  EXPECT_EQ(old_kiosk->items.at(0).visit_size, 0);
}

TEST(Messages, PushResultsKeepTheirOutcome) {
  PushResponse response;
  response.results = {{"u1", PushOutcome::kCreated, "R1", "t", "", ""},
                      {"u2", PushOutcome::kDuplicate, "R0", "t0", "", ""},
                      {"u3", PushOutcome::kRejected, "", "", "payload is not a JSON object", "unsealed"}};
  auto parsed = ParseMessage<PushResponse>(SerializeMessage(response));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->results[0].outcome, PushOutcome::kCreated);
  EXPECT_EQ(parsed->results[1].outcome, PushOutcome::kDuplicate);
  EXPECT_EQ(parsed->results[1].receipt, "R0");
  EXPECT_EQ(parsed->results[2].outcome, PushOutcome::kRejected);
  EXPECT_EQ(parsed->results[2].reason, "payload is not a JSON object");
}

TEST(Messages, UnknownOutcomeIsAnErrorNotAGuess) {
  auto parsed = ParseMessage<PushResponse>(R"({"results":[{"uuid":"u","outcome":"maybe"}]})");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().kind, ErrorKind::kInvalidArgument);
}

TEST(Messages, MalformedJsonAndMissingFieldsAreInvalidArguments) {
  EXPECT_FALSE(ParseMessage<PushRequest>("{").ok());
  EXPECT_FALSE(ParseMessage<PushRequest>(R"({"items":[{"uuid":"x"}]})").ok());
  EXPECT_FALSE(ParseMessage<StatusPage>(R"({"changes":"no"})").ok());
}

TEST(Messages, SerializationIsStable) {
  Heartbeat beat;
  beat.queue_depth = 3;
  EXPECT_EQ(SerializeMessage(beat), SerializeMessage(beat));
  EXPECT_EQ(SerializeMessage(ErrorBody{"replayed", "x"}), R"({"error":"replayed","message":"x"})");
}

// The database epoch (server migration 8) travels in status pages; a page from an
// older server has none and reads as "" (the kiosk then changes nothing).
TEST(Messages, StatusPageCarriesTheDatabaseEpochWhenThereIsOne) {
  StatusPage page;
  page.cursor = 4;
  page.epoch = "6f1c2d3e-epoch";
  auto parsed = ParseMessage<StatusPage>(SerializeMessage(page));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->epoch, "6f1c2d3e-epoch");
  page.epoch.clear();
  EXPECT_EQ(SerializeMessage(page).find("epoch"), std::string::npos);
  auto old = ParseMessage<StatusPage>(R"({"changes":[],"cursor":3,"more":false})");
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->epoch, "");
}

// ---- the server's strict parse of what a peer sends (issue 6, hostile input) ----

std::string GoodPush() {
  PushItem item;
  item.uuid = "0b6f3c1e-8d6a-4f7e-9c55-0a1b2c3d4e5f";
  item.app_number = "K7Q2-261123-0042-C";
  item.service_code = "dibao";
  item.payload_format = kPayloadJsonV1;
  item.payload = R"({"a":1})";
  item.attachments.push_back({"id_card", 5, std::string(64, 'a'), "image/jpeg"});
  return SerializeMessage(PushRequest{{item}});
}

std::string Refusal(std::string_view body) {
  auto parsed = ParseRequest<PushRequest>(body);
  return parsed.ok() ? "(accepted)" : parsed.error().message;
}

TEST(StrictRequests, AcceptWhatTheKioskSends) {
  auto parsed = ParseRequest<PushRequest>(GoodPush());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->items.at(0).attachments.at(0).size, 5);
  // Optional fields may be left out.
  EXPECT_TRUE(ParseRequest<Heartbeat>(R"({"queue_depth":3})").ok());
}

TEST(StrictRequests, RefuseUnknownFieldsAtAnyLevelNamingThePath) {
  nlohmann::json j = nlohmann::json::parse(GoodPush());
  j["items"][0]["attachments"][0]["owner"] = "x";
  EXPECT_EQ(Refusal(j.dump()), "items[0].attachments[0].owner: unknown field");
  nlohmann::json top = nlohmann::json::parse(GoodPush());
  top["debug"] = true;
  EXPECT_EQ(Refusal(top.dump()), "debug: unknown field");
}

TEST(StrictRequests, RefuseValuesThatDoNotSurviveTheRoundTrip) {
  nlohmann::json j = nlohmann::json::parse(GoodPush());
  j["items"][0]["attachments"][0]["size"] = 1.5;
  EXPECT_EQ(Refusal(j.dump()), "items[0].attachments[0].size: expected an integer, got a fraction");
  // 2^64 - 1 would wrap to -1 in an int64.
  std::string huge = GoodPush();
  huge.replace(huge.find("\"size\":5"), 8, "\"size\":18446744073709551615");
  EXPECT_NE(Refusal(huge).find("items[0].attachments[0].size"), std::string::npos)
      << Refusal(huge);
  EXPECT_NE(Refusal(R"({"items":[{"uuid":null}]})"), "(accepted)");
  EXPECT_NE(Refusal(R"({"items":"all"})"), "(accepted)");
  EXPECT_NE(Refusal(R"({"items":[1,2]})"), "(accepted)");
}

// docs/internals/visits.md: the three visit keys travel together, and an application
// alone carries none (so older servers, which refuse unknown fields, still take it).
TEST(StrictRequests, VisitKeysTravelTogetherAndOnlyInAVisit) {
  EXPECT_EQ(GoodPush().find("visit"), std::string::npos);
  nlohmann::json j = nlohmann::json::parse(GoodPush());
  j["items"][0]["visit_id"] = "5b3d9e20-0000-4000-9000-000000000001";
  j["items"][0]["visit_number"] = "K7Q2-261204-V0003-X";
  j["items"][0]["visit_size"] = 3;
  auto parsed = ParseRequest<PushRequest>(j.dump());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->items[0].visit_id, "5b3d9e20-0000-4000-9000-000000000001");
  EXPECT_EQ(parsed->items[0].visit_number, "K7Q2-261204-V0003-X");
  EXPECT_EQ(parsed->items[0].visit_size, 3);
  EXPECT_EQ(nlohmann::json(parsed->items[0])["visit_size"], 3);
  j["items"][0]["visit_size"] = 4294967299;  // would wrap to 3 in an int
  EXPECT_NE(Refusal(j.dump()).find("items[0].visit_size"), std::string::npos) << Refusal(j.dump());
}

TEST(StrictRequests, RefuseDeepNestingBeforeParsing) {
  const std::string bomb = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_NE(Refusal(bomb).find("nested deeper than"), std::string::npos);
  // Brackets inside strings are text, not nesting.
  nlohmann::json j = nlohmann::json::parse(GoodPush());
  j["items"][0]["payload"] = std::string(50, '[') + "\"\\";
  EXPECT_TRUE(ParseRequest<PushRequest>(j.dump()).ok()) << Refusal(j.dump());
}

TEST(StrictRequests, RefuseNonObjectsTruncationAndInvalidUtf8WithAValidUtf8Reason) {
  EXPECT_NE(Refusal("[]").find("not a JSON object"), std::string::npos);
  const std::string good = GoodPush();
  EXPECT_NE(Refusal(good.substr(0, good.size() / 2)).find("malformed message"),
            std::string::npos);
  const std::string bad_utf8 = "{\"items\":[{\"uuid\":\"\xff\xfe\"}]}";
  const std::string reason = Refusal(bad_utf8);
  EXPECT_NE(reason.find("malformed message"), std::string::npos) << reason;
  // The reason goes back in a JSON reply: it must serialise.
  EXPECT_NO_THROW((void)SerializeMessage(ErrorBody{"bad_request", reason}));
}

// Regression (reproduced with fuzz_request): a float beyond int64 in an integer field was cast by
// nlohmann, undefined behaviour that UBSan stops on. Requests and replies alike.
TEST(StrictRequests, RefuseNumbersNoFieldCanHoldBeforeConverting) {
  auto heartbeat = ParseRequest<Heartbeat>(R"({"queue_depth":1e300})");
  ASSERT_FALSE(heartbeat.ok());
  EXPECT_EQ(heartbeat.error().message, "queue_depth: number out of range");
  EXPECT_FALSE(ParseRequest<Heartbeat>(R"({"parked":-9.3e18})").ok());
  EXPECT_EQ(ParseRequest<Heartbeat>(R"({"parked":2.0})").error().message,
            "parked: expected an integer, got a fraction");
  // A hostile or broken server's reply, parsed by the kiosk.
  auto reply = ParseMessage<EnrollResponse>(
      R"({"device_id":1e300,"hall":"h","sealing_public_key":"k"})");
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().message, "device_id: number out of range");
  auto page = ParseMessage<StatusPage>(R"({"changes":[],"cursor":-1e19})");
  EXPECT_FALSE(page.ok());
  // Fractions in range stay allowed in replies (catalogs may carry them).
  EXPECT_TRUE(ParseMessage<CatalogUpdate>(R"({"version":"1","catalog":{"x":0.5}})").ok());
}

TEST(Statuses, FindByChineseNameOrAsciiCode) {
  ASSERT_NE(FindStatus("需补正"), nullptr);
  EXPECT_STREQ(FindStatus("needs_materials")->name, "需补正");
  EXPECT_TRUE(FindStatus("不予批准")->reason_required);
  EXPECT_FALSE(FindStatus("已受理")->reason_required);
  EXPECT_EQ(FindStatus("已删除"), nullptr);
  // The office workflow's: 初审通过, 部门协办中, 公示中 beside the first six.
  EXPECT_EQ(AllStatuses().size(), 9u);
  EXPECT_STREQ(FindStatus("public_notice")->name, "公示中");
}

}  // namespace
}  // namespace yimen::protocol

namespace yimen::protocol {
namespace {

TEST(StrictRequests, RefuseNulTextNamingTheFieldUnlessTheCallerChecks) {
  auto beat = ParseRequest<Heartbeat>(R"({"queue_depth":1,"last_error":"disk\u0000full"})");
  ASSERT_FALSE(beat.ok());
  EXPECT_EQ(beat.error().message, "last_error: text holds U+0000");
  auto push = ParseRequest<PushRequest>(
      R"({"items":[{"uuid":"u","app_number":"a\u0000","service_code":"s","payload_format":"sealed-v2","payload":"{}"}]})");
  ASSERT_FALSE(push.ok());
  EXPECT_EQ(push.error().message, "items[0].app_number: text holds U+0000");
  auto per_item = ParseRequest<PushRequest>(
      R"({"items":[{"uuid":"u","app_number":"a\u0000","service_code":"s","payload_format":"sealed-v2","payload":"{}"}]})",
      NulText::kCallerChecks);
  ASSERT_TRUE(per_item.ok());
  EXPECT_EQ(per_item->items[0].app_number, std::string("a\0", 2)) << "kept whole, not truncated";
}

TEST(StrictRequests, HundredThousandDeepBodiesAreRefusedWithoutBuildingThem) {
  const std::string deep = R"({"items":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
  auto push = ParseRequest<PushRequest>(deep);
  ASSERT_FALSE(push.ok());
  EXPECT_EQ(push.error().message, "malformed message: nested deeper than 8 levels");
  auto reply = ParseMessage<StatusPage>(R"({"changes":)" + std::string(100000, '[') +
                                        std::string(100000, ']') + "}");
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().message, "malformed message: nested deeper than 64 levels");
}

TEST(Messages, RejectionCodeTravelsAndIsRecordedWithTheReason) {
  PushResult result{"u", PushOutcome::kRejected, "", "", "sealed to unknown key x",
                    reject::kUnknownKey};
  auto back = ParseMessage<PushResponse>(SerializeMessage(PushResponse{{result}}));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->results[0].code, "unknown_key");
  EXPECT_EQ(RejectionText(back->results[0]), "unknown_key: sealed to unknown key x");
  result.code.clear();  // an old server
  EXPECT_EQ(RejectionText(result), "sealed to unknown key x");
}

}  // namespace
}  // namespace yimen::protocol
