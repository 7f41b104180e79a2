// The console's working pages and their JSON twins (console.h): the queue with its
// filters, counts and bulk actions; one application (opened with the vault) with its
// fields, household, signatures, photos, history and comments; the action and comment
// forms. Every change goes through ApplyOfficeAction / AddComment (office_workflow.h).
#include <algorithm>
#include <cstdlib>

#include "common/wipe.h"
#include "domain/civil_date.h"
#include "domain/eligibility.h"
#include "domain/form.h"
#include "server/admin.h"
#include "server/console.h"
#include "server/console_call.h"
#include "server/decision_delivery.h"
#include "sync/protocol/status.h"

namespace yimen::server {
namespace {

using nlohmann::json;
using Params = std::multimap<std::string, std::string>;

constexpr int kQueuePageRows = 50;
constexpr int kBulkMax = 200;

std::string Localized(const LocalizedText& text, const std::string& lang) {
  return lang == "en" ? text.en : text.zh;
}

// An explanation line of the self-check in the kiosk's own words
// (assets/strings/eligibility.<lang>.json, compiled in), placeholders filled.
std::string SelfCheckLineText(const ExplanationLine& line, const std::string& lang) {
  static const json zh = json::parse(*ConsoleAsset("eligibility.zh-CN.json"), nullptr, false);
  static const json en = json::parse(*ConsoleAsset("eligibility.en.json"), nullptr, false);
  const json& strings = lang == "en" ? en : zh;
  return FillPlaceholders(strings.is_object() ? strings.value(line.key, line.key) : line.key,
                          line.params);
}

// The name fields hall staff entered for the resident (ApplicationDraft::assisted, checked
// by the re-validation): the field's label (with the member's number) and the staff account.
json AssistedJson(const ServiceSpec& service, const ApplicationDraft& draft,
                  const std::string& lang) {
  json list = json::array();
  for (const AssistedField& mark : draft.assisted) {
    const GroupSpec* group = mark.group.empty() ? nullptr : service.FindGroup(mark.group);
    const FieldSpec* field =
        group != nullptr ? group->FindField(mark.field) : service.FindField(mark.field);
    std::string label = field != nullptr ? Localized(field->label, lang) : mark.field;
    if (group != nullptr) label += " (" + std::to_string(mark.index + 1) + ")";
    list.push_back(json{{"field", label}, {"staff", mark.staff}});
  }
  return list;
}

// The recomputed self-check (OpenedApplication::self_check) for the page and the API:
// each case with the answers it assumes (ids and, for people, the question and option
// in `lang`), its verdict and its lines (key, params and text).
json SelfCheckJson(const OpenedApplication& opened, const ServiceSpec* service, ConsoleCall& call) {
  const std::string& lang = call.lang;
  json cases = json::array();
  for (const SelfCheckCase& one : opened.self_check) {
    json assumed = json::object();
    json assumed_shown = json::array();
    for (const auto& [id, value] : one.assumed) {
      assumed[id] = value;
      const FieldSpec* question =
          service && service->eligibility ? service->eligibility->FindQuestion(id) : nullptr;
      std::string answer = value;
      if (question != nullptr) {
        for (const ChoiceOption& option : question->options) {
          if (option.value == value) answer = Localized(option.label, lang);
        }
        if (question->type == FieldType::kYesNo) answer = call.T("selfcheck_" + value);
      }
      assumed_shown.push_back(
          json{{"question", question ? Localized(question->label, lang) : id}, {"answer", answer}});
    }
    json lines = json::array();
    for (const ExplanationLine& line : one.result.lines) {
      lines.push_back(json{
          {"key", line.key}, {"params", line.params}, {"text", SelfCheckLineText(line, lang)}});
    }
    const std::string verdict(VerdictName(one.result.verdict));
    cases.push_back(json{{"verdict", verdict},
                         {"verdict_text", call.T("selfcheck_verdict_" + verdict)},
                         {"assumed", std::move(assumed)},
                         {"assumed_shown", std::move(assumed_shown)},
                         {"lines", std::move(lines)}});
  }
  return json{{"recomputed", !opened.self_check.empty()},
              {"catalog_version", opened.catalog_version},
              {"date", opened.self_check_date},
              {"note", opened.self_check_note},
              {"cases", std::move(cases)}};
}

// The queue filter of a query string (pages and API alike).
QueueFilter FilterOf(const Params& params) {
  QueueFilter filter;
  for (const std::string& status : FormValues(params, "status")) {
    filter.statuses.push_back(status == protocol::kStatusDelivered ? "" : status);
  }
  filter.service_code = FormValue(params, "service");
  filter.hall = FormValue(params, "hall");
  filter.town = FormValue(params, "town");
  filter.received_from = FormValue(params, "from");
  filter.received_to = FormValue(params, "to");
  filter.overdue_only = FormValue(params, "overdue") == "1";
  return filter;
}

// The filter as a query string again (paging links keep it).
std::string QueryOf(const QueueFilter& filter) {
  std::string out;
  const auto add = [&](const char* name, const std::string& value) {
    if (value.empty()) return;
    out += (out.empty() ? "" : "&") + std::string(name) + "=" + UrlEncode(value);
  };
  for (const std::string& status : filter.statuses) {
    add("status", status.empty() ? protocol::kStatusDelivered : status);
  }
  add("service", filter.service_code);
  add("hall", filter.hall);
  add("town", filter.town);
  add("from", filter.received_from);
  add("to", filter.received_to);
  if (filter.overdue_only) add("overdue", "1");
  return out;
}

// The vault was locked (it may lock between the state check and the opening):
// KeyVault::OpeningKeys's refusal, kRejected starting "key locked".
bool IsKeyLocked(const Error& error) { return error.code == KeyVault::kKeyLockedCode; }

json RowJson(const QueueRow& row) {
  return json{{"app_number", row.app_number},
              {"service_code", row.service_code},
              {"hall", row.hall},
              {"town", row.town},
              {"received_at", row.received_at},
              {"status", row.status},
              {"status_at", row.status_at},
              {"due_date", row.due_date},
              {"working_days_left", row.working_days_left},
              {"overdue", row.overdue},
              {"notice_until", row.notice_until},
              {"department", row.department},
              {"visit_number", row.visit_number}};
}

OfficeActionRequest ActionFromForm(const Params& form, const std::string& number) {
  OfficeActionRequest request;
  request.app_number = number;
  request.action = FormValue(form, "action");
  request.materials = FormValues(form, "materials");
  request.note = FormValue(form, "note");
  const std::string amount = FormValue(form, "amount");
  request.amount_yuan = amount.empty() ? 0 : std::strtoll(amount.c_str(), nullptr, 10);
  if (!amount.empty() && request.amount_yuan <= 0) request.amount_yuan = -1;
  request.start_month = FormValue(form, "start_month");
  request.department = FormValue(form, "department");
  request.due_date = FormValue(form, "due_date");
  request.expected_status = FormValue(form, "expected_status");
  return request;
}

OfficeActionRequest ActionFromJson(const json& body, const std::string& number) {
  OfficeActionRequest request;
  request.app_number = number;
  request.action = body.value("action", "");
  if (auto it = body.find("materials"); it != body.end() && it->is_array()) {
    for (const auto& m : *it) {
      if (m.is_string()) request.materials.push_back(m.get<std::string>());
    }
  }
  request.note = body.value("note", "");
  if (auto it = body.find("amount_yuan"); it != body.end() && it->is_number_integer()) {
    request.amount_yuan = it->get<int64_t>();
  }
  request.start_month = body.value("start_month", "");
  request.department = body.value("department", "");
  request.due_date = body.value("due_date", "");
  request.expected_status = body.value("expected_status", "");
  return request;
}

// A signature's strokes ("x,y x,y" a line, 0..1000) as SVG polyline point lists; only
// digits, '.', ',', '-' and spaces survive, so nothing of the payload becomes markup.
json SignatureLines(const std::string& strokes) {
  json lines = json::array();
  size_t at = 0;
  while (at < strokes.size() && lines.size() < 2000) {
    size_t end = strokes.find('\n', at);
    if (end == std::string::npos) end = strokes.size();
    std::string points;
    for (size_t i = at; i < end; ++i) {
      const char ch = strokes[i];
      if ((ch >= '0' && ch <= '9') || ch == '.' || ch == ',' || ch == '-' || ch == ' ') {
        points.push_back(ch);
      }
    }
    if (!points.empty()) lines.push_back(json{{"points", points}});
    at = end + 1;
  }
  return lines;
}

// One field's value as the resident entered it, in the page's words: choices by their
// label, yes/no, signatures drawn, photos linked.
json FieldView(const FieldSpec& field, const std::string& value, const json& attachments,
               const std::string& number, const std::string& lang) {
  json view{{"label", Localized(field.label, lang)}, {"value", value}};
  if (value.empty()) {
    view["empty"] = true;
    return view;
  }
  switch (field.type) {
    case FieldType::kChoice:
    case FieldType::kMultiChoice: {
      std::string shown;
      for (const ChoiceOption& option : field.options) {
        const bool chosen =
            field.type == FieldType::kChoice
                ? option.value == value
                : ("," + value + ",").find("," + option.value + ",") != std::string::npos;
        if (chosen) shown += (shown.empty() ? "" : "、") + Localized(option.label, lang);
      }
      view["value"] = shown.empty() ? value : shown;
      break;
    }
    case FieldType::kYesNo: view["value"] = ConsoleText(lang, value == kYes ? "yes" : "no"); break;
    case FieldType::kSignature: {
      const auto it = attachments.find(value);
      if (it != attachments.end() && it->is_string()) {
        view["signature"] = json{{"lines", SignatureLines(it->get<std::string>())}};
      }
      break;
    }
    case FieldType::kPhoto:
      view["photo"] =
          json{{"url", "/console/app/" + UrlEncode(number) + "/photo?id=" + UrlEncode(value)}};
      break;
    default: break;
  }
  return view;
}

json HistoryJson(const ApplicationDetail& detail) {
  json history = json::array();
  for (const auto& entry : detail.history) {
    history.push_back(json{
        {"seq", entry.seq},
        {"at", entry.at},
        {"actor", entry.actor},
        {"old_status", entry.old_status.empty() ? protocol::kStatusDelivered : entry.old_status},
        {"new_status", entry.new_status},
        {"note", entry.note},
        {"details", entry.details.is_null() ? "" : entry.details.dump()}});
  }
  return history;
}

json CommentsJson(const ApplicationDetail& detail) {
  json comments = json::array();
  for (const auto& comment : detail.comments) {
    comments.push_back(
        json{{"at", comment.at}, {"author", comment.author}, {"text", comment.text}});
  }
  return comments;
}

}  // namespace

Result<std::shared_ptr<const Catalog>> Console::CatalogOf(const std::string& version) {
  if (!version.empty()) {
    auto found = m_catalogs.Find(version);
    if (found.ok()) return found;
    if (found.error().kind != ErrorKind::kNotFound) return found.error();
  }
  if (m_catalog) return m_catalog;
  return MakeError(ErrorKind::kNotFound, "catalog version " + version + " is unknown");
}

ApiReply Console::QueuePage(ConsoleCall& call) {
  const QueueFilter filter = FilterOf(call.params);
  const std::string cursor = FormValue(call.params, "cursor");
  json model = call.Model();
  auto page =
      QueryQueueWithStatusCounts(m_pool, call.session->account, filter, cursor, kQueuePageRows);
  if (!page.ok()) {
    model["error"] = ShownMessage(call, page.error());
  } else {
    json rows = json::array();
    for (const QueueRow& row : page->rows) {
      json view = RowJson(row);
      const ServiceSpec* service = m_catalog ? m_catalog->FindService(row.service_code) : nullptr;
      view["service_name"] = service ? Localized(service->name, call.lang) : row.service_code;
      view["status_shown"] = row.status.empty() ? protocol::kStatusDelivered : row.status;
      view["url"] = "/console/app/" + UrlEncode(row.app_number);
      view["received_at"] = ChinaTime(row.received_at);
      view["days_left_shown"] =
          row.due_date.empty() ? std::string("—") : std::to_string(row.working_days_left);
      rows.push_back(std::move(view));
    }
    model["rows"] = std::move(rows);
    model["empty"] = page->rows.empty();
    model["total"] = std::to_string(page->total);
    model["overdue_total"] = std::to_string(page->overdue);
    if (!page->next_cursor.empty()) {
      const std::string base = QueryOf(filter);
      model["next_url"] = "/console/queue?" + base + (base.empty() ? "" : "&") +
                          "cursor=" + UrlEncode(page->next_cursor);
    }
    if (!cursor.empty()) model["first_url"] = "/console/queue?" + QueryOf(filter);
  }
  // The status boxes, each with its count under the other filters: one grouped count
  // for all of them, in the page's own query (docs/benchmarks.md "Office console").
  json statuses = json::array();
  std::vector<std::string> names{protocol::kStatusDelivered};
  for (const auto& spec : protocol::AllStatuses()) names.push_back(spec.name);
  for (const std::string& name : names) {
    const std::string stored = name == protocol::kStatusDelivered ? "" : name;
    const bool checked =
        std::find(filter.statuses.begin(), filter.statuses.end(), stored) != filter.statuses.end();
    std::string count = "?";
    if (page.ok()) {
      const auto it = page->by_status.find(stored);
      count = std::to_string(it == page->by_status.end() ? 0 : it->second);
    }
    statuses.push_back(json{{"name", name}, {"checked", checked}, {"count", count}});
  }
  model["statuses"] = std::move(statuses);
  json services = json::array();
  json towns = json::array();
  if (m_catalog) {
    for (const ServiceSpec& service : m_catalog->services) {
      services.push_back(json{{"code", service.code},
                              {"name", Localized(service.name, call.lang)},
                              {"selected", service.code == filter.service_code}});
    }
    for (const Town& town : m_catalog->region.towns) {
      towns.push_back(json{{"name", town.name.zh}, {"selected", town.name.zh == filter.town}});
    }
  }
  model["services"] = std::move(services);
  model["towns"] = std::move(towns);
  model["filter"] = json{{"hall", filter.hall},
                         {"from", filter.received_from},
                         {"to", filter.received_to},
                         {"overdue", filter.overdue_only},
                         {"query", QueryOf(filter)}};
  json actions = json::array();
  for (const char* action : {"accept", "preliminary_pass", "close"}) {
    actions.push_back(json{{"value", action}, {"label", call.T(std::string("action_") + action)}});
  }
  model["bulk_actions"] = std::move(actions);
  if (const std::string done = FormValue(call.params, "bulk"); !done.empty()) {
    model["notice"] = call.T("bulk_done") + done;
  }
  return HtmlReply(page.ok() ? 200 : HttpStatusOf(page.error().kind),
                   RenderConsolePage("queue.mustache", call.T("queue_title"), model));
}

ApiReply Console::BulkPost(ConsoleCall& call) {
  OfficeActionRequest request = ActionFromForm(call.form, "");
  const std::vector<std::string> selected = FormValues(call.form, "selected");
  const bool all = FormValue(call.form, "scope") == "filtered";
  const Params filter_params = ParseForm(FormValue(call.form, "filter"));
  auto catalog = CatalogOf("");
  int ok = 0;
  int failed = 0;
  if (catalog.ok() && all) {
    auto results =
        ApplyOfficeActionToAll(m_pool, **catalog, call.session->account, FilterOf(filter_params),
                               request, kBulkMax, call.request.remote_addr);
    if (results.ok()) {
      for (const auto& [number, status] : *results) (status.ok() ? ok : failed)++;
    } else {
      failed = 1;
    }
  } else if (catalog.ok()) {
    for (const std::string& number : selected) {
      request.app_number = number;
      auto done = ApplyOfficeAction(m_pool, **catalog, call.session->account, request,
                                    call.request.remote_addr);
      (done.ok() ? ok : failed)++;
    }
  }
  const std::string base = FormValue(call.form, "filter");
  return Redirect("/console/queue?" + base + (base.empty() ? "" : "&") +
                  "bulk=" + UrlEncode(std::to_string(ok) + " / " + std::to_string(ok + failed)));
}

// The application's visit (docs/internals/visits.md): its number, its size, the other
// applications the viewer may see, and how many others are handled out of its scope.
json Console::VisitJson(ConsoleCall& call, const ApplicationDetail& detail) const {
  json others = json::array();
  for (const ApplicationDetail::VisitMember& member : detail.visit_others) {
    const ServiceSpec* service = m_catalog ? m_catalog->FindService(member.service_code) : nullptr;
    others.push_back(
        json{{"app_number", member.app_number},
             {"service_name", service ? Localized(service->name, call.lang) : member.service_code},
             {"status_shown", member.status.empty() ? protocol::kStatusDelivered : member.status},
             {"url", "/console/app/" + UrlEncode(member.app_number)}});
  }
  const std::map<std::string, std::string> size{{"n", std::to_string(detail.visit_size)}};
  json visit{{"number", detail.row.visit_number},
             {"size_text", FillPlaceholders(call.T("visit_size"), size)},
             {"has_others", !others.empty()},
             {"others", others}};
  if (detail.visit_hidden > 0) {
    visit["hidden_text"] =
        FillPlaceholders(call.T("visit_hidden"), {{"n", std::to_string(detail.visit_hidden)}});
  }
  return visit;
}

json Console::ApplicationModel(ConsoleCall& call, const ApplicationDetail& detail, json* problem) {
  const std::string& lang = call.lang;
  json model = call.Model();
  const QueueRow& row = detail.row;
  model["app"] = RowJson(row);
  model["app"]["status_shown"] = row.status.empty() ? protocol::kStatusDelivered : row.status;
  model["app"]["url"] = "/console/app/" + UrlEncode(row.app_number);
  model["app"]["received_at"] = ChinaTime(row.received_at);
  model["app"]["catalog_version"] = detail.catalog_version;
  model["app"]["kiosk_code"] = detail.kiosk_code;
  model["app"]["device_id"] = std::to_string(detail.device_id);
  auto catalog = CatalogOf(detail.catalog_version);
  const ServiceSpec* service = catalog.ok() ? (*catalog)->FindService(row.service_code) : nullptr;
  model["history"] = HistoryJson(detail);
  for (size_t i = 0; i < detail.history.size(); ++i) {
    json& entry = model["history"][i];
    entry["at"] = ChinaTime(entry["at"]);
    // A 转办 names its department and the date it is due back.
    const json& details = detail.history[i].details;
    if (details.is_object() && details.contains("department") && details.contains("due_date")) {
      entry["route_department"] = details.value("department", "");
      entry["route_due"] = details.value("due_date", "");
    }
    // A 需补正 names the materials asked for, in the page's language where the catalog
    // still has them, else as recorded (Chinese).
    if (details.is_object() && details.contains("material_names")) {
      std::vector<std::string> names = details.value("material_names", std::vector<std::string>{});
      const std::vector<std::string> ids = details.value("materials", std::vector<std::string>{});
      for (size_t m = 0; service != nullptr && m < ids.size() && m < names.size(); ++m) {
        for (const Material& material : service->materials) {
          if (material.id == ids[m]) names[m] = Localized(material.name, lang);
        }
      }
      std::string joined;
      for (const std::string& name : names) joined += (joined.empty() ? "" : "、") + name;
      entry["materials"] = joined;
    }
  }
  model["comments"] = CommentsJson(detail);
  for (auto& comment : model["comments"]) comment["at"] = ChinaTime(comment["at"]);
  model["app"]["service_name"] = service ? Localized(service->name, lang) : row.service_code;
  if (!row.visit_number.empty()) model["visit"] = VisitJson(call, detail);

  // The actions the viewer may take, each with its form's fields.
  json actions = json::array();
  for (const std::string& action : detail.allowed_actions) {
    json view{{"action", action}, {"label", call.T("action_" + action)}, {"is_" + action, true}};
    if (action == "needs_materials" && service != nullptr) {
      json materials = json::array();
      for (const Material& material : service->materials) {
        materials.push_back(json{{"id", material.id}, {"name", Localized(material.name, lang)}});
      }
      view["materials"] = std::move(materials);
    }
    actions.push_back(std::move(view));
  }
  model["actions"] = std::move(actions);

  const KeyVault::State state = m_vault.state();
  if (state == KeyVault::State::kLocked) {
    model["locked"] = true;
    return model;
  }
  auto opened = OpenApplication(m_pool, m_vault, row.app_number, &m_catalogs);
  if (!opened.ok()) {
    if (IsKeyLocked(opened.error())) {
      model["locked"] = true;
    } else {
      model["open_error"] = ShownMessage(call, opened.error());
      if (problem != nullptr) *problem = json{{"message", opened.error().message}};
    }
    return model;
  }
  model["opened"] = true;
  model["app"]["validated"] = opened->validated;
  model["app"]["validation_note"] = opened->validation_note;
  model["self_check"] = SelfCheckJson(*opened, service, call);
  const json& payload = opened->payload;
  model["app"]["delivery"] = DecisionDeliveryLine(service, payload, lang);
  const json attachments = payload.value("attachments", json::object());
  const json values = payload.value("values", json::object());
  const json groups = payload.value("groups", json::object());
  json steps = json::array();
  if (service != nullptr) {
    for (const StepSpec& step : service->form.steps) {
      json view{{"title", Localized(step.title, lang)}};
      if (step.group) {
        json columns = json::array();
        for (const FieldSpec& field : step.group->fields) {
          columns.push_back(json{{"label", Localized(field.label, lang)}});
        }
        json items = json::array();
        if (auto list = groups.find(step.group->id); list != groups.end() && list->is_array()) {
          for (const json& item : *list) {
            json cells = json::array();
            for (const FieldSpec& field : step.group->fields) {
              cells.push_back(
                  FieldView(field, item.value(field.id, ""), attachments, row.app_number, lang));
            }
            items.push_back(json{{"cells", std::move(cells)}});
          }
        }
        const bool none = items.empty();  // before items is moved from
        view["group"] =
            json{{"columns", std::move(columns)}, {"items", std::move(items)}, {"none", none}};
      } else {
        json fields = json::array();
        for (const FieldSpec& field : step.fields) {
          fields.push_back(
              FieldView(field, values.value(field.id, ""), attachments, row.app_number, lang));
        }
        view["fields"] = std::move(fields);
      }
      steps.push_back(std::move(view));
    }
    // The means test as the resident's self-check saw it, against the standard in
    // force where and when they applied.
    auto draft = DraftFromJson(payload);
    if (draft.ok()) model["assisted"] = AssistedJson(*service, *draft, lang);
    if (draft.ok() && service->means_test) {
      auto income = PerCapitaMonthlyIncomeFen(*service, *draft);
      if (income.ok()) model["income"] = FormatYuan(*income);
    }
    json standards = json::array();
    for (const Standard& standard : service->standards) {
      standards.push_back(json{
          {"region", Localized(standard.region, lang)},
          {"amount", FormatYuan(standard.amount_fen)},
          {"unit", call.T(std::string("unit_") + std::string(StandardUnitName(standard.unit)))},
          {"effective", FormatIsoDate(standard.effective)},
          {"source", Localized(standard.source, lang)},
          {"tier", Localized(standard.tier_label, lang)}});
    }
    model["standards"] = std::move(standards);
  }
  model["steps"] = std::move(steps);
  Wipe(&opened->sealed.payload);
  return model;
}

ApiReply Console::ApplicationPage(ConsoleCall& call, const std::string& number, const json& form) {
  auto detail = LoadApplicationDetail(m_pool, call.session->account, number);
  if (!detail.ok()) {
    json model = call.Model();
    model["message"] = ShownMessage(call, detail.error());
    return HtmlReply(HttpStatusOf(detail.error().kind),
                     RenderConsolePage("error.mustache", model["message"], model));
  }
  json model = ApplicationModel(call, *detail, nullptr);
  model["back"] = UrlEncode("/console/app/" + UrlEncode(detail->row.app_number));
  model["unlock_back"] = "/console/app/" + UrlEncode(detail->row.app_number);
  model["form"] = form;
  if (form.contains("error")) {
    for (auto& action : model["actions"]) {
      if (action["action"] != form.value("action", "")) continue;
      action["error"] = form["error"];
      action["open"] = true;
      // The ticks come back as they were sent.
      if (action.contains("materials")) {
        json materials = action["materials"];
        for (auto& material : materials) {
          const json& sent = form.value("materials", json::array());
          material["checked"] = std::find(sent.begin(), sent.end(), material["id"]) != sent.end();
        }
        action["materials"] = std::move(materials);
      }
    }
  }
  if (FormValue(call.params, "done") == "1") model["notice"] = call.T("saved");
  return HtmlReply(form.contains("error") ? form.value("status", 400) : 200,
                   RenderConsolePage("application.mustache", detail->row.app_number, model));
}

ApiReply Console::ActionPost(ConsoleCall& call, const std::string& number) {
  OfficeActionRequest request = ActionFromForm(call.form, number);
  auto detail = LoadApplicationDetail(m_pool, call.session->account, number);
  if (!detail.ok()) return ApplicationPage(call, number, json::object());
  auto catalog = CatalogOf(detail->catalog_version);
  Result<OfficeActionResult> done =
      catalog.ok() ? ApplyOfficeAction(m_pool, **catalog, call.session->account, request,
                                       call.request.remote_addr)
                   : Result<OfficeActionResult>(catalog.error());
  if (done.ok()) return Redirect("/console/app/" + UrlEncode(number) + "?done=1");
  // Back to the page with the message beside the form and everything typed kept.
  json form{{"action", request.action},
            {"error", ShownMessage(call, done.error())},
            {"status", HttpStatusOf(done.error().kind)},
            {"note", request.note},
            {"amount", FormValue(call.form, "amount")},
            {"start_month", request.start_month},
            {"department", request.department},
            {"due_date", request.due_date},
            {"materials", request.materials}};
  return ApplicationPage(call, number, form);
}

ApiReply Console::CommentPost(ConsoleCall& call, const std::string& number) {
  const std::string text = FormValue(call.form, "text");
  const Status done = AddComment(m_pool, call.session->account, number, text);
  if (done.ok()) return Redirect("/console/app/" + UrlEncode(number) + "?done=1");
  return ApplicationPage(call, number,
                         json{{"action", "comment"},
                              {"comment_error", ShownMessage(call, done.error())},
                              {"error", ShownMessage(call, done.error())},
                              {"status", HttpStatusOf(done.error().kind)},
                              {"comment", text}});
}

ApiReply Console::Photo(ConsoleCall& call, const std::string& number,
                        const std::string& attachment_id) {
  // Scope first: out of scope is the same 404 as a missing number.
  auto detail = LoadApplicationDetail(m_pool, call.session->account, number);
  if (!detail.ok()) return ApiError(call, detail.error());
  auto plain = ReadAttachmentPlaintext(m_pool, m_vault, detail->row.app_number, attachment_id);
  if (!plain.ok()) return ApiError(call, plain.error());
  ApiReply reply;
  reply.content_type = "image/jpeg";
  reply.body = std::move(*plain);
  return reply;
}

ApiReply Console::ApiQueue(ConsoleCall& call) {
  const std::string limit_text = FormValue(call.params, "limit");
  const int limit = limit_text.empty() ? kQueuePageRows : std::atoi(limit_text.c_str());
  auto page = QueryQueue(m_pool, call.session->account, FilterOf(call.params),
                         FormValue(call.params, "cursor"), limit);
  if (!page.ok()) return ApiError(call, page.error());
  json rows = json::array();
  for (const QueueRow& row : page->rows) rows.push_back(RowJson(row));
  return JsonOut(200, json{{"rows", std::move(rows)},
                           {"next_cursor", page->next_cursor},
                           {"total", page->total},
                           {"overdue", page->overdue}});
}

ApiReply Console::ApiApplication(ConsoleCall& call, const std::string& number) {
  auto detail = LoadApplicationDetail(m_pool, call.session->account, number);
  if (!detail.ok()) return ApiError(call, detail.error());
  json out{{"row", RowJson(detail->row)},
           {"catalog_version", detail->catalog_version},
           {"device_id", detail->device_id},
           {"kiosk_code", detail->kiosk_code},
           {"history", HistoryJson(*detail)},
           {"comments", CommentsJson(*detail)},
           {"allowed_actions", detail->allowed_actions},
           {"key", KeyState()}};
  if (!detail->row.visit_number.empty()) {
    json others = json::array();
    for (const auto& member : detail->visit_others) {
      others.push_back(json{{"app_number", member.app_number},
                            {"service_code", member.service_code},
                            {"status", member.status}});
    }
    out["visit"] = json{{"visit_number", detail->row.visit_number},
                        {"visit_size", detail->visit_size},
                        {"others", std::move(others)},
                        {"others_out_of_scope", detail->visit_hidden}};
  }
  if (m_vault.state() != KeyVault::State::kLocked) {
    auto opened = OpenApplication(m_pool, m_vault, detail->row.app_number, &m_catalogs);
    if (opened.ok()) {
      out["payload"] = opened->payload;
      out["validated"] = opened->validated;
      out["validation_note"] = opened->validation_note;
      auto catalog = CatalogOf(detail->catalog_version);
      out["self_check"] = SelfCheckJson(
          *opened, catalog.ok() ? (*catalog)->FindService(detail->row.service_code) : nullptr,
          call);
      Wipe(&opened->sealed.payload);
    } else if (!IsKeyLocked(opened.error())) {
      out["open_error"] = opened.error().message;
    }
  }
  return JsonOut(200, out);
}

ApiReply Console::ApiAction(ConsoleCall& call, const std::string& number) {
  auto detail = LoadApplicationDetail(m_pool, call.session->account, number);
  if (!detail.ok()) return ApiError(call, detail.error());
  auto catalog = CatalogOf(detail->catalog_version);
  if (!catalog.ok()) return ApiError(call, catalog.error());
  auto done = ApplyOfficeAction(m_pool, **catalog, call.session->account,
                                ActionFromJson(call.body, number), call.request.remote_addr);
  if (!done.ok()) return ApiError(call, done.error());
  return JsonOut(
      200,
      json{{"seq", done->seq}, {"old_status", done->old_status}, {"new_status", done->new_status}});
}

ApiReply Console::ApiComment(ConsoleCall& call, const std::string& number) {
  const Status done =
      AddComment(m_pool, call.session->account, number, call.body.value("text", ""));
  if (!done.ok()) return ApiError(call, done.error());
  ApiReply reply;
  reply.status = 204;
  return reply;
}

ApiReply Console::ApiBulk(ConsoleCall& call) {
  auto catalog = CatalogOf("");
  if (!catalog.ok()) return ApiError(call, catalog.error());
  Params filter_params;
  if (auto filter = call.body.find("filter"); filter != call.body.end() && filter->is_object()) {
    for (auto it = filter->begin(); it != filter->end(); ++it) {
      if (it->is_string()) filter_params.emplace(it.key(), it->get<std::string>());
      if (it->is_boolean() && it->get<bool>()) filter_params.emplace(it.key(), "1");
      if (it->is_array()) {
        for (const auto& v : *it) {
          if (v.is_string()) filter_params.emplace(it.key(), v.get<std::string>());
        }
      }
    }
  }
  const int max = call.body.value("max", kBulkMax);
  auto results =
      ApplyOfficeActionToAll(m_pool, **catalog, call.session->account, FilterOf(filter_params),
                             ActionFromJson(call.body, ""), max, call.request.remote_addr);
  if (!results.ok()) return ApiError(call, results.error());
  json out = json::array();
  for (const auto& [number, status] : *results) {
    out.push_back(status.ok() ? json{{"app_number", number}, {"ok", true}}
                              : json{{"app_number", number},
                                     {"ok", false},
                                     {"message", ShownMessage(call, status.error())}});
  }
  return JsonOut(200, json{{"results", std::move(out)}});
}

}  // namespace yimen::server
