// The counters' slots, the text format and the scrape. Route, status and reject code
// pick a fixed slot, so a hostile peer cannot grow the label set (a raw path with an
// id in it never becomes a label), and the request path touches atomics only.
#include "server/metrics.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <pqxx/pqxx>

#include "server/pg_pool.h"
#include "server/request_head.h"
#include "version.h"

namespace yimen::server {
namespace {

// Taken when the server's code is loaded: the process start, near enough.
const double kStartTime =
    std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();

constexpr int kStatusCodes[] = {200, 201, 204, 400, 401, 403, 404, 405, 409, 410,
                                413, 414, 415, 422, 429, 431, 500, 502, 503};
static_assert(std::size(kStatusCodes) == 19);

constexpr const char* kRejectCodeNames[] = {
    protocol::reject::kBadText,       protocol::reject::kBadItem,
    protocol::reject::kBadNumber,     protocol::reject::kNumberNotYours,
    protocol::reject::kNumberTaken,   protocol::reject::kUuidNotYours,
    protocol::reject::kUnsealed,      protocol::reject::kBadEnvelope,
    protocol::reject::kUnknownKey,    protocol::reject::kRetiredKey,
    protocol::reject::kBadAttachment, protocol::reject::kBadVisit,
    protocol::reject::kVisitNotYours, protocol::reject::kInternal};
static_assert(std::size(kRejectCodeNames) == 14);

// Route labels by slot: request_head.h's Route order, then /metrics.
constexpr const char* kRouteLabels[] = {"/healthz",
                                        "/v1/enroll",
                                        "/v1/push",
                                        "/v1/status",
                                        "/v1/heartbeat",
                                        "/v1/catalog",
                                        "/v1/staff-accounts",
                                        "/v1/audit",
                                        "/v1/attachments/{uuid}/{id}",
                                        "/console",
                                        "/api/office/v1",
                                        "/v1/phone-links",
                                        "/m",
                                        "other",
                                        "/metrics"};
static_assert(std::size(kRouteLabels) == 15);
static_assert(static_cast<size_t>(Route::kUnknown) == 13);

size_t RouteSlot(std::string_view path) {
  if (path == "/metrics") return 14;
  return static_cast<size_t>(RouteOf(path));
}

size_t StatusSlot(int status) {
  for (size_t i = 0; i < std::size(kStatusCodes); ++i) {
    if (kStatusCodes[i] == status) return i;
  }
  return std::size(kStatusCodes);
}

std::string StatusLabel(size_t slot) {
  return slot < std::size(kStatusCodes) ? std::to_string(kStatusCodes[slot]) : "other";
}

size_t RejectSlot(std::string_view code) {
  for (size_t i = 0; i < std::size(kRejectCodeNames); ++i) {
    if (code == kRejectCodeNames[i]) return i;
  }
  return std::size(kRejectCodeNames);
}

void AppendLabels(std::string* out, const MetricLabels& labels, std::string_view le = {}) {
  if (labels.empty() && le.empty()) return;
  out->push_back('{');
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first) out->push_back(',');
    first = false;
    out->append(name);
    out->append("=\"");
    out->append(EscapeLabelValue(value));
    out->push_back('"');
  }
  if (!le.empty()) {
    if (!first) out->push_back(',');
    out->append("le=\"");
    out->append(le);
    out->push_back('"');
  }
  out->push_back('}');
}

}  // namespace

const char* MetricRouteLabel(std::string_view path) { return kRouteLabels[RouteSlot(path)]; }

namespace {

// Backslash and newline always; double quotes in label values only.
std::string Escape(std::string_view text, bool quotes) {
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    if (ch == '\\') {
      out += "\\\\";
    } else if (ch == '\n') {
      out += "\\n";
    } else if (ch == '"' && quotes) {
      out += "\\\"";
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

}  // namespace

std::string EscapeLabelValue(std::string_view value) { return Escape(value, /*quotes=*/true); }

std::string EscapeHelp(std::string_view text) { return Escape(text, /*quotes=*/false); }

std::string FormatMetricValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[40];
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    std::snprintf(buffer, sizeof buffer, "%.0f", value);
    return buffer;
  }
  // The shortest of 15, 16 or 17 significant digits that reads back as the same value.
  for (int digits = 15; digits <= 17; ++digits) {
    std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
    if (std::strtod(buffer, nullptr) == value) break;
  }
  return buffer;
}

