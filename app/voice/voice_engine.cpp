// The engine: reading -> phoneme phrases -> libespeak-ng in synchronous mode, whose
// callback hands us PCM while it synthesises. espeak's state is global (one voice, one
// callback per process), so it lives here once, behind a mutex.
#include "voice/voice_engine.h"

#include <algorithm>
#include <cstring>
#include <mutex>

#include "domain/utf8.h"
#include "voice/voice_libraries.h"

namespace yimen::voice {
namespace {

constexpr int kShortPauseMs = 180;
constexpr int kLongPauseMs = 400;
constexpr int kEspeakBufferMs = 40;  // the chunk espeak hands over; small = early start

struct EspeakState {
  std::mutex mutex;  // held across espeak_Synth; guards everything below
  bool initialised = false;
  int sample_rate = 0;
  Error init_error;
  bool init_failed = false;
  // Set for the duration of one Synthesize() call.
  const PcmSink* sink = nullptr;
  std::vector<std::string>* phonemes_heard = nullptr;
  bool stopped = false;
  VoiceLanguage voice = VoiceLanguage::kMandarin;  // espeak's current voice
};

EspeakState& Espeak() {
  static EspeakState state;
  return state;
}

// Called by espeak_Synth on the synthesising thread, with Espeak().mutex held.
int OnSynth(short* wav, int count, espeak_EVENT* events) {
  EspeakState& s = Espeak();
  if (s.phonemes_heard && events) {
    for (const espeak_EVENT* e = events; e->type != espeakEVENT_LIST_TERMINATED; ++e) {
      if (e->type == espeakEVENT_PHONEME) {
        s.phonemes_heard->emplace_back(e->id.string, strnlen(e->id.string, sizeof e->id.string));
      }
    }
  }
  if (wav && count > 0 && s.sink && !s.stopped) {
    if (!(*s.sink)(wav, static_cast<size_t>(count))) s.stopped = true;
  }
  return s.stopped ? 1 : 0;
}

// With the mutex held.
Status InitialiseEspeak(EspeakState& s) {
  if (s.initialised) return Status::Ok();
  if (s.init_failed) return s.init_error;
  const EspeakLibrary& lib = EspeakLib();
  if (!lib.error.empty()) {
    s.init_failed = true;
    s.init_error = MakeError(ErrorKind::kNotFound,
                             "cannot load espeak-ng (package libespeak-ng1): " + lib.error);
    return s.init_error;
  }
  int rate = lib.Initialize(AUDIO_OUTPUT_SYNCHRONOUS, kEspeakBufferMs, nullptr,
                            espeakINITIALIZE_PHONEME_EVENTS | espeakINITIALIZE_DONT_EXIT);
  if (rate <= 0) {
    s.init_failed = true;
    s.init_error = MakeError(ErrorKind::kNotFound,
                             "espeak-ng did not start (packages espeak-ng-data, libespeak-ng1)");
    return s.init_error;
  }
  lib.SetSynthCallback(&OnSynth);
  if (lib.SetVoiceByName("cmn") != EE_OK) {
    s.init_failed = true;
    s.init_error = MakeError(ErrorKind::kNotFound, "espeak-ng has no cmn voice");
    return s.init_error;
  }
  s.sample_rate = rate;
  s.initialised = true;
  return Status::Ok();
}

bool SendSilence(const PcmSink& sink, int sample_rate, int ms) {
  static const int16_t kZeros[1024] = {};
  size_t left = static_cast<size_t>(sample_rate) * ms / 1000;
  while (left > 0) {
    size_t n = std::min(left, std::size(kZeros));
    if (!sink(kZeros, n)) return false;
    left -= n;
  }
  return true;
}

}  // namespace

std::vector<PhonemePhrase> ToPhonemePhrases(const Reading& reading) {
  std::vector<PhonemePhrase> phrases;
  PhonemePhrase current;
  for (const ReadingUnit& u : reading.units) {
    if (u.kind == ReadingUnit::Kind::kPause) {
      if (!current.phonemes.empty()) {
        current.pause_ms = u.pause == PauseKind::kLong ? kLongPauseMs : kShortPauseMs;
        phrases.push_back(std::move(current));
        current = PhonemePhrase();
      }
      continue;
    }
    if (u.word_start && !current.phonemes.empty()) current.phonemes += ' ';
    current.phonemes += CmnPhonemesFor(Syllable{u.syllable.base, u.spoken_tone});
  }
  if (!current.phonemes.empty()) phrases.push_back(std::move(current));
  return phrases;
}

VoiceEngine::VoiceEngine(VoiceOptions options) : m_options(std::move(options)) {}
VoiceEngine::~VoiceEngine() = default;

Status VoiceEngine::Load() {
  if (!m_reader) {
    Result<std::unique_ptr<PinyinReader>> reader = PinyinReader::Open(m_options.reader);
    if (!reader) return reader.error();
    m_reader = std::move(*reader);
  }
  if (!m_cantonese) {
    std::string path = m_options.cantonese_readings.empty()
                           ? std::string(YIMEN_VOICE_CANTONESE)
                           : m_options.cantonese_readings;
    Result<CantoneseReadings> cantonese = CantoneseReadings::Load(path);
    if (!cantonese) return cantonese.error();
    m_cantonese = std::move(*cantonese);
  }
  EspeakState& s = Espeak();
  std::lock_guard<std::mutex> lock(s.mutex);
  return InitialiseEspeak(s);
}

int VoiceEngine::sample_rate() const {
  EspeakState& s = Espeak();
  std::lock_guard<std::mutex> lock(s.mutex);
  return s.sample_rate;
}

std::vector<PhonemePhrase> ToCantonesePhrases(std::string_view text,
                                              const CantoneseReadings* readings) {
  std::vector<PhonemePhrase> phrases;
  PhonemePhrase current;
  current.language = VoiceLanguage::kCantonese;
  bool has_text = false;
  auto flush = [&](int pause_ms) {
    if (has_text) {
      current.pause_ms = pause_ms;
      phrases.push_back(std::move(current));
    }
    current = PhonemePhrase();
    current.language = VoiceLanguage::kCantonese;
    has_text = false;
  };
  for (char32_t c : DecodeUtf8(text)) {
    switch (c) {
      case U'，': case U'、': case U'；': case U'：': case U',': case U';': case U':':
        flush(kShortPauseMs);
        continue;
      case U'。': case U'！': case U'？': case U'!': case U'?': case U'\n': case U'…':
        flush(kLongPauseMs);
        continue;
      case U'[': case U']':
        continue;  // espeak's phoneme brackets: never from the screen's text
      default:
        AppendUtf8(c, &current.phonemes);
        has_text = has_text || (c != U' ' && c != U'\t' && c != U'\r');
    }
  }
  flush(0);
  if (!phrases.empty()) phrases.back().pause_ms = 0;
  if (readings) {
    for (PhonemePhrase& p : phrases) p.phonemes = readings->Apply(p.phonemes);
  }
  return phrases;
}

Result<std::vector<PhonemePhrase>> VoiceEngine::Prepare(std::string_view text, Reading* reading,
                                                        VoiceLanguage language) {
  Status loaded = Load();
  if (!loaded) return loaded.error();
  if (language == VoiceLanguage::kCantonese) {
    return ToCantonesePhrases(text, m_cantonese ? &*m_cantonese : nullptr);
  }
  Reading r = m_reader->Read(text);
  std::vector<PhonemePhrase> phrases = ToPhonemePhrases(r);
  if (reading) *reading = std::move(r);
  return phrases;
}

Status VoiceEngine::Synthesize(const std::vector<PhonemePhrase>& phrases, const PcmSink& sink,
                               std::vector<std::string>* phonemes_heard) {
  Status loaded = Load();
  if (!loaded) return loaded;
  EspeakState& s = Espeak();
  std::lock_guard<std::mutex> lock(s.mutex);
  EspeakLib().SetParameter(espeakRATE, m_options.rate_wpm, 0);
  EspeakLib().SetParameter(espeakPITCH, m_options.pitch, 0);
  s.sink = &sink;
  s.phonemes_heard = phonemes_heard;
  s.stopped = false;
  Status status;
  for (const PhonemePhrase& phrase : phrases) {
    if (phrase.language != s.voice) {
      bool yue = phrase.language == VoiceLanguage::kCantonese;
      if (EspeakLib().SetVoiceByName(yue ? "yue" : "cmn") != EE_OK) {
        status = MakeError(ErrorKind::kNotFound, std::string("espeak-ng has no ") +
                                                     (yue ? "yue" : "cmn") + " voice");
        break;
      }
      s.voice = phrase.language;
      EspeakLib().SetParameter(espeakRATE, m_options.rate_wpm, 0);
      EspeakLib().SetParameter(espeakPITCH, m_options.pitch, 0);
    }
    std::string text = phrase.language == VoiceLanguage::kCantonese
                           ? phrase.phonemes
                           : "[[" + phrase.phonemes + "]]";
    espeak_ERROR err = EspeakLib().Synth(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0,
                                         espeakCHARS_UTF8 | espeakPHONEMES, nullptr, nullptr);
    if (err != EE_OK) {
      status = MakeError(ErrorKind::kInternal, "espeak_Synth failed: " + std::to_string(err));
      break;
    }
    if (s.stopped) break;
    if (phrase.pause_ms > 0 && !SendSilence(sink, s.sample_rate, phrase.pause_ms)) {
      s.stopped = true;
      break;
    }
  }
  if (status.ok() && s.stopped) status = MakeError(ErrorKind::kUnavailable, "stopped");
  s.sink = nullptr;
  s.phonemes_heard = nullptr;
  return status;
}

Status VoiceEngine::Speak(std::string_view text, const PcmSink& sink, VoiceLanguage language) {
  Result<std::vector<PhonemePhrase>> phrases = Prepare(text, nullptr, language);
  if (!phrases) return phrases.error();
  return Synthesize(*phrases, sink);
}

Result<Pcm> VoiceEngine::SynthesizeToPcm(std::string_view text, VoiceLanguage language) {
  Pcm pcm;
  Status status = Speak(
      text,
      [&](const int16_t* samples, size_t count) {
        pcm.samples.insert(pcm.samples.end(), samples, samples + count);
        return true;
      },
      language);
  if (!status) return status.error();
  pcm.sample_rate = sample_rate();
  return pcm;
}

}  // namespace yimen::voice
