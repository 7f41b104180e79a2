// Loads Rime's pinyin dictionaries into one sorted table. The YAML is read with a
// line scanner, not a YAML library: after the "..." that ends the header every line is
// "key<TAB>reading[<TAB>weight]" (Rime's dict.yaml format).
#include "voice/pinyin_dictionary.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <malloc.h>

#include "domain/utf8.h"

namespace yimen::voice {
namespace {

struct Record {
  uint32_t key_offset;
  uint32_t reading_offset;
  uint32_t order;     // line order, to keep ties stable
  float weight;       // percent; 100 when the line has none
  uint8_t key_length;
  uint8_t source;     // 0 terra (tones), 1 luna (tones resolved from terra's characters)
};

struct Scratch {
  std::vector<char32_t> keys;
  std::vector<uint16_t> readings;
  std::vector<Record> records;

  std::u32string_view Key(const Record& r) const {
    return std::u32string_view(keys.data() + r.key_offset, r.key_length);
  }
};

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorKind::kNotFound, "cannot open " + path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Calls fn(key, reading, weight_field) for every entry line after the header.
template <class Fn>
void ForEachEntry(std::string_view text, Fn&& fn) {
  size_t pos = 0;
  bool in_body = false;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!in_body) {
      in_body = line == "...";
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    size_t tab1 = line.find('\t');
    if (tab1 == std::string_view::npos) continue;
    size_t tab2 = line.find('\t', tab1 + 1);
    std::string_view key = line.substr(0, tab1);
    std::string_view reading = line.substr(tab1 + 1, tab2 == std::string_view::npos
                                                         ? std::string_view::npos
                                                         : tab2 - tab1 - 1);
    std::string_view weight =
        tab2 == std::string_view::npos ? std::string_view() : line.substr(tab2 + 1);
    fn(key, reading, weight);
  }
}

float ParseWeight(std::string_view field) {
  if (field.empty()) return 100.0f;
  std::string copy(field);
  return std::strtof(copy.c_str(), nullptr);  // "98%" and "0.74%" stop at '%'
}

// Splits "yin2 hang2" on spaces.
template <class Fn>
void ForEachToken(std::string_view reading, Fn&& fn) {
  size_t pos = 0;
  while (pos < reading.size()) {
    size_t end = reading.find(' ', pos);
    if (end == std::string_view::npos) end = reading.size();
    if (end > pos) fn(reading.substr(pos, end - pos));
    pos = end + 1;
  }
}

bool RecordLess(const Scratch& s, const Record& a, const Record& b) {
  std::u32string_view ka = s.Key(a), kb = s.Key(b);
  if (ka != kb) return ka < kb;
  if (a.source != b.source) return a.source < b.source;
  if (a.weight != b.weight) return a.weight > b.weight;
  return a.order < b.order;
}

// The first `count` records (sorted) whose key is exactly `key`, best first. The
// pointers stay valid only until s.records grows.
std::pair<const Record*, const Record*> EqualKeys(const Scratch& s, size_t count,
                                                  std::u32string_view key) {
  const Record* begin = s.records.data();
  const Record* end = begin + count;
  const Record* lo = std::lower_bound(
      begin, end, key, [&](const Record& r, std::u32string_view k) { return s.Key(r) < k; });
  const Record* hi = std::upper_bound(
      lo, end, key, [&](std::u32string_view k, const Record& r) { return k < s.Key(r); });
  return {lo, hi};
}

// terra_pinyin follows CC-CEDICT, which gives some words Taiwan's tones: 綜合 zong4 he2,
// 危險 wei2 xian3, 研究 yan2 jiu4, where Putonghua says zong1, wei1, jiu1. Its per-character
// table has the Putonghua tones (綜 zong1 100 %, no zong4). So a word may pick which of
// a character's syllables it uses (重 zhong or chong), but when its tone for that
// syllable is not one the character is listed with, the character's best tone for the
// same syllable wins. Neutral tones (5) and syllables the character does not list at
// all (似的 shi4) are kept. About 5,000 of terra's 52,000 words change.
void CorrectTaiwanTones(Scratch* s, size_t terra_count) {
  for (size_t i = 0; i < terra_count; ++i) {
    const Record& word = s->records[i];
    if (word.key_length < 2) continue;
    for (size_t k = 0; k < word.key_length; ++k) {
      uint16_t& packed = s->readings[word.reading_offset + k];
      Syllable syl = Syllable::Unpack(packed);
      if (syl.tone == 5) continue;
      auto [lo, hi] = EqualKeys(*s, terra_count,
                                std::u32string_view(&s->keys[word.key_offset + k], 1));
      const Record* same_base = nullptr;
      bool listed = false;
      for (const Record* c = lo; c != hi && !listed; ++c) {
        uint16_t reading = s->readings[c->reading_offset];
        listed = reading == packed;
        if (!same_base && Syllable::Unpack(reading).base == syl.base) same_base = c;
      }
      if (!listed && same_base) packed = s->readings[same_base->reading_offset];
    }
  }
}

// How common a word's reading is by its characters' own weights: the sum over its
// syllables of the character table's weight for that syllable (0 when not listed).
float CharacterScore(const Scratch& s, size_t terra_count, const Record& word) {
  float score = 0;
  for (size_t k = 0; k < word.key_length; ++k) {
    uint16_t packed = s.readings[word.reading_offset + k];
    auto [lo, hi] = EqualKeys(s, terra_count,
                              std::u32string_view(&s.keys[word.key_offset + k], 1));
    for (const Record* c = lo; c != hi; ++c) {
      if (s.readings[c->reading_offset] == packed) score += c->weight;
    }
  }
  return score;
}

// Where one word has several readings of equal weight (terra gives 什麼 both she2 me5,
// Taiwan's, and shen2 me5, without weights), moves the one its characters favour to the
// front (什 shen2 1 % beats she2 0 %). `records` must be sorted.
void BreakTiesByCharacters(Scratch* s, size_t terra_count) {
  size_t i = 0;
  while (i < terra_count) {
    size_t j = i + 1;
    while (j < terra_count && s->Key(s->records[j]) == s->Key(s->records[i]) &&
           s->records[j].weight == s->records[i].weight) {
      ++j;
    }
    if (j - i > 1 && s->records[i].key_length > 1) {
      size_t best = i;
      float best_score = CharacterScore(*s, terra_count, s->records[i]);
      for (size_t k = i + 1; k < j; ++k) {
        float score = CharacterScore(*s, terra_count, s->records[k]);
        if (score > best_score) best = k, best_score = score;
      }
      std::swap(s->records[i], s->records[best]);
    }
    // Skip the rest of this key's readings.
    while (j < terra_count && s->Key(s->records[j]) == s->Key(s->records[i])) ++j;
    i = j;
  }
}

}  // namespace

