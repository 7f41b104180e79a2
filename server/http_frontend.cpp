// cpp-httplib glue: every method and path goes to ServerCore::Handle, which owns the
// routing; this file only converts requests and replies and writes the access log.
// Debian builds cpp-httplib as a shared library with OpenSSL; its pkg-config flags
// (CPPHTTPLIB_OPENSSL_SUPPORT...) must match, so they come from CMake, not from here.
// Hostile input stops here when it can: body limits per endpoint (checked on
// Content-Length before a byte of the body is read), a header count limit, and a JSON
// reason on every refusal, including the ones cpp-httplib makes itself.
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
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  // A dotted 127.x.y.z only: "127.0.0.1.example.org" is a name that may resolve anywhere.
  if (host.rfind("127.", 0) != 0) return false;
  int dots = 0;
  for (const char ch : host) {
    if (ch == '.') {
      ++dots;
    } else if (ch < '0' || ch > '9') {
      return false;
    }
  }
  return dots == 3;
}

namespace {

constexpr size_t kMaxHeaderCount = 64;

// The largest body each endpoint accepts (413 "too_large" beyond it).
size_t BodyLimit(const std::string& path) {
  if (path == protocol::kPathPush) return protocol::kMaxPushBodyBytes;
  if (path.rfind(std::string(protocol::kPathAttachments) + "/", 0) == 0) {
    return protocol::kMaxAttachmentChunkBytes;
  }
  return protocol::kMaxSmallBodyBytes;
}

void SetError(httplib::Response& res, int status, const std::string& error,
              const std::string& message) {
  res.status = status;
  res.set_content(nlohmann::json(protocol::ErrorBody{error, message})
                      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json");
}

// A word for the refusals cpp-httplib makes before our handler runs.
const char* ErrorWord(int status) {
  switch (status) {
    case 400: return "bad_request";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 413: return "too_large";
    case 414: return "uri_too_long";
    case 416: return "bad_range";
    case 431: return "headers_too_large";
    default: return status >= 500 ? "internal" : "bad_request";
  }
}

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
  // The largest per-endpoint limit; BodyLimit() narrows it per path.
  server.set_payload_max_length(protocol::kMaxPushBodyBytes);
  server.set_read_timeout(30, 0);
  server.set_write_timeout(30, 0);
  server.set_keep_alive_max_count(1000);
  // cpp-httplib writes a reply's headers and body separately; with Nagle on, the body
  // waits for the client's delayed ACK: +40 ms per request (measured with bench_drain).
  server.set_tcp_nodelay(true);

  // Before the body is read: a declared length beyond the endpoint's limit is refused
  // without reading it (and the connection closed, since its body is still on the wire).
  server.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    if (req.headers.size() > kMaxHeaderCount) {
      SetError(res, 431, "headers_too_large",
               "at most " + std::to_string(kMaxHeaderCount) + " header fields");
      res.set_header("Connection", "close");
      return httplib::Server::HandlerResponse::Handled;
    }
    const size_t limit = BodyLimit(req.path);
    if (!req.has_header("Content-Length")) return httplib::Server::HandlerResponse::Unhandled;
    const std::string declared = req.get_header_value("Content-Length");
    if (declared.empty() || declared.size() > 19 ||
        declared.find_first_not_of("0123456789") != std::string::npos) {
      SetError(res, 400, "bad_request", "Content-Length must be a number of bytes");
      res.set_header("Connection", "close");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (std::stoull(declared) > limit) {
      SetError(res, 413, "too_large",
               req.path + " accepts at most " + std::to_string(limit) + " bytes");
      res.set_header("Connection", "close");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // Refusals cpp-httplib makes itself (unparsable request line, a header line over its
  // 8 KiB limit, an unregistered method) get the same JSON shape as ours.
  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty()) {
      SetError(res, res.status, ErrorWord(res.status), "refused by the HTTP layer");
    }
  });
  // A throw from a handler is a bug, not the peer's fault: a plain 500 that names no
  // internals (cpp-httplib's default would put the exception text in a header).
  auto log = options.log;
  server.set_exception_handler([log](const httplib::Request& req, httplib::Response& res,
                                     std::exception_ptr error) {
    std::string what = "unknown exception";
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    SetError(res, 500, "internal", "the server failed; the request changed nothing");
    const std::string line = NowIso() + " exception in " + req.method + " " + req.path + ": " + what;
    if (log) {
      log(line);
    } else {
      std::fprintf(stderr, "%s\n", line.c_str());
    }
  });

  auto handler = [&core, log](const httplib::Request& req, httplib::Response& res) {
    const auto start = std::chrono::steady_clock::now();
    // A body sent chunked has no Content-Length for the pre-routing check.
    if (req.body.size() > BodyLimit(req.path)) {
      SetError(res, 413, "too_large",
               req.path + " accepts at most " + std::to_string(BodyLimit(req.path)) + " bytes");
      return;
    }
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
