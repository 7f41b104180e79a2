// yimen-pinyin: prints the kiosk's Mandarin reading of each input line, one syllable per
// Han character (spoken tones, 一/不 sandhi applied; "?" for a character not read), so
// an outside reader (pinyin-pro, tests/voice/oracle) can be compared character by
// character. Numbers, letters and punctuation print nothing.
//   printf '银行\n' | yimen-pinyin        ->  yin2 hang2
// With --yue it prints, for each line, its Han runs as espeak-ng's yue voice gets them
// (reviewed words as [[phonemes]]), separated by tabs, for the Cantonese audit.
//   printf '重度残疾\n' | yimen-pinyin --yue  ->  [[z'ung6 d'ou6]]残疾
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include "domain/utf8.h"
#include "voice/cantonese.h"
#include "voice/pinyin_reader.h"

namespace {

int Cantonese() {
  auto readings = yimen::voice::CantoneseReadings::Load(YIMEN_VOICE_CANTONESE);
  if (!readings) {
    std::fprintf(stderr, "yimen-pinyin: %s\n", readings.error().message.c_str());
    return 1;
  }
  std::string line;
  while (std::getline(std::cin, line)) {
    const std::u32string text = yimen::DecodeUtf8(line);
    std::string out;
    size_t i = 0;
    while (i < text.size()) {
      if (!yimen::IsHan(text[i])) {
        ++i;
        continue;
      }
      std::string run;
      while (i < text.size() && yimen::IsHan(text[i])) yimen::AppendUtf8(text[i++], &run);
      if (!out.empty()) out += '\t';
      out += readings->Apply(run);
    }
    std::printf("%s\n", out.c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "--yue") == 0) return Cantonese();
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