Result<PinyinDictionary> PinyinDictionary::Load(const PinyinDictionaryPaths& paths) {
  auto start = std::chrono::steady_clock::now();
  Scratch s;
  uint32_t order = 0;

  Result<std::string> terra_text = ReadFile(paths.terra);
  if (!terra_text) {
    return MakeError(ErrorKind::kNotFound, terra_text.error().message +
                                               " (package rime-data-terra-pinyin)");
  }
  // Rough sizes from the file (about 18 bytes a line) spare the vectors many regrowths.
  s.records.reserve(terra_text->size() / 16);
  s.keys.reserve(terra_text->size() / 5);
  s.readings.reserve(terra_text->size() / 5);
  ForEachEntry(*terra_text, [&](std::string_view key, std::string_view reading,
                                std::string_view weight) {
    std::u32string key32 = DecodeUtf8(key);
    if (key32.empty() || key32.size() > kMaxKeyLength) return;
    Record r{static_cast<uint32_t>(s.keys.size()), static_cast<uint32_t>(s.readings.size()),
             order++, ParseWeight(weight), static_cast<uint8_t>(key32.size()), 0};
    size_t count = 0;
    bool ok = true;
    ForEachToken(reading, [&](std::string_view token) {
      std::optional<Syllable> syl = ParseSyllable(token);
      if (!syl) ok = false;
      else s.readings.push_back(syl->Packed());
      ++count;
    });
    if (!ok || count != key32.size()) {
      s.readings.resize(r.reading_offset);
      return;
    }
    s.keys.insert(s.keys.end(), key32.begin(), key32.end());
    s.records.push_back(r);
  });
  terra_text = std::string();
  if (s.records.empty()) return MakeError(ErrorKind::kDataLoss, "no readings in " + paths.terra);

  auto less = [&](const Record& a, const Record& b) { return RecordLess(s, a, b); };
  std::sort(s.records.begin(), s.records.end(), less);
  const size_t terra_count = s.records.size();
  BreakTiesByCharacters(&s, terra_count);
  CorrectTaiwanTones(&s, terra_count);

  size_t luna_words = 0;
  if (!paths.luna.empty()) {
    Result<std::string> luna_text = ReadFile(paths.luna);
    if (luna_text) {
      ForEachEntry(*luna_text, [&](std::string_view key, std::string_view reading,
                                   std::string_view weight) {
        std::u32string key32 = DecodeUtf8(key);
        if (key32.size() < 2 || key32.size() > kMaxKeyLength) return;
        auto [lo, hi] = EqualKeys(s, terra_count, key32);
        if (lo != hi) return;  // terra has it, with tones
        Record r{static_cast<uint32_t>(s.keys.size()), static_cast<uint32_t>(s.readings.size()),
                 order++, ParseWeight(weight), static_cast<uint8_t>(key32.size()), 1};
        size_t index = 0;
        bool ok = true;
        ForEachToken(reading, [&](std::string_view token) {
          if (!ok || index >= key32.size()) {
            ok = false;
            return;
          }
          std::optional<uint16_t> base = FindSyllableBase(token);
          if (!base) {
            ok = false;
            return;
          }
          // The best-weighted terra reading of this character with the same base.
          auto [clo, chi] = EqualKeys(s, terra_count, std::u32string_view(&key32[index], 1));
          const Record* match = nullptr;
          for (const Record* c = clo; c != chi; ++c) {
            if (Syllable::Unpack(s.readings[c->reading_offset]).base == *base) {
              match = c;
              break;
            }
          }
          if (!match) {
            ok = false;
            return;
          }
          uint16_t tone_from_terra = s.readings[match->reading_offset];
          s.readings.push_back(tone_from_terra);
          ++index;
        });
        if (!ok || index != key32.size()) {
          s.readings.resize(r.reading_offset);
          return;
        }
        s.keys.insert(s.keys.end(), key32.begin(), key32.end());
        s.records.push_back(r);
        ++luna_words;
      });
    }
  }

  // Terra is sorted already: sort luna's words and merge.
  auto luna_begin = s.records.begin() + static_cast<std::ptrdiff_t>(terra_count);
  std::sort(luna_begin, s.records.end(), less);
  std::inplace_merge(s.records.begin(), luna_begin, s.records.end(), less);
  s.records.erase(std::unique(s.records.begin(), s.records.end(),
                              [&](const Record& a, const Record& b) {
                                return s.Key(a) == s.Key(b);
                              }),
                  s.records.end());

  // Copy the winners into tight vectors; the scratch (with every losing reading) goes.
  PinyinDictionary dict;
  size_t key_chars = 0;
  for (const Record& r : s.records) key_chars += r.key_length;
  dict.m_keys.reserve(key_chars);
  dict.m_readings.reserve(key_chars);
  dict.m_entries.reserve(s.records.size());
  luna_words = 0;
  for (const Record& r : s.records) {
    Entry e{static_cast<uint32_t>(dict.m_keys.size()),
            static_cast<uint32_t>(dict.m_readings.size()), 0, r.key_length};
    std::u32string_view key = s.Key(r);
    dict.m_keys.insert(dict.m_keys.end(), key.begin(), key.end());
    dict.m_readings.insert(dict.m_readings.end(), s.readings.begin() + r.reading_offset,
                           s.readings.begin() + r.reading_offset + r.key_length);
    dict.m_entries.push_back(e);
    if (r.source == 1) ++luna_words;
  }
  dict.m_stats.entries = dict.m_entries.size();
  dict.m_stats.luna_words = luna_words;
  dict.m_stats.heap_bytes = dict.m_keys.capacity() * sizeof(char32_t) +
                            dict.m_readings.capacity() * sizeof(uint16_t) +
                            dict.m_entries.capacity() * sizeof(Entry);
  if (!paths.essay.empty()) {
    Result<std::string> essay = ReadFile(paths.essay);
    if (essay) dict.CountFrequencies(*essay);
  }
  // The scratch (several MB of small and mid-sized blocks) is freed when this returns;
  // hand those pages back to the system rather than keep them for the kiosk's lifetime.
  s = Scratch();
  malloc_trim(0);
  dict.m_stats.load_ms = std::chrono::duration<double, std::milli>(
                             std::chrono::steady_clock::now() - start).count();
  return dict;
}

