// Catalog publishing (see office_catalog.h).
#include "server/office_catalog.h"

#include <map>
#include <set>
#include <utility>

#include <pqxx/pqxx>

#include "domain/catalog_versions.h"
#include "domain/json_limits.h"

namespace yimen::server {

namespace {

using nlohmann::json;

constexpr const char* kRowColumns =
    "seq, version, effective_from::text, state, uploaded_by, published_by, "
    "coalesce(to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '')";

CatalogVersionRow RowFrom(const pqxx::row& r) {
  CatalogVersionRow row;
  row.seq = r[0].as<int64_t>();
  row.version = r[1].as<std::string>();
  row.effective_from = r[2].as<std::string>();
  row.state = r[3].as<std::string>();
  row.uploaded_by = r[4].as<std::string>();
  row.published_by = r[5].as<std::string>();
  row.published_at = r[6].as<std::string>();
  return row;
}

void Audit(pqxx::work& tx, const CatalogActor& by, const char* action, const std::string& version,
           const std::string& detail) {
  tx.exec_params(
      "INSERT INTO catalog_audit (actor, actor_role, action, version, client, detail) "
      "VALUES ($1, $2, $3, $4, $5, $6)",
      by.name, by.role, action, version, by.client, detail);
}

std::string Label(const LocalizedText& text, bool zh) { return zh ? text.zh : text.en; }

// "低保" or "低保（城镇，90至99周岁）": a service's standard line as a clerk names it.
std::string LineName(const ServiceSpec& service, const Standard& line, bool zh) {
  std::string name = Label(service.name, zh) + (zh ? " 标准" : " standard");
  std::string detail = Label(line.region, zh);
  if (!line.tier.empty()) detail += (zh ? "，" : ", ") + Label(line.tier_label, zh);
  if (!detail.empty()) name += zh ? "（" + detail + "）" : " (" + detail + ")";
  return name;
}

// The line of `service` that `line` takes over from: same tier and area, the latest one
// effective before it. Null when it is the first.
const Standard* Predecessor(const ServiceSpec* service, const Standard& line) {
  if (service == nullptr) return nullptr;
  const Standard* best = nullptr;
  for (const Standard& s : service->standards) {
    if (s.tier != line.tier || s.area != line.area || !(s.effective < line.effective)) continue;
    if (best == nullptr || best->effective < s.effective) best = &s;
  }
  return best;
}

bool SameLine(const Standard& a, const Standard& b) {
  return a.tier == b.tier && a.area == b.area && a.effective == b.effective;
}

void Add(std::vector<CatalogChange>* out, std::string zh, std::string en) {
  out->push_back({std::move(zh), std::move(en)});
}

void DiffStandards(const ServiceSpec* from, const ServiceSpec& to,
                   std::vector<CatalogChange>* out) {
  for (const Standard& line : to.standards) {
    const Standard* same = nullptr;
    if (from != nullptr) {
      for (const Standard& s : from->standards) {
        if (SameLine(s, line)) same = &s;
      }
    }
    if (same != nullptr && same->amount_fen == line.amount_fen && same->unit == line.unit) continue;
    const Standard* before = same != nullptr ? same : Predecessor(from, line);
    const std::string date = FormatIsoDate(line.effective);
    const std::string old_zh = before != nullptr ? FormatYuan(before->amount_fen) + " → " : "新增 ";
    const std::string old_en = before != nullptr ? FormatYuan(before->amount_fen) + " → " : "new ";
    const std::string amount = FormatYuan(line.amount_fen) + " ";
    std::string zh = LineName(to, line, true);
    zh += ": " + old_zh;
    zh += amount;
    zh += StandardUnitText(line.unit, true);
    zh += ", 生效 " + date;
    std::string en = LineName(to, line, false);
    en += ": " + old_en;
    en += amount;
    en += StandardUnitText(line.unit, false);
    en += ", from " + date;
    Add(out, zh, en);
  }
  if (from == nullptr) return;
  for (const Standard& line : from->standards) {
    bool kept = false;
    for (const Standard& s : to.standards) kept = kept || SameLine(s, line);
    if (kept) continue;
    const std::string date = FormatIsoDate(line.effective);
    Add(out,
        LineName(*from, line, true) + ": 删除 " + FormatYuan(line.amount_fen) + " " +
            std::string(StandardUnitText(line.unit, true)) + "（" + date + " 起）",
        LineName(*from, line, false) + ": removed " + FormatYuan(line.amount_fen) + " " +
            std::string(StandardUnitText(line.unit, false)) + " (from " + date + ")");
  }
}

void DiffMaterials(const ServiceSpec& from, const ServiceSpec& to,
                   std::vector<CatalogChange>* out) {
  const std::string zh = to.name.zh + " 材料";
  const std::string en = to.name.en + " materials";
  for (const Material& m : to.materials) {
    const Material* old = nullptr;
    for (const Material& o : from.materials) {
      if (o.id == m.id) old = &o;
    }
    if (old == nullptr) {
      Add(out, zh + " 新增: " + m.name.zh, en + " added: " + m.name.en);
      continue;
    }
    if (old->name.zh != m.name.zh || old->name.en != m.name.en) {
      Add(out, zh + ": " + old->name.zh + " → " + m.name.zh,
          en + ": " + old->name.en + " → " + m.name.en);
    }
    if (old->required != m.required) {
      Add(out, zh + " " + m.name.zh + (m.required ? ": 改为必交" : ": 改为选交"),
          en + " " + m.name.en + (m.required ? ": now required" : ": now optional"));
    }
    if (old->note.zh != m.note.zh || old->note.en != m.note.en) {
      Add(out, zh + " " + m.name.zh + " 说明 已修改", en + " " + m.name.en + " note changed");
    }
  }
  for (const Material& o : from.materials) {
    bool kept = false;
    for (const Material& m : to.materials) kept = kept || m.id == o.id;
    if (!kept) Add(out, zh + " 删除: " + o.name.zh, en + " removed: " + o.name.en);
  }
}

bool SameTexts(const std::vector<LocalizedText>& a, const std::vector<LocalizedText>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].zh != b[i].zh || a[i].en != b[i].en) return false;
  }
  return true;
}

