// The frame-gap profiler on a hand-driven clock and CPU meter: which gaps it logs and
// counts, what it leaves out, and the exact lines the fault tests parse.
#include "host/frame_profiler.h"

#include <gtest/gtest.h>

namespace yimen::host {
namespace {

struct FakeThread {
  FrameProfiler::Clock::time_point now{};
  ThreadUsage usage;
  void Advance(double ms, double cpu_ms = 0, long voluntary = 0, long involuntary = 0) {
    now += std::chrono::microseconds(static_cast<int64_t>(ms * 1000));
    usage.cpu_ms += cpu_ms;
    usage.voluntary += voluntary;
    usage.involuntary += involuntary;
  }
  FrameProfiler::Sources Sources() {
    return {[this] { return now; }, [this] { return usage; }};
  }
};

TEST(FrameProfiler, FirstFrameOnlyStartsTheCount) {
  FakeThread thread;
  FrameProfiler profiler(thread.Sources());
  thread.Advance(5000);  // start-up before the first frame is not a gap
  EXPECT_EQ(profiler.FrameDrawn(1, 0), "");
  EXPECT_EQ(profiler.Summary(1),
            "frames: 1 drawn, longest gap between frames 0.0 ms (waits for input excluded; UI "
            "thread CPU 0.0 ms, "
            "0 voluntary / 0 involuntary switches in it), 0 over 100 ms\n");
}

TEST(FrameProfiler, LogsAndCountsAStallWithItsCpuAndSwitches) {
  FakeThread thread;
  FrameProfiler profiler(thread.Sources());
  profiler.FrameDrawn(1, 0);
  thread.Advance(40, 30);  // a normal frame
  EXPECT_EQ(profiler.FrameDrawn(2, 0), "");
  thread.Advance(1200, 13, 1, 2);  // blocked: little CPU, one voluntary switch
  EXPECT_EQ(profiler.FrameDrawn(3, 4),
            "frame gap: 1200 ms before frame 3 (screen 4; UI thread CPU 13 ms, 1/2 switches)\n");
  thread.Advance(150, 140);  // over 100 ms: logged too (busy, as its CPU shows)
  EXPECT_EQ(profiler.FrameDrawn(4, 4),
            "frame gap: 150 ms before frame 4 (screen 4; UI thread CPU 140 ms, 0/0 switches)\n");
  thread.Advance(90, 5);  // under 100 ms: neither logged nor counted
  EXPECT_EQ(profiler.FrameDrawn(5, 4), "");
  EXPECT_EQ(profiler.GapsOver100Ms(), 2);
  EXPECT_DOUBLE_EQ(profiler.LongestGapMs(), 1200);
  EXPECT_EQ(profiler.Summary(5),
            "frames: 5 drawn, longest gap between frames 1200.0 ms (waits for input excluded; UI "
            "thread CPU "
            "13.0 ms, 1 voluntary / 2 involuntary switches in it), 2 over 100 ms\n");
}

TEST(FrameProfiler, WaitsOnPurposeAreNotGaps) {
  FakeThread thread;
  FrameProfiler profiler(thread.Sources());
  profiler.FrameDrawn(1, 0);
  thread.Advance(60000);  // a minute with nobody at the kiosk
  profiler.ExcludeWait(59990);
  EXPECT_EQ(profiler.FrameDrawn(2, 0), "");
  EXPECT_EQ(profiler.GapsOver100Ms(), 0);
  EXPECT_NEAR(profiler.LongestGapMs(), 10, 1e-6);
  // The exclusion is used up by the frame it came before.
  thread.Advance(300);
  EXPECT_NE(profiler.FrameDrawn(3, 0), "");
  EXPECT_EQ(profiler.GapsOver100Ms(), 1);
}

TEST(FrameProfiler, RealClockAndThreadUsage) {
  FrameProfiler profiler;
  profiler.FrameDrawn(1, 0);
  EXPECT_EQ(profiler.FrameDrawn(2, 0), "");
  EXPECT_GE(ReadThreadUsage().cpu_ms, 0);
}

}  // namespace
}  // namespace yimen::host
