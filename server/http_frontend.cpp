// cpp-httplib glue: every method and path goes to ServerCore::Handle, which owns the
// routing; this file only converts requests and replies and writes the access log.
// Debian builds cpp-httplib as a shared library with OpenSSL; its pkg-config flags
// (CPPHTTPLIB_OPENSSL_SUPPORT...) must match, so they come from CMake, not from here.
#include "server/http_frontend.h"

#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <sys/stat.h>

namespace yimen::server {

struct HttpFrontend::Impl {
  std::unique_ptr<httplib::Server> server;
};

bool IsLoopbackHost(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

namespace {

std::string NowIso() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

}  // namespace

Result<std::unique_ptr<HttpFrontend>> HttpFrontend::Bind(ServerCore& core,
                                                         const ListenOptions& options) {
  auto impl = std::make_unique<Impl>();
  const bool tls = !options.tls_cert.empty() || !options.tls_key.empty();
  if (tls) {
    struct stat st {};
    if (stat(options.tls_cert.c_str(), &st) != 0 || stat(options.tls_key.c_str(), &st) != 0) {
      return MakeError(ErrorKind::kInvalidArgument, "TLS needs both --tls-cert and --tls-key files");
    }
    impl->server = std::make_unique<httplib::SSLServer>(options.tls_cert.c_str(),
                                                        options.tls_key.c_str());
    if (!impl->server->is_valid()) {
      return MakeError(ErrorKind::kInvalidArgument, "TLS certificate or key does not load");
    }
  } else {
    if (!IsLoopbackHost(options.host)) {
      return MakeError(ErrorKind::kInvalidArgument,
                       "plain HTTP is allowed on loopback only; give --tls-cert and --tls-key");
    }
    impl->server = std::make_unique<httplib::Server>();
  }
  httplib::Server& server = *impl->server;
  server.set_payload_max_length(64 * 1024 * 1024);
  server.set_read_timeout(30, 0);
  server.set_write_timeout(30, 0);
  server.set_keep_alive_max_count(1000);
  // cpp-httplib writes a reply's headers and body separately; with Nagle on, the body
  // waits for the client's delayed ACK: +40 ms per request (measured with bench_drain).
  server.set_tcp_nodelay(true);

  auto log = options.log;
  auto handler = [&core, log](const httplib::Request& req, httplib::Response& res) {
    const auto start = std::chrono::steady_clock::now();
    ApiRequest request;
    request.method = req.method;
    request.target = req.target;
    request.body = req.body;
    request.remote_addr = req.remote_addr;
    for (const auto& [name, value] : req.headers) {
      std::string lower = name;
      for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      request.headers[lower] = value;
    }
    ApiReply reply = core.Handle(request);
    res.status = reply.status;
    if (reply.status != 204) res.set_content(reply.body, reply.content_type.c_str());
    if (reply.retry_after_s > 0) res.set_header("Retry-After", std::to_string(reply.retry_after_s));
    res.set_header(protocol::kHeaderServerTime, std::to_string(std::time(nullptr)));
    const auto ms = std::chrono::duration<double, std::milli>(
                        std::chrono::steady_clock::now() - start).count();
    // Method, path without query, status, time, device: never bodies or personal data.
    char line[512];
    std::snprintf(line, sizeof line, "%s %s %s %d %.1fms device=%lld", NowIso().c_str(),
                  req.method.c_str(), req.path.c_str(), reply.status, ms,
                  static_cast<long long>(reply.device_id));
    if (log) {
      log(line);
    } else {
      std::fprintf(stderr, "%s\n", line);
    }
  };
  server.Get(".*", handler);
  server.Post(".*", handler);
  server.Put(".*", handler);

  int port = options.port;
  if (port == 0) {
    port = server.bind_to_any_port(options.host);
    if (port < 0) return MakeError(ErrorKind::kUnavailable, "cannot bind " + options.host);
  } else if (!server.bind_to_port(options.host, port)) {
    return MakeError(ErrorKind::kUnavailable,
                     "cannot bind " + options.host + ":" + std::to_string(port));
  }
  return std::unique_ptr<HttpFrontend>(new HttpFrontend(std::move(impl), port));
}

HttpFrontend::HttpFrontend(std::unique_ptr<Impl> impl, int port)
    : m_impl(std::move(impl)), m_port(port) {}

HttpFrontend::~HttpFrontend() { Stop(); }

void HttpFrontend::Serve() { m_impl->server->listen_after_bind(); }

void HttpFrontend::Stop() {
  if (m_impl && m_impl->server) m_impl->server->stop();
}

}  // namespace yimen::server
