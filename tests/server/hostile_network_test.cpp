// A hostile network against the real yimen-server binary (docs/architecture.md, "A
// hostile network is the normal case"): two thousand idle connections and fifty slowloris senders, TLS clients that never say
// hello, 32 MiB bodies and 92 MiB header floods from nobody, a connection cap, and a
// frozen PostgreSQL. Before the frontend moved to Beast (docs/architecture.md) each of
// these stalled every request for 5 to 56 s or took the server to 1.4 GB.
// Every test prints what it measured. The bounds are generous on purpose: this
// machine's two cores are shared with other builds, and what matters is "well under a
// second" against "many seconds" (the target, under 100 ms, is what gets printed).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <csignal>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fstream>
#include <sstream>

#include "server/admin.h"
#include "server/http_frontend.h"
#include "server/server_test_support.h"
#include "server/test_pki.h"
#include "sync/client/curl_transport.h"
#include "sync/protocol/signing.h"

namespace yimen::testing {
namespace {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Latencies of one kind of request; prints p50/p99/max.
struct Latencies {
  std::vector<double> ms;
  double Max() const { return ms.empty() ? 0 : *std::max_element(ms.begin(), ms.end()); }
  void Print(const std::string& what) const {
    std::vector<double> sorted = ms;
    std::sort(sorted.begin(), sorted.end());
    auto at = [&](double q) {
      if (sorted.empty()) return 0.0;
      return sorted[std::min(sorted.size() - 1, static_cast<size_t>(q * sorted.size()))];
    };
    std::printf("[measured] %s: n=%zu p50=%.1f ms p99=%.1f ms max=%.1f ms\n", what.c_str(),
                sorted.size(), at(0.5), at(0.99), Max());
  }
};

// yimen-server as a child process, listening on a free loopback port.
class ServerProcess {
 public:
  ServerProcess(const std::string& pg_url, const std::vector<std::string>& extra,
                bool tls = false) {
    std::vector<std::string> argv = {YIMEN_SERVER_BIN, "--pg", pg_url, "--listen", "127.0.0.1:0"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    m_child = std::make_unique<ChildProcess>(argv);
    const std::string line = m_child->FirstLine();
    if (line.rfind("listening on 127.0.0.1:", 0) == 0) m_port = std::atoi(line.c_str() + 23);
    m_url = std::string(tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(m_port);
  }
  bool ok() const { return m_port > 0; }
  int port() const { return m_port; }
  pid_t pid() const { return m_child->pid(); }
  const std::string& url() const { return m_url; }

 private:
  std::unique_ptr<ChildProcess> m_child;
  int m_port = 0;
  std::string m_url;
};

// Kilobytes of a /proc/PID/status field (VmRSS, VmHWM), or -1.
long VmKb(pid_t pid, const std::string& field) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::atol(line.c_str() + field.size() + 1);
  }
  return -1;
}

int Connect(int port) { return ConnectLoopback(port); }

// Reads until a reply's status line and blank line are in, or timeout_ms passes, or
// the server closes. Returns the status (0 if none) and fills *raw.
int ReadStatus(int fd, int timeout_ms, std::string* raw) {
  const auto until = Clock::now() + std::chrono::milliseconds(timeout_ms);
  char buffer[4096];
  while (raw->find("\r\n\r\n") == std::string::npos) {
    const int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          until - Clock::now()).count());
    pollfd p{fd, POLLIN, 0};
    if (left <= 0 || poll(&p, 1, left) <= 0) break;
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    raw->append(buffer, static_cast<size_t>(n));
  }
  return raw->rfind("HTTP/1.1 ", 0) == 0 ? std::atoi(raw->c_str() + 9) : 0;
}