bool SameText(const LocalizedText& a, const LocalizedText& b) {
  return a.zh == b.zh && a.en == b.en;
}

// The form's shape (steps and field ids): a changed one is named, not itemised.
std::string FormShape(const FormSpec& form) {
  std::string shape;
  for (const StepSpec& step : form.steps) {
    shape += step.id + "(";
    for (const FieldSpec& f : step.fields) shape += f.id + std::string(FieldTypeName(f.type)) + ",";
    if (step.group) {
      for (const FieldSpec& f : step.group->fields)
        shape += f.id + std::string(FieldTypeName(f.type)) + ",";
    }
    shape += ")";
  }
  return shape;
}

void DiffService(const ServiceSpec& from, const ServiceSpec& to, std::vector<CatalogChange>* out) {
  if (!SameText(from.name, to.name)) {
    Add(out, "事项名称: " + from.name.zh + " → " + to.name.zh,
        "Service name: " + from.name.en + " → " + to.name.en);
  }
  const std::string zh = to.name.zh;
  const std::string en = to.name.en;
  if (from.time_limit_days != to.time_limit_days) {
    Add(out,
        zh + " 办理时限: " + std::to_string(from.time_limit_days) + " → " +
            std::to_string(to.time_limit_days) + " 天",
        en + " time limit: " + std::to_string(from.time_limit_days) + " → " +
            std::to_string(to.time_limit_days) + " days");
  }
  if (from.public_notice_days != to.public_notice_days) {
    Add(out,
        zh + " 公示期: " + std::to_string(from.public_notice_days) + " → " +
            std::to_string(to.public_notice_days) + " 天",
        en + " public notice: " + std::to_string(from.public_notice_days) + " → " +
            std::to_string(to.public_notice_days) + " days");
  }
  const std::pair<const char*, const char*> kTexts[] = {{"简介", "summary"},
                                                        {"办理机关", "office"},
                                                        {"时限说明", "time limit note"},
                                                        {"申请条件", "who qualifies"}};
  const bool changed[] = {!SameText(from.summary, to.summary), !SameText(from.office, to.office),
                          !SameText(from.time_limit_note, to.time_limit_note),
                          !SameTexts(from.who_qualifies, to.who_qualifies)};
  for (size_t i = 0; i < 4; ++i) {
    if (changed[i])
      Add(out, zh + " " + kTexts[i].first + " 已修改", en + " " + kTexts[i].second + " changed");
  }
  DiffMaterials(from, to, out);
  DiffStandards(&from, to, out);
  if (FormShape(from.form) != FormShape(to.form))
    Add(out, zh + " 表单 已修改", en + " form changed");
  if (from.eligibility.has_value() != to.eligibility.has_value() ||
      (from.eligibility && to.eligibility && from.eligibility->params != to.eligibility->params)) {
    Add(out, zh + " 自测规则 已修改", en + " self-check changed");
  }
}

}  // namespace

