// The shipped assets/catalog as one published body ({"files": {path: JSON}}), and a new
// version of it with another 低保 figure: what the publishing tests (domain, kiosk UI,
// server) publish and pull.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

namespace yimen::testing_catalog {

inline nlohmann::json AssetCatalogBody() {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(YIMEN_TEST_ASSETS_DIR) / "catalog";
  nlohmann::json body = {{"files", nlohmann::json::object()}};
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    body["files"][fs::relative(entry.path(), dir).generic_string()] =
        nlohmann::json::parse(text.str());
  }
  return body;
}

// The shipped catalog as version `version`, effective from `effective` (YYYY-MM-DD), with a
// new city-wide 低保 line of `yuan` from that date.
inline nlohmann::json DibaoRaised(const std::string& version, const std::string& effective,
                                  int yuan) {
  nlohmann::json body = AssetCatalogBody();
  nlohmann::json& root = body["files"]["catalog.json"];
  root["version"] = version;
  root["effective_from"] = effective;
  nlohmann::json& standards = body["files"]["services/dibao.json"]["standards"];
  nlohmann::json line = standards[2];  // the city-wide line in force since 2024
  line["amount_yuan"] = yuan;
  line["effective"] = effective;
  line["source"] = {{"zh", "测试发布的新标准"}, {"en", "Standard published by the test"}};
  standards.push_back(line);
  return body;
}

}  // namespace yimen::testing_catalog