// Keeps `count` connections of one kind open in a thread of its own, opening a new one
// whenever the server closes one (as a real attacker would): each sends `opening` and
// then, every drip_ms, one more byte of `drip` (0: never).
class Attackers {
 public:
  Attackers(int port, int count, std::string opening, std::string drip, int drip_ms)
      : m_port(port), m_opening(std::move(opening)), m_drip(std::move(drip)), m_drip_ms(drip_ms) {
    m_fds.assign(static_cast<size_t>(count), -1);
    m_opened.assign(static_cast<size_t>(count), Clock::now());
    m_sent.assign(static_cast<size_t>(count), 0);
    for (size_t i = 0; i < m_fds.size(); ++i) Open(i);
    m_thread = std::thread([this] { Loop(); });
  }
  ~Attackers() {
    m_stop = true;
    m_thread.join();
    for (int fd : m_fds) {
      if (fd >= 0) close(fd);
    }
  }
  // How many the server has closed so far, and the longest any lived before that.
  int cut() const { return m_cut.load(); }
  double longest_ms() const { return m_longest_ms.load(); }

 private:
  void Open(size_t i) {
    m_fds[i] = Connect(m_port);
    m_opened[i] = Clock::now();
    m_sent[i] = 0;
    if (m_fds[i] >= 0) (void)send(m_fds[i], m_opening.data(), m_opening.size(), MSG_NOSIGNAL);
  }
  void Loop() {
    auto next_drip = Clock::now() + std::chrono::milliseconds(m_drip_ms);
    while (!m_stop) {
      std::vector<pollfd> fds;
      for (int fd : m_fds) fds.push_back({fd, POLLIN, 0});
      poll(fds.data(), fds.size(), 100);
      for (size_t i = 0; i < fds.size(); ++i) {
        if (fds[i].fd >= 0 && !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        // Closed (or answered and closed) by the server: note it and come back.
        if (fds[i].fd >= 0) {
          close(fds[i].fd);
          ++m_cut;
          m_longest_ms = std::max(m_longest_ms.load(), MsSince(m_opened[i]));
        }
        Open(i);
      }
      if (m_drip_ms > 0 && Clock::now() >= next_drip) {
        next_drip += std::chrono::milliseconds(m_drip_ms);
        for (size_t i = 0; i < m_fds.size(); ++i) {
          if (m_fds[i] < 0) continue;
          const char byte = m_drip[m_sent[i]++ % m_drip.size()];
          (void)send(m_fds[i], &byte, 1, MSG_NOSIGNAL);
        }
      }
    }
  }

  int m_port;
  std::string m_opening, m_drip;
  int m_drip_ms;
  std::vector<int> m_fds;
  std::vector<Clock::time_point> m_opened;
  std::vector<size_t> m_sent;
  std::atomic<bool> m_stop{false};
  std::atomic<int> m_cut{0};
  std::atomic<double> m_longest_ms{0};
  std::thread m_thread;
};

// A kiosk identity enrolled over HTTP(S) that signs requests by hand.
struct Device {
  int64_t id = 0;
  std::string secret_key;
};

Device Enroll(const std::string& pg_url, const std::string& url, const sync::CurlOptions& options) {
  server::PgPool pool(pg_url);
  auto code = server::IssueEnrollCode(pool, "测试大厅", 1);
  EXPECT_TRUE(code.ok());
  const protocol::SigningKeyPair keys = protocol::GenerateSigningKeyPair();
  sync::CurlTransport curl(options);
  auto r = curl.Send({"POST",
                      url + protocol::kPathEnroll,
                      {},
                      protocol::SerializeMessage(protocol::EnrollRequest{
                          code.ok() ? *code : "", Base64Encode(keys.public_key), "test", ""})});
  EXPECT_TRUE(r.ok() && r->status == 200) << (r.ok() ? r->body : r.error().message);
  auto parsed = r.ok() ? protocol::ParseMessage<protocol::EnrollResponse>(r->body)
                       : Result<protocol::EnrollResponse>(r.error());
  return {parsed.ok() ? parsed->device_id : 0, keys.secret_key};
}

sync::HttpRequest Signed(const Device& device, const std::string& url, const std::string& method,
                         const std::string& path, const std::string& body,
                         int64_t timestamp = std::time(nullptr)) {
  const protocol::SignedParts parts{method, path, timestamp, protocol::NewNonce(), body};
  auto signature = protocol::SignRequest(parts, device.secret_key);
  return {method,
          url + path,
          {{"Content-Type", "application/json"},
           {protocol::kHeaderDevice, std::to_string(device.id)},
           {protocol::kHeaderTimestamp, std::to_string(timestamp)},
           {protocol::kHeaderNonce, parts.nonce},
           {protocol::kHeaderSignature, signature.ok() ? *signature : ""}},
          body};
}

// One application per push, each with its own UUID and number.
std::string PushBody(int i) {
  protocol::PushItem item;
  char uuid[40];
  std::snprintf(uuid, sizeof uuid, "%08x-0000-4000-8000-%012d", static_cast<unsigned>(getpid()), i);
  item.uuid = uuid;
  item.app_number = "HN" + std::to_string(getpid()) + "-" + std::to_string(i);
  item.service_code = "dibao";
  item.payload_format = protocol::kPayloadJsonV1;
  item.payload = R"({"service_code":"dibao"})";
  return protocol::SerializeMessage(protocol::PushRequest{{item}});
}

// Each request on a connection of its own, as a kiosk arriving fresh; a request that
// fails or takes over 10 s counts as 10 s (the bound below catches it), and after 60 s
// in all the rest are not sent (a stalled server fails the counts, not the timeout).
struct Measured {
  Latencies health, push;
  int health_ok = 0, push_ok = 0;
};

Measured MeasureRequests(const std::string& url, const Device& device, sync::CurlOptions options,
                         int health_count, int push_count) {
  options.total_timeout_ms = 10000;
  Measured m;
  const auto start_all = Clock::now();
  for (int i = 0; i < health_count && MsSince(start_all) < 60000; ++i) {
    sync::CurlTransport curl(options);
    const auto start = Clock::now();
    auto r = curl.Send({"GET", url + protocol::kPathHealth, {}, ""});
    m.health.ms.push_back(MsSince(start));
    if (r.ok() && r->status == 200) ++m.health_ok;
  }
  static std::atomic<int> pushed{0};
  for (int i = 0; i < push_count && MsSince(start_all) < 60000; ++i) {
    sync::CurlTransport curl(options);
    const auto start = Clock::now();
    auto r = curl.Send(Signed(device, url, "POST", protocol::kPathPush, PushBody(pushed++)));
    m.push.ms.push_back(MsSince(start));
    if (r.ok() && r->status == 200) ++m.push_ok;
  }
  return m;
}

// Enough file descriptors for this test's connections, or a skip that says why.
bool RaiseLimitFor(size_t sockets) {
  const size_t limit = server::RaiseFileLimit();
  std::printf("[measured] RLIMIT_NOFILE of the test process: %zu\n", limit);
  return limit >= sockets + 256;
}

// The whole-network bound: the issue's target is 100 ms; 1 s leaves room for a
// loaded 2-core machine and is still five times better than the old server's best.
constexpr double kBoundMs = 1000;

TEST(HostileNetwork, IdleAndSlowlorisConnectionsDoNotDelayOthers) {
  ASSERT_TRUE(PgCluster::Get().ok());
  constexpr int kIdle = 2000;
  constexpr int kSlow = 50;
  ASSERT_TRUE(RaiseLimitFor(kIdle + kSlow + 64)) << "ulimit -n is too low for this test";
  TestDatabase db;
  ServerProcess server(db.url(), {});
  ASSERT_TRUE(server.ok());
  const Device device = Enroll(db.url(), server.url(), {});

  // 2,000 kept-alive connections: each is served once (in waves, as kiosks arrive),
  // then stays open and says nothing.
  std::vector<int> idle;
  int served = 0;
  const auto setup = Clock::now();
  for (int wave = 0; wave < kIdle && MsSince(setup) < 20000; wave += 50) {
    std::vector<int> batch;
    for (int i = 0; i < 50; ++i) {
      const int fd = Connect(server.port());
      ASSERT_GE(fd, 0) << "connect failed after " << idle.size() << " connections";
      const std::string get = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
      (void)send(fd, get.data(), get.size(), MSG_NOSIGNAL);
      batch.push_back(fd);
    }
    for (int fd : batch) {
      std::string raw;
      if (ReadStatus(fd, 2000, &raw) == 200) ++served;
      idle.push_back(fd);
    }
  }
  std::printf("[measured] %zu idle keep-alive connections opened in %.0f ms (%d served once)\n",
              idle.size(), MsSince(setup), served);

  // 50 slowloris senders: a header one byte every 2 s, reopened whenever cut.
  Attackers slow(server.port(), kSlow, "POST /v1/push HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                 "X-Slow: 1\r\n", 2000);
  std::this_thread::sleep_for(std::chrono::seconds(1));

  const Measured m = MeasureRequests(server.url(), device, {}, 50, 20);
  m.health.Print("GET /healthz, new connection each, beside 2000 idle + 50 slowloris");
  m.push.Print("signed POST /v1/push, new connection each, same load");
  std::this_thread::sleep_for(std::chrono::seconds(6));  // one header deadline at least
  int still_open = 0;
  for (int fd : idle) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 0) == 0) ++still_open;
    close(fd);
  }
  std::printf("[measured] slowloris connections cut by the server: %d (longest lived %.0f ms); "
              "idle connections still open: %d; server VmRSS %ld kB\n",
              slow.cut(), slow.longest_ms(), still_open, VmKb(server.pid(), "VmRSS"));
  EXPECT_EQ(m.health_ok, 50);
  EXPECT_EQ(m.push_ok, 20);
  EXPECT_LT(m.health.Max(), kBoundMs);
  EXPECT_LT(m.push.Max(), kBoundMs);
  EXPECT_GE(slow.cut(), kSlow) << "slow headers must meet the header deadline";
}