size_t PinyinDictionary::LowerIndex(std::u32string_view key) const {
  auto it = std::lower_bound(m_entries.begin(), m_entries.end(), key,
                             [&](const Entry& e, std::u32string_view k) { return KeyOf(e) < k; });
  return static_cast<size_t>(it - m_entries.begin());
}

const PinyinDictionary::Entry* PinyinDictionary::FindEntry(std::u32string_view key) const {
  size_t i = LowerIndex(key);
  if (i == m_entries.size() || KeyOf(m_entries[i]) != key) return nullptr;
  return &m_entries[i];
}

std::span<const uint16_t> PinyinDictionary::Find(std::u32string_view key) const {
  const Entry* e = FindEntry(key);
  if (!e) return {};
  return std::span<const uint16_t>(m_readings.data() + e->reading_offset, e->key_length);
}

void PinyinDictionary::Prefixes(std::u32string_view text, std::vector<PinyinMatch>* out) const {
  out->clear();
  for (size_t len = 1; len <= std::min(text.size(), kMaxKeyLength); ++len) {
    if (const Entry* e = FindEntry(text.substr(0, len))) {
      out->push_back(PinyinMatch{
          len, std::span<const uint16_t>(m_readings.data() + e->reading_offset, len),
          e->frequency});
    }
  }
}

