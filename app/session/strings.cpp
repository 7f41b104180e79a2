// String tables: JSON files merged per language.
#include "session/strings.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace yimen::session {

const char* LanguageCode(Language language) { return language == Language::kEn ? "en" : "zh-CN"; }

Result<Strings> Strings::Load(const std::string& dir) {
  namespace fs = std::filesystem;
  Strings strings;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return MakeError(ErrorKind::kNotFound, "strings directory missing: " + dir);
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    std::string name = path.filename().string();
    std::map<std::string, std::string>* table = nullptr;
    if (name.size() > 11 && name.compare(name.size() - 11, 11, ".zh-CN.json") == 0) {
      table = &strings.m_zh;
    } else if (name.size() > 8 && name.compare(name.size() - 8, 8, ".en.json") == 0) {
      table = &strings.m_en;
    } else {
      continue;
    }
    std::ifstream in(path);
    nlohmann::json doc = nlohmann::json::parse(in, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
      return MakeError(ErrorKind::kInvalidArgument, name + ": not a JSON object");
    }
    for (const auto& [key, value] : doc.items()) {
      if (!value.is_string()) {
        return MakeError(ErrorKind::kInvalidArgument, name + ": " + key + ": not a string");
      }
      if (table->count(key)) {
        return MakeError(ErrorKind::kInvalidArgument, name + ": " + key + ": defined twice");
      }
      (*table)[key] = value.get<std::string>();
    }
  }
  if (strings.m_zh.empty()) return MakeError(ErrorKind::kNotFound, "no zh-CN strings in " + dir);
  return strings;
}

const std::string& Strings::Get(Language language, const std::string& key) const {
  const auto& table = language == Language::kEn ? m_en : m_zh;
  if (auto it = table.find(key); it != table.end()) return it->second;
  if (auto it = m_zh.find(key); it != m_zh.end()) return it->second;
  auto [it, inserted] = m_missing.emplace(key, "⟨" + key + "⟩");
  return it->second;
}

std::string Strings::Format(Language language, const std::string& key,
                            const std::map<std::string, std::string>& params) const {
  return SubstituteParams(Get(language, key), params);
}

bool Strings::Has(Language language, const std::string& key) const {
  const auto& table = language == Language::kEn ? m_en : m_zh;
  return table.count(key) != 0;
}

std::set<std::string> Strings::Keys(Language language) const {
  std::set<std::string> keys;
  for (const auto& [key, value] : language == Language::kEn ? m_en : m_zh) keys.insert(key);
  return keys;
}

std::string Strings::AllText() const {
  std::string all;
  for (const auto& [key, value] : m_zh) all += value;
  for (const auto& [key, value] : m_en) all += value;
  return all;
}

std::string SubstituteParams(const std::string& pattern,
                             const std::map<std::string, std::string>& params) {
  std::string out;
  out.reserve(pattern.size());
  for (size_t i = 0; i < pattern.size();) {
    if (pattern[i] == '{') {
      size_t close = pattern.find('}', i);
      if (close != std::string::npos) {
        auto it = params.find(pattern.substr(i + 1, close - i - 1));
        if (it != params.end()) {
          out += it->second;
          i = close + 1;
          continue;
        }
      }
    }
    out += pattern[i++];
  }
  return out;
}

}  // namespace yimen::session
