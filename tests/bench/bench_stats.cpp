// The statistics page at a year of 1,000,000 applications (docs/console.md "Statistics",
// issue 13 deliverable 6; goal: the year's page in ≤ 500 ms server time): server time of
// ServerCore::Handle — the handler yimen-server's workers call — for a signed-in
// session's cookie, on a real PostgreSQL:
//   the year's page (HTML, both SVG charts and every table) for a county supervisor,
//   the same page for a township's reviewer, the JSON (GET /api/office/v1/stats), a
//   quarter's page, and the CSV export of the year;
// beside QueryOfficeStats alone and the raw baseline: the page's main GROUP BY (the
// same statement text, received in the year, both grouping sets) sent directly through
// libpqxx on the same database. Seeded with one INSERT … SELECT over generate_series
// (12 halls in 4 townships, 6 services, spread evenly over 2025 in China's time; 55 %
// approved, 10 % refused, the rest pending and mostly overdue), its deltas compacted
// (timed), then VACUUM ANALYZE as autovacuum would. The page reads migration 13's
// aggregates; QueryOfficeStatsDirect (the GROUP BY over applications) is timed beside
// it, then decisions one per transaction (timed: the trigger's cost) and the year again
// with those deltas uncompacted. Prints figures; never fails on a timing (only when a
// page does not answer 200 or the aggregates differ from the direct count).
//   bench_stats [--count N] [--runs R] [--pg-dir DIR] [--quick] [--keep]
//     --count  applications seeded (default 1000000; --quick: 20000)
//     --runs   timed requests per case (default 30; --quick: 10)
//     --pg-dir a pg-local.sh cluster directory (default: $YIMEN_TEST_PG_DIR, else a
//              temp one, removed after)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "bench/bench_timing.h"
#include "server/console_client.h"
#include "server/office_accounts.h"
#include "server/office_scope.h"
#include "server/office_stats.h"
#include "server/service.h"

namespace {

using yimen::bench::Figures;
using yimen::bench::Time;
namespace srv = yimen::server;

constexpr const char* kPassword = "bench-stats-Password-1";

// The year's applications in one statement: row g is received (g - 1) / N of the way
// through 2025 (China's time), in hall g·7 mod 12 and service g·5 mod 6; g·37 mod 100
// decides: below 55 approved, below 65 refused, else pending with a due date 20 days
// after receipt. Decisions come 0–39 days after receipt.
constexpr const char* kSeedSql = R"sql(
INSERT INTO halls (name, town)
SELECT t.town || '大厅' || i, t.town
FROM unnest(ARRAY['城关镇', '东坝镇', '西山乡', '南湖街道']) AS t(town), generate_series(1, 3) i;
INSERT INTO devices (public_key, hall, kiosk_code)
SELECT 'bench-key-' || name, name, 'B' || lpad(row_number() OVER (ORDER BY name)::text, 3, '0')
FROM halls;
CREATE TEMP TABLE h AS SELECT row_number() OVER (ORDER BY name) - 1 AS i, name, d.id AS device
  FROM halls JOIN devices d ON d.hall = halls.name;
INSERT INTO applications (id, uuid, app_number, receipt, device_id, hall, service_code,
  catalog_version, payload_format, payload, submitted_at, received_at, status, status_at,
  due_date, decision, decided_at, decided_due, approved_fen)
SELECT g, gen_random_uuid(), 'BENCH-' || g, 'R' || g, h.device, h.name,
  (ARRAY['dibao', 'tekun', 'linshi', 'gaoling', 'yiliao', 'zhufang'])[1 + (g * 5) % 6],
  '2026.3', 'sealed-v2', '{"seed":true}', '', r.at,
  CASE WHEN d.k < 55 THEN '已批准' WHEN d.k < 65 THEN '不予批准' ELSE '已受理' END, r.at,
  CASE WHEN d.k >= 65 THEN (r.at + interval '8 hours')::date + 20 END,
  CASE WHEN d.k < 55 THEN 'approve' WHEN d.k < 65 THEN 'refuse' END,
  CASE WHEN d.k < 65 THEN r.at + ((g * 13) % 40) * interval '1 day' END,
  CASE WHEN d.k < 65 THEN (r.at + interval '8 hours')::date + 20 END,
  CASE WHEN d.k < 55 THEN 50000 + (g % 100) * 1000 END
FROM generate_series(1, $1::bigint) g
  CROSS JOIN LATERAL (SELECT (g * 37) % 100 AS k) d
  CROSS JOIN LATERAL (SELECT timestamptz '2025-01-01 00:00:00+08' +
                             (g - 1) * (interval '365 days' / $1::bigint) AS at) r
  JOIN h ON h.i = (g * 7) % 12;
SELECT setval('applications_id_seq', $1::bigint);
)sql";

