// Every word a resident reads comes from assets/strings/*.<lang>.json, never from code
// (so translations and wording change without a build). Lookup is by key; a missing
// key shows the key itself, loudly, and a test keeps that from shipping.
#pragma once

#include <map>
#include <set>
#include <string>

#include "domain/result.h"

namespace yimen::session {

enum class Language { kZhCN, kEn };
const char* LanguageCode(Language language);  // "zh-CN", "en"

class Strings {
 public:
  // Loads and merges every `<dir>/*.<code>.json` for both languages (flat objects of
  // key → string). Fails naming the file on bad JSON or a non-string value.
  static Result<Strings> Load(const std::string& dir);

  // The string for `key` in `language`; falls back to zh-CN, then to the key itself.
  const std::string& Get(Language language, const std::string& key) const;
  // Get() with `{name}` placeholders replaced from `params`.
  std::string Format(Language language, const std::string& key,
                     const std::map<std::string, std::string>& params) const;

  bool Has(Language language, const std::string& key) const;
  std::set<std::string> Keys(Language language) const;
  // Every character of every string, for the glyph atlas.
  std::string AllText() const;

 private:
  std::map<std::string, std::string> m_zh;
  std::map<std::string, std::string> m_en;
  mutable std::map<std::string, std::string> m_missing;  // echoes for unknown keys
};

// Replaces `{name}` in `pattern` with params["name"]; unknown names stay as they are.
std::string SubstituteParams(const std::string& pattern,
                             const std::map<std::string, std::string>& params);

}  // namespace yimen::session