void Exposition::Family(std::string_view name, std::string_view help, std::string_view type) {
  m_text.append("# HELP ").append(name).append(" ").append(EscapeHelp(help)).append("\n");
  m_text.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void Exposition::Sample(std::string_view name, const MetricLabels& labels, double value) {
  m_text.append(name);
  AppendLabels(&m_text, labels);
  m_text.append(" ").append(FormatMetricValue(value)).append("\n");
}

void Exposition::Histogram(std::string_view name, const MetricLabels& labels,
                           const std::vector<double>& bounds, const std::vector<uint64_t>& counts,
                           double sum) {
  const std::string bucket = std::string(name) + "_bucket";
  uint64_t cumulative = 0;
  for (size_t i = 0; i <= bounds.size(); ++i) {
    cumulative += i < counts.size() ? counts[i] : 0;
    m_text.append(bucket);
    AppendLabels(&m_text, labels, i < bounds.size() ? FormatMetricValue(bounds[i]) : "+Inf");
    m_text.append(" ").append(std::to_string(cumulative)).append("\n");
  }
  Sample(std::string(name) + "_sum", labels, sum);
  Sample(std::string(name) + "_count", labels, static_cast<double>(cumulative));
}

const std::vector<double>& LatencyHistogram::Bounds() {
  // 5 ms to 10 s: the fleet goal is a push's p99 under 50 ms (docs/benchmarks.md).
  static const std::vector<double> bounds = {0.005, 0.01, 0.025, 0.05, 0.075, 0.1,
                                             0.25,  0.5,  1,     2.5,  5,     10};
  return bounds;
}

void LatencyHistogram::Observe(double seconds) {
  const std::vector<double>& bounds = Bounds();
  const size_t slot =
      static_cast<size_t>(std::lower_bound(bounds.begin(), bounds.end(), seconds) - bounds.begin());
  m_counts[slot].fetch_add(1, std::memory_order_relaxed);
  // NaN or negative (a clock step) counts as 0 in the sum; casting NaN would be UB.
  const double us = seconds >= 0 && seconds < 1e6 ? seconds * 1e6 : 0;
  m_sum_us.fetch_add(static_cast<uint64_t>(us + 0.5), std::memory_order_relaxed);
}

std::vector<uint64_t> LatencyHistogram::Counts() const {
  std::vector<uint64_t> out;
  for (const auto& count : m_counts) out.push_back(count.load(std::memory_order_relaxed));
  return out;
}

double LatencyHistogram::Sum() const {
  return static_cast<double>(m_sum_us.load(std::memory_order_relaxed)) / 1e6;
}

void ServerMetrics::CountRequest(std::string_view path, int status, double seconds) {
  const size_t route = RouteSlot(path);
  m_requests[route][StatusSlot(status)].fetch_add(1, std::memory_order_relaxed);
  m_durations[route].Observe(seconds);
}

void ServerMetrics::CountPushResults(const std::vector<protocol::PushResult>& results) {
  for (const protocol::PushResult& result : results) {
    switch (result.outcome) {
      case protocol::PushOutcome::kCreated:
        m_created.fetch_add(1, std::memory_order_relaxed);
        break;
      case protocol::PushOutcome::kDuplicate:
        m_duplicate.fetch_add(1, std::memory_order_relaxed);
        break;
      case protocol::PushOutcome::kRejected:
        m_rejected[RejectSlot(result.code)].fetch_add(1, std::memory_order_relaxed);
        break;
    }
  }
}

void ServerMetrics::Write(Exposition* out) const {
  out->Family("yimen_http_requests_total",
              "Requests answered on the API listener, by route (normalised) and status code.",
              "counter");
  for (size_t r = 0; r < kRoutes; ++r) {
    for (size_t s = 0; s < kStatuses; ++s) {
      const uint64_t n = m_requests[r][s].load(std::memory_order_relaxed);
      if (n == 0) continue;  // a series appears with its first request
      out->Sample("yimen_http_requests_total",
                  {{"route", kRouteLabels[r]}, {"code", StatusLabel(s)}}, static_cast<double>(n));
    }
  }
  out->Family("yimen_http_request_duration_seconds",
              "From a request's first byte to its reply being queued, by route; "
              "route=\"/v1/push\" is the push latency.",
              "histogram");
  for (size_t r = 0; r < kRoutes; ++r) {
    const std::vector<uint64_t> counts = m_durations[r].Counts();
    uint64_t total = 0;
    for (const uint64_t c : counts) total += c;
    if (total == 0 && r != 2) continue;  // push always, the rest once used
    out->Histogram("yimen_http_request_duration_seconds", {{"route", kRouteLabels[r]}},
                   LatencyHistogram::Bounds(), counts, m_durations[r].Sum());
  }
  out->Family("yimen_push_items_total",
              "Items of answered pushes by outcome: created, duplicate (stored before: "
              "a retry), rejected (by code).",
              "counter");
  out->Sample("yimen_push_items_total", {{"outcome", "created"}},
              static_cast<double>(m_created.load()));
  out->Sample("yimen_push_items_total", {{"outcome", "duplicate"}},
              static_cast<double>(m_duplicate.load()));
  for (size_t i = 0; i < kRejectCodes; ++i) {
    const uint64_t n = m_rejected[i].load(std::memory_order_relaxed);
    if (n == 0) continue;
    out->Sample("yimen_push_items_total",
                {{"outcome", "rejected"},
                 {"code", i < std::size(kRejectCodeNames) ? kRejectCodeNames[i] : "other"}},
                static_cast<double>(n));
  }
  out->Family("yimen_http_busy_total",
              "Requests refused 503 busy: every worker busy and the queue full, or the "
              "memory for bodies in flight used up.",
              "counter");
  out->Sample("yimen_http_busy_total", {}, static_cast<double>(m_busy.load()));
  out->Family("yimen_http_connections_refused_total",
              "Connections closed at accept: the connection cap was reached.", "counter");
  out->Sample("yimen_http_connections_refused_total", {}, static_cast<double>(m_over_cap.load()));
}

ServerMetrics& Metrics() {
  static ServerMetrics metrics;
  return metrics;
}

namespace {

void WriteProcess(Exposition* out) {
  out->Family("process_start_time_seconds", "Start time of the process since the Unix epoch.",
              "gauge");
  out->Sample("process_start_time_seconds", {}, std::floor(kStartTime));
  out->Family("yimen_build_info", "The running build; the value is always 1.", "gauge");
  out->Sample("yimen_build_info", {{"version", YIMEN_VERSION}, {"revision", YIMEN_GIT_REV}}, 1);
}

void WriteFrontend(Exposition* out, const FrontendGauges& frontend) {
  out->Family("yimen_http_open_connections", "Connections open on the API listener.", "gauge");
  out->Sample("yimen_http_open_connections", {}, static_cast<double>(frontend.connections));
  out->Family("yimen_http_max_connections", "The connection cap of the API listener.", "gauge");
  out->Sample("yimen_http_max_connections", {}, static_cast<double>(frontend.max_connections));
  out->Family("yimen_worker_queue_depth", "Requests waiting for a worker thread.", "gauge");
  out->Sample("yimen_worker_queue_depth", {}, static_cast<double>(frontend.queued));
  out->Family("yimen_worker_queue_capacity", "Requests that may wait for a worker before 503 busy.",
              "gauge");
  out->Sample("yimen_worker_queue_capacity", {}, static_cast<double>(frontend.max_queued));
  out->Family("yimen_workers", "Worker threads (PostgreSQL work).", "gauge");
  out->Sample("yimen_workers", {}, static_cast<double>(frontend.workers));
}

void WritePool(Exposition* out, PgPool& pool) {
  const PgPoolStats stats = pool.Stats();
  out->Family("yimen_pg_pool_connections", "PostgreSQL connections of this process, by state.",
              "gauge");
  out->Sample("yimen_pg_pool_connections", {{"state", "in_use"}},
              static_cast<double>(stats.in_use));
  out->Sample("yimen_pg_pool_connections", {{"state", "idle"}}, static_cast<double>(stats.idle));
  out->Family("yimen_pg_pool_max_connections", "The pool's cap on open connections (0: none).",
              "gauge");
  out->Sample("yimen_pg_pool_max_connections", {}, static_cast<double>(stats.max_open));
  out->Family("yimen_pg_pool_waits_total",
              "Times a request waited for a connection because all were in use.", "counter");
  out->Sample("yimen_pg_pool_waits_total", {}, static_cast<double>(stats.waits));
  out->Family("yimen_pg_pool_timeouts_total",
              "Times no connection came free in time (answered 503).", "counter");
  out->Sample("yimen_pg_pool_timeouts_total", {}, static_cast<double>(stats.timeouts));
  out->Family("yimen_pg_pool_breaker_open",
              "1 while the pool believes the database is down and fails requests at once.",
              "gauge");
  out->Sample("yimen_pg_pool_breaker_open", {}, stats.breaker_open ? 1 : 0);
}

// What the kiosks last said (devices, written by heartbeats) and the key ring.
struct DatabaseView {
  struct Kiosk {
    std::string code;
    std::string hall;
    double since_heartbeat_s = -1;  // -1: never sent one
    double queue_depth = 0;
    double parked = 0;
    double oldest_pending_age_s = 0;
  };
  std::vector<Kiosk> kiosks;  // at most kMaxKioskSeries, deepest queues first
  int64_t active_kiosks = 0;
  int64_t revoked_kiosks = 0;
  double queue_depth_total = 0;
  double oldest_pending_max_s = 0;
  std::vector<std::pair<std::string, int64_t>> keys_by_state;
};

void ReadDatabase(pqxx::connection& c, DatabaseView* view) {
  pqxx::read_transaction tx(c);
  const pqxx::result kiosks = tx.exec_params(
      "SELECT kiosk_code, hall, "
      "       coalesce(extract(epoch FROM now() - last_heartbeat_at)::float8, -1), "
      "       coalesce(queue_depth, 0), coalesce(parked, 0), coalesce(oldest_pending_age_s, 0) "
      "FROM devices WHERE revoked_at IS NULL "
      "ORDER BY queue_depth DESC NULLS LAST, oldest_pending_age_s DESC NULLS LAST, kiosk_code "
      "LIMIT $1",
      kMaxKioskSeries);
  for (const auto& row : kiosks) {
    view->kiosks.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<double>(),
                            row[3].as<double>(), row[4].as<double>(), row[5].as<double>()});
  }
  const pqxx::row totals = tx.exec1(
      "SELECT count(*) FILTER (WHERE revoked_at IS NULL), "
      "       count(*) FILTER (WHERE revoked_at IS NOT NULL), "
      "       coalesce(sum(queue_depth) FILTER (WHERE revoked_at IS NULL), 0)::float8, "
      "       coalesce(max(oldest_pending_age_s) FILTER (WHERE revoked_at IS NULL), 0)::float8 "
      "FROM devices");
  view->active_kiosks = totals[0].as<int64_t>();
  view->revoked_kiosks = totals[1].as<int64_t>();
  view->queue_depth_total = totals[2].as<double>();
  view->oldest_pending_max_s = totals[3].as<double>();
  for (const auto& row : tx.exec("SELECT state, count(*) FROM sealing_keys GROUP BY state "
                                 "ORDER BY state")) {
    view->keys_by_state.emplace_back(row[0].as<std::string>(), row[1].as<int64_t>());
  }
}

