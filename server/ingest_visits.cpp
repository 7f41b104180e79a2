// A visit's rules against what is stored (see ingest_visits.h).
#include "server/ingest_visits.h"

#include <nlohmann/json.hpp>

#include <set>

namespace yimen::server {
namespace {

using nlohmann::json;

// A visit as stored, or as the first item of this push that named it.
struct VisitRow {
  int64_t device_id = 0;
  std::string number;
  int size = 0;
  int taken = 0;  // applications stored in it, then those this push adds
};

// Locks every visit_id and visit number the push names, sorted, for the transaction.
void LockVisits(pqxx::work& tx, const std::set<std::string>& keys) {
  json array = json::array();
  for (const std::string& key : keys) array.push_back(key);  // std::set: sorted
  tx.exec_params(
      "SELECT pg_advisory_xact_lock(hashtextextended('visit:' || k, 0)) "
      "FROM jsonb_array_elements_text($1::jsonb) WITH ORDINALITY AS x(k, n) ORDER BY n",
      array.dump());
}

}  // namespace

std::map<size_t, VisitRefusal> RefuseVisitConflicts(pqxx::work& tx, int64_t device_id,
                                                    const std::vector<protocol::PushItem>& items,
                                                    const std::vector<ItemVerdict>& verdicts) {
  std::map<size_t, VisitRefusal> refused;
  std::set<std::string> lock_keys, ids, numbers, uuids;
  for (size_t i = 0; i < items.size(); ++i) {
    if (!verdicts[i].ok() || verdicts[i].visit_number.empty()) continue;
    lock_keys.insert(items[i].visit_id);
    lock_keys.insert(verdicts[i].visit_number);
    ids.insert(items[i].visit_id);
    numbers.insert(verdicts[i].visit_number);
    uuids.insert(items[i].uuid);
  }
  if (ids.empty()) return refused;
  LockVisits(tx, lock_keys);
  const auto as_json = [](const std::set<std::string>& values) {
    return json(std::vector<std::string>(values.begin(), values.end())).dump();
  };
  std::map<std::string, VisitRow> by_id;            // visit_id → stored visit
  std::map<std::string, std::string> id_of_number;  // visit number → its visit_id
  for (const auto& row : tx.exec_params(
           "SELECT visit_id::text, device_id, visit_number, visit_size, count(*) "
           "FROM applications WHERE visit_id = ANY(ARRAY(SELECT jsonb_array_elements_text("
           "$1::jsonb)::uuid)) OR visit_number = ANY(ARRAY(SELECT jsonb_array_elements_text("
           "$2::jsonb))) GROUP BY 1, 2, 3, 4",
           as_json(ids), as_json(numbers))) {
    const std::string id = row[0].as<std::string>();
    by_id[id] = {row[1].as<int64_t>(), row[2].as<std::string>(), row[3].as<int>(),
                 row[4].as<int>()};
    id_of_number[row[2].as<std::string>()] = id;
  }
  std::set<std::string> stored_uuids;  // a resend: answered from what is stored
  for (const auto& row :
       tx.exec_params("SELECT uuid::text FROM applications "
                      "WHERE uuid = ANY(ARRAY(SELECT jsonb_array_elements_text($1::jsonb)::uuid))",
                      as_json(uuids))) {
    stored_uuids.insert(row[0].as<std::string>());
  }
  std::set<std::string> counted;  // uuids of this push given a place in their visit
  for (size_t i = 0; i < items.size(); ++i) {
    const protocol::PushItem& item = items[i];
    const std::string& number = verdicts[i].visit_number;
    if (!verdicts[i].ok() || number.empty() || stored_uuids.count(item.uuid)) continue;
    auto refuse = [&](const char* code, std::string reason) {
      refused[i] = {code, std::move(reason)};
    };
    auto visit = by_id.find(item.visit_id);
    if (visit == by_id.end()) {
      auto owner = id_of_number.find(number);
      if (owner != id_of_number.end() && owner->second != item.visit_id) {
        refuse(protocol::reject::kBadVisit, "visit_number " + number + " names another visit");
        continue;
      }
      // The first item naming this visit fixes its kiosk, number and size.
      visit = by_id.emplace(item.visit_id, VisitRow{device_id, number, item.visit_size, 0}).first;
      id_of_number[number] = item.visit_id;
    }
    VisitRow& row = visit->second;
    if (row.device_id != device_id) {
      refuse(protocol::reject::kVisitNotYours, "visit_id belongs to a visit from another kiosk");
    } else if (row.number != number || row.size != item.visit_size) {
      refuse(protocol::reject::kBadVisit,
             "visit_id is stored with another visit_number or visit_size");
    } else if (counted.count(item.uuid)) {
      // The same uuid twice in one push: one place; the push answers the repeat.
    } else if (row.taken >= row.size) {
      refuse(protocol::reject::kBadVisit,
             "the visit already holds its " + std::to_string(row.size) + " applications");
    } else {
      ++row.taken;
      counted.insert(item.uuid);
    }
  }
  return refused;
}

}  // namespace yimen::server
