// yimen-pinyin: prints the kiosk's Mandarin reading of each input line, one syllable per
// Han character (spoken tones, 一/不 sandhi applied; "?" for a character not read), so
// an outside reader (pinyin-pro, tests/voice/oracle) can be compared character by
// character. Numbers, letters and punctuation print nothing.
//   printf '银行\n' | yimen-pinyin        ->  yin2 hang2
#include <cstdio>
#include <iostream>
#include <string>

#include "domain/utf8.h"
#include "voice/pinyin_reader.h"

int main() {
  auto reader = yimen::voice::PinyinReader::Open();
  if (!reader) {
    std::fprintf(stderr, "yimen-pinyin: %s\n", reader.error().message.c_str());
    return 1;
  }
  std::string line;
  while (std::getline(std::cin, line)) {
    const std::u32string text = yimen::DecodeUtf8(line);
    yimen::voice::Reading reading = (*reader)->Read(line);
    std::vector<std::string> by_char(text.size());
    for (const auto& u : reading.units) {
      if (u.kind != yimen::voice::ReadingUnit::Kind::kSyllable ||
          u.source == yimen::voice::ReadingUnit::kNoSource || u.source >= text.size()) {
        continue;
      }
      yimen::voice::Syllable s = u.syllable;
      s.tone = u.spoken_tone;
      by_char[u.source] = yimen::voice::FormatSyllable(s);
    }
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
      if (!yimen::IsHan(text[i])) continue;
      if (!out.empty()) out += ' ';
      out += by_char[i].empty() ? "?" : by_char[i];
    }
    std::printf("%s\n", out.c_str());
  }
  return 0;
}
