// The catalog loader's checker, shared by the files that read parts of a catalog
// (catalog.cpp, catalog_finder.cpp): it collects "file: path: what" problems and reads
// typed values out of JSON objects. Internal to app/domain; nothing outside includes it.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/catalog.h"
#include "domain/civil_date.h"

namespace yimen::catalog_internal {

using nlohmann::json;

constexpr size_t kMaxErrors = 50;
constexpr size_t kMaxIdLength = 40;
constexpr int64_t kMaxYuan = 1'000'000'000'000;  // 10^12 yuan: far above any real amount
constexpr int kMaxDateOffsetDays = 366 * 150;

inline std::string Join(const std::string& path, std::string_view key) {
  if (path.empty()) return std::string(key);
  return path + "." + std::string(key);
}

inline std::string At(const std::string& path, size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

inline std::string Quote(std::string_view text) { return "\"" + std::string(text) + "\""; }

inline bool IsId(std::string_view text) {
  if (text.empty() || text.size() > kMaxIdLength) return false;
  if (text[0] < 'a' || text[0] > 'z') return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

inline bool IsOptionValue(std::string_view text) {
  if (text.empty() || text.size() > kMaxIdLength) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

inline bool IsVersionText(std::string_view text) {
  if (text.empty() || text.size() > 32) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '_';
  });
}

// Collects "file: path: what" lines and reads typed values out of JSON objects. Every
// reader reports its own problems and returns nullopt (or an empty value), so callers
// just carry on and the whole file gets checked.
class Checker {
 public:
  explicit Checker(std::vector<std::string>* errors) : m_errors(errors) {}

  void SetFile(std::string file) { m_file = std::move(file); }
  const std::string& file() const { return m_file; }

  void Fail(const std::string& path, const std::string& what) {
    if (m_errors->size() >= kMaxErrors) return;
    std::string line = m_file + ": ";
    if (!path.empty()) line += path + ": ";
    m_errors->push_back(line + what);
  }

  bool ExpectObject(const json& value, const std::string& path) {
    if (value.is_object()) return true;
    Fail(path, std::string("expected an object, got ") + value.type_name());
    return false;
  }

  void CheckKeys(const json& object, const std::string& path,
                 std::initializer_list<std::string_view> allowed) {
    CheckKeys(object, path, std::vector<std::string_view>(allowed));
  }

  void CheckKeys(const json& object, const std::string& path,
                 const std::vector<std::string_view>& allowed) {
    for (auto it = object.begin(); it != object.end(); ++it) {
      if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end()) {
        Fail(Join(path, it.key()), "unknown key");
      }
    }
  }

  // The member `key` of `object`, or null. Reports it when required and missing.
  const json* Member(const json& object, const std::string& path, std::string_view key,
                     bool required) {
    const auto it = object.find(std::string(key));
    if (it == object.end()) {
      if (required) Fail(Join(path, key), "missing");
      return nullptr;
    }
    return &*it;
  }

  std::optional<std::string> StringValue(const json& value, const std::string& path) {
    if (!value.is_string()) {
      Fail(path, std::string("expected a string, got ") + value.type_name());
      return std::nullopt;
    }
    const std::string& text = value.get_ref<const std::string&>();
    if (text.empty()) {
      Fail(path, "must not be empty");
      return std::nullopt;
    }
    return text;
  }

  std::optional<std::string> String(const json& object, const std::string& path,
                                    std::string_view key, bool required) {
    const json* value = Member(object, path, key, required);
    if (value == nullptr) return std::nullopt;
    return StringValue(*value, Join(path, key));
  }

  std::optional<std::string> Id(const json& object, const std::string& path, std::string_view key,
                                bool required) {
    std::optional<std::string> id = String(object, path, key, required);
    if (id && !IsId(*id)) {
      Fail(Join(path, key), Quote(*id) + " is not an id: use [a-z][a-z0-9_]*, at most " +
                                std::to_string(kMaxIdLength) + " characters");
      return std::nullopt;
    }
    return id;
  }

  std::optional<bool> Bool(const json& object, const std::string& path, std::string_view key,
                           bool required) {
    const json* value = Member(object, path, key, required);
    if (value == nullptr) return std::nullopt;
    if (!value->is_boolean()) {
      Fail(Join(path, key), std::string("expected true or false, got ") + value->type_name());
      return std::nullopt;
    }
    return value->get<bool>();
  }

  std::optional<int64_t> Integer(const json& object, const std::string& path, std::string_view key,
                                 bool required, int64_t min, int64_t max) {
    const json* value = Member(object, path, key, required);
    if (value == nullptr) return std::nullopt;
    const std::string where = Join(path, key);
    if (!value->is_number_integer()) {
      Fail(where, std::string("expected an integer, got ") + value->type_name());
      return std::nullopt;
    }
    if (value->is_number_unsigned() &&
        value->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      Fail(where, "integer out of range");
      return std::nullopt;
    }
    const int64_t number = value->get<int64_t>();
    if (number < min || number > max) {
      Fail(where, std::to_string(number) + " is outside " + std::to_string(min) + ".." +
                      std::to_string(max));
      return std::nullopt;
    }
    return number;
  }

  std::optional<CivilDate> Date(const json& object, const std::string& path, std::string_view key,
                                bool required) {
    const std::optional<std::string> text = String(object, path, key, required);
    if (!text) return std::nullopt;
    Result<CivilDate> date = ParseIsoDate(*text);
    if (!date.ok()) {
      Fail(Join(path, key), date.error().message);
      return std::nullopt;
    }
    return date.value();
  }

  // "YYYY-MM-DD", "today", "today+N" or "today-N" (N days, at most 150 years).
  std::optional<DateBound> DateBoundValue(const json& object, const std::string& path,
                                          std::string_view key) {
    const std::optional<std::string> text = String(object, path, key, false);
    if (!text) return std::nullopt;
    DateBound bound;
    constexpr std::string_view kToday = "today";
    if (text->compare(0, kToday.size(), kToday) == 0) {
      bound.relative = true;
      std::string_view rest = std::string_view(*text).substr(kToday.size());
      if (rest.empty()) return bound;
      const char sign = rest[0];
      rest.remove_prefix(1);
      const bool digits =
          !rest.empty() && rest.size() <= 6 &&
          std::all_of(rest.begin(), rest.end(), [](char c) { return c >= '0' && c <= '9'; });
      if ((sign != '+' && sign != '-') || !digits) {
        Fail(Join(path, key), Quote(*text) +
                                  " is not a date bound: use YYYY-MM-DD, today, "
                                  "today+N or today-N");
        return std::nullopt;
      }
      const int days = std::stoi(std::string(rest));
      if (days > kMaxDateOffsetDays) {
        Fail(Join(path, key),
             Quote(*text) + ": at most " + std::to_string(kMaxDateOffsetDays) + " days from today");
        return std::nullopt;
      }
      bound.offset_days = sign == '-' ? -days : days;
      return bound;
    }
    Result<CivilDate> date = ParseIsoDate(*text);
    if (!date.ok()) {
      Fail(Join(path, key), Quote(*text) +
                                " is not a date bound: use YYYY-MM-DD, today, "
                                "today+N or today-N (" +
                                date.error().message + ")");
      return std::nullopt;
    }
    bound.date = date.value();
    return bound;
  }

  // A JSON number of yuan, >= 0 with at most two decimals, as fen.
  std::optional<int64_t> Yuan(const json& object, const std::string& path, std::string_view key,
                              bool required) {
    const json* value = Member(object, path, key, required);
    if (value == nullptr) return std::nullopt;
    const std::string where = Join(path, key);
    if (!value->is_number()) {
      Fail(where, std::string("expected an amount in yuan, got ") + value->type_name());
      return std::nullopt;
    }
    if (value->is_number_integer()) {
      if (value->is_number_unsigned()
              ? value->get<uint64_t>() > static_cast<uint64_t>(kMaxYuan)
              : (value->get<int64_t>() < 0 || value->get<int64_t>() > kMaxYuan)) {
        Fail(where, "amount must be between 0 and " + std::to_string(kMaxYuan) + " yuan");
        return std::nullopt;
      }
      return value->get<int64_t>() * 100;
    }
    const double yuan = value->get<double>();
    if (!(yuan >= 0.0) || yuan > static_cast<double>(kMaxYuan)) {
      Fail(where, "amount must be between 0 and " + std::to_string(kMaxYuan) + " yuan");
      return std::nullopt;
    }
    const double fen = yuan * 100.0;
    const double rounded = std::round(fen);
    if (std::fabs(fen - rounded) > 1e-6) {
      Fail(where, "amount has more than 2 decimal places");
      return std::nullopt;
    }
    return static_cast<int64_t>(rounded);
  }

  // {"zh": ..., "en": ...}, both non-empty.
  LocalizedText TextValue(const json& value, const std::string& path) {
    LocalizedText text;
    if (!ExpectObject(value, path)) return text;
    CheckKeys(value, path, {"zh", "en"});
    text.zh = String(value, path, "zh", true).value_or("");
    text.en = String(value, path, "en", true).value_or("");
    return text;
  }

  LocalizedText Text(const json& object, const std::string& path, std::string_view key,
                     bool required) {
    const json* value = Member(object, path, key, required);
    if (value == nullptr) return {};
    return TextValue(*value, Join(path, key));
  }

  // An array member; reports a non-array, and an empty one when `non_empty`.
  const json* Array(const json& object, const std::string& path, std::string_view key,
                    bool required, bool non_empty) {
    const json* value = Member(object, path, key, required);
    if (value == nullptr) return nullptr;
    if (!value->is_array()) {
      Fail(Join(path, key), std::string("expected an array, got ") + value->type_name());
      return nullptr;
    }
    if (non_empty && value->empty()) {
      Fail(Join(path, key), "must not be empty");
      return nullptr;
    }
    return value;
  }

 private:
  std::vector<std::string>* m_errors;  // shared by every file of one catalog
  std::string m_file;                  // the file being checked, relative to the catalog
};

// The "finder" object of catalog.json (catalog_finder.cpp), read after the services so
// its rules can be checked against them. nullopt (with the problems reported) when broken.
std::optional<FinderSpec> ReadFinder(Checker& c, const json& item, const std::string& path,
                                     const std::vector<ServiceSpec>& services);

}  // namespace yimen::catalog_internal
