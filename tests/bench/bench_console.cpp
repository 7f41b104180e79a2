// The office console end to end at 100,000 applications (docs/console.md "Performance",
// issue 12 deliverable 6): server time of ServerCore::Handle — the request handler
// yimen-server's workers call — for a signed-in session's cookie, on a real PostgreSQL:
//   (a) the queue page (HTML with its per-status counts and filters): first page, a
//       filtered page, a deep page (10,000 rows down by cursor), overdue only;
//   (b) one application's page: unseal with the unlocked vault, re-validate against
//       the catalog version the kiosk used, render. The applications opened are real
//       低保 drafts sealed to the ring's active key (common/sealing.h, as a kiosk does).
// Beside each, from the same run: QueryQueue alone and the raw SQL of the queue (as
// bench_queue.cpp), and OpenApplication alone and the raw unseal (crypto_box_seal_open)
// + JSON parse of the same envelope. Prints figures; never fails on a timing (it fails
// only when a page does not answer 200 with what it must show).
//   bench_console [--count N] [--runs R] [--sealed S] [--pg-dir DIR] [--quick]
//     --count  applications seeded (default 100000; --quick: 5000)
//     --runs   timed requests per case (default 200; --quick: 30)
//     --sealed of those, real sealed 低保 applications opened in turn (default 200)
//     --pg-dir a pg-local.sh cluster directory (default: $YIMEN_TEST_PG_DIR, else a
//              temp one, removed after)
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "bench/bench_timing.h"
#include "common/base64.h"
#include "common/sealing.h"
#include "domain/dibao_draft.h"
#include "domain/form.h"
#include "server/application_open.h"
#include "server/console_session.h"
#include "server/console_view.h"
#include "server/key_ring.h"
#include "server/office_accounts.h"
#include "server/office_queue.h"
#include "server/office_seed.h"
#include "server/office_workflow.h"
#include "server/service.h"

namespace {

using yimen::bench::Figures;
using yimen::bench::Time;
namespace srv = yimen::server;

constexpr const char* kPassphrase = "bench 柳树 river 三月 lantern";
constexpr const char* kPassword = "bench-console-Password-1";

// A signature as the kiosk's pad stores it: strokes of "x,y" points on 0..1000.
std::string Strokes(int seed) {
  std::string out;
  for (int stroke = 0; stroke < 12; ++stroke) {
    for (int point = 0; point < 40; ++point) {
      out += std::to_string((stroke * 80 + point * 2 + seed) % 1000) + "," +
             std::to_string((point * 23 + stroke * 7) % 1000) + (point < 39 ? " " : "");
    }
    out += "\n";
  }
  return out;
}

// The domain tests' valid 低保 application (tests/domain/dibao_draft.h) with its two
// signatures drawn, numbered so every sealed payload differs.
yimen::ApplicationDraft DibaoDraft(const std::string& catalog_version, int i) {
  yimen::ApplicationDraft draft = yimen::ValidDibaoDraft();
  draft.catalog_version = catalog_version;
  draft.values["address"] = "民生路" + std::to_string(i % 200 + 1) + "号3栋502房";
  draft.attachments[draft.values["pledge_signature"]] = Strokes(i);
  draft.attachments[draft.values["check_signature"]] = Strokes(i + 500);
  return draft;
}

srv::ApiRequest Get(const std::string& target, const std::string& cookie) {
  srv::ApiRequest request;
  request.method = "GET";
  request.target = target;
  request.remote_addr = "127.0.0.1";
  request.headers["cookie"] = cookie;
  return request;
}

size_t Occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

void Print(const char* name, const Figures& ours, const char* base_name, const Figures& base,
           const std::string& note) {
  std::printf("  %-28s p50 %6.2f ms  p99 %6.2f ms | %s p50 %6.2f ms  p99 %6.2f ms  %s\n", name,
              ours.p50, ours.p99, base_name, base.p50, base.p99, note.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  int64_t count = 100000;
  int runs = 200;
  int sealed_count = 200;
  std::string pg_dir;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--quick") {
      count = 5000;
      runs = 30;
    } else if (arg == "--count" && i + 1 < argc) {
      count = std::atoll(argv[++i]);
    } else if (arg == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--sealed" && i + 1 < argc) {
      sealed_count = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--pg-dir" && i + 1 < argc) {
      pg_dir = argv[++i];
    } else {
      std::fprintf(stderr,
                   "usage: bench_console [--count N] [--runs R] [--sealed S] [--pg-dir DIR] "
                   "[--quick]\n");
      return 2;
    }
  }
  if (sodium_init() < 0) return 1;
  std::optional<yimen::bench::ScratchDatabase> db;
  if (!yimen::bench::OpenScratch(&db, YIMEN_PG_LOCAL, pg_dir, "bench_console")) return 1;
  const std::string pg_url = db->url();
  int exit_code = 0;
  try {
    srv::ServerOptions options;
    options.pg_url = pg_url;
    options.catalog_dir = std::string(YIMEN_ASSETS_DIR) + "/catalog";
    options.console.secure_cookies = false;  // plain HTTP on loopback, as in the e2e test
    auto opened_core = srv::ServerCore::Open(options);
    if (!opened_core.ok()) throw std::runtime_error(opened_core.error().message);
    srv::ServerCore& core = **opened_core;
    srv::PgPool& pool = core.pool();

    yimen::testing::SeedOptions seed;
    seed.count = count;
    seed.days = 365;
    const auto seed_start = std::chrono::steady_clock::now();
    yimen::testing::SeedApplications(pg_url, seed);

    // (b)'s applications: the newest rows become real sealed 低保 applications, sealed
    // to the active key as a kiosk seals them, with the catalog version it filled.
    auto catalog = yimen::LoadCatalog(options.catalog_dir);
    if (!catalog.ok()) throw std::runtime_error(catalog.error().message);
    auto active = srv::ActiveSealingKey(pool);
    if (!active.ok()) throw std::runtime_error(active.error().message);
    sealed_count = static_cast<int>(std::min<int64_t>(sealed_count, count));
    std::vector<std::string> sealed_numbers;
    std::vector<std::string> envelopes;
    {
      pqxx::connection c(pg_url);
      pqxx::work tx(c);
      for (int i = 0; i < sealed_count; ++i) {
        const int64_t id = count - i * std::max<int64_t>(1, count / 2 / sealed_count);
        auto envelope = yimen::seal::SealEnvelope(
            yimen::DraftToJson(DibaoDraft(catalog->version, i)).dump(), active->public_key);
        if (!envelope.ok()) throw std::runtime_error(envelope.error().message);
        sealed_numbers.push_back(
            tx.exec_params1("UPDATE applications SET service_code = 'dibao', catalog_version = $2, "
                            "payload_format = $3, payload = $4 WHERE id = $1 RETURNING app_number",
                            id, catalog->version, yimen::seal::kPayloadFormat, *envelope)[0]
                .as<std::string>());
        envelopes.push_back(*envelope);
      }
      tx.commit();
      pqxx::nontransaction analyze(c);
      analyze.exec("VACUUM ANALYZE applications");
    }
    const double seed_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - seed_start).count();

