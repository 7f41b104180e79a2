// The production shape (docs/operations.md "Running behind nginx"): Debian's nginx,
// with the site file we ship (packaging/nginx/yimen.conf, only its ports and file
// paths changed), terminates TLS in front of two real yimen-server processes on
// loopback. 2,000 kiosk connections are opened through it (TLS handshake and one
// request each, then held idle as a kiosk's kept-alive connection is between syncs);
// while they are held, /healthz and real signed pushes through nginx are all answered
// (latencies printed, not asserted: this 2-core machine is shared), the copies see
// a handful of upstream connections rather than 2,000, a kiosk syncs end to end with
// its server key pinned, /metrics is not reachable through nginx, and a forged
// X-Forwarded-For is not believed.
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>

#include "common/sealing.h"
#include "domain/app_number.h"
#include "server/key_ring.h"
#include "server/server_test_support.h"
#include "server/test_pki.h"

namespace yimen::testing {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kIdleConnections = 2000;
constexpr const char* kNginx = "/usr/sbin/nginx";

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

std::string PortOfLine(const std::string& line) { return line.substr(line.rfind(':') + 1); }

// One kiosk's TLS connection, opened with a blocking handshake and held.
struct HeldConnection {
  int fd = -1;
  SSL* ssl = nullptr;
};

// Sends a keep-alive GET and reads one reply (headers and Content-Length body).
// Returns the status, 0 on any failure.
int TlsGet(SSL* ssl, const std::string& target) {
  const std::string request =
      "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n";
  if (SSL_write(ssl, request.data(), static_cast<int>(request.size())) <= 0) return 0;
  std::string reply;
  char buffer[4096];
  size_t body_at = std::string::npos;
  size_t length = 0;
  while (true) {
    if (body_at == std::string::npos) {
      body_at = reply.find("\r\n\r\n");
      if (body_at != std::string::npos) {
        body_at += 4;
        std::smatch match;
        const std::string head = reply.substr(0, body_at);
        if (std::regex_search(head, match, std::regex("[Cc]ontent-[Ll]ength: *([0-9]+)"))) {
          length = std::stoul(match[1]);
        }
      }
    }
    if (body_at != std::string::npos && reply.size() >= body_at + length) break;
    const int n = SSL_read(ssl, buffer, sizeof buffer);
    if (n <= 0) return 0;
    reply.append(buffer, static_cast<size_t>(n));
  }
  if (reply.rfind("HTTP/1.1 ", 0) != 0) return 0;
  return std::atoi(reply.c_str() + 9);
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t at = std::min(values.size() - 1, static_cast<size_t>(p * values.size()));
  return values[at];
}

// "NAME VALUE" from a /metrics body, -1 when absent (a check of nginx, not of the
// exposition format: metrics_scrape_test.cpp parses that with a real parser).
double Gauge(const std::string& body, const std::string& name) {
  std::smatch match;
  if (!std::regex_search(body, match, std::regex("\n" + name + " ([0-9.e+]+)"))) return -1;
  return std::stod(match[1]);
}

class NginxFront : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(PgCluster::Get().ok()) << "no PostgreSQL";
    ASSERT_TRUE(TestPki().ok) << "openssl could not make the test PKI";
    ASSERT_EQ(access(kNginx, X_OK), 0) << "Debian's nginx is not installed (scripts/deps.sh)";
  }

  // The shipped site file with this run's ports and certificate, inside a minimal
  // nginx.conf of a temp prefix (no system paths, no daemon).
  std::string WriteConfig(int port, const std::vector<std::string>& upstreams) {
    std::string site = ReadFileText(YIMEN_NGINX_SITE);
    EXPECT_FALSE(site.empty());
    auto replace = [&](const std::string& from, const std::string& to) {
      size_t at = site.find(from);
      EXPECT_NE(at, std::string::npos) << "site file lacks " << from;
      for (; at != std::string::npos; at = site.find(from, at + to.size())) {
        site.replace(at, from.size(), to);
      }
    };
    replace("127.0.0.1:8441", "127.0.0.1:" + upstreams[0]);
    replace("127.0.0.1:8442", "127.0.0.1:" + upstreams[1]);
    replace("listen 443 ssl;", "listen 127.0.0.1:" + std::to_string(port) + " ssl backlog=4096;");
    replace("listen [::]:443 ssl;", "");
    replace("/etc/yimen/tls/server.pem", TestPki().server_pem);
    replace("/etc/yimen/tls/server.key", TestPki().server_key);
    const std::string prefix = dir.path();
    std::ofstream(prefix + "/yimen.conf") << site;
    std::ofstream(prefix + "/nginx.conf")
        << "user root;\nworker_processes 2;\nworker_rlimit_nofile 16384;\n"
        << "pid " << prefix << "/nginx.pid;\nerror_log " << prefix << "/error.log warn;\n"
        << "events { worker_connections 8192; }\n"
        << "http {\n  access_log off;\n"
        << "  client_body_temp_path " << prefix << "/body;\n"
        << "  proxy_temp_path " << prefix << "/proxy;\n"
        << "  fastcgi_temp_path " << prefix << "/fastcgi;\n"
        << "  uwsgi_temp_path " << prefix << "/uwsgi;\n"
        << "  scgi_temp_path " << prefix << "/scgi;\n"
        << "  include " << prefix << "/yimen.conf;\n}\n";
    return prefix + "/nginx.conf";
  }

  protocol::PushItem Item(server::PgPool& pool, const std::string& kiosk_code, uint32_t seq) {
    protocol::PushItem item;
    char uuid[40];
    std::snprintf(uuid, sizeof uuid, "e0000000-0000-4000-8000-%012u", seq);
    item.uuid = uuid;
    item.app_number = FormatAppNumber(kiosk_code, {2026, 12, 3}, seq);
    item.service_code = "dibao";
    item.catalog_version = "2026.3";
    item.payload_format = protocol::kPayloadSealedV2;
    auto active = server::ActiveSealingKey(pool);
    auto sealed = seal::SealEnvelope(R"({"values":{}})", active.ok() ? active->public_key : "");
    item.payload = sealed.ok() ? *sealed : "";
    item.submitted_at = "2026-12-03T01:30:00Z";
    return item;
  }

  TestDatabase db;
  SyncTempDir dir;
};

