// Event-driven pointer and text input for ImGui 1.86 (pre input-event API: we set
// io.MousePos / io.MouseDown directly, docs/design.md "Known traps").
#include "platform/input.h"

#include <SDL.h>
#include <imgui.h>

#include <cfloat>

namespace yimen::platform {

bool InputLayer::HandleEvent(const SDL_Event& event, int window_w, int window_h) {
  switch (event.type) {
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
      if (event.button.which == SDL_TOUCH_MOUSEID || event.button.button != SDL_BUTTON_LEFT) {
        return false;
      }
      m_pointer_queue.push_back({event.type == SDL_MOUSEBUTTONDOWN ? PointerEvent::Kind::kDown
                                                                  : PointerEvent::Kind::kUp,
                                 static_cast<float>(event.button.x),
                                 static_cast<float>(event.button.y), false});
      return true;
    case SDL_MOUSEMOTION:
      if (event.motion.which == SDL_TOUCH_MOUSEID) return false;
      m_pointer_queue.push_back({PointerEvent::Kind::kMove, static_cast<float>(event.motion.x),
                                 static_cast<float>(event.motion.y), false});
      return true;
    case SDL_FINGERDOWN:
    case SDL_FINGERUP:
    case SDL_FINGERMOTION: {
      PointerEvent::Kind kind = event.type == SDL_FINGERDOWN ? PointerEvent::Kind::kDown
                                : event.type == SDL_FINGERUP ? PointerEvent::Kind::kUp
                                                             : PointerEvent::Kind::kMove;
      m_pointer_queue.push_back({kind, event.tfinger.x * static_cast<float>(window_w),
                                 event.tfinger.y * static_cast<float>(window_h), true});
      return true;
    }
    case SDL_TEXTINPUT:
      m_text.push_back({event.text.text, false, EditKey::kBackspace});
      return true;
    case SDL_KEYDOWN:
      switch (event.key.keysym.sym) {
        case SDLK_BACKSPACE: InjectKey(EditKey::kBackspace); return true;
        case SDLK_RETURN:
        case SDLK_KP_ENTER: InjectKey(EditKey::kEnter); return true;
        case SDLK_ESCAPE: InjectKey(EditKey::kEscape); return true;
        default: return false;
      }
    case SDL_WINDOWEVENT:
      return true;
    default:
      return false;
  }
}

void InputLayer::InjectPointer(const PointerEvent& event) { m_pointer_queue.push_back(event); }

void InputLayer::InjectText(const std::string& utf8) { m_text.push_back({utf8, false, EditKey::kBackspace}); }

void InputLayer::InjectKey(EditKey key) { m_text.push_back({"", true, key}); }

void InputLayer::ApplyToImGui(ImGuiIO& io) {
  m_frame_path.clear();
  if (m_release_pending && m_pointer_queue.empty()) {
    // The frame after a touch release: the finger has left, so must the pointer.
    m_release_pending = false;
    m_x = m_y = -FLT_MAX;
  }
  while (!m_pointer_queue.empty()) {
    PointerEvent ev = m_pointer_queue.front();
    m_pointer_queue.pop_front();
    m_x = ev.x;
    m_y = ev.y;
    m_frame_path.push_back({ev.x, ev.y});
    if (ev.kind == PointerEvent::Kind::kMove) continue;
    bool down = ev.kind == PointerEvent::Kind::kDown;
    if (down == m_down) continue;
    m_down = down;
    if (!down && ev.from_touch) m_release_pending = true;
    break;  // one transition per frame
  }
  io.MousePos = ImVec2(m_x, m_y);
  io.MouseDown[0] = m_down;
  for (int i = 1; i < 5; ++i) io.MouseDown[i] = false;
}

std::vector<TextEvent> InputLayer::TakeText() {
  std::vector<TextEvent> out;
  out.swap(m_text);
  return out;
}

}  // namespace yimen::platform