void WriteDatabase(Exposition* out, const DatabaseView& view) {
  out->Family("yimen_kiosks", "Enrolled kiosks, by state.", "gauge");
  out->Sample("yimen_kiosks", {{"state", "active"}}, static_cast<double>(view.active_kiosks));
  out->Sample("yimen_kiosks", {{"state", "revoked"}}, static_cast<double>(view.revoked_kiosks));
  out->Family("yimen_kiosk_series_omitted",
              "Active kiosks left out of the per-kiosk series (over the cap of " +
                  std::to_string(kMaxKioskSeries) + ", shallowest queues first).",
              "gauge");
  out->Sample("yimen_kiosk_series_omitted", {},
              static_cast<double>(std::max<int64_t>(
                  0, view.active_kiosks - static_cast<int64_t>(view.kiosks.size()))));
  out->Family("yimen_fleet_queue_depth",
              "Applications waiting in every active kiosk's outbox, by their last heartbeats.",
              "gauge");
  out->Sample("yimen_fleet_queue_depth", {}, view.queue_depth_total);
  out->Family("yimen_fleet_oldest_pending_age_seconds",
              "The oldest waiting application in any active kiosk's outbox, by heartbeats.",
              "gauge");
  out->Sample("yimen_fleet_oldest_pending_age_seconds", {}, view.oldest_pending_max_s);

  struct KioskFamily {
    const char* name;
    const char* help;
    double DatabaseView::Kiosk::*field;
  };
  const KioskFamily families[] = {
      {"yimen_kiosk_last_heartbeat_age_seconds",
       "Seconds since the kiosk's last heartbeat (-1: none yet).",
       &DatabaseView::Kiosk::since_heartbeat_s},
      {"yimen_kiosk_queue_depth", "Applications in the kiosk's outbox at its last heartbeat.",
       &DatabaseView::Kiosk::queue_depth},
      {"yimen_kiosk_parked",
       "Applications the kiosk parked (rejected, waiting for staff) at its last heartbeat.",
       &DatabaseView::Kiosk::parked},
      {"yimen_kiosk_oldest_pending_age_seconds",
       "Age of the oldest application in the kiosk's outbox at its last heartbeat.",
       &DatabaseView::Kiosk::oldest_pending_age_s},
  };
  for (const KioskFamily& family : families) {
    out->Family(family.name, family.help, "gauge");
    for (const DatabaseView::Kiosk& kiosk : view.kiosks) {
      out->Sample(family.name, {{"kiosk", kiosk.code}, {"hall", kiosk.hall}},
                  kiosk.*(family.field));
    }
  }
  out->Family("yimen_sealing_keys",
              "Sealing keys in the ring, by state (active, previous, retired). The key's "
              "lock state comes with its custody (issue 12).",
              "gauge");
  for (const auto& [state, count] : view.keys_by_state) {
    out->Sample("yimen_sealing_keys", {{"state", state}}, static_cast<double>(count));
  }
}

}  // namespace

