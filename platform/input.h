// The kiosk's input layer: SDL touch and mouse *events* feed ImGui, one press or release
// per frame, with no global mouse polling and no mouse capture (Debian's ImGui 1.86 SDL
// backend does both, which swallows touches on Linux). UI scripts inject through the
// same queue, so a scripted tap exercises the same path as a finger.
#pragma once

#include <deque>
#include <string>
#include <vector>

union SDL_Event;
struct ImGuiIO;

namespace yimen::platform {

struct PointerEvent {
  enum class Kind { kDown, kMove, kUp };
  Kind kind = Kind::kMove;
  float x = 0;  // window pixels
  float y = 0;
  bool from_touch = false;
};

// Keys the app-owned text fields understand; everything else arrives as text.
enum class EditKey { kBackspace, kEnter, kEscape };

struct TextEvent {
  std::string text;         // UTF-8, empty for a key
  bool is_key = false;
  EditKey key = EditKey::kBackspace;
};

class InputLayer {
 public:
  // Takes one SDL event. Returns true if the UI may look different because of it (a
  // redraw is due). `window_w/h` convert touch coordinates (0..1) to pixels.
  // Main thread only.
  bool HandleEvent(const SDL_Event& event, int window_w, int window_h);

  // Synthetic input from UI scripts and tests; same queue as real events.
  void InjectPointer(const PointerEvent& event);
  void InjectText(const std::string& utf8);
  void InjectKey(EditKey key);

  // Called once per frame before ImGui::NewFrame: applies queued moves and at most one
  // button transition, so a press and release that arrived together still give ImGui a
  // frame with the button held. After a touch is released the pointer leaves the
  // screen on the next frame so that nothing stays "hovered".
  void ApplyToImGui(ImGuiIO& io);

  // True while queued transitions remain: the loop must render another frame.
  bool HasPending() const { return !m_pointer_queue.empty() || m_release_pending; }

  // Every pointer position applied by the last ApplyToImGui, in order (moves, the
  // press or release): a handwriting pad needs the whole path, not one point a frame.
  struct Point {
    float x = 0, y = 0;
  };
  const std::vector<Point>& FramePath() const { return m_frame_path; }

  // Text and edit keys typed since the last call, in order. The focused app-owned
  // field consumes them.
  std::vector<TextEvent> TakeText();

 private:
  std::deque<PointerEvent> m_pointer_queue;  // written by HandleEvent/Inject*
  std::vector<TextEvent> m_text;             // drained by TakeText()
  bool m_down = false;                        // button state ImGui last saw
  bool m_release_pending = false;             // touch released: hide pointer next frame
  float m_x = -1, m_y = -1;                   // last pointer position ImGui saw
  std::vector<Point> m_frame_path;            // positions applied this frame
};

}  // namespace yimen::platform
