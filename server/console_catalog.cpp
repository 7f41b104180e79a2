// The console's catalog page (docs/console.md "Catalog publishing"): the version in force
// and the upcoming ones, an upload or a form for new standard amounts, the diff against the
// version in force, then publish. The rules are in office_catalog.h, shared with
// `yimen-admin publish-catalog`; this file is HTTP only.
#include <cctype>
#include <ctime>
#include <optional>

#include "common/civil_time.h"
#include "server/console.h"
#include "server/console_call.h"
#include "server/office_accounts.h"
#include "server/office_catalog.h"

namespace yimen::server {

namespace {

using nlohmann::json;

CivilDate TodayInChina() { return ChinaDateAt(static_cast<int64_t>(std::time(nullptr))); }

json RowJson(const CatalogVersionRow& row) {
  return json{{"version", row.version},
              {"effective_from", row.effective_from},
              {"state", row.state},
              {"uploaded_by", row.uploaded_by},
              {"published_by", row.published_by},
              {"published_at", row.published_at}};
}

CatalogActor ActorOf(const ConsoleCall& call) {
  return {call.session->account.name, OfficeRoleName(call.session->account.role),
          "console " + call.request.remote_addr};
}

bool MayPublish(const ConsoleCall& call) {
  return RoleMayRun(call.session->account.role, "console catalog");
}

ApiReply Forbidden(ConsoleCall& call) {
  if (call.api)
    return JsonOut(403, json{{"error", "refused"}, {"message", call.T("catalog_forbidden")}});
  json model = call.Model();
  model["message"] = call.T("catalog_forbidden");
  return HtmlReply(403, RenderConsolePage("error.mustache", call.T("catalog_forbidden"), model));
}

bool IsVersionWord(const std::string& text) {
  if (text.empty() || text.size() > 32) return false;
  for (char ch : text) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '-' && ch != '_')
      return false;
  }
  return true;
}

}  // namespace

Result<std::shared_ptr<const Catalog>> Console::CatalogInForce(std::string* version) {
  auto served = CatalogsServedOn(m_pool, TodayInChina());
  if (!served.ok()) return served.error();
  if (served->current) {
    *version = served->current->row.version;
    return CatalogOf(*version);
  }
  if (!m_catalog) return std::shared_ptr<const Catalog>();
  *version = m_catalog->version;
  return m_catalog;
}

json Console::CatalogChanges(ConsoleCall& call, const Catalog& next, std::string* against) {
  auto base = CatalogInForce(against);
  const Catalog* from = base.ok() && *base ? base->get() : nullptr;
  json changes = json::array();
  for (const CatalogChange& change : DiffCatalogs(from, next)) {
    changes.push_back(json{
        {"text", call.lang == "en" ? change.en : change.zh}, {"zh", change.zh}, {"en", change.en}});
  }
  return changes;
}

ApiReply Console::CatalogRoute(ConsoleCall& call) {
  if (!MayPublish(call)) return Forbidden(call);
  const std::string& method = call.request.method;
  const std::string& path = call.path;
  if (path == "/console/catalog" && method == "GET") return CatalogPage(call, "", "");
  if (path == "/console/catalog/upload" && method == "POST") return CatalogUploadPost(call);
  if (path == "/console/catalog/edit" && method == "POST") return CatalogEditPost(call);
  const std::string prefix = "/console/catalog/v/";
  if (path.rfind(prefix, 0) == 0) {
    const std::string rest = path.substr(prefix.size());
    const size_t slash = rest.find('/');
    const std::string version = rest.substr(0, slash);
    const std::string tail = slash == std::string::npos ? "" : rest.substr(slash + 1);
    if (tail.empty() && method == "GET") return CatalogVersionPage(call, version, "");
    if (tail == "publish" && method == "POST") {
      Status done = PublishCatalogDraft(m_pool, version, ActorOf(call));
      if (!done.ok()) {
        ApiReply reply = CatalogVersionPage(call, version, ShownMessage(call, done.error()));
        reply.status = HttpStatusOf(done.error().kind);
        return reply;
      }
      return Redirect("/console/catalog?published=" + UrlEncode(version));
    }
  }
  json model = call.Model();
  model["message"] = call.T("error_not_found");
  return HtmlReply(404, RenderConsolePage("error.mustache", call.T("error_not_found"), model));
}

