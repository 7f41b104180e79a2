// The office queue at 100,000 applications (docs/console.md "Queue", issue 12
// deliverable 6): QueryQueue's server-side time (SQL, scope, count, working days) for a
// first page, a deep page, filtered pages and a township's scope, each beside the same
// SELECT and count sent raw on the same connection, and the plans PostgreSQL chose.
// Prints figures; never fails on a timing.
//   bench_queue [--count N] [--runs R] [--pg-dir DIR] [--quick]
//     --count  applications seeded (default 100000; --quick: 5000)
//     --runs   timed calls per case (default 200; --quick: 30)
//     --keep   keep the seeded database (its URL is printed) for EXPLAIN by hand
//     --pg-dir a pg-local.sh cluster directory (default: $YIMEN_TEST_PG_DIR, else a
//              temp one, removed after)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "bench/bench_timing.h"
#include "common/civil_time.h"
#include "server/migrations.h"
#include "server/office_queue.h"
#include "server/office_seed.h"

using yimen::bench::Figures;
using yimen::bench::Time;

int main(int argc, char** argv) {
  int64_t count = 100000;
  int runs = 200;
  std::string pg_dir;
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--quick") {
      count = 5000;
      runs = 30;
    } else if (arg == "--keep") {
      keep = true;
    } else if (arg == "--count" && i + 1 < argc) {
      count = std::atoll(argv[++i]);
    } else if (arg == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--pg-dir" && i + 1 < argc) {
      pg_dir = argv[++i];
    } else {
      std::fprintf(stderr,
                   "usage: bench_queue [--count N] [--runs R] [--pg-dir DIR] [--keep] [--quick]\n");
      return 2;
    }
  }
  std::optional<yimen::bench::ScratchDatabase> db;
  if (!yimen::bench::OpenScratch(&db, YIMEN_PG_LOCAL, pg_dir, "bench_queue")) return 1;
  const std::string pg_url = db->url();
  int exit_code = 0;
  try {
    yimen::server::PgPool pool(pg_url, 1);
    if (auto version = yimen::server::ApplyMigrations(pool); !version.ok()) {
      throw std::runtime_error(version.error().message);
    }
    yimen::testing::SeedOptions seed;
    seed.count = count;
    seed.days = 365;
    const auto seed_start = std::chrono::steady_clock::now();
    yimen::testing::SeedApplications(pg_url, seed);
    const double seed_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - seed_start).count();

    yimen::server::OfficeAccount county{1, "bench-county", yimen::server::OfficeRole::kApprover,
                                        "东城区"};
    yimen::server::OfficeAccount town{2, "bench-town", yimen::server::OfficeRole::kReviewer,
                                      "城关镇"};
    const int limit = 50;
    // The cursor 10,000 rows down (200 pages of 50), found once, untimed.
    std::string deep_cursor;
    int64_t deep_rows = 0;
    for (int page = 0; page < 200; ++page) {
      auto got = yimen::server::QueryQueue(pool, county, {}, deep_cursor, limit);
      if (!got.ok() || got->next_cursor.empty()) break;
      deep_cursor = got->next_cursor;
      deep_rows += limit;
    }
    yimen::server::QueueFilter filtered;
    filtered.statuses = {"已受理", "需补正"};
    filtered.town = "城关镇";
    yimen::server::QueueFilter overdue;
    overdue.overdue_only = true;

    const std::string today = yimen::FormatIsoDate(yimen::ChinaDateAt(yimen::UnixSecondsNow()));
    const std::string columns =
        "a.app_number, a.service_code, a.hall, coalesce((SELECT town FROM halls h WHERE h.name = "
        "a.hall), ''), "
        "a.received_at, coalesce(a.status, ''), a.status_at, a.due_date, a.notice_until, "
        "a.department, a.id";
    const std::string town_halls = "a.hall IN ('城关镇大厅1', '城关镇大厅2', '城关镇大厅3')";
    struct Case {
      const char* name;
      yimen::server::OfficeAccount viewer;
      yimen::server::QueueFilter filter;
      std::string cursor;
      std::string raw_where;  // the same predicate, sent raw
      std::string raw_keyset;
    };
    std::string deep_keyset;
    if (!deep_cursor.empty()) {
      const size_t dot = deep_cursor.find('.');
      deep_keyset = " AND (a.received_at, a.id) < ('epoch'::timestamptz + " +
                    deep_cursor.substr(0, dot) + " * interval '1 microsecond', " +
                    deep_cursor.substr(dot + 1) + ")";
    }
    const std::vector<Case> cases = {
        {"first page", county, {}, "", "true", ""},
        {"deep page (row 10,000)", county, {}, deep_cursor, "true", deep_keyset},
        {"2 statuses + township", county, filtered, "",
         "coalesce(a.status, '') IN ('已受理', '需补正') AND " + town_halls, ""},
        {"overdue only", county, overdue, "", "a.due_date < '" + today + "'::date", ""},
        {"township reviewer's scope", town, {}, "", town_halls, ""},
    };
    std::printf(
        "bench_queue: %lld applications seeded in %.1f s (12 halls, 4 townships, 365 days), "
        "page of %d, %d runs per case\n",
        static_cast<long long>(count), seed_s, limit, runs);
    pqxx::connection raw(pg_url);
    for (const Case& c : cases) {
      int64_t total = 0;
      size_t rows = 0;
      const Figures ours = Time(runs, [&] {
        auto page = yimen::server::QueryQueue(pool, c.viewer, c.filter, c.cursor, limit);
        if (!page.ok()) throw std::runtime_error(page.error().message);
        total = page->total;
        rows = page->rows.size();
      });
      const std::string select = "SELECT " + columns + " FROM applications a WHERE " + c.raw_where +
                                 c.raw_keyset + " ORDER BY a.received_at DESC, a.id DESC LIMIT " +
                                 std::to_string(limit + 1);
      const std::string counted = "SELECT count(*) FROM applications a WHERE " + c.raw_where;
      std::string overdue_counted = counted;
      overdue_counted.append(" AND a.due_date < '").append(today).append("'::date");
      const Figures base_figures = Time(runs, [&] {
        pqxx::read_transaction tx(raw);
        tx.exec(select);
        tx.exec(counted);
        tx.exec(overdue_counted);
      });
      std::printf(
          "  %-26s QueryQueue p50 %6.2f ms  p99 %6.2f ms | raw SELECT+count p50 %6.2f ms  p99 "
          "%6.2f ms"
          "  (%zu rows, total %lld)\n",
          c.name, ours.p50, ours.p99, base_figures.p50, base_figures.p99, rows,
          static_cast<long long>(total));
      pqxx::nontransaction tx(raw);
      std::string plan;
      for (const std::string& sql : {select, counted, overdue_counted}) {
        for (const auto& line : tx.exec("EXPLAIN " + sql)) {
          std::string text = line[0].as<std::string>();
          if (text.find("Scan") != std::string::npos) plan += "\n      " + text.substr(0, 110);
        }
      }
      std::printf("    plan:%s\n", plan.c_str());
    }
    std::printf(
        "  goal: p99 <= 50 ms for a queue page at 100,000 (deep page reached %lld rows down)\n",
        static_cast<long long>(deep_rows));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_queue: %s\n", e.what());
    exit_code = 1;
  }
  if (keep) std::printf("  kept: %s\n", pg_url.c_str());
  db->Close(keep);
  return exit_code;
}
