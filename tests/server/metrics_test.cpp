// The pure parts of what operators read (server/metrics.h, server/log.h,
// request_head.h's ClientAddress): the text format's escaping, cumulative histogram
// buckets, route normalisation that never keeps a raw path, logfmt quoting, and whose
// X-Forwarded-For is believed. The scrape after real traffic, parsed by a real
// Prometheus parser, is tests/server/metrics_scrape_test.cpp.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/log.h"
#include "server/metrics.h"
#include "server/request_head.h"

namespace yimen::server {
namespace {

TEST(Exposition, WritesHelpTypeAndEscapedLabels) {
  Exposition out;
  out.Family("yimen_x_total", "Line one\nback\\slash", "counter");
  out.Sample("yimen_x_total", {{"kiosk", "K7\"Q2\\\n"}, {"hall", "东门社区"}}, 3);
  out.Sample("yimen_x_total", {}, 0.25);
  EXPECT_EQ(out.text(),
            "# HELP yimen_x_total Line one\\nback\\\\slash\n"
            "# TYPE yimen_x_total counter\n"
            "yimen_x_total{kiosk=\"K7\\\"Q2\\\\\\n\",hall=\"东门社区\"} 3\n"
            "yimen_x_total 0.25\n");
}

TEST(Exposition, HistogramBucketsAreCumulativeAndEndWithInf) {
  Exposition out;
  out.Histogram("h", {{"route", "/v1/push"}}, {0.1, 1}, {2, 3, 4}, 7.5);
  EXPECT_EQ(out.text(),
            "h_bucket{route=\"/v1/push\",le=\"0.1\"} 2\n"
            "h_bucket{route=\"/v1/push\",le=\"1\"} 5\n"
            "h_bucket{route=\"/v1/push\",le=\"+Inf\"} 9\n"
            "h_sum{route=\"/v1/push\"} 7.5\n"
            "h_count{route=\"/v1/push\"} 9\n");
}

TEST(Exposition, ValuesAreExactIntegersOrSpecials) {
  EXPECT_EQ(FormatMetricValue(42), "42");
  EXPECT_EQ(FormatMetricValue(-1), "-1");
  EXPECT_EQ(FormatMetricValue(0.1), "0.1");
  EXPECT_EQ(FormatMetricValue(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(FormatMetricValue(1e300), "1e+300");
  EXPECT_EQ(FormatMetricValue(1.0 / 0.0), "+Inf");
  EXPECT_EQ(FormatMetricValue(-1.0 / 0.0), "-Inf");
  EXPECT_EQ(FormatMetricValue(0.0 / 0.0), "NaN");
}

TEST(LatencyHistogram, PutsEachObservationInItsBucket) {
  LatencyHistogram histogram;
  histogram.Observe(0.001);  // <= 5 ms
  histogram.Observe(0.005);  // le is inclusive
  histogram.Observe(0.04);   // <= 50 ms
  histogram.Observe(99);     // above every bound
  const std::vector<uint64_t> counts = histogram.Counts();
  ASSERT_EQ(counts.size(), LatencyHistogram::Bounds().size() + 1);
  EXPECT_EQ(counts[0], 2u);
  EXPECT_EQ(counts[3], 1u);
  EXPECT_EQ(counts.back(), 1u);
  EXPECT_NEAR(histogram.Sum(), 99.046, 1e-6);
}

TEST(ServerMetrics, RoutesAreNormalisedNeverRaw) {
  EXPECT_STREQ(MetricRouteLabel("/v1/push"), "/v1/push");
  EXPECT_STREQ(MetricRouteLabel("/v1/attachments/0f0e-uuid/front"), "/v1/attachments/{uuid}/{id}");
  EXPECT_STREQ(MetricRouteLabel("/console/app/GBUF-261204-0001-H"), "/console");
  EXPECT_STREQ(MetricRouteLabel("/api/office/v1/applications/X"), "/api/office/v1");
  EXPECT_STREQ(MetricRouteLabel("/v1/张三/110105199003071234"), "other");
  EXPECT_STREQ(MetricRouteLabel("/metrics"), "/metrics");
  ServerMetrics metrics;
  metrics.CountRequest("/v1/attachments/abc/def", 200, 0.01);
  metrics.CountRequest("/v1/110105199003071234", 404, 0.001);
  metrics.CountRequest("/v1/push", 599, 0.001);
  Exposition out;
  metrics.Write(&out);
  EXPECT_NE(out.text().find("route=\"/v1/attachments/{uuid}/{id}\",code=\"200\"} 1"),
            std::string::npos);
  EXPECT_NE(out.text().find("route=\"other\",code=\"404\"} 1"), std::string::npos);
  EXPECT_NE(out.text().find("route=\"/v1/push\",code=\"other\"} 1"), std::string::npos);
  EXPECT_EQ(out.text().find("110105"), std::string::npos);
}

TEST(ServerMetrics, CountsPushOutcomesByRejectCode) {
  ServerMetrics metrics;
  std::vector<protocol::PushResult> results(4);
  results[0].outcome = protocol::PushOutcome::kCreated;
  results[1].outcome = protocol::PushOutcome::kDuplicate;
  results[2].outcome = protocol::PushOutcome::kRejected;
  results[2].code = protocol::reject::kUnsealed;
  results[3].outcome = protocol::PushOutcome::kRejected;
  results[3].code = "made-up-by-a-peer";
  metrics.CountPushResults(results);
  Exposition out;
  metrics.Write(&out);
  const std::string& text = out.text();
  EXPECT_NE(text.find("yimen_push_items_total{outcome=\"created\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("yimen_push_items_total{outcome=\"duplicate\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("{outcome=\"rejected\",code=\"unsealed\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("{outcome=\"rejected\",code=\"other\"} 1\n"), std::string::npos);
  EXPECT_EQ(text.find("made-up"), std::string::npos);
}

TEST(Logfmt, QuotesOnlyWhatMustBeQuoted) {
  EXPECT_EQ(LogfmtValue("/v1/push"), "/v1/push");
  EXPECT_EQ(LogfmtValue(""), "\"\"");
  EXPECT_EQ(LogfmtValue("a b"), "\"a b\"");
  EXPECT_EQ(LogfmtValue("k=v"), "\"k=v\"");
  EXPECT_EQ(LogfmtValue("say \"hi\"\\\n"), "\"say \\\"hi\\\"\\\\\\n\"");
  EXPECT_EQ(LogfmtValue(std::string("a\0b", 3)), "\"a\\u0000b\"");
  const LogLine line =
      LogLine(LogLevel::kWarn, "request").Add("status", int64_t{503}).AddMs("duration_ms", 1.25);
  EXPECT_EQ(line.text(), "level=warn event=request status=503 duration_ms=1.2");
  EXPECT_EQ(FormatLogLine(line, /*journald=*/true), "<4>" + line.text() + "\n");
  const std::string plain = FormatLogLine(line, /*journald=*/false);
  EXPECT_EQ(plain.rfind("ts=20", 0), 0u) << plain;
  EXPECT_EQ(plain.substr(plain.find(' ') + 1), line.text() + "\n");
}

TEST(ClientAddress, ForwardedForIsBelievedFromTrustedProxiesOnly) {
  const std::vector<std::string> trusted = {"127.0.0.1"};
  EXPECT_EQ(ClientAddress("127.0.0.1", "203.0.113.9", trusted), "203.0.113.9");
  // The client may have sent its own header: nginx appends, the last hop counts.
  EXPECT_EQ(ClientAddress("127.0.0.1", "10.9.9.9, 203.0.113.9", trusted), "203.0.113.9");
  EXPECT_EQ(ClientAddress("127.0.0.1", "2001:db8::1", trusted), "2001:db8::1");
  EXPECT_EQ(ClientAddress("198.51.100.7", "203.0.113.9", trusted), "198.51.100.7");
  EXPECT_EQ(ClientAddress("127.0.0.1", "not-an-address", trusted), "127.0.0.1");
  EXPECT_EQ(ClientAddress("127.0.0.1", "", trusted), "127.0.0.1");
  EXPECT_EQ(ClientAddress("127.0.0.1", "203.0.113.9", {}), "127.0.0.1");
}

}  // namespace
}  // namespace yimen::server
