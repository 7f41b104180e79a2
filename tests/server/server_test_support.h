// What the integration tests share: a real PostgreSQL (scripts/pg-local.sh, one
// cluster per ctest run through a fixture, or one per binary when run by hand), a
// fresh database per test, in-process server copies on loopback ports, child
// processes for the real binaries, and a TCP proxy that breaks connections on purpose
// (drops a reply the server already committed, or cuts a request mid-body).
#pragma once

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <pqxx/pqxx>

#include "server/admin.h"
#include "server/http_frontend.h"
#include "server/service.h"
#include "sync/client/engine.h"
#include "sync/protocol/signing.h"
#include "sync/sync_test_support.h"

namespace yimen::testing {

// Runs argv with `input` on its stdin, waits, returns the exit code and what it printed
// on stdout (and stderr with `with_stderr`; else stderr goes to the test's stderr,
// which ctest shows on failure).
struct CommandResult {
  int exit_code = -1;
  std::string out;
};

inline CommandResult RunCommand(const std::vector<std::string>& argv,
                                const std::string& input = "", bool with_stderr = false) {
  CommandResult result;
  int pipe_fds[2];
  int in_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return result;
  if (pipe2(in_fds, O_CLOEXEC) != 0) {
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    return result;
  }
  // Small inputs (a password, a PIN) fit in the pipe's buffer: write them all now.
  if (!input.empty() && write(in_fds[1], input.data(), input.size()) !=
                            static_cast<ssize_t>(input.size())) {
    ADD_FAILURE() << "stdin of " << argv[0] << " not written";
  }
  close(in_fds[1]);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, in_fds[0], 0);
  if (with_stderr) posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), ::environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  close(in_fds[0]);
  if (rc != 0) {
    close(pipe_fds[0]);
    return result;
  }
  char buffer[4096];
  for (ssize_t n; (n = read(pipe_fds[0], buffer, sizeof buffer)) > 0;) result.out.append(buffer, n);
  close(pipe_fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

// A blocking TCP connection to 127.0.0.1:port, or -1.
inline int ConnectLoopback(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (fd >= 0) close(fd);
    return -1;
  }
  return fd;
}

// A whole file's bytes, "" when it cannot be read.
inline std::string ReadFileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::string Trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

// yimen-admin on one test database, signed in as office accounts. The first admin is
// made with --bootstrap; Run() signs in with the password on stdin, followed by
// `more_input` (a PIN, a new account's password).
class OfficeAdmin {
 public:
  static constexpr const char* kPassword = "correct horse battery";
  explicit OfficeAdmin(std::string pg_url, std::string user = "ops-admin")
      : m_pg_url(std::move(pg_url)), m_user(std::move(user)) {}

  // Creates m_user as the first admin of an empty database. False if refused.
  bool Bootstrap() {
    return RunCommand({YIMEN_ADMIN_BIN, "--pg", m_pg_url, "console-user", "add", m_user,
                       "--role", "admin", "--scope", "全市", "--bootstrap"},
                      std::string(kPassword) + "\n")
               .exit_code == 0;
  }
  // Signed in as `user` (default: the bootstrap admin) with `password`.
  CommandResult RunAs(const std::string& user, const std::string& password,
                      std::vector<std::string> args, const std::string& more_input = "",
                      bool with_stderr = false) const {
    args.insert(args.begin(), {YIMEN_ADMIN_BIN, "--pg", m_pg_url, "--user", user});
    // set-status reads the shipped catalog (time limits, materials) unless told otherwise.
#ifdef YIMEN_TEST_CATALOG_DIR
    setenv("YIMEN_CATALOG_DIR", YIMEN_TEST_CATALOG_DIR, 0);
#endif
    return RunCommand(args, password + "\n" + more_input, with_stderr);
  }
  CommandResult Run(std::vector<std::string> args, const std::string& more_input = "") const {
    return RunAs(m_user, kPassword, std::move(args), more_input);
  }
  // Makes another account (by the admin) with password kPassword.
  bool AddAccount(const std::string& name, const std::string& role) const {
    return Run({"console-user", "add", name, "--role", role, "--scope", "东城区"},
               std::string(kPassword) + "\n")
               .exit_code == 0;
  }
  const std::string& user() const { return m_user; }

