// yimen-fleet: a simulated fleet of kiosks against two real yimen-server processes on
// one PostgreSQL, to learn what one small intake server sustains (pushes/s, latency)
// and to show that full-jitter backoff spreads a reconnect storm. No UI and no SQLite:
// each simulated kiosk is an Ed25519 key, its enrollment and the real ApiClient, so
// every request is signed, sealed and sent through libcurl exactly as a kiosk does.
//
//   yimen-fleet [--kiosks N] [--pushes P] [--apps-per-push A] [--connections W] [--storm]
//               [--outage-ms MS] [--kill-one] [--pg-dir DIR] [--server BIN] [--json FILE]
//               [--quick] [--server-arg ARG]...
//
// --apps-per-push: applications in each push (default 1), as a kiosk with a backlog
// sends its queue in one signed push; pushes/s and applications/s are reported apart.
//
// --kill-one: SIGKILL the first server half-way through the steady phase; its kiosks
// fail over to the second as a kiosk does (the next URL at once, then stay there).
//
// Exit 0 only when every push was acknowledged as created, PostgreSQL holds exactly
// that many applications and every kiosk's heartbeat; speeds are printed, never judged.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "common/uuid.h"
#include "domain/app_number.h"
#include "server/admin.h"
#include "server/pg_pool.h"
#include "sync/client/api_client.h"
#include "sync/client/backoff.h"
#include "sync/client/curl_transport.h"
#include "sync/protocol/signing.h"

namespace {

using Clock = std::chrono::steady_clock;
using yimen::ErrorKind;
using yimen::Status;
using yimen::sync::ApiClient;
using yimen::sync::CurlTransport;
using yimen::sync::DeviceCredentials;
namespace protocol = yimen::protocol;

struct Options {
  int kiosks = 1000;
  int pushes = 5;         // per kiosk
  int apps_per_push = 1;  // applications in each push (1: a kiosk that submits one at a time)
  std::vector<std::string> server_args;  // passed to both yimen-server processes
  int connections = 12;  // concurrent client connections, split over the two servers
  bool storm = false;
  int outage_ms = 3000;
  bool kill_one = false;  // SIGKILL server 0 half-way through the steady phase
  std::string pg_dir;
  std::string server_bin = YIMEN_SERVER_BIN;
  std::string json_path;
};

double MsSince(Clock::time_point since) {
  return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
}

std::string RunShell(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[512];
  while (fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
  if (pclose(pipe) != 0) return "";
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

// A payload shaped like a 低保 application with four household members (~0.8 KB, as
// bench_drain), sealed to the server's key as a kiosk seals it at submit.
std::string PayloadJson(int kiosk, int seq) {
  std::string members;
  for (int m = 0; m < 4; ++m) {
    members += std::string(m ? "," : "") +
               R"({"name":"张小明","relation":"子女","id_number":"11010519491231002X","income":"1200.00","work":"务工"})";
  }
  return R"({"service_code":"dibao","catalog_version":"2026.3","values":{"applicant_name":"张三丰","id_number":"110105194912310021","phone":"13800138000","address":"东门街道/东门社区","reason":"家庭成员因病丧失劳动能力，收入低于当地低保标准，申请最低生活保障。编号)" +
         std::to_string(kiosk) + "-" + std::to_string(seq) + R"("},"groups":{"members":[)" +
         members + "]}}";
}

// CPU seconds (user + system) a process has used, from /proc/PID/stat; with_children
// adds what its reaped children used (PostgreSQL's exited backends). 0 if gone.
double ProcessCpuSeconds(pid_t pid, bool with_children) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t paren = text.rfind(')');
  if (paren == std::string::npos) return 0;
  std::vector<std::string> fields;  // fields[0] is field 3 (state)
  std::string field;
  for (size_t i = paren + 2; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == ' ') {
      fields.push_back(field);
      field.clear();
    } else {
      field.push_back(text[i]);
    }
  }
  if (fields.size() < 15) return 0;
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  double ticks = std::atof(fields[11].c_str()) + std::atof(fields[12].c_str());  // utime, stime
  if (with_children) ticks += std::atof(fields[13].c_str()) + std::atof(fields[14].c_str());
  return ticks / tick;
}

// The parent pid of a process, or 0.
pid_t ParentPid(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t paren = text.rfind(')');
  if (paren == std::string::npos || paren + 4 > text.size()) return 0;
  return static_cast<pid_t>(std::atol(text.c_str() + paren + 4));
}

