// The option engine (config/options.h) on a table of its own: flags and keys from one
// table, unknown keys and wrong types refused with their line, defaults < file <
// flags, secrets masked, and --print-config's output read back as the same values.
#include "config/options.h"

#include <gtest/gtest.h>

namespace yimen::config {
namespace {

struct Settings {
  std::string url;
  std::string token;
  std::string address = "127.0.0.1:8443";
  int64_t workers = 8;
  double inches = 21.5;
  bool voice = true;
  bool kiosk = false;
  std::vector<std::string> pins;
  bool version = false;
};

const std::vector<Option<Settings>>& Table() {
  static const std::vector<Option<Settings>> table = [] {
    std::vector<Option<Settings>> t;
    t.push_back(Text<Settings>(
        "--pg", "database.url", "URL", "db", [](auto& s) -> auto& { return s.url; },
        Secret::kConnection));
    t.push_back(Text<Settings>(
        "--token", "database.token", "T", "a secret", [](auto& s) -> auto& { return s.token; },
        Secret::kWhole));
    t.push_back(Text<Settings>(
        "--listen", "listen.address", "HOST:PORT", "where",
        [](auto& s) -> auto& { return s.address; }));
    t.push_back(Integer<Settings>(
        "--workers", "listen.workers", "N", "threads", 1, 64,
        [](auto& s) -> auto& { return s.workers; }));
    t.push_back(Number<Settings>(
        "--screen-inches", "screen.inches", "N", "size", 5, 120,
        [](auto& s) -> auto& { return s.inches; }));
    t.push_back(Switch<Settings>(
        "--no-voice", "voice.enabled", "off", [](auto& s) -> auto& { return s.voice; }, false));
    t.push_back(Switch<Settings>(
        "--kiosk", "kiosk", "locked down", [](auto& s) -> auto& { return s.kiosk; }));
    t.push_back(TextList<Settings>(
        "--server-pin", "sync.server_pins", "PIN", "pins",
        [](auto& s) -> auto& { return s.pins; }));
    t.push_back(Command<Settings>("--version", "", "print", 0,
                                  [](Settings& s, const std::vector<std::string>&) -> Status {
                                    s.version = true;
                                    return Status::Ok();
                                  }));
    return t;
  }();
  return table;
}

Result<std::vector<Assignment>> FromToml(const std::string& text) {
  return ParseToml(SpecsOf(Table()), text, "test.toml");
}

// Applies a TOML text and then argv to fresh settings.
Result<Settings> Apply(const std::string& toml, std::vector<const char*> argv) {
  Settings settings;
  auto file = FromToml(toml);
  if (!file.ok()) return file.error();
  argv.insert(argv.begin(), "prog");
  auto flags = ParseCommandLine(SpecsOf(Table()), static_cast<int>(argv.size()), argv.data());
  if (!flags.ok()) return flags.error();
  std::vector<Assignment> all = *file;
  all.insert(all.end(), flags->assignments.begin(), flags->assignments.end());
  for (const Assignment& a : all) {
    if (Status s = Table()[a.option].set(settings, a.value); !s.ok()) return s.error();
  }
  return settings;
}

TEST(ConfigFile, RefusesAnUnknownKeyWithItsLineAndANearMiss) {
  auto parsed = FromToml("[listen]\nworkers = 2\n\n# comment\nwrokers = 3\n");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().message.rfind("test.toml:5:1: unknown key listen.wrokers", 0), 0u)
      << parsed.error().message;
  EXPECT_NE(parsed.error().message.find("did you mean listen.workers?"), std::string::npos);
}

TEST(ConfigFile, RefusesAnUnknownSectionAndAKeyInTheWrongSection) {
  auto section = FromToml("[listne]\nworkers = 2\n");
  ASSERT_FALSE(section.ok());
  EXPECT_NE(section.error().message.find("test.toml:1:"), std::string::npos);
  EXPECT_NE(section.error().message.find("unknown section [listne]"), std::string::npos);
  auto misplaced = FromToml("[database]\nworkers = 2\n");
  ASSERT_FALSE(misplaced.ok());
  EXPECT_NE(misplaced.error().message.find("test.toml:2:1: unknown key database.workers"),
            std::string::npos);
  EXPECT_NE(misplaced.error().message.find("did you mean listen.workers?"), std::string::npos)
      << misplaced.error().message;
}

TEST(ConfigFile, RefusesWrongTypesAndValuesOutOfRange) {
  struct Case {
    const char* toml;
    const char* message;
  } cases[] = {
      {"[listen]\nworkers = \"8\"\n",
       "test.toml:2:1: listen.workers must be an integer from 1 to 64 (found a string)"},
      {"[listen]\nworkers = 65\n",
       "test.toml:2:1: listen.workers must be an integer from 1 to 64 (found an integer)"},
      {"[listen]\nworkers = 2.5\n", "(found a float)"},
      {"kiosk = \"yes\"\n", "test.toml:1:1: kiosk must be true or false (found a string)"},
      {"[sync]\nserver_pins = \"sha256//x\"\n",
       "sync.server_pins must be a list of strings (found a string)"},
      {"[sync]\nserver_pins = [\"a\", 1]\n", "must be a list of strings (found an array)"},
      {"[database]\nurl = 5\n", "database.url must be a string (found an integer)"},
      {"version = true\n", "unknown key version"},                       // a command is not a key
      {"[listen]\naddress = \"a\"\naddress = \"b\"\n", "test.toml:3:"},  // toml++: redefinition
      {"[listen\n", "test.toml:1:"},
  };
  for (const Case& c : cases) {
    auto parsed = FromToml(c.toml);
    ASSERT_FALSE(parsed.ok()) << c.toml;
    EXPECT_NE(parsed.error().message.find(c.message), std::string::npos)
        << c.toml << " → " << parsed.error().message;
    EXPECT_EQ(parsed.error().kind, ErrorKind::kInvalidArgument);
  }
}

TEST(ConfigFile, FlagsOverrideTheFileWhichOverridesTheDefaults) {
  auto settings = Apply(
      "[listen]\nworkers = 3\naddress = \"0.0.0.0:9000\"\n[screen]\ninches = 32\n"
      "[sync]\nserver_pins = [\"file1\", \"file2\"]\n",
      {"--workers", "5", "--server-pin", "flag1", "--server-pin=flag2"});
  ASSERT_TRUE(settings.ok()) << settings.error().message;
  EXPECT_EQ(settings->workers, 5);               // flag over file
  EXPECT_EQ(settings->address, "0.0.0.0:9000");  // file over default
  EXPECT_DOUBLE_EQ(settings->inches, 32.0);      // an integer where a float is wanted
  EXPECT_EQ(settings->url, "");                  // default kept
  EXPECT_EQ(settings->pins, (std::vector<std::string>{"flag1", "flag2"}));  // replaced, not merged
}

TEST(ConfigFile, AnOffSwitchReadsNaturallyInTheFile) {
  auto from_file = Apply("[voice]\nenabled = false\n", {});
  ASSERT_TRUE(from_file.ok());
  EXPECT_FALSE(from_file->voice);
  auto from_flag = Apply("[voice]\nenabled = true\n", {"--no-voice"});
  ASSERT_TRUE(from_flag.ok());
  EXPECT_FALSE(from_flag->voice);
}

TEST(CommandLine, RefusesUnknownFlagsMissingValuesAndBadNumbers) {
  EXPECT_NE(Apply("", {"--wrokers", "2"}).error().message.find("unknown flag --wrokers"),
            std::string::npos);
  EXPECT_NE(Apply("", {"--workers"}).error().message.find("--workers needs a value"),
            std::string::npos);
  EXPECT_NE(Apply("", {"--workers", "2x"})
                .error()
                .message.find("--workers: expected an integer from 1 to 64, got '2x'"),
            std::string::npos);
  EXPECT_NE(Apply("", {"--workers", "0"}).error().message.find("got '0'"), std::string::npos);
  EXPECT_NE(Apply("", {"--screen-inches", "abc"}).error().message.find("--screen-inches"),
            std::string::npos);
  EXPECT_NE(Apply("", {"--kiosk=yes"}).error().message.find("--kiosk takes no value"),
            std::string::npos);
}

TEST(CommandLine, TakesConfigAndPrintConfig) {
  const char* argv[] = {"prog", "--config", "/etc/yimen/x.toml", "--print-config", "--version"};
  auto parsed = ParseCommandLine(SpecsOf(Table()), 5, argv);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->config_file, "/etc/yimen/x.toml");
  EXPECT_TRUE(parsed->print_config);
  ASSERT_EQ(parsed->assignments.size(), 1u);
  const char* no_file[] = {"prog", "--config"};
  EXPECT_FALSE(ParseCommandLine(SpecsOf(Table()), 2, no_file).ok());
}

