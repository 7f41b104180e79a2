// /proc readers; Linux only, like the kiosk.
#include "platform/process_stats.h"

#include <time.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace yimen::platform {

ProcessStats ReadProcessStats(pid_t pid) {
  ProcessStats stats;
  std::string base = pid == 0 ? "/proc/self" : "/proc/" + std::to_string(pid);
  std::ifstream status(base + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) stats.rss_mb = std::stod(line.substr(6)) / 1024.0;
  }
  std::ifstream rollup(base + "/smaps_rollup");
  while (std::getline(rollup, line)) {
    if (line.rfind("Pss:", 0) == 0) stats.pss_mb = std::stod(line.substr(4)) / 1024.0;
  }
  std::ifstream stat(base + "/stat");
  std::string content((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  auto paren = content.rfind(')');
  if (paren != std::string::npos) {
    std::istringstream fields(content.substr(paren + 2));
    std::string field;
    long long utime = 0, stime = 0;
    // Fields after the command: state(3) ... utime is field 14, stime 15 (1-based).
    for (int index = 3; fields >> field; ++index) {
      if (index == 14) utime = std::stoll(field);
      if (index == 15) {
        stime = std::stoll(field);
        break;
      }
    }
    stats.cpu_seconds = static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
  }
  return stats;
}

int64_t ThreadCpuMicros() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

}  // namespace yimen::platform
