// SDL window and GL context set-up. ImGui's SDL platform backend is deliberately not
// used: it polls the global mouse and captures it, which breaks touch on Linux; input
// comes from platform/input.cpp instead.
#include "platform/window.h"

#include <SDL.h>
// glFenceSync and friends (OpenGL 3.2 core, in libGL) are declared by glext.h only
// with prototypes on.
#define GL_GLEXT_PROTOTYPES 1
#include <GL/gl.h>
#include <GL/glext.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include <chrono>
#include <cstdlib>
#include <utility>

#include "platform/screenshot.h"

namespace yimen::platform {

Result<std::unique_ptr<Window>> Window::Create(const WindowOptions& options) {
  if (options.headless) {
    // SDL reads the hint at SDL_Init; the environment variable would leak to children.
    SDL_SetHint(SDL_HINT_VIDEODRIVER, "offscreen");
  }
  SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
  SDL_SetHint(SDL_HINT_MOUSE_FOCUS_CLICKTHROUGH, "1");
  SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0");  // touches arrive once, as touches
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER | SDL_INIT_EVENTS) != 0) {
    return MakeError(ErrorKind::kUnavailable,
                     std::string("no display could be opened (SDL: ") + SDL_GetError() + ")");
  }
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
  SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 0);
  SDL_GL_SetAttribute(SDL_GL_STENCIL_SIZE, 0);

  Uint32 flags = SDL_WINDOW_OPENGL | SDL_WINDOW_ALLOW_HIGHDPI;
  if (options.fullscreen) flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
  if (!options.headless) flags |= SDL_WINDOW_RESIZABLE;

  std::unique_ptr<Window> window(new Window());
  window->m_driver = SDL_GetCurrentVideoDriver() ? SDL_GetCurrentVideoDriver() : "";
  window->m_window = SDL_CreateWindow(options.title.c_str(), SDL_WINDOWPOS_CENTERED,
                                      SDL_WINDOWPOS_CENTERED, options.width,
                                      options.height, flags);
  if (!window->m_window) {
    return MakeError(ErrorKind::kUnavailable,
                     std::string("cannot create the window (SDL: ") + SDL_GetError() + ")");
  }
  window->m_gl_context = SDL_GL_CreateContext(window->m_window);
  if (!window->m_gl_context) {
    return MakeError(ErrorKind::kUnavailable,
                     std::string("cannot create an OpenGL 3.3 context (SDL: ") +
                         SDL_GetError() + ")");
  }
  SDL_GL_MakeCurrent(window->m_window, window->m_gl_context);
  SDL_GL_SetSwapInterval(options.headless ? 0 : 1);
  const auto* renderer = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
  window->m_gl_renderer = renderer ? renderer : "";
  if (!ImGui_ImplOpenGL3_Init("#version 330 core")) {
    return MakeError(ErrorKind::kUnavailable, "ImGui's OpenGL3 renderer failed to start");
  }
  window->m_imgui_gl_ready = true;
  // Make the backend's shaders now, then drop its RGBA font texture: the glyph atlas
  // uploads an alpha-only one and hands ImGui that id. Without this, the backend's
  // first NewFrame would rebuild the atlas as RGBA32 (four times the memory).
  ImGui_ImplOpenGL3_CreateDeviceObjects();
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  if (options.fullscreen) SDL_ShowCursor(SDL_DISABLE);
  SDL_DisableScreenSaver();
  return window;
}

Window::~Window() {
  if (m_imgui_gl_ready) ImGui_ImplOpenGL3_Shutdown();
  if (m_gl_context) SDL_GL_DeleteContext(m_gl_context);
  if (m_window) SDL_DestroyWindow(m_window);
  SDL_Quit();
}

DisplayFacts Window::Facts() const {
  DisplayFacts facts;
  SDL_GL_GetDrawableSize(m_window, &facts.width_px, &facts.height_px);
  float hdpi = 0, vdpi = 0;
  int display = SDL_GetWindowDisplayIndex(m_window);
  if (display >= 0 && SDL_GetDisplayDPI(display, nullptr, &hdpi, &vdpi) == 0 && hdpi > 20) {
    facts.px_per_mm = hdpi / 25.4f;
  }
  return facts;
}

void Window::RenderDrawData(float clear_r, float clear_g, float clear_b) {
  const ImGuiIO& io = ImGui::GetIO();
  glViewport(0, 0, static_cast<int>(io.DisplaySize.x), static_cast<int>(io.DisplaySize.y));
  glClearColor(clear_r, clear_g, clear_b, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

void Window::Swap() {
  SDL_GL_SwapWindow(m_window);
  // Wait here until the frame is rasterised. A vsynced display blocks in the swap
  // anyway; an offscreen pbuffer (headless runs) never does, and Mesa's llvmpipe then
  // queues frame after frame for its rasteriser threads until some later call (a
  // texture upload, a read-back, teardown) must wait for all of them: a minute and more
  // of frames rasterised at once while the UI thread sits in the driver
  // (docs/testing-faults.md "Stalls"). Waiting for each frame bounds that to one frame,
  // keeps every other GL call (glyph and photo uploads, screenshots) from waiting on the
  // renderer, and leaves the wait measurable (TakeRenderWaitMs).
  const auto wait_start = std::chrono::steady_clock::now();
  GLsync done = glFenceSync(GL_SYNC_GPU_COMMANDS_COMPLETE, 0);
  constexpr GLuint64 kOneSecondNs = 1'000'000'000;
  while (glClientWaitSync(done, GL_SYNC_FLUSH_COMMANDS_BIT, kOneSecondNs) == GL_TIMEOUT_EXPIRED) {
  }
  glDeleteSync(done);
  m_render_wait_ms +=
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - wait_start)
          .count();
}

double Window::TakeRenderWaitMs() { return std::exchange(m_render_wait_ms, 0.0); }

void Window::Present(float clear_r, float clear_g, float clear_b) {
  RenderDrawData(clear_r, clear_g, clear_b);
  Swap();
}

Status Window::SaveScreenshot(const std::string& path) const {
  int w = 0, h = 0;
  SDL_GL_GetDrawableSize(m_window, &w, &h);
  return SaveBackBufferPng(path, w, h);
}

}  // namespace yimen::platform
