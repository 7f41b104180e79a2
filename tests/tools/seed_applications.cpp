// yimen-seed: fills a kiosk's store with made-up applications for UI scripts and the
// staff-list benchmark. Three fixed rows first (known numbers, names, ID tails and
// statuses the scripts rely on), then `count - 3` more spread over the last `days` days
// with mixed services, statuses and sync states. One transaction, so 100,000 rows take
// about a second. With `--visit 1`, three more fixed rows after them make one visit
// (docs/internals/visits.md): 低保, 医疗救助 and 临时救助 under visit number
// TEST-261120-V0001-<check> (printed), ID tail 20031X. Test support only: real
// applications come from Store::Submit and Store::SubmitVisit.
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <string>
#include <vector>

#include "common/civil_time.h"
#include "domain/app_number.h"
#include "domain/name_mask.h"
#include "store/database.h"
#include "store/store.h"

namespace {

int Fail(const std::string& what) {
  std::fprintf(stderr, "yimen-seed: %s\n", what.c_str());
  return 1;
}

yimen::CivilDate FromDays(int64_t days) {
  std::chrono::year_month_day d{std::chrono::sys_days(std::chrono::days(days))};
  return {static_cast<int>(d.year()), static_cast<int>(static_cast<unsigned>(d.month())),
          static_cast<int>(static_cast<unsigned>(d.day()))};
}

int64_t ToDays(const yimen::CivilDate& c) {
  return std::chrono::sys_days(std::chrono::year(c.year) / c.month / c.day).time_since_epoch().count();
}

struct Row {
  yimen::CivilDate date;
  std::string service;
  std::string full_name;
  std::string id_tail;
  std::string status = "submitted";
  enum { kPending, kDelivered, kParked } sync = kPending;
  std::string parked_reason;
  bool in_visit = false;  // one of the --visit rows
};

}  // namespace

