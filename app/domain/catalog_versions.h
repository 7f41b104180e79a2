// Catalog versions a kiosk holds side by side: the bundled one, the newest published one in
// force and any published one that takes effect later (so a hall shows a new standard on
// its first day even when offline). Parsing a published body, choosing the version in
// force on a date, and the slot through which the sync thread hands new versions to the UI
// thread live here, apart from any screen. docs/catalog.md "Publishing".
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/catalog.h"

namespace yimen {

// The files of a published body: {"files": {path: text or JSON}} (catalog.json and every
// service file), or a bare catalog.json object (older publishes, no service files). Fails
// with kInvalidArgument when `body` is neither. Pure, any thread.
Result<std::map<std::string, std::string>> PublishedCatalogFiles(const nlohmann::json& body);

// A published body checked completely by the same loader as a catalog directory
// (ParseCatalogFromStrings: every problem with its file and path). `text` is parsed within
// the JSON depth limit (json_limits.h). Fails with kInvalidArgument. Pure, any thread.
Result<Catalog> ParsePublishedCatalog(std::string_view text);

// The published versions a kiosk stored (sync/client/engine.h StoredCatalogs): `body` the
// version in force when pulled ("" for none), `upcoming` a JSON array of {version,
// effective_from, catalog} ("" for none). Each is checked by the loader; one that fails is
// left out and its first problem appended to `refused` (may be null), so a broken version
// never replaces a working one. Oldest first. Pure, any thread.
std::vector<std::shared_ptr<const Catalog>> ParseStoredCatalogs(std::string_view body,
                                                                std::string_view upcoming,
                                                                std::vector<std::string>* refused);

// The version new applications use on `today` (a China civil date): among `candidates`,
// those whose EffectiveFrom() is not after `today`, the latest effective date wins; on a
// tie the later in `candidates` wins (callers list the bundled catalog first, then what
// the server published, oldest first). When none is in force yet, the earliest-effective
// candidate (a kiosk always has a catalog). Null only when `candidates` is empty. Pure,
// any thread.
std::shared_ptr<const Catalog> ChooseCatalog(
    const std::vector<std::shared_ptr<const Catalog>>& candidates, const CivilDate& today);

// Hands the published versions the sync thread pulled (and validated) to the UI thread,
// which takes them between two applications. Only the newest offer is kept. Any thread.
class CatalogSlot {
 public:
  // Replaces whatever was offered and not yet taken. Never blocks for long.
  void Offer(std::vector<std::shared_ptr<const Catalog>> published);
  // What was offered since the last Take, or nullopt. Never blocks for long.
  std::optional<std::vector<std::shared_ptr<const Catalog>>> Take();

 private:
  std::mutex m_mutex;
  std::optional<std::vector<std::shared_ptr<const Catalog>>> m_offer;  // guarded by m_mutex
};

}  // namespace yimen
