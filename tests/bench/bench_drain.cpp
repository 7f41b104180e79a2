// Drain benchmark (issue 3): how long a kiosk takes to deliver a queue of N
// applications into PostgreSQL through the whole path — SQLite outbox, signing,
// libcurl, the Beast frontend, ServerCore's upsert, receipts back into SQLite — next to a
// raw batched INSERT of the same rows into the same database. Prints both and the
// ratio (goal: the whole path at >= 50 % of the raw insert's rate). Prints, never
// asserts a time.
//
//   bench_drain [--count N] [--batch B] [--pg-dir DIR] [--quick]
//     (the --unsealed baseline is gone: servers of schema 5 and later refuse json-v1
//     payloads, code "unsealed", so there is no unsealed path left to measure)
//     --count   applications (default 10000; --quick: 500)
//     --batch   items per push (default: the engine's, 200)
//     --pg-dir  a pg-local.sh cluster directory (default: a temp one, removed after)
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <pqxx/pqxx>

#include "common/sealing.h"
#include "server/admin.h"
#include "server/http_frontend.h"
#include "server/key_ring.h"
#include "server/service.h"
#include "store/store.h"
#include "sync/client/engine.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

std::string Run(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[512];
  while (fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
  if (pclose(pipe) != 0) return "";
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

std::string MakeTempDir(const char* prefix) {
  std::string pattern = (std::filesystem::temp_directory_path() / prefix).string() + "XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) std::abort();
  std::filesystem::permissions(pattern, std::filesystem::perms::owner_all |
                                            std::filesystem::perms::group_read |
                                            std::filesystem::perms::group_exec |
                                            std::filesystem::perms::others_read |
                                            std::filesystem::perms::others_exec);
  return pattern;
}

// A payload shaped like a 低保 application with four household members (~0.8 KB).
std::string Payload(int i) {
  std::string members;
  for (int m = 0; m < 4; ++m) {
    members += std::string(m ? "," : "") + R"({"name":"张小明","relation":"子女","id_number":"11010519491231002X","income":"1200.00","work":"务工"})";
  }
  return R"({"service_code":"dibao","catalog_version":"2026.3","values":{"applicant_name":"张三丰","id_number":"110105194912310021","phone":"13800138000","address":"东门街道/东门社区","reason":"家庭成员因病丧失劳动能力，收入低于当地低保标准，申请最低生活保障。编号)" +
         std::to_string(i) + R"("},"groups":{"members":[)" + members + "]}}";
}

}  // namespace