TEST(HostileNetwork, TlsClientsThatNeverSayHelloDoNotDelayOthers) {
  ASSERT_TRUE(PgCluster::Get().ok());
  ASSERT_TRUE(TestPki().ok);
  ASSERT_TRUE(RaiseLimitFor(600));
  TestDatabase db;
  ServerProcess server(db.url(), {"--tls-cert", TestPki().server_pem, "--tls-key",
                                  TestPki().server_key}, /*tls=*/true);
  ASSERT_TRUE(server.ok());
  sync::CurlOptions options;
  options.ca_file = TestPki().ca_pem;
  const Device device = Enroll(db.url(), server.url(), options);

  // 8 as in the issue (as many as cpp-httplib had threads), and 500 more.
  Attackers silent(server.port(), 508, "", "", 0);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const Measured m = MeasureRequests(server.url(), device, options, 50, 20);
  m.health.Print("GET /healthz over TLS (full handshake each) beside 508 silent TLS clients");
  m.push.Print("signed POST /v1/push over TLS, same load");
  std::this_thread::sleep_for(std::chrono::seconds(5));
  std::printf("[measured] silent TLS connections cut: %d (longest lived %.0f ms)\n", silent.cut(),
              silent.longest_ms());
  EXPECT_EQ(m.health_ok, 50);
  EXPECT_EQ(m.push_ok, 20);
  EXPECT_LT(m.health.Max(), kBoundMs);
  EXPECT_LT(m.push.Max(), kBoundMs);
  EXPECT_GE(silent.cut(), 508) << "a TLS handshake has a deadline";
}

