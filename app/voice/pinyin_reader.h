// Text to pinyin with tones, as a reader would say it: Simplified text is converted to
// Traditional with OpenCC (the dictionaries are Traditional), segmented into the most
// likely words by their frequencies so polyphones come out right (银行 yin2 hang2, 重新
// chong2 xin1), with mainland readings and context rules for the common polyphones from
// assets/voice/mandarin_readings.txt; numbers are read in Chinese (1225 ->
// 一千二百二十五), punctuation becomes pauses, and 一/不 change tone as spoken. No UI,
// no audio: the voice room's grammar.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"
#include "voice/cmn_phonemes.h"
#include "voice/pinyin_dictionary.h"

namespace yimen::voice {

enum class PauseKind : uint8_t { kShort, kLong };  // ，、：； versus 。！？ and line ends

struct ReadingUnit {
  enum class Kind : uint8_t { kSyllable, kPause };
  Kind kind = Kind::kSyllable;
  Syllable syllable;          // tone as the dictionary gives it
  uint8_t spoken_tone = 0;    // after 一/不 sandhi; espeak does the pitch sandhi itself
  bool word_start = false;    // first syllable of a dictionary word or of a number
  PauseKind pause = PauseKind::kShort;  // for kPause
  uint32_t source = kNoSource;  // index (in code points) of the Han character read
  static constexpr uint32_t kNoSource = UINT32_MAX;  // numbers and pauses
};

struct Reading {
  std::vector<ReadingUnit> units;  // never starts or ends with a pause, no two in a row
  size_t skipped = 0;              // characters not read: Latin letters, symbols, unknown Han
  size_t unknown_han = 0;          // of which Han characters no dictionary reads
};

// "yin2 hang2 , zhong4 du4" — dictionary tones (spoken=false) or spoken ones; pauses
// are "," (short) and "." (long). For tests and the yimen-say CLI. Any thread.
std::string PinyinText(const Reading& reading, bool spoken = false);

struct PinyinReaderOptions {
  PinyinDictionaryPaths dictionaries;
  std::string opencc_config = "s2t.json";  // found in /usr/share/opencc by OpenCC itself
  // Mainland readings and polyphone rules (format in the file's header); "" = the
  // source tree's assets/voice/mandarin_readings.txt. A missing file is an error.
  std::string readings;
};

// A polyphone's reading when the segmentation leaves it alone and the character next
// to it is one of `neighbours` (重 before 填拍试… is chong2).
struct PolyphoneRule {
  char32_t c = 0;
  Syllable reading;
  bool before = true;  // `neighbours` follow c (true) or precede it (false)
  std::u32string neighbours;
};

class PinyinReader {
 public:
  // Loads the dictionaries and OpenCC's Simplified-to-Traditional tables. Fails like
  // PinyinDictionary::Load, or kNotFound when OpenCC's config cannot be opened. Slow
  // (tens of ms): call it off the UI thread, once.
  [[nodiscard]] static Result<std::unique_ptr<PinyinReader>> Open(
      const PinyinReaderOptions& options = {});
  ~PinyinReader();
  PinyinReader(const PinyinReader&) = delete;
  PinyinReader& operator=(const PinyinReader&) = delete;

  // Reads `utf8`. Never fails: what it cannot read it skips and counts. One thread at a
  // time (OpenCC's converter is not shared across threads).
  Reading Read(std::string_view utf8);

  const PinyinDictionary& dictionary() const { return m_dict; }
  double opencc_load_ms() const { return m_opencc_load_ms; }

 private:
  PinyinReader(PinyinDictionary dict, void* opencc, double opencc_load_ms);
  std::u32string ToTraditional(std::string_view utf8, const std::u32string& simplified);
  Status LoadReadings(const std::string& path);

  PinyinDictionary m_dict;
  void* m_opencc = nullptr;  // opencc_t, owned
  double m_opencc_load_ms = 0;
  std::vector<PolyphoneRule> m_rules;
  std::u32string m_lone;  // characters the readings file reads as one-character words
  std::vector<PinyinMatch> m_matches;  // scratch for ReadHanRun
};

}  // namespace yimen::voice
