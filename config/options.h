// One table of options per binary, read by both the command-line parser and the TOML
// file reader (toml++), so a flag and its key cannot drift apart: `--max-connections N`
// is `max_connections = N` under `[listen]`. Defaults come from the binary's own
// struct, then the file (--config FILE), then the flags. The effective result prints
// back as TOML with secrets masked (--print-config). docs/operations.md "Configuration".
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/result.h"

namespace yimen::config {

// What a value is, on the command line and in the file.
enum class Kind {
  kText,      // --flag VALUE            key = "VALUE"
  kInteger,   // --flag N                key = N  (between min and max)
  kNumber,    // --flag X                key = X  (a float; an integer is taken too)
  kSwitch,    // --flag (no value)       key = true | false
  kTextList,  // --flag VALUE, repeated  key = ["VALUE", ...] (flags replace the file's list)
  kCommand,   // a one-shot action (--version, --enroll URL CODE): command line only
};

// How --print-config shows a value.
enum class Secret {
  kNone,        // as it is (file paths included: a key's path is not the key)
  kWhole,       // "(secret)" whenever set
  kConnection,  // a PostgreSQL URL or key=value string with its password masked
};

using Value = std::variant<bool, int64_t, double, std::string, std::vector<std::string>>;

// One option, as the engine sees it. `key` is "section.name" or "name"; empty for a
// kCommand. A kSwitch with switch_value false is an "off" flag (--no-voice ↔
// voice.enabled = false).
struct Spec {
  std::string flag;  // "--max-connections"
  std::string key;   // "listen.max_connections"
  Kind kind = Kind::kText;
  std::string metavar;  // "N" in the usage text
  std::string help;     // one line: what it does, with its unit
  Secret secret = Secret::kNone;
  int64_t min = 0, max = 0;  // kInteger and kNumber: the accepted range, inclusive
  bool switch_value = true;  // kSwitch: what giving the flag sets
  int arity = 0;             // kCommand: how many values follow the flag (0..2)
};

// One value for one option, and where it came from ("server.toml:12" or "--workers")
// so an error names the line or the flag.
struct Assignment {
  size_t option = 0;  // index into the table
  Value value;
  std::string origin;
};

// What the command line said besides options.
struct CommandLine {
  std::string config_file;              // --config FILE; empty: no file is read
  bool print_config = false;            // --print-config
  std::vector<Assignment> assignments;  // in the order given
};

// Parses argv against `specs` (--config and --print-config are the engine's own).
// kInvalidArgument naming the flag: an unknown flag, a missing value, a value of the
// wrong kind or out of range. Pure.
Result<CommandLine> ParseCommandLine(const std::vector<Spec>& specs, int argc,
                                     const char* const* argv);

// Reads a TOML document (the file's text; `name` for messages). kInvalidArgument as
// "NAME:LINE:COLUMN: ..." for a syntax error, an unknown section or key, a value of
// the wrong type or out of range, or a command's flag used as a key. Pure.
Result<std::vector<Assignment>> ParseToml(const std::vector<Spec>& specs, std::string_view text,
                                          const std::string& name);
// ParseToml on a file's contents. kInvalidArgument when it cannot be read.
Result<std::vector<Assignment>> ReadTomlFile(const std::vector<Spec>& specs,
                                             const std::string& path);

// `value` as --print-config shows it: masked per `secret`. Pure.
std::string Masked(const Value& value, Secret secret);
// A PostgreSQL connection string with its password replaced by "****": the URL form
// (postgresql://user:PASSWORD@host/db, ?password=...) and the key=value form. Pure.
std::string MaskConnectionString(const std::string& text);

// The effective configuration as TOML: one `key = value  # --flag` line per option
// that is a key, grouped by section in table order, secrets masked. `values[i]` is
// option i's value (commands are skipped). Pure.
std::string FormatToml(const std::vector<Spec>& specs, const std::vector<Value>& values,
                       const std::string& title);

// "  --max-connections N   [listen] max_connections   open connections at once ..."
// for every option, for a binary's --help. Pure.
std::string UsageTable(const std::vector<Spec>& specs);

// A binary's options over its own settings struct T: each Spec with a setter that
// checks and stores a value and a getter that reads it back for --print-config.
template <class T>
struct Option {
  Spec spec;
  std::function<Status(T&, const Value&)> set;
  std::function<Value(const T&)> get;  // empty for commands
};

template <class T>
std::vector<Spec> SpecsOf(const std::vector<Option<T>>& table) {
  std::vector<Spec> specs;
  specs.reserve(table.size());
  for (const Option<T>& option : table) specs.push_back(option.spec);
  return specs;
}

// What Load did besides filling the settings.
struct Loaded {
  bool print_config = false;
  std::string config_file;  // "" when none was given
};

// Fills `settings` (already holding the binary's defaults): the file named by
// --config, then the flags, each through its option's setter. kInvalidArgument naming
// the line or flag for any error. Main thread, at start.
template <class T>
Result<Loaded> Load(const std::vector<Option<T>>& table, int argc, const char* const* argv,
                    T* settings) {
  const std::vector<Spec> specs = SpecsOf(table);
  auto command_line = ParseCommandLine(specs, argc, argv);
  if (!command_line.ok()) return command_line.error();
  std::vector<Assignment> assignments;
  if (!command_line->config_file.empty()) {
    auto from_file = ReadTomlFile(specs, command_line->config_file);
    if (!from_file.ok()) return from_file.error();
    assignments = std::move(*from_file);
  }
  assignments.insert(assignments.end(), command_line->assignments.begin(),
                     command_line->assignments.end());
  for (const Assignment& assignment : assignments) {
    if (Status set = table[assignment.option].set(*settings, assignment.value); !set.ok()) {
      return MakeError(ErrorKind::kInvalidArgument, assignment.origin + ": " + set.error().message);
    }
  }
  return Loaded{command_line->print_config, command_line->config_file};
}

// The effective configuration of `settings` as TOML (FormatToml). Pure.
template <class T>
std::string Print(const std::vector<Option<T>>& table, const T& settings,
                  const std::string& title) {
  std::vector<Value> values;
  values.reserve(table.size());
  for (const Option<T>& option : table) {
    values.push_back(option.get ? option.get(settings) : Value{false});
  }
  return FormatToml(SpecsOf(table), values, title);
}

// Option factories. `field` is a generic lambda giving the field, for reading and for
// writing: `[](auto& s) -> auto& { return s.listen.tls_cert; }`. Each setter checks the
// value's kind (ParseCommandLine and ParseToml already did) and range.
template <class T, class Field>
Option<T> Text(std::string flag, std::string key, std::string metavar, std::string help,
               Field field, Secret secret = Secret::kNone) {
  Spec spec{std::move(flag),    std::move(key),  Kind::kText,
            std::move(metavar), std::move(help), secret};
  return {std::move(spec),
          [field](T& s, const Value& v) -> Status {
            field(s) = std::get<std::string>(v);
            return Status::Ok();
          },
          [field](const T& s) -> Value { return field(s); }};
}

template <class T, class Field>
Option<T> Integer(std::string flag, std::string key, std::string metavar, std::string help,
                  int64_t min, int64_t max, Field field) {
  Spec spec{std::move(flag), std::move(key), Kind::kInteger, std::move(metavar), std::move(help)};
  spec.min = min;
  spec.max = max;
  return {std::move(spec),
          [field](T& s, const Value& v) -> Status {
            using Target = std::remove_reference_t<decltype(field(s))>;
            field(s) = static_cast<Target>(std::get<int64_t>(v));
            return Status::Ok();
          },
          [field](const T& s) -> Value { return static_cast<int64_t>(field(s)); }};
}

template <class T, class Field>
Option<T> Number(std::string flag, std::string key, std::string metavar, std::string help,
                 int64_t min, int64_t max, Field field) {
  Spec spec{std::move(flag), std::move(key), Kind::kNumber, std::move(metavar), std::move(help)};
  spec.min = min;
  spec.max = max;
  return {std::move(spec),
          [field](T& s, const Value& v) -> Status {
            using Target = std::remove_reference_t<decltype(field(s))>;
            field(s) = static_cast<Target>(std::get<double>(v));
            return Status::Ok();
          },
          [field](const T& s) -> Value { return static_cast<double>(field(s)); }};
}

// A flag without a value. `when_given` is what the flag sets: false for an "off" flag
// such as --no-voice, whose key then reads naturally (voice.enabled = false).
template <class T, class Field>
Option<T> Switch(std::string flag, std::string key, std::string help, Field field,
                 bool when_given = true) {
  Spec spec{std::move(flag), std::move(key), Kind::kSwitch, "", std::move(help)};
  spec.switch_value = when_given;
  return {std::move(spec),
          [field](T& s, const Value& v) -> Status {
            field(s) = std::get<bool>(v);
            return Status::Ok();
          },
          [field](const T& s) -> Value { return static_cast<bool>(field(s)); }};
}

template <class T, class Field>
Option<T> TextList(std::string flag, std::string key, std::string metavar, std::string help,
                   Field field) {
  Spec spec{std::move(flag), std::move(key), Kind::kTextList, std::move(metavar), std::move(help)};
  return {std::move(spec),
          [field](T& s, const Value& v) -> Status {
            field(s) = std::get<std::vector<std::string>>(v);
            return Status::Ok();
          },
          [field](const T& s) -> Value { return field(s); }};
}

// A command-line-only action. `set` receives its values as a list (empty for arity 0).
template <class T>
Option<T> Command(std::string flag, std::string metavar, std::string help, int arity,
                  std::function<Status(T&, const std::vector<std::string>&)> set) {
  Spec spec{std::move(flag), "", Kind::kCommand, std::move(metavar), std::move(help)};
  spec.arity = arity;
  return {std::move(spec),
          [set = std::move(set)](T& s, const Value& v) -> Status {
            return set(s, std::get<std::vector<std::string>>(v));
          },
          nullptr};
}

// Wraps an option's setter with a check run on the value first (a listen address that
// must parse, a URL scheme): `check` returns an error message, or "" when fine.
template <class T>
Option<T> Checked(Option<T> option, std::function<std::string(const Value&)> check) {
  option.set = [inner = std::move(option.set), check = std::move(check)](T& s,
                                                                         const Value& v) -> Status {
    if (std::string why = check(v); !why.empty()) {
      return MakeError(ErrorKind::kInvalidArgument, why);
    }
    return inner(s, v);
  };
  return option;
}

}  // namespace yimen::config
