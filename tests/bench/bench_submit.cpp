// Submit benchmark (issue 7): what the resident waits for after 确认提交 — a durable
// Store::Submit (application, outbox and audit rows in one BEGIN IMMEDIATE, WAL,
// synchronous=FULL) — next to the floor the disk allows: a raw INSERT of a blob of the
// same size plus COMMIT in its own SQLite file with the same settings, in the same
// directory. Prints p50/p99 of both and the ratio (goal: Submit p99 <= 1.5x the raw
// commit's p99). Prints, never asserts a time.
//
//   bench_submit [--count N] [--dir DIR] [--quick]
//     --count  submits and raw commits each (default 2000; --quick: 200)
//     --dir    where both databases live (default: a temp dir; give a path on the
//              kiosk's real disk to measure that disk)
#include <sodium.h>

#include <stdlib.h>

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "store/store.h"

namespace {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point since) {
  return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
}

// A payload shaped like a 低保 application with four household members and a reason,
// padded to ~3 KB (a long form; sealing adds 48 bytes and base64 a third).
std::string Payload(int i) {
  std::string members;
  for (int m = 0; m < 4; ++m) {
    members += std::string(m ? "," : "") +
               R"({"name":"张小明","relation":"子女","id_number":"11010519491231002X","income":"1200.00","work":"务工"})";
  }
  std::string reason;
  while (reason.size() < 2000) reason += "家庭成员因病丧失劳动能力，收入低于当地低保标准。";
  return R"({"service_code":"dibao","catalog_version":"2026.3","values":{"applicant_name":"张三丰","id_number":"110105194912310021","phone":"13800138000","address":"东门街道/东门社区","reason":")" +
         reason + std::to_string(i) + R"("},"groups":{"members":[)" + members + "]}}";
}

struct Figures {
  double p50 = 0, p99 = 0, max = 0, per_s = 0;
};

Figures Summarize(std::vector<double> ms) {
  Figures f;
  if (ms.empty()) return f;
  double total = 0;
  for (double m : ms) total += m;
  std::sort(ms.begin(), ms.end());
  f.p50 = ms[ms.size() / 2];
  f.p99 = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
  f.max = ms.back();
  f.per_s = 1000.0 * static_cast<double>(ms.size()) / total;
  return f;
}

bool Exec(sqlite3* db, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::fprintf(stderr, "bench_submit: %s: %s\n", sql, message ? message : "?");
    sqlite3_free(message);
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  int count = 2000;
  std::string dir;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--quick") {
      count = 200;
    } else if (arg == "--count" && i + 1 < argc) {
      count = std::atoi(argv[++i]);
    } else if (arg == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else {
      std::fprintf(stderr, "usage: bench_submit [--count N] [--dir DIR] [--quick]\n");
      return 2;
    }
  }
  const bool own_dir = dir.empty();
  if (own_dir) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "yimen-bench-submit-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) return 1;
    dir = pattern;
  }
  const std::string kiosk_dir = dir + "/kiosk";
  const std::string raw_path = dir + "/raw.sqlite";
  std::filesystem::create_directories(kiosk_dir);
  const size_t payload_size = Payload(0).size();

  // ---- Store::Submit, the real path ----
  std::vector<double> submit_ms;
  {
    auto store = yimen::Store::Open(kiosk_dir);
    if (!store.ok()) {
      std::fprintf(stderr, "bench_submit: %s\n", store.error().message.c_str());
      return 1;
    }
    // Submit seals every payload (issue 6): give the store a server key, as a
    // deployment does before enrollment. The seal's CPU is part of what is measured.
    unsigned char server_pk[crypto_box_PUBLICKEYBYTES], server_sk[crypto_box_SECRETKEYBYTES];
    if (sodium_init() < 0) return 1;
    crypto_box_keypair(server_pk, server_sk);
    sodium_memzero(server_sk, sizeof server_sk);
    if (auto provisioned = (*store)->settings().ProvisionSealingKey(
            std::string_view(reinterpret_cast<const char*>(server_pk), sizeof server_pk));
        !provisioned.ok()) {
      std::fprintf(stderr, "bench_submit: %s\n", provisioned.error().message.c_str());
      return 1;
    }
    for (int i = 0; i < count; ++i) {
      yimen::NewApplication application;
      application.service_code = "dibao";
      application.catalog_version = "2026.3";
      application.masked_name = "张*丰";
      application.payload = Payload(i);
      application.created_date = {2026, 11, 23};
      application.created_at_iso = "2026-11-23T02:30:00Z";
      application.id_last6 = "310021";
      const auto start = Clock::now();
      auto submitted = (*store)->applications().Submit(application);
      submit_ms.push_back(MsSince(start));
      if (!submitted.ok()) {
        std::fprintf(stderr, "bench_submit: Submit: %s\n", submitted.error().message.c_str());
        return 1;
      }
    }
  }

  // ---- raw: one INSERT of a same-sized blob + COMMIT, same settings, same disk ----
  std::vector<double> raw_ms;
  {
    sqlite3* db = nullptr;
    if (sqlite3_open(raw_path.c_str(), &db) != SQLITE_OK) return 1;
    if (!Exec(db, "PRAGMA journal_mode=WAL") || !Exec(db, "PRAGMA synchronous=FULL") ||
        !Exec(db, "CREATE TABLE raw (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")) {
      return 1;
    }
    sqlite3_stmt* insert = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO raw (body) VALUES (?)", -1, &insert, nullptr);
    for (int i = 0; i < count; ++i) {
      const std::string body = Payload(i);
      const auto start = Clock::now();
      bool ok = Exec(db, "BEGIN IMMEDIATE");
      sqlite3_bind_blob(insert, 1, body.data(), static_cast<int>(body.size()), SQLITE_STATIC);
      ok = ok && sqlite3_step(insert) == SQLITE_DONE;
      sqlite3_reset(insert);
      ok = ok && Exec(db, "COMMIT");
      raw_ms.push_back(MsSince(start));
      if (!ok) return 1;
    }
    sqlite3_finalize(insert);
    sqlite3_close(db);
  }

  const Figures submit = Summarize(submit_ms);
  const Figures raw = Summarize(raw_ms);
  std::printf("bench_submit: %d durable commits each, payload %zu B, in %s\n", count,
              payload_size, dir.c_str());
  std::printf("  Store::Submit (app + outbox + audit, BEGIN IMMEDIATE, WAL, synchronous=FULL): "
              "p50 %.2f ms, p99 %.2f ms, max %.2f ms, %.0f/s\n",
              submit.p50, submit.p99, submit.max, submit.per_s);
  std::printf("  raw INSERT + COMMIT of a same-sized blob (WAL, synchronous=FULL): "
              "p50 %.2f ms, p99 %.2f ms, max %.2f ms, %.0f/s\n",
              raw.p50, raw.p99, raw.max, raw.per_s);
  std::printf("  ratio: Submit p99 = %.2fx the raw commit's p99 (goal <= 1.5x)\n",
              raw.p99 > 0 ? submit.p99 / raw.p99 : 0);
  if (own_dir) std::filesystem::remove_all(dir);
  return 0;
}
