// Sealed applications of named residents for the subsidy roster's test and benchmark
// (server/office_roster.h): each is the domain tests' valid 低保 draft with the person's
// service, name, ID number, bank account and community, sealed to the ring's active key
// as a kiosk seals it (common/sealing.h), stored as ingest stores it, in a hall of the
// person's township. Test support only: real applications come from kiosk pushes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "common/civil_time.h"
#include "common/sealing.h"
#include "domain/app_number.h"
#include "domain/dibao_draft.h"
#include "domain/form.h"

namespace yimen::testing {

struct RosterPerson {
  std::string service = "dibao";
  std::string town = "城关镇";
  std::string name;
  std::string id_number;
  std::string bank_name = "农村商业银行";
  std::string account;  // "" = the form has no account (the key is left out)
  std::string community = "民生社区";
};

inline std::string RosterHall(const std::string& town) { return town + "大厅1"; }

// The person's application as a kiosk seals it: the valid 低保 draft, retold.
inline std::string RosterPayload(const RosterPerson& person, const std::string& catalog_version) {
  ApplicationDraft draft = ValidDibaoDraft();
  draft.service_code = person.service;
  draft.catalog_version = catalog_version;
  draft.values["name"] = person.name;
  draft.values["id_number"] = person.id_number;
  draft.values["community"] = person.community;
  draft.values["town"] = person.town;
  if (person.account.empty()) {
    draft.values.erase("bank_name");
    draft.values.erase("account_number");
  } else {
    draft.values["bank_name"] = person.bank_name;
    draft.values["account_number"] = person.account;
  }
  return DraftToJson(draft).dump();
}

// Inserts a hall per township and a kiosk per hall (when missing) and one sealed
// application per person, ids first_id.., received today (ids past 9,999 a day earlier
// each), no status. Returns the numbers in order. Throws on a database or sealing error.
inline std::vector<std::string> SeedRosterApplications(const std::string& url,
                                                       const std::string& public_key,
                                                       const std::vector<RosterPerson>& people,
                                                       int64_t first_id = 1) {
  pqxx::connection c(url);
  std::vector<std::string> numbers;
  std::map<std::string, std::pair<int64_t, std::string>> kiosks;  // town → device, code
  {
    pqxx::work tx(c);
    for (const RosterPerson& person : people) {
      if (kiosks.count(person.town) != 0) continue;
      const std::string hall = RosterHall(person.town);
      tx.exec_params("INSERT INTO halls (name, town) VALUES ($1, $2) ON CONFLICT DO NOTHING", hall,
                     person.town);
      const std::string code = MakeKioskCode(std::hash<std::string>()(hall));
      pqxx::result existing = tx.exec_params("SELECT id FROM devices WHERE kiosk_code = $1", code);
      const int64_t device =
          existing.empty()
              ? tx.exec_params(
                      "INSERT INTO devices (public_key, hall, kiosk_code) VALUES ($1, $2, "
                      "$3) RETURNING id",
                      "roster-key-" + code, hall, code)[0][0]
                    .as<int64_t>()
              : existing[0][0].as<int64_t>();
      kiosks[person.town] = {device, code};
    }
    tx.commit();
  }
  const int64_t now = UnixSecondsNow();
  constexpr size_t kBatch = 1000;
  for (size_t start = 0; start < people.size(); start += kBatch) {
    nlohmann::json rows = nlohmann::json::array();
    for (size_t i = start; i < std::min(people.size(), start + kBatch); ++i) {
      const RosterPerson& person = people[i];
      const int64_t id = first_id + static_cast<int64_t>(i);
      const int64_t received = now - (id - 1) / 9999 * 86400;
      const auto& [device, code] = kiosks[person.town];
      const std::string number =
          FormatAppNumber(code, ChinaDateAt(received), static_cast<uint32_t>((id - 1) % 9999 + 1));
      auto envelope = seal::SealEnvelope(RosterPayload(person, "2026.11.2"), public_key);
      if (!envelope.ok()) throw std::runtime_error(envelope.error().message);
      rows.push_back({{"id", id},
                      {"app_number", number},
                      {"device_id", device},
                      {"hall", RosterHall(person.town)},
                      {"service_code", person.service},
                      {"received_at", IsoUtc(received)},
                      {"payload", *envelope}});
      numbers.push_back(number);
    }
    pqxx::work tx(c);
    tx.exec_params(
        "INSERT INTO applications (id, uuid, app_number, receipt, device_id, hall, service_code, "
        "catalog_version, payload_format, payload, submitted_at, received_at) "
        "SELECT x.id, gen_random_uuid(), x.app_number, 'R' || x.id, x.device_id, x.hall, "
        "x.service_code, '2026.11.2', $2, x.payload::jsonb, x.received_at, "
        "x.received_at::timestamptz "
        "FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, app_number text, device_id bigint, "
        "hall text, service_code text, received_at text, payload text)",
        rows.dump(), std::string(seal::kPayloadFormat));
    tx.commit();
  }
  pqxx::nontransaction tx(c);
  tx.exec("SELECT setval('applications_id_seq', (SELECT max(id) FROM applications))");
  return numbers;
}

}  // namespace yimen::testing
