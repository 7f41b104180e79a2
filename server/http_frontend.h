// Puts ServerCore on the network with cpp-httplib: plain HTTP on loopback only, TLS
// (OpenSSL) anywhere else, one access-log line per request with no personal data.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "domain/result.h"
#include "server/service.h"

namespace yimen::server {

struct ListenOptions {
  std::string host = "127.0.0.1";
  int port = 8443;         // 0 picks a free port (tests)
  std::string tls_cert;    // PEM files; both empty = plain HTTP, allowed on loopback only
  std::string tls_key;
  std::function<void(const std::string&)> log;  // one line per request; stderr if empty
};

class HttpFrontend {
 public:
  // Binds the socket (so the port is known before Serve). kInvalidArgument for plain
  // HTTP on a non-loopback address or a missing TLS file; kUnavailable if the port
  // cannot be bound.
  static Result<std::unique_ptr<HttpFrontend>> Bind(ServerCore& core,
                                                    const ListenOptions& options);
  ~HttpFrontend();

  int port() const { return m_port; }
  // Serves until Stop(). Blocks; call from the thread that should run the server.
  void Serve();
  // Any thread.
  void Stop();

  struct Impl;

 private:
  explicit HttpFrontend(std::unique_ptr<Impl> impl, int port);
  std::unique_ptr<Impl> m_impl;
  int m_port = 0;
};

// True for 127.0.0.0/8, ::1 and "localhost". Pure.
bool IsLoopbackHost(const std::string& host);

}  // namespace yimen::server
