// The option engine behind every binary's --config, flags and --print-config
// (options.h): argv and toml++ documents turned into checked assignments, and the
// effective values written back as TOML.
#include "config/options.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

namespace yimen::config {
namespace {

Error Invalid(std::string message) {
  return MakeError(ErrorKind::kInvalidArgument, std::move(message));
}

// "an integer from 1 to 1024" and the like, for messages.
std::string Expected(const Spec& spec) {
  switch (spec.kind) {
    case Kind::kText: return "a string";
    case Kind::kInteger:
      return "an integer from " + std::to_string(spec.min) + " to " + std::to_string(spec.max);
    case Kind::kNumber:
      return "a number from " + std::to_string(spec.min) + " to " + std::to_string(spec.max);
    case Kind::kSwitch: return "true or false";
    case Kind::kTextList: return "a list of strings";
    case Kind::kCommand: return "a command-line flag";
  }
  return "?";
}

std::optional<int64_t> ParseInteger(std::string_view text) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

std::optional<double> ParseNumber(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(text.c_str(), &end);
  if (errno != 0 || end != text.c_str() + text.size()) return std::nullopt;
  return value;
}

bool InRange(const Spec& spec, double value) {
  return value >= static_cast<double>(spec.min) && value <= static_cast<double>(spec.max);
}

// The value of a flag that takes one, checked against its kind.
Result<Value> FlagValue(const Spec& spec, const std::string& text) {
  switch (spec.kind) {
    case Kind::kInteger: {
      const std::optional<int64_t> value = ParseInteger(text);
      if (!value || !InRange(spec, static_cast<double>(*value))) {
        return Invalid(spec.flag + ": expected " + Expected(spec) + ", got '" + text + "'");
      }
      return Value{*value};
    }
    case Kind::kNumber: {
      const std::optional<double> value = ParseNumber(text);
      if (!value || !InRange(spec, *value)) {
        return Invalid(spec.flag + ": expected " + Expected(spec) + ", got '" + text + "'");
      }
      return Value{*value};
    }
    default: return Value{text};
  }
}

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// " (did you mean listen.max_connections?)" for a near miss, else "".
std::string Suggestion(const std::vector<Spec>& specs, const std::string& key) {
  const Spec* best = nullptr;
  size_t best_distance = 3;
  const std::string leaf = key.substr(key.rfind('.') == std::string::npos ? 0 : key.rfind('.') + 1);
  for (const Spec& spec : specs) {
    if (spec.key.empty()) continue;
    const std::string spec_leaf =
        spec.key.substr(spec.key.rfind('.') == std::string::npos ? 0 : spec.key.rfind('.') + 1);
    // The right name in the wrong section counts as a near miss too.
    const size_t distance =
        std::min(EditDistance(key, spec.key), EditDistance(leaf, spec_leaf) + 1);
    if (distance < best_distance) {
      best_distance = distance;
      best = &spec;
    }
  }
  return best ? " (did you mean " + best->key + "?)" : "";
}

std::string Where(const std::string& name, const toml::source_region& region) {
  return name + ":" + std::to_string(region.begin.line) + ":" + std::to_string(region.begin.column);
}

const char* TypeName(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    default: return "a date or time";
  }
}

// The value of a key, checked against its option's kind.
Result<Value> TomlValue(const Spec& spec, const toml::node& node, const std::string& where) {
  auto wrong = [&]() {
    return Invalid(where + ": " + spec.key + " must be " + Expected(spec) + " (found " +
                   TypeName(node) + ")");
  };
  switch (spec.kind) {
    case Kind::kText:
      if (!node.is_string()) return wrong();
      return Value{node.as_string()->get()};
    case Kind::kInteger: {
      if (!node.is_integer()) return wrong();
      const int64_t value = node.as_integer()->get();
      if (!InRange(spec, static_cast<double>(value))) return wrong();
      return Value{value};
    }
    case Kind::kNumber: {
      double value = 0;
      if (node.is_integer())
        value = static_cast<double>(node.as_integer()->get());
      else if (node.is_floating_point())
        value = node.as_floating_point()->get();
      else
        return wrong();
      if (!InRange(spec, value)) return wrong();
      return Value{value};
    }
    case Kind::kSwitch:
      if (!node.is_boolean()) return wrong();
      return Value{node.as_boolean()->get()};
    case Kind::kTextList: {
      if (!node.is_array()) return wrong();
      std::vector<std::string> items;
      for (const toml::node& item : *node.as_array()) {
        if (!item.is_string()) return wrong();
        items.push_back(item.as_string()->get());
      }
      return Value{std::move(items)};
    }
    case Kind::kCommand: return wrong();
  }
  return wrong();
}

std::string Quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte == 0x7F) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04X", byte);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string TomlText(const Value& value) {
  if (const bool* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  if (const int64_t* i = std::get_if<int64_t>(&value)) return std::to_string(*i);
  if (const double* d = std::get_if<double>(&value)) {
    char buffer[64];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, *d);
    std::string text(buffer, ec == std::errc() ? end : buffer);
    if (text.find_first_of(".en") == std::string::npos) text += ".0";
    return text;
  }
  if (const std::string* s = std::get_if<std::string>(&value)) return Quoted(*s);
  std::string out = "[";
  for (const std::string& item : std::get<std::vector<std::string>>(value)) {
    out += (out.size() > 1 ? ", " : "") + Quoted(item);
  }
  return out + "]";
}

