// The binaries' own option tables (server/server_config.h, app/kiosk_options.h): flags
// and keys unique, every setting printable and read back unchanged, and the server's
// listen address parsed strictly.
#include <gtest/gtest.h>

#include <set>

#include "config/options.h"
#ifdef YIMEN_TEST_SERVER_TABLE
#include "server/server_config.h"
#endif
#ifdef YIMEN_TEST_KIOSK_TABLE
#include "app/kiosk_options.h"
#endif

namespace yimen::config {
namespace {

template <class T>
void ExpectUniqueFlagsAndKeys(const std::vector<Option<T>>& table) {
  std::set<std::string> flags, keys;
  for (const Option<T>& option : table) {
    EXPECT_TRUE(flags.insert(option.spec.flag).second) << "flag twice: " << option.spec.flag;
    EXPECT_EQ(option.spec.flag.rfind("--", 0), 0u) << option.spec.flag;
    EXPECT_FALSE(option.spec.help.empty()) << option.spec.flag;
    if (option.spec.kind == Kind::kCommand) {
      EXPECT_TRUE(option.spec.key.empty()) << option.spec.flag;
      continue;
    }
    EXPECT_TRUE(keys.insert(option.spec.key).second) << "key twice: " << option.spec.key;
    EXPECT_TRUE(option.get) << option.spec.flag;
  }
}

// Prints `settings`, reads the text back into defaults, prints again: the same text.
template <class T>
void ExpectPrintReadsBack(const std::vector<Option<T>>& table, const T& defaults,
                          const T& settings) {
  const std::string printed = Print(table, settings, "t");
  auto assignments = ParseToml(SpecsOf(table), printed, "printed.toml");
  ASSERT_TRUE(assignments.ok()) << assignments.error().message << "\n" << printed;
  T reread = defaults;
  for (const Assignment& a : *assignments) {
    ASSERT_TRUE(table[a.option].set(reread, a.value).ok()) << a.origin;
  }
  EXPECT_EQ(Print(table, reread, "t"), printed);
}

#ifdef YIMEN_TEST_SERVER_TABLE
TEST(ServerOptions, FlagsAndKeysAreUniqueAndEverySettingPrintsBack) {
  const auto& table = server::ServerOptionTable();
  ExpectUniqueFlagsAndKeys(table);
  server::ServerSettings settings = server::DefaultServerSettings();
  const char* argv[] = {"yimen-server",
                        "--pg",
                        "postgresql://y@db/y",
                        "--listen",
                        "[::1]:9443",
                        "--workers",
                        "3",
                        "--max-connections",
                        "5000",
                        "--tls-cert",
                        "/c.pem",
                        "--tls-key",
                        "/k.pem"};
  auto loaded = Load(table, 13, argv, &settings);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(settings.listen.host, "::1");
  EXPECT_EQ(settings.listen.port, 9443);
  EXPECT_EQ(settings.listen.limits.workers, 3);
  EXPECT_EQ(settings.listen.limits.max_connections, 5000u);
  ExpectPrintReadsBack(table, server::DefaultServerSettings(), settings);
}

// The settings added with the metrics listener, the nginx front and group commit are
// keys too, and an empty metrics address turns the listener off again.
TEST(ServerOptions, MetricsProxiesAndGroupCommitAreKeys) {
  const auto& table = server::ServerOptionTable();
  auto assignments = ParseToml(SpecsOf(table),
                               "[listen]\ntrusted_proxies = [\"127.0.0.1\", \"::1\"]\n"
                               "[ingest]\ngroup_commit_us = 0\ngroup_commit_items = 64\n"
                               "[metrics]\nlisten = \"127.0.0.1:9464\"\n",
                               "server.toml");
  ASSERT_TRUE(assignments.ok()) << assignments.error().message;
  server::ServerSettings settings = server::DefaultServerSettings();
  for (const Assignment& a : *assignments) ASSERT_TRUE(table[a.option].set(settings, a.value).ok());
  EXPECT_EQ(settings.listen.trusted_proxies, (std::vector<std::string>{"127.0.0.1", "::1"}));
  EXPECT_EQ(settings.core.group_commit.window_us, 0);
  EXPECT_EQ(settings.core.group_commit.max_items, 64u);
  ASSERT_TRUE(settings.metrics_listen.has_value());
  EXPECT_EQ(settings.metrics_listen->host, "127.0.0.1");
  EXPECT_EQ(settings.metrics_listen->port, 9464);
  ExpectPrintReadsBack(table, server::DefaultServerSettings(), settings);
  // A flag wins over the file, and "" switches the metrics listener off.
  const char* argv[] = {"yimen-server", "--metrics-listen", "", "--group-commit-us", "1500"};
  auto loaded = Load(table, 5, argv, &settings);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_FALSE(settings.metrics_listen.has_value());
  EXPECT_EQ(settings.core.group_commit.window_us, 1500);
  const char* bad[] = {"yimen-server", "--metrics-listen", "9464"};
  EXPECT_FALSE(Load(table, 3, bad, &settings).ok());
}

TEST(ServerOptions, ListenAddressIsHostColonPort) {
  std::string host;
  int port = -1;
  EXPECT_TRUE(server::ParseListenAddress("0.0.0.0:8443", &host, &port));
  EXPECT_EQ(host, "0.0.0.0");
  EXPECT_EQ(port, 8443);
  EXPECT_TRUE(server::ParseListenAddress("127.0.0.1:0", &host, &port));
  for (const char* bad : {"8443", "host:", ":8443", "host:99999", "host:84x3", "host:-1"}) {
    EXPECT_FALSE(server::ParseListenAddress(bad, &host, &port)) << bad;
  }
  server::ServerSettings settings = server::DefaultServerSettings();
  const char* argv[] = {"yimen-server", "--listen", "nohost"};
  auto loaded = Load(server::ServerOptionTable(), 3, argv, &settings);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("--listen: listen address 'nohost' is not HOST:PORT"),
            std::string::npos)
      << loaded.error().message;
}
#endif

#ifdef YIMEN_TEST_KIOSK_TABLE
TEST(KioskOptions, FlagsAndKeysAreUniqueAndEverySettingPrintsBack) {
  const auto& table = kiosk::KioskOptionTable();
  ExpectUniqueFlagsAndKeys(table);
  kiosk::KioskFlags flags;
  const char* argv[] = {
      "yimen-kiosk",  "--kiosk",   "--no-voice",         "--server-pin", "sha256//a",
      "--server-pin", "sha256//b", "--screen-inches",    "27",           "--printer",
      "hp",           "--enroll",  "http://127.0.0.1:1", "CODE"};
  auto loaded = Load(table, 14, argv, &flags);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_TRUE(flags.kiosk);
  EXPECT_FALSE(flags.voice);
  EXPECT_EQ(flags.server_pins.size(), 2u);
  EXPECT_EQ(flags.enroll_code, "CODE");
  ExpectPrintReadsBack(table, kiosk::KioskFlags{}, flags);
}
#endif

}  // namespace
}  // namespace yimen::config
