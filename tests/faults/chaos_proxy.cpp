// yimen-chaos-proxy: a fault-injecting TCP proxy for the network-chaos test (issue 7
// item 2). It sits between a kiosk and yimen-server on loopback and, while chaos is on,
// gives each request (also on a kept-alive connection) one fate: delay with jitter,
// an immediate reset, loss (the request vanishes and the connection drops a few
// seconds later), a truncated response, the response dropped after the server
// committed, or a 503; every 30 s it also blackholes everything for 5 s and answers
// 503 to everything for 5 s (a burst). SIGUSR1 turns chaos on, SIGUSR2 off (a healthy
// network: plain forwarding); each switch is printed with the wall-clock time so the
// driver can measure how long the queue takes to drain after recovery.
//
// usage: yimen-chaos-proxy --listen PORT --upstream PORT [--seed N]
//   prints "chaos-proxy: listening on PORT" once ready (PORT 0: pick one).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <random>
#include <string>
#include <thread>

namespace {

using Clock = std::chrono::steady_clock;

volatile std::sig_atomic_t g_chaos = 0;
volatile std::sig_atomic_t g_stop = 0;
void OnChaos(int) { g_chaos = 1; }
void OnCalm(int) { g_chaos = 0; }
void OnStop(int) { g_stop = 1; }

enum class Fate { kPass, kDelay, kReset, kStall, kBlackhole, kTruncate, kDropAfterCommit, k503, kCount };
const char* kFateNames[] = {"pass", "delay", "reset", "lost", "blackhole", "truncate", "drop-after-commit", "503"};
std::atomic<long> g_fates[static_cast<int>(Fate::kCount)];

std::mutex g_rng_mutex;
std::mt19937 g_rng;

int Uniform(int lo, int hi) {
  std::lock_guard<std::mutex> lock(g_rng_mutex);
  return std::uniform_int_distribution<int>(lo, hi)(g_rng);
}

// The fate of a request arriving now. Chaos runs in 30 s cycles: 20 s of mixed
// faults, 5 s blackhole (every connection stalls), 5 s of 503s.
std::atomic<int64_t> g_chaos_start_ms{0};  // steady clock, when chaos was last turned on

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count();
}

Fate ChooseFate() {
  if (!g_chaos) return Fate::kPass;
  const int64_t s = (SteadyMs() - g_chaos_start_ms.load()) / 1000 % 30;
  if (s >= 20 && s < 25) return Fate::kBlackhole;
  if (s >= 25) return Fate::k503;
  const int roll = Uniform(0, 99);
  if (roll < 30) return Fate::kDelay;
  if (roll < 45) return Fate::kReset;
  if (roll < 55) return Fate::kStall;
  if (roll < 70) return Fate::kTruncate;
  if (roll < 85) return Fate::kDropAfterCommit;
  if (roll < 92) return Fate::k503;
  return Fate::kPass;
}

void Reset(int fd) {
  linger l{1, 0};  // close with RST instead of FIN
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  close(fd);
}