// The essay (rime-essay, luna_pinyin's word list) has Traditional and Simplified forms
// side by side; the table's keys are Traditional, so those rows are the ones that count.
void PinyinDictionary::CountFrequencies(std::string_view essay) {
  size_t pos = 0;
  while (pos < essay.size()) {
    size_t end = essay.find('\n', pos);
    if (end == std::string_view::npos) end = essay.size();
    std::string_view line = essay.substr(pos, end - pos);
    pos = end + 1;
    size_t tab = line.find('\t');
    if (tab == std::string_view::npos || tab == 0) continue;
    std::u32string key = DecodeUtf8(line.substr(0, tab));
    if (key.size() > kMaxKeyLength) continue;
    auto it = m_entries.begin() + static_cast<std::ptrdiff_t>(LowerIndex(key));
    if (it == m_entries.end() || KeyOf(*it) != key) continue;
    std::string count(line.substr(tab + 1));
    auto value = static_cast<uint32_t>(std::strtoul(count.c_str(), nullptr, 10));
    if (it->frequency == 0 && value > 0) ++m_stats.with_frequency;
    m_stats.frequency_total += value > it->frequency ? value - it->frequency : 0;
    it->frequency = std::max(it->frequency, value);
  }
}

void PinyinDictionary::Amend(const PinyinAmendments& amendments) {
  for (const PinyinAmendments::Replace& r : amendments.replaces) {
    uint16_t from = r.from.Packed(), to = r.to.Packed();
    for (const Entry& e : m_entries) {
      for (size_t k = 0; k < e.key_length; ++k) {
        uint16_t& packed = m_readings[e.reading_offset + k];
        if (m_keys[e.key_offset + k] == r.c && packed == from) packed = to;
      }
    }
  }
  bool added = false;
  for (const PinyinAmendments::Word& w : amendments.words) {
    bool frequency_only = w.reading.empty();
    if (w.key.empty() || w.key.size() > kMaxKeyLength ||
        (!frequency_only && w.reading.size() != w.key.size())) {
      continue;
    }
    auto it = m_entries.begin() + static_cast<std::ptrdiff_t>(LowerIndex(w.key));
    if (it != m_entries.end() && KeyOf(*it) == w.key) {
      for (size_t k = 0; k < w.reading.size(); ++k) {
        m_readings[it->reading_offset + k] = w.reading[k].Packed();
      }
      if (w.frequency) it->frequency = w.frequency;
      continue;
    }
    if (frequency_only) continue;  // nothing to read it with
    Entry e{static_cast<uint32_t>(m_keys.size()), static_cast<uint32_t>(m_readings.size()),
            w.frequency, static_cast<uint8_t>(w.key.size())};
    m_keys.insert(m_keys.end(), w.key.begin(), w.key.end());
    for (Syllable s : w.reading) m_readings.push_back(s.Packed());
    m_entries.push_back(e);
    added = true;
  }
  if (added) {
    std::sort(m_entries.begin(), m_entries.end(),
              [&](const Entry& a, const Entry& b) { return KeyOf(a) < KeyOf(b); });
    m_stats.entries = m_entries.size();
  }
}

size_t PinyinDictionary::LongestPrefix(std::u32string_view text) const {
  for (size_t len = std::min(text.size(), kMaxKeyLength); len > 0; --len) {
    if (!Find(text.substr(0, len)).empty()) return len;
  }
  return 0;
}

}  // namespace yimen::voice
