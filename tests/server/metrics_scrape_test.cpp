// What an operator reads, after real traffic through the real yimen-server: GET
// /metrics on the --metrics-listen socket, parsed by prometheus_client's own parser
// (tests/server/ops_check.py), must show the requests by route and code, the push
// latency histogram, items created / duplicate / rejected, and the kiosk's queue as its
// heartbeat reported it; the API socket must not serve /metrics. The server's stderr
// from the same session must be logfmt throughout and hold none of the resident's
// data planted in payloads, queries, paths and bodies (docs/operations.md "Metrics
// and logs").
#include <gtest/gtest.h>

#include <ctime>
#include <fstream>
#include <map>
#include <sstream>

#include "common/sealing.h"
#include "domain/app_number.h"
#include "server/key_ring.h"
#include "server/server_test_support.h"
#include "sync/protocol/signing.h"

namespace yimen::testing {
namespace {

constexpr const char* kName = "欧阳燚";
constexpr const char* kIdNumber = "44200019650312123X";

// "listening on 127.0.0.1:PORT" → PORT.
int PortOf(const std::string& line) {
  const size_t colon = line.rfind(':');
  return colon == std::string::npos ? 0 : std::atoi(line.c_str() + colon + 1);
}

// ops_check.py metrics: sample key (name{labels sorted}) → value.
std::map<std::string, double> ParseWithPrometheus(const std::string& path,
                                                  std::map<std::string, std::string>* types) {
  CommandResult parsed =
      RunCommand({"/usr/bin/python3", YIMEN_OPS_CHECK, "metrics", path}, "", /*with_stderr=*/true);
  EXPECT_EQ(parsed.exit_code, 0) << parsed.out;
  std::map<std::string, double> samples;
  std::istringstream lines(parsed.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("# family ", 0) == 0) {
      std::istringstream words(line.substr(9));
      std::string name, type;
      words >> name >> type;
      (*types)[name] = type;
      continue;
    }
    const size_t space = line.rfind(' ');
    samples[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return samples;
}

class MetricsScrape : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(PgCluster::Get().ok()) << "no PostgreSQL"; }

  sync::HttpResponse Send(const std::string& method, const std::string& url,
                          const std::string& body = "") {
    auto r = transport.Send({method, url, {{"Content-Type", "application/json"}}, body});
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : sync::HttpResponse{};
  }

  protocol::PushItem Item(server::PgPool& pool, const std::string& uuid, uint32_t seq) {
    protocol::PushItem item;
    item.uuid = uuid;
    item.app_number = FormatAppNumber("K7Q2", {2026, 12, 3}, seq);
    item.service_code = "dibao";
    item.catalog_version = "2026.3";
    item.payload_format = protocol::kPayloadSealedV2;
    auto active = server::ActiveSealingKey(pool);
    EXPECT_TRUE(active.ok());
    auto sealed = seal::SealEnvelope(
        std::string(R"({"values":{"name":")") + kName + R"(","id_number":")" + kIdNumber + "\"}}",
        active.ok() ? active->public_key : "");
    EXPECT_TRUE(sealed.ok());
    item.payload = sealed.ok() ? *sealed : "";
    item.submitted_at = "2026-12-03T01:30:00Z";
    return item;
  }

