#include "host/input_methods.h"

#include <chrono>
#include <cstdio>
#include <future>

#include "platform/glyph_atlas.h"
#include "ui/kiosk_app.h"

namespace yimen::host {
namespace {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// Any thread.
Result<std::unique_ptr<ime::Handwriting>> OpenHandwriting() {
  const auto t0 = Clock::now();
  auto h = ime::Handwriting::Open();
  if (h.ok()) std::fprintf(stderr, "handwriting: model loaded in %.0f ms\n", MsSince(t0));
  return h;
}

}  // namespace

void InputMethods::Attach(ui::KioskApp* app, platform::GlyphAtlas* glyphs) {
  m_attached = true;
  const auto t0 = Clock::now();
  ime::PinyinOptions options;
  options.can_show = [glyphs](const std::string& text) { return glyphs->CanDrawAll(text); };
  if (auto p = ime::PinyinInput::OpenLazily(options); p.ok()) {
    m_pinyin = std::move(*p);
  } else {
    std::fprintf(stderr, "pinyin keyboard off: %s\n", p.error().message.c_str());
  }
  app->SetInputMethods(m_pinyin.get(), nullptr);
  // The handwriting model (26 MB resident once read): read when the pad is first shown
  // (Prepare), taken when it is first used.
  app->SetHandwritingLoader([this]() { return LoadHandwriting(); });
#ifdef YIMEN_HAS_VOICE
  if (m_flags.voice) {
    // The voice (普通话 or 粤语), opened on the first 读给我听 (its dictionaries take ~15 MB and
    // load on the speaker's own thread).
    app->SetVoice([this](const std::string& text, ui::SpokenLanguage language) {
      if (m_voice_failed) return;
      if (!m_speaker) {
        voice::SpeakerOptions voice_options;
        voice_options.volume = m_flags.volume;
        voice_options.voice.reader.readings = m_flags.assets_dir + "/voice/mandarin_readings.txt";
        voice_options.voice.cantonese_readings =
            m_flags.assets_dir + "/voice/cantonese_readings.txt";
        if (auto s = voice::Speaker::Open(voice_options); s.ok()) {
          m_speaker = std::move(*s);
        } else {
          std::fprintf(stderr, "voice off: %s\n", s.error().message.c_str());
          m_voice_failed = true;
          return;
        }
      }
      m_speaker->Say(text, language == ui::SpokenLanguage::kCantonese
                               ? voice::VoiceLanguage::kCantonese
                               : voice::VoiceLanguage::kMandarin);
    });
  }
#endif
  std::fprintf(stderr, "input methods: pinyin %s, handwriting on first use, in %.0f ms\n",
               m_pinyin ? "on" : "off", MsSince(t0));
}

void InputMethods::Prepare(const ui::KioskApp& app) {
  const ui::Screen screen = app.CurrentScreen();
  if (screen == ui::Screen::kHome) return;
  // A resident is here: Rime loads while they choose a service.
  if (m_pinyin && !m_pinyin->Running()) m_pinyin->Preload();
  // The handwriting pad is up (a tap on 手写, or 长者模式's default): the model loads
  // while the first stroke is drawn.
  if (screen == ui::Screen::kForm && app.CurrentSession().ime.mode == ui::ImeMode::kHandwriting &&
      !m_handwriting_started) {
    m_handwriting_started = true;
    m_handwriting_load = std::async(std::launch::async, OpenHandwriting);
  }
}

ime::Handwriting* InputMethods::LoadHandwriting() {
  m_handwriting_started = true;
  Result<std::unique_ptr<ime::Handwriting>> h =
      m_handwriting_load.valid() ? m_handwriting_load.get() : OpenHandwriting();
  if (h.ok()) {
    m_handwriting = std::move(*h);
  } else {
    std::fprintf(stderr, "handwriting off: %s\n", h.error().message.c_str());
  }
  return m_handwriting.get();
}

void InputMethods::Detach(ui::KioskApp* app) {
  if (m_handwriting_load.valid()) m_handwriting_load.wait();
  app->SetInputMethods(nullptr, nullptr);
  app->SetHandwritingLoader(nullptr);
  app->SetVoice(nullptr);
}

}  // namespace yimen::host
