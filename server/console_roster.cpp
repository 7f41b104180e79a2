// The subsidy roster in the console (console.h; docs/console.md "Subsidy roster"): the
// page /console/roster (town, month, services, a preview with totals, XLSX and CSV
// buttons, the export log) and its JSON twins under /api/office/v1/roster. Supervisors
// only; the rules and the audited export are in office_roster.h.
#include <algorithm>
#include <cstdlib>

#include "common/civil_time.h"
#include "common/wipe.h"
#include "server/console.h"
#include "server/console_call.h"
#include "server/office_roster.h"

namespace yimen::server {
namespace {

using nlohmann::json;

// The page shows this many people; the files always hold everyone.
constexpr size_t kPreviewRows = 500;
constexpr int kExportLogRows = 20;

// The services a roster can name: the catalog's, in its order.
json ServiceOptions(const Catalog* catalog, const std::vector<std::string>& chosen) {
  json out = json::array();
  if (catalog == nullptr) return out;
  for (const ServiceSpec& service : catalog->services) {
    const bool checked = std::find(chosen.begin(), chosen.end(), service.code) != chosen.end();
    out.push_back(json{{"code", service.code}, {"name", service.name.zh}, {"checked", checked}});
  }
  return out;
}

// "2026-12" of today in China: the month a clerk prepares by default.
std::string ThisMonth() { return FormatIsoDate(ChinaDateAt(UnixSecondsNow())).substr(0, 7); }

json EntryJson(const RosterEntry& entry) {
  return json{{"app_number", entry.app_number},
              {"service_code", entry.service_code},
              {"hall", entry.hall},
              {"community", entry.community},
              {"name", entry.name},
              {"id_number", entry.id_number},
              {"bank_name", entry.bank_name},
              {"account", entry.account},
              {"account_missing", entry.account_missing},
              {"amount_fen", entry.amount_fen},
              {"amount_yuan", FenAsYuan(entry.amount_fen)},
              {"start_month", entry.start_month}};
}

json TotalsJson(const Roster& roster) {
  json totals = json::array();
  for (const RosterServiceTotal& total : roster.totals) {
    totals.push_back(json{{"service_code", total.service_code},
                          {"service_name", total.service_name},
                          {"people", total.people},
                          {"amount_fen", total.amount_fen},
                          {"amount_yuan", FenAsYuan(total.amount_fen)},
                          {"accounts_missing", total.accounts_missing}});
  }
  return totals;
}

json ExportLogJson(const std::vector<RosterExportRow>& rows, const Catalog* catalog) {
  json out = json::array();
  for (const RosterExportRow& row : rows) {
    std::string services;
    for (const std::string& code : row.services) {
      const ServiceSpec* service = catalog ? catalog->FindService(code) : nullptr;
      services += (services.empty() ? "" : "、") + (service ? service->name.zh : code);
    }
    out.push_back(json{{"id", row.id},
                       {"at", row.at},
                       {"at_shown", ChinaTime(row.at)},
                       {"actor", row.actor},
                       {"town", row.town},
                       {"month", row.month},
                       {"services", row.services},
                       {"services_shown", services},
                       {"format", row.format},
                       {"rows", row.rows},
                       {"amount_fen", row.amount_fen},
                       {"amount_yuan", FenAsYuan(row.amount_fen)},
                       {"bytes", row.bytes},
                       {"sha256", row.sha256}});
  }
  return out;
}

RosterRequest RequestOf(const std::multimap<std::string, std::string>& form) {
  RosterRequest request;
  request.town = FormValue(form, "town");
  request.month = FormValue(form, "month");
  request.services = FormValues(form, "service");
  return request;
}

// The file as a download: RFC 6266 with an ASCII fallback name and the Chinese one as an
// RFC 5987 filename*; Cache-Control: no-store comes with every console reply.
ApiReply FileReply(RosterFile& file, const std::string& format, const std::string& month) {
  ApiReply reply;
  reply.status = 200;
  reply.content_type = file.content_type;
  reply.body = std::move(file.bytes);
  reply.headers.emplace_back("Content-Disposition", "attachment; filename=\"roster_" + month + "." +
                                                        format + "\"; filename*=UTF-8''" +
                                                        UrlEncode(file.file_name));
  reply.headers.emplace_back("X-Roster-Export-Id", std::to_string(file.export_id));
  reply.headers.emplace_back("X-Roster-SHA256", file.sha256);
  return reply;
}

// The roster's refusals are sentences of their own (a town outside the scope is not "no
// such application").
std::string RosterMessage(const ConsoleCall& call, const Error& error) {
  return error.kind == ErrorKind::kNotFound ? error.message : ShownMessage(call, error);
}

}  // namespace

ApiReply Console::RosterPage(ConsoleCall& call, const std::string& error, int status) {
  const OfficeAccount& who = call.session->account;
  json model = call.Model();
  if (Status may = MayExportRoster(who); !may.ok()) {
    model["message"] = call.T("roster_supervisors_only");
    return HtmlReply(403, RenderConsolePage("error.mustache", call.T("roster_title"), model));
  }
  const auto& source = call.request.method == "POST" ? call.form : call.params;
  RosterRequest request = RequestOf(source);
  if (request.month.empty()) request.month = ThisMonth();
  auto towns = RosterTowns(m_pool, who);
  if (!towns.ok()) {
    model["message"] = ShownMessage(call, towns.error());
    return HtmlReply(503, RenderConsolePage("error.mustache", call.T("roster_title"), model));
  }
  if (request.town.empty() && towns->size() == 1) request.town = towns->front();
  json town_options = json::array();
  for (const std::string& town : *towns) {
    town_options.push_back(json{{"name", town}, {"selected", town == request.town}});
  }
  model["towns"] = std::move(town_options);
  model["month"] = request.month;
  model["services"] = ServiceOptions(m_catalog.get(), request.services);
  model["error"] = error;
  model["key"] = KeyState();
  model["key_locked"] = m_vault.state() == KeyVault::State::kLocked;
  model["unlock_back"] = "/console/roster?" + call.query;
  const bool asked = !request.town.empty() && !request.services.empty();
  if (asked && error.empty()) {
    auto roster = BuildRoster(m_pool, m_vault, m_catalog.get(), who, request);
    if (!roster.ok()) {
      model["error"] = RosterMessage(call, roster.error());
      status = HttpStatusOf(roster.error().kind);
    } else {
      json rows = json::array();
      int64_t serial = 0;
      for (const RosterEntry& entry : roster->entries) {
        if (rows.size() >= kPreviewRows) break;
        json row = EntryJson(entry);
        row["serial"] = ++serial;
        for (const RosterServiceTotal& total : roster->totals) {
          if (total.service_code == entry.service_code) row["service_name"] = total.service_name;
        }
        rows.push_back(std::move(row));
      }
      model["preview"] = json{{"rows", std::move(rows)},
                              {"totals", TotalsJson(*roster)},
                              {"people", static_cast<int64_t>(roster->entries.size())},
                              {"amount_yuan", FenAsYuan(roster->amount_fen)},
                              {"accounts_missing", roster->accounts_missing},
                              {"has_missing", roster->accounts_missing > 0},
                              {"unopened", roster->unopened},
                              {"has_unopened", !roster->unopened.empty()},
                              {"truncated", roster->entries.size() > kPreviewRows},
                              {"empty", roster->entries.empty()}};
      std::vector<json> hidden;
      hidden.push_back(json{{"name", "town"}, {"value", request.town}});
      hidden.push_back(json{{"name", "month"}, {"value", request.month}});
      for (const std::string& code : request.services) {
        hidden.push_back(json{{"name", "service"}, {"value", code}});
      }
      model["export_fields"] = hidden;
      for (RosterEntry& entry : roster->entries) {
        Wipe(&entry.name);
        Wipe(&entry.id_number);
        Wipe(&entry.account);
      }
    }
  }
  auto log = ListRosterExports(m_pool, who, kExportLogRows);
  if (log.ok()) {
    model["exports"] = ExportLogJson(*log, m_catalog.get());
    model["no_exports"] = log->empty();
  }
  return HtmlReply(status, RenderConsolePage("roster.mustache", call.T("roster_title"), model));
}

ApiReply Console::RosterExportPost(ConsoleCall& call) {
  const std::string format = FormValue(call.form, "format");
  const RosterRequest request = RequestOf(call.form);
  auto file = ExportRoster(m_pool, m_vault, m_catalog.get(), call.session->account, request, format,
                           call.request.remote_addr);
  if (!file.ok()) {
    if (file.error().kind == ErrorKind::kRejected && file.error().code.empty()) {
      json model = call.Model();
      model["message"] = call.T("roster_supervisors_only");
      return HtmlReply(403, RenderConsolePage("error.mustache", call.T("roster_title"), model));
    }
    return RosterPage(call, RosterMessage(call, file.error()), HttpStatusOf(file.error().kind));
  }
  return FileReply(*file, format, request.month);
}

ApiReply Console::ApiRoster(ConsoleCall& call) {
  const OfficeAccount& who = call.session->account;
  if (Status may = MayExportRoster(who); !may.ok()) return ApiError(call, may.error());
  auto towns = RosterTowns(m_pool, who);
  if (!towns.ok()) return ApiError(call, towns.error());
  const RosterRequest request = RequestOf(call.params);
  json out{{"towns", *towns}, {"key", KeyState()}};
  if (request.town.empty() && request.month.empty() && request.services.empty()) {
    return JsonOut(200, out);
  }
  auto roster = BuildRoster(m_pool, m_vault, m_catalog.get(), who, request);
  if (!roster.ok()) return ApiError(call, roster.error());
  json rows = json::array();
  for (const RosterEntry& entry : roster->entries) rows.push_back(EntryJson(entry));
  out["town"] = request.town;
  out["month"] = request.month;
  out["services"] = request.services;
  out["rows"] = std::move(rows);
  out["totals"] = TotalsJson(*roster);
  out["people"] = static_cast<int64_t>(roster->entries.size());
  out["amount_fen"] = roster->amount_fen;
  out["accounts_missing"] = roster->accounts_missing;
  out["unopened"] = roster->unopened;
  return JsonOut(200, out);
}

ApiReply Console::ApiRosterExport(ConsoleCall& call) {
  if (!call.body.is_object()) {
    return JsonOut(415, json{{"error", "invalid"}, {"message", "send application/json"}});
  }
  RosterRequest request;
  request.town = call.body.value("town", "");
  request.month = call.body.value("month", "");
  if (auto it = call.body.find("services"); it != call.body.end() && it->is_array()) {
    for (const json& code : *it) {
      if (code.is_string()) request.services.push_back(code.get<std::string>());
    }
  }
  const std::string format = call.body.value("format", "");
  auto file = ExportRoster(m_pool, m_vault, m_catalog.get(), call.session->account, request, format,
                           call.request.remote_addr);
  if (!file.ok()) return ApiError(call, file.error());
  return FileReply(*file, format, request.month);
}

ApiReply Console::ApiRosterExports(ConsoleCall& call) {
  const std::string limit = FormValue(call.params, "limit");
  auto log = ListRosterExports(m_pool, call.session->account,
                               limit.empty() ? kExportLogRows : std::atoi(limit.c_str()));
  if (!log.ok()) return ApiError(call, log.error());
  return JsonOut(200, json{{"exports", ExportLogJson(*log, m_catalog.get())}});
}

}  // namespace yimen::server