// Sends `head`, then `total` bytes made by `filler`, watching for a reply between
// chunks; stops at the reply, a refused send, or 60 s.
struct FloodOutcome {
  int status = 0;
  std::string raw;
  int64_t sent = 0;
  double ms = 0;
};

FloodOutcome Flood(int port, const std::string& head, int64_t total,
                   const std::function<std::string(int64_t)>& filler) {
  FloodOutcome out;
  const auto start = Clock::now();
  const int fd = Connect(port);
  if (fd < 0) return out;
  (void)send(fd, head.data(), head.size(), MSG_NOSIGNAL);
  std::string chunk;
  size_t offset = 0;
  while (out.sent < total && MsSince(start) < 60000) {
    pollfd p{fd, POLLIN | POLLOUT, 0};
    if (poll(&p, 1, 1000) <= 0) continue;
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) break;
    if (offset == chunk.size()) {
      chunk = filler(out.sent);
      offset = 0;
    }
    const ssize_t n =
        send(fd, chunk.data() + offset, chunk.size() - offset, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n <= 0) break;
    offset += static_cast<size_t>(n);
    out.sent += n;
  }
  out.status = ReadStatus(fd, 5000, &out.raw);
  out.ms = MsSince(start);
  close(fd);
  return out;
}

TEST(HostileNetwork, FloodsFromNobodyAreRefusedWithoutBeingRead) {
  ASSERT_TRUE(PgCluster::Get().ok());
  TestDatabase db;
  ServerProcess server(db.url(), {});
  ASSERT_TRUE(server.ok());
  const long rss_before = VmKb(server.pid(), "VmRSS");
  constexpr int64_t kBody = 32ll * 1024 * 1024;
  constexpr int64_t kHeaders = 92ll * 1024 * 1024;
  std::vector<FloodOutcome> bodies(8), headers(4);
  std::vector<std::thread> threads;
  for (FloodOutcome& out : bodies) {
    threads.emplace_back([&] {
      out = Flood(server.port(),
                  "POST /v1/push HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  "Content-Length: " + std::to_string(kBody) + "\r\n\r\n",
                  kBody, [](int64_t) { return std::string(64 * 1024, 'x'); });
    });
  }
  for (FloodOutcome& out : headers) {
    threads.emplace_back([&] {
      out = Flood(server.port(), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n", kHeaders,
                  [](int64_t at) {
                    std::string lines;
                    for (int i = 0; i < 64; ++i) {
                      lines += "X-Flood-" + std::to_string(at + i) + ": " +
                               std::string(1000, 'f') + "\r\n";
                    }
                    return lines;
                  });
    });
  }
  for (std::thread& t : threads) t.join();
  const long hwm = VmKb(server.pid(), "VmHWM");
  for (const FloodOutcome& out : bodies) {
    std::printf("[measured] unauthenticated 32 MiB body: %d after %.0f ms, %lld KiB sent\n",
                out.status, out.ms, static_cast<long long>(out.sent / 1024));
    EXPECT_TRUE(out.status == 401 || out.status == 413) << out.raw.substr(0, 200);
    EXPECT_NE(out.raw.find("\"error\":"), std::string::npos) << out.raw.substr(0, 200);
  }
  for (const FloodOutcome& out : headers) {
    std::printf("[measured] 92 MiB header flood: %d after %.0f ms, %lld KiB sent\n", out.status,
                out.ms, static_cast<long long>(out.sent / 1024));
    EXPECT_EQ(out.status, 431) << out.raw.substr(0, 200);
    EXPECT_NE(out.raw.find("headers_too_large"), std::string::npos) << out.raw.substr(0, 200);
  }
  std::printf("[measured] server VmRSS before %ld kB, peak (VmHWM) after 8 bodies + 4 floods "
              "%ld kB\n", rss_before, hwm);
  // Generous: the peak measured is a few MB over the start; reading the floods took
  // the old server to 1.4 GB.
  EXPECT_LT(hwm - rss_before, 64 * 1024);
  sync::CurlTransport curl;
  auto health = curl.Send({"GET", server.url() + protocol::kPathHealth, {}, ""});
  ASSERT_TRUE(health.ok());
  EXPECT_EQ(health->status, 200);
}