    // The key ceremony and an unlock (Argon2id, ~1 s each), untimed.
    srv::KeyVault& vault = core.vault();
    if (yimen::Status s = vault.SetUpPassphrase(kPassphrase, "bench-supervisor", "bench"); !s.ok()) {
      throw std::runtime_error(s.error().message);
    }
    if (yimen::Status s = vault.Unlock(kPassphrase, "bench-supervisor", "bench"); !s.ok()) {
      throw std::runtime_error(s.error().message);
    }
    // Accounts: the bootstrap admin creates a county approver, who signs in through the
    // console's own sign-in (POST /api/office/v1/session); its cookie is the session.
    auto admin_id = srv::CreateOfficeAccount(pool, "bench-admin", srv::OfficeRole::kAdmin, "东城区",
                                             kPassword, std::nullopt, "bench");
    if (!admin_id.ok()) throw std::runtime_error(admin_id.error().message);
    const srv::OfficeAccount admin{*admin_id, "bench-admin", srv::OfficeRole::kAdmin, "东城区"};
    if (auto made = srv::CreateOfficeAccount(pool, "bench-approver", srv::OfficeRole::kApprover,
                                             "东城区", kPassword, admin, "bench");
        !made.ok()) {
      throw std::runtime_error(made.error().message);
    }
    srv::ApiRequest login;
    login.method = "POST";
    login.target = "/api/office/v1/session";
    login.remote_addr = "127.0.0.1";
    login.headers["content-type"] = "application/json";
    login.body = nlohmann::json{{"name", "bench-approver"}, {"password", kPassword}}.dump();
    const srv::ApiReply signed_in = core.Handle(login);
    std::string cookie;
    for (const auto& [name, value] : signed_in.headers) {
      if (name == "Set-Cookie" && value.rfind(srv::kSessionCookie, 0) == 0) {
        cookie = value.substr(0, value.find(';'));
      }
    }
    if (signed_in.status != 200 || cookie.empty()) {
      throw std::runtime_error("sign-in failed: " + std::to_string(signed_in.status) + " " +
                               signed_in.body);
    }
    const srv::OfficeAccount approver{0, "bench-approver", srv::OfficeRole::kApprover, "东城区"};

