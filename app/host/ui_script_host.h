// The UI-script host (--script FILE): what a script's steps reach in the running kiosk
// (tap and type through the input layer, screenshots, the voice's last words, a scan of
// every file the kiosk wrote, frame benchmarks). tests/ui drives the real binary with it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "domain/result.h"
#include "ui/script_runner.h"

namespace yimen::ui {
class KioskApp;
}
namespace yimen::idcard {
class SamSimulator;
}

namespace yimen::host {

// Reads and parses a script file. The error names the file.
Result<std::vector<ui::ScriptStep>> LoadScript(const std::string& path);

struct UiScriptHostParts {
  std::string script_path;      // relative paths in the script are relative to its folder
  std::string screenshots_dir;  // "" = screenshot steps save nothing
  float screen_w = 1080, screen_h = 1920;
  ui::KioskApp* app = nullptr;
  ui::WidgetRecorder* recorder = nullptr;
  platform::InputLayer* input = nullptr;
  // Every directory the kiosk or Rime may have written to (read when a scan runs).
  std::function<std::vector<std::string>()> written_dirs;
  // Draws one frame (presenting it or not); with a pointer, the UI build's CPU µs.
  std::function<void(bool present, int64_t* ui_cpu_us)> draw_frame;
  // Saves the back buffer as a PNG.
  std::function<Status(const std::string& path)> save_screenshot;
  // Time spent on test work (PNG encoding), left out of the frame-gap figures.
  std::function<void(double ms)> exclude_wait;
  // The simulated ID-card reader the kiosk reads (--id-reader simulated); nullptr: a
  // script's `card` steps fail.
  idcard::SamSimulator* id_sim = nullptr;
};

std::unique_ptr<ui::ScriptRunner> MakeScriptRunner(std::vector<ui::ScriptStep> steps,
                                                   UiScriptHostParts parts);

}  // namespace yimen::host