// Replaces the value after `name=` (quoted or not) in a key=value connection string.
void MaskKeywordValue(std::string* text, const std::string& name) {
  size_t at = 0;
  while ((at = text->find(name, at)) != std::string::npos) {
    const bool starts_word = at == 0 || (*text)[at - 1] == ' ' || (*text)[at - 1] == '\t';
    size_t pos = at + name.size();
    while (pos < text->size() && (*text)[pos] == ' ') ++pos;
    if (!starts_word || pos >= text->size() || (*text)[pos] != '=') {
      at = pos;
      continue;
    }
    ++pos;
    while (pos < text->size() && (*text)[pos] == ' ') ++pos;
    size_t end = pos;
    if (end < text->size() && (*text)[end] == '\'') {
      ++end;
      while (end < text->size() && (*text)[end] != '\'') end += (*text)[end] == '\\' ? 2 : 1;
      end = std::min(end + 1, text->size());
    } else {
      while (end < text->size() && (*text)[end] != ' ' && (*text)[end] != '\t') ++end;
    }
    text->replace(pos, end - pos, "****");
    at = pos + 4;
  }
}

}  // namespace

Result<CommandLine> ParseCommandLine(const std::vector<Spec>& specs, int argc,
                                     const char* const* argv) {
  std::map<std::string, size_t, std::less<>> by_flag;
  for (size_t i = 0; i < specs.size(); ++i) by_flag[specs[i].flag] = i;
  CommandLine result;
  std::map<size_t, size_t> list_at;  // option → its assignment (repeated flags append)
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::optional<std::string> inline_value;  // --flag=value
    if (const size_t equals = arg.find('=');
        arg.rfind("--", 0) == 0 && equals != std::string::npos) {
      inline_value = arg.substr(equals + 1);
      arg.resize(equals);
    }
    auto take = [&]() -> std::optional<std::string> {
      if (inline_value) return std::exchange(inline_value, std::nullopt);
      if (i + 1 >= argc) return std::nullopt;
      return std::string(argv[++i]);
    };
    if (arg == "--config") {
      std::optional<std::string> file = take();
      if (!file || file->empty()) return Invalid("--config needs a file");
      result.config_file = *file;
      continue;
    }
    if (arg == "--print-config" && !inline_value) {
      result.print_config = true;
      continue;
    }
    const auto found = by_flag.find(arg);
    if (found == by_flag.end()) return Invalid("unknown flag " + arg + " (see --help)");
    const Spec& spec = specs[found->second];
    const std::string origin = spec.flag;
    if (spec.kind == Kind::kSwitch) {
      if (inline_value) return Invalid(spec.flag + " takes no value");
      result.assignments.push_back({found->second, Value{spec.switch_value}, origin});
      continue;
    }
    if (spec.kind == Kind::kCommand) {
      std::vector<std::string> values;
      for (int n = 0; n < spec.arity; ++n) {
        std::optional<std::string> value = take();
        if (!value) return Invalid(spec.flag + " needs " + spec.metavar);
        values.push_back(*value);
      }
      if (inline_value) return Invalid(spec.flag + " takes no value after =");
      result.assignments.push_back({found->second, Value{std::move(values)}, origin});
      continue;
    }
    std::optional<std::string> text = take();
    if (!text) return Invalid(spec.flag + " needs a value (" + spec.metavar + ")");
    if (spec.kind == Kind::kTextList) {
      if (auto at = list_at.find(found->second); at != list_at.end()) {
        std::get<std::vector<std::string>>(result.assignments[at->second].value).push_back(*text);
      } else {
        list_at[found->second] = result.assignments.size();
        result.assignments.push_back(
            {found->second, Value{std::vector<std::string>{*text}}, origin});
      }
      continue;
    }
    auto value = FlagValue(spec, *text);
    if (!value.ok()) return value.error();
    result.assignments.push_back({found->second, std::move(*value), origin});
  }
  return result;
}

