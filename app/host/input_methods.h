// The kiosk's Chinese input and voice: Rime's pinyin, zinnia's handwriting and the
// espeak-ng voice, owned here and handed to KioskApp. Started after the first frame so
// they never delay it; without them the kiosk still works (numeric pad, choices) and
// says what is missing. UI thread.
#pragma once

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
}

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
#ifdef YIMEN_HAS_VOICE
  std::unique_ptr<voice::Speaker> m_speaker;
  bool m_voice_failed = false;
#endif
};

}  // namespace yimen::host
