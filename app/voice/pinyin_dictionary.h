// Word-level pinyin readings with tones, so that 银行 is yin2 hang2 and 重度 zhong4 du4.
// Built once from Rime's terra_pinyin (readings with tones) and luna_pinyin (more words,
// toneless: tones are taken from terra's readings of each character) into one compact
// sorted table: keys in Traditional characters, as both dictionaries write them. Each
// entry carries its word frequency from Rime's essay (for the reader's segmentation),
// and the table can be amended with mainland readings (docs/internals/voice.md).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"
#include "voice/cmn_phonemes.h"

namespace yimen::voice {

struct PinyinDictionaryPaths {
  std::string terra = "/usr/share/rime-data/terra_pinyin.dict.yaml";  // required
  std::string luna = "/usr/share/rime-data/luna_pinyin.dict.yaml";    // optional ("" skips)
  std::string essay = "/usr/share/rime-data/essay.txt";  // word frequencies, optional
};

// Corrections applied after loading (from assets/voice/mandarin_readings.txt, keys
// already in Traditional characters).
struct PinyinAmendments {
  struct Replace {  // every syllable `from` of character `c`, in every word, becomes `to`
    char32_t c;
    Syllable from, to;
  };
  struct Word {  // the reading of `key`, added or replacing the dictionary's
    std::u32string key;
    std::vector<Syllable> reading;
    uint32_t frequency = 0;  // for a word the table lacks; 0 keeps the table's count
  };
  std::vector<Replace> replaces;
  std::vector<Word> words;
};

// One dictionary word that a text starts with.
struct PinyinMatch {
  size_t length = 0;
  std::span<const uint16_t> reading;
  uint32_t frequency = 0;  // essay count, 0 when the essay does not list it
};

struct PinyinDictionaryStats {
  size_t entries = 0;        // words and characters in the table
  size_t heap_bytes = 0;     // bytes held by the table's vectors
  size_t luna_words = 0;     // words that came from luna_pinyin
  size_t with_frequency = 0; // entries the essay gives a count
  uint64_t frequency_total = 0;  // sum of the essay's counts over the table's entries
  double load_ms = 0;        // wall time of Load()
};

class PinyinDictionary {
 public:
  // Reads and indexes the dictionaries (about 2.7 MB of YAML). Fails with kNotFound when
  // terra is missing (install rime-data-terra-pinyin), kDataLoss when it holds no
  // readings. Where one key has several readings the highest weight wins (a missing
  // weight counts as 100 %). Takes tens of milliseconds: call it off the UI thread.
  [[nodiscard]] static Result<PinyinDictionary> Load(const PinyinDictionaryPaths& paths = {});

  // The reading of exactly `key` (Traditional characters), as packed syllables; empty
  // when the key is not in the table. Const: any thread once loaded.
  std::span<const uint16_t> Find(std::u32string_view key) const;

  // Longest key, at most kMaxKeyLength characters, that `text` starts with; 0 when not
  // even its first character is known.
  size_t LongestPrefix(std::u32string_view text) const;

  // Every key that `text` starts with, shortest first, into `out` (cleared first).
  void Prefixes(std::u32string_view text, std::vector<PinyinMatch>* out) const;

  // Applies mainland corrections: syllable replacements first, then word readings. Not
  // thread-safe: call before sharing the dictionary.
  void Amend(const PinyinAmendments& amendments);

  const PinyinDictionaryStats& stats() const { return m_stats; }

  static constexpr size_t kMaxKeyLength = 8;

 private:
  struct Entry {
    uint32_t key_offset;
    uint32_t reading_offset;  // the reading has key_length syllables
    uint32_t frequency;
    uint8_t key_length;
  };
  std::vector<char32_t> m_keys;      // all keys, back to back
  std::vector<uint16_t> m_readings;  // all readings, back to back (Syllable::Packed)
  std::vector<Entry> m_entries;      // sorted by key
  PinyinDictionaryStats m_stats;

  std::u32string_view KeyOf(const Entry& e) const {
    return std::u32string_view(m_keys.data() + e.key_offset, e.key_length);
  }
  size_t LowerIndex(std::u32string_view key) const;  // first entry not less than key
  const Entry* FindEntry(std::u32string_view key) const;
  // Sets each entry's frequency from Rime's essay ("word<TAB>count" lines).
  void CountFrequencies(std::string_view essay);
};

}  // namespace yimen::voice