TEST_F(NginxFront, HoldsTwoThousandIdleKioskConnectionsAndStillServes) {
  const size_t files = server::RaiseFileLimit();
  ASSERT_GE(files, static_cast<size_t>(kIdleConnections + 512)) << "ulimit -n too low";

  // Two yimen-server copies on loopback, believing X-Forwarded-For from nginx only.
  std::vector<std::unique_ptr<ChildProcess>> servers;
  std::vector<std::string> api_ports, metrics_ports;
  for (int i = 0; i < 2; ++i) {
    // Their access logs (4,000 lines) go to files, not the test's output.
    servers.push_back(std::make_unique<ChildProcess>(std::vector<std::string>{
        "/bin/sh", "-c",
        std::string("exec '") + YIMEN_SERVER_BIN + "' --pg '" + db.url() +
            "' --listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 --trusted-proxy 127.0.0.1 2>'" +
            dir.path() + "/server" + std::to_string(i) + ".log'"}));
    api_ports.push_back(PortOfLine(servers.back()->FirstLine()));
    metrics_ports.push_back(PortOfLine(servers.back()->FirstLine()));
    ASSERT_GT(std::atoi(api_ports.back().c_str()), 0);
  }
  const int port = FreePort();
  const std::string config = WriteConfig(port, api_ports);
  CommandResult check = RunCommand(
      {kNginx, "-t", "-q", "-p", dir.path(), "-e", dir.path() + "/error.log", "-c", config}, "",
      /*with_stderr=*/true);
  ASSERT_EQ(check.exit_code, 0) << check.out << ReadFileText(dir.path() + "/error.log");
  ChildProcess nginx({kNginx, "-p", dir.path(), "-e", dir.path() + "/error.log", "-c", config, "-g",
                      "daemon off;"});
  for (int i = 0; i < 100; ++i) {
    const int fd = ConnectLoopback(port);
    if (fd >= 0) {
      close(fd);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const std::string front = "https://127.0.0.1:" + std::to_string(port);
  sync::CurlOptions curl;
  curl.ca_file = TestPki().ca_pem;
  curl.pinned_public_key = TestPki().server_pin;
  curl.total_timeout_ms = 30000;
  sync::CurlTransport transport(curl);

  // 2,000 kiosks connect: TLS verified against the CA, one request each, then idle.
  SSL_CTX* tls = SSL_CTX_new(TLS_client_method());
  ASSERT_NE(tls, nullptr);
  ASSERT_EQ(SSL_CTX_load_verify_locations(tls, TestPki().ca_pem.c_str(), nullptr), 1);
  SSL_CTX_set_verify(tls, SSL_VERIFY_PEER, nullptr);
  std::vector<HeldConnection> held;
  const auto opening = Clock::now();
  int refused = 0;
  for (int i = 0; i < kIdleConnections; ++i) {
    HeldConnection c;
    c.fd = ConnectLoopback(port);
    if (c.fd < 0) {
      ++refused;
      continue;
    }
    c.ssl = SSL_new(tls);
    SSL_set_fd(c.ssl, c.fd);
    const bool handshake = SSL_connect(c.ssl) == 1;
    const int status = handshake ? TlsGet(c.ssl, "/healthz") : 0;
    if (status != 200) {
      if (refused++ == 0) {
        char why[256] = "";
        ERR_error_string_n(ERR_get_error(), why, sizeof why);
        ADD_FAILURE() << "connection " << i << ": handshake " << handshake << " status " << status
                      << " " << why << "\n"
                      << ReadFileText(dir.path() + "/error.log");
      }
    }
    held.push_back(c);
  }
  const double open_s = std::chrono::duration<double>(Clock::now() - opening).count();
  std::printf("opened %zu TLS connections (handshake + GET /healthz each) in %.1f s\n", held.size(),
              open_s);
  ASSERT_EQ(refused, 0);

  // While they are held: the copies see nginx's few kept-alive connections, not 2,000.
  for (const std::string& metrics_port : metrics_ports) {
    auto scrape = transport.Send({"GET", "http://127.0.0.1:" + metrics_port + "/metrics", {}, ""});
    ASSERT_TRUE(scrape.ok());
    const double upstream = Gauge(scrape->body, "yimen_http_open_connections");
    std::printf("server on port %s: %.0f open connections from nginx\n", metrics_port.c_str(),
                upstream);
    EXPECT_GE(upstream, 0);
    // nginx keeps at most `keepalive` (32) idle upstream connections per worker (2)
    // and nothing is in flight now; 2,000 here would mean no multiplexing at all.
    EXPECT_LE(upstream, 200);
  }

  // /healthz through nginx, on connections of its own.
  std::vector<double> health_ms;
  for (int i = 0; i < 200; ++i) {
    const auto t0 = Clock::now();
    auto r = transport.Send({"GET", front + protocol::kPathHealth, {}, ""});
    health_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->status, 200);
  }
  // Signed pushes of a real enrolled kiosk through nginx.
  server::PgPool pool(db.url());
  auto code = server::IssueEnrollCode(pool, "东门社区", 1);
  ASSERT_TRUE(code.ok());
  const protocol::SigningKeyPair keys = protocol::GenerateSigningKeyPair();
  auto enrolled = transport.Send({"POST",
                                  front + protocol::kPathEnroll,
                                  {{"Content-Type", "application/json"}},
                                  protocol::SerializeMessage(protocol::EnrollRequest{
                                      *code, Base64Encode(keys.public_key), "test", "K9N1"})});
  ASSERT_TRUE(enrolled.ok() && enrolled->status == 200);
  const auto identity = protocol::ParseMessage<protocol::EnrollResponse>(enrolled->body);
  ASSERT_TRUE(identity.ok());
  const int64_t device = identity->device_id;
  std::vector<double> push_ms;
  int created = 0;
  for (uint32_t i = 1; i <= 200; ++i) {
    const std::string body =
        protocol::SerializeMessage(protocol::PushRequest{{Item(pool, identity->kiosk_code, i)}});
    const auto t0 = Clock::now();
    sync::HttpResponse r =
        SendSignedAs(transport, front, device, keys.secret_key, "POST", protocol::kPathPush, body);
    push_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    ASSERT_EQ(r.status, 200) << r.body;
    auto parsed = protocol::ParseMessage<protocol::PushResponse>(r.body);
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->results[0].outcome, protocol::PushOutcome::kCreated)
        << parsed->results[0].code << ": " << parsed->results[0].reason;
    created += parsed->results[0].outcome == protocol::PushOutcome::kCreated;
  }
  EXPECT_EQ(created, 200);
  std::printf(
      "with %d idle kiosk connections held: /healthz p50 %.1f ms p99 %.1f ms; "
      "signed push p50 %.1f ms p99 %.1f ms (200 each, through nginx)\n",
      kIdleConnections, Percentile(health_ms, 0.5), Percentile(health_ms, 0.99),
      Percentile(push_ms, 0.5), Percentile(push_ms, 0.99));

  // A kiosk syncs through nginx end to end, trusting the CA and pinning the key the
  // kiosks pin today (nginx presents the same key yimen-server would).
  TestKiosk kiosk;
  kiosk.options.curl.ca_file = TestPki().ca_pem;
  kiosk.options.curl.pinned_public_key = TestPki().server_pin;
  ASSERT_TRUE(kiosk.Enroll(pool, {front}));
  kiosk.SubmitMany(3);
  sync::CycleReport report = kiosk.SyncOnce();
  EXPECT_FALSE(report.error.has_value()) << report.error->message;
  EXPECT_EQ(report.created, 3);
  EXPECT_EQ(kiosk.Pending(), 0);
  // With another key pinned, nginx's certificate is refused.
  kiosk.SubmitMany(1);
  kiosk.options.curl.pinned_public_key = TestPki().other_pin;
  EXPECT_TRUE(kiosk.SyncOnce().error.has_value());
  EXPECT_EQ(kiosk.Pending(), 1);

#ifdef YIMEN_KIOSK_BIN
  // The real kiosk binary, enrolled through nginx with the CA and pin stored, then
  // `--sync-once` as the kiosk's timer runs it.
  {
    SyncTempDir kiosk_dir;
    auto binary_code = server::IssueEnrollCode(pool, "东门社区", 1);
    ASSERT_TRUE(binary_code.ok());
    CommandResult enroll = RunCommand(
        {YIMEN_KIOSK_BIN, "--data-dir", kiosk_dir.path(), "--enroll", front, *binary_code,
         "--ca-file", TestPki().ca_pem, "--server-pin", TestPki().server_pin},
        "", /*with_stderr=*/true);
    ASSERT_EQ(enroll.exit_code, 0) << enroll.out;
    {
      auto store = Store::Open(kiosk_dir.path());
      ASSERT_TRUE(store.ok()) << store.error().message;
      for (int i = 0; i < 2; ++i)
        ASSERT_TRUE((*store)->applications().Submit(SampleSyncApplication(i)).ok());
    }
    const int64_t before = db.Count("SELECT count(*) FROM applications");
    CommandResult sync_once =
        RunCommand({YIMEN_KIOSK_BIN, "--data-dir", kiosk_dir.path(), "--sync-once"}, "", true);
    EXPECT_EQ(sync_once.exit_code, 0) << sync_once.out;
    EXPECT_EQ(db.Count("SELECT count(*) FROM applications"), before + 2);
  }
#endif

  // /metrics is not served through nginx.
  auto metrics = transport.Send({"GET", front + "/metrics", {}, ""});
  ASSERT_TRUE(metrics.ok());
  EXPECT_EQ(metrics->status, 404);
  EXPECT_EQ(metrics->body.find("yimen_"), std::string::npos);

  // A kiosk cannot pose as another address: nginx replaces X-Forwarded-For with the
  // address it saw. (Straight to a copy, a loopback peer is the trusted proxy.)
  const std::string bad_enroll = protocol::SerializeMessage(protocol::EnrollRequest{
      "WRONG-CODE", Base64Encode(protocol::GenerateSigningKeyPair().public_key), "test", ""});
  auto forged = transport.Send(
      {"POST", front + protocol::kPathEnroll, {{"X-Forwarded-For", "203.0.113.9"}}, bad_enroll});
  ASSERT_TRUE(forged.ok());
  EXPECT_GE(forged->status, 400);
  auto direct = transport.Send({"POST",
                                "http://127.0.0.1:" + api_ports[0] + protocol::kPathEnroll,
                                {{"X-Forwarded-For", "198.51.100.4"}},
                                bad_enroll});
  ASSERT_TRUE(direct.ok());
  EXPECT_EQ(db.Count("SELECT count(*) FROM enroll_throttle WHERE client = '203.0.113.9'"), 0);
  EXPECT_EQ(
      db.Count("SELECT coalesce(sum(failures), 0) FROM enroll_throttle WHERE client = '127.0.0.1'"),
      1);
  EXPECT_EQ(
      db.Count(
          "SELECT coalesce(sum(failures), 0) FROM enroll_throttle WHERE client = '198.51.100.4'"),
      1);

  // The 2,000 were held all along: none was closed, and a sample still answers.
  int closed = 0;
  for (const HeldConnection& c : held) {
    pollfd p{c.fd, POLLIN | POLLRDHUP, 0};
    if (poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR))) ++closed;
  }
  EXPECT_EQ(closed, 0);
  int answered = 0;
  for (size_t i = 0; i < held.size(); i += 20) answered += TlsGet(held[i].ssl, "/healthz") == 200;
  EXPECT_EQ(answered, static_cast<int>((held.size() + 19) / 20));
  const double held_s = std::chrono::duration<double>(Clock::now() - opening).count();
  std::printf("held %zu connections for %.1f s; %d closed; %d of %zu sampled answered again\n",
              held.size(), held_s, closed, answered, (held.size() + 19) / 20);

  for (HeldConnection& c : held) {
    SSL_free(c.ssl);
    close(c.fd);
  }
  SSL_CTX_free(tls);
  nginx.Stop();
  for (auto& s : servers) EXPECT_EQ(s->Stop(), 0);
}

}  // namespace
}  // namespace yimen::testing