std::string_view StandardUnitText(StandardUnit unit, bool zh) {
  switch (unit) {
    case StandardUnit::kPerPersonMonth: return zh ? "元/人/月" : "yuan per person a month";
    case StandardUnit::kPerPersonYear: return zh ? "元/人/年" : "yuan per person a year";
    case StandardUnit::kPerHouseholdMonth: return zh ? "元/户/月" : "yuan per household a month";
    case StandardUnit::kOneOff: return zh ? "元（一次性）" : "yuan (once)";
  }
  return "";
}

Result<CheckedCatalog> CheckCatalogUpload(std::string_view text) {
  if (text.size() > kMaxCatalogUploadBytes) {
    return MakeError(
        ErrorKind::kInvalidArgument,
        "the catalog is larger than " + std::to_string(kMaxCatalogUploadBytes) + " bytes");
  }
  auto parsed = ParseJsonWithin(text);
  if (!parsed.ok())
    return MakeError(ErrorKind::kInvalidArgument, "not JSON: " + parsed.error().message);
  auto files = PublishedCatalogFiles(*parsed);
  if (!files.ok()) return files.error();
  auto catalog = ParseCatalogFromStrings(*files);
  if (!catalog.ok()) return MakeError(ErrorKind::kInvalidArgument, catalog.error().message);
  CheckedCatalog checked;
  checked.catalog = std::move(*catalog);
  checked.body = json{{"files", json::object()}};
  for (const auto& [path, content] : *files) {
    auto file = ParseJsonWithin(content);  // the loader read it already: it parses
    if (!file.ok())
      return MakeError(ErrorKind::kInvalidArgument, path + ": " + file.error().message);
    checked.body["files"][path] = std::move(*file);
  }
  return checked;
}

Result<CatalogVersionRow> SaveCatalogDraft(PgPool& pool, const CheckedCatalog& checked,
                                           const CatalogActor& by) {
  const std::string& version = checked.catalog.version;
  std::optional<CatalogVersionRow> row;
  bool published = false;
  Status status = pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    pqxx::result r = tx.exec_params(
        std::string("INSERT INTO catalogs (version, body, effective_from, state, uploaded_by, "
                    "published_at) "
                    "VALUES ($1, $2::jsonb, $3::date, 'draft', $4, NULL) "
                    "ON CONFLICT (version) DO UPDATE SET body = excluded.body, "
                    " effective_from = excluded.effective_from, uploaded_by = excluded.uploaded_by "
                    " WHERE catalogs.state = 'draft' RETURNING ") +
            kRowColumns,
        version, checked.body.dump(), FormatIsoDate(checked.catalog.EffectiveFrom()), by.name);
    if (r.empty()) {
      published = true;
      return;
    }
    row = RowFrom(r[0]);
    Audit(tx, by, "upload", version, "effective " + row->effective_from);
    tx.commit();
  });
  if (!status.ok()) return status.error();
  if (published)
    return MakeError(ErrorKind::kConflict, "catalog " + version + " is already published");
  return *row;
}

Status PublishCatalogDraft(PgPool& pool, const std::string& version, const CatalogActor& by) {
  std::string state;
  Status status = pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    pqxx::result r =
        tx.exec_params("SELECT state FROM catalogs WHERE version = $1 FOR UPDATE", version);
    if (r.empty()) return;
    state = r[0][0].as<std::string>();
    if (state != "draft") return;
    tx.exec_params(
        "UPDATE catalogs SET state = 'published', published_at = now(), published_by = $2 "
        "WHERE version = $1",
        version, by.name);
    Audit(tx, by, "publish", version, "");
    tx.commit();
  });
  if (!status.ok()) return status;
  if (state.empty()) return MakeError(ErrorKind::kNotFound, "no catalog draft " + version);
  if (state != "draft")
    return MakeError(ErrorKind::kConflict, "catalog " + version + " is already published");
  return Status::Ok();
}

