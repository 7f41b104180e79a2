// Text in, 16-bit PCM out, no audio device: the reader (pinyin), the phoneme table and
// libespeak-ng put together. The Speaker runs this on its worker thread; tests, the
// benchmark and yimen-say call it directly. libespeak-ng keeps global state, so every
// engine in the process shares one espeak behind a mutex.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"
#include "voice/cantonese.h"
#include "voice/pinyin_reader.h"

namespace yimen::voice {

// The spoken language. Mandarin goes through our reader and espeak's cmn phonemes;
// Cantonese is written Chinese read by espeak-ng's yue voice, which reads characters
// in Cantonese itself (docs/internals/voice.md).
enum class VoiceLanguage : uint8_t { kMandarin, kCantonese };

// One phrase for espeak: the text inside [[ ]] (syllables of a word run together, words
// separated by spaces) and the silence we add after it. For Cantonese, `phonemes` is
// the phrase's text itself, for the yue voice.
struct PhonemePhrase {
  std::string phonemes;
  int pause_ms = 0;
  VoiceLanguage language = VoiceLanguage::kMandarin;
};

// Splits Cantonese text at its pauses (，。！？ and line ends) into text phrases for
// espeak-ng's yue voice, with `readings` (may be null) applied to each. Any thread.
std::vector<PhonemePhrase> ToCantonesePhrases(std::string_view text,
                                              const CantoneseReadings* readings);

// Splits a reading at its pauses into phoneme phrases. Short pauses are 180 ms, long
// ones 400 ms; the last phrase has none. Any thread.
std::vector<PhonemePhrase> ToPhonemePhrases(const Reading& reading);

struct VoiceOptions {
  PinyinReaderOptions reader;
  // Reviewed Cantonese words espeak misreads; "" = the source tree's
  // assets/voice/cantonese_readings.txt. Required.
  std::string cantonese_readings;
  int rate_wpm = 150;  // espeak's words per minute; 175 is its default, slower suits elders
  int pitch = 50;      // espeak's 0-100 base pitch
};

struct Pcm {
  int sample_rate = 0;           // espeak-ng's: 22050
  std::vector<int16_t> samples;  // mono
  double Seconds() const { return sample_rate ? double(samples.size()) / sample_rate : 0; }
};

// Receives synthesised audio as it is made, chunk by chunk. Return false to stop.
using PcmSink = std::function<bool(const int16_t* samples, size_t count)>;

class VoiceEngine {
 public:
  explicit VoiceEngine(VoiceOptions options = {});
  ~VoiceEngine();
  VoiceEngine(const VoiceEngine&) = delete;
  VoiceEngine& operator=(const VoiceEngine&) = delete;

  // Loads the pinyin dictionaries and OpenCC and initialises espeak-ng with the cmn
  // voice. Idempotent; Prepare() and Speak() call it on first use. Fails with kNotFound
  // when a data package is missing, kInternal when espeak-ng cannot start. Slow the
  // first time (~100 ms): call it from a worker thread.
  Status Load();

  // Text to phoneme phrases (Mandarin) or text phrases (Cantonese). Fails only when
  // Load() fails.
  Result<std::vector<PhonemePhrase>> Prepare(std::string_view text, Reading* reading = nullptr,
                                             VoiceLanguage language = VoiceLanguage::kMandarin);

  // Synthesises `phrases`, handing PCM to `sink` as espeak makes it, with our pauses as
  // silence between phrases. `phonemes_heard`, when given, receives every phoneme espeak
  // reported while speaking (its phoneme events), for tests. Returns kUnavailable when
  // the sink asked to stop. Serialised with every other engine in the process.
  Status Synthesize(const std::vector<PhonemePhrase>& phrases, const PcmSink& sink,
                    std::vector<std::string>* phonemes_heard = nullptr);

  // Prepare + Synthesize.
  Status Speak(std::string_view text, const PcmSink& sink,
               VoiceLanguage language = VoiceLanguage::kMandarin);

  // The whole utterance in one buffer.
  Result<Pcm> SynthesizeToPcm(std::string_view text,
                              VoiceLanguage language = VoiceLanguage::kMandarin);

  // espeak-ng's output rate in Hz; 0 before Load() succeeded.
  int sample_rate() const;

  // The reader, once loaded (nullptr before). For statistics.
  const PinyinReader* reader() const { return m_reader.get(); }

 private:
  VoiceOptions m_options;
  std::unique_ptr<PinyinReader> m_reader;
  std::optional<CantoneseReadings> m_cantonese;
};

}  // namespace yimen::voice
