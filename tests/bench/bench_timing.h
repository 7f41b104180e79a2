// What the PostgreSQL benchmarks share (bench_queue.cpp, bench_console.cpp): a shell
// command's output (scripts/pg-local.sh prints the cluster URL), and p50/p99 of a body
// timed R times after one untimed warm-up call. Benchmarks print; nothing here asserts.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace yimen::bench {

// stdout of `command` without its trailing newline; "" when it fails.
inline std::string Run(const std::string& command) {
  std::string out;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    char buffer[512];
    while (fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
    if (pclose(pipe) != 0) return "";
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

struct Figures {
  double p50 = 0, p99 = 0;
};

// Calls body once untimed (warms the connection and the caches), then `runs` times.
inline Figures Time(int runs, const std::function<void()>& body) {
  body();
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    body();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count());
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 99 / 100)]};
}

}  // namespace yimen::bench