 private:
  std::string m_pg_url;
  std::string m_user;
};

// The test run's PostgreSQL cluster. Under ctest the fixture `server.pg_start` has
// started it in $YIMEN_TEST_PG_DIR; run by hand, the binary starts its own in a temp
// directory and stops it at exit.
class PgCluster {
 public:
  static PgCluster& Get() {
    static PgCluster cluster;
    return cluster;
  }
  // postgresql://postgres@127.0.0.1:PORT/ — append a database name.
  const std::string& base_url() const { return m_base_url; }
  bool ok() const { return !m_base_url.empty(); }

 private:
  PgCluster() {
    const char* dir = std::getenv("YIMEN_TEST_PG_DIR");
    if (dir != nullptr && *dir != '\0') {
      m_dir = dir;
    } else {
      m_own = std::make_unique<SyncTempDir>();
      m_dir = m_own->path();
    }
    // Under the fixture the cluster runs already: only ask for its URL.
    const char* verb = m_own ? "start" : "url";
    CommandResult started = RunCommand({"/bin/bash", YIMEN_PG_LOCAL, verb, m_dir});
    if (started.exit_code != 0) {
      std::fprintf(stderr, "pg-local.sh %s %s failed (%d)\n", verb, m_dir.c_str(),
                   started.exit_code);
      return;
    }
    std::string url = Trim(started.out);
    const size_t slash = url.rfind('/');
    m_base_url = url.substr(0, slash + 1);
  }
  ~PgCluster() {
    if (m_own) (void)RunCommand({"/bin/bash", YIMEN_PG_LOCAL, "stop", m_dir});
  }
  std::string m_dir;
  std::unique_ptr<SyncTempDir> m_own;
  std::string m_base_url;
};

// A database of its own for one test, dropped at scope exit.
class TestDatabase {
 public:
  TestDatabase() {
    static std::atomic<int> counter{0};
    std::random_device random;
    m_name = "t_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" +
             std::to_string(random() % 100000);
    pqxx::connection admin(PgCluster::Get().base_url() + "postgres");
    pqxx::nontransaction tx(admin);
    tx.exec("CREATE DATABASE " + m_name);
  }
  ~TestDatabase() {
    try {
      pqxx::connection admin(PgCluster::Get().base_url() + "postgres");
      pqxx::nontransaction tx(admin);
      tx.exec("DROP DATABASE IF EXISTS " + m_name + " WITH (FORCE)");
    } catch (const std::exception& e) {
      std::fprintf(stderr, "drop database %s: %s\n", m_name.c_str(), e.what());
    }
  }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  std::string url() const { return PgCluster::Get().base_url() + m_name; }
  // A single value from a query, as text.
  std::string Query(const std::string& sql) const {
    pqxx::connection c(url());
    pqxx::nontransaction tx(c);
    pqxx::result r = tx.exec(sql);
    return r.empty() || r[0][0].is_null() ? "" : r[0][0].as<std::string>();
  }
  int64_t Count(const std::string& sql) const { return std::stoll(Query(sql)); }

 private:
  std::string m_name;
};

