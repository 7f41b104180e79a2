// Inside the HTTP frontend (http_frontend.h): what every connection shares, and the
// entry that takes an accepted socket through TLS, header, admission, body, handler
// and reply, keep-alive after keep-alive. Included by http_frontend.cpp only.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "server/http_frontend.h"
#include "server/log.h"
#include "server/service.h"
#include "server/worker_pool.h"

namespace yimen::server {

// Owned jointly by the frontend and every live connection, so whichever goes last
// frees it. Written once by Bind, then read-only, but for the counters.
struct FrontendShared {
  FrontendShared(ServerCore& c, const FrontendLimits& l) : core(c), limits(l),
      workers(static_cast<size_t>(l.workers), static_cast<size_t>(l.max_queued)) {}

  ServerCore& core;
  FrontendLimits limits;  // max_connections resolved by Bind
  std::function<void(const std::string&)> log;
  std::function<ApiReply(const ApiRequest&)> handler;  // set: answers instead of core (metrics)
  std::vector<std::string> trusted_proxies;            // peers whose X-Forwarded-For is believed
  std::optional<boost::asio::ssl::context> tls;  // set for HTTPS
  WorkerPool workers;
  std::atomic<size_t> connections{0};      // open sockets, accepted and not yet closed
  std::atomic<uint64_t> body_bytes{0};     // reserved by bodies being read

  // One line to the access log (ListenOptions::log, given the logfmt text) or stderr.
  void Log(const LogLine& line) const;
};

// Serves one accepted connection until it closes. `remote` is the peer's address
// (enrollment throttling). Counts itself in shared->connections, which the caller has
// already incremented. Call on the socket's executor (a strand).
void ServeConnection(const std::shared_ptr<FrontendShared>& shared,
                     boost::asio::ip::tcp::socket socket, std::string remote);

}  // namespace yimen::server
