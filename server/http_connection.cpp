// One connection's life on the I/O threads (see http_connection.h). Each step has a
// deadline on the socket, so a peer that stops sending costs at most that long:
//   TLS handshake (tls_handshake_ms) → wait for a request's first byte (idle_ms; the
//   read buffer is freed while idle) → the whole header (header_ms from its first
//   byte, at most max_header_bytes, else 431 at once) → ServerCore::Admit on a worker
//   (no body read yet; a refusal is sent and the connection closed) → the body, if
//   any (body_base_ms plus 1 s per body_min_rate bytes, at most BodyLimit(path)) →
//   ServerCore::Handle on a worker → the reply (write_base_ms plus the same rate) →
//   keep-alive, or a bounded lingering close.
// Nothing here blocks: the workers do, and when they are all busy and their queue is
// full the request gets 503 "busy" with Retry-After instead of a place in a queue.
#include "server/http_connection.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <type_traits>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "server/metrics.h"
#include "server/phone_page.h"
#include "server/request_head.h"
#include "sync/protocol/messages.h"
#include "sync/protocol/signing.h"

namespace yimen::server {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using beast::error_code;

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

constexpr size_t kFirstRead = 1024;        // what an idle connection holds while it waits
constexpr size_t kLingerChunk = 16 * 1024;
constexpr size_t kLingerBytes = 1024 * 1024;
constexpr int kRetryAfterBusy = 1;

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

// base_ms plus one second per `rate` bytes: the deadline of a read or write of `bytes`.
std::chrono::milliseconds Allowance(int base_ms, uint64_t bytes, size_t rate) {
  return std::chrono::milliseconds(base_ms + bytes * 1000 / std::max<size_t>(rate, 1));
}

// What a failed read means. status 0: nobody to answer (the peer left, or the deadline
// passed and the socket is closed already); close quietly.
struct ReadFailure {
  int status = 0;
  const char* error = "";
  std::string message;
};

ReadFailure ClassifyReadError(const error_code& ec, const FrontendLimits& limits) {
  if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
    return {431, "headers_too_large",
            "the request line and headers may be at most " +
                std::to_string(limits.max_header_bytes) + " bytes"};
  }
  if (ec == http::error::body_limit) {
    return {413, "too_large", "the body is over this endpoint's limit"};
  }
  if (ec == http::error::end_of_stream || ec == http::error::partial_message) return {};
  // Any other parser error is a malformed request (bad method, target, version, field,
  // Content-Length, chunk...); everything else is the socket's end.
  if (ec.category() == http::make_error_code(http::error::bad_method).category()) {
    return {400, "bad_request", "malformed HTTP: " + ec.message()};
  }
  return {};
}

// The method for the log: a peer chooses it, so only the ones the API knows are named.
const char* KnownMethod(const std::string& method) {
  for (const char* known : {"GET", "POST", "PUT", "HEAD", "DELETE", "OPTIONS", "PATCH"}) {
    if (method == known) return known;
  }
  return method.empty() ? "-" : "other";
}

ApiReply Busy() {
  Metrics().CountBusy();
  ApiReply reply = ErrorReply(503, "busy", "the server is at capacity; retry shortly");
  reply.retry_after_s = kRetryAfterBusy;
  return reply;
}

