// The subsidy roster (office_roster.h): one query for the town's approved applications
// with their approval and announced attachments, the vault's keys taken once, each
// payload opened by the same code as OpenApplication (sealed_payload.h), then the sheets
// and the audited export.
#include "server/office_roster.h"

#include <algorithm>
#include <map>
#include <optional>
#include <thread>

#include "common/sealing.h"
#include "common/wipe.h"
#include "server/office_rules.h"
#include "server/office_scope.h"
#include "server/sealed_payload.h"

namespace yimen::server {
namespace {

using nlohmann::json;

constexpr size_t kMaxServices = 20;
// Threads that open payloads at once, and the fewest rows worth a thread of their own.
constexpr size_t kMaxOpenThreads = 4;
constexpr size_t kMinRowsPerThread = 500;

Error Invalid(std::string message) {
  return MakeError(ErrorKind::kInvalidArgument, std::move(message));
}

bool ValidMonth(const std::string& month) {
  return month.size() == 7 && month[4] == '-' && ParseIsoDate(month + "-01").ok();
}

// "2026-12" → "2026年12月".
std::string MonthShown(const std::string& month) {
  return month.substr(0, 4) + "年" + std::to_string(std::stoi(month.substr(5, 2))) + "月";
}

std::string ServiceName(const Catalog* catalog, const std::string& code) {
  const ServiceSpec* service = catalog ? catalog->FindService(code) : nullptr;
  return service != nullptr ? service->name.zh : code;
}

// A string answer of the form, "" when absent or not a string.
std::string Answer(const json& values, const char* key) {
  const auto it = values.find(key);
  return it != values.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Status CheckRequest(const Catalog* catalog, const RosterRequest& request) {
  if (!ValidMonth(request.month)) return Invalid("月份格式应为 YYYY-MM：" + request.month);
  if (request.services.empty()) return Invalid("请至少选择一个事项");
  if (request.services.size() > kMaxServices) return Invalid("一次最多选择 20 个事项");
  for (size_t i = 0; i < request.services.size(); ++i) {
    const std::string& code = request.services[i];
    if (catalog != nullptr && catalog->FindService(code) == nullptr) {
      return Invalid("目录中没有事项 " + code);
    }
    const bool plain =
        !code.empty() && code.size() <= 64 && std::all_of(code.begin(), code.end(), [](char ch) {
          return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
        });
    if (!plain) return Invalid("事项代码不对：" + code);
    if (std::find(request.services.begin(), request.services.begin() + static_cast<long>(i),
                  code) != request.services.begin() + static_cast<long>(i)) {
      return Invalid("事项重复：" + code);
    }
  }
  return Status::Ok();
}

struct Candidate {
  SealedApplication sealed;
  std::string hall;
  int64_t amount_yuan = 0;
  std::string start_month;
};

}  // namespace

Status MayExportRoster(const OfficeAccount& actor) {
  if (RoleMayRun(actor.role, "roster")) return Status::Ok();
  return MakeError(ErrorKind::kRejected, "只有主管可以查看和导出补贴清册");
}

Result<std::vector<std::string>> RosterTowns(PgPool& pool, const OfficeAccount& actor) {
  std::vector<std::string> towns;
  Status status = pool.Run([&](pqxx::connection& c) {
    towns.clear();
    pqxx::read_transaction tx(c);
    const bool county = IsCountyScope(tx, actor.scope);
    for (const auto& row : tx.exec("SELECT DISTINCT town FROM halls ORDER BY town")) {
      const std::string town = row[0].as<std::string>();
      if (county || town == actor.scope) towns.push_back(town);
    }
  });
  if (!status.ok()) return status.error();
  return towns;
}

Result<Roster> BuildRoster(PgPool& pool, KeyVault& vault, const Catalog* catalog,
                           const OfficeAccount& actor, const RosterRequest& request) {
  if (Status may = MayExportRoster(actor); !may.ok()) return may.error();
  if (Status checked = CheckRequest(catalog, request); !checked.ok()) return checked.error();
  auto towns = RosterTowns(pool, actor);
  if (!towns.ok()) return towns.error();
  if (std::find(towns->begin(), towns->end(), request.town) == towns->end()) {
    return MakeError(ErrorKind::kNotFound, "没有这个镇街，或不在您的辖区：" + request.town);
  }
  // The key first: a locked vault reads nothing, so say so before the query.
  auto keys = vault.OpeningKeys();
  if (!keys.ok()) {
    if (keys.error().code == KeyVault::kKeyLockedCode) {
      return MakeError(ErrorKind::kRejected,
                       "密钥已锁定：导出补贴清册要读取加密的姓名、身份证号和账号，请先解锁密钥",
                       KeyVault::kKeyLockedCode);
    }
    return keys.error();
  }
  struct KeyWiper {
    std::vector<OpeningKey>& keys;
    ~KeyWiper() {
      for (OpeningKey& key : keys) Wipe(&key.secret_key);
    }
  } wiper{*keys};

  std::vector<Candidate> candidates;
  Status status = pool.Run([&](pqxx::connection& c) {
    candidates.clear();
    pqxx::read_transaction tx(c);
    std::string services;
    for (const std::string& code : request.services) {
      services += (services.empty() ? "" : ", ") + tx.quote(code);
    }
    // The last decision (批准 or 不予批准) of each application decides; its details hold
    // the approved amount (yuan) and start month (office_workflow.cpp Plan).
    const std::string sql =
        "SELECT a.app_number, a.service_code, a.hall, a.payload_format, a.payload::text, "
        " a.submitted_at, (d.details ->> 'amount_yuan')::bigint, d.details ->> 'start_month', "
        " (SELECT coalesce(json_agg(json_build_array(t.attachment_id, t.size, t.sha256, t.mime) "
        "                            ORDER BY t.attachment_id), '[]')::text "
        "    FROM attachments t WHERE t.application_id = a.id) "
        "FROM applications a "
        "CROSS JOIN LATERAL (SELECT o.action, o.details FROM office_actions o "
        "  WHERE o.application_id = a.id AND o.action IN ('approve', 'refuse') "
        "  ORDER BY o.id DESC LIMIT 1) d "
        "WHERE a.status IN (" +
        tx.quote(std::string(kStApproved)) + ", " + tx.quote(std::string(kStClosed)) + ") AND " +
        InTownHalls(tx, request.town) + " AND a.service_code IN (" + services +
        ") AND d.action = 'approve' "
        " AND d.details ->> 'start_month' <= " +
        tx.quote(request.month) + " ORDER BY a.id";
    for (const auto& row : tx.exec(sql)) {
      Candidate one;
      one.sealed.app_number = row[0].as<std::string>();
      one.sealed.service_code = row[1].as<std::string>();
      one.hall = row[2].as<std::string>();
      one.sealed.payload_format = row[3].as<std::string>();
      one.sealed.payload = row[4].as<std::string>();
      one.sealed.submitted_at = row[5].as<std::string>();
      one.amount_yuan = row[6].is_null() ? 0 : row[6].as<int64_t>();
      one.start_month = row[7].is_null() ? "" : row[7].as<std::string>();
      const json attachments = json::parse(row[8].as<std::string>(), nullptr, false);
      if (attachments.is_array()) {
        for (const json& a : attachments) {
          if (!a.is_array() || a.size() != 4) continue;
          one.sealed.attachments.push_back({a[0].get<std::string>(), a[1].get<int64_t>(),
                                            a[2].get<std::string>(), a[3].get<std::string>()});
        }
      }
      candidates.push_back(std::move(one));
    }
  });
  if (!status.ok()) return status.error();

  // Opening is the cost (crypto_box_seal_open + a depth-limited parse of each payload,
  // docs/benchmarks.md): spread it over the cores, each thread filling its own slots.
  std::vector<std::optional<RosterEntry>> opened(candidates.size());
  std::vector<std::string> failed(candidates.size());
  auto open_range = [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      const Candidate& one = candidates[i];
      auto payload = OpenSealedPayload(one.sealed, *keys);
      if (!payload.ok()) {
        failed[i] = one.sealed.app_number + ": " + payload.error().message;
        continue;
      }
      const json& values = payload->contains("values") ? (*payload)["values"] : json::object();
      RosterEntry entry;
      entry.app_number = one.sealed.app_number;
      entry.service_code = one.sealed.service_code;
      entry.hall = one.hall;
      entry.community = Answer(values, "community");
      entry.name = Answer(values, "name");
      entry.id_number = Answer(values, "id_number");
      entry.bank_name = Answer(values, "bank_name");
      entry.account = Answer(values, "account_number");
      entry.account_missing = entry.account.empty();
      if (entry.account_missing) entry.account = kRosterNoAccount;
      if (entry.bank_name.empty()) entry.bank_name = kRosterNoAccount;
      entry.amount_fen = one.amount_yuan * 100;
      entry.start_month = one.start_month;
      opened[i] = std::move(entry);
    }
  };
  const size_t threads =
      std::clamp<size_t>(std::thread::hardware_concurrency(), 1, kMaxOpenThreads);
  const size_t per = (candidates.size() + threads - 1) / threads;
  if (threads <= 1 || candidates.size() < 2 * kMinRowsPerThread) {
    open_range(0, candidates.size());
  } else {
    std::vector<std::thread> workers;
    for (size_t begin = per; begin < candidates.size(); begin += per) {
      workers.emplace_back(open_range, begin, std::min(candidates.size(), begin + per));
    }
    open_range(0, std::min(candidates.size(), per));
    for (std::thread& worker : workers) worker.join();
  }
  Roster roster;
  roster.request = request;
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (opened[i]) {
      roster.entries.push_back(std::move(*opened[i]));
    } else {
      roster.unopened.push_back(std::move(failed[i]));
    }
  }
  std::map<std::string, size_t> order;
  for (const std::string& code : request.services) {
    order.emplace(code, order.size());
    roster.totals.push_back({code, ServiceName(catalog, code), 0, 0, 0});
  }
  std::stable_sort(roster.entries.begin(), roster.entries.end(),
                   [&](const RosterEntry& a, const RosterEntry& b) {
                     const size_t ka = order[a.service_code];
                     const size_t kb = order[b.service_code];
                     if (ka != kb) return ka < kb;
                     if (a.community != b.community) return a.community < b.community;
                     return a.app_number < b.app_number;
                   });
  for (const RosterEntry& entry : roster.entries) {
    RosterServiceTotal& total = roster.totals[order[entry.service_code]];
    ++total.people;
    total.amount_fen += entry.amount_fen;
    total.accounts_missing += entry.account_missing ? 1 : 0;
    roster.amount_fen += entry.amount_fen;
    roster.accounts_missing += entry.account_missing ? 1 : 0;
  }
  return roster;
}