Result<std::vector<Assignment>> ParseToml(const std::vector<Spec>& specs, std::string_view text,
                                          const std::string& name) {
  toml::table document;
  try {
    document = toml::parse(text, name);
  } catch (const toml::parse_error& error) {
    return Invalid(Where(name, error.source()) + ": " + std::string(error.description()));
  }
  std::map<std::string, size_t, std::less<>> by_key;
  std::map<std::string, bool, std::less<>> sections;
  for (size_t i = 0; i < specs.size(); ++i) {
    if (specs[i].key.empty()) continue;
    by_key[specs[i].key] = i;
    if (const size_t dot = specs[i].key.find('.'); dot != std::string::npos) {
      sections[specs[i].key.substr(0, dot)] = true;
    }
  }
  std::vector<Assignment> assignments;
  // One key (`prefix` + its name) and its node: an assignment, or the error.
  auto assign = [&](const std::string& full_key, const toml::key& key,
                    const toml::node& node) -> Status {
    const std::string where = Where(name, key.source());
    const auto found = by_key.find(full_key);
    if (found == by_key.end()) {
      return Invalid(where + ": unknown key " + full_key + Suggestion(specs, full_key));
    }
    auto value = TomlValue(specs[found->second], node, where);
    if (!value.ok()) return value.error();
    assignments.push_back(
        {found->second, std::move(*value), name + ":" + std::to_string(key.source().begin.line)});
    return Status::Ok();
  };
  for (const auto& [key, node] : document) {
    const std::string section(key.str());
    if (node.is_table() && sections.count(section) != 0) {
      for (const auto& [inner_key, inner_node] : *node.as_table()) {
        if (auto s = assign(section + "." + std::string(inner_key.str()), inner_key, inner_node);
            !s.ok()) {
          return s.error();
        }
      }
      continue;
    }
    if (node.is_table()) {
      return Invalid(Where(name, key.source()) + ": unknown section [" + section + "]" +
                     Suggestion(specs, section + "."));
    }
    if (auto s = assign(section, key, node); !s.ok()) return s.error();
  }
  return assignments;
}

Result<std::vector<Assignment>> ReadTomlFile(const std::vector<Spec>& specs,
                                             const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Invalid("cannot read the configuration file " + path);
  std::stringstream text;
  text << in.rdbuf();
  return ParseToml(specs, text.str(), path);
}

std::string MaskConnectionString(const std::string& text) {
  std::string out = text;
  const size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    const size_t authority_end = out.find_first_of("/?#", scheme + 3);
    const size_t at =
        out.rfind('@', authority_end == std::string::npos ? out.size() : authority_end);
    if (at != std::string::npos && at > scheme) {
      const size_t colon = out.find(':', scheme + 3);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "****");
    }
    // ?password=... in the query
    for (const std::string marker : {"?password=", "&password="}) {
      size_t pos = out.find(marker);
      while (pos != std::string::npos) {
        const size_t start = pos + marker.size();
        const size_t end = out.find('&', start);
        out.replace(start, (end == std::string::npos ? out.size() : end) - start, "****");
        pos = out.find(marker, start + 4);
      }
    }
    return out;
  }
  MaskKeywordValue(&out, "password");
  return out;
}

std::string Masked(const Value& value, Secret secret) {
  const std::string* text = std::get_if<std::string>(&value);
  if (secret == Secret::kNone || text == nullptr || text->empty()) return TomlText(value);
  if (secret == Secret::kWhole) return Quoted("(secret)");
  return Quoted(MaskConnectionString(*text));
}

std::string FormatToml(const std::vector<Spec>& specs, const std::vector<Value>& values,
                       const std::string& title) {
  std::vector<std::string> section_order{""};
  std::map<std::string, std::string> lines;
  for (size_t i = 0; i < specs.size() && i < values.size(); ++i) {
    const Spec& spec = specs[i];
    if (spec.key.empty() || spec.kind == Kind::kCommand) continue;
    const size_t dot = spec.key.find('.');
    const std::string section = dot == std::string::npos ? "" : spec.key.substr(0, dot);
    const std::string name = dot == std::string::npos ? spec.key : spec.key.substr(dot + 1);
    if (std::find(section_order.begin(), section_order.end(), section) == section_order.end()) {
      section_order.push_back(section);
    }
    std::string line = name + " = " + Masked(values[i], spec.secret);
    line.resize(std::max<size_t>(line.size() + 2, 40), ' ');
    lines[section] += line + "# " + spec.flag + "\n";
  }
  std::string out = "# " + title + "\n";
  for (const std::string& section : section_order) {
    if (lines[section].empty()) continue;
    if (!section.empty()) out += "\n[" + section + "]\n";
    out += lines[section];
  }
  return out;
}

std::string UsageTable(const std::vector<Spec>& specs) {
  std::string out;
  for (const Spec& spec : specs) {
    std::string head = "  " + spec.flag;
    if (!spec.metavar.empty() && spec.kind != Kind::kSwitch) head += " " + spec.metavar;
    head.resize(std::max<size_t>(head.size() + 2, 34), ' ');
    std::string where;
    if (spec.kind == Kind::kCommand) {
      where = "(command line only)";
    } else if (spec.kind == Kind::kSwitch && !spec.switch_value) {
      where = spec.key + " = false";
    } else {
      where = spec.key;
    }
    out += head + where + "\n      " + spec.help + "\n";
  }
  return out;
}

}  // namespace yimen::config
