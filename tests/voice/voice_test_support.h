// Helpers shared by the voice tests: one loaded reader/engine per test binary (loading
// the dictionaries costs ~100 ms, more under ASan) and a tokenizer that splits an espeak
// phoneme string into our cmn inventory.
#pragma once

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "voice/cmn_phonemes.h"
#include "voice/pinyin_reader.h"
#include "voice/voice_engine.h"

namespace yimen::voice::testing {

inline PinyinReader& SharedReader() {
  static std::unique_ptr<PinyinReader> reader = [] {
    auto r = PinyinReader::Open();
    if (!r) ADD_FAILURE() << r.error().message;
    return r ? std::move(*r) : nullptr;
  }();
  if (!reader) std::abort();
  return *reader;
}

inline VoiceEngine& SharedEngine() {
  static VoiceEngine engine;
  return engine;
}

inline std::string PinyinOf(std::string_view text, bool spoken = false) {
  return PinyinText(SharedReader().Read(text), spoken);
}

// Splits `phonemes` (as inside [[ ]]) into inventory phonemes, longest match first;
// stress marks and spaces are dropped. Anything that is not in the inventory is
// returned in `unknown`.
inline std::vector<std::string> Tokenize(std::string_view phonemes, std::string* unknown) {
  const std::vector<std::string>& inventory = CmnPhonemeInventory();
  std::vector<std::string> out;
  size_t i = 0;
  while (i < phonemes.size()) {
    char c = phonemes[i];
    if (c == ' ' || c == '\'') {
      ++i;
      continue;
    }
    size_t best = 0;
    for (const std::string& p : inventory) {
      if (p.size() > best && phonemes.substr(i, p.size()) == p) best = p.size();
    }
    if (best == 0) {
      *unknown += c;
      ++i;
      continue;
    }
    out.emplace_back(phonemes.substr(i, best));
    i += best;
  }
  return out;
}

inline std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace yimen::voice::testing