Status PublishCatalogNow(PgPool& pool, std::string_view text, const CatalogActor& by) {
  auto checked = CheckCatalogUpload(text);
  if (!checked.ok()) return checked.error();
  const std::string& version = checked->catalog.version;
  bool conflict = false;
  Status status = pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    pqxx::result r = tx.exec_params(
        "INSERT INTO catalogs (version, body, effective_from, state, uploaded_by, published_by) "
        "VALUES ($1, $2::jsonb, $3::date, 'published', $4, $4) "
        "ON CONFLICT (version) DO UPDATE SET state = 'published', published_at = now(), "
        " published_by = excluded.published_by "
        " WHERE catalogs.state = 'draft' AND catalogs.body = excluded.body RETURNING seq",
        version, checked->body.dump(), FormatIsoDate(checked->catalog.EffectiveFrom()), by.name);
    if (r.empty()) {
      conflict =
          !tx.exec_params(
                 "SELECT state = 'published' AND body = $2::jsonb FROM catalogs WHERE version = $1",
                 version, checked->body.dump())[0][0]
               .as<bool>();
      return;
    }
    Audit(tx, by, "publish", version,
          "effective " + FormatIsoDate(checked->catalog.EffectiveFrom()));
    tx.commit();
  });
  if (!status.ok()) return status;
  if (conflict)
    return MakeError(ErrorKind::kConflict, "catalog " + version + " exists with other content");
  return Status::Ok();
}

Result<std::vector<CatalogVersionRow>> ListCatalogVersions(PgPool& pool, int limit) {
  std::vector<CatalogVersionRow> rows;
  Status status = pool.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    for (const pqxx::row& r : tx.exec_params(
             std::string("SELECT ") + kRowColumns + " FROM catalogs ORDER BY seq DESC LIMIT $1",
             limit)) {
      rows.push_back(RowFrom(r));
    }
  });
  if (!status.ok()) return status.error();
  return rows;
}

Result<ServedCatalogs> CatalogsServedOn(PgPool& pool, const CivilDate& today) {
  ServedCatalogs served;
  Status status = pool.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    const std::string day = FormatIsoDate(today);
    pqxx::result current =
        tx.exec_params(std::string("SELECT ") + kRowColumns +
                           ", body::text FROM catalogs "
                           "WHERE state = 'published' AND effective_from <= $1::date "
                           "ORDER BY effective_from DESC, seq DESC LIMIT 1",
                       day);
    if (!current.empty())
      served.current = ServedCatalog{RowFrom(current[0]), current[0][7].as<std::string>()};
    for (const pqxx::row& r :
         tx.exec_params(std::string("SELECT ") + kRowColumns +
                            ", body::text FROM catalogs "
                            "WHERE state = 'published' AND effective_from > $1::date "
                            "ORDER BY effective_from, seq LIMIT 4",
                        day)) {
      served.upcoming.push_back(ServedCatalog{RowFrom(r), r[7].as<std::string>()});
    }
  });
  if (!status.ok()) return status.error();
  return served;
}

Result<nlohmann::json> CatalogVersionBody(PgPool& pool, const std::string& version) {
  std::optional<std::string> body;
  Status status = pool.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    pqxx::result r = tx.exec_params("SELECT body::text FROM catalogs WHERE version = $1", version);
    if (!r.empty()) body = r[0][0].as<std::string>();
  });
  if (!status.ok()) return status.error();
  if (!body) {
    return MakeError(
        ErrorKind::kNotFound,
        "catalog version " + (version.empty() ? "(none)" : version) + " is unknown to this server");
  }
  auto parsed = ParseJsonWithin(*body);
  if (!parsed.ok()) return MakeError(ErrorKind::kDataLoss, parsed.error().message);
  return std::move(*parsed);
}

Result<Catalog> LoadCatalogVersion(PgPool& pool, const std::string& version) {
  auto body = CatalogVersionBody(pool, version);
  if (!body.ok()) return body.error();
  auto catalog = ParsePublishedCatalog(body->dump());
  if (!catalog.ok()) {
    return MakeError(ErrorKind::kDataLoss,
                     "published catalog " + version +
                         " is not a whole catalog: " + catalog.error().message.substr(0, 200));
  }
  return catalog;
}

