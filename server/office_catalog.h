// Catalog publishing (issue 13, docs/catalog.md "Publishing"): an upload is checked by the
// kiosk's own loader (app/domain), kept as a draft, compared field by field with the version
// in force, and published; kiosks then pull the version in force and any upcoming one. The
// console (console_catalog.cpp) and `yimen-admin publish-catalog` both go through here.
// SQL and rules only, no HTTP.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/catalog.h"
#include "domain/result.h"
#include "server/pg_pool.h"

namespace yimen::server {

// Largest catalog upload taken (the bundled catalog is ~150 KB as one body).
inline constexpr size_t kMaxCatalogUploadBytes = 4u * 1024 * 1024;

// An upload that passed the loader: the catalog and the body to store ({"files": {path:
// JSON}}, whatever form it came in).
// NOLINTNEXTLINE(bugprone-exception-escape): the implicit noexcept move reaches
// nlohmann::json's assert_invariant, an assert that never throws.
struct CheckedCatalog {
  Catalog catalog;
  nlohmann::json body;
};

// Checks an upload: a published body ({"files": {...}}) or a bare catalog.json that lists
// no service files. kInvalidArgument with every problem, one per line, each naming its file
// and path ("services/dibao.json: standards[0].amount_yuan: ..."). Pure, any thread.
Result<CheckedCatalog> CheckCatalogUpload(std::string_view text);

// Who does it, for the catalog_audit row.
struct CatalogActor {
  std::string name;
  std::string role;    // "admin", "supervisor"
  std::string client;  // "console 10.0.0.5", "yimen-admin alice@host"
};

struct CatalogVersionRow {
  int64_t seq = 0;
  std::string version;
  std::string effective_from;  // "YYYY-MM-DD"
  std::string state;           // "draft" or "published"
  std::string uploaded_by;
  std::string published_by;
  std::string published_at;  // ISO-8601 UTC, "" for a draft
};

// Keeps a checked upload as a draft (served to no kiosk). Uploading the same version again
// while it is a draft replaces it. kConflict when that version is already published.
// Audited. Thread-safe.
Result<CatalogVersionRow> SaveCatalogDraft(PgPool& pool, const CheckedCatalog& checked,
                                           const CatalogActor& by);

// Publishes a draft: kiosks pull it from its effective date (and earlier, as upcoming).
// kNotFound for no such draft; kConflict when the version is already published. Audited.
Status PublishCatalogDraft(PgPool& pool, const std::string& version, const CatalogActor& by);

// Check, then publish at once (yimen-admin publish-catalog). Publishing the very same body
// again succeeds; other content under a published version is kConflict. Audited.
Status PublishCatalogNow(PgPool& pool, std::string_view text, const CatalogActor& by);

// Every version, newest first (at most `limit`). Thread-safe.
Result<std::vector<CatalogVersionRow>> ListCatalogVersions(PgPool& pool, int limit = 50);

// What kiosks are served on `today` (China civil date): the published version in force
// (latest effective_from not after today, then the latest published) and the published
// versions that take effect later, oldest first (at most 4). Bodies included.
struct ServedCatalog {
  CatalogVersionRow row;
  std::string body;  // JSON text
};
struct ServedCatalogs {
  std::optional<ServedCatalog> current;
  std::vector<ServedCatalog> upcoming;
};
Result<ServedCatalogs> CatalogsServedOn(PgPool& pool, const CivilDate& today);

// One version (draft or published), checked. kNotFound "catalog version X is unknown to
// this server"; kDataLoss when it no longer loads. Thread-safe.
Result<Catalog> LoadCatalogVersion(PgPool& pool, const std::string& version);
Result<nlohmann::json> CatalogVersionBody(PgPool& pool, const std::string& version);

// One difference, as an office reads it: "最低生活保障（低保） 标准（全市城乡统一）: 1225 → 1300
// 元/人/月, 生效 2027-01-01".
struct CatalogChange {
  std::string zh;
  std::string en;
};
// What changes from `from` (null: nothing before, everything is new) to `to`: version and
// effective date, services added and removed, and per service its name, time limit,
// notice period, office, materials (added, removed, required), standard lines (new figures
// with the figure they replace, removed lines) and texts changed. Pure, any thread.
std::vector<CatalogChange> DiffCatalogs(const Catalog* from, const Catalog& to);

// The console's form: a new version made from `base_body` with new figures. For each
// (service code, line index into StandardsInForce on `today`) a new amount in fen; each
// changed line gets a new standard entry from `effective` (its history is kept), quoting
// `source_zh`; `today` becomes its published date. The result is checked like an upload.
// kInvalidArgument names what is wrong.
struct StandardEdit {
  std::string service_code;
  size_t line = 0;
  int64_t amount_fen = 0;
};
Result<CheckedCatalog> EditCatalogStandards(const nlohmann::json& base_body,
                                            const std::string& new_version,
                                            const CivilDate& effective, const CivilDate& today,
                                            const std::string& source_zh,
                                            const std::vector<StandardEdit>& edits);

// "元/人/月" / "yuan per person a month". Any thread.
std::string_view StandardUnitText(StandardUnit unit, bool zh);

}  // namespace yimen::server
