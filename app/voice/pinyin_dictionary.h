// Word-level pinyin readings with tones, so that 银行 is yin2 hang2 and 重度 zhong4 du4.
// Built once from Rime's terra_pinyin (readings with tones) and luna_pinyin (more words,
// toneless: tones are taken from terra's readings of each character) into one compact
// sorted table: keys in Traditional characters, as both dictionaries write them.
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
};

struct PinyinDictionaryStats {
  size_t entries = 0;        // words and characters in the table
  size_t heap_bytes = 0;     // bytes held by the table's vectors
  size_t luna_words = 0;     // words that came from luna_pinyin
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

  const PinyinDictionaryStats& stats() const { return m_stats; }

  static constexpr size_t kMaxKeyLength = 8;

 private:
  struct Entry {
    uint32_t key_offset;
    uint32_t reading_offset;  // the reading has key_length syllables
    uint8_t key_length;
  };
  std::vector<char32_t> m_keys;      // all keys, back to back
  std::vector<uint16_t> m_readings;  // all readings, back to back (Syllable::Packed)
  std::vector<Entry> m_entries;      // sorted by key
  PinyinDictionaryStats m_stats;

  std::u32string_view KeyOf(const Entry& e) const {
    return std::u32string_view(m_keys.data() + e.key_offset, e.key_length);
  }
};

}  // namespace yimen::voice