ApiReply Console::CatalogPage(ConsoleCall& call, const std::string& error,
                              const std::string& uploaded) {
  json model = call.Model();
  const CivilDate today = TodayInChina();
  auto served = CatalogsServedOn(m_pool, today);
  auto versions = ListCatalogVersions(m_pool);
  if (!served.ok() || !versions.ok()) {
    model["message"] = call.T("error_unavailable");
    return HtmlReply(503, RenderConsolePage("error.mustache", call.T("error_unavailable"), model));
  }
  if (served->current) {
    model["current"] = RowJson(served->current->row);
    model["current"]["published_at"] = ChinaTime(served->current->row.published_at);
  }
  model["upcoming"] = json::array();
  for (const ServedCatalog& u : served->upcoming) model["upcoming"].push_back(RowJson(u.row));
  model["has_upcoming"] = !served->upcoming.empty();
  model["drafts"] = json::array();
  for (const CatalogVersionRow& row : *versions) {
    if (row.state == "draft") model["drafts"].push_back(RowJson(row));
  }
  model["has_drafts"] = !model["drafts"].empty();
  model["error"] = error;
  model["uploaded"] = uploaded;
  const std::string published = FormValue(call.params, "published");
  if (!published.empty()) {
    std::string notice = call.T("catalog_published");
    notice.replace(notice.find("{version}"), 9, published);
    model["notice"] = notice;
  }
  // The form edits the version in force (a published body to start from).
  if (served->current) {
    auto catalog = CatalogOf(served->current->row.version);
    if (catalog.ok()) {
      json edit{{"base", served->current->row.version},
                {"suggested_version", served->current->row.version + "-1"},
                {"suggested_effective", FormatIsoDate(today)},
                {"lines", json::array()}};
      for (const ServiceSpec& service : (*catalog)->services) {
        const auto lines = StandardsInForce(service, today);
        for (size_t i = 0; i < lines.size(); ++i) {
          const Standard& line = *lines[i];
          std::string label = call.lang == "en" ? line.region.en : line.region.zh;
          if (!line.tier.empty())
            label += " · " + (call.lang == "en" ? line.tier_label.en : line.tier_label.zh);
          edit["lines"].push_back(
              json{{"service", call.lang == "en" ? service.name.en : service.name.zh},
                   {"code", service.code},
                   {"index", i},
                   {"line", label},
                   {"amount", FormatYuan(line.amount_fen)},
                   {"unit", StandardUnitText(line.unit, call.lang != "en")}});
        }
      }
      model["edit"] = std::move(edit);
    }
  }
  return HtmlReply(error.empty() ? 200 : 400,
                   RenderConsolePage("catalog.mustache", call.T("catalog_title"), model));
}

ApiReply Console::CatalogVersionPage(ConsoleCall& call, const std::string& version,
                                     const std::string& error) {
  json model = call.Model();
  auto versions = ListCatalogVersions(m_pool, 1000);
  std::optional<CatalogVersionRow> row;
  if (versions.ok()) {
    for (const CatalogVersionRow& r : *versions) {
      if (r.version == version) row = r;
    }
  }
  auto catalog = row ? LoadCatalogVersion(m_pool, version)
                     : Result<Catalog>(MakeError(ErrorKind::kNotFound, ""));
  if (!row || !catalog.ok()) {
    model["message"] = call.T("error_not_found");
    return HtmlReply(404, RenderConsolePage("error.mustache", call.T("error_not_found"), model));
  }
  model["row"] = RowJson(*row);
  model["row"]["published_at"] = ChinaTime(row->published_at);
  model["state_label"] = call.T("catalog_state_" + row->state);
  model["is_draft"] = row->state == "draft";
  std::string against;
  model["changes"] = CatalogChanges(call, *catalog, &against);
  model["has_changes"] = !model["changes"].empty();
  model["against"] = against;
  model["error"] = error;
  return HtmlReply(error.empty() ? 200 : 400,
                   RenderConsolePage("catalog_version.mustache", call.T("catalog_title"), model));
}

ApiReply Console::CatalogUploadPost(ConsoleCall& call) {
  const std::string text = FormValue(call.form, "catalog");
  auto checked = CheckCatalogUpload(text);
  if (!checked.ok()) return CatalogPage(call, checked.error().message, text);
  auto saved = SaveCatalogDraft(m_pool, *checked, ActorOf(call));
  if (!saved.ok()) {
    ApiReply reply = CatalogPage(call, ShownMessage(call, saved.error()), text);
    reply.status = HttpStatusOf(saved.error().kind);
    return reply;
  }
  return Redirect("/console/catalog/v/" + UrlEncode(saved->version));
}