int main(int argc, char** argv) {
  std::string data_dir, kiosk_code = "TEST";
  int64_t count = 100;
  int days = 60;
  bool visit = false;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string arg = argv[i];
    if (arg == "--data-dir") data_dir = argv[i + 1];
    else if (arg == "--count") count = std::atoll(argv[i + 1]);
    else if (arg == "--kiosk-code") kiosk_code = argv[i + 1];
    else if (arg == "--days") days = std::max(1, std::atoi(argv[i + 1]));
    else if (arg == "--visit")
      visit = std::atoi(argv[i + 1]) != 0;
    else return Fail("unknown flag " + arg);
  }
  if (data_dir.empty() || count < 3) {
    return Fail("usage: yimen-seed --data-dir DIR [--count N>=3] [--days N] [--kiosk-code CODE]");
  }
  auto store = yimen::Store::Open(data_dir);
  if (!store.ok()) return Fail(store.error().message);
  if (auto s = (*store)->settings().SetKioskCode(kiosk_code); !s.ok())
    return Fail(s.error().message);
  // 1000 ID tails, tagged with this kiosk's key once each.
  std::vector<std::string> tags(1000);
  for (int t = 0; t < 1000; ++t) {
    char tail[8];
    std::snprintf(tail, sizeof tail, "%06d", t);
    auto tag = (*store)->status().LookupHashFor(tail);
    if (!tag.ok()) return Fail(tag.error().message);
    tags[static_cast<size_t>(t)] = *tag;
  }
  std::map<std::string, std::string> fixed_tags;
  for (const char* tail : {"31002X", "123456", "654321", "20031X"})
    fixed_tags[tail] = *(*store)->status().LookupHashFor(tail);

  auto db = yimen::sqlite::Connection::Open((*store)->DatabasePath(), 5000);
  if (!db.ok()) return Fail(db.error().message);
  // The kiosk's date rule (common/civil_time.h), so "today" here is staff mode's today.
  const int64_t today = ToDays(yimen::ChinaDateAt(yimen::UnixSecondsNow()));

  std::vector<Row> rows;
  rows.push_back({{2026, 11, 20}, "dibao", "欧阳娜娜", "31002X", "需补正", Row::kDelivered, ""});
  rows.push_back({{2026, 11, 20}, "gaoling", "张三丰", "123456", "submitted", Row::kPending, ""});
  rows.push_back({{2026, 11, 20}, "tekun", "李四", "654321", "submitted", Row::kParked,
                  "事项代码已停用（service retired）"});
  const char* services[] = {"dibao", "tekun", "linshi", "gaoling", "canji_shenghuo", "canji_huli",
                            "ertong", "yiliao", "zhufang", "yanglao", "binzang", "zhucan"};
  const char* names[] = {"王小明", "李娟", "张伟", "刘芳芳", "陈静", "杨洋", "赵敏", "黄磊", "周杰", "吴桂英",
                         "司马相如", "诸葛明"};
  const char* statuses[] = {"已受理", "审核中", "已批准", "需补正", "不予批准", "已办结"};
  for (int64_t i = 3; i < count; ++i) {
    Row r;
    // Oldest first, so the newest rows (highest ids) fall on today.
    int64_t day = today - (days - 1) + (i - 3) * (days - 1) / std::max<int64_t>(1, count - 4);
    r.date = FromDays(day);
    r.service = services[i % 12];
    r.full_name = names[(i * 7) % 12];
    char tail[8];
    std::snprintf(tail, sizeof tail, "%06d", static_cast<int>(i % 1000));
    r.id_tail = tail;
    int bucket = static_cast<int>(i % 50);
    if (bucket < 30) {
      r.sync = Row::kPending;
    } else if (bucket == 30) {
      r.sync = Row::kParked;
      r.parked_reason = "表单版本过旧（catalog version retired）";
    } else {
      r.sync = Row::kDelivered;
      if (bucket >= 38) r.status = statuses[bucket % 6];
    }
    rows.push_back(std::move(r));
  }
  if (visit) {
    rows.push_back(
        {{2026, 11, 20}, "dibao", "王秀英", "20031X", "已受理", Row::kDelivered, "", true});
    rows.push_back(
        {{2026, 11, 20}, "yiliao", "王秀英", "20031X", "submitted", Row::kPending, "", true});
    rows.push_back(
        {{2026, 11, 20}, "linshi", "王秀英", "20031X", "审核中", Row::kDelivered, "", true});
  }
  const std::string visit_number = yimen::FormatVisitNumber(kiosk_code, {2026, 11, 20}, 1);

  if (auto s = db->Exec("BEGIN IMMEDIATE"); !s.ok()) return Fail(s.error().message);
  auto app = db->Prepare(
      "INSERT INTO applications (uuid, app_number, created_date, seq, service_code, "
      "catalog_version, "
      "created_at, masked_name, payload_format, payload, status, status_at, server_receipt, "
      "acked_at, "
      "status_seq, lookup_hash, visit_id, visit_number, visit_size) VALUES (?1, ?2, ?3, ?4, ?5, "
      "'2026.3', ?6, ?7, 'json-v1', CAST('{\"seeded\":true}' AS BLOB), ?8, ?9, ?10, ?11, ?12, ?13, "
      "?14, ?15, ?16)");
  auto outbox = db->Prepare(
      "INSERT INTO outbox (application_uuid, enqueued_at_ms, next_attempt_at_ms, delivered_at_ms, parked_reason) "
      "VALUES (?1, ?2, ?2, ?3, ?4)");
  auto change = db->Prepare(
      "INSERT INTO status_changes (server_seq, application_uuid, app_number, status, reason, server_time) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  auto seq = db->Prepare(
      "INSERT INTO app_sequences (day, last_seq) VALUES (?1, ?2) "
      "ON CONFLICT (day) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)");
  if (!app.ok() || !outbox.ok() || !change.ok() || !seq.ok()) return Fail("prepare failed");
  std::map<std::string, uint32_t> day_seq;
  std::map<std::string, uint32_t> spread_seq;
  int64_t server_seq = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    const std::string day = yimen::FormatIsoDate(r.date);
    // The spread rows number from 101 on their day, so a search for part of a fixed
    // row's number ("0001-f") finds the same rows whatever today is.
    const uint32_t n = i < 3 || r.in_visit ? ++day_seq[day] : 100 + ++spread_seq[day];
    const std::string number = yimen::FormatAppNumber(kiosk_code, r.date, n);
    char uuid[64];
    std::snprintf(uuid, sizeof uuid, "00000000-0000-4000-8000-%012zu", i + 1);
    char created[64];
    int minute = static_cast<int>(i % 600);
    std::snprintf(created, sizeof created, "%sT%02d:%02d:00Z", day.c_str(), 1 + minute / 60, minute % 60);
    const int64_t created_ms = ToDays(r.date) * 86'400'000LL + (60 + minute) * 60'000LL;
    const bool delivered = r.sync == Row::kDelivered;
    const bool has_status = r.status != "submitted";
    char status_at[64];
    std::snprintf(status_at, sizeof status_at, "%sT%02d:%02d:00Z", day.c_str(), 12 + minute / 60, minute % 60);
    app->BindText(1, uuid).BindText(2, number).BindText(3, day).BindInt(4, n).BindText(5, r.service)
        .BindText(6, created).BindText(7, yimen::MaskName(r.full_name)).BindText(8, r.status)
        .BindText(9, has_status ? status_at : created);
    if (delivered) app->BindText(10, "R-" + std::to_string(i + 1)).BindText(11, created);
    else app->BindNull(10).BindNull(11);
    if (has_status) app->BindInt(12, ++server_seq);
    else app->BindNull(12);
    auto fixed = fixed_tags.find(r.id_tail);
    app->BindText(13, fixed != fixed_tags.end() ? fixed->second : tags[std::stoul(r.id_tail) % 1000]);
    if (r.in_visit) {
      app->BindText(14, "00000000-0000-4000-9000-000000000001")
          .BindText(15, visit_number)
          .BindInt(16, 3);
    } else {
      app->BindNull(14).BindNull(15).BindNull(16);
    }
    if (auto s = app->Run(); !s.ok()) return Fail(s.error().message);
    outbox->BindText(1, uuid).BindInt(2, created_ms);
    if (delivered) outbox->BindInt(3, created_ms + 60'000);
    else outbox->BindNull(3);
    if (r.sync == Row::kParked) outbox->BindText(4, r.parked_reason);
    else outbox->BindNull(4);
    if (auto s = outbox->Run(); !s.ok()) return Fail(s.error().message);
    if (i == 0) {
      // The first fixed row's history: accepted, then documents asked for.
      change->BindInt(1, server_seq + 100000).BindText(2, uuid).BindText(3, number).BindText(4, "已受理")
          .BindText(5, "").BindText(6, day + "T03:00:00Z");
      if (auto s = change->Run(); !s.ok()) return Fail(s.error().message);
      change->BindInt(1, server_seq + 100001).BindText(2, uuid).BindText(3, number).BindText(4, "需补正")
          .BindText(5, "户口簿原件和近 6 个月的银行流水").BindText(6, status_at);
      if (auto s = change->Run(); !s.ok()) return Fail(s.error().message);
    }
    if (i < 3 || r.in_visit) {
      std::printf("%s %s %s %s\n", number.c_str(), r.service.c_str(), r.id_tail.c_str(),
                  r.in_visit ? visit_number.c_str() : "");
    }
  }
  for (const auto* numbered : {&day_seq, &spread_seq}) {
    const uint32_t base = numbered == &spread_seq ? 100 : 0;
    for (const auto& [day, last] : *numbered) {
      seq->BindText(1, day).BindInt(2, base + last);
      if (auto s = seq->Run(); !s.ok()) return Fail(s.error().message);
    }
  }
  if (visit) {
    if (auto s = db->Exec("INSERT INTO visit_sequences (day, last_seq) VALUES ('2026-11-20', 1)");
        !s.ok())
      return Fail(s.error().message);
  }
  if (auto s = db->Exec("COMMIT"); !s.ok()) return Fail(s.error().message);
  std::fprintf(stderr, "yimen-seed: %zu applications in %s\n", rows.size(), (*store)->DatabasePath().c_str());
  return 0;
}
