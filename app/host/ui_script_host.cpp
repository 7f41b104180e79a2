#include "host/ui_script_host.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "idcard/sam_simulator.h"
#include "ui/kiosk_app.h"

namespace yimen::host {
namespace {

using Clock = std::chrono::steady_clock;

// Files under `roots` whose bytes contain `needle`.
std::vector<std::string> ScanFiles(const std::vector<std::string>& roots,
                                   const std::string& needle) {
  std::vector<std::string> hits;
  for (const std::string& root : roots) {
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (!it->is_regular_file()) continue;
      std::ifstream in(it->path(), std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (bytes.find(needle) != std::string::npos) hits.push_back(it->path().string());
    }
  }
  return hits;
}

}  // namespace

Result<std::vector<ui::ScriptStep>> LoadScript(const std::string& path) {
  std::ifstream in(path);
  if (!in) return MakeError(ErrorKind::kNotFound, "cannot read script " + path);
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = ui::ParseScript(text.str());
  if (!parsed.ok()) return MakeError(parsed.error().kind, path + ": " + parsed.error().message);
  return std::move(parsed.value());
}

std::unique_ptr<ui::ScriptRunner> MakeScriptRunner(std::vector<ui::ScriptStep> steps,
                                                   UiScriptHostParts parts) {
  auto shared = std::make_shared<UiScriptHostParts>(std::move(parts));
  ui::KioskApp* app = shared->app;
  ui::ScriptHost host;
  host.recorder = shared->recorder;
  host.input = shared->input;
  host.base_dir = std::filesystem::path(shared->script_path).parent_path().string();
  host.screen_w = shared->screen_w;
  host.screen_h = shared->screen_h;
  host.exit_requested = [app]() { return app->ExitRequested(); };
  host.last_spoken = [app]() { return app->LastSpoken(); };
  host.last_spoken_language = [app]() -> std::string {
    if (app->LastSpoken().empty()) return "";
    return app->LastSpokenLanguage() == ui::SpokenLanguage::kCantonese ? "粤语" : "普通话";
  };
  host.scan = [shared](const std::string& needle) {
    return ScanFiles(shared->written_dirs(), needle);
  };
  host.screenshot = [shared, counter = 0](const std::string& name) mutable -> Status {
    if (shared->screenshots_dir.empty()) return Status::Ok();
    const auto shot_start = Clock::now();
    char prefix[16];
    std::snprintf(prefix, sizeof prefix, "%02d-", ++counter);
    // Draw the current state once more into the back buffer and read it back.
    shared->draw_frame(false, nullptr);
    Status saved = shared->save_screenshot(shared->screenshots_dir + "/" + prefix + name + ".png");
    shared->exclude_wait(
        std::chrono::duration<double, std::milli>(Clock::now() - shot_start).count());
    return saved;
  };
  host.bench = [shared](int frames, std::vector<int64_t>* ui_cpu, std::vector<int64_t>* wall) {
    for (int i = 0; i < frames; ++i) {
      const auto t0 = Clock::now();
      int64_t cpu = 0;
      shared->draw_frame(true, &cpu);
      ui_cpu->push_back(cpu);
      wall->push_back(
          std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count());
    }
  };
  if (idcard::SamSimulator* sim = shared->id_sim) {
    host.card_place = [sim](const std::string& path) -> Status {
      auto card = idcard::SamSimulator::LoadCardFile(path);
      if (!card.ok()) return card.error();
      sim->PlaceCard(*card);
      idcard::Wipe(&card.value());
      return Status::Ok();
    };
    host.card_lift = [sim]() { sim->LiftCard(); };
    host.cards_read = [sim]() { return sim->ReadCount(); };
  }
  return std::make_unique<ui::ScriptRunner>(std::move(steps), std::move(host));
}

}  // namespace yimen::host