TEST(HostileNetwork, ConnectionsPastTheCapAreTurnedAwayPolitely) {
  ASSERT_TRUE(PgCluster::Get().ok());
  TestDatabase db;
  ServerProcess server(db.url(), {"--max-connections", "40"});
  ASSERT_TRUE(server.ok()) << "yimen-server --max-connections";
  std::vector<int> held;
  for (int i = 0; i < 40; ++i) held.push_back(Connect(server.port()));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  int refused = 0;
  for (int i = 0; i < 10; ++i) {
    const int fd = Connect(server.port());
    std::string raw;
    const int status = fd >= 0 ? ReadStatus(fd, 3000, &raw) : 0;
    if (status == 503 && raw.find("Retry-After") != std::string::npos) ++refused;
    if (fd >= 0) close(fd);
  }
  std::printf("[measured] past a cap of 40: %d of 10 new connections got 503 + Retry-After\n",
              refused);
  EXPECT_EQ(refused, 10);
  for (int i = 0; i < 20; ++i) close(held[static_cast<size_t>(i)]);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  sync::CurlTransport curl;
  auto health = curl.Send({"GET", server.url() + protocol::kPathHealth, {}, ""});
  ASSERT_TRUE(health.ok()) << health.error().message;
  EXPECT_EQ(health->status, 200);
  for (size_t i = 20; i < held.size(); ++i) close(held[i]);
}