std::vector<CatalogChange> DiffCatalogs(const Catalog* from, const Catalog& to) {
  std::vector<CatalogChange> out;
  if (from == nullptr || from->version != to.version) {
    Add(&out, "版本: " + (from ? from->version : std::string("（无）")) + " → " + to.version,
        "Version: " + (from ? from->version : std::string("(none)")) + " → " + to.version);
  }
  const std::string eff_to = FormatIsoDate(to.EffectiveFrom());
  if (from == nullptr || from->EffectiveFrom() != to.EffectiveFrom()) {
    Add(&out,
        "生效日期: " + (from ? FormatIsoDate(from->EffectiveFrom()) + " → " : std::string()) +
            eff_to,
        "Effective from: " + (from ? FormatIsoDate(from->EffectiveFrom()) + " → " : std::string()) +
            eff_to);
  }
  if (from != nullptr) {
    for (const Town& town : to.region.towns) {
      if (from->region.FindTown(town.name.zh) == nullptr) {
        Add(&out, "新增镇街: " + town.name.zh, "Town added: " + town.name.en);
      }
    }
    for (const Town& town : from->region.towns) {
      if (to.region.FindTown(town.name.zh) == nullptr) {
        Add(&out, "删除镇街: " + town.name.zh, "Town removed: " + town.name.en);
      }
    }
  }
  for (const ServiceSpec& service : to.services) {
    const ServiceSpec* old = from != nullptr ? from->FindService(service.code) : nullptr;
    if (old == nullptr) {
      Add(&out, "新增事项: " + service.name.zh, "Service added: " + service.name.en);
      DiffStandards(nullptr, service, &out);
      continue;
    }
    DiffService(*old, service, &out);
  }
  if (from != nullptr) {
    for (const ServiceSpec& service : from->services) {
      if (to.FindService(service.code) == nullptr) {
        Add(&out, "删除事项: " + service.name.zh, "Service removed: " + service.name.en);
      }
    }
  }
  return out;
}

Result<CheckedCatalog> EditCatalogStandards(const nlohmann::json& base_body,
                                            const std::string& new_version,
                                            const CivilDate& effective, const CivilDate& today,
                                            const std::string& source_zh,
                                            const std::vector<StandardEdit>& edits) {
  auto checked_base = CheckCatalogUpload(base_body.dump());  // files as JSON, whatever form
  if (!checked_base.ok()) return checked_base.error();
  const Catalog* base = &checked_base->catalog;
  json body = std::move(checked_base->body);
  json& root = body["files"]["catalog.json"];
  root["version"] = new_version;
  root["published"] = FormatIsoDate(today);
  root["effective_from"] = FormatIsoDate(effective);
  std::map<std::string, std::vector<const Standard*>> lines;
  for (const StandardEdit& edit : edits) {
    const ServiceSpec* service = base->FindService(edit.service_code);
    if (service == nullptr) {
      return MakeError(ErrorKind::kInvalidArgument, "no service " + edit.service_code);
    }
    auto& shown = lines[edit.service_code];
    if (shown.empty()) shown = StandardsInForce(*service, today);
    if (edit.line >= shown.size()) {
      return MakeError(ErrorKind::kInvalidArgument,
                       edit.service_code + ": no standard line " + std::to_string(edit.line));
    }
    const Standard* line = shown[edit.line];
    if (line->amount_fen == edit.amount_fen) continue;
    const size_t index = static_cast<size_t>(line - service->standards.data());
    const std::string path = "services/" + edit.service_code + ".json";
    json& file = body["files"][path];
    if (!file.is_object() || !file.contains("standards") || index >= file["standards"].size()) {
      return MakeError(ErrorKind::kInvalidArgument, path + ": standards do not match the catalog");
    }
    json added = file["standards"][index];
    added["amount_yuan"] = json::parse(FormatYuan(edit.amount_fen));
    added["effective"] = FormatIsoDate(effective);
    added["source"] = json{{"zh", source_zh}, {"en", source_zh}};
    added.erase("example");
    file["standards"].push_back(std::move(added));
  }
  return CheckCatalogUpload(body.dump());
}

}  // namespace yimen::server
