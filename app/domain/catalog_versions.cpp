// Catalog versions side by side (see catalog_versions.h).
#include "domain/catalog_versions.h"

#include <map>

#include "domain/json_limits.h"

namespace yimen {

Result<std::map<std::string, std::string>> PublishedCatalogFiles(const nlohmann::json& body) {
  std::map<std::string, std::string> files;
  if (body.is_object() && body.contains("files")) {
    if (!body["files"].is_object()) {
      return MakeError(ErrorKind::kInvalidArgument, "files: must be an object of path: content");
    }
    for (const auto& [path, content] : body["files"].items()) {
      files[path] = content.is_string() ? content.get<std::string>() : content.dump();
    }
    return files;
  }
  if (!body.is_object()) {
    return MakeError(ErrorKind::kInvalidArgument,
                     "a published catalog is a JSON object: {\"files\": {...}} or catalog.json");
  }
  files["catalog.json"] = body.dump();
  return files;
}

Result<Catalog> ParsePublishedCatalog(std::string_view text) {
  auto body = ParseJsonWithin(text);
  if (!body.ok()) return MakeError(ErrorKind::kInvalidArgument, body.error().message);
  auto files = PublishedCatalogFiles(*body);
  if (!files.ok()) return files.error();
  auto catalog = ParseCatalogFromStrings(*files);
  if (!catalog.ok() && catalog.error().kind != ErrorKind::kInvalidArgument) {
    return MakeError(ErrorKind::kInvalidArgument, catalog.error().message);
  }
  return catalog;
}

namespace {

void Refuse(std::vector<std::string>* refused, std::string what, const std::string& why) {
  if (refused == nullptr) return;
  const size_t line_end = why.find('\n');
  refused->push_back(std::move(what) + ": " + why.substr(0, line_end));
}

}  // namespace

std::vector<std::shared_ptr<const Catalog>> ParseStoredCatalogs(std::string_view body,
                                                                std::string_view upcoming,
                                                                std::vector<std::string>* refused) {
  std::vector<std::shared_ptr<const Catalog>> out;
  if (!body.empty()) {
    auto catalog = ParsePublishedCatalog(body);
    if (catalog.ok()) {
      out.push_back(std::make_shared<const Catalog>(std::move(*catalog)));
    } else {
      Refuse(refused, "stored catalog", catalog.error().message);
    }
  }
  if (upcoming.empty()) return out;
  auto list = ParseJsonWithin(upcoming);
  if (!list.ok() || !list->is_array()) {
    Refuse(refused, "stored upcoming catalogs",
           list.ok() ? "not a JSON array" : list.error().message);
    return out;
  }
  for (const nlohmann::json& item : *list) {
    const std::string version =
        item.is_object() && item.contains("version") && item["version"].is_string()
            ? item["version"].get<std::string>()
            : "?";
    if (!item.is_object() || !item.contains("catalog")) {
      Refuse(refused, "upcoming catalog " + version, "no catalog");
      continue;
    }
    auto catalog = ParsePublishedCatalog(item["catalog"].dump());
    if (catalog.ok()) {
      out.push_back(std::make_shared<const Catalog>(std::move(*catalog)));
    } else {
      Refuse(refused, "upcoming catalog " + version, catalog.error().message);
    }
  }
  return out;
}

std::shared_ptr<const Catalog> ChooseCatalog(
    const std::vector<std::shared_ptr<const Catalog>>& candidates, const CivilDate& today) {
  std::shared_ptr<const Catalog> chosen;
  std::shared_ptr<const Catalog> earliest;
  for (const auto& candidate : candidates) {
    if (!candidate) continue;
    const CivilDate from = candidate->EffectiveFrom();
    if (!earliest || from < earliest->EffectiveFrom()) earliest = candidate;
    if (today < from) continue;
    if (!chosen || !(from < chosen->EffectiveFrom())) chosen = candidate;
  }
  return chosen ? chosen : earliest;
}

void CatalogSlot::Offer(std::vector<std::shared_ptr<const Catalog>> published) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_offer = std::move(published);
}

std::optional<std::vector<std::shared_ptr<const Catalog>>> CatalogSlot::Take() {
  std::lock_guard<std::mutex> lock(m_mutex);
  auto offer = std::move(m_offer);
  m_offer.reset();
  return offer;
}

}  // namespace yimen