// The main GROUP BY of QueryOfficeStats (server/office_stats.cpp), its text for 2025
// county-wide, sent raw with the same SET LOCAL work_mem: the baseline.
std::string RawMainQuery(const std::string& today) {
  return "SELECT GROUPING(s.hall), s.hall, s.service_code, to_char(s.m, 'YYYY-MM'), s.days, "
         "count(*), count(*) FILTER (WHERE s.decision = 'approve'), "
         "count(*) FILTER (WHERE s.decision = 'refuse'), "
         "count(*) FILTER (WHERE s.decision IS NULL AND s.due_date < '" +
         today +
         "'::date), count(*) FILTER (WHERE s.decided_day > s.decided_due) "
         "FROM (SELECT a.hall, a.service_code, a.decision, a.due_date, a.decided_due, "
         "date_trunc('month', a.received_day::timestamp) AS m, a.decided_day, "
         "a.decided_day - a.received_day AS days FROM applications a WHERE true AND "
         "a.received_at >= '2025-01-01 00:00:00+08'::timestamptz AND a.received_at < "
         "'2026-01-01 00:00:00+08'::timestamptz) s "
         "GROUP BY GROUPING SETS ((s.hall, s.service_code, s.m), (s.service_code, s.days))";
}

void Print(const char* name, const Figures& ours, const Figures& base, const std::string& note) {
  std::printf("  %-30s p50 %7.1f ms  p99 %7.1f ms | raw GROUP BY p50 %7.1f ms  p99 %7.1f ms  %s\n",
              name, ours.p50, ours.p99, base.p50, base.p99, note.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  int64_t count = 1000000;
  int runs = 30;
  std::string pg_dir;
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--quick") {
      count = 20000;
      runs = 10;
    } else if (arg == "--count" && i + 1 < argc) {
      count = std::max<int64_t>(1, std::atoll(argv[++i]));
    } else if (arg == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--pg-dir" && i + 1 < argc) {
      pg_dir = argv[++i];
    } else if (arg == "--keep") {
      keep = true;
    } else {
      std::fprintf(stderr,
                   "usage: bench_stats [--count N] [--runs R] [--pg-dir DIR] [--quick] [--keep]\n");
      return 2;
    }
  }
  std::optional<yimen::bench::ScratchDatabase> db;
  if (!yimen::bench::OpenScratch(&db, YIMEN_PG_LOCAL, pg_dir, "bench_stats")) return 1;
  const std::string pg_url = db->url();
  int exit_code = 0;
  try {
    srv::ServerOptions options;
    options.pg_url = pg_url;
    options.catalog_dir = std::string(YIMEN_ASSETS_DIR) + "/catalog";
    options.console.secure_cookies = false;
    auto opened_core = srv::ServerCore::Open(options);  // applies the migrations
    if (!opened_core.ok()) throw std::runtime_error(opened_core.error().message);
    srv::ServerCore& core = **opened_core;
    srv::PgPool& pool = core.pool();

    const auto seed_start = std::chrono::steady_clock::now();
    {
      pqxx::connection c(pg_url);
      {
        pqxx::work tx(c);
        std::string sql = kSeedSql;
        for (size_t at = sql.find("$1"); at != std::string::npos; at = sql.find("$1", at)) {
          sql.replace(at, 2, std::to_string(count));
        }
        tx.exec(sql);
        tx.commit();
      }
    }
    const double seed_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - seed_start).count();
    // The seed's one INSERT left its deltas (one per key); fold them as the server's
    // compactor would, before anything is timed.
    const auto compact_start = std::chrono::steady_clock::now();
    const auto deltas = srv::CompactStats(pool);
    if (!deltas.ok()) throw std::runtime_error(deltas.error().message);
    const double compact_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - compact_start).count();
    {
      pqxx::connection c(pg_url);
      pqxx::nontransaction vacuum(c);
      vacuum.exec("VACUUM ANALYZE applications");
      vacuum.exec("VACUUM ANALYZE stats_summary");
      vacuum.exec("VACUUM ANALYZE stats_deltas");
      std::printf("bench_stats: compaction moved %lld deltas in %.2f s; stats_summary %s rows\n",
                  static_cast<long long>(*deltas), compact_s,
                  vacuum.exec("SELECT count(*) FROM stats_summary")[0][0].c_str());
    }

    auto admin_id = srv::CreateOfficeAccount(pool, "bench-admin", srv::OfficeRole::kAdmin, "东城区",
                                             kPassword, std::nullopt, "bench");
    if (!admin_id.ok()) throw std::runtime_error(admin_id.error().message);
    const srv::OfficeAccount admin{*admin_id, "bench-admin", srv::OfficeRole::kAdmin, "东城区"};
    for (const auto& [name, role, scope] :
         {std::tuple{"bench-supervisor", srv::OfficeRole::kSupervisor, "东城区"},
          std::tuple{"bench-town", srv::OfficeRole::kReviewer, "城关镇"}}) {
      if (auto made = srv::CreateOfficeAccount(pool, name, role, scope, kPassword, admin, "bench");
          !made.ok()) {
        throw std::runtime_error(made.error().message);
      }
    }
    const auto sign_in = [&](const std::string& name) {
      std::string cookie = yimen::testing::ConsoleSignIn(core, name, kPassword);
      if (cookie.empty()) throw std::runtime_error("sign-in failed: " + name);
      return cookie;
    };
    const std::string county = sign_in("bench-supervisor");
    const std::string town = sign_in("bench-town");

    std::printf(
        "bench_stats: %lld applications seeded in %.1f s (a year: 2025; 12 halls, 4 townships, "
        "6 services), %d runs per case\n",
        static_cast<long long>(count), seed_s, runs);

    const std::string today = yimen::FormatIsoDate(srv::TodayInChina());
    pqxx::connection raw(pg_url);
    const std::string raw_sql = RawMainQuery(today);
    size_t raw_rows = 0;
    const Figures base = Time(runs, [&] {
      pqxx::read_transaction tx(raw);
      tx.exec("SET LOCAL work_mem = '32MB'");
      raw_rows = tx.exec(raw_sql).size();
    });

    // Three untimed statistics first: the pool's connections meet the table (the first
    // case measured otherwise paid ~40 % more than the same request later).
    for (int i = 0; i < 3; ++i) {
      (void)yimen::testing::ConsoleGet(core, county, "/api/office/v1/stats?period=year&from=2025");
    }
    struct Case {
      const char* name;
      std::string cookie, target, must_show;
    };
    const Case cases[] = {
        {"year page (county)", county, "/console/stats?period=year&from=2025", "chart-services"},
        {"year page (township)", town, "/console/stats?period=year&from=2025", "城关镇大厅1"},
        {"year JSON (county)", county, "/api/office/v1/stats?period=year&from=2025",
         "\"decisions_total\""},
        {"quarter page (county)", county, "/console/stats?period=quarter&from=2025-04", "2025-Q2"},
        {"year CSV export (county)", county, "/console/stats/export.csv?period=year&from=2025",
         "合计,合计"},
    };
    for (const Case& one : cases) {
      srv::ApiReply reply;
      const Figures ours =
          Time(runs, [&] { reply = yimen::testing::ConsoleGet(core, one.cookie, one.target); });
      if (reply.status != 200 || reply.body.find(one.must_show) == std::string::npos) {
        std::fprintf(stderr, "bench_stats: %s answered %d without %s\n", one.name, reply.status,
                     one.must_show.c_str());
        exit_code = 1;
      }
      Print(one.name, ours, base, std::to_string(reply.body.size() / 1024) + " KiB");
    }
    auto period = srv::MakeStatsPeriod("year", "2025", srv::TodayInChina());
    const srv::OfficeAccount supervisor{0, "bench-supervisor", srv::OfficeRole::kSupervisor,
                                        "东城区"};
    int64_t received = 0;
    const Figures query = Time(runs, [&] {
      auto got = srv::QueryOfficeStats(pool, supervisor, *period, srv::TodayInChina());
      if (got.ok()) received = got->total.counts.received;
    });
    Print("QueryOfficeStats (year)", query, base,
          "received " + std::to_string(received) + ", raw rows " + std::to_string(raw_rows));
    if (received != count) {
      std::fprintf(stderr, "bench_stats: counted %lld of %lld\n", static_cast<long long>(received),
                   static_cast<long long>(count));
      exit_code = 1;
    }
    // The same figures counted over applications: the aggregates must equal them.
    const auto totals = [](const srv::OfficeStats& s) {
      const srv::StatsCounts& n = s.total.counts;
      std::string out;
      for (int64_t v :
           {n.received, n.approved, n.refused, n.overdue, n.late, s.decisions_total.approved,
            s.decisions_total.refused, s.decisions_total.approved_fen}) {
        out += std::to_string(v) + "/";
      }
      out += std::to_string(yimen::server::HistogramPercentile(s.total.days, 0.9));
      return out;
    };
    std::string direct_totals;
    const Figures direct = Time(runs, [&] {
      auto got = srv::QueryOfficeStatsDirect(pool, supervisor, *period, srv::TodayInChina());
      if (got.ok()) direct_totals = totals(*got);
    });
    Print("QueryOfficeStatsDirect (year, GROUP BY)", direct, base, direct_totals);
    // Office actions since the last compaction: decisions one application per
    // transaction (each appends its deltas), then the year again, summary + deltas.
    const int64_t decide = std::min<int64_t>(count / 10, 2000);
    const auto decide_start = std::chrono::steady_clock::now();
    for (int64_t i = 0; i < decide; ++i) {
      pqxx::work tx(raw);
      tx.exec(
          "UPDATE applications SET decision = 'approve', decided_at = now(), decided_due = "
          "due_date, approved_fen = 80000 WHERE id = " +
          std::to_string(count - i * 3));
      tx.commit();
    }
    const double decide_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - decide_start)
            .count();
    std::string aggregated_totals;
    const Figures pending_deltas = Time(runs, [&] {
      auto got = srv::QueryOfficeStats(pool, supervisor, *period, srv::TodayInChina());
      if (got.ok()) aggregated_totals = totals(*got);
    });
    auto again = srv::QueryOfficeStatsDirect(pool, supervisor, *period, srv::TodayInChina());
    Print("QueryOfficeStats, deltas uncompacted", pending_deltas, base,
          std::to_string(decide) + " decisions at " +
              std::to_string(decide_ms / static_cast<double>(std::max<int64_t>(decide, 1))) +
              " ms each");
    if (!again.ok() || aggregated_totals != totals(*again)) {
      std::fprintf(stderr, "bench_stats: aggregates %s, direct %s\n", aggregated_totals.c_str(),
                   again.ok() ? totals(*again).c_str() : again.error().message.c_str());
      exit_code = 1;
    }
    {
      pqxx::nontransaction tx(raw);
      tx.exec("SET work_mem = '32MB'");
      std::printf("  plan of the main GROUP BY:\n");
      for (const auto& row : tx.exec("EXPLAIN (ANALYZE, BUFFERS OFF, TIMING OFF) " + raw_sql)) {
        const std::string line = row[0].as<std::string>();
        if (line.find("Scan") != std::string::npos || line.find("Execution") != std::string::npos ||
            line.find("Heap Fetches") != std::string::npos ||
            line.find("Aggregate") != std::string::npos) {
          std::printf("    %s\n", line.c_str());
        }
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_stats: %s\n", e.what());
    exit_code = 1;
  }
  db->Close(keep);
  return exit_code;
}