int main(int argc, char** argv) {
  int count = 10000;
  int batch = 0;
  std::string pg_dir;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--quick") {
      count = 500;
    } else if (arg == "--count" && i + 1 < argc) {
      count = std::atoi(argv[++i]);
    } else if (arg == "--batch" && i + 1 < argc) {
      batch = std::atoi(argv[++i]);
    } else if (arg == "--pg-dir" && i + 1 < argc) {
      pg_dir = argv[++i];
    } else {
      std::fprintf(stderr, "usage: bench_drain [--count N] [--batch B] [--pg-dir DIR] [--quick]\n");
      return 2;
    }
  }
  if (pg_dir.empty()) {
    if (const char* env = std::getenv("YIMEN_TEST_PG_DIR"); env != nullptr && *env) pg_dir = env;
  }
  const bool own_cluster = pg_dir.empty();
  if (own_cluster) pg_dir = MakeTempDir("yimen-bench-pg-");
  const std::string pg_local = std::string("bash ") + YIMEN_PG_LOCAL;
  const std::string cluster_url = Run(pg_local + " start '" + pg_dir + "'");
  if (cluster_url.empty()) {
    std::fprintf(stderr, "bench_drain: cannot start PostgreSQL in %s\n", pg_dir.c_str());
    return 1;
  }
  const std::string base = cluster_url.substr(0, cluster_url.rfind('/') + 1);
  const std::string db_name = "bench_drain_" + std::to_string(getpid());
  {
    pqxx::connection admin(base + "postgres");
    pqxx::nontransaction tx(admin);
    tx.exec("CREATE DATABASE " + db_name);
  }
  const std::string pg_url = base + db_name;
  int exit_code = 0;
  {
    // ---- the server, in-process on loopback ----
    yimen::server::ServerOptions server_options;
    server_options.pg_url = pg_url;
    auto core = yimen::server::ServerCore::Open(server_options);
    if (!core.ok()) {
      std::fprintf(stderr, "bench_drain: %s\n", core.error().message.c_str());
      return 1;
    }
    yimen::server::ListenOptions listen;
    listen.port = 0;
    listen.log = [](const std::string& line) {
      if (std::getenv("YIMEN_BENCH_LOG")) std::fprintf(stderr, "%s\n", line.c_str());
    };
    auto frontend = yimen::server::HttpFrontend::Bind(**core, listen);
    if (!frontend.ok()) return 1;
    std::thread serving([&] { (*frontend)->Serve(); });
    const std::string url = "http://127.0.0.1:" + std::to_string((*frontend)->port());

    // ---- a kiosk with `count` applications queued ----
    const std::string kiosk_dir = MakeTempDir("yimen-bench-kiosk-");
    auto store = yimen::Store::Open(kiosk_dir);
    if (!store.ok()) return 1;
    auto code = yimen::server::IssueEnrollCode((*core)->pool(), "bench", 1);
    auto enrolled = code.ok() ? yimen::sync::EnrollKiosk(**store, {url}, *code) : code.error();
    if (!enrolled.ok()) {
      std::fprintf(stderr, "bench_drain: enroll: %s\n", enrolled.error().message.c_str());
      return 1;
    }
    const auto queue_start = Clock::now();
    for (int i = 0; i < count; ++i) {
      yimen::NewApplication application;
      application.service_code = "dibao";
      application.catalog_version = "2026.3";
      application.masked_name = "张*丰";
      application.payload = Payload(i);
      application.created_date = {2026, 11, 23};
      application.created_at_iso = "2026-11-23T02:30:00Z";
      application.id_last6 = "310021";
      if (!(*store)->applications().Submit(application).ok()) return 1;
    }
    const double queue_s = Seconds(queue_start);

    // ---- whole path: one --sync-once cycle drains the queue ----
    yimen::sync::SyncOptions sync_options;
    if (batch > 0) sync_options.push_batch = batch;
    const auto drain_start = Clock::now();
    auto report = yimen::sync::RunSyncOnce(kiosk_dir, sync_options);
    const double drain_s = Seconds(drain_start);
    if (!report.ok() || report->error || report->pending_after != 0 ||
        report->created != count) {
      std::fprintf(stderr, "bench_drain: the drain did not complete: %s\n",
                   !report.ok() ? report.error().message.c_str()
                   : report->error ? report->error->message.c_str()
                                   : "items left");
      exit_code = 1;
    }

    // ---- raw: the same rows, batched INSERT (500 per statement), same database ----
    std::vector<std::vector<std::string>> rows;
    {
      pqxx::connection c(pg_url);
      pqxx::nontransaction tx(c);
      for (const auto& r : tx.exec(
               "SELECT uuid::text, app_number, receipt, device_id::text, hall, service_code, "
               "catalog_version, payload_format, payload::text, submitted_at "
               "FROM applications ORDER BY id")) {
        std::vector<std::string> row;
        for (const auto& field : r) row.push_back(field.as<std::string>());
        rows.push_back(std::move(row));
      }
      tx.exec("CREATE TABLE raw_applications (LIKE applications INCLUDING ALL)");
    }
    const auto raw_start = Clock::now();
    {
      pqxx::connection c(pg_url);
      constexpr size_t kRawBatch = 500;
      for (size_t start = 0; start < rows.size(); start += kRawBatch) {
        pqxx::work tx(c);
        std::string sql =
            "INSERT INTO raw_applications (id, uuid, app_number, receipt, device_id, hall, "
            "service_code, catalog_version, payload_format, payload, submitted_at, received_at) "
            "VALUES ";
        const size_t end = std::min(rows.size(), start + kRawBatch);
        for (size_t i = start; i < end; ++i) {
          const auto& r = rows[i];
          sql += (i == start ? "(" : ",(") + std::to_string(i + 1) + "," + tx.quote(r[0]) + "," +
                 tx.quote(r[1]) + "," + tx.quote(r[2]) + "," + r[3] + "," + tx.quote(r[4]) +
                 "," + tx.quote(r[5]) + "," + tx.quote(r[6]) + "," + tx.quote(r[7]) + "," +
                 tx.quote(r[8]) + "," + tx.quote(r[9]) + ",now())";
        }
        tx.exec(sql);
        tx.commit();
      }
    }
    const double raw_s = Seconds(raw_start);

    // What sealing (issue 6) costs on its own: every payload sealed (the kiosk, at
    // submit) and opened (the server, during the push), on one thread.
    // The key as the office path gets it: from the vault (before the passphrase
    // ceremony, which a bench database never holds, the ring's plaintext secret).
    auto sealing_key = yimen::server::ActiveSealingKey((*core)->pool());
    auto opening_keys = (*core)->vault().OpeningKeys();
    if (sealing_key.ok() && opening_keys.ok()) {
      for (yimen::server::OpeningKey& key : *opening_keys) {
        if (key.key_id == sealing_key->key_id) sealing_key->secret_key = key.secret_key;
        yimen::Wipe(&key.secret_key);
      }
    }
    double seal_s = 0;
    double open_s = 0;
    if (sealing_key.ok() && sealing_key->secret_key.size() == 32) {
      std::vector<std::string> envelopes;
      envelopes.reserve(static_cast<size_t>(count));
      const auto seal_start = Clock::now();
      for (int i = 0; i < count; ++i) {
        envelopes.push_back(*yimen::seal::SealEnvelope(Payload(i), sealing_key->public_key));
      }
      seal_s = Seconds(seal_start);
      const auto open_start = Clock::now();
      for (const std::string& text : envelopes) {
        auto envelope = yimen::seal::ParseEnvelope(text);
        if (!envelope.ok() ||
            !yimen::seal::OpenEnvelope(*envelope, sealing_key->public_key, sealing_key->secret_key).ok()) {
          std::fprintf(stderr, "bench_drain: an envelope did not open\n");
          exit_code = 1;
          break;
        }
      }
      open_s = Seconds(open_start);
    }

    const double path_rate = count / drain_s;
    const double raw_rate = static_cast<double>(rows.size()) / raw_s;
    std::printf("bench_drain: %d applications (~%zu B payload, %s), push batch %d\n", count,
                Payload(0).size(), "sealed-v2",
                sync_options.push_batch);
    std::printf("  queue (Store::Submit, not timed below): %.2f s\n", queue_s);
    std::printf("  whole path (--sync-once: outbox -> HTTP -> server -> PostgreSQL -> receipts): "
                "%.2f s = %.0f applications/s\n",
                drain_s, path_rate);
    std::printf("  raw batched INSERT (500 rows/statement, same rows, same database): "
                "%.2f s = %.0f rows/s\n",
                raw_s, raw_rate);
    std::printf("  ratio: whole path at %.0f %% of the raw insert rate (goal >= 50 %%)\n",
                100.0 * path_rate / raw_rate);
    std::printf("  sealing alone, one thread: seal %.0f us, open %.0f us per application "
                "(opening = %.0f %% of the whole path's time; the server opens a batch on all cores)\n",
                1e6 * seal_s / count, 1e6 * open_s / count, 100.0 * open_s / drain_s);

    (*frontend)->Stop();
    serving.join();
    store->reset();
    std::filesystem::remove_all(kiosk_dir);
  }
  {
    pqxx::connection admin(base + "postgres");
    pqxx::nontransaction tx(admin);
    tx.exec("DROP DATABASE IF EXISTS " + db_name + " WITH (FORCE)");
  }
  if (own_cluster) {
    (void)Run(pg_local + " stop '" + pg_dir + "'");
    std::filesystem::remove_all(pg_dir);
  }
  return exit_code;
}