// A client that asks before sending its body (Expect: 100-continue) hears "go on"
// only when its headers pass; a refusal comes instead of the 100, so the body is
// never sent at all.
TEST(HostileNetwork, OnlyAdmittedRequestsAreAskedForTheirBody) {
  ASSERT_TRUE(PgCluster::Get().ok());
  TestDatabase db;
  ServerProcess server(db.url(), {});
  ASSERT_TRUE(server.ok());
  const int refused = Connect(server.port());
  const std::string push = "POST /v1/push HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\n"
                           "Content-Length: 1000000\r\n\r\n";
  (void)send(refused, push.data(), push.size(), MSG_NOSIGNAL);
  std::string raw;
  EXPECT_EQ(ReadStatus(refused, 3000, &raw), 401) << raw;
  close(refused);
  const int admitted = Connect(server.port());
  const std::string enroll = "POST /v1/enroll HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\n"
                             "Content-Length: 2\r\n\r\n";
  (void)send(admitted, enroll.data(), enroll.size(), MSG_NOSIGNAL);
  raw.clear();
  EXPECT_EQ(ReadStatus(admitted, 3000, &raw), 100) << raw;
  (void)send(admitted, "{}", 2, MSG_NOSIGNAL);
  raw.clear();
  EXPECT_EQ(ReadStatus(admitted, 3000, &raw), 400) << raw;
  EXPECT_NE(raw.find("bad_request"), std::string::npos);
  close(admitted);
}

