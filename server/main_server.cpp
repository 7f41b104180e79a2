// yimen-server: the central intake API. Stateless; run as many copies as needed
// against one PostgreSQL database.
//   yimen-server --pg URL [--listen HOST:PORT] [--tls-cert PEM --tls-key PEM]
//                [--max-connections N] [--workers N]
//                [--group-commit-us N] [--group-commit-linger-us N] [--group-commit-items N]
//   (--catalog DIR is accepted and ignored: ingest no longer opens applications, so
//    the catalog's rules run where they are opened, yimen-admin show --catalog DIR)
#include <pthread.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

#include "server/http_frontend.h"
#include "server/service.h"
#include "version.h"

namespace {

int Usage() {
  std::fprintf(stderr,
               "usage: yimen-server --pg URL [--listen HOST:PORT] [--tls-cert PEM --tls-key PEM]\n"
               "                    [--max-connections N] [--workers N]\n"
               "                    [--group-commit-us N] [--group-commit-linger-us N]\n"
               "                    [--group-commit-items N]\n"
               "  plain HTTP is refused unless HOST is a loopback address\n"
               "  --max-connections: open connections at once (default: the file limit - 256)\n"
               "  --workers: threads for PostgreSQL work (default 8; 16 pooled connections)\n"
               "  --group-commit-us: how long pushes and heartbeats wait for a commit in flight,\n"
               "    gathering others to share the next one (default 2000; 0: a commit each)\n"
               "  --group-commit-linger-us: how long they wait for company when nothing is\n"
               "    committing (default 0: commit at once)\n"
               "  --group-commit-items: a group commits at once with this many applications\n"
               "    (default 500)\n"
               "  (--catalog DIR is accepted for old scripts and ignored: the catalog's rules\n"
               "   run where applications are opened, yimen-admin show NUMBER --catalog DIR)\n");
  return 2;
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
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (arg == "--pg") {
      options.pg_url = next();
    } else if (arg == "--listen") {
      const std::string value = next();
      const size_t colon = value.rfind(':');
      if (colon == std::string::npos) return Usage();
      listen.host = value.substr(0, colon);
      listen.port = std::atoi(value.c_str() + colon + 1);
    } else if (arg == "--tls-cert") {
      listen.tls_cert = next();
    } else if (arg == "--tls-key") {
      listen.tls_key = next();
    } else if (arg == "--catalog") {
      (void)next();
      std::fprintf(stderr,
                   "yimen-server: --catalog is ignored: ingest stores applications sealed; "
                   "re-validate with yimen-admin show NUMBER --catalog DIR\n");
    } else if (arg == "--max-connections") {
      const int value = Positive(next());
      if (value == 0) return Usage();
      listen.limits.max_connections = static_cast<size_t>(value);
    } else if (arg == "--workers") {
      const int value = Positive(next());
      if (value == 0) return Usage();
      listen.limits.workers = value;
    } else if (arg == "--group-commit-us") {
      const std::string value = next();
      if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos) {
        return Usage();
      }
      options.group_commit.window_us = std::atoi(value.c_str());
    } else if (arg == "--group-commit-linger-us") {
      const std::string value = next();
      if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos) {
        return Usage();
      }
      options.group_commit.linger_us = std::atoi(value.c_str());
    } else if (arg == "--group-commit-items") {
      const int value = Positive(next());
      if (value == 0) return Usage();
      options.group_commit.max_items = static_cast<size_t>(value);
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
    std::fprintf(stderr, "yimen-server: %s: %s\n", yimen::ErrorKindName(core.error().kind),
                 core.error().message.c_str());
    return 1;
  }
  auto frontend = yimen::server::HttpFrontend::Bind(**core, listen);
  if (!frontend.ok()) {
    std::fprintf(stderr, "yimen-server: %s\n", frontend.error().message.c_str());
    return 1;
  }
  yimen::server::HttpFrontend* serving = frontend->get();
  std::thread stopper([serving, stop_signals] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    serving->Stop();
  });
  // Tests and scripts wait for this line to learn the port (with --listen HOST:0).
  std::printf("listening on %s:%d\n", listen.host.c_str(), (*frontend)->port());
  std::fflush(stdout);
  serving->Serve();
  stopper.join();  // Serve returns only after the stopper's Stop()
  return 0;
}
