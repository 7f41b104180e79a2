// yimen-server's option table (server_config.h).
#include "server/server_config.h"

#include <charconv>

namespace yimen::server {

namespace cfg = yimen::config;
using Opt = cfg::Option<ServerSettings>;

ServerSettings DefaultServerSettings() {
  ServerSettings settings;
  settings.listen.host = "127.0.0.1";
  settings.listen.port = 8443;
  return settings;
}

bool ParseListenAddress(const std::string& text, std::string* host, int* port) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 >= text.size()) return false;
  int value = -1;
  const char* begin = text.data() + colon + 1;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || ptr != end || value < 0 || value > 65535) return false;
  std::string name = text.substr(0, colon);
  if (name.size() > 2 && name.front() == '[' && name.back() == ']') {
    name = name.substr(1, name.size() - 2);
  }
  *host = name;
  *port = value;
  return true;
}

namespace {

// HOST:PORT as --print-config shows it (IPv6 in brackets).
std::string FormatAddress(const ListenOptions& listen) {
  const bool v6 = listen.host.find(':') != std::string::npos;
  return (v6 ? "[" + listen.host + "]" : listen.host) + ":" + std::to_string(listen.port);
}

// `text` into the host and port of `*listen`; `what` names the setting in the error.
Status ParseAddressInto(const char* what, const std::string& text, ListenOptions* listen) {
  if (ParseListenAddress(text, &listen->host, &listen->port)) return Status::Ok();
  return MakeError(ErrorKind::kInvalidArgument,
                   std::string(what) + " '" + text + "' is not HOST:PORT (port 0-65535)");
}

// --listen HOST:PORT ↔ listen.address: one string that fills two fields.
Opt ListenAddress() {
  Opt option;
  option.spec = {"--listen", "listen.address", cfg::Kind::kText, "HOST:PORT",
                 "address and port to serve on; plain HTTP only on a loopback address "
                 "(default 127.0.0.1:8443)"};
  option.set = [](ServerSettings& s, const cfg::Value& value) -> Status {
    return ParseAddressInto("listen address", std::get<std::string>(value), &s.listen);
  };
  option.get = [](const ServerSettings& s) -> cfg::Value { return FormatAddress(s.listen); };
  return option;
}

// --metrics-listen HOST:PORT ↔ metrics.listen: "" = no metrics listener. Plain HTTP,
// so HttpFrontend::Bind refuses anything but a loopback address.
Opt MetricsListen() {
  Opt option;
  option.spec = {"--metrics-listen", "metrics.listen", cfg::Kind::kText, "HOST:PORT",
                 "serve GET /metrics (Prometheus) there, a loopback address only; the API "
                 "listener never serves it (default: off)"};
  option.set = [](ServerSettings& s, const cfg::Value& value) -> Status {
    const std::string& text = std::get<std::string>(value);
    s.metrics_listen.reset();
    if (text.empty()) return Status::Ok();
    ListenOptions metrics;
    if (Status parsed = ParseAddressInto("metrics address", text, &metrics); !parsed.ok()) {
      return parsed;
    }
    s.metrics_listen = metrics;
    return Status::Ok();
  };
  option.get = [](const ServerSettings& s) -> cfg::Value {
    return s.metrics_listen ? FormatAddress(*s.metrics_listen) : std::string();
  };
  return option;
}

std::vector<Opt> MakeTable() {
  std::vector<Opt> table;
  table.push_back(cfg::Text<ServerSettings>(
      "--pg", "database.url", "URL",
      "PostgreSQL connection (URL or key=value); its password is masked by --print-config",
      [](auto& s) -> auto& { return s.core.pg_url; }, cfg::Secret::kConnection));
  table.push_back(ListenAddress());
  table.push_back(cfg::Text<ServerSettings>(
      "--tls-cert", "listen.tls_cert", "PEM",
      "TLS certificate chain (with tls_key; needed off loopback)",
      [](auto& s) -> auto& { return s.listen.tls_cert; }));
  table.push_back(cfg::Text<ServerSettings>(
      "--tls-key", "listen.tls_key", "PEM",
      "TLS private key file (the path is shown, never the key)",
      [](auto& s) -> auto& { return s.listen.tls_key; }));
  table.push_back(cfg::Integer<ServerSettings>(
      "--max-connections", "listen.max_connections", "N",
      "open connections at once; 0: the file limit minus 256", 0, 10'000'000,
      [](auto& s) -> auto& { return s.listen.limits.max_connections; }));
  table.push_back(cfg::Integer<ServerSettings>(
      "--workers", "listen.workers", "N",
      "threads for PostgreSQL work (twice as many pooled connections)", 1, 1024,
      [](auto& s) -> auto& { return s.listen.limits.workers; }));
  table.push_back(cfg::Integer<ServerSettings>(
      "--group-commit-us", "ingest.group_commit_us", "N",
      "how long pushes and heartbeats wait for a commit in flight, gathering others to "
      "share the next one, in microseconds (0: a commit each)",
      0, 10'000'000, [](auto& s) -> auto& { return s.core.group_commit.window_us; }));
  table.push_back(cfg::Integer<ServerSettings>(
      "--group-commit-linger-us", "ingest.group_commit_linger_us", "N",
      "how long they wait for company when nothing is committing (0: commit at once)", 0,
      10'000'000, [](auto& s) -> auto& { return s.core.group_commit.linger_us; }));
  table.push_back(cfg::Integer<ServerSettings>(
      "--group-commit-items", "ingest.group_commit_items", "N",
      "a group commits at once with this many applications", 1, 100'000,
      [](auto& s) -> auto& { return s.core.group_commit.max_items; }));
  table.push_back(cfg::TextList<ServerSettings>(
      "--trusted-proxy", "listen.trusted_proxies", "ADDR",
      "a proxy's address (nginx: 127.0.0.1) whose X-Forwarded-For is believed for "
      "per-client limits; repeatable",
      [](auto& s) -> auto& { return s.listen.trusted_proxies; }));
  table.push_back(MetricsListen());
  table.push_back(cfg::Integer<ServerSettings>(
      "--console-idle-seconds", "console.session_idle_seconds", "N",
      "an office console session ends after this long without a request (default 1800)", 1,
      7 * 24 * 3600, [](auto& s) -> auto& { return s.core.console.session.idle_seconds; }));
  table.push_back(cfg::Integer<ServerSettings>(
      "--console-max-seconds", "console.session_max_seconds", "N",
      "an office console session ends this long after sign-in, however busy (default 43200)", 1,
      30 * 24 * 3600, [](auto& s) -> auto& { return s.core.console.session.absolute_seconds; }));
  table.push_back(cfg::Integer<ServerSettings>(
      "--fleet-silent-minutes", "console.fleet_silent_minutes", "N",
      "the console's fleet page flags a kiosk silent after this long without a heartbeat "
      "(default 30)",
      1, 7 * 24 * 60, [](auto& s) -> auto& { return s.core.console.fleet_silent_minutes; }));
  table.push_back(cfg::Integer<ServerSettings>(
      "--unlock-minutes", "keys.unlock_minutes", "N",
      "how long an unlock keeps the sealing secrets in this server's memory before they "
      "are wiped (docs/operations.md \"Key custody\")",
      1, 24 * 60, [](auto& s) -> auto& { return s.unlock_minutes; }));
  table.push_back(cfg::Text<ServerSettings>(
      "--phone-url", "phone.public_url", "URL",
      "the public base URL phones reach this server at (https://...); links are "
      "URL/m/TOKEN. Unset: photos from a phone are off (docs/devices.md)",
      [](auto& s) -> auto& { return s.core.phone.public_url; }));
  table.push_back(cfg::Integer<ServerSettings>(
      "--phone-link-seconds", "phone.link_seconds", "N",
      "how long a phone upload link lives (default 600, the ten minutes the kiosk says)", 5,
      protocol::kPhoneLinkSeconds, [](auto& s) -> auto& { return s.core.phone.link_seconds; }));
  table.push_back(cfg::Integer<ServerSettings>(
      "--phone-uploads-per-address", "phone.uploads_per_address", "N",
      "phone uploads one client address may make in 10 minutes (default 60)", 1, 1'000'000,
      [](auto& s) -> auto& { return s.core.phone.uploads_allowed; }));
  table.push_back(cfg::Integer<ServerSettings>(
      "--phone-wrong-tokens-per-address", "phone.wrong_tokens_per_address", "N",
      "wrong phone-link tokens one client address may try in 10 minutes before 429 "
      "(default 10)",
      1, 1'000'000, [](auto& s) -> auto& { return s.core.phone.failures_allowed; }));
  table.push_back(cfg::Command<ServerSettings>(
      "--catalog", "DIR",
      "the server's own catalog, for re-validating opened applications filled with its "
      "version (published versions are known without it)",
      1, [](ServerSettings& s, const std::vector<std::string>& args) -> Status {
        s.catalog_given = true;
        s.core.catalog_dir = args.empty() ? std::string() : args[0];
        return Status::Ok();
      }));
  table.push_back(cfg::Command<ServerSettings>(
      "--version", "", "print the version and exit", 0,
      [](ServerSettings& s, const std::vector<std::string>&) -> Status {
        s.version = true;
        return Status::Ok();
      }));
  return table;
}

}  // namespace

Result<std::string> DatabaseUrlFromConfig(const std::string& path) {
  auto assignments = cfg::ReadTomlFile(cfg::SpecsOf(ServerOptionTable()), path);
  if (!assignments.ok()) return assignments.error();
  ServerSettings settings = DefaultServerSettings();
  for (const cfg::Assignment& assignment : *assignments) {
    if (Status set = ServerOptionTable()[assignment.option].set(settings, assignment.value);
        !set.ok()) {
      return MakeError(ErrorKind::kInvalidArgument, assignment.origin + ": " + set.error().message);
    }
  }
  if (settings.core.pg_url.empty()) {
    return MakeError(ErrorKind::kInvalidArgument, path + " sets no [database] url");
  }
  return settings.core.pg_url;
}

const std::vector<Opt>& ServerOptionTable() {
  static const std::vector<Opt> table = MakeTable();
  return table;
}

}  // namespace yimen::server