// One in-process server copy: ServerCore + HttpFrontend on a loopback port, serving on
// a thread of its own. Several copies on one database behave like separate processes:
// they share nothing but PostgreSQL.
class TestServer {
 public:
  // port 0: any free port.
  explicit TestServer(const std::string& pg_url, int port = 0,
                      server::ServerOptions options = {}) {
    options.pg_url = pg_url;
    auto core = server::ServerCore::Open(options);
    if (!core.ok()) {
      ADD_FAILURE() << "ServerCore::Open: " << core.error().message;
      return;
    }
    m_core = std::move(*core);
    server::ListenOptions listen;
    listen.host = "127.0.0.1";
    listen.port = port;
    listen.log = [this](const std::string& line) {
      std::lock_guard lock(m_log_mutex);
      m_log.push_back(line);
    };
    auto frontend = server::HttpFrontend::Bind(*m_core, listen);
    if (!frontend.ok()) {
      ADD_FAILURE() << "HttpFrontend::Bind: " << frontend.error().message;
      return;
    }
    m_frontend = std::move(*frontend);
    m_thread = std::thread([this] { m_frontend->Serve(); });
  }
  ~TestServer() { Stop(); }
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  void Stop() {
    if (m_frontend) m_frontend->Stop();
    if (m_thread.joinable()) m_thread.join();
    m_frontend.reset();
  }
  bool ok() const { return m_frontend != nullptr; }
  int port() const { return m_frontend ? m_frontend->port() : 0; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }
  server::ServerCore& core() { return *m_core; }
  std::vector<std::string> log() const {
    std::lock_guard lock(m_log_mutex);
    return m_log;
  }

 private:
  std::unique_ptr<server::ServerCore> m_core;
  std::unique_ptr<server::HttpFrontend> m_frontend;
  std::thread m_thread;
  mutable std::mutex m_log_mutex;
  std::vector<std::string> m_log;
};

// A child process (yimen-server) killed with SIGTERM at scope exit. The first line
// it prints on stdout is kept (yimen-server prints "listening on HOST:PORT").
class ChildProcess {
 public:
  explicit ChildProcess(const std::vector<std::string>& argv) {
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
    posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    if (posix_spawn(&m_pid, args[0], &actions, nullptr, args.data(), ::environ) != 0) m_pid = 0;
    posix_spawn_file_actions_destroy(&actions);
    close(pipe_fds[1]);
    m_out = pipe_fds[0];
  }
  ~ChildProcess() { Stop(); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Reads stdout up to the first newline (blocks until the child prints or exits).
  std::string FirstLine() {
    std::string line;
    char ch;
    while (m_out >= 0 && read(m_out, &ch, 1) == 1 && ch != '\n') line.push_back(ch);
    return line;
  }
  // SIGTERM, then waits. Returns the exit code (or 128 + signal).
  int Stop() {
    if (m_pid <= 0) return m_exit;
    kill(m_pid, SIGTERM);
    int status = 0;
    waitpid(m_pid, &status, 0);
    m_pid = 0;
    if (m_out >= 0) close(m_out);
    m_out = -1;
    m_exit = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return m_exit;
  }
  bool running() const { return m_pid > 0; }
  pid_t pid() const { return m_pid; }

 private:
  pid_t m_pid = 0;
  int m_out = -1;
  int m_exit = -1;
};

// A loopback TCP proxy in front of a server that breaks connections on purpose. Each
// accepted connection gets a Fault from the policy:
//   pass                   forward both ways until either side closes;
//   drop_response_at = K   forward requests; the moment the server starts its K-th
//                          answer on this connection (its handler has committed),
//                          close both sides without passing a byte of it on;
//   cut_request_after = N  forward N bytes of the client's stream, then close both.
class FaultProxy {
 public:
  struct Fault {
    int drop_response_at = 0;  // 0: none; 1: the first answer on the connection
    int64_t cut_request_after = -1;
  };
  static Fault Pass() { return {}; }
  static Fault DropReply(int k = 1) { return {k, -1}; }
  static Fault CutRequest(int64_t after) { return {0, after}; }
  using Policy = std::function<Fault()>;