ApiReply Console::CatalogEditPost(ConsoleCall& call) {
  const std::string base = FormValue(call.form, "base");
  const std::string version = FormValue(call.form, "version");
  auto effective = ParseIsoDate(FormValue(call.form, "effective"));
  auto body = CatalogVersionBody(m_pool, base);
  auto catalog = CatalogOf(base);
  if (!IsVersionWord(version) || !effective.ok() || !body.ok() || !catalog.ok()) {
    return CatalogPage(call,
                       !IsVersionWord(version) ? "version: " + version
                       : !effective.ok()       ? "effective: " + effective.error().message
                                               : "base: " + base,
                       "");
  }
  const CivilDate today = TodayInChina();
  std::vector<StandardEdit> edits;
  for (const auto& [name, value] : call.form) {
    if (name.rfind("amount:", 0) != 0) continue;
    const size_t colon = name.find(':', 7);
    if (colon == std::string::npos) continue;
    const std::string code = name.substr(7, colon - 7);
    size_t index = 0;
    try {
      index = std::stoul(name.substr(colon + 1));
    } catch (const std::exception&) {
      continue;
    }
    const std::optional<int64_t> fen = ParseAmountFen(value);
    if (!fen) {
      std::string where = code;
      where += " [" + std::to_string(index) + "]: \"";
      where += value;
      where += '"';
      return CatalogPage(call, where, "");
    }
    edits.push_back({code, index, *fen});
  }
  auto edited = EditCatalogStandards(*body, version, *effective, today,
                                     FormValue(call.form, "source"), edits);
  if (!edited.ok()) return CatalogPage(call, edited.error().message, "");
  auto saved = SaveCatalogDraft(m_pool, *edited, ActorOf(call));
  if (!saved.ok()) {
    ApiReply reply = CatalogPage(call, ShownMessage(call, saved.error()), "");
    reply.status = HttpStatusOf(saved.error().kind);
    return reply;
  }
  return Redirect("/console/catalog/v/" + UrlEncode(saved->version));
}

ApiReply Console::ApiCatalogRoute(ConsoleCall& call, const std::string& path) {
  if (!MayPublish(call)) return Forbidden(call);
  const std::string& method = call.request.method;
  if (path == "catalogs" && method == "GET") {
    auto served = CatalogsServedOn(m_pool, TodayInChina());
    auto versions = ListCatalogVersions(m_pool);
    if (!served.ok()) return ApiError(call, served.error());
    if (!versions.ok()) return ApiError(call, versions.error());
    json out{{"current", served->current ? RowJson(served->current->row) : json(nullptr)},
             {"upcoming", json::array()},
             {"versions", json::array()}};
    for (const ServedCatalog& u : served->upcoming) out["upcoming"].push_back(RowJson(u.row));
    for (const CatalogVersionRow& row : *versions) out["versions"].push_back(RowJson(row));
    return JsonOut(200, out);
  }
  if (path == "catalogs" && method == "POST") {
    auto checked = CheckCatalogUpload(call.body.dump());
    if (!checked.ok()) return ApiError(call, checked.error());
    auto saved = SaveCatalogDraft(m_pool, *checked, ActorOf(call));
    if (!saved.ok()) return ApiError(call, saved.error());
    json out = RowJson(*saved);
    std::string against;
    out["changes"] = CatalogChanges(call, checked->catalog, &against);
    out["compared_with"] = against;
    return JsonOut(201, out);
  }
  const std::string prefix = "catalogs/";
  const std::string rest = path.substr(prefix.size());
  const size_t slash = rest.find('/');
  const std::string version = rest.substr(0, slash);
  const std::string tail = slash == std::string::npos ? "" : rest.substr(slash + 1);
  if (tail.empty() && method == "GET") {
    auto versions = ListCatalogVersions(m_pool, 1000);
    if (!versions.ok()) return ApiError(call, versions.error());
    for (const CatalogVersionRow& row : *versions) {
      if (row.version != version) continue;
      auto catalog = LoadCatalogVersion(m_pool, version);
      if (!catalog.ok()) return ApiError(call, catalog.error());
      json out = RowJson(row);
      std::string against;
      out["changes"] = CatalogChanges(call, *catalog, &against);
      out["compared_with"] = against;
      return JsonOut(200, out);
    }
    return ApiError(call, MakeError(ErrorKind::kNotFound, "no catalog version " + version));
  }
  if (tail == "publish" && method == "POST") {
    Status done = PublishCatalogDraft(m_pool, version, ActorOf(call));
    if (!done.ok()) return ApiError(call, done.error());
    return JsonOut(200, json{{"version", version}, {"state", "published"}});
  }
  return JsonOut(404, json{{"error", "not_found"}, {"message", "no such endpoint"}});
}

}  // namespace yimen::server