TEST(Masking, HidesPasswordsAndTokensButNotPaths) {
  EXPECT_EQ(
      MaskConnectionString("postgresql://yimen:s3cr:et@db.example:5432/yimen?sslmode=require"),
      "postgresql://yimen:****@db.example:5432/yimen?sslmode=require");
  EXPECT_EQ(MaskConnectionString("postgresql://yimen@db/yimen?password=hunter2&sslmode=require"),
            "postgresql://yimen@db/yimen?password=****&sslmode=require");
  EXPECT_EQ(MaskConnectionString("host=/run/postgresql user=yimen password=hunter2 dbname=y"),
            "host=/run/postgresql user=yimen password=**** dbname=y");
  EXPECT_EQ(MaskConnectionString("host=db password = 'a b\\'c' dbname=y"),
            "host=db password = **** dbname=y");
  EXPECT_EQ(MaskConnectionString("postgresql://yimen@db/yimen"), "postgresql://yimen@db/yimen");
  EXPECT_EQ(Masked(Value{std::string("tok-123")}, Secret::kWhole), "\"(secret)\"");
  EXPECT_EQ(Masked(Value{std::string("")}, Secret::kWhole), "\"\"");  // unset stays visible
  EXPECT_EQ(Masked(Value{std::string("/etc/yimen/tls.key")}, Secret::kNone),
            "\"/etc/yimen/tls.key\"");
}