// Group commit (server/group_commit.h): members / groups is how many pushes and
// heartbeats one commit carried on average; fallbacks are groups rerun push by push.
static void WriteGroupCommit(Exposition* out, const GroupCommitCounters& counters) {
  out->Family("yimen_group_commit_groups_total",
              "Transactions that carried a group of pushes and heartbeats.", "counter");
  out->Sample("yimen_group_commit_groups_total", {}, static_cast<double>(counters.groups));
  out->Family("yimen_group_commit_members_total",
              "Pushes and heartbeats that rode in a group's transaction.", "counter");
  out->Sample("yimen_group_commit_members_total", {}, static_cast<double>(counters.members));
  out->Family("yimen_group_commit_fallbacks_total",
              "Groups whose transaction failed and were rerun one member at a time.", "counter");
  out->Sample("yimen_group_commit_fallbacks_total", {}, static_cast<double>(counters.fallbacks));
  out->Family("yimen_group_commit_largest_group",
              "The most members one group transaction has held since start.", "gauge");
  out->Sample("yimen_group_commit_largest_group", {}, static_cast<double>(counters.largest_group));
}

std::string RenderMetrics(PgPool& pool, const FrontendGauges& frontend,
                          const GroupCommitCounters& group_commit, KeyVault* vault) {
  Exposition out;
  WriteProcess(&out);
  Metrics().Write(&out);
  WriteFrontend(&out, frontend);
  WritePool(&out, pool);
  WriteGroupCommit(&out, group_commit);
  DatabaseView view;
  const auto started = std::chrono::steady_clock::now();
  const Status read = pool.Run([&](pqxx::connection& c) { ReadDatabase(c, &view); });
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (read.ok()) WriteDatabase(&out, view);
  out.Family("yimen_scrape_database_ok",
             "1 when this scrape could read PostgreSQL (kiosk and key series present).", "gauge");
  out.Sample("yimen_scrape_database_ok", {}, read.ok() ? 1 : 0);
  out.Family("yimen_scrape_database_seconds", "Time this scrape spent reading PostgreSQL.",
             "gauge");
  out.Sample("yimen_scrape_database_seconds", {}, took);
  if (vault != nullptr) {
    const KeyVault::State state = vault->state();
    out.Family("yimen_key_custody_state",
               "1 for this copy's key custody state: unprotected (no passphrase ceremony yet: "
               "the sealing secrets are plaintext in PostgreSQL), locked or unlocked.",
               "gauge");
    for (KeyVault::State each :
         {KeyVault::State::kUnprotected, KeyVault::State::kLocked, KeyVault::State::kUnlocked}) {
      out.Sample("yimen_key_custody_state", {{"state", KeyVaultStateName(each)}},
                 each == state ? 1 : 0);
    }
  }
  return out.text();
}

ApiReply MetricsEndpoint(const ApiRequest& request, PgPool& pool, const FrontendGauges& frontend,
                         const GroupCommitCounters& group_commit, KeyVault* vault) {
  const std::string path = request.target.substr(0, request.target.find('?'));
  if (path != "/metrics") return ErrorReply(404, "not_found", "this listener serves /metrics only");
  if (request.method != "GET") return ErrorReply(405, "method_not_allowed", "GET /metrics");
  ApiReply reply;
  reply.content_type = "text/plain; version=0.0.4; charset=utf-8";
  reply.body = RenderMetrics(pool, frontend, group_commit, vault);
  return reply;
}

}  // namespace yimen::server