std::vector<ExportSheet> RosterSheets(const Roster& roster) {
  using Cell = ExportCell;
  std::string names;
  for (const RosterServiceTotal& total : roster.totals) {
    names += (names.empty() ? "" : "、") + total.service_name;
  }
  ExportSheet people;
  people.name = "补贴清册";
  people.notes.push_back(roster.request.town + " " + MonthShown(roster.request.month) +
                         " 补贴清册（" + names + "）");
  for (const RosterServiceTotal& total : roster.totals) {
    people.notes.push_back(total.service_name + "：" + std::to_string(total.people) + " 人，" +
                           FenAsYuan(total.amount_fen) + " 元");
  }
  people.notes.push_back("合计：" + std::to_string(roster.entries.size()) + " 人，" +
                         FenAsYuan(roster.amount_fen) + " 元");
  if (roster.accounts_missing > 0) {
    people.notes.push_back("注意：" + std::to_string(roster.accounts_missing) +
                           " 人未填写银行卡号或一卡通账号（显示为“" + kRosterNoAccount +
                           "”），银行无法代发，请先补录");
  }
  if (!roster.unopened.empty()) {
    people.notes.push_back("注意：" + std::to_string(roster.unopened.size()) +
                           " 件已批准的申请无法打开，未列入本清册，请核查");
  }
  people.header = {"序号",
                   "事项",
                   "姓名",
                   "身份证号",
                   "金额（元）",
                   "开户银行",
                   "银行卡号或一卡通账号",
                   "起始月份",
                   "社区（村）",
                   "受理编号"};
  people.rows.reserve(roster.entries.size());
  std::map<std::string, std::string> service_names;
  for (const RosterServiceTotal& total : roster.totals) {
    service_names[total.service_code] = total.service_name;
  }
  int64_t serial = 0;
  for (const RosterEntry& entry : roster.entries) {
    people.rows.push_back({Cell::Integer(++serial), Cell::Text(service_names[entry.service_code]),
                           Cell::Text(entry.name), Cell::Text(entry.id_number),
                           Cell::Fen(entry.amount_fen), Cell::Text(entry.bank_name),
                           Cell::Text(entry.account), Cell::Text(entry.start_month),
                           Cell::Text(entry.community), Cell::Text(entry.app_number)});
  }
  ExportSheet totals;
  totals.name = "合计";
  totals.notes.push_back(people.notes.front());
  totals.header = {"事项", "人数", "金额（元）", "未填写账号"};
  for (const RosterServiceTotal& total : roster.totals) {
    totals.rows.push_back({Cell::Text(total.service_name), Cell::Integer(total.people),
                           Cell::Fen(total.amount_fen), Cell::Integer(total.accounts_missing)});
  }
  totals.rows.push_back({Cell::Text("合计"),
                         Cell::Integer(static_cast<int64_t>(roster.entries.size())),
                         Cell::Fen(roster.amount_fen), Cell::Integer(roster.accounts_missing)});
  return {std::move(people), std::move(totals)};
}

