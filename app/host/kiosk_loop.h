// The kiosk's event-driven loop: it sleeps in SDL_WaitEventTimeout and draws only on
// input, a state change or a script step (docs/design.md decision 6), so an untouched
// kiosk costs almost no CPU. Between frames it grows the glyph atlas, follows 长者模式's
// font sizes, pings systemd's watchdog and advances a UI script. UI thread.
#pragma once

#include <chrono>
#include <csignal>
#include <cstdint>
#include <memory>
#include <vector>

#include "app/kiosk_options.h"
#include "domain/result.h"
#include "host/frame_profiler.h"
#include "host/receipt_journal.h"
#include "platform/glyph_atlas.h"
#include "platform/input.h"
#include "platform/sd_notify.h"
#include "ui/script_runner.h"

namespace yimen::platform {
class Window;
}
namespace yimen::ui {
class KioskApp;
}
namespace yimen::idcard {
class SamSimulator;
}

namespace yimen::host {

class InputMethods;

// When each start-up phase ended, ms after the process started (the "ready" line).
struct StartupTimes {
  double store = 0, assets = 0, window = 0, fonts = 0;
};

struct LoopParts {
  const kiosk::KioskFlags* flags = nullptr;
  std::chrono::steady_clock::time_point start;
  StartupTimes times;
  volatile std::sig_atomic_t* stop = nullptr;  // set by SIGTERM/SIGINT (and a window close)
  platform::Window* window = nullptr;
  platform::GlyphAtlas* atlas = nullptr;
  platform::FontSizes sizes;  // the atlas was built at these
  ui::KioskApp* app = nullptr;
  InputMethods* input_methods = nullptr;
  std::vector<ui::ScriptStep> script_steps;  // empty: no script
  // The simulated ID-card reader (--id-reader simulated), for a script's `card` steps.
  idcard::SamSimulator* id_sim = nullptr;
};

class KioskLoop {
 public:
  explicit KioskLoop(LoopParts parts);
  // Until a stop signal, the staff PIN, --exit-after-ms or the script's end. Prints the
  // "frames:" summary; returns the process's exit code.
  int Run();

 private:
  using Clock = std::chrono::steady_clock;
  int64_t NowMs() const;
  void DrawFrame(bool present, int64_t* ui_cpu_us);
  // How long the next wait may sleep: 0 when a frame is due, -1 for "until an event".
  int WaitTimeoutMs(int64_t now_ms);
  void WaitAndTakeEvents(int timeout_ms);
  bool FrameDue(int64_t now_ms);
  void AfterFrame();
  void ReportFirstFrame();
  // 长者模式's sizes and characters seen for the first time: rebuilt between frames.
  Status FitFonts();

  LoopParts m;
  const bool m_offscreen;
  platform::InputLayer m_input;
  ui::WidgetRecorder m_recorder;
  std::unique_ptr<ui::ScriptRunner> m_runner;
  FrameProfiler m_profiler;
  // Under systemd (Type=notify, WatchdogSec=): READY after the first frame, then a
  // watchdog ping from this loop, so a hung UI thread gets the kiosk restarted.
  platform::SystemdNotifier m_systemd;
  int64_t m_next_watchdog_ms = 0;
  ReceiptJournal m_receipt_journal;
  bool m_first_frame_done = false;
  int m_frames_to_draw = 1;  // draw at start
  int64_t m_frames_drawn = 0;
};

}  // namespace yimen::host
