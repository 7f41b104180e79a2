// What an operator watches: the server's counters, kept lock-free where requests pass
// (std::atomic, fixed slots chosen by route, status and reject code, so no label set
// ever grows from what a peer sends), and a small writer of the Prometheus text
// exposition format 0.0.4 that GET /metrics on the metrics listener answers with.
// Series and alert rules: docs/operations.md "Metrics and logs".
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/group_commit.h"
#include "server/service.h"
#include "sync/protocol/messages.h"

namespace yimen::server {

class PgPool;
class KeyVault;

// Label names and values of one sample, in the order written.
using MetricLabels = std::vector<std::pair<std::string_view, std::string>>;

// Writes the text format: a family's # HELP and # TYPE lines, then its samples. Not
// thread-safe (one per scrape).
class Exposition {
 public:
  // type: "counter", "gauge" or "histogram". Call once per family, before its samples.
  void Family(std::string_view name, std::string_view help, std::string_view type);
  void Sample(std::string_view name, const MetricLabels& labels, double value);
  // A histogram's series: name_bucket{le=...} cumulative over `bounds` (ascending
  // upper bounds) and +Inf, name_sum, name_count. `counts` has bounds.size() + 1
  // entries, each the observations in that bucket alone (the last: above every bound).
  void Histogram(std::string_view name, const MetricLabels& labels,
                 const std::vector<double>& bounds, const std::vector<uint64_t>& counts,
                 double sum);
  const std::string& text() const { return m_text; }

 private:
  std::string m_text;
};

// A label value as the format wants it: backslash, double quote and newline escaped.
std::string EscapeLabelValue(std::string_view value);
// A HELP text: backslash and newline escaped.
std::string EscapeHelp(std::string_view text);
// A sample value: integers exactly ("42"), others with up to 17 significant digits,
// "+Inf", "-Inf", "NaN".
std::string FormatMetricValue(double value);

// The route a path (no query) is counted and logged under: "/v1/push",
// "/v1/attachments/{uuid}/{id}", "/metrics", or "other" for any path the API does
// not serve. Never the path itself. Pure.
const char* MetricRouteLabel(std::string_view path);

// Observations in seconds into fixed buckets; Observe is lock-free, any thread.
class LatencyHistogram {
 public:
  // Upper bounds in seconds, shared by every latency histogram of the server.
  static const std::vector<double>& Bounds();
  void Observe(double seconds);
  // Non-cumulative counts (Bounds().size() + 1) and the sum in seconds. A snapshot
  // taken while others observe may be off by the observations in flight.
  std::vector<uint64_t> Counts() const;
  double Sum() const;

 private:
  static constexpr size_t kSlots = 13;  // Bounds().size() + 1
  std::array<std::atomic<uint64_t>, kSlots> m_counts{};
  std::atomic<uint64_t> m_sum_us{0};
};

// Everything counted as requests pass. One per process (Metrics()); counters only grow.
class ServerMetrics {
 public:
  // One answered request on the API listener: `path` without its query (normalised to
  // its route here, never kept raw), the status sent, and its time from the request's
  // first byte to the reply being queued.
  void CountRequest(std::string_view path, int status, double seconds);
  // A request refused 503 "busy" by the frontend (workers and their queue full, or the
  // memory for bodies in flight used up).
  void CountBusy() { m_busy.fetch_add(1, std::memory_order_relaxed); }
  // A connection closed at accept because the connection cap was reached.
  void CountOverCap() { m_over_cap.fetch_add(1, std::memory_order_relaxed); }
  // The outcome of every item of a push that was answered 200.
  void CountPushResults(const std::vector<protocol::PushResult>& results);
  // The counters above as families. Any thread.
  void Write(Exposition* out) const;

  // Tests and the scrape: one counter's value.
  uint64_t busy() const { return m_busy.load(); }

 private:
  static constexpr size_t kRoutes = 15;       // request_head.h's routes, kUnknown, /metrics
  static constexpr size_t kStatuses = 20;     // kStatusCodes, then "other"
  static constexpr size_t kRejectCodes = 15;  // protocol::reject's codes, then "other"
  std::array<std::array<std::atomic<uint64_t>, kStatuses>, kRoutes> m_requests{};
  std::array<LatencyHistogram, kRoutes> m_durations{};
  std::atomic<uint64_t> m_created{0};
  std::atomic<uint64_t> m_duplicate{0};
  std::array<std::atomic<uint64_t>, kRejectCodes> m_rejected{};
  std::atomic<uint64_t> m_busy{0};
  std::atomic<uint64_t> m_over_cap{0};
};

// The process's counters. Any thread.
ServerMetrics& Metrics();

// What the listener knows at scrape time.
struct FrontendGauges {
  size_t connections = 0;
  size_t max_connections = 0;
  size_t queued = 0;  // requests waiting for a worker
  size_t max_queued = 0;
  size_t workers = 0;
};

// At most this many kiosks get series of their own (the fleet is 300 halls, a few
// kiosks each); the rest are counted in the fleet-wide gauges and in
// yimen_kiosk_series_omitted.
inline constexpr int kMaxKioskSeries = 5000;

// The whole /metrics body: the counters, the gauges of `frontend`, the pool's state,
// and what PostgreSQL says now (kiosks' last heartbeats, sealing keys). When the
// database cannot be read, its families are left out and yimen_scrape_database_ok is 0:
// the rest still reaches the operator. `group_commit`: how pushes and heartbeats shared
// transactions (server/group_commit.h). Any thread; blocks on PostgreSQL (a worker).
// `vault` (when given) adds yimen_key_custody_state{state} (server/key_vault.h).
std::string RenderMetrics(PgPool& pool, const FrontendGauges& frontend,
                          const GroupCommitCounters& group_commit, KeyVault* vault = nullptr);

// The metrics listener's answer: GET /metrics gives RenderMetrics as
// "text/plain; version=0.0.4"; any other path is 404 and another method 405.
ApiReply MetricsEndpoint(const ApiRequest& request, PgPool& pool, const FrontendGauges& frontend,
                         const GroupCommitCounters& group_commit, KeyVault* vault = nullptr);

}  // namespace yimen::server
