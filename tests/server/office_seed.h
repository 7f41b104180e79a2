// Seeds a server database with made-up applications for the office workflow tests and
// the queue benchmark: halls in townships, one kiosk per hall, application rows as
// ingest stores them (the payload is a placeholder: nothing here opens it), spread
// over the last `days` days with a mix of statuses and due dates. Test support only:
// real applications come from kiosk pushes. Batched INSERTs: 100,000 rows take a few
// seconds.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "common/civil_time.h"
#include "domain/app_number.h"
#include "domain/catalog.h"

namespace yimen::testing {

struct SeedOptions {
  int64_t count = 100;
  int days = 60;
  // Halls and their townships; hall i is "<town>大厅<i>".
  std::vector<std::string> towns = {"城关镇", "东坝镇", "西山乡", "南湖街道"};
  int halls_per_town = 3;
  std::vector<std::string> services = {"dibao", "tekun", "linshi", "gaoling", "yiliao", "zhufang"};
  bool statuses = true;  // false: every row 已送达 (no status)
  uint32_t seed = 12;
  int64_t first_id = 1;  // rows get ids first_id, first_id + 1, ...
};

inline std::string SeedHallName(const std::string& town, int i) {
  return town + "大厅" + std::to_string(i);
}

// Inserts the halls, devices and `options.count` applications. Returns the numbers made,
// in id order. Throws on a database error (tests ASSERT_NO_THROW).
inline std::vector<std::string> SeedApplications(const std::string& url,
                                                 const SeedOptions& options) {
  pqxx::connection c(url);
  std::vector<std::string> halls;
  std::vector<int64_t> devices;
  {
    pqxx::work tx(c);
    for (const std::string& town : options.towns) {
      for (int i = 1; i <= options.halls_per_town; ++i) {
        const std::string hall = SeedHallName(town, i);
        halls.push_back(hall);
        tx.exec_params("INSERT INTO halls (name, town) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                       hall, town);
        const std::string code = MakeKioskCode(std::hash<std::string>()(hall) ^ options.seed);
        pqxx::result existing =
            tx.exec_params("SELECT id FROM devices WHERE kiosk_code = $1", code);
        if (!existing.empty()) {
          devices.push_back(existing[0][0].as<int64_t>());
          continue;
        }
        devices.push_back(
            tx.exec_params("INSERT INTO devices (public_key, hall, kiosk_code) VALUES ($1, $2, $3) "
                           "RETURNING id",
                           "seed-key-" + code, hall, code)[0][0]
                .as<int64_t>());
      }
    }
    tx.commit();
  }
  const char* kStatuses[] = {"",       "",       "",         "",       "已受理",
                             "已受理", "需补正", "初审通过", "已批准", "已办结"};
  std::mt19937 random(options.seed);
  const int64_t now = UnixSecondsNow();
  std::vector<std::string> numbers;
  constexpr int64_t kBatch = 2000;
  for (int64_t start = 0; start < options.count; start += kBatch) {
    nlohmann::json rows = nlohmann::json::array();
    for (int64_t i = start; i < std::min(options.count, start + kBatch); ++i) {
      // Older rows first, so ids grow with received_at as they do in production.
      const int64_t age =
          (options.count - i) * options.days * 86400 / std::max<int64_t>(options.count, 1);
      const int64_t received = now - age;
      const size_t hall = random() % halls.size();
      const std::string code = MakeKioskCode(std::hash<std::string>()(halls[hall]) ^ options.seed);
      // Ids of one day are a run shorter than 9,999: the sequence never repeats in a day.
      const auto seq = static_cast<uint32_t>((options.first_id + i - 1) % 9999 + 1);
      const std::string number = FormatAppNumber(code, ChinaDateAt(received), seq);
      const std::string status = options.statuses ? kStatuses[random() % 10] : "";
      nlohmann::json row = {{"id", options.first_id + i},
                            {"app_number", number},
                            {"receipt", "R" + std::to_string(options.first_id + i)},
                            {"device_id", devices[hall]},
                            {"hall", halls[hall]},
                            {"service_code", options.services[random() % options.services.size()]},
                            {"received_at", IsoUtc(received)},
                            {"status", status}};
      if (status == "已受理") {
        // Due between 20 days ago and 40 days ahead: some overdue.
        row["due_date"] =
            FormatIsoDate(AddDays(ChinaDateAt(now), static_cast<int>(random() % 60) - 20));
      }
      rows.push_back(std::move(row));
      numbers.push_back(number);
    }
    pqxx::work tx(c);
    tx.exec_params(
        "INSERT INTO applications (id, uuid, app_number, receipt, device_id, hall, service_code, "
        "catalog_version, payload_format, payload, submitted_at, received_at, status, status_at, "
        "due_date) "
        "SELECT x.id, gen_random_uuid(), x.app_number, x.receipt, x.device_id, x.hall, "
        "x.service_code, "
        "'2026.3', 'sealed-v2', '{\"seed\":true}', x.received_at, x.received_at::timestamptz, "
        "nullif(x.status, ''), CASE WHEN x.status = '' THEN NULL ELSE now() END, x.due_date::date "
        "FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, app_number text, receipt text, "
        "device_id bigint, hall text, service_code text, received_at text, status text, due_date "
        "text)",
        rows.dump());
    tx.commit();
  }
  // What autovacuum does on a live server after a bulk load: statistics, and the
  // visibility map index-only scans (the queue's counts) rely on.
  pqxx::nontransaction tx(c);
  tx.exec("SELECT setval('applications_id_seq', (SELECT max(id) FROM applications))");
  tx.exec("VACUUM ANALYZE applications");
  return numbers;
}

}  // namespace yimen::testing