    std::printf(
        "bench_console: %lld applications seeded in %.1f s (12 halls, 4 townships, 365 days; "
        "%d of them real sealed 低保 applications), %d runs per case, one signed-in approver\n",
        static_cast<long long>(count), seed_s, sealed_count, runs);

    // ---- (a) the queue page ----
    const int limit = 50;
    std::string deep_cursor;
    int64_t deep_rows = 0;
    for (int page = 0; page < 200; ++page) {
      auto got = srv::QueryQueue(pool, approver, {}, deep_cursor, limit);
      if (!got.ok() || got->next_cursor.empty()) break;
      deep_cursor = got->next_cursor;
      deep_rows += limit;
    }
    srv::QueueFilter filtered;
    filtered.statuses = {"已受理", "需补正"};
    filtered.town = "城关镇";
    srv::QueueFilter overdue;
    overdue.overdue_only = true;
    struct QueueCase {
      const char* name;
      std::string target;
      srv::QueueFilter filter;
      std::string cursor;
      std::string raw_where;
      std::string raw_keyset;
    };
    std::string deep_keyset;
    if (!deep_cursor.empty()) {
      const size_t dot = deep_cursor.find('.');
      deep_keyset = " AND (a.received_at, a.id) < ('epoch'::timestamptz + " +
                    deep_cursor.substr(0, dot) + " * interval '1 microsecond', " +
                    deep_cursor.substr(dot + 1) + ")";
    }
    const std::string today =
        yimen::FormatIsoDate(yimen::ChinaDateAt(yimen::UnixSecondsNow()));
    const std::string town_halls = "a.hall IN ('城关镇大厅1', '城关镇大厅2', '城关镇大厅3')";
    const std::vector<QueueCase> queue_cases = {
        {"queue: first page", "/console/queue", {}, "", "true", ""},
        {"queue: 2 statuses + township",
         "/console/queue?status=" + srv::UrlEncode("已受理") +
             "&status=" + srv::UrlEncode("需补正") + "&town=" + srv::UrlEncode("城关镇"),
         filtered, "",
         "coalesce(a.status, '') IN ('已受理', '需补正') AND " + town_halls, ""},
        {"queue: deep page (row 10,000)",
         "/console/queue?cursor=" + srv::UrlEncode(deep_cursor), {}, deep_cursor, "true",
         deep_keyset},
        {"queue: overdue only", "/console/queue?overdue=1", overdue, "",
         "a.due_date < '" + today + "'::date", ""},
    };
    const std::string columns =
        "a.app_number, a.service_code, a.hall, coalesce((SELECT town FROM halls h WHERE h.name = "
        "a.hall), ''), a.received_at, coalesce(a.status, ''), a.status_at, a.due_date, "
        "a.notice_until, a.department, a.id";
    pqxx::connection raw(pg_url);
    std::printf("  (a) queue page, server time of ServerCore::Handle (HTML, counts per status):\n");
    for (const QueueCase& c : queue_cases) {
      srv::ApiReply reply;
      const Figures page = Time(runs, [&] { reply = core.Handle(Get(c.target, cookie)); });
      if (reply.status != 200 || Occurrences(reply.body, "href=\"/console/app/") == 0) {
        throw std::runtime_error(std::string(c.name) + ": " + std::to_string(reply.status) +
                                 " without rows");
      }
      const Figures query = Time(runs, [&] {
        auto got = srv::QueryQueue(pool, approver, c.filter, c.cursor, limit);
        if (!got.ok()) throw std::runtime_error(got.error().message);
      });
      const std::string select = "SELECT " + columns + " FROM applications a WHERE " +
                                 c.raw_where + c.raw_keyset +
                                 " ORDER BY a.received_at DESC, a.id DESC LIMIT " +
                                 std::to_string(limit + 1);
      const std::string counted = "SELECT count(*) FROM applications a WHERE " + c.raw_where;
      std::string overdue_counted = counted;
      overdue_counted.append(" AND a.due_date < '").append(today).append("'::date");
      const Figures sql = Time(runs, [&] {
        pqxx::read_transaction tx(raw);
        tx.exec(select);
        tx.exec(counted);
        tx.exec(overdue_counted);
      });
      const Figures boxes = Time(runs, [&] {
        auto got = srv::QueryQueueWithStatusCounts(pool, approver, c.filter, c.cursor, limit);
        if (!got.ok()) throw std::runtime_error(got.error().message);
      });
      Print(c.name, page, "QueryQueue", query, "");
      std::printf("  %-28s %38s | QueryQueueWithStatusCounts p50 %6.2f ms  p99 %6.2f ms\n", "", "",
                  boxes.p50, boxes.p99);
      std::printf("  %-28s %38s | raw SELECT+count p50 %6.2f ms  p99 %6.2f ms  (%zu rows, %zu "
                  "bytes of HTML)\n",
                  "", "", sql.p50, sql.p99,
                  Occurrences(reply.body, "<tr") > 0 ? Occurrences(reply.body, "<tr") - 1 : 0,
                  reply.body.size());
    }
    std::printf("    goal: queue page p99 <= 50 ms at 100,000 (deep page %lld rows down)\n",
                static_cast<long long>(deep_rows));

