#include "host/kiosk_loop.h"

#include <SDL.h>
#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

#include "host/input_methods.h"
#include "host/ui_script_host.h"
#include "platform/process_stats.h"
#include "platform/window.h"
#include "ui/kiosk_app.h"

namespace yimen::host {

KioskLoop::KioskLoop(LoopParts parts)
    : m(std::move(parts)),
      m_offscreen(m.window->VideoDriver() == "offscreen"),
      m_receipt_journal(std::getenv("YIMEN_TEST_RECEIPT_JOURNAL")) {
  if (m.script_steps.empty()) return;
  UiScriptHostParts host;
  host.script_path = m.flags->script;
  host.screenshots_dir = m.flags->screenshots;
  int sw = 0, sh = 0;
  SDL_GetWindowSize(m.window->Sdl(), &sw, &sh);
  host.screen_w = static_cast<float>(sw);
  host.screen_h = static_cast<float>(sh);
  host.app = m.app;
  host.recorder = &m_recorder;
  host.input = &m_input;
  host.written_dirs = [this]() {
    // Every file the kiosk or Rime may have written: the data directory and Rime's
    // private user directory.
    std::vector<std::string> roots = {m.flags->data_dir};
    if (std::string rime = m.input_methods->PinyinUserDir(); !rime.empty()) roots.push_back(rime);
    return roots;
  };
  host.draw_frame = [this](bool present, int64_t* ui_cpu_us) { DrawFrame(present, ui_cpu_us); };
  host.save_screenshot = [this](const std::string& path) { return m.window->SaveScreenshot(path); };
  host.exclude_wait = [this](double ms) { m_profiler.ExcludeWait(ms); };
  host.id_sim = m.id_sim;
  m_runner = MakeScriptRunner(std::move(m.script_steps), std::move(host));
}

int64_t KioskLoop::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - m.start).count();
}

void KioskLoop::DrawFrame(bool present, int64_t* ui_cpu_us) {
  ImGuiIO& io = ImGui::GetIO();
  int w = 0, h = 0;
  SDL_GL_GetDrawableSize(m.window->Sdl(), &w, &h);
  io.DisplaySize = ImVec2(static_cast<float>(w), static_cast<float>(h));
  io.DeltaTime = 1.0f / 30.0f;
  m_input.ApplyToImGui(io);
  const int64_t cpu0 = platform::ThreadCpuMicros();
  m_recorder.BeginFrame();
  ImGui::NewFrame();
  auto typed = m_input.TakeText();
  if (!typed.empty() || !m_input.FramePath().empty()) m.app->NoteActivity(NowMs());
  for (auto& ev : typed) m.app->OnText(ev);
  m.app->SetPointerPath(m_input.FramePath());
  m.app->Frame(&m_recorder);
  ImGui::Render();
  if (ui_cpu_us) *ui_cpu_us = platform::ThreadCpuMicros() - cpu0;
  m.window->RenderDrawData(0.969f, 0.953f, 0.933f);
  if (present) m.window->Swap();
  ++m_frames_drawn;
}

int KioskLoop::WaitTimeoutMs(int64_t now_ms) {
  bool busy = m_frames_to_draw > 0 || m_input.HasPending() || m.atlas->NeedsGrow() ||
              (m_runner && m_runner->WantsFrames() && m_runner->SleepHintMs(now_ms) == 0);
  m.app->Tick(now_ms);
  if (m.app->TakeDirty()) m_frames_to_draw = std::max(m_frames_to_draw, 2);
  busy = busy || m_frames_to_draw > 0;
  int timeout_ms = busy ? 0 : m.app->WakeInMs();
  auto at_most = [&timeout_ms](int limit) {
    timeout_ms = timeout_ms < 0 ? limit : std::min(timeout_ms, limit);
  };
  if (m_runner && !busy && m_runner->WantsFrames())
    at_most(static_cast<int>(m_runner->SleepHintMs(now_ms)));
  if (m_systemd.WatchdogIntervalMs() > 0 && m_first_frame_done) {
    at_most(std::max<int>(1, static_cast<int>(m_next_watchdog_ms - now_ms)));
  }
  if (m.flags->exit_after_ms >= 0)
    at_most(std::max<int>(0, static_cast<int>(m.flags->exit_after_ms - now_ms)));
  return timeout_ms;
}

