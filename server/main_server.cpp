// yimen-server: the central intake API. Stateless; run as many copies as needed
// against one PostgreSQL database.
//   yimen-server [--config /etc/yimen/server.toml] [--pg URL] [--listen HOST:PORT]
//                [--tls-cert PEM --tls-key PEM] [--max-connections N] [--workers N]
//                [--group-commit-us N] [--group-commit-linger-us N] [--group-commit-items N]
//                [--metrics-listen HOST:PORT] [--trusted-proxy ADDR]... [--print-config]
//   Every flag is also a key of the file (server/server_config.h); flags win.
//                [--unlock-minutes N] [--catalog DIR]
//   (--catalog DIR: the server's own catalog, for re-validating applications where they
//    are opened; ingest never opens them)
#include <pthread.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "config/options.h"
#include "server/http_frontend.h"
#include "server/log.h"
#include "server/metrics.h"
#include "server/office_stats.h"
#include "server/server_config.h"
#include "server/service.h"
#include "server/systemd_watchdog.h"
#include "version.h"

namespace {

int Usage() {
  std::fprintf(stderr,
               "usage: yimen-server [--config FILE] [--print-config] [OPTIONS]\n"
               "  --config FILE: read settings from a TOML file (/etc/yimen/server.toml);\n"
               "  flags override it. --print-config: print the effective settings (secrets\n"
               "  masked) and exit. Each option, with its key in the file:\n%s",
               yimen::config::UsageTable(yimen::config::SpecsOf(yimen::server::ServerOptionTable()))
                   .c_str());
  return 2;
}

void LogFatal(const char* event, const std::string& message) {
  yimen::server::WriteLog(
      yimen::server::LogLine(yimen::server::LogLevel::kError, event).Add("error", message));
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) return Usage();
  }
  yimen::server::ServerSettings settings = yimen::server::DefaultServerSettings();
  auto loaded = yimen::config::Load(yimen::server::ServerOptionTable(), argc, argv, &settings);
  if (!loaded.ok()) {
    std::fprintf(stderr, "yimen-server: %s\n", loaded.error().message.c_str());
    return 2;
  }
  if (settings.version) {
    std::printf("yimen-server %s (%s)\n", YIMEN_VERSION, YIMEN_GIT_REV);
    return 0;
  }
  if (loaded->print_config) {
    std::printf(
        "%s", yimen::config::Print(
                  yimen::server::ServerOptionTable(), settings,
                  "yimen-server: effective configuration" +
                      (loaded->config_file.empty() ? std::string(" (no --config file)")
                                                   : " from " + loaded->config_file + " and flags"))
                  .c_str());
    return 0;
  }
  if (settings.core.pg_url.empty()) {
    std::fprintf(stderr,
                 "yimen-server: no database: --pg URL or [database] url in --config FILE\n");
    return Usage();
  }
  yimen::server::ServerOptions options = settings.core;
  options.unlock_for = std::chrono::minutes(settings.unlock_minutes);
  const yimen::server::ListenOptions& listen = settings.listen;
  // Secure cookies always, except where the browser could never send them back: plain
  // HTTP, which HttpFrontend::Bind allows on loopback only.
  options.console.secure_cookies = !listen.tls_cert.empty();
  // A flood of bad sign-ins (each waits its growing delay on a worker) holds at most a
  // quarter of the workers; the rest keep serving kiosks.
  options.console.max_signins_in_flight = std::max(1, listen.limits.workers / 4);
  // SIGTERM and SIGINT are taken by a thread of their own (sigwait), not a handler:
  // stopping the frontend is not async-signal-safe. Blocked before any thread starts,
  // so every thread inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto core = yimen::server::ServerCore::Open(options);
  if (!core.ok()) {
    LogFatal("start_failed",
             std::string(yimen::ErrorKindName(core.error().kind)) + ": " + core.error().message);
    return 1;
  }
  auto frontend = yimen::server::HttpFrontend::Bind(**core, listen);
  if (!frontend.ok()) {
    LogFatal("start_failed", frontend.error().message);
    return 1;
  }
  yimen::server::HttpFrontend* serving = frontend->get();
  // Folds the statistics' deltas into their summary (docs/console.md "Statistics").
  yimen::server::StatsCompactor stats_compactor((*core)->pool(), std::chrono::seconds(60));
  yimen::server::SystemdWatchdog watchdog(*serving);
  // The metrics listener: its own socket (the API's peers, nginx included, never
  // reach it), one worker, and only GET /metrics (docs/operations.md "Metrics and logs").
  std::unique_ptr<yimen::server::HttpFrontend> metrics;
  if (settings.metrics_listen) {
    yimen::server::ListenOptions metrics_options = *settings.metrics_listen;
    metrics_options.limits.io_threads = 1;
    metrics_options.limits.workers = 1;
    metrics_options.limits.max_queued = 8;
    metrics_options.limits.max_connections = 64;
    yimen::server::ServerCore* server_core = core->get();
    metrics_options.handler = [server_core, serving](const yimen::server::ApiRequest& request) {
      return yimen::server::MetricsEndpoint(request, server_core->pool(), serving->Gauges(),
                                            server_core->group_commit_counters(),
                                            &server_core->vault());
    };
    auto bound = yimen::server::HttpFrontend::Bind(**core, metrics_options);
    if (!bound.ok()) {
      LogFatal("start_failed", "--metrics-listen: " + bound.error().message);
      return 1;
    }
    metrics = std::move(*bound);
  }
  yimen::server::HttpFrontend* metrics_serving = metrics.get();
  std::thread stopper([serving, metrics_serving, &watchdog, stop_signals] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    watchdog.Stopping();
    serving->Stop();
    if (metrics_serving != nullptr) metrics_serving->Stop();
  });
  std::thread metrics_thread;
  if (metrics_serving != nullptr)
    metrics_thread = std::thread([metrics_serving] { metrics_serving->Serve(); });
  // Tests and scripts wait for this line to learn the port (with --listen HOST:0).
  std::printf("listening on %s:%d\n", listen.host.c_str(), (*frontend)->port());
  if (metrics)
    std::printf("metrics on %s:%d\n", settings.metrics_listen->host.c_str(), metrics->port());
  std::fflush(stdout);
  yimen::server::WriteLog(yimen::server::LogLine(yimen::server::LogLevel::kInfo, "listening")
                              .Add("port", int64_t{(*frontend)->port()})
                              .Add("metrics_port", int64_t{metrics ? metrics->port() : 0}));
  watchdog.Ready("listening on " + listen.host + ":" + std::to_string((*frontend)->port()));
  serving->Serve();
  stopper.join();  // Serve returns only after the stopper's Stop()
  if (metrics_thread.joinable()) metrics_thread.join();
  watchdog.Stop();
  return 0;
}
