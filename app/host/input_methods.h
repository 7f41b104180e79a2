// The kiosk's Chinese input and voice: Rime's pinyin, zinnia's handwriting and the
// espeak-ng voice, owned here and handed to KioskApp. None loads before the first frame
// and none loads on the UI thread while a resident waits (docs/internals/input.md
// "Loading on first use"):
//   - Rime: handed over (not started) after the first frame; it starts on a background
//     thread once a resident leaves the home screen, well before a keyboard can be up;
//     a key tapped while it still loads waits for the rest of the load (tens of ms).
//   - zinnia's model (26 MB): read on a background thread when the handwriting pad is
//     first shown (not for residents who only type pinyin); the first stroke waits for
//     the rest of that read.
//   - the voice: opened on the first 读给我听; its dictionaries load on the speaker's
//     own thread (docs/internals/voice.md).
// Without them the kiosk still works (numeric pad, choices) and says what is missing.
// UI thread.
#pragma once

#include <future>
#include <memory>
#include <string>

#include "app/kiosk_options.h"
#include "ime/handwriting.h"
#include "ime/pinyin_input.h"
#ifdef YIMEN_HAS_VOICE
#include "voice/speaker.h"
#endif

namespace yimen::platform {
class GlyphAtlas;
}
namespace yimen::ui {
class KioskApp;
}  // namespace yimen::ui

namespace yimen::host {

class InputMethods {
 public:
  explicit InputMethods(const kiosk::KioskFlags& flags) : m_flags(flags) {}
  // Declared before the app, so it outlives it (the app's session end wipes Rime's
  // data); Detach() before the app goes.
  InputMethods(const InputMethods&) = delete;
  InputMethods& operator=(const InputMethods&) = delete;

  // Gives the app its input methods and voice. After the first frame.
  void Attach(ui::KioskApp* app, platform::GlyphAtlas* glyphs);
  bool Attached() const { return m_attached; }
  // After each frame: starts what the screen the resident reached will soon need.
  void Prepare(const ui::KioskApp& app);
  // Takes them back from the app (before it is destroyed).
  void Detach(ui::KioskApp* app);

  // The private directory Rime writes to, "" without pinyin (UI scripts scan it).
  std::string PinyinUserDir() const { return m_pinyin ? m_pinyin->UserDir() : std::string(); }

 private:
  ime::Handwriting* LoadHandwriting();

  const kiosk::KioskFlags& m_flags;
  bool m_attached = false;
  std::unique_ptr<ime::PinyinInput> m_pinyin;
  std::unique_ptr<ime::Handwriting> m_handwriting;
  bool m_handwriting_started = false;
  std::future<Result<std::unique_ptr<ime::Handwriting>>>
      m_handwriting_load;  // Prepare() started it
#ifdef YIMEN_HAS_VOICE
  std::unique_ptr<voice::Speaker> m_speaker;
  bool m_voice_failed = false;
#endif
};

}  // namespace yimen::host