Result<RosterFile> ExportRoster(PgPool& pool, KeyVault& vault, const Catalog* catalog,
                                const OfficeAccount& actor, const RosterRequest& request,
                                const std::string& format, const std::string& client) {
  if (format != "xlsx" && format != "csv") return Invalid("导出格式只能是 xlsx 或 csv");
  auto roster = BuildRoster(pool, vault, catalog, actor, request);
  if (!roster.ok()) return roster.error();
  std::vector<ExportSheet> sheets = RosterSheets(*roster);
  RosterFile file;
  if (format == "xlsx") {
    auto bytes = WriteXlsx(sheets);
    if (!bytes.ok()) return bytes.error();
    file.bytes = std::move(*bytes);
    file.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  } else {
    file.bytes = WriteCsv(sheets.front());
    file.content_type = "text/csv; charset=utf-8";
  }
  for (ExportSheet& sheet : sheets) {
    for (auto& cells : sheet.rows) {
      for (ExportCell& cell : cells) Wipe(&cell.text);
    }
  }
  file.file_name = "补贴清册_" + request.town + "_" + request.month + "." + format;
  file.sha256 = seal::Sha256Hex(file.bytes);
  const auto rows = static_cast<int64_t>(roster->entries.size());
  auto id = RunTx<int64_t>(pool, [&](pqxx::work& tx) {
    std::string services = "{";
    for (const std::string& code : request.services) {
      services += (services.size() > 1 ? "," : "") + std::string("\"") + code + "\"";
    }
    services += "}";
    return tx
        .exec_params(
            "INSERT INTO roster_exports (actor, actor_role, town, month, services, format, "
            "row_count, amount_fen, sha256, bytes, client) "
            "VALUES ($1, $2, $3, $4, $5::text[], $6, $7, $8, $9, $10, $11) RETURNING id",
            actor.name, std::string(OfficeRoleName(actor.role)), request.town, request.month,
            services, format, rows, roster->amount_fen, file.sha256,
            static_cast<int64_t>(file.bytes.size()), client.substr(0, 256))[0][0]
        .as<int64_t>();
  });
  if (!id.ok()) {
    Wipe(&file.bytes);
    return id.error();
  }
  file.export_id = *id;
  return file;
}