void KioskLoop::WaitAndTakeEvents(int timeout_ms) {
  SDL_Event event;
  bool got = false;
  const auto wait_start = Clock::now();
  if (timeout_ms == 0) {
    got = SDL_PollEvent(&event);
  } else if (m_offscreen) {
    // SDL's offscreen driver cannot block for events: its SDL_WaitEventTimeout polls
    // every millisecond (1.3 % of a core idle). Nothing outside can reach a headless
    // kiosk but signals, so sleep in 250 ms steps instead.
    SDL_Delay(static_cast<Uint32>(timeout_ms < 0 ? 250 : std::min(timeout_ms, 250)));
    got = SDL_PollEvent(&event);
  } else {
    got = SDL_WaitEventTimeout(&event, timeout_ms < 0 ? 60000 : timeout_ms);
  }
  if (timeout_ms != 0) {
    m_profiler.ExcludeWait(
        std::chrono::duration<double, std::milli>(Clock::now() - wait_start).count());
  }
  int w = 0, h = 0;
  SDL_GetWindowSize(m.window->Sdl(), &w, &h);
  while (got) {
    if (event.type == SDL_QUIT) {
      // In --kiosk mode only the staff PIN (or SIGTERM from systemd) ends the kiosk.
      if (m.flags->kiosk)
        std::fprintf(stderr, "kiosk: window close ignored (staff PIN to exit)\n");
      else
        *m.stop = 1;
    }
    if (m_input.HandleEvent(event, w, h)) m_frames_to_draw = std::max(m_frames_to_draw, 3);
    got = SDL_PollEvent(&event);
  }
}

bool KioskLoop::FrameDue(int64_t now_ms) {
  if (m.app->TakeDirty()) m_frames_to_draw = std::max(m_frames_to_draw, 2);
  const bool script_step_due =
      m_runner && m_runner->WantsFrames() && m_runner->SleepHintMs(now_ms) == 0;
  return m_frames_to_draw > 0 || m_input.HasPending() || script_step_due || m.atlas->NeedsGrow();
}

void KioskLoop::ReportFirstFrame() {
  m_first_frame_done = true;
  m_systemd.Notify("READY=1");
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - m.start).count();
  const auto& st = m.atlas->Stats();
  const StartupTimes& t = m.times;
  std::fprintf(stderr,
               "ready: first frame in %.0f ms (store %.0f, catalog+strings %.0f, window+GL %.0f, "
               "fonts %.0f, frame %.0f; glyphs %d, atlas %dx%d alpha8; %s, %s)\n",
               ms, t.store, t.assets - t.store, t.window - t.assets, t.fonts - t.window,
               ms - t.fonts, st.glyphs, st.tex_width, st.tex_height,
               m.window->VideoDriver().c_str(), m.window->GlRenderer().c_str());
}

