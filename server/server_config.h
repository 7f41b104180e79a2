// yimen-server's settings and their one option table (config/options.h): every flag
// is also a key of /etc/yimen/server.toml (packaging/etc/server.toml), and yimen-admin
// reads the same file for its database. docs/operations.md "Configuration".
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/options.h"
#include "server/http_frontend.h"
#include "server/service.h"

namespace yimen::server {

struct ServerSettings {
  ServerOptions core;    // database.url (--pg)
  ListenOptions listen;  // [listen]: address (host and port), TLS pair, limits, proxies
  // [metrics] listen (--metrics-listen): GET /metrics on a loopback socket of its own;
  // unset = no metrics listener (docs/operations.md "Metrics and logs").
  std::optional<ListenOptions> metrics_listen;
  bool version = false;        // --version: print and exit
  bool catalog_given = false;  // --catalog DIR (its path: core.catalog_dir)
  int unlock_minutes = 60;     // [keys] unlock_minutes: becomes core.unlock_for
};

// The defaults yimen-server starts from: listen on 127.0.0.1:8443.
ServerSettings DefaultServerSettings();

// yimen-server's options, in the order --help and --print-config show them. Pure.
const std::vector<config::Option<ServerSettings>>& ServerOptionTable();

// "HOST:PORT" → host and port (IPv6 as [::1]:8443 or ::1:8443). False when it does not
// parse or the port is outside 0..65535. Pure.
bool ParseListenAddress(const std::string& text, std::string* host, int* port);

// The database URL a server configuration file names (database.url), for yimen-admin
// --config FILE: the whole file is checked against the server's table, so a typo is
// refused here too. kInvalidArgument for a bad file or one without database.url.
Result<std::string> DatabaseUrlFromConfig(const std::string& path);

}  // namespace yimen::server