bool SendAll(int fd, const char* data, size_t n) {
  while (n > 0) {
    ssize_t w = send(fd, data, n, MSG_NOSIGNAL);
    if (w <= 0) return false;
    data += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

int ConnectUpstream(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// One client connection. curl keeps connections alive, so the fate is drawn per
// request (client bytes after a response started), not only per connection.
void Serve(int client, int upstream_port) {
  char buf[16384];
  int upstream = -1;
  Fate fate = Fate::kPass;
  bool new_request = true;
  auto finish = [&]() {
    if (upstream >= 0) close(upstream);
    close(client);
  };
  while (!g_stop) {
    pollfd fds[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
    if (poll(fds, upstream >= 0 ? 2 : 1, 200) < 0) break;
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = recv(client, buf, sizeof buf, 0);
      if (n <= 0) break;
      if (new_request) {
        new_request = false;
        fate = ChooseFate();
        ++g_fates[static_cast<int>(fate)];
        if (fate == Fate::kReset) {
          if (upstream >= 0) close(upstream);
          return Reset(client);
        }
        if (fate == Fate::k503) {
          static const char k503Reply[] =
              "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n"
              "Connection: close\r\n\r\nchaos: busy\n";
          SendAll(client, k503Reply, sizeof k503Reply - 1);
          return finish();
        }
        if (fate == Fate::kStall || fate == Fate::kBlackhole) {
          // Swallow everything and answer nothing: a lost request is dropped after a
          // few seconds; a blackhole holds until the client gives up (or 60 s).
          const auto until = Clock::now() + (fate == Fate::kStall ? std::chrono::milliseconds(Uniform(1000, 6000))
                                                                  : std::chrono::milliseconds(60000));
          while (!g_stop && Clock::now() < until) {
            pollfd p{client, POLLIN, 0};
            if (poll(&p, 1, 200) > 0 && recv(client, buf, sizeof buf, 0) <= 0) break;
          }
          return finish();
        }
        if (upstream < 0 && (upstream = ConnectUpstream(upstream_port)) < 0) return Reset(client);
      }
      if (fate == Fate::kDelay) std::this_thread::sleep_for(std::chrono::milliseconds(Uniform(50, 400)));
      if (!SendAll(upstream, buf, static_cast<size_t>(n))) break;
    }
    if (upstream >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      ssize_t n = recv(upstream, buf, sizeof buf, 0);
      if (n <= 0) break;
      new_request = true;  // the next client bytes are the next request
      if (fate == Fate::kDropAfterCommit) {  // the server answered, so it has committed
        close(upstream);
        return Reset(client);
      }
      if (fate == Fate::kTruncate) {  // half the first chunk, then a clean close
        SendAll(client, buf, static_cast<size_t>(n / 2));
        return finish();
      }
      if (fate == Fate::kDelay) std::this_thread::sleep_for(std::chrono::milliseconds(Uniform(50, 400)));
      if (!SendAll(client, buf, static_cast<size_t>(n))) break;
    }
  }
  finish();
}

void PrintFates(const char* when) {
  std::string line;
  for (int i = 0; i < static_cast<int>(Fate::kCount); ++i) {
    line += std::string(i ? ", " : "") + kFateNames[i] + " " + std::to_string(g_fates[i].load());
  }
  std::fprintf(stderr, "chaos-proxy: %s; requests so far: %s\n", when, line.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  int listen_port = 0, upstream_port = 0;
  unsigned seed = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string arg = argv[i];
    if (arg == "--listen") listen_port = std::atoi(argv[i + 1]);
    else if (arg == "--upstream") upstream_port = std::atoi(argv[i + 1]);
    else if (arg == "--seed") seed = static_cast<unsigned>(std::strtoul(argv[i + 1], nullptr, 10));
    else {
      std::fprintf(stderr, "yimen-chaos-proxy: unknown flag %s\n", arg.c_str());
      return 2;
    }
  }
  if (upstream_port <= 0) {
    std::fprintf(stderr, "usage: yimen-chaos-proxy --listen PORT --upstream PORT [--seed N]\n");
    return 2;
  }
  g_rng.seed(seed);
  std::signal(SIGUSR1, OnChaos);
  std::signal(SIGUSR2, OnCalm);
  std::signal(SIGTERM, OnStop);
  std::signal(SIGINT, OnStop);
  std::signal(SIGPIPE, SIG_IGN);

  int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(listen_port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listener, 128) != 0) {
    std::fprintf(stderr, "yimen-chaos-proxy: cannot listen on %d: %s\n", listen_port, std::strerror(errno));
    return 1;
  }
  socklen_t len = sizeof addr;
  getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  std::printf("chaos-proxy: listening on %d\n", ntohs(addr.sin_port));
  std::fflush(stdout);

  bool chaos_was = false;
  while (!g_stop) {
    const bool chaos_now = g_chaos != 0;
    if (chaos_now != chaos_was) {
      chaos_was = chaos_now;
      if (chaos_now) g_chaos_start_ms = SteadyMs();
      const long long epoch_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch()).count();
      PrintFates((std::string(chaos_now ? "chaos on at " : "network recovered at ") +
                  std::to_string(epoch_ms) + " ms").c_str());
    }
    pollfd p{listener, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    int client = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    std::thread(Serve, client, upstream_port).detach();
  }
  PrintFates("stopping");
  return 0;
}
