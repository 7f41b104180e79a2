// Pinyin syllables and the espeak-ng Mandarin ("cmn") phonemes that say them. espeak-ng
// 1.51 cannot read Chinese text (its cmn rules switch to English mid-phrase), but it
// speaks its own cmn phonemes well, so we hand it phonemes we built ourselves
// (docs/internals/voice.md "Why phonemes").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace yimen::voice {

// One pinyin syllable: a base from the syllable table ("zhong") and a tone, 1-4, or 5 for
// the neutral tone. 16 bits in the dictionary: base * 8 + tone.
struct Syllable {
  uint16_t base = 0;  // index into the syllable table, see SyllableBase()
  uint8_t tone = 0;   // 1..5

  uint16_t Packed() const { return static_cast<uint16_t>(base * 8 + tone); }
  static Syllable Unpack(uint16_t packed) {
    return Syllable{static_cast<uint16_t>(packed / 8), static_cast<uint8_t>(packed % 8)};
  }
  bool operator==(const Syllable&) const = default;
};

// Number of bases in the syllable table (about 430: every base in Rime's terra_pinyin
// and luna_pinyin dictionaries, with ü written "v" as Rime does).
size_t SyllableBaseCount();

// The pinyin of base `index` ("zhong", "lv"). `index` < SyllableBaseCount().
std::string_view SyllableBase(uint16_t index);

// Finds a toneless base ("zhong", "lv"; "lü" and "nü" are accepted too). Nullopt when
// pinyin has no such syllable. Any thread.
std::optional<uint16_t> FindSyllableBase(std::string_view base);

// Parses "zhong4" (tone digit 1-5 required; "lv4" and "lü4" both work). Any thread.
std::optional<Syllable> ParseSyllable(std::string_view pinyin);

// "zhong4". Any thread.
std::string FormatSyllable(Syllable syllable);

// The espeak-ng cmn phonemes for one syllable, in espeak's own notation as written
// inside [[ ]]: initial, a stress mark (omitted for the neutral tone, which espeak then
// says shorter), the vowel, the tone's pitch contour (55, 35, 214, 51; 11 for neutral)
// and the nasal coda: zhong4 -> "ts.'ong51", yin2 -> "'i35n". espeak itself then turns
// 214 before 214 into 35, 214 before another tone into 21, 51 before 51 into 53 and
// tunes the neutral tone to the tone before it (its CalcPitches_Tone). Any thread.
std::string CmnPhonemesFor(Syllable syllable);

// Every phoneme mnemonic CmnPhonemesFor() can produce, including the five pitch marks
// and the contours espeak derives from them (21, 53, 22, 33, 44), and the pauses and
// word boundary (_ _: _:: _|) espeak reports. Sorted. Tests check every phoneme espeak
// reports back is in this list.
const std::vector<std::string>& CmnPhonemeInventory();

}  // namespace yimen::voice
