// How the office console draws (docs/console.md): mustache templates compiled into the
// server (server/console/*.mustache, embedded by CMake as console_assets.cpp), fed
// view models built as JSON, every visible word from one table of strings in Chinese
// and English (console_text.cpp). No personal data is logged here; pages that hold it
// are sent with Cache-Control: no-store by the caller.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace yimen::server {

// An embedded file of server/console/ by name ("queue.mustache", "console.css"), or
// nullptr. Pure.
const std::string* ConsoleAsset(std::string_view name);

// An ISO-8601 UTC time ("2026-12-03T20:00:22Z") as China's clock shows it
// ("2026-12-04 04:00"); anything else unchanged. Pure.
std::string ChinaTime(const std::string& iso_utc);

// The console's languages: "zh" (default) and "en".
std::string ConsoleLang(std::string_view requested);

// Every string of the console in `lang`, keyed as the templates name them ({{t.key}}).
const nlohmann::json& ConsoleStrings(const std::string& lang);
// One string; the key itself when missing (a missing key is visible, never a crash).
std::string ConsoleText(const std::string& lang, const std::string& key);

// Renders template `name` with `model` (t = the strings, lang, and `model`'s keys),
// then the layout around it with `title`. HTML-escapes every {{value}}.
std::string RenderConsolePage(const std::string& name, const std::string& title,
                              nlohmann::json model);

// A form body or query string (application/x-www-form-urlencoded) as name → values,
// percent- and plus-decoded; repeated names keep every value in order. Pure.
std::multimap<std::string, std::string> ParseForm(std::string_view body);

// `text` with every "{name}" replaced by its value (the console's strings, and the
// kiosk's eligibility sentences shown in the console).
std::string FillPlaceholders(std::string text, const std::map<std::string, std::string>& values);
// The first value of `name`, or "". Pure.
std::string FormValue(const std::multimap<std::string, std::string>& form, const std::string& name);
// Every value of `name`. Pure.
std::vector<std::string> FormValues(const std::multimap<std::string, std::string>& form,
                                    const std::string& name);
// Percent-encodes for a URL query value. Pure.
std::string UrlEncode(std::string_view text);

}  // namespace yimen::server
