// Puts ServerCore on the network with Boost.Beast: plain HTTP on loopback only, TLS
// 1.2/1.3 (OpenSSL, ECDHE + AEAD suites) anywhere else, one access-log line per
// request with no personal data. Built for a hostile network (docs/architecture.md,
// "A hostile network is the normal case"): a few I/O threads own every socket, so an idle or slow connection costs a socket and
// a few KB, never a thread; the blocking work (PostgreSQL) runs on a bounded worker
// pool; every read has a deadline; a request is judged from its headers
// (ServerCore::Admit) before its body is read. Limits: docs/operations.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "domain/result.h"
#include "server/metrics.h"
#include "server/service.h"

namespace yimen::server {

// What a connection may cost and how long each wait may last. The defaults are
// yimen-server's; tests shorten some.
struct FrontendLimits {
  int io_threads = 2;         // threads that own the sockets (never block)
  int workers = 8;            // threads that run ServerCore::Admit and Handle
  int max_queued = 256;       // requests waiting for a worker; beyond: 503 "busy"
  size_t max_connections = 0;  // open at once; 0: the file limit minus a reserve
  int tls_handshake_ms = 5000;   // from accept to a finished TLS handshake
  int idle_ms = 60000;           // waiting for a request's first byte (keep-alive)
  int header_ms = 5000;          // from a request's first byte to its last header byte
  int body_base_ms = 10000;      // a body may take this long plus 1 s per body_min_rate
  size_t body_min_rate = 32 * 1024;  // bytes per second, for bodies and replies alike
  int write_base_ms = 10000;     // a reply may take this long plus 1 s per body_min_rate
  int linger_ms = 2000;          // after a refusal, discard what the peer still sends
  size_t max_header_bytes = 16 * 1024;  // request line and header fields together
  size_t max_header_fields = 64;
  size_t max_field_bytes = 8 * 1024;    // one field's value
  size_t max_target_bytes = 8 * 1024;   // path and query
  uint64_t max_body_bytes_in_flight = 256ull * 1024 * 1024;  // all bodies being read
};

struct ListenOptions {
  std::string host = "127.0.0.1";
  int port = 8443;         // 0 picks a free port (tests)
  std::string tls_cert;    // PEM files; both empty = plain HTTP, allowed on loopback only
  std::string tls_key;
  std::function<void(const std::string&)> log;  // one logfmt line per request; stderr if empty
  FrontendLimits limits;
  // Peers (exact addresses, e.g. "127.0.0.1" for nginx on this host) whose
  // X-Forwarded-For names the client: its last address becomes the request's
  // remote_addr (enrollment throttling). From anyone else the header is ignored.
  std::vector<std::string> trusted_proxies;
  // Set: every request is answered by this (on a worker, from its head alone; a body
  // is never read) instead of by ServerCore, and is not counted in the API's request
  // metrics. The metrics listener (main_server.cpp) uses it.
  std::function<ApiReply(const ApiRequest&)> handler;
};

class HttpFrontend {
 public:
  // Raises the file limit (RaiseFileLimit), binds the socket (so the port is known
  // before Serve) and starts the worker pool. kInvalidArgument for plain HTTP on a
  // non-loopback address or a TLS pair that does not load; kUnavailable if the port
  // cannot be bound.
  static Result<std::unique_ptr<HttpFrontend>> Bind(ServerCore& core,
                                                    const ListenOptions& options);
  // Stops, lets the requests on workers finish and closes every connection.
  ~HttpFrontend();

  int port() const { return m_port; }
  // Open connections and queued requests now. Any thread.
  FrontendGauges Gauges() const;
  // Serves until Stop() on limits.io_threads threads (this one included). Blocks.
  void Serve();
  // Stops accepting and serving; Serve() returns. Any thread (not a signal handler).
  void Stop();
  // Liveness for the systemd watchdog (server/systemd_watchdog.h): `alive` runs on a
  // worker after an I/O thread handed it over, so only while both turn. With the
  // worker queue full it runs on the I/O thread: overload is answered with 503 busy,
  // and a worker's database work is bounded (4 s), so a full queue is not a hang.
  // Never runs once the destructor has returned. Any thread.
  void Probe(std::function<void()> alive);

  struct Impl;

 private:
  explicit HttpFrontend(std::unique_ptr<Impl> impl, int port);
  std::unique_ptr<Impl> m_impl;
  int m_port = 0;
};

// Raises this process's RLIMIT_NOFILE soft limit to its hard limit; returns the soft
// limit now in force. Any thread.
size_t RaiseFileLimit();

}  // namespace yimen::server
