// What the kiosk costs the machine, read from /proc: used by --version diagnostics,
// the heartbeat and the benchmarks (tests/bench), never by timed asserts.
#pragma once

#include <cstdint>
#include <sys/types.h>

namespace yimen::platform {

struct ProcessStats {
  double rss_mb = 0;      // VmRSS
  double pss_mb = 0;      // Pss from smaps_rollup (0 if unreadable)
  double cpu_seconds = 0; // utime + stime, all threads
};

// Reads the stats of `pid` (0: this process). Fields stay 0 when /proc is unreadable.
ProcessStats ReadProcessStats(pid_t pid = 0);

// CPU time of the calling thread, in microseconds (CLOCK_THREAD_CPUTIME_ID).
int64_t ThreadCpuMicros();

}  // namespace yimen::platform
