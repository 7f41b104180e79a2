// Frame gaps: the time between two drawn frames that the UI thread did not spend
// waiting for input on purpose (a stall: a slow store call, a font build, a lock). The
// kiosk's loop tells it when it waited on purpose and when it drew; it reports each gap
// over 100 ms as it happens ("frame gap: ...") and a summary on exit ("frames: ..."),
// which the fault tests (tests/faults/chaos.sh) parse, so the wording of both lines is
// fixed. No window, no SDL: the clock and the thread's CPU figures are injectable.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace yimen::host {

// The calling thread's CPU time and context switches so far (getrusage RUSAGE_THREAD).
struct ThreadUsage {
  double cpu_ms = 0;     // user + system
  long voluntary = 0;    // switches the thread asked for: blocked on a lock or I/O
  long involuntary = 0;  // switches it did not: a busy machine took the core away
};
ThreadUsage ReadThreadUsage();

class FrameProfiler {
 public:
  using Clock = std::chrono::steady_clock;
  struct Sources {
    std::function<Clock::time_point()> now = [] { return Clock::now(); };
    std::function<ThreadUsage()> usage = ReadThreadUsage;
  };
  // The line of a gap over this is logged as it happens (tests/faults/chaos.sh reads them
  // and fails on a blocked one: docs/testing-faults.md "Stalls").
  static constexpr double kLogGapMs = 100;
  // Gaps over this are counted for the summary.
  static constexpr double kCountGapMs = 100;

  FrameProfiler() : FrameProfiler(Sources{}) {}
  explicit FrameProfiler(Sources sources);

  // Time since the last frame the thread spent waiting on purpose (for input, a
  // script's screenshot): not a stall.
  void ExcludeWait(double ms) { m_waited_ms += ms; }

  // Right after frame `frame_number` was drawn (on `screen`, for the log line). The first
  // call only starts the count. Returns the "frame gap: ..." line for a gap over
  // kLogGapMs (with its newline), else "".
  std::string FrameDrawn(int64_t frame_number, int screen);

  // The exit summary, "frames: N drawn, longest gap ..." with its newline.
  std::string Summary(int64_t frames_drawn) const;

  double LongestGapMs() const { return m_longest_gap_ms; }
  int64_t GapsOver100Ms() const { return m_gaps_over_100ms; }

 private:
  Sources m_sources;
  bool m_started = false;
  Clock::time_point m_last_frame_end{};
  ThreadUsage m_usage_at_frame_end;
  double m_waited_ms = 0;
  double m_longest_gap_ms = 0;
  int64_t m_gaps_over_100ms = 0;
  // For the longest gap: the UI thread's CPU in it and its context switches, which tell
  // work (CPU), blocking on a lock or I/O (voluntary) and a busy machine (involuntary)
  // apart.
  ThreadUsage m_longest_gap_usage;
};

}  // namespace yimen::host