// The pids of a cluster's postmaster and every process it started.
std::vector<pid_t> ClusterPids(const std::string& data_dir) {
  std::ifstream pid_file(data_dir + "/postmaster.pid");
  pid_t postmaster = 0;
  pid_file >> postmaster;
  std::vector<pid_t> pids;
  if (postmaster <= 0) return pids;
  pids.push_back(postmaster);
  DIR* proc = opendir("/proc");
  while (dirent* entry = proc ? readdir(proc) : nullptr) {
    const pid_t pid = std::atoi(entry->d_name);
    if (pid <= 0) continue;
    std::ifstream stat("/proc/" + std::string(entry->d_name) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    const size_t paren = text.rfind(')');
    if (paren == std::string::npos) continue;
    std::istringstream rest(text.substr(paren + 2));
    char state = 0;
    pid_t parent = 0;
    rest >> state >> parent;
    if (parent == postmaster) pids.push_back(pid);
  }
  if (proc) closedir(proc);
  return pids;
}

// SIGSTOPs a cluster, and SIGCONTs it on Thaw or at scope exit whatever happens.
class Freeze {
 public:
  explicit Freeze(std::vector<pid_t> pids) : m_pids(std::move(pids)) {
    for (pid_t pid : m_pids) kill(pid, SIGSTOP);
  }
  ~Freeze() { Thaw(); }
  void Thaw() {
    for (pid_t pid : m_pids) kill(pid, SIGCONT);
    m_pids.clear();
  }

 private:
  std::vector<pid_t> m_pids;
};

struct Outcome {
  int status = 0;
  bool retry_after = false;
  std::string body;
  double ms = 0;
};

TEST(HostileNetwork, FrozenPostgresGives503WithinSecondsAndTheServerRecovers) {
  // A cluster of this test's own: the shared one serves other tests meanwhile.
  SyncTempDir dir;
  CommandResult started = RunCommand({"/bin/bash", YIMEN_PG_LOCAL, "start", dir.path()});
  ASSERT_EQ(started.exit_code, 0);
  const std::string pg_url = Trim(started.out);
  struct StopCluster {
    std::string dir;
    ~StopCluster() { (void)RunCommand({"/bin/bash", YIMEN_PG_LOCAL, "stop", dir}); }
  } stop_cluster{dir.path()};
  ServerProcess server(pg_url, {});
  ASSERT_TRUE(server.ok());
  const Device device = Enroll(pg_url, server.url(), {});
  sync::CurlTransport warm;
  auto warmed = warm.Send(Signed(device, server.url(), "POST", protocol::kPathHeartbeat,
                                 R"({"queue_depth":0})"));
  ASSERT_TRUE(warmed.ok() && warmed->status == 200);

  Freeze freeze(ClusterPids(dir.path() + "/data"));
  // 12 health checks and 4 signed heartbeats at once, each on its own connection.
  std::vector<Outcome> outcomes(16);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    threads.emplace_back([&, i] {
      sync::CurlOptions options;
      options.total_timeout_ms = 40000;
      sync::CurlTransport curl(options);
      const auto start = Clock::now();
      auto r = i < 12 ? curl.Send({"GET", server.url() + protocol::kPathHealth, {}, ""})
                      : curl.Send(Signed(device, server.url(), "POST", protocol::kPathHeartbeat,
                                         R"({"queue_depth":1})"));
      outcomes[i].ms = MsSince(start);
      if (!r.ok()) return;
      outcomes[i].status = r->status;
      outcomes[i].retry_after = r->headers.count("retry-after") > 0;
      outcomes[i].body = r->body;
    });
  }
  for (std::thread& t : threads) t.join();
  Latencies frozen;
  for (const Outcome& o : outcomes) {
    frozen.ms.push_back(o.ms);
    EXPECT_EQ(o.status, 503) << o.body;
    EXPECT_TRUE(o.retry_after);
    // The reason is ours, never the database's words.
    for (const char* leak : {"pqxx", "server closed", "connect", "timeout expired", "ERROR"}) {
      EXPECT_EQ(o.body.find(leak), std::string::npos) << o.body;
    }
  }
  frozen.Print("time to 503 with PostgreSQL frozen (16 requests at once)");
  Latencies after;
  for (int i = 0; i < 5; ++i) {
    sync::CurlOptions options;
    options.total_timeout_ms = 40000;
    sync::CurlTransport curl(options);
    const auto start = Clock::now();
    auto r = curl.Send({"GET", server.url() + protocol::kPathHealth, {}, ""});
    after.ms.push_back(MsSince(start));
    if (!r.ok() || r->status != 503) {
      ADD_FAILURE() << "no 503 while frozen: " << (r.ok() ? r->body : r.error().message);
      break;
    }
  }
  after.Print("time to 503 while still frozen, one at a time");
  // Generous: the limits are a 4 s client-side deadline and a 2 s connect timeout.
  EXPECT_LT(frozen.Max(), 15000);

  freeze.Thaw();
  const auto thawed = Clock::now();
  int status = 0;
  while (status != 200 && MsSince(thawed) < 30000) {
    sync::CurlTransport curl;
    auto r = curl.Send({"GET", server.url() + protocol::kPathHealth, {}, ""});
    status = r.ok() ? r->status : 0;
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::printf("[measured] after SIGCONT: /healthz 200 again after %.0f ms\n", MsSince(thawed));
  EXPECT_EQ(status, 200);
  sync::CurlTransport curl;
  auto beat = curl.Send(Signed(device, server.url(), "POST", protocol::kPathHeartbeat,
                               R"({"queue_depth":2})"));
  ASSERT_TRUE(beat.ok());
  EXPECT_EQ(beat->status, 200) << beat->body;
}

}  // namespace
}  // namespace yimen::testing