  FaultProxy(int target_port, Policy policy)
      : m_target_port(target_port), m_policy(std::move(policy)) {
    m_listen = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(m_listen, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (bind(m_listen, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        listen(m_listen, 64) != 0) {
      ADD_FAILURE() << "proxy cannot listen";
      return;
    }
    socklen_t len = sizeof addr;
    getsockname(m_listen, reinterpret_cast<sockaddr*>(&addr), &len);
    m_port = ntohs(addr.sin_port);
    m_accept = std::thread([this] { AcceptLoop(); });
  }
  ~FaultProxy() {
    m_stop = true;
    shutdown(m_listen, SHUT_RDWR);
    close(m_listen);
    if (m_accept.joinable()) m_accept.join();
    for (std::thread& t : m_workers) t.join();
  }
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  void SetPolicy(Policy policy) {
    std::lock_guard lock(m_mutex);
    m_policy = std::move(policy);
  }
  int port() const { return m_port; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
  int faults_done() const { return m_faults.load(); }
  int connections() const { return m_connections.load(); }

 private:
  void AcceptLoop() {
    while (!m_stop) {
      pollfd p{m_listen, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      const int client = accept(m_listen, nullptr, nullptr);
      if (client < 0) continue;
      Fault fault;
      {
        std::lock_guard lock(m_mutex);
        fault = m_policy ? m_policy() : Fault{};
      }
      ++m_connections;
      std::lock_guard lock(m_mutex);
      m_workers.emplace_back([this, client, fault] { Relay(client, fault); });
    }
  }

  void Relay(int client, Fault fault) {
    const int upstream = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(m_target_port));
    if (connect(upstream, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      close(upstream);
      close(client);
      return;
    }
    int one = 1;
    setsockopt(upstream, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int64_t forwarded = 0;
    int responses = 0;
    bool awaiting_response = false;  // the client sent bytes since the last answer began
    char buffer[64 * 1024];
    bool faulted = false;
    while (!m_stop && !faulted) {
      pollfd fds[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
      if (poll(fds, 2, 200) <= 0) continue;
      if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
        size_t want = sizeof buffer;
        if (fault.cut_request_after >= 0) {
          want = static_cast<size_t>(
              std::min<int64_t>(static_cast<int64_t>(want), fault.cut_request_after - forwarded));
        }
        if (want == 0) {
          faulted = true;
          break;
        }
        const ssize_t n = read(client, buffer, want);
        if (n <= 0) break;
        if (!WriteAll(upstream, buffer, static_cast<size_t>(n))) break;
        forwarded += n;
        awaiting_response = true;
        if (fault.cut_request_after >= 0 && forwarded >= fault.cut_request_after) {
          faulted = true;
          break;
        }
      }
      if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
        const ssize_t n = read(upstream, buffer, sizeof buffer);
        if (n <= 0) break;
        if (awaiting_response) {
          awaiting_response = false;
          ++responses;
        }
        if (fault.drop_response_at > 0 && responses >= fault.drop_response_at) {
          faulted = true;
          break;
        }
        if (!WriteAll(client, buffer, static_cast<size_t>(n))) break;
      }
    }
    if (faulted) ++m_faults;
    // An abortive close (RST) on the client side: it sees a broken connection, never
    // a clean end of a partial reply.
    linger hard{1, 0};
    setsockopt(client, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    close(client);
    close(upstream);
  }

  static bool WriteAll(int fd, const char* data, size_t size) {
    while (size > 0) {
      const ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
      if (n <= 0) return false;
      data += n;
      size -= static_cast<size_t>(n);
    }
    return true;
  }

  int m_target_port;
  Policy m_policy;  // guarded by m_mutex
  int m_listen = -1;
  int m_port = 0;
  std::atomic<bool> m_stop{false};
  std::atomic<int> m_faults{0};
  std::atomic<int> m_connections{0};
  std::mutex m_mutex;
  std::thread m_accept;
  std::vector<std::thread> m_workers;  // guarded by m_mutex
};

// Sends `method base_url+target body` signed as device `device_id` with `secret_key`,
// as a kiosk (or a hostile one) would; `signed_target` is what the signature covers
// (default: target). The transport's result as it is (TrySendSignedAs), or a transport
// failure as a test failure and an empty reply (SendSignedAs).
inline Result<sync::HttpResponse> TrySendSignedAs(
    sync::Transport& transport, const std::string& base_url, int64_t device_id,
    const std::string& secret_key, const std::string& method, const std::string& target,
    const std::string& body, const std::optional<std::string>& signed_target = std::nullopt) {
  protocol::SignedParts parts{method, signed_target.value_or(target),
                              static_cast<int64_t>(std::time(nullptr)), protocol::NewNonce(), body};
  auto signature = protocol::SignRequest(parts, secret_key);
  EXPECT_TRUE(signature.ok());
  return transport.Send({method,
                         base_url + target,
                         {{"Content-Type", "application/json"},
                          {protocol::kHeaderDevice, std::to_string(device_id)},
                          {protocol::kHeaderTimestamp, std::to_string(parts.timestamp)},
                          {protocol::kHeaderNonce, parts.nonce},
                          {protocol::kHeaderSignature, signature.ok() ? *signature : ""}},
                         body});
}

inline sync::HttpResponse SendSignedAs(
    sync::Transport& transport, const std::string& base_url, int64_t device_id,
    const std::string& secret_key, const std::string& method, const std::string& target,
    const std::string& body, const std::optional<std::string>& signed_target = std::nullopt) {
  auto r = TrySendSignedAs(transport, base_url, device_id, secret_key, method, target, body,
                           signed_target);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : sync::HttpResponse{};
}

// A kiosk in a temp directory: its own store, enrolled against a server, with sync
// options suited to tests (short timeouts: every server here is on loopback).
class TestKiosk {
 public:
  TestKiosk() {
    auto store = Store::Open(m_dir.path());
    if (!store.ok()) {
      ADD_FAILURE() << store.error().message;
      return;
    }
    m_store = std::move(*store);
    options.curl.connect_timeout_ms = 2000;
    options.curl.total_timeout_ms = 20000;
  }

  // Issues a code on the server's database and enrolls with it. urls[0] enrolls.
  bool Enroll(server::PgPool& pool, const std::vector<std::string>& urls,
              const std::string& hall = "测试大厅") {
    auto code = server::IssueEnrollCode(pool, hall, 1);
    if (!code.ok()) {
      ADD_FAILURE() << code.error().message;
      return false;
    }
    sync::CurlTransport transport(options.curl);
    auto enrolled = sync::EnrollKiosk(*m_store, urls, *code, &transport, "test");
    if (!enrolled.ok()) {
      ADD_FAILURE() << "enroll: " << enrolled.error().message;
      return false;
    }
    credentials = *enrolled;
    return true;
  }

  // Points the kiosk at other servers (fail-over list), keeping its identity.
  void SetServers(const std::vector<std::string>& urls) {
    credentials.server_urls = urls;
    ASSERT_TRUE(sync::SaveCredentials(*m_store, credentials).ok());
  }

  std::vector<SubmittedApplication> SubmitMany(int count) {
    std::vector<SubmittedApplication> out;
    for (int i = 0; i < count; ++i) {
      auto submitted = m_store->applications().Submit(SampleSyncApplication(i));
      if (!submitted.ok()) {
        ADD_FAILURE() << submitted.error().message;
        break;
      }
      out.push_back(*submitted);
    }
    return out;
  }

  // One windowless cycle, as `yimen-kiosk --sync-once` runs it.
  sync::CycleReport SyncOnce() {
    auto report = sync::RunSyncOnce(m_dir.path(), options);
    if (!report.ok()) {
      ADD_FAILURE() << report.error().message;
      return {};
    }
    return *report;
  }

  int64_t Pending() {
    auto health = m_store->applications().OutboxHealth();
    return health.ok() ? health->pending : -1;
  }

  Store& store() { return *m_store; }
  const std::string& dir() const { return m_dir.path(); }

  sync::SyncOptions options;
  sync::DeviceCredentials credentials;

 private:
  SyncTempDir m_dir;
  std::unique_ptr<Store> m_store;
};

}  // namespace yimen::testing
