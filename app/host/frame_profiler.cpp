#include "host/frame_profiler.h"

#include <sys/resource.h>

#include <cstdio>
#include <utility>

namespace yimen::host {

ThreadUsage ReadThreadUsage() {
  struct rusage ru {};
  getrusage(RUSAGE_THREAD, &ru);
  auto ms = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) * 1e3 + static_cast<double>(tv.tv_usec) / 1e3;
  };
  return {ms(ru.ru_utime) + ms(ru.ru_stime), ru.ru_nvcsw, ru.ru_nivcsw};
}

FrameProfiler::FrameProfiler(Sources sources) : m_sources(std::move(sources)) {
  m_usage_at_frame_end = m_sources.usage();
}

std::string FrameProfiler::FrameDrawn(int64_t frame_number, int screen) {
  std::string line;
  if (m_started) {
    const double gap =
        std::chrono::duration<double, std::milli>(m_sources.now() - m_last_frame_end).count() -
        m_waited_ms;
    if (gap > m_longest_gap_ms || gap > kLogGapMs) {
      const ThreadUsage now = m_sources.usage();
      const ThreadUsage in_gap{now.cpu_ms - m_usage_at_frame_end.cpu_ms,
                               now.voluntary - m_usage_at_frame_end.voluntary,
                               now.involuntary - m_usage_at_frame_end.involuntary};
      if (gap > m_longest_gap_ms) {
        m_longest_gap_ms = gap;
        m_longest_gap_usage = in_gap;
      }
      if (gap > kLogGapMs) {
        char buf[256];
        std::snprintf(buf, sizeof buf,
                      "frame gap: %.0f ms before frame %lld (screen %d; UI thread CPU %.0f ms, "
                      "%ld/%ld switches)\n",
                      gap, static_cast<long long>(frame_number), screen, in_gap.cpu_ms,
                      in_gap.voluntary, in_gap.involuntary);
        line = buf;
      }
    }
    if (gap > kCountGapMs) ++m_gaps_over_100ms;
  }
  m_started = true;
  m_last_frame_end = m_sources.now();  // what follows (font builds, script steps) counts
  m_usage_at_frame_end = m_sources.usage();
  m_waited_ms = 0;
  return line;
}

std::string FrameProfiler::Summary(int64_t frames_drawn) const {
  char buf[384];
  std::snprintf(buf, sizeof buf,
                "frames: %lld drawn, longest gap between frames %.1f ms (waits for input excluded; "
                "UI thread CPU "
                "%.1f ms, %ld voluntary / %ld involuntary switches in it), %lld over 100 ms\n",
                static_cast<long long>(frames_drawn), m_longest_gap_ms, m_longest_gap_usage.cpu_ms,
                m_longest_gap_usage.voluntary, m_longest_gap_usage.involuntary,
                static_cast<long long>(m_gaps_over_100ms));
  return buf;
}

}  // namespace yimen::host
