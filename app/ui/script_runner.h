// UI scripts: the same flows a resident taps through, driven by a text file, against
// the real binary (docs/ui-scripts.md). One step advances per frame; taps go through
// the platform input queue exactly as a finger's would.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "domain/result.h"
#include "ui/widgets/touch.h"

namespace yimen::platform {
class InputLayer;
}

namespace yimen::ui {

struct ScriptStep {
  enum class Op {
    kTap,
    kTapContains,
    kType,
    kKey,
    kExpect,
    kExpectNot,
    kScreenshot,
    kWaitMs,
    kFrames,
    kBenchFrames,
    kLog,
    kDraw,
    kExpectClean,
    kSwipe,
    kExpectInView,
    kExpectExit,
    kExpectSpoken,
    kExpectVoice,
    kCard,
    kWaitFor,
    kExpectInputAtMost,
    kExpectAskedOnce
  };
  Op op = Op::kLog;
  std::string arg;
  int line = 0;
};

// Parses a script. Fails naming the line on an unknown command or a missing argument.
Result<std::vector<ScriptStep>> ParseScript(const std::string& text);

// What a resident put in during a script (issue 14 item 8, docs/ui-scripts.md "Counting
// input"): taps on buttons, fields, choices, pads and the card reader, and characters
// entered (taps on on-screen keys and candidates, `key` steps, `type` text).
struct InputCount {
  int taps = 0;
  int characters = 0;
  bool operator==(const InputCount&) const = default;
};
// How one step counts; `tapped_id` is the id of the widget a tap or draw hit.
InputCount CountStepInput(const ScriptStep& step, const std::string& tapped_id);
// "taps=N characters=M" (either may be left out: no limit).
Result<InputCount> ParseInputLimit(const std::string& arg);
// The facts (RecordedWidget::NoteAsked) shown on more than one form step, one
// "fact (step, step)" each, in key order; empty when each was asked once.
std::vector<std::string> AskedMoreThanOnce(
    const std::map<std::string, std::set<std::string>>& asked);

// What the runner needs from the kiosk; set by main.cpp.
struct ScriptHost {
  WidgetRecorder* recorder = nullptr;
  platform::InputLayer* input = nullptr;
  std::function<Status(const std::string& name)> screenshot;  // saves <dir>/<name>.png
  float screen_w = 1080, screen_h = 1920;  // for swipe
  std::function<bool()> exit_requested;    // for expect_exit
  std::function<std::string()> last_spoken;  // for expect_spoken
  std::function<std::string()> last_spoken_language;  // for expect_voice: 普通话 or 粤语
  std::string base_dir;  // relative paths in the script (draw) are relative to this
  // Files (data directory, input-method state) whose bytes contain the text.
  std::function<std::vector<std::string>(const std::string& text)> scan;
  // Renders `frames` frames of the current screen and returns per-frame CPU microseconds
  // (UI build only) and wall microseconds (whole frame).
  std::function<void(int frames, std::vector<int64_t>* ui_cpu_us,
                     std::vector<int64_t>* frame_wall_us)> bench;
  // The simulated ID-card reader (`card place FILE`, `card lift`): lay a card (a card
  // file, app/idcard/sam_simulator.h) on it, take it away, and how many reads it
  // answered. Unset: `card` steps fail.
  std::function<Status(const std::string& card_file)> card_place;
  std::function<void()> card_lift;
  std::function<int()> cards_read;
};

class ScriptRunner {
 public:
  ScriptRunner(std::vector<ScriptStep> steps, ScriptHost host);

  // Advances the script after a frame has been drawn. Returns an error (naming the line
  // and what was on screen) when a step fails. Main thread.
  Status Tick(int64_t now_ms);
  bool Done() const { return m_index >= m_steps.size(); }
  // True while the runner is waiting for frames (the loop must not sleep).
  bool WantsFrames() const { return !Done(); }
  // How long the loop may sleep before the next Tick (for `wait`).
  int64_t SleepHintMs(int64_t now_ms) const;
  size_t StepIndex() const { return m_index; }
  // The input counted so far, and its line "input: taps=N characters=M".
  const InputCount& Input() const { return m_input; }
  std::string InputLine() const;

 private:
  const RecordedWidget* Find(const std::string& text, bool contains, bool* hidden,
                             bool tappable_only) const;
  std::string OnScreenSummary() const;
  Status Fail(const std::string& why) const;
  void Next();
  // One per kind of step (Tick picks).
  Status TickTap(const ScriptStep& step);
  Status TickDraw(const ScriptStep& step);
  // A tap's or a drawing's second half: the injected pointer events delivered, then two
  // frames for the app to act on them, then the next step.
  Status AwaitDelivered();
  Status TickTypeOrKey(const ScriptStep& step);
  Status TickExpect(const ScriptStep& step);
  Status TickWaitFor(const ScriptStep& step, int64_t now_ms);
  Status TickSwipe(const ScriptStep& step);
  Status TickVoice(const ScriptStep& step);
  Status TickCard(const ScriptStep& step, int64_t now_ms);
  Status TickInputChecks(const ScriptStep& step);
  Status TickOther(const ScriptStep& step, int64_t now_ms);

  std::vector<ScriptStep> m_steps;
  ScriptHost m_host;
  size_t m_index = 0;
  int m_phase = 0;          // per-step progress (tap: 0 press, 1 release, 2 settle)
  int m_tries = 0;          // frames spent on the current step
  int64_t m_wait_until = 0;
  int m_atlas_generation = -1;  // the glyph atlas's state at the last Tick (tofu check)
  int m_cards_read_before = 0;  // `card place`: the reader's reads when the card went down
  InputCount m_input;
};

}  // namespace yimen::ui