template <class Stream>
class Connection : public std::enable_shared_from_this<Connection<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  template <class... Tls>
  Connection(std::shared_ptr<FrontendShared> shared, tcp::socket socket, std::string remote,
             Tls&... tls)
      : m_shared(std::move(shared)), m_stream(std::move(socket), tls...),
        m_remote(std::move(remote)),
        m_buffer(m_shared->limits.max_header_bytes + kFirstRead) {}

  ~Connection() {
    ReleaseBody();
    --m_shared->connections;
  }

  void Start() {
    if constexpr (kTls) {
      Tcp().expires_after(std::chrono::milliseconds(Limits().tls_handshake_ms));
      m_stream.async_handshake(ssl::stream_base::server,
                               [self = this->shared_from_this()](error_code ec) {
                                 if (!ec) self->AwaitRequest();
                               });
    } else {
      AwaitRequest();
    }
  }

 private:
  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(m_stream); }
  const FrontendLimits& Limits() const { return m_shared->limits; }

  // Between requests: no parser, no body, a buffer only as large as what arrived.
  void AwaitRequest() {
    m_request = ApiRequest{};
    m_request.remote_addr = m_remote;
    m_head.reset();
    m_body.reset();
    m_body_pending = false;
    if (m_buffer.size() > 0) {  // the next request is here already (pipelined)
      m_started = Clock::now();
      ReadHeader();
      return;
    }
    m_buffer.shrink_to_fit();
    Tcp().expires_after(std::chrono::milliseconds(Limits().idle_ms));
    m_stream.async_read_some(m_buffer.prepare(kFirstRead),
                             [self = this->shared_from_this()](error_code ec, size_t n) {
                               if (ec) return;  // idle too long, or the peer left
                               self->m_buffer.commit(n);
                               self->m_started = Clock::now();
                               self->ReadHeader();
                             });
  }

  void ReadHeader() {
    m_head.emplace();
    m_head->header_limit(static_cast<std::uint32_t>(Limits().max_header_bytes));
    m_head->body_limit(boost::none);  // judged per endpoint in OnHeader, with a JSON reason
    Tcp().expires_at(m_started + std::chrono::milliseconds(Limits().header_ms));
    http::async_read_header(m_stream, m_buffer, *m_head,
                            [self = this->shared_from_this()](error_code ec, size_t) {
                              self->OnHeader(ec);
                            });
  }

  void OnHeader(error_code ec) {
    if (ec) {
      Fail(ClassifyReadError(ec, Limits()));
      return;
    }
    const auto& head = m_head->get();
    m_request.method = std::string(head.method_string());
    m_request.target = std::string(head.target());
    m_path = m_request.target.substr(0, m_request.target.find('?'));
    m_keep_alive = head.keep_alive();
    m_body_pending = !m_head->is_done();
    if (m_request.target.size() > Limits().max_target_bytes) {
      Refuse(414, "uri_too_long",
             "the target may be at most " + std::to_string(Limits().max_target_bytes) + " bytes");
      return;
    }
    size_t fields = 0;
    for (const auto& field : head) {
      if (++fields > Limits().max_header_fields ||
          field.value().size() > Limits().max_field_bytes) {
        Refuse(431, "headers_too_large",
               "at most " + std::to_string(Limits().max_header_fields) + " header fields of " +
                   std::to_string(Limits().max_field_bytes) + " bytes each");
        return;
      }
      m_request.headers[Lower(field.name_string())] = std::string(field.value());
    }
    m_request.remote_addr =
        ClientAddress(m_remote, m_request.Header("x-forwarded-for"), m_shared->trusted_proxies);
    const size_t limit = BodyLimit(m_path);
    const auto declared = m_head->content_length();
    if (declared && *declared > limit) {
      Refuse(413, "too_large", m_path + " accepts at most " + std::to_string(limit) + " bytes");
      return;
    }
    if (m_body_pending && !ReserveBody(declared ? *declared : limit)) {
      Reply(Busy(), /*close=*/true);
      return;
    }
    Admit();
  }

  // Bodies being read are held in memory: their declared (or largest) sizes together
  // stay under max_body_bytes_in_flight.
  bool ReserveBody(uint64_t bytes) {
    const uint64_t before = m_shared->body_bytes.fetch_add(bytes);
    if (before + bytes > Limits().max_body_bytes_in_flight) {
      m_shared->body_bytes.fetch_sub(bytes);
      return false;
    }
    m_reserved = bytes;
    return true;
  }

  void ReleaseBody() {
    if (m_reserved > 0) m_shared->body_bytes.fetch_sub(m_reserved);
    m_reserved = 0;
  }

  // The header stage on a worker; a request without a body is handled in the same go.
  void Admit() {
    auto self = this->shared_from_this();
    const bool body = m_body_pending;
    const bool posted = m_shared->workers.TryPost([self, body] {
      std::optional<ApiReply> reply;
      if (self->m_shared->handler) {
        reply = self->m_shared->handler(self->m_request);
      } else {
        reply = self->m_shared->core.Admit(&self->m_request);
      }
      if (!reply && !body) reply = self->m_shared->core.Handle(self->m_request);
      net::post(self->m_stream.get_executor(), [self, reply = std::move(reply)]() mutable {
        self->OnAdmitted(std::move(reply));
      });
    });
    if (!posted) Reply(Busy(), /*close=*/m_body_pending || !m_keep_alive);
  }

  void OnAdmitted(std::optional<ApiReply> reply) {
    if (reply) {
      Reply(std::move(*reply), /*close=*/m_body_pending || !m_keep_alive);
      return;
    }
    if (Lower(m_request.Header("expect")) != "100-continue") {
      ReadBody();
      return;
    }
    static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    Tcp().expires_after(std::chrono::milliseconds(Limits().write_base_ms));
    net::async_write(m_stream, net::buffer(kContinue),
                     [self = this->shared_from_this()](error_code ec, size_t) {
                       if (!ec) self->ReadBody();
                     });
  }

  void ReadBody() {
    m_body.emplace(std::move(*m_head));
    m_head.reset();
    m_body->body_limit(BodyLimit(m_path));
    m_body_started = Clock::now();
    m_body_read = 0;
    ReadBodyPart();
  }

  // The deadline grows with what arrived: a peer at body_min_rate or faster never
  // meets it; a slower one does, however it paces its bytes.
  void ReadBodyPart() {
    Tcp().expires_at(m_body_started + Allowance(Limits().body_base_ms, m_body_read,
                                                Limits().body_min_rate));
    http::async_read_some(m_stream, m_buffer, *m_body,
                          [self = this->shared_from_this()](error_code ec, size_t n) {
                            self->OnBodyPart(ec, n);
                          });
  }

  void OnBodyPart(error_code ec, size_t n) {
    if (ec) {
      Fail(ClassifyReadError(ec, Limits()));
      return;
    }
    m_body_read += n;
    if (!m_body->is_done()) {
      ReadBodyPart();
      return;
    }
    m_request.body = std::move(m_body->get().body());
    m_body.reset();
    m_body_pending = false;
    auto self = this->shared_from_this();
    const bool posted = m_shared->workers.TryPost([self] {
      ApiReply reply = self->m_shared->core.Handle(self->m_request);
      net::post(self->m_stream.get_executor(), [self, reply = std::move(reply)]() mutable {
        self->Reply(std::move(reply), /*close=*/!self->m_keep_alive);
      });
    });
    if (!posted) Reply(Busy(), /*close=*/!m_keep_alive);
  }

  void Fail(const ReadFailure& failure) {
    if (failure.status == 0) {
      Tcp().close();
      return;
    }
    Refuse(failure.status, failure.error, failure.message);
  }

  // A refusal by the frontend: the rest of the request is never read.
  void Refuse(int status, const char* error, const std::string& message) {
    Reply(ErrorReply(status, error, message), /*close=*/true);
  }

  void Reply(ApiReply reply, bool close) {
    m_request.body = std::string();  // nothing of the request outlives its answer
    // The phone's page: refusals made here (413, 503, a bad method) carry its headers
    // too, no-referrer above all, since its path holds the token.
    if (RouteOf(m_path) == Route::kPhonePage &&
        std::none_of(reply.headers.begin(), reply.headers.end(),
                     [](const auto& h) { return h.first == "Referrer-Policy"; })) {
      AddPhoneHeaders(&reply, false);
    }
    ReleaseBody();
    m_response = {};
    m_response.version(11);
    m_response.result(static_cast<unsigned>(reply.status));
    if (reply.status != 204) {
      m_response.set(http::field::content_type, reply.content_type);
      m_response.body() = std::move(reply.body);
    }
    if (reply.retry_after_s > 0) {
      m_response.set(http::field::retry_after, std::to_string(reply.retry_after_s));
    }
    m_response.set(protocol::kHeaderServerTime, std::to_string(std::time(nullptr)));
    for (const auto& [name, value] : reply.headers) m_response.insert(name, value);
    m_response.keep_alive(!close);
    m_response.prepare_payload();
    LogReply(reply);
    Tcp().expires_after(Allowance(Limits().write_base_ms, m_response.body().size(),
                                  Limits().body_min_rate));
    http::async_write(m_stream, m_response,
                      [self = this->shared_from_this(), close](error_code ec, size_t) {
                        if (ec) return;
                        if (close) {
                          self->Linger();
                        } else {
                          self->AwaitRequest();
                        }
                      });
  }

  // Method, route (never the raw path), status, time, device, error code and 5xx
  // reference: never bodies, queries or personal data. Counted for /metrics too.
  void LogReply(const ApiReply& reply) {
    const double seconds = std::chrono::duration<double>(Clock::now() - m_started).count();
    if (!m_shared->handler) Metrics().CountRequest(m_path, reply.status, seconds);
    LogLine line(reply.status >= 500 ? (reply.status == 503 ? LogLevel::kWarn : LogLevel::kError)
                                     : LogLevel::kInfo,
                 "request");
    line.Add("method", KnownMethod(m_request.method))
        .Add("route", MetricRouteLabel(m_path))
        .Add("status", int64_t{reply.status})
        .AddMs("duration_ms", seconds * 1000);
    if (reply.device_id != 0) line.Add("device", reply.device_id);
    if (!reply.error_code.empty()) line.Add("error", reply.error_code);
    if (!reply.ref.empty()) line.Add("ref", reply.ref);
    if (!reply.log_note.empty()) line.Add("note", reply.log_note);
    m_shared->Log(line);
  }

  // After a refusal the peer may still be sending the body we did not want: discard
  // a bounded amount for a bounded time so it reads our reply instead of a reset,
  // then close. Plain connections say "no more from us" (FIN) first.
  void Linger() {
    if constexpr (!kTls) {
      error_code ignored;
      Tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
    m_linger_until = Clock::now() + std::chrono::milliseconds(Limits().linger_ms);
    m_buffer.clear();
    m_buffer.shrink_to_fit();
    m_lingered = 0;
    Discard();
  }

  void Discard() {
    Tcp().expires_at(m_linger_until);
    m_stream.async_read_some(m_buffer.prepare(kLingerChunk),
                             [self = this->shared_from_this()](error_code ec, size_t n) {
                               self->m_lingered += n;
                               if (ec || self->m_lingered >= kLingerBytes) {
                                 self->Tcp().close();
                                 return;
                               }
                               self->Discard();
                             });
  }

  std::shared_ptr<FrontendShared> m_shared;
  Stream m_stream;
  std::string m_remote;
  beast::flat_buffer m_buffer;  // limited to a header's size; bodies pass through it
  std::optional<http::request_parser<http::empty_body>> m_head;   // until the header is judged
  std::optional<http::request_parser<http::string_body>> m_body;  // while the body is read
  ApiRequest m_request;   // the request being served; given to the workers by copy of self
  std::string m_path;
  bool m_keep_alive = true;
  bool m_body_pending = false;
  uint64_t m_reserved = 0;   // bytes of FrontendShared::body_bytes this request holds
  uint64_t m_body_read = 0;
  size_t m_lingered = 0;
  Clock::time_point m_started;       // a request's first byte
  Clock::time_point m_body_started;
  Clock::time_point m_linger_until;
  http::response<http::string_body> m_response;  // kept alive until written
};

}  // namespace

void FrontendShared::Log(const LogLine& line) const {
  if (log) {
    log(line.text());
  } else {
    WriteLog(line);
  }
}

void ServeConnection(const std::shared_ptr<FrontendShared>& shared, tcp::socket socket,
                     std::string remote) {
  if (shared->tls) {
    std::make_shared<Connection<TlsStream>>(shared, std::move(socket), std::move(remote),
                                            *shared->tls)
        ->Start();
  } else {
    std::make_shared<Connection<PlainStream>>(shared, std::move(socket), std::move(remote))
        ->Start();
  }
}

}  // namespace yimen::server
