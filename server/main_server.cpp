// yimen-server: the central intake API. Stateless; run as many copies as needed
// against one PostgreSQL database.
//   yimen-server --pg URL [--listen HOST:PORT] [--tls-cert PEM --tls-key PEM]
//                [--max-connections N] [--workers N]
//                [--metrics-listen HOST:PORT] [--trusted-proxy ADDR]...
//   (--catalog DIR is accepted and ignored: ingest no longer opens applications, so
//    the catalog's rules run where they are opened, yimen-admin show --catalog DIR)
#include <pthread.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "server/http_frontend.h"
#include "server/log.h"
#include "server/metrics.h"
#include "server/service.h"
#include "version.h"

namespace {

int Usage() {
  std::fprintf(stderr,
               "usage: yimen-server --pg URL [--listen HOST:PORT] [--tls-cert PEM --tls-key PEM]\n"
               "                    [--max-connections N] [--workers N]\n"
               "                    [--metrics-listen HOST:PORT] [--trusted-proxy ADDR]...\n"
               "  plain HTTP is refused unless HOST is a loopback address\n"
               "  --max-connections: open connections at once (default: the file limit - 256)\n"
               "  --workers: threads for PostgreSQL work (default 8; 16 pooled connections)\n"
               "  --metrics-listen: serve GET /metrics (Prometheus) there, loopback only;\n"
               "                    the API listener never serves it\n"
               "  --trusted-proxy: a proxy's address (nginx: 127.0.0.1) whose X-Forwarded-For\n"
               "                   is believed for per-client limits; repeatable\n"
               "  (--catalog DIR is accepted for old scripts and ignored: the catalog's rules\n"
               "   run where applications are opened, yimen-admin show NUMBER --catalog DIR)\n");
  return 2;
}

// HOST:PORT into `host` and `port`; false when there is no colon.
bool SplitHostPort(const std::string& value, std::string* host, int* port) {
  const size_t colon = value.rfind(':');
  if (colon == std::string::npos) return false;
  *host = value.substr(0, colon);
  *port = std::atoi(value.c_str() + colon + 1);
  return true;
}

void LogFatal(const char* event, const std::string& message) {
  yimen::server::WriteLog(
      yimen::server::LogLine(yimen::server::LogLevel::kError, event).Add("error", message));
}

// A positive number, or 0 when `text` is not one.
int Positive(const std::string& text) {
  const int value = std::atoi(text.c_str());
  return value > 0 && text.find_first_not_of("0123456789") == std::string::npos ? value : 0;
}

}  // namespace

int main(int argc, char** argv) {
  yimen::server::ServerOptions options;
  yimen::server::ListenOptions listen;
  listen.port = 8443;
  std::optional<yimen::server::ListenOptions> metrics_listen;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (arg == "--pg") {
      options.pg_url = next();
    } else if (arg == "--listen") {
      if (!SplitHostPort(next(), &listen.host, &listen.port)) return Usage();
    } else if (arg == "--metrics-listen") {
      metrics_listen.emplace();
      if (!SplitHostPort(next(), &metrics_listen->host, &metrics_listen->port)) return Usage();
    } else if (arg == "--trusted-proxy") {
      const std::string value = next();
      if (value.empty()) return Usage();
      listen.trusted_proxies.push_back(value);
    } else if (arg == "--tls-cert") {
      listen.tls_cert = next();
    } else if (arg == "--tls-key") {
      listen.tls_key = next();
    } else if (arg == "--catalog") {
      (void)next();
      yimen::server::WriteLog(
          yimen::server::LogLine(yimen::server::LogLevel::kWarn, "flag_ignored")
              .Add("flag", "--catalog")
              .Add("why", "ingest stores applications sealed; re-validate with "
                          "yimen-admin show NUMBER --catalog DIR"));
    } else if (arg == "--max-connections") {
      const int value = Positive(next());
      if (value == 0) return Usage();
      listen.limits.max_connections = static_cast<size_t>(value);
    } else if (arg == "--workers") {
      const int value = Positive(next());
      if (value == 0) return Usage();
      listen.limits.workers = value;
    } else if (arg == "--version") {
      std::printf("yimen-server %s (%s)\n", YIMEN_VERSION, YIMEN_GIT_REV);
      return 0;
    } else {
      return Usage();
    }
  }
  if (options.pg_url.empty()) return Usage();
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
    LogFatal("start_failed", std::string(yimen::ErrorKindName(core.error().kind)) + ": " +
                                 core.error().message);
    return 1;
  }
  auto frontend = yimen::server::HttpFrontend::Bind(**core, listen);
  if (!frontend.ok()) {
    LogFatal("start_failed", frontend.error().message);
    return 1;
  }
  yimen::server::HttpFrontend* serving = frontend->get();
  // The metrics listener: its own socket (the API's peers, nginx included, never
  // reach it), one worker, and only GET /metrics (docs/operations.md "Metrics and logs").
  std::unique_ptr<yimen::server::HttpFrontend> metrics;
  if (metrics_listen) {
    metrics_listen->limits.io_threads = 1;
    metrics_listen->limits.workers = 1;
    metrics_listen->limits.max_queued = 8;
    metrics_listen->limits.max_connections = 64;
    yimen::server::ServerCore* server_core = core->get();
    metrics_listen->handler = [server_core, serving](const yimen::server::ApiRequest& request) {
      return yimen::server::MetricsEndpoint(request, server_core->pool(), serving->Gauges());
    };
    auto bound = yimen::server::HttpFrontend::Bind(**core, *metrics_listen);
    if (!bound.ok()) {
      LogFatal("start_failed", "--metrics-listen: " + bound.error().message);
      return 1;
    }
    metrics = std::move(*bound);
  }
  yimen::server::HttpFrontend* metrics_serving = metrics.get();
  std::thread stopper([serving, metrics_serving, stop_signals] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    serving->Stop();
    if (metrics_serving != nullptr) metrics_serving->Stop();
  });
  std::thread metrics_thread;
  if (metrics_serving != nullptr) metrics_thread = std::thread([metrics_serving] { metrics_serving->Serve(); });
  // Tests and scripts wait for this line to learn the port (with --listen HOST:0).
  std::printf("listening on %s:%d\n", listen.host.c_str(), (*frontend)->port());
  if (metrics) std::printf("metrics on %s:%d\n", metrics_listen->host.c_str(), metrics->port());
  std::fflush(stdout);
  yimen::server::WriteLog(yimen::server::LogLine(yimen::server::LogLevel::kInfo, "listening")
                              .Add("port", int64_t{(*frontend)->port()})
                              .Add("metrics_port", int64_t{metrics ? metrics->port() : 0}));
  serving->Serve();
  stopper.join();  // Serve returns only after the stopper's Stop()
  if (metrics_thread.joinable()) metrics_thread.join();
  return 0;
}