// CPU seconds of a PostgreSQL cluster: the postmaster, its live backends, and the
// backends that already exited (counted in the postmaster's children times).
double ClusterCpuSeconds(const std::string& pg_dir) {
  std::ifstream pid_file(pg_dir + "/data/postmaster.pid");
  long postmaster = 0;
  if (!(pid_file >> postmaster) || postmaster <= 0) return 0;
  double total = ProcessCpuSeconds(static_cast<pid_t>(postmaster), true);
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
    const pid_t pid = static_cast<pid_t>(std::atol(name.c_str()));
    if (ParentPid(pid) == postmaster) total += ProcessCpuSeconds(pid, false);
  }
  return total;
}

// Extra arguments for every yimen-server this run starts (--server-arg), set once in main.
std::vector<std::string> g_server_args;

// One yimen-server child process. Its stdout tells the port; its access log (stderr)
// goes to a file, as it would in production.
class ServerProcess {
 public:
  bool Start(const std::string& bin, const std::string& pg_url, int port,
             const std::string& log_path) {
    int out[2];
    if (pipe(out) != 0) return false;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    posix_spawn_file_actions_addopen(&actions, 2, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                     0644);
    const std::string listen = "127.0.0.1:" + std::to_string(port);
    std::vector<std::string> argv = {bin, "--pg", pg_url, "--listen", listen};
    argv.insert(argv.end(), g_server_args.begin(), g_server_args.end());
    std::vector<char*> args;
    for (std::string& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    const int rc = posix_spawn(&m_pid, bin.c_str(), &actions, nullptr, args.data(), ::environ);
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    if (rc != 0) {
      close(out[0]);
      m_pid = 0;
      return false;
    }
    // "listening on 127.0.0.1:PORT", once migrations and the key are ready.
    std::string line;
    char ch;
    while (read(out[0], &ch, 1) == 1 && ch != '\n') line.push_back(ch);
    close(out[0]);
    const size_t colon = line.rfind(':');
    if (line.rfind("listening on", 0) != 0 || colon == std::string::npos) {
      Stop();
      return false;
    }
    m_port = std::atoi(line.c_str() + colon + 1);
    return m_port > 0;
  }
  // SIGTERM and wait: the server finishes its requests in flight and exits. With
  // `signal` = SIGKILL: dies at once, requests in flight and all (a crash, a power cut).
  void Stop(int signal = SIGTERM) {
    if (m_pid <= 0) return;
    kill(m_pid, signal);
    int status = 0;
    waitpid(m_pid, &status, 0);
    m_pid = 0;
  }
  ~ServerProcess() { Stop(); }
  int port() const { return m_port; }
  pid_t pid() const { return m_pid; }

 private:
  pid_t m_pid = 0;
  int m_port = 0;
};

struct Kiosk {
  DeviceCredentials credentials;
  int next_seq = 1;
  // The application being delivered: resent unchanged (same uuid) until acknowledged,
  // as the kiosk's outbox does, so a reply lost in an outage cannot make a second row.
  std::vector<protocol::PushItem> pending;
};

// What one client connection (worker thread) saw. Merged after the phase.
struct WorkerTally {
  std::vector<double> latencies_ms;
  std::map<std::string, int> errors;  // error kind name → count
  int64_t created = 0;                // applications acknowledged
  int64_t acked = 0;                  // pushes acknowledged
  int64_t failovers = 0;  // pushes that reached the other server after the first failed
  std::vector<double> attempt_at_ms;  // storm: when each attempt started
  std::vector<double> due_at_ms;      // storm: when each attempt was due
};

struct PhaseResult {
  double seconds = 0;
  int64_t requests = 0;
  int64_t created = 0;
  int64_t acked = 0;
  int64_t errors = 0;
  int64_t failovers = 0;
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
  std::map<std::string, int> error_kinds;
  std::vector<double> attempt_at_ms, due_at_ms;
};

double Percentile(std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const size_t index = std::min(sorted.size() - 1, static_cast<size_t>(p * static_cast<double>(sorted.size())));
  return sorted[index];
}

PhaseResult Merge(std::vector<WorkerTally>& tallies, double seconds) {
  PhaseResult result;
  result.seconds = seconds;
  std::vector<double> all;
  for (WorkerTally& t : tallies) {
    all.insert(all.end(), t.latencies_ms.begin(), t.latencies_ms.end());
    result.created += t.created;
    result.acked += t.acked;
    result.failovers += t.failovers;
    for (const auto& [kind, count] : t.errors) {
      result.error_kinds[kind] += count;
      result.errors += count;
    }
    result.attempt_at_ms.insert(result.attempt_at_ms.end(), t.attempt_at_ms.begin(),
                                t.attempt_at_ms.end());
    result.due_at_ms.insert(result.due_at_ms.end(), t.due_at_ms.begin(), t.due_at_ms.end());
  }
  std::sort(all.begin(), all.end());
  result.requests = static_cast<int64_t>(all.size());
  result.p50_ms = Percentile(all, 0.50);
  result.p99_ms = Percentile(all, 0.99);
  result.max_ms = all.empty() ? 0 : all.back();
  return result;
}

// Acknowledged pushes so far, all phases (the --kill-one watcher reads it).
std::atomic<int64_t> g_acknowledged{0};

// One push by kiosk k: its pending application, or a new one. Returns true when the
// server acknowledged it (created, or a duplicate of what an earlier try stored).
// Like the kiosk's sync cycle, a server that is unavailable sends the push to the
// kiosk's next URL at once, and the kiosk stays on the one that answered.
bool PushOne(CurlTransport& transport, Kiosk& kiosk, int kiosk_index, int apps,
             WorkerTally& tally) {
  while (static_cast<int>(kiosk.pending.size()) < apps) {
    const int seq = kiosk.next_seq + static_cast<int>(kiosk.pending.size());
    protocol::PushItem item;
    item.uuid = yimen::NewUuidV4();
    item.app_number = yimen::FormatAppNumber(kiosk.credentials.kiosk_code, {2026, 11, 23},
                                             static_cast<uint32_t>(seq));
    item.service_code = "dibao";
    item.catalog_version = "2026.3";
    item.payload_format = protocol::kPayloadSealedV1;
    auto sealed =
        protocol::Seal(PayloadJson(kiosk_index, seq), kiosk.credentials.sealing_public_key);
    if (!sealed.ok()) {
      ++tally.errors["seal"];
      return false;
    }
    item.payload = yimen::Base64Encode(*sealed);
    item.submitted_at = "2026-11-23T02:30:00Z";
    kiosk.pending.push_back(std::move(item));
  }
  protocol::PushRequest request;
  request.items = kiosk.pending;

  ApiClient client(transport, kiosk.credentials);
  const auto start = Clock::now();
  auto reply = client.Push(request);
  std::vector<std::string>& urls = kiosk.credentials.server_urls;
  if (!reply.ok() && reply.error().kind == ErrorKind::kUnavailable && urls.size() > 1) {
    client.RotateServer();
    reply = client.Push(request);
    if (reply.ok()) {
      std::rotate(urls.begin(), urls.begin() + 1, urls.end());
      ++tally.failovers;
    }
  }
  tally.latencies_ms.push_back(MsSince(start));
  if (!reply.ok()) {
    ++tally.errors[yimen::ErrorKindName(reply.error().kind)];
    if (tally.errors.size() == 1 && std::getenv("YIMEN_FLEET_VERBOSE")) {
      std::fprintf(stderr, "yimen-fleet: push: %s\n", reply.error().message.c_str());
    }
    return false;
  }
  const auto rejected =
      std::find_if(reply->results.begin(), reply->results.end(),
                   [](const auto& r) { return r.outcome == protocol::PushOutcome::kRejected; });
  if (reply->results.size() != request.items.size() || rejected != reply->results.end()) {
    ++tally.errors["not_created"];
    if (rejected != reply->results.end()) {
      std::fprintf(stderr, "yimen-fleet: push not created: %s\n", rejected->reason.c_str());
    }
    return false;
  }
  kiosk.next_seq += static_cast<int>(kiosk.pending.size());
  tally.created += static_cast<int64_t>(kiosk.pending.size());
  kiosk.pending.clear();
  ++tally.acked;
  ++g_acknowledged;
  return true;
}

// Runs body(worker, transport) on `connections` threads and waits.
template <class Body>
std::vector<WorkerTally> RunWorkers(int connections, const Body& body) {
  std::vector<WorkerTally> tallies(static_cast<size_t>(connections));
  std::vector<std::thread> threads;
  for (int w = 0; w < connections; ++w) {
    threads.emplace_back([&, w] {
      CurlTransport transport;
      body(w, transport, tallies[static_cast<size_t>(w)]);
    });
  }
  for (std::thread& t : threads) t.join();
  return tallies;
}

// Requests per 100 ms bucket, as text lines with a bar each.
std::vector<int> Histogram(const std::vector<double>& times_ms, double from_ms, double to_ms) {
  const int buckets = std::max(1, static_cast<int>((to_ms - from_ms) / 100.0) + 1);
  std::vector<int> counts(static_cast<size_t>(buckets), 0);
  for (double t : times_ms) {
    const int b = static_cast<int>((t - from_ms) / 100.0);
    if (b >= 0 && b < buckets) ++counts[static_cast<size_t>(b)];
  }
  return counts;
}

void PrintHistograms(const std::vector<int>& due, const std::vector<int>& sent, double from_ms) {
  int top = 1;
  for (int c : due) top = std::max(top, c);
  for (int c : sent) top = std::max(top, c);
  std::printf("    t(s)   due  sent  (due: what the kiosks ask for; sent: what reached a server)\n");
  for (size_t b = 0; b < std::max(due.size(), sent.size()); ++b) {
    const int d = b < due.size() ? due[b] : 0;
    const int s = b < sent.size() ? sent[b] : 0;
    if (d == 0 && s == 0) continue;
    std::printf("   %5.1f %5d %5d  %s\n", (from_ms + 100.0 * static_cast<double>(b)) / 1000.0, d,
                s, std::string(static_cast<size_t>(40 * std::max(d, s) / top), '#').c_str());
  }
}

int Usage() {
  std::fprintf(
      stderr,
      "usage: yimen-fleet [--kiosks N] [--pushes P] [--apps-per-push A] [--connections W]\n"
      "                   [--storm] [--outage-ms MS] [--kill-one] [--pg-dir DIR]\n"
      "                   [--server BIN] [--server-arg ARG]... [--json FILE] [--quick]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (arg == "--kiosks") {
      options.kiosks = std::atoi(next().c_str());
    } else if (arg == "--pushes") {
      options.pushes = std::atoi(next().c_str());
    } else if (arg == "--apps-per-push") {
      options.apps_per_push = std::atoi(next().c_str());
    } else if (arg == "--server-arg") {
      options.server_args.push_back(next());
    } else if (arg == "--connections") {
      options.connections = std::atoi(next().c_str());
    } else if (arg == "--storm") {
      options.storm = true;
    } else if (arg == "--outage-ms") {
      options.outage_ms = std::atoi(next().c_str());
    } else if (arg == "--kill-one") {
      options.kill_one = true;
    } else if (arg == "--pg-dir") {
      options.pg_dir = next();
    } else if (arg == "--server") {
      options.server_bin = next();
    } else if (arg == "--json") {
      options.json_path = next();
    } else if (arg == "--quick") {
      options.kiosks = 50;
      options.pushes = 4;
      options.connections = 4;
      options.outage_ms = 1000;
    } else {
      return Usage();
    }
  }
  if (options.kiosks < 1 || options.pushes < 1 || options.connections < 2 ||
      options.apps_per_push < 1 ||
      options.apps_per_push > static_cast<int>(protocol::kMaxPushBatch)) {
    return Usage();
  }
  g_server_args = options.server_args;
  options.connections = std::min(options.connections, options.kiosks);
  if (sodium_init() < 0 || !protocol::InitCrypto().ok()) return 1;