Result<std::vector<RosterExportRow>> ListRosterExports(PgPool& pool, const OfficeAccount& actor,
                                                       int limit) {
  if (Status may = MayExportRoster(actor); !may.ok()) return may.error();
  limit = std::clamp(limit, 1, 500);
  std::vector<RosterExportRow> out;
  Status status = pool.Run([&](pqxx::connection& c) {
    out.clear();
    pqxx::read_transaction tx(c);
    const std::string scope =
        IsCountyScope(tx, actor.scope) ? "true" : "town = " + tx.quote(actor.scope);
    for (const auto& row :
         tx.exec("SELECT id, " + SqlIsoUtc("at") +
                 ", actor, town, month, format, sha256, array_to_json(services)::text, row_count, "
                 "amount_fen, bytes FROM roster_exports WHERE " +
                 scope + " ORDER BY id DESC LIMIT " + std::to_string(limit))) {
      RosterExportRow one;
      one.id = row[0].as<int64_t>();
      one.at = row[1].as<std::string>();
      one.actor = row[2].as<std::string>();
      one.town = row[3].as<std::string>();
      one.month = row[4].as<std::string>();
      one.format = row[5].as<std::string>();
      one.sha256 = row[6].as<std::string>();
      one.services = json::parse(row[7].as<std::string>()).get<std::vector<std::string>>();
      one.rows = row[8].as<int64_t>();
      one.amount_fen = row[9].as<int64_t>();
      one.bytes = row[10].as<int64_t>();
      out.push_back(std::move(one));
    }
  });
  if (!status.ok()) return status.error();
  return out;
}

}  // namespace yimen::server