TEST(PrintConfig, WritesTomlThatReadsBackToTheSameValuesWithSecretsMasked) {
  auto settings =
      Apply("", {"--pg", "postgresql://u:pw@h/d", "--token", "abc", "--workers", "4",
                 "--server-pin", "sha256//\"q\"", "--no-voice", "--screen-inches", "23.8"});
  ASSERT_TRUE(settings.ok());
  const std::string text = Print(Table(), *settings, "test");
  EXPECT_EQ(text.find("pw@"), std::string::npos) << text;
  EXPECT_EQ(text.find("abc"), std::string::npos) << text;
  EXPECT_NE(text.find("url = \"postgresql://u:****@h/d\""), std::string::npos) << text;
  EXPECT_NE(text.find("# --workers"), std::string::npos);
  auto reread = Apply(text, {});
  ASSERT_TRUE(reread.ok()) << reread.error().message << "\n" << text;
  EXPECT_EQ(reread->workers, 4);
  EXPECT_EQ(reread->pins, settings->pins);
  EXPECT_FALSE(reread->voice);
  EXPECT_DOUBLE_EQ(reread->inches, 23.8);
  EXPECT_EQ(reread->token, "(secret)");
  // Top-level keys come before the first [section], as TOML requires.
  EXPECT_LT(text.find("kiosk = false"), text.find("[database]"));
}

}  // namespace
}  // namespace yimen::config
