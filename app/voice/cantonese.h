// Cantonese (粤语) for the voice: espeak-ng's yue voice reads written Chinese in
// Cantonese by itself, and mostly right. Where it is wrong (重度 read cung4 dou6, 诊断
// can2 tyun5), a reviewed table of words with their Jyutping (checked against Rime's
// Jyutping dictionary, package librime-data-jyutping: tests/voice/oracle) replaces the
// word by espeak phonemes inline, [[z'ung6 d'ou6]]. No audio, no UI.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"

namespace yimen::voice {

// One Jyutping syllable with its tone digit ("zung6", "ngan4", "m4") as espeak-ng's yue
// phonemes: initial (ng written N), a stress mark, the vowel, then the tone before a
// -n -m -p -t -k coda and after -ng ("zung6" -> "z'ung6", "dyun6" -> "d'yu6n"). Nullopt
// when it is not Jyutping. Any thread.
std::optional<std::string> JyutpingToEspeak(std::string_view syllable);

class CantoneseReadings {
 public:
  // Reads `path`: "WORD jyut6 ping3…" lines (Simplified words, one toned syllable per
  // character), '#' comments. kNotFound when missing, kDataLoss on a bad line (the
  // message names it).
  [[nodiscard]] static Result<CantoneseReadings> Load(const std::string& path);

  // `text` as espeak's yue voice should get it: each listed word (leftmost, longest
  // first) replaced by its phonemes in [[ ]], and any [ ] of the text itself dropped so
  // that it cannot switch espeak into phoneme input. Any thread.
  std::string Apply(std::string_view text) const;

  size_t size() const { return m_words.size(); }

 private:
  struct Word {
    std::u32string key;
    std::string phonemes;  // without the [[ ]]
  };
  std::vector<Word> m_words;  // longest key first
};

}  // namespace yimen::voice