Status KioskLoop::FitFonts() {
  // 长者模式 switched: the fonts change size, between frames.
  const ui::Metrics& am = m.app->ActiveMetrics();
  const platform::FontSizes wanted{am.body_px, am.title_px, am.display_px};
  if (wanted.body != m.sizes.body || wanted.title != m.sizes.title ||
      wanted.display != m.sizes.display) {
    m.sizes = wanted;
    if (auto rebuilt = m.atlas->Build(m.sizes); !rebuilt.ok()) return rebuilt;
    std::fprintf(stderr, "glyphs: fonts rebuilt at %.0f/%.0f/%.0f px in %.1f ms\n", m.sizes.body,
                 m.sizes.title, m.sizes.display, m.atlas->Stats().build_ms);
    m_frames_to_draw = std::max(m_frames_to_draw, 2);
  }
  // Characters seen for the first time this frame: grow the atlas between frames.
  if (m.atlas->NeedsGrow()) {
    if (auto grown = m.atlas->Build(m.sizes); !grown.ok()) return grown;
    std::fprintf(stderr, "glyphs: atlas grew to %d glyphs (%dx%d) in %.1f ms\n",
                 m.atlas->Stats().glyphs, m.atlas->Stats().tex_width, m.atlas->Stats().tex_height,
                 m.atlas->Stats().build_ms);
    m_frames_to_draw = std::max(m_frames_to_draw, 1);
  }
  return Status::Ok();
}

void KioskLoop::AfterFrame() {
  // Waiting for the renderer to finish the frame just drawn is drawing, not a stall of
  // ours (platform/window.cpp Swap; docs/testing-faults.md "Stalls").
  m_profiler.ExcludeWait(m.window->TakeRenderWaitMs());
  const std::string gap =
      m_profiler.FrameDrawn(m_frames_drawn, static_cast<int>(m.app->CurrentScreen()));
  if (!gap.empty()) std::fputs(gap.c_str(), stderr);
  if (m.app->CurrentScreen() == ui::Screen::kReceipt && m.app->CurrentSession().receipt) {
    m_receipt_journal.Shown(m.app->CurrentSession().receipt->app_number);
  }
  if (!m_first_frame_done) ReportFirstFrame();
  if (!m.input_methods->Attached()) m.input_methods->Attach(m.app, m.atlas);
  m.input_methods->Prepare(*m.app);
  if (m_frames_to_draw > 0) --m_frames_to_draw;
  if (m.app->TakeDirty()) m_frames_to_draw = std::max(m_frames_to_draw, 2);
}

int KioskLoop::Run() {
  int exit_code = 0;
  if (m.flags->kiosk) SDL_DisableScreenSaver();
  while (!*m.stop) {
    const int64_t now_ms = NowMs();
    if (m_first_frame_done && m.flags->exit_after_ms >= 0 && now_ms >= m.flags->exit_after_ms)
      break;
    if (m.app->ExitRequested() && !(m_runner && m_runner->WantsFrames())) {
      std::fprintf(stderr, "kiosk: staff PIN accepted, exiting\n");
      break;
    }
    if (m_first_frame_done && m_systemd.WatchdogIntervalMs() > 0 && now_ms >= m_next_watchdog_ms) {
      m_systemd.Notify("WATCHDOG=1");
      m_next_watchdog_ms = now_ms + m_systemd.WatchdogIntervalMs();
    }
    WaitAndTakeEvents(WaitTimeoutMs(now_ms));
    if (!FrameDue(now_ms)) continue;

    DrawFrame(true, nullptr);
    AfterFrame();
    if (Status fitted = FitFonts(); !fitted.ok()) {
      std::fprintf(stderr, "yimen-kiosk: %s\n", fitted.error().message.c_str());
      return 1;
    }
    if (m_runner) {
      if (auto s = m_runner->Tick(NowMs()); !s.ok()) {
        std::fprintf(stderr, "yimen-kiosk: %s\n", s.error().message.c_str());
        exit_code = 3;
        break;
      }
      if (m_runner->Done()) {
        std::fprintf(stderr, "script: all %zu steps passed (%lld frames)\n", m_runner->StepIndex(),
                     static_cast<long long>(m_frames_drawn));
        // What a resident would have put in (docs/ui-scripts.md "Counting input").
        std::fprintf(stdout, "%s\n", m_runner->InputLine().c_str());
        std::fflush(stdout);
        break;
      }
    }
  }
  std::fputs(m_profiler.Summary(m_frames_drawn).c_str(), stderr);
  m_systemd.Notify("STOPPING=1");
  return exit_code;
}

}  // namespace yimen::host
