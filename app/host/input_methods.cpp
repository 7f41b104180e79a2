#include "host/input_methods.h"

#include <chrono>
#include <cstdio>

#include "platform/glyph_atlas.h"
#include "ui/kiosk_app.h"

namespace yimen::host {
namespace {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

}  // namespace

void InputMethods::Attach(ui::KioskApp* app, platform::GlyphAtlas* glyphs) {
  m_attached = true;
  const auto t0 = Clock::now();
  ime::PinyinOptions options;
  options.can_show = [glyphs](const std::string& text) { return glyphs->CanDrawAll(text); };
  if (auto p = ime::PinyinInput::Open(options); p.ok()) {
    m_pinyin = std::move(*p);
  } else {
    std::fprintf(stderr, "pinyin keyboard off: %s\n", p.error().message.c_str());
  }
  app->SetInputMethods(m_pinyin.get(), nullptr);
  // The handwriting model (26 MB resident once read) loads when a pad is first used.
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
        voice_options.voice.cantonese_readings = m_flags.assets_dir + "/voice/cantonese_readings.txt";
        if (auto s = voice::Speaker::Open(voice_options); s.ok()) {
          m_speaker = std::move(*s);
        } else {
          std::fprintf(stderr, "voice off: %s\n", s.error().message.c_str());
          m_voice_failed = true;
          return;
        }
      }
      m_speaker->Say(text, language == ui::SpokenLanguage::kCantonese ? voice::VoiceLanguage::kCantonese
                                                                      : voice::VoiceLanguage::kMandarin);
    });
  }
#endif
  std::fprintf(stderr, "input methods: pinyin %s, handwriting on first use, in %.0f ms\n",
               m_pinyin ? "on" : "off", MsSince(t0));
}

ime::Handwriting* InputMethods::LoadHandwriting() {
  const auto t0 = Clock::now();
  if (auto h = ime::Handwriting::Open(); h.ok()) {
    m_handwriting = std::move(*h);
    std::fprintf(stderr, "handwriting: model loaded in %.0f ms\n", MsSince(t0));
  } else {
    std::fprintf(stderr, "handwriting off: %s\n", h.error().message.c_str());
  }
  return m_handwriting.get();
}

void InputMethods::Detach(ui::KioskApp* app) {
  app->SetInputMethods(nullptr, nullptr);
  app->SetHandwritingLoader(nullptr);
  app->SetVoice(nullptr);
}

}  // namespace yimen::host
