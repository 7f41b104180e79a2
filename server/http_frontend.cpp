// The listener: binds, sets up TLS, accepts within the connection cap and hands each
// socket to http_connection.cpp on a strand of its own; Serve runs the I/O threads.
// Why Beast and not cpp-httplib: cpp-httplib 0.11 gives each connection a thread from
// a pool of 8 for as long as it is open, so 8 idle keep-alive sockets, slow senders or
// silent TLS clients stalled every request, and it read whole bodies before any
// handler could refuse them (docs/architecture.md).
#include "server/http_frontend.h"

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <openssl/ssl.h>

#include "common/loopback.h"
#include "server/http_connection.h"

namespace yimen::server {
namespace {

namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using boost::system::error_code;

// Sockets kept back from the connection cap for PostgreSQL, logs and the like.
constexpr size_t kReservedFiles = 256;

// TLS 1.2: forward secrecy (ECDHE) and AEAD only. TLS 1.3's five suites are all AEAD;
// the three OpenSSL enables by default are kept.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
constexpr const char* kTls13Suites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

// What a connection past the cap gets on plain HTTP before it is closed.
constexpr char kOverCapReply[] =
    "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
    "Retry-After: 5\r\nConnection: close\r\nContent-Length: 63\r\n\r\n"
    "{\"error\":\"busy\",\"message\":\"too many connections; retry later\"}\n";

Result<ssl::context> MakeTlsContext(const std::string& cert, const std::string& key) {
  struct stat st {};
  if (stat(cert.c_str(), &st) != 0 || stat(key.c_str(), &st) != 0) {
    return MakeError(ErrorKind::kInvalidArgument, "TLS needs both --tls-cert and --tls-key files");
  }
  ssl::context context(ssl::context::tls_server);
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                      ssl::context::no_tlsv1_1 | ssl::context::no_compression);
  SSL_CTX* native = context.native_handle();
  error_code ec;
  context.use_certificate_chain_file(cert, ec);
  if (!ec) context.use_private_key_file(key, ssl::context::pem, ec);
  if (ec || SSL_CTX_check_private_key(native) != 1 ||
      SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1 ||
      SSL_CTX_set_ciphersuites(native, kTls13Suites) != 1) {
    return MakeError(ErrorKind::kInvalidArgument, "TLS certificate or key does not load");
  }
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  // An idle TLS connection gives its read and write buffers (~34 KB) back.
  SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);
  return context;
}

Result<tcp::endpoint> Resolve(const std::string& host, int port) {
  std::string name = host;
  if (name.size() > 2 && name.front() == '[' && name.back() == ']') {
    name = name.substr(1, name.size() - 2);
  }
  error_code ec;
  const net::ip::address address =
      net::ip::make_address(name == "localhost" ? "127.0.0.1" : name, ec);
  if (!ec) return tcp::endpoint(address, static_cast<unsigned short>(port));
  net::io_context ioc;
  tcp::resolver resolver(ioc);
  auto results = resolver.resolve(name, std::to_string(port), ec);
  if (ec || results.empty()) {
    return MakeError(ErrorKind::kInvalidArgument, "cannot resolve " + host);
  }
  return results.begin()->endpoint();
}

}  // namespace

size_t RaiseFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur == RLIM_INFINITY ? 1u << 20 : static_cast<size_t>(limit.rlim_cur);
}

struct HttpFrontend::Impl {
  explicit Impl(std::shared_ptr<FrontendShared> s) : shared(std::move(s)) {}
  // Requests on workers finish; the queued ones and every connection are dropped.
  ~Impl() {
    ioc.stop();
    shared->workers.Shutdown();
  }

