// The kiosk's one window: SDL2 + an OpenGL 3.3 core context + ImGui's OpenGL3 renderer.
// Headless runs use SDL's "offscreen" video driver (EGL pbuffer, Mesa llvmpipe), so UI
// scripts and screenshots need no X server; a real kiosk uses X11/Wayland as usual.
#pragma once

#include <memory>
#include <string>

#include "domain/result.h"

struct SDL_Window;

namespace yimen::platform {

struct WindowOptions {
  int width = 1080;        // logical pixels; portrait by default
  int height = 1920;
  bool fullscreen = false; // --kiosk
  bool headless = false;   // offscreen driver, no visible window
  std::string title = "一门 Yimen";
};

// Physical facts used for sizing in millimetres (docs/design.md: sizes from mm).
struct DisplayFacts {
  int width_px = 0;
  int height_px = 0;
  float px_per_mm = 0;  // from SDL's reported DPI, or the configured screen size
};

class Window {
 public:
  // Creates the window, the GL context and initialises ImGui's OpenGL3 renderer (the
  // ImGui context must exist). Fails with kUnavailable when no video device can be had
  // (no DISPLAY and not headless), with SDL's message. Main thread only.
  static Result<std::unique_ptr<Window>> Create(const WindowOptions& options);
  ~Window();
  Window(const Window&) = delete;
  Window& operator=(const Window&) = delete;

  DisplayFacts Facts() const;
  SDL_Window* Sdl() const { return m_window; }
  // Draws ImGui's current draw data and presents it. Main thread only.
  void Present(float clear_r, float clear_g, float clear_b);
  // Reads back the frame just drawn (before Present swaps) as a PNG.
  Status SaveScreenshot(const std::string& path) const;
  // Renders the draw data into the back buffer without swapping (for screenshots).
  void RenderDrawData(float clear_r, float clear_g, float clear_b);
  // Presents the back buffer and returns once the frame is rasterised, so the driver
  // never queues frames (see window.cpp).
  void Swap();
  // How long Swap() waited for the renderer since the last call (ms): the frame-gap
  // profiler leaves it out like waits for input, as it is the renderer's own time (with
  // Mesa's llvmpipe, its threads rasterising; with a GPU, the vsync), not a UI stall.
  double TakeRenderWaitMs();
  const std::string& VideoDriver() const { return m_driver; }
  const std::string& GlRenderer() const { return m_gl_renderer; }

 private:
  Window() = default;
  SDL_Window* m_window = nullptr;
  void* m_gl_context = nullptr;
  std::string m_driver;       // set by Create(): "x11", "wayland", "offscreen"...
  std::string m_gl_renderer;  // set by Create(): GL_RENDERER string
  bool m_imgui_gl_ready = false;
  double m_render_wait_ms = 0;  // Swap()'s waits since TakeRenderWaitMs()
};

}  // namespace yimen::platform
