// Rendering the console's templates (console_view.h).
#include "server/console_view.h"

#include <cctype>
#include <cstdio>
#include <ctime>

#include <kainjow/mustache.hpp>

namespace yimen::server {
namespace {

namespace mu = kainjow::mustache;

mu::data ToData(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::object: {
      mu::data out{mu::data::type::object};
      // An empty string is left out, so that {{#key}} sections treat it as absent (this
      // mustache counts "" as true) and {{key}} still renders nothing.
      for (auto it = value.begin(); it != value.end(); ++it) {
        if (it->is_string() && it->get_ref<const std::string&>().empty()) continue;
        out.set(it.key(), ToData(it.value()));
      }
      return out;
    }
    case nlohmann::json::value_t::array: {
      mu::data out{mu::data::type::list};
      for (const auto& item : value) out.push_back(ToData(item));
      return out;
    }
    case nlohmann::json::value_t::string: return mu::data(value.get<std::string>());
    case nlohmann::json::value_t::boolean: return mu::data(value.get<bool>());
    case nlohmann::json::value_t::null: return mu::data(false);
    default: return mu::data(value.dump());
  }
}

std::string Render(const std::string& name, const nlohmann::json& model) {
  const std::string* text = ConsoleAsset(name);
  if (text == nullptr) return "<p>missing template " + name + "</p>";
  mu::mustache tmpl(*text);
  if (!tmpl.is_valid()) return "<p>template " + name + ": " + tmpl.error_message() + "</p>";
  mu::data data = ToData(model);
  // {{> unlock}}: the unlock form, shown on the key page and on a locked application.
  data.set("unlock", mu::partial([] {
             const std::string* unlock = ConsoleAsset("unlock.mustache");
             return unlock == nullptr ? std::string() : *unlock;
           }));
  return tmpl.render(data);
}

int HexValue(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

std::string Decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
               HexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

}  // namespace

std::string ChinaTime(const std::string& iso_utc) {
  std::tm parts{};
  int year = 0;
  if (std::sscanf(iso_utc.c_str(), "%d-%d-%dT%d:%d:%d", &year, &parts.tm_mon, &parts.tm_mday,
                  &parts.tm_hour, &parts.tm_min, &parts.tm_sec) != 6) {
    return iso_utc;
  }
  parts.tm_year = year - 1900;
  parts.tm_mon -= 1;
  const std::time_t china = timegm(&parts) + 8 * 3600;
  std::tm shown{};
  gmtime_r(&china, &shown);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", &shown);
  return text;
}

std::string ConsoleLang(std::string_view requested) { return requested == "en" ? "en" : "zh"; }

std::string ConsoleText(const std::string& lang, const std::string& key) {
  const nlohmann::json& strings = ConsoleStrings(lang);
  const auto it = strings.find(key);
  return it == strings.end() ? key : it->get<std::string>();
}

std::string RenderConsolePage(const std::string& name, const std::string& title,
                              nlohmann::json model) {
  const std::string lang = model.value("lang", std::string("zh"));
  model["t"] = ConsoleStrings(lang);
  model["lang"] = lang;
  model["html_lang"] = lang == "en" ? "en" : "zh-CN";
  model["title"] = title;
  model["content"] = Render(name, model);
  return Render("layout.mustache", model);
}

std::string FillPlaceholders(std::string text, const std::map<std::string, std::string>& values) {
  for (const auto& [name, value] : values) {
    const std::string placeholder = "{" + name + "}";
    for (size_t at = text.find(placeholder); at != std::string::npos;
         at = text.find(placeholder, at + value.size())) {
      text.replace(at, placeholder.size(), value);
    }
  }
  return text;
}

std::multimap<std::string, std::string> ParseForm(std::string_view body) {
  std::multimap<std::string, std::string> out;
  size_t at = 0;
  while (at <= body.size()) {
    size_t end = body.find('&', at);
    if (end == std::string_view::npos) end = body.size();
    const std::string_view pair = body.substr(at, end - at);
    if (!pair.empty()) {
      const size_t eq = pair.find('=');
      if (eq == std::string_view::npos) {
        out.emplace(Decode(pair), "");
      } else {
        out.emplace(Decode(pair.substr(0, eq)), Decode(pair.substr(eq + 1)));
      }
    }
    at = end + 1;
  }
  return out;
}

std::string FormValue(const std::multimap<std::string, std::string>& form,
                      const std::string& name) {
  const auto it = form.find(name);
  return it == form.end() ? std::string() : it->second;
}

std::vector<std::string> FormValues(const std::multimap<std::string, std::string>& form,
                                    const std::string& name) {
  std::vector<std::string> out;
  const auto [begin, end] = form.equal_range(name);
  for (auto it = begin; it != end; ++it) out.push_back(it->second);
  return out;
}

std::string UrlEncode(std::string_view text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : text) {
    const auto byte = static_cast<unsigned char>(ch);
    if (std::isalnum(byte) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 15]);
    }
  }
  return out;
}

}  // namespace yimen::server