  void Accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted) return;
      if (ec) {
        // Out of files or memory for the moment (EMFILE, ENFILE, ENOBUFS): pause
        // instead of spinning on an accept that fails at once.
        LogEvery(LogLine(LogLevel::kError, "accept_failed")
                     .Add("error", ec.message())
                     .Add("pause_ms", int64_t{100}));
        pause.expires_after(std::chrono::milliseconds(100));
        pause.async_wait([this](error_code wait_ec) {
          if (!wait_ec) Accept();
        });
        return;
      }
      if (shared->connections.load() >= shared->limits.max_connections) {
        RefuseOverCap(socket);
      } else {
        ++shared->connections;
        error_code peer_ec;
        const auto peer = socket.remote_endpoint(peer_ec);
        std::string remote = peer_ec ? std::string("-") : peer.address().to_string();
        auto executor = socket.get_executor();
        net::post(executor,
                  [s = shared, sock = std::move(socket), r = std::move(remote)]() mutable {
                    ServeConnection(s, std::move(sock), std::move(r));
                  });
      }
      Accept();
    });
  }

  // Past the cap: a 503 on plain HTTP (best effort, never waited for), then close.
  void RefuseOverCap(tcp::socket& socket) {
    Metrics().CountOverCap();
    LogEvery(LogLine(LogLevel::kWarn, "connection_cap_reached")
                 .Add("max_connections", static_cast<int64_t>(shared->limits.max_connections)));
    if (!shared->tls) {
      (void)::send(socket.native_handle(), kOverCapReply, sizeof kOverCapReply - 1,
                   MSG_DONTWAIT | MSG_NOSIGNAL);
    }
    error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }

  // At most one such line per second: a flood must not become a log flood.
  void LogEvery(const LogLine& line) {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_event_log < std::chrono::seconds(1)) return;
    last_event_log = now;
    shared->Log(line);
  }

  std::shared_ptr<FrontendShared> shared;
  net::io_context ioc{};
  tcp::acceptor acceptor{ioc};
  net::steady_timer pause{ioc};
  std::chrono::steady_clock::time_point last_event_log{};  // accept handler only
};

Result<std::unique_ptr<HttpFrontend>> HttpFrontend::Bind(ServerCore& core,
                                                         const ListenOptions& options) {
  FrontendLimits limits = options.limits;
  const size_t files = RaiseFileLimit();
  const size_t usable = files > kReservedFiles + 64 ? files - kReservedFiles : 64;
  limits.max_connections =
      limits.max_connections == 0 ? usable : std::min(limits.max_connections, usable);
  limits.io_threads = std::max(limits.io_threads, 1);

  const bool tls = !options.tls_cert.empty() || !options.tls_key.empty();
  std::optional<ssl::context> context;
  if (tls) {
    auto made = MakeTlsContext(options.tls_cert, options.tls_key);
    if (!made.ok()) return made.error();
    context.emplace(std::move(*made));
  } else if (!IsLoopbackHost(options.host)) {
    return MakeError(ErrorKind::kInvalidArgument,
                     "plain HTTP is allowed on loopback only; give --tls-cert and --tls-key");
  }
  auto endpoint = Resolve(options.host, options.port);
  if (!endpoint.ok()) return endpoint.error();

  auto shared = std::make_shared<FrontendShared>(core, limits);
  shared->log = options.log;
  shared->handler = options.handler;
  shared->trusted_proxies = options.trusted_proxies;
  if (context) shared->tls.emplace(std::move(*context));
  auto impl = std::make_unique<Impl>(std::move(shared));
  error_code ec;
  impl->acceptor.open(endpoint->protocol(), ec);
  if (!ec) impl->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(*endpoint, ec);
  if (!ec) impl->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return MakeError(ErrorKind::kUnavailable, "cannot bind " + options.host + ":" +
                                                  std::to_string(options.port) + ": " +
                                                  ec.message());
  }
  const int port = impl->acceptor.local_endpoint().port();
  return std::unique_ptr<HttpFrontend>(new HttpFrontend(std::move(impl), port));
}

HttpFrontend::HttpFrontend(std::unique_ptr<Impl> impl, int port)
    : m_impl(std::move(impl)), m_port(port) {}

HttpFrontend::~HttpFrontend() { Stop(); }

FrontendGauges HttpFrontend::Gauges() const {
  const FrontendShared& shared = *m_impl->shared;
  FrontendGauges gauges;
  gauges.connections = shared.connections.load();
  gauges.max_connections = shared.limits.max_connections;
  gauges.queued = shared.workers.queued();
  gauges.max_queued = static_cast<size_t>(shared.limits.max_queued);
  gauges.workers = static_cast<size_t>(shared.limits.workers);
  return gauges;
}

void HttpFrontend::Serve() {
  m_impl->Accept();
  std::vector<std::thread> others;
  for (int i = 1; i < m_impl->shared->limits.io_threads; ++i) {
    others.emplace_back([this] { m_impl->ioc.run(); });
  }
  m_impl->ioc.run();
  for (std::thread& thread : others) thread.join();
}

void HttpFrontend::Stop() {
  if (m_impl) m_impl->ioc.stop();
}

void HttpFrontend::Probe(std::function<void()> alive) {
  net::post(m_impl->ioc, [shared = m_impl->shared, alive = std::move(alive)] {
    if (!shared->workers.TryPost(alive)) alive();
  });
}

}  // namespace yimen::server