    // Every console request first finds (and touches) its session.
    const std::string token = cookie.substr(cookie.find('=') + 1);
    const Figures session = Time(runs, [&] {
      auto found = srv::FindSession(pool, token, options.console.session, nullptr);
      if (!found.ok() || !found->has_value()) throw std::runtime_error("session lost");
    });
    std::printf("  session lookup (FindSession, every request) p50 %6.2f ms  p99 %6.2f ms\n",
                session.p50, session.p99);

    // ---- (b) one application's page ----
    size_t next = 0;
    srv::ApiReply reply;
    const Figures app_page = Time(runs, [&] {
      reply = core.Handle(Get("/console/app/" + sealed_numbers[next++ % sealed_numbers.size()],
                              cookie));
      if (reply.status != 200 || reply.body.find("张秀英") == std::string::npos ||
          reply.body.find("王小明") == std::string::npos) {
        throw std::runtime_error("application page: " + std::to_string(reply.status) +
                                 " without the resident's name (locked or not valid?)\n" +
                                 reply.body.substr(0, 2000));
      }
    });
    next = 0;
    const Figures opening = Time(runs, [&] {
      auto opened = srv::OpenApplication(pool, vault, sealed_numbers[next++ % sealed_numbers.size()],
                                         &core.catalogs());
      if (!opened.ok() || !opened->validated) {
        throw std::runtime_error("OpenApplication: " +
                                 (opened.ok() ? opened->validation_note : opened.error().message));
      }
    });
    // The raw floor: crypto_box_seal_open of the same envelopes (already in memory and
    // base64-decoded) and nlohmann::json::parse of the plaintext.
    auto keys = vault.OpeningKeys();
    if (!keys.ok()) throw std::runtime_error(keys.error().message);
    const srv::OpeningKey* key = nullptr;
    for (const srv::OpeningKey& k : *keys) {
      if (k.key_id == active->key_id) key = &k;
    }
    if (key == nullptr) throw std::runtime_error("the active key is not in the vault");
    std::vector<std::string> boxes;
    for (const std::string& envelope : envelopes) {
      boxes.push_back(yimen::seal::ParseEnvelope(envelope)->box);
    }
    next = 0;
    size_t plain_bytes = 0;
    const Figures unseal = Time(runs, [&] {
      const std::string& box = boxes[next++ % boxes.size()];
      std::string plain(box.size() - crypto_box_SEALBYTES, '\0');
      if (crypto_box_seal_open(reinterpret_cast<unsigned char*>(plain.data()),
                               reinterpret_cast<const unsigned char*>(box.data()), box.size(),
                               reinterpret_cast<const unsigned char*>(key->public_key.data()),
                               reinterpret_cast<const unsigned char*>(key->secret_key.data())) !=
          0) {
        throw std::runtime_error("crypto_box_seal_open failed");
      }
      const nlohmann::json parsed = nlohmann::json::parse(plain);
      plain_bytes = plain.size();
      sodium_memzero(plain.data(), plain.size());
    });
    for (srv::OpeningKey& k : *keys) sodium_memzero(k.secret_key.data(), k.secret_key.size());
    std::printf(
        "  (b) application page, server time of ServerCore::Handle (unseal + re-validate + "
        "render):\n");
    Print("application page", app_page, "OpenApplication", opening,
          "(" + std::to_string(reply.body.size()) + " bytes of HTML)");
    std::printf("  %-28s %38s | raw unseal+parse  p50 %6.3f ms  p99 %6.3f ms  (%zu-byte payload)\n",
                "", "", unseal.p50, unseal.p99, plain_bytes);
    std::printf("    goal: application page p99 <= 30 ms\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_console: %s\n", e.what());
    exit_code = 1;
  }
  db->Close();
  return exit_code;
}
