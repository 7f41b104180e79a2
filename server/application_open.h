// The office path's one way to read an application (docs/internals/sync.md "Opening"):
// look it up by its canonical number, take the opening keys from the unlocked vault
// (server/key_vault.h), and open it (server/sealed_payload.h): unseal, depth-limited
// parse, attachment check, domain re-validation against the catalog version the kiosk
// used. yimen-admin show and attachment and the office console use it; ingest never does.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "domain/catalog.h"
#include "domain/eligibility.h"
#include "domain/result.h"
#include "server/admin.h"
#include "server/key_vault.h"
#include "server/pg_pool.h"
#include "server/sealed_payload.h"

namespace yimen::server {

// The catalogs by version, for re-validating an application against the catalog its
// kiosk filled it with (applications.catalog_version): the server's own catalog (its
// --catalog dir, or one a test adds) plus every version published to the `catalogs`
// table, read on demand and kept (a published version never changes). Thread-safe.
class CatalogShelf {
 public:
  explicit CatalogShelf(PgPool& pool) : m_pool(pool) {}
  // Puts `catalog` on the shelf under its own version (replacing one of that version).
  void Add(Catalog catalog);
  // The catalog of `version`: from the shelf, else the `catalogs` table. kNotFound
  // "catalog version X is unknown to this server" when neither has it; kUnavailable:
  // database down; kDataLoss: a published body no longer parses.
  Result<std::shared_ptr<const Catalog>> Find(const std::string& version) const;

 private:
  PgPool& m_pool;
  mutable std::mutex m_mutex;  // guards m_catalogs (a cache, hence Find is const)
  mutable std::map<std::string, std::shared_ptr<const Catalog>> m_catalogs;
};

struct OpenedApplication {
  ApplicationRow row;
  SealedApplication sealed;
  nlohmann::json payload;       // the resident's application: plaintext, wipe-worthy
  std::string catalog_version;  // what the kiosk filled it with ("" for old kiosks)
  bool validated = false;       // the catalog's rules ran and passed
  // Why validated is false though a shelf was given, e.g. "catalog version 2026.11.2 is
  // unknown to this server: not re-validated". "" when validated or without a shelf.
  std::string validation_note;
  // The kiosk's self-check run again on this application (domain RecheckEligibility)
  // with the same catalog version and the resident's civil date of submission
  // (self_check_date, "YYYY-MM-DD"). Empty when the service has no self-check, the
  // catalog version is unknown, or the form's answers do not pass the self-check's own
  // checks (self_check_note then says why, naming no personal data).
  std::vector<SelfCheckCase> self_check;
  std::string self_check_date;
  std::string self_check_note;
};

// Opens the application numbered `number` (any spelling CanonicalAppNumber accepts)
// with the vault's keys. With a shelf, the domain's rules of the catalog version the
// kiosk used run too, on the resident's civil date (UTC+8) of submission; when that
// version is unknown the application still opens, validated stays false and
// validation_note says so. Without a shelf, validated stays false and no self-check is
// recomputed.
// kInvalidArgument: not an application number; kNotFound: no such application;
// kRejected: it cannot be opened, the vault is locked ("key locked") or it fails the
// rules (the message says why, naming no personal data); kUnavailable: database down.
// Thread-safe.
Result<OpenedApplication> OpenApplication(PgPool& pool, KeyVault& vault, std::string_view number,
                                          const CatalogShelf* catalogs);

}  // namespace yimen::server