  TestDatabase db;
  SyncTempDir dir;
  sync::CurlTransport transport;
};

TEST_F(MetricsScrape, SeriesFollowTheTrafficAndTheLogHoldsNoPersonalData) {
  const std::string log_path = dir.path() + "/server.log";
  ChildProcess server({"/bin/sh", "-c",
                       std::string("exec '") + YIMEN_SERVER_BIN + "' --pg '" + db.url() +
                           "' --listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 2>'" + log_path +
                           "'"});
  const int api_port = PortOf(server.FirstLine());
  const int metrics_port = PortOf(server.FirstLine());
  ASSERT_GT(api_port, 0);
  ASSERT_GT(metrics_port, 0);
  const std::string api = "http://127.0.0.1:" + std::to_string(api_port);
  const std::string metrics = "http://127.0.0.1:" + std::to_string(metrics_port);
  server::PgPool pool(db.url());

  // Enroll, as a kiosk does.
  auto code = server::IssueEnrollCode(pool, "东门社区", 1);
  ASSERT_TRUE(code.ok());
  const protocol::SigningKeyPair keys = protocol::GenerateSigningKeyPair();
  sync::HttpResponse enrolled = Send("POST", api + protocol::kPathEnroll,
                                     protocol::SerializeMessage(protocol::EnrollRequest{
                                         *code, Base64Encode(keys.public_key), "test", "K7Q2"}));
  ASSERT_EQ(enrolled.status, 200) << enrolled.body;
  const int64_t device = protocol::ParseMessage<protocol::EnrollResponse>(enrolled.body)->device_id;
  auto signed_send = [&](const std::string& method, const std::string& target,
                         const std::string& body) {
    return SendSignedAs(transport, api, device, keys.secret_key, method, target, body);
  };

  // A push of one good item and one in plaintext (rejected "unsealed", its payload the
  // resident's name and ID number); then the good one again (a retry: duplicate).
  const protocol::PushItem good = Item(pool, "d0000000-0000-4000-8000-000000000001", 1);
  protocol::PushItem plain = Item(pool, "d0000000-0000-4000-8000-000000000002", 2);
  plain.payload_format = protocol::kPayloadJsonV1;
  plain.payload = std::string(R"({"name":")") + kName + R"(","id_number":")" + kIdNumber + "\"}";
  EXPECT_EQ(signed_send("POST", protocol::kPathPush,
                        protocol::SerializeMessage(protocol::PushRequest{{good, plain}}))
                .status,
            200);
  EXPECT_EQ(signed_send("POST", protocol::kPathPush,
                        protocol::SerializeMessage(protocol::PushRequest{{good}}))
                .status,
            200);
  // Bad requests carrying the same data where the server does see plain text: a
  // body that is not a push, a query, a path.
  EXPECT_EQ(signed_send("POST", protocol::kPathPush,
                        std::string(R"({"items":[{"name":")") + kName + "\"" + kIdNumber)
                .status,
            400);
  EXPECT_EQ(
      signed_send("GET", std::string(protocol::kPathStatus) + "?after=x" + kIdNumber, "").status,
      400);
  EXPECT_EQ(Send("GET", api + "/v1/residents/" + kIdNumber).status, 404);

  protocol::Heartbeat beat;
  beat.queue_depth = 7;
  beat.parked = 1;
  beat.oldest_pending_age_s = 1234;
  beat.app_version = "test";
  EXPECT_EQ(signed_send("POST", protocol::kPathHeartbeat, protocol::SerializeMessage(beat)).status,
            200);

  // Who may read /metrics: the metrics socket only.
  EXPECT_EQ(Send("GET", api + "/metrics").status, 404);
  EXPECT_EQ(Send("GET", metrics + "/healthz").status, 404);
  EXPECT_EQ(Send("POST", metrics + "/metrics", "{}").status, 405);
  sync::HttpResponse scrape = Send("GET", metrics + "/metrics");
  ASSERT_EQ(scrape.status, 200);
  EXPECT_EQ(scrape.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
  const std::string scrape_path = dir.path() + "/scrape.txt";
  std::ofstream(scrape_path, std::ios::binary) << scrape.body;

  std::map<std::string, std::string> types;
  std::map<std::string, double> m = ParseWithPrometheus(scrape_path, &types);
  auto value = [&](const std::string& key) {
    auto it = m.find(key);
    EXPECT_NE(it, m.end()) << "no series " << key;
    return it == m.end() ? -1.0 : it->second;
  };
  EXPECT_EQ(value(R"(yimen_http_requests_total{code="200",route="/v1/enroll"})"), 1);
  EXPECT_EQ(value(R"(yimen_http_requests_total{code="200",route="/v1/push"})"), 2);
  EXPECT_EQ(value(R"(yimen_http_requests_total{code="400",route="/v1/push"})"), 1);
  EXPECT_EQ(value(R"(yimen_http_requests_total{code="400",route="/v1/status"})"), 1);
  EXPECT_EQ(value(R"(yimen_http_requests_total{code="404",route="other"})"), 1);
  EXPECT_EQ(value(R"(yimen_http_requests_total{code="404",route="/metrics"})"), 1);
  EXPECT_EQ(value(R"(yimen_http_requests_total{code="200",route="/v1/heartbeat"})"), 1);
  EXPECT_EQ(types["yimen_http_request_duration_seconds"], "histogram");
  EXPECT_EQ(value(R"(yimen_http_request_duration_seconds_count{route="/v1/push"})"), 3);
  EXPECT_EQ(value(R"(yimen_http_request_duration_seconds_bucket{le="+Inf",route="/v1/push"})"), 3);
  EXPECT_GT(value(R"(yimen_http_request_duration_seconds_sum{route="/v1/push"})"), 0);
  EXPECT_EQ(value(R"(yimen_push_items_total{outcome="created"})"), 1);
  EXPECT_EQ(value(R"(yimen_push_items_total{outcome="duplicate"})"), 1);
  EXPECT_EQ(value(R"(yimen_push_items_total{code="unsealed",outcome="rejected"})"), 1);
  const std::string kiosk = R"({hall="东门社区",kiosk="K7Q2"})";
  EXPECT_EQ(value("yimen_kiosk_queue_depth" + kiosk), 7);
  EXPECT_EQ(value("yimen_kiosk_parked" + kiosk), 1);
  EXPECT_EQ(value("yimen_kiosk_oldest_pending_age_seconds" + kiosk), 1234);
  const double silent = value("yimen_kiosk_last_heartbeat_age_seconds" + kiosk);
  EXPECT_GE(silent, 0);
  EXPECT_LT(silent, 300);  // sent moments ago; generous for a loaded CI machine
  EXPECT_EQ(value("yimen_fleet_queue_depth{}"), 7);
  EXPECT_EQ(value(R"(yimen_kiosks{state="active"})"), 1);
  EXPECT_EQ(value("yimen_kiosk_series_omitted{}"), 0);
  EXPECT_EQ(value(R"(yimen_sealing_keys{state="active"})"), 1);
  EXPECT_GE(value(R"(yimen_pg_pool_connections{state="idle"})"), 1);
  EXPECT_EQ(value("yimen_pg_pool_timeouts_total{}"), 0);
  EXPECT_EQ(value("yimen_http_busy_total{}"), 0);
  EXPECT_GE(value("yimen_http_open_connections{}"), 0);
  EXPECT_EQ(value("yimen_worker_queue_depth{}"), 0);
  EXPECT_EQ(value("yimen_scrape_database_ok{}"), 1);
  // Two stored pushes and a heartbeat rode in group transactions (alone, here).
  EXPECT_GE(value("yimen_group_commit_members_total{}"), 3);
  EXPECT_GE(value("yimen_group_commit_groups_total{}"), 1);
  EXPECT_LE(value("yimen_group_commit_groups_total{}"),
            value("yimen_group_commit_members_total{}"));
  EXPECT_EQ(value("yimen_group_commit_fallbacks_total{}"), 0);
  EXPECT_EQ(types["yimen_group_commit_groups"], "counter");
  const double started = value("process_start_time_seconds{}");
  EXPECT_LE(started, static_cast<double>(std::time(nullptr)));
  EXPECT_GT(started, static_cast<double>(std::time(nullptr)) - 600);
  bool build_info = false;
  for (const auto& [key, v] : m) build_info |= key.rfind("yimen_build_info{", 0) == 0 && v == 1;
  EXPECT_TRUE(build_info);
  EXPECT_EQ(scrape.body.find(kIdNumber), std::string::npos);

  EXPECT_EQ(server.Stop(), 0);
  const std::string log = ReadFileText(log_path);
  std::printf("server log:\n%s", log.c_str());
  EXPECT_NE(log.find("event=request"), std::string::npos);
  EXPECT_NE(log.find("route=/v1/push status=200"), std::string::npos);
  for (const char* secret : {kName, kIdNumber, "44200019650312", "residents"}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << secret;
  }
  CommandResult parsed =
      RunCommand({"/usr/bin/python3", YIMEN_OPS_CHECK, "logfmt", log_path}, "", true);
  EXPECT_EQ(parsed.exit_code, 0) << parsed.out;
}

}  // namespace
}  // namespace yimen::testing
