// Jyutping to espeak-ng yue phonemes, and the reviewed word table. The phoneme notation
// is what `espeak-ng -v yue -x` prints for the characters it reads right (docs/internals/
// voice.md), so a replaced word sounds like the rest of the sentence.
#include "voice/cantonese.h"

#include <algorithm>

#include "domain/utf8.h"
#include "voice/readings_file.h"

namespace yimen::voice {
namespace {

bool IsVowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y'; }

}  // namespace

std::optional<std::string> JyutpingToEspeak(std::string_view syllable) {
  if (syllable.size() < 2) return std::nullopt;
  char tone = syllable.back();
  if (tone < '1' || tone > '6') return std::nullopt;
  std::string_view body = syllable.substr(0, syllable.size() - 1);
  for (char c : body) {
    if (c < 'a' || c > 'z') return std::nullopt;
  }
  if (body == "m" || body == "ng") return "'" + std::string(body == "ng" ? "ng" : "m") + tone;
  static constexpr std::string_view kInitials[] = {"ng", "gw", "kw", "b", "p", "m", "f", "d", "t",
                                                   "n",  "l",  "g",  "k", "h", "z", "c", "s", "j",
                                                   "w"};
  std::string_view initial;
  for (std::string_view i : kInitials) {
    if (body.substr(0, i.size()) == i && body.size() > i.size() && IsVowel(body[i.size()])) {
      initial = i;
      break;
    }
  }
  std::string_view final_part = body.substr(initial.size());
  if (final_part.empty() || !IsVowel(final_part[0])) return std::nullopt;
  std::string_view coda;
  if (final_part.size() > 2 && final_part.substr(final_part.size() - 2) == "ng") {
    coda = "";  // -ng stays with the vowel: z'ung6
  } else if (char last = final_part.back();
             final_part.size() > 1 && (last == 'n' || last == 'm' || last == 'p' || last == 't' ||
                                       last == 'k')) {
    coda = final_part.substr(final_part.size() - 1);
    final_part.remove_suffix(1);
  }
  std::string out = initial == "ng" ? "N" : std::string(initial);
  out += '\'';
  out += final_part;
  out += tone;
  out += coda;
  return out;
}

Result<CantoneseReadings> CantoneseReadings::Load(const std::string& path) {
  CantoneseReadings readings;
  Status read = ForEachReadingsLine(path, [&](size_t line_no,
                                              const std::vector<std::string>& fields) -> Status {
    auto bad = [&](const std::string& why) {
      return MakeError(ErrorKind::kDataLoss, path + ":" + std::to_string(line_no) + ": " + why);
    };
    Word w{DecodeUtf8(fields[0]), ""};
    for (size_t k = 1; k < fields.size(); ++k) {
      std::optional<std::string> phonemes = JyutpingToEspeak(fields[k]);
      if (!phonemes) return bad("not Jyutping: " + fields[k]);
      if (!w.phonemes.empty()) w.phonemes += ' ';
      w.phonemes += *phonemes;
    }
    if (fields.size() - 1 != w.key.size()) return bad("one syllable per character in " + fields[0]);
    readings.m_words.push_back(std::move(w));
    return Status::Ok();
  });
  if (!read.ok()) return read.error();
  std::stable_sort(readings.m_words.begin(), readings.m_words.end(),
                   [](const Word& a, const Word& b) { return a.key.size() > b.key.size(); });
  return readings;
}

std::string CantoneseReadings::Apply(std::string_view text) const {
  const std::u32string t = DecodeUtf8(text);
  std::string out;
  size_t i = 0;
  while (i < t.size()) {
    const Word* hit = nullptr;
    for (const Word& w : m_words) {
      if (t.compare(i, w.key.size(), w.key) == 0) {
        hit = &w;
        break;
      }
    }
    if (hit) {
      out += "[[" + hit->phonemes + "]]";
      i += hit->key.size();
      continue;
    }
    if (t[i] != U'[' && t[i] != U']') AppendUtf8(t[i], &out);
    ++i;
  }
  return out;
}

}  // namespace yimen::voice