  // ---- PostgreSQL: the ctest cluster, a given one, or a temporary one ----
  if (options.pg_dir.empty()) {
    if (const char* env = std::getenv("YIMEN_TEST_PG_DIR"); env != nullptr && *env) {
      options.pg_dir = env;
    }
  }
  const bool own_cluster = options.pg_dir.empty();
  std::string work_dir = (std::filesystem::temp_directory_path() / "yimen-fleet-XXXXXX").string();
  if (mkdtemp(work_dir.data()) == nullptr) return 1;
  // pg-local.sh runs PostgreSQL as `postgres` when we are root: it must reach the dir.
  std::filesystem::permissions(work_dir, std::filesystem::perms::owner_all |
                                             std::filesystem::perms::others_exec |
                                             std::filesystem::perms::group_exec);
  if (own_cluster) options.pg_dir = work_dir + "/pg";
  const std::string pg_local = std::string("bash ") + YIMEN_PG_LOCAL;
  const std::string cluster_url = RunShell(pg_local + " start '" + options.pg_dir + "'");
  if (cluster_url.empty()) {
    std::fprintf(stderr, "yimen-fleet: cannot start PostgreSQL in %s\n", options.pg_dir.c_str());
    return 1;
  }
  const std::string base = cluster_url.substr(0, cluster_url.rfind('/') + 1);
  const std::string db_name = "fleet_" + std::to_string(getpid());
  {
    pqxx::connection admin(base + "postgres");
    pqxx::nontransaction tx(admin);
    tx.exec("DROP DATABASE IF EXISTS " + db_name);
    tx.exec("CREATE DATABASE " + db_name);
  }
  const std::string pg_url = base + db_name;
  bool correct = true;
  nlohmann::json report;
  {
    // ---- two server copies; the first applies migrations before the second starts ----
    ServerProcess servers[2];
    for (int s = 0; s < 2; ++s) {
      if (!servers[s].Start(options.server_bin, pg_url, 0,
                            work_dir + "/server" + std::to_string(s) + ".log")) {
        std::fprintf(stderr, "yimen-fleet: %s did not start (log in %s)\n",
                     options.server_bin.c_str(), work_dir.c_str());
        return 1;
      }
    }
    const std::string urls[2] = {"http://127.0.0.1:" + std::to_string(servers[0].port()),
                                 "http://127.0.0.1:" + std::to_string(servers[1].port())};

    // ---- enrollment codes through the admin code path, then real enrollments ----
    const int n = options.kiosks;
    const int w_count = options.connections;
    std::vector<std::string> codes(static_cast<size_t>(n));
    {
      yimen::server::PgPool pool(pg_url);
      for (int k = 0; k < n; ++k) {
        auto code = yimen::server::IssueEnrollCode(pool, "fleet-hall-" + std::to_string(k % 20), 2);
        if (!code.ok()) {
          std::fprintf(stderr, "yimen-fleet: enroll code: %s\n", code.error().message.c_str());
          return 1;
        }
        codes[static_cast<size_t>(k)] = *code;
      }
    }
    // Worker w owns kiosks k with k % W == w and talks to server w % 2 (its preferred
    // one; the other is the kiosk's fail-over URL), over one kept-alive connection.
    std::vector<Kiosk> kiosks(static_cast<size_t>(n));
    const auto enroll_start = Clock::now();
    auto enroll_tallies = RunWorkers(w_count, [&](int w, CurlTransport& transport, WorkerTally& tally) {
      for (int k = w; k < n; k += w_count) {
        const std::string& url = urls[w % 2];
        const auto secret = protocol::GenerateSigningKeyPair().secret_key;
        protocol::EnrollRequest request;
        request.code = codes[static_cast<size_t>(k)];
        request.public_key = yimen::Base64Encode(secret.substr(32));
        request.app_version = "fleet";
        const auto start = Clock::now();
        auto enrolled = ApiClient::Enroll(transport, url, request);
        tally.latencies_ms.push_back(MsSince(start));
        if (!enrolled.ok()) {
          ++tally.errors[yimen::ErrorKindName(enrolled.error().kind)];
          continue;
        }
        auto sealing = yimen::Base64Decode(enrolled->sealing_public_key);
        DeviceCredentials& c = kiosks[static_cast<size_t>(k)].credentials;
        c.server_urls = {url, urls[(w + 1) % 2]};
        c.device_id = enrolled->device_id;
        c.secret_key = secret;
        c.hall = enrolled->hall;
        c.kiosk_code = enrolled->kiosk_code;
        c.sealing_public_key = sealing.ok() ? *sealing : "";
        ++tally.created;
        // First thing an enrolled kiosk does: tell the server it is alive.
        protocol::Heartbeat heartbeat;
        heartbeat.app_version = "fleet";
        ApiClient client(transport, c);
        if (auto reply = client.SendHeartbeat(heartbeat); !reply.ok()) ++tally.errors["heartbeat"];
      }
    });
    const PhaseResult enroll = Merge(enroll_tallies, MsSince(enroll_start) / 1000.0);

    // ---- steady pushes: each kiosk sends `pushes` applications, one per request ----
    // CPU used by each party during the phase says where a push's cost goes, which
    // holds even when other work shares the machine (wall-clock rates do not).
    const double cpu_servers_0 = ProcessCpuSeconds(servers[0].pid(), false) +
                                 ProcessCpuSeconds(servers[1].pid(), false);
    const double cpu_pg_0 = ClusterCpuSeconds(options.pg_dir);
    const double cpu_self_0 = ProcessCpuSeconds(getpid(), false);
    const auto push_start = Clock::now();
    const int64_t acknowledged_before = g_acknowledged;
    const int64_t steady_total = static_cast<int64_t>(n) * options.pushes;
    std::atomic<bool> steady_done{false};
    double killed_at_ms = -1;
    std::thread killer;
    if (options.kill_one) {
      // Half-way by acknowledged pushes, not by time: mid-phase on any machine.
      killer = std::thread([&] {
        while (!steady_done && g_acknowledged - acknowledged_before < steady_total / 2) {
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        if (steady_done) return;
        servers[0].Stop(SIGKILL);
        killed_at_ms = MsSince(push_start);
      });
    }
    auto push_tallies = RunWorkers(w_count, [&](int w, CurlTransport& transport, WorkerTally& tally) {
      for (int round = 0; round < options.pushes; ++round) {
        for (int k = w; k < n; k += w_count) {
          if (kiosks[static_cast<size_t>(k)].credentials.device_id == 0) continue;
          // Until acknowledged, as the kiosk's outbox: a failure here is counted (and
          // fails the run) but the application is not dropped.
          for (int attempt = 0; attempt < 20; ++attempt) {
            if (PushOne(transport, kiosks[static_cast<size_t>(k)], k, options.apps_per_push, tally))
              break;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
          }
        }
      }
    });
    steady_done = true;
    if (killer.joinable()) killer.join();
    const PhaseResult push = Merge(push_tallies, MsSince(push_start) / 1000.0);
    const double cpu_servers = ProcessCpuSeconds(servers[0].pid(), false) +
                               ProcessCpuSeconds(servers[1].pid(), false) - cpu_servers_0;
    const double cpu_pg = ClusterCpuSeconds(options.pg_dir) - cpu_pg_0;
    const double cpu_self = ProcessCpuSeconds(getpid(), false) - cpu_self_0;
    int64_t expected_rows = push.created;

    std::printf(
        "yimen-fleet: %d kiosks, %d pushes each (%d sealed application%s per push), "
        "%d client connections, 2 yimen-server processes, 1 PostgreSQL\n",
        n, options.pushes, options.apps_per_push, options.apps_per_push == 1 ? "" : "s", w_count);
    std::printf("  (client, both servers and PostgreSQL share this machine's %u cores)\n",
                std::thread::hardware_concurrency());
    std::printf("  enroll+heartbeat: %lld kiosks in %.2f s, p50 %.1f ms, p99 %.1f ms, errors %lld\n",
                static_cast<long long>(enroll.created), enroll.seconds, enroll.p50_ms,
                enroll.p99_ms, static_cast<long long>(enroll.errors));
    const double push_rate = static_cast<double>(push.acked) / push.seconds;
    const double app_rate = static_cast<double>(push.created) / push.seconds;
    std::printf(
        "  push: %lld acknowledged (%lld applications) in %.2f s = %.0f pushes/s, "
        "%.0f applications/s, p50 %.1f ms, p99 %.1f ms, max %.1f ms, errors %lld\n",
        static_cast<long long>(push.acked), static_cast<long long>(push.created), push.seconds,
        push_rate, app_rate, push.p50_ms, push.p99_ms, push.max_ms,
        static_cast<long long>(push.errors));
    for (const auto& [kind, count] : push.error_kinds) std::printf("    error %s: %d\n", kind.c_str(), count);
    if (options.kill_one) {
      std::printf("  server 1 of 2 killed (SIGKILL) %.2f s into the phase, after %lld of %lld "
                  "pushes; %lld pushes failed over to the other server\n",
                  killed_at_ms / 1000.0, static_cast<long long>(steady_total / 2),
                  static_cast<long long>(steady_total), static_cast<long long>(push.failovers));
      report["killed_at_s"] = killed_at_ms / 1000.0;
      report["failovers"] = push.failovers;
      // The kill must have happened mid-phase and someone must have failed over.
      if (killed_at_ms < 0 || push.failovers == 0) correct = false;
    }
    // Per application (with --apps-per-push 1, also per push): what 2,000 applications/s
    // is measured against.
    const double per_push = push.created > 0 ? 1000.0 / static_cast<double>(push.created) : 0;
    const double cpu_total_ms = (cpu_servers + cpu_pg + cpu_self) * per_push;
    std::printf(
        "  CPU per application: servers %.2f ms, PostgreSQL %.2f ms, fleet client %.2f ms "
        "= %.2f ms -> at most %.0f applications/s on %u cores if nothing else ran\n",
        cpu_servers * per_push, cpu_pg * per_push, cpu_self * per_push, cpu_total_ms,
        cpu_total_ms > 0 ? 1000.0 * std::thread::hardware_concurrency() / cpu_total_ms : 0,
        std::thread::hardware_concurrency());
    report["cpu_ms_per_push_servers"] = cpu_servers * per_push;
    report["cpu_ms_per_push_postgres"] = cpu_pg * per_push;
    report["cpu_ms_per_push_client"] = cpu_self * per_push;
    report["cpu_bound_pushes_per_s"] =
        cpu_total_ms > 0 ? 1000.0 * std::thread::hardware_concurrency() / cpu_total_ms : 0;
    report["kiosks"] = n;
    report["pushes_per_kiosk"] = options.pushes;
    report["apps_per_push"] = options.apps_per_push;
    report["applications"] = push.created;
    report["applications_per_s"] = app_rate;
    report["connections"] = w_count;
    report["enrolled"] = enroll.created;
    report["enroll_errors"] = enroll.errors;
    report["pushes"] = push.acked;
    report["push_errors"] = push.errors;
    report["pushes_per_s"] = push_rate;
    report["push_p50_ms"] = push.p50_ms;
    report["push_p99_ms"] = push.p99_ms;
    report["push_max_ms"] = push.max_ms;
    if (enroll.created != n || enroll.errors != 0 ||
        push.acked != static_cast<int64_t>(n) * options.pushes ||
        push.created != static_cast<int64_t>(n) * options.pushes * options.apps_per_push ||
        push.errors != 0) {
      correct = false;
    }

    // ---- reconnect storm: both servers down, every kiosk retrying, servers back ----
    if (options.storm) {
      for (const bool jitter : {false, true}) {
        yimen::sync::BackoffPolicy policy;
        // Scaled down from the kiosk's 1 s base so the storm fits a short run; the
        // shape (bound doubles, full jitter below it) is the kiosk's own.
        policy.base = std::chrono::milliseconds(250);
        policy.cap = std::chrono::milliseconds(4000);
        for (ServerProcess& s : servers) s.Stop();
        const auto outage_start = Clock::now();
        double back_at_ms = 0;
        std::thread restarter([&] {
          std::this_thread::sleep_for(std::chrono::milliseconds(options.outage_ms));
          for (int s = 0; s < 2; ++s) {
            const int port = std::atoi(urls[s].c_str() + urls[s].rfind(':') + 1);
            if (!servers[s].Start(options.server_bin, pg_url, port,
                                  work_dir + "/server" + std::to_string(s) + ".log")) {
              std::fprintf(stderr, "yimen-fleet: server %d did not restart\n", s);
            }
          }
          back_at_ms = MsSince(outage_start);
        });
        auto storm_tallies = RunWorkers(w_count, [&](int w, CurlTransport& transport, WorkerTally& tally) {
          // Each kiosk's next attempt, earliest first. All start at once: the outage
          // began while every kiosk had something to send.
          using Due = std::pair<double, int>;  // (due ms since outage start, kiosk)
          std::priority_queue<Due, std::vector<Due>, std::greater<>> due;
          std::map<int, int> failures;
          for (int k = w; k < n; k += w_count) {
            if (kiosks[static_cast<size_t>(k)].credentials.device_id != 0) due.push({0.0, k});
          }
          while (!due.empty()) {
            auto [at_ms, k] = due.top();
            due.pop();
            const double now_ms = MsSince(outage_start);
            if (at_ms > now_ms) {
              std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(at_ms - now_ms));
            }
            tally.due_at_ms.push_back(at_ms);
            tally.attempt_at_ms.push_back(MsSince(outage_start));
            if (PushOne(transport, kiosks[static_cast<size_t>(k)], k, options.apps_per_push, tally))
              continue;
            const int f = ++failures[k];
            // Without jitter every kiosk waits exactly the bound (uniform01 = 1).
            const auto delay = yimen::sync::BackoffDelay(
                policy, f, std::chrono::seconds(0),
                jitter ? std::function<double()>(yimen::sync::RandomUniform01)
                       : std::function<double()>([] { return 1.0; }));
            due.push({MsSince(outage_start) + static_cast<double>(delay.count()), k});
          }
        });
        restarter.join();
        PhaseResult storm = Merge(storm_tallies, MsSince(outage_start) / 1000.0);
        expected_rows += storm.created;
        if (storm.acked != n) correct = false;
        // Only the attempts after the servers came back matter for load.
        std::vector<double> due_after, sent_after;
        for (double t : storm.due_at_ms) if (t >= back_at_ms) due_after.push_back(t);
        for (double t : storm.attempt_at_ms) if (t >= back_at_ms) sent_after.push_back(t);
        const double end_ms = storm.seconds * 1000.0;
        const auto due_hist = Histogram(due_after, back_at_ms, end_ms);
        const auto sent_hist = Histogram(sent_after, back_at_ms, end_ms);
        const int peak_due = due_hist.empty() ? 0 : *std::max_element(due_hist.begin(), due_hist.end());
        const int peak_sent = sent_hist.empty() ? 0 : *std::max_element(sent_hist.begin(), sent_hist.end());
        // Lateness: how long an attempt waited past its due time (the queue a storm
        // builds, here in the fleet's connections, otherwise in the server's backlog).
        std::vector<double> late;
        for (size_t i = 0; i < storm.due_at_ms.size(); ++i) {
          if (storm.due_at_ms[i] >= back_at_ms) late.push_back(storm.attempt_at_ms[i] - storm.due_at_ms[i]);
        }
        std::sort(late.begin(), late.end());
        std::printf("  reconnect storm %s jitter: outage %.1f s, all %lld kiosks delivered %.2f s "
                    "after the servers came back; %lld attempts (%lld failed); peak %d due / %d sent "
                    "per 100 ms; wait past due p99 %.0f ms\n",
                    jitter ? "WITH" : "WITHOUT", back_at_ms / 1000.0,
                    static_cast<long long>(storm.created), (end_ms - back_at_ms) / 1000.0,
                    static_cast<long long>(storm.requests), static_cast<long long>(storm.errors),
                    peak_due, peak_sent, Percentile(late, 0.99));
        PrintHistograms(due_hist, sent_hist, 0);
        nlohmann::json j;
        j["delivered"] = storm.created;
        j["recovery_s"] = (end_ms - back_at_ms) / 1000.0;
        j["attempts"] = storm.requests;
        j["peak_due_per_100ms"] = peak_due;
        j["peak_sent_per_100ms"] = peak_sent;
        j["wait_past_due_p99_ms"] = Percentile(late, 0.99);
        j["due_per_100ms"] = due_hist;
        j["sent_per_100ms"] = sent_hist;
        report[jitter ? "storm_jitter" : "storm_no_jitter"] = j;
      }
    }

    // ---- what PostgreSQL holds must be exactly what was acknowledged ----
    pqxx::connection c(pg_url);
    pqxx::nontransaction tx(c);
    const int64_t rows = tx.exec("SELECT count(*) FROM applications")[0][0].as<int64_t>();
    const int64_t devices = tx.exec("SELECT count(*) FROM devices")[0][0].as<int64_t>();
    const int64_t alive =
        tx.exec("SELECT count(*) FROM devices WHERE last_heartbeat_at IS NOT NULL")[0][0].as<int64_t>();
    std::printf("  PostgreSQL: %lld applications (acknowledged %lld), %lld devices, %lld with a "
                "heartbeat\n",
                static_cast<long long>(rows), static_cast<long long>(expected_rows),
                static_cast<long long>(devices), static_cast<long long>(alive));
    if (rows != expected_rows || devices != n || alive != n) correct = false;
    report["rows"] = rows;
    report["correct"] = correct;
    std::printf("  %s\n", correct ? "correct: every push acknowledged and stored exactly once"
                                  : "INCORRECT: see the counts above");
  }
  {
    pqxx::connection admin(base + "postgres");
    pqxx::nontransaction tx(admin);
    tx.exec("DROP DATABASE IF EXISTS " + db_name + " WITH (FORCE)");
  }
  if (own_cluster) (void)RunShell(pg_local + " stop '" + options.pg_dir + "'");
  std::filesystem::remove_all(work_dir);
  if (!options.json_path.empty()) std::ofstream(options.json_path) << report.dump(2) << "\n";
  return correct ? 0 : 1;
}
