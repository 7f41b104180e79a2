// Reads text into syllables. Three passes: OpenCC to Traditional (kept aligned with the
// original, character for character), a left-to-right scan that segments Han runs into
// their most likely words (dynamic programming over the words' log frequencies) and
// reads digits and punctuation, then 一/不 tone sandhi.
#include "voice/pinyin_reader.h"

#include <cassert>
#include <chrono>
#include <cmath>
#include <limits>

#include "domain/utf8.h"
#include "voice/readings_file.h"
#include "voice/voice_libraries.h"

namespace yimen::voice {
namespace {

Syllable Must(std::string_view pinyin) {
  std::optional<Syllable> s = ParseSyllable(pinyin);
  assert(s && "literal syllable must be in the table");
  return s ? *s : Syllable{};
}

bool IsDigit(char32_t c) { return (c >= U'0' && c <= U'9') || (c >= U'０' && c <= U'９'); }
int DigitValue(char32_t c) { return c <= U'9' ? int(c - U'0') : int(c - U'０'); }
bool IsHanOrZero(char32_t c) { return IsHan(c) || c == U'〇'; }

bool IsShortPause(char32_t c) {
  switch (c) {
    case U'，': case U'、': case U'；': case U'：': case U',': case U';': case U':':
    case U'·': case U'—': case U'～':
      return true;
    default:
      return false;
  }
}

bool IsLongPause(char32_t c) {
  switch (c) {
    case U'。': case U'！': case U'？': case U'!': case U'?': case U'…': case U'\n':
      return true;
    default:
      return false;
  }
}

bool IsSilent(char32_t c) {
  switch (c) {
    case U' ': case U'\t': case U'\r': case U'\u3000': case U'（': case U'）': case U'(':
    case U')': case U'《': case U'》': case U'“': case U'”': case U'‘': case U'’': case U'"':
    case U'\'': case U'「': case U'」': case U'【': case U'】': case U'{': case U'}':
      return true;
    default:
      return false;
  }
}

// Characters that end a word in 一 said yi1 whatever follows (第一, 统一, 唯一, 万一...).
// Rime's dictionaries leave such words out because their reading is the default one, so
// segmentation alone cannot tell 统一 from 一 starting the next word.
bool EndsWithYi(char32_t before) {
  static constexpr std::u32string_view kBefore =
      U"第统統唯万萬专專单單均同划劃逐初十周合归歸之";
  return before != 0 && kBefore.find(before) != std::u32string_view::npos;
}

// 一 before these counts in order (一级 first grade, 一楼 ground floor, 一号) and stays yi1.
bool IsOrdinalAfterYi(char32_t next) {
  static constexpr std::u32string_view kOrdinal = U"级級楼樓号號层層等栋棟";
  return kOrdinal.find(next) != std::u32string_view::npos;
}

// Collects units, keeping the Reading invariants (no leading, trailing or double pause).
class ReadingBuilder {
 public:
  // `han`: the character read (0 for numbers), for the 一/不 pass. `spoken_tone` 0 keeps
  // the dictionary tone.
  void Add(Syllable syl, bool word_start, char32_t han, uint8_t spoken_tone = 0,
           uint32_t source = ReadingUnit::kNoSource) {
    ReadingUnit u;
    u.source = source;
    u.kind = ReadingUnit::Kind::kSyllable;
    u.syllable = syl;
    u.spoken_tone = spoken_tone ? spoken_tone : syl.tone;
    u.word_start = word_start;
    m_reading.units.push_back(u);
    m_han.push_back(han);
  }
  void Pause(PauseKind kind) {
    if (m_reading.units.empty()) return;
    ReadingUnit& last = m_reading.units.back();
    if (last.kind == ReadingUnit::Kind::kPause) {
      if (kind == PauseKind::kLong) last.pause = kind;
      return;
    }
    ReadingUnit u;
    u.kind = ReadingUnit::Kind::kPause;
    u.pause = kind;
    m_reading.units.push_back(u);
    m_han.push_back(0);
  }
  void Skip(bool han = false) {
    ++m_reading.skipped;
    if (han) ++m_reading.unknown_han;
  }

  // Applies 一/不 sandhi and drops a trailing pause.
  Reading Finish() {
    auto& units = m_reading.units;
    if (!units.empty() && units.back().kind == ReadingUnit::Kind::kPause) {
      units.pop_back();
      m_han.pop_back();
    }
    for (size_t i = 0; i < units.size(); ++i) {
      ReadingUnit& u = units[i];
      if (m_han[i] != U'一' && m_han[i] != U'不') continue;
      // Sandhi as spoken, inside words too: dictionaries mark it in some words (一定
      // yi2 ding4) and not in others (一起 yi1 qi3), so the base tone is restored first.
      u.syllable.tone = m_han[i] == U'一' ? 1 : 4;
      u.spoken_tone = u.syllable.tone;
      bool next_han = i + 1 < units.size() && units[i + 1].kind == ReadingUnit::Kind::kSyllable &&
                      m_han[i + 1] != 0;
      if (!next_han) continue;
      const char32_t next_char = m_han[i + 1];
      const uint8_t next_tone = units[i + 1].syllable.tone;
      if (m_han[i] == U'一') {
        if ((i > 0 && EndsWithYi(m_han[i - 1])) || IsOrdinalAfterYi(next_char) ||
            next_char == U'一') {
          continue;  // 统一 第一 一级 一一: yi1
        }
        u.spoken_tone = next_tone == 4 || next_tone == 5 ? 2 : 4;  // 一样 yi2, 一天 yi4
      } else if (next_tone == 4) {
        u.spoken_tone = 2;  // 不是 bu2 shi4
      }
    }
    return std::move(m_reading);
  }

 private:
  Reading m_reading;
  std::vector<char32_t> m_han;  // the character each unit reads, 0 for numbers and pauses
};

constexpr const char* kDigitNames[] = {"ling2", "yi1", "er4", "san1", "si4",
                                       "wu3",   "liu4", "qi1", "ba1",  "jiu3"};

// Numbers, read the way a clerk reads them aloud.
class NumberReader {
 public:
  explicit NumberReader(ReadingBuilder* out) : m_out(out) {}

  // Digit by digit. `yao`: 1 as yao1, as phone and ID numbers are read; years say yi1.
  void Digits(std::u32string_view digits, bool yao) {
    m_first = true;
    for (char32_t c : digits) {
      int d = DigitValue(c);
      Emit(d == 1 && yao ? "yao1" : kDigitNames[d]);
    }
  }

  // A quantity below 10^8: 1225 -> 一千二百二十五, 10 -> 十, 1005 -> 一千零五.
  void Value(uint32_t n) {
    m_first = true;
    if (n == 0) {
      Emit("ling2");
      return;
    }
    uint32_t wan = n / 10000, rest = n % 10000;
    if (wan > 0) {
      if (wan == 2) Emit("liang3");         // 两万
      else if (wan == 1) Emit("yi1", 2);    // 一万: yi2 before wan4
      else Group(wan, /*leading=*/true);
      Emit("wan4");
      if (rest > 0 && rest < 1000) Emit("ling2");
      if (rest > 0) Group(rest, /*leading=*/false);
    } else {
      Group(rest, /*leading=*/true);
    }
  }

  // After a decimal point: digit by digit.
  void Fraction(std::u32string_view digits) {
    m_first = false;
    Emit("dian3");
    for (char32_t c : digits) Emit(kDigitNames[DigitValue(c)]);
  }

 private:
  void Emit(const char* pinyin, uint8_t spoken_tone = 0) {
    m_out->Add(Must(pinyin), m_first, 0, spoken_tone);
    m_first = false;
  }

  // Four digits at most. `leading`: nothing was said before, so 10-19 start with 十.
  void Group(uint32_t v, bool leading) {
    static constexpr uint32_t kPlaces[] = {1000, 100, 10, 1};
    static constexpr const char* kUnits[] = {"qian1", "bai3", "shi2", nullptr};
    bool started = false, zero_pending = false;
    for (int p = 0; p < 4; ++p) {
      uint32_t d = v / kPlaces[p] % 10;
      if (d == 0) {
        if (started) zero_pending = true;
        continue;
      }
      if (zero_pending) Emit("ling2");
      zero_pending = false;
      bool unit = kUnits[p] != nullptr;
      if (p == 2 && d == 1 && !started && leading) {
        // 十五, not 一十五
      } else if (d == 2 && p == 0) {
        Emit("liang3");  // 两千
      } else if (d == 1 && unit) {
        Emit("yi1", p == 2 ? 0 : 4);  // 一千 一百 say yi4; 一百一十 keeps yi1
      } else {
        Emit(kDigitNames[d]);
      }
      if (unit) Emit(kUnits[p]);
      started = true;
    }
  }

  ReadingBuilder* m_out;
  bool m_first = true;
};

// Length of a digit run starting at `i`.
size_t DigitRun(const std::u32string& text, size_t i) {
  size_t j = i;
  while (j < text.size() && IsDigit(text[j])) ++j;
  return j - i;
}

// The reading of a one-character word from the polyphone rules, if one applies.
std::optional<Syllable> RuleFor(const std::vector<PolyphoneRule>& rules, const std::u32string& text,
                                size_t at, size_t begin, size_t end) {
  for (const PolyphoneRule& r : rules) {
    if (r.c != text[at]) continue;
    if (r.before && at + 1 < end && r.neighbours.find(text[at + 1]) != std::u32string::npos) {
      return r.reading;
    }
    if (!r.before && at > begin && r.neighbours.find(text[at - 1]) != std::u32string::npos) {
      return r.reading;
    }
  }
  return std::nullopt;
}

// Segments the Han run [begin, end) into the sequence of dictionary words with the
// highest product of word probabilities (the essay's counts; a word the essay lacks
// counts 1), right to left as in a shortest-path search, and reads each word.
void ReadHanRun(const PinyinDictionary& dict, const std::vector<PolyphoneRule>& rules,
                const std::u32string& lone, std::vector<PinyinMatch>* matches, const std::u32string& text,
                const std::u32string& trad, size_t begin, size_t end, ReadingBuilder* out) {
  const size_t n = end - begin;
  const double log_total = std::log(double(dict.stats().frequency_total) + 1.0);
  constexpr double kUnknownCost = 1e6;  // a character no dictionary reads
  std::vector<double> cost(n + 1, std::numeric_limits<double>::infinity());
  std::vector<uint8_t> length(n + 1, 1);
  cost[n] = 0;
  for (size_t k = n; k-- > 0;) {
    dict.Prefixes(std::u32string_view(trad.data() + begin + k, n - k), matches);
    if (matches->empty()) {
      bool original = !dict.Find(std::u32string_view(text.data() + begin + k, 1)).empty();
      cost[k] = (original ? log_total : kUnknownCost) + cost[k + 1];
      continue;
    }
    for (const PinyinMatch& m : *matches) {
      double c = log_total - std::log(double(m.frequency) + 1.0) + cost[k + m.length];
      if (c <= cost[k]) {  // ties go to the longer word (matches come shortest first)
        cost[k] = c;
        length[k] = static_cast<uint8_t>(m.length);
      }
    }
  }
  for (size_t k = 0; k < n;) {
    const size_t at = begin + k;
    const size_t len = length[k];
    std::span<const uint16_t> reading = dict.Find(std::u32string_view(trad.data() + at, len));
    if (reading.empty()) {
      // OpenCC may map a character to a form the dictionary lacks; try the original.
      reading = dict.Find(std::u32string_view(text.data() + at, 1));
    }
    if (reading.empty()) {
      out->Skip(/*han=*/true);
    } else if (len == 1) {
      std::optional<Syllable> rule = RuleFor(rules, text, at, begin, end);
      // A lone character the readings file gives a reading (只 zhi3) keeps it even where
      // OpenCC turned it into another character (最多只能 -> 最多隻能, 隻 zhi1).
      if (!rule && lone.find(text[at]) != std::u32string::npos) {
        std::span<const uint16_t> own = dict.Find(std::u32string_view(text.data() + at, 1));
        if (!own.empty()) rule = Syllable::Unpack(own[0]);
      }
      out->Add(rule ? *rule : Syllable::Unpack(reading[0]), true, text[at], 0,
               static_cast<uint32_t>(at));
    } else {
      for (size_t j = 0; j < len; ++j) {
        out->Add(Syllable::Unpack(reading[j]), j == 0, text[at + j], 0,
                 static_cast<uint32_t>(at + j));
      }
    }
    k += len;
  }
}

}  // namespace

std::string PinyinText(const Reading& reading, bool spoken) {
  std::string out;
  for (const ReadingUnit& u : reading.units) {
    if (!out.empty()) out += ' ';
    if (u.kind == ReadingUnit::Kind::kPause) {
      out += u.pause == PauseKind::kLong ? "." : ",";
    } else {
      Syllable s = u.syllable;
      if (spoken) s.tone = u.spoken_tone;
      out += FormatSyllable(s);
    }
  }
  return out;
}

PinyinReader::PinyinReader(PinyinDictionary dict, void* opencc, double opencc_load_ms)
    : m_dict(std::move(dict)), m_opencc(opencc), m_opencc_load_ms(opencc_load_ms) {}

PinyinReader::~PinyinReader() {
  if (m_opencc) OpenccLib().close(static_cast<opencc_t>(m_opencc));
}

Result<std::unique_ptr<PinyinReader>> PinyinReader::Open(const PinyinReaderOptions& options) {
  Result<PinyinDictionary> dict = PinyinDictionary::Load(options.dictionaries);
  if (!dict) return dict.error();
  auto start = std::chrono::steady_clock::now();
  const OpenccLibrary& lib = OpenccLib();
  if (!lib.error.empty()) {
    return MakeError(ErrorKind::kNotFound,
                     "cannot load OpenCC (package libopencc1.1): " + lib.error);
  }
  opencc_t cc = lib.open(options.opencc_config.c_str());
  if (cc == reinterpret_cast<opencc_t>(-1)) {
    return MakeError(ErrorKind::kNotFound, "OpenCC cannot open " + options.opencc_config + ": " +
                                               lib.error_text() + " (package libopencc-data)");
  }
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::unique_ptr<PinyinReader> reader(new PinyinReader(std::move(*dict), cc, ms));
  std::string readings = options.readings.empty() ? std::string(YIMEN_VOICE_READINGS)
                                                  : options.readings;
  if (Status ok = reader->LoadReadings(readings); !ok.ok()) return ok.error();
  return reader;
}

// Lines of mandarin_readings.txt (Simplified keys; '#' starts a comment):
//   taiwan 期 qi2 qi1          every qi2 of 期, in every word, becomes qi1
//   word 中的 zhong1 de5 [=N]  the reading of a word (added if new), N its frequency;
//                             "word 了收 =1" changes only the frequency
//   before 重 chong2 填拍试     a lone 重 before 填, 拍 or 试 reads chong2
//   after 地 de5 地…           likewise after one of the characters
Status PinyinReader::LoadReadings(const std::string& path) {
  PinyinAmendments amendments;
  Status read = ForEachReadingsLine(path, [&](size_t line_no,
                                              const std::vector<std::string>& fields) -> Status {
    auto bad = [&](const std::string& why) {
      return MakeError(ErrorKind::kDataLoss, path + ":" + std::to_string(line_no) + ": " + why);
    };
    const std::string& kind = fields[0];
    if (fields.size() < 2) return bad("no key");
    const std::string& key = fields[1];
    std::vector<std::string> rest(fields.begin() + 2, fields.end());
    std::u32string simplified = DecodeUtf8(key);
    std::u32string trad = ToTraditional(key, simplified);
    if (kind == "taiwan" || kind == "before" || kind == "after") {
      std::optional<Syllable> a = rest.empty() ? std::nullopt : ParseSyllable(rest[0]);
      std::optional<Syllable> b = rest.size() < 2 ? std::nullopt : ParseSyllable(rest[1]);
      if (simplified.size() != 1 || !a || rest.size() != 2) return bad("bad " + kind);
      if (kind == "taiwan") {
        if (!b) return bad("bad syllable " + rest[1]);
        amendments.replaces.push_back({trad[0], *a, *b});
        if (trad[0] != simplified[0]) amendments.replaces.push_back({simplified[0], *a, *b});
      } else {
        m_rules.push_back(PolyphoneRule{simplified[0], *a, kind == "before", DecodeUtf8(rest[1])});
      }
      return Status::Ok();
    }
    if (kind != "word") return bad("unknown kind " + kind);
    PinyinAmendments::Word w{trad, {}, 0};
    for (const std::string& f : rest) {
      if (f[0] == '=') {
        w.frequency = static_cast<uint32_t>(std::strtoul(f.c_str() + 1, nullptr, 10));
      } else if (std::optional<Syllable> syl = ParseSyllable(f)) {
        w.reading.push_back(*syl);
      } else {
        return bad("bad syllable " + f);
      }
    }
    if (!w.reading.empty() && w.reading.size() != trad.size()) return bad("reading length of " + key);
    if (w.reading.empty() && w.frequency == 0) return bad("no reading for " + key);
    if (simplified.size() == 1 && !w.reading.empty()) m_lone += simplified;
    // OpenCC maps a lone 只 to 隻 and 发 to 發, while running text keeps 只能 and 頭髮:
    // the amendment holds for both spellings.
    if (trad != simplified) {
      PinyinAmendments::Word same = w;
      same.key = simplified;
      amendments.words.push_back(std::move(same));
    }
    amendments.words.push_back(std::move(w));
    return Status::Ok();
  });
  if (!read.ok()) return read;
  m_dict.Amend(amendments);
  return Status::Ok();
}

std::u32string PinyinReader::ToTraditional(std::string_view utf8,
                                           const std::u32string& simplified) {
  auto cc = static_cast<opencc_t>(m_opencc);
  std::u32string out;
  if (char* converted = OpenccLib().convert_utf8(cc, utf8.data(), utf8.size())) {
    out = DecodeUtf8(converted);
    OpenccLib().convert_utf8_free(converted);
  }
  if (out.size() == simplified.size()) return out;
  // OpenCC changed the length somewhere (a phrase table entry of another length): fall
  // back to converting Han characters one at a time, which keeps positions aligned.
  out = simplified;
  for (char32_t& c : out) {
    if (!IsHan(c)) continue;
    std::string one;
    AppendUtf8(c, &one);
    if (char* converted = OpenccLib().convert_utf8(cc, one.data(), one.size())) {
      std::u32string t = DecodeUtf8(converted);
      OpenccLib().convert_utf8_free(converted);
      if (t.size() == 1) c = t[0];
    }
  }
  return out;
}

Reading PinyinReader::Read(std::string_view utf8) {
  const std::u32string text = DecodeUtf8(utf8);
  const std::u32string trad = ToTraditional(utf8, text);
  ReadingBuilder out;
  NumberReader numbers(&out);
  size_t i = 0;
  while (i < text.size()) {
    char32_t c = text[i];
    if (IsHanOrZero(c)) {
      size_t end = i;
      while (end < text.size() && IsHanOrZero(text[end])) ++end;
      ReadHanRun(m_dict, m_rules, m_lone, &m_matches, text, trad, i, end, &out);
      i = end;
      continue;
    }
    if (IsDigit(c)) {
      size_t n = DigitRun(text, i);
      // 2024-01-05: a date.
      if (n == 4 && i + 5 < text.size() && text[i + 4] == U'-' && IsDigit(text[i + 5])) {
        size_t m = DigitRun(text, i + 5);
        size_t day_at = i + 5 + m + 1;
        if (m <= 2 && day_at < text.size() && text[day_at - 1] == U'-' && IsDigit(text[day_at]) &&
            DigitRun(text, day_at) <= 2) {
          auto value = [&](size_t at, size_t len) {
            uint32_t v = 0;
            for (size_t k = 0; k < len; ++k) v = v * 10 + DigitValue(text[at + k]);
            return v;
          };
          size_t d = DigitRun(text, day_at);
          numbers.Digits(std::u32string_view(text.data() + i, 4), /*yao=*/false);
          out.Add(Must("nian2"), false, 0);
          numbers.Value(value(i + 5, m));
          out.Add(Must("yue4"), false, 0);
          numbers.Value(value(day_at, d));
          out.Add(Must("ri4"), false, 0);
          i = day_at + d;
          continue;
        }
      }
      std::u32string_view digits(text.data() + i, n);
      bool percent = i + n < text.size() && (text[i + n] == U'%' || text[i + n] == U'％');
      if (percent) {
        out.Add(Must("bai3"), true, 0);
        out.Add(Must("fen1"), false, 0);
        out.Add(Must("zhi1"), false, 0);
      }
      if (n == 4 && i + n < text.size() && text[i + n] == U'年') {
        numbers.Digits(digits, /*yao=*/false);  // 2024年
      } else if (n > 8 || (n > 1 && DigitValue(digits[0]) == 0)) {
        numbers.Digits(digits, /*yao=*/true);   // phone, ID, account numbers
      } else {
        uint32_t v = 0;
        for (char32_t d : digits) v = v * 10 + DigitValue(d);
        numbers.Value(v);
      }
      i += n;
      if (i + 1 < text.size() && text[i] == U'.' && IsDigit(text[i + 1])) {
        size_t f = DigitRun(text, i + 1);
        numbers.Fraction(std::u32string_view(text.data() + i + 1, f));
        i += 1 + f;
      }
      if (percent) ++i;
      continue;
    }
    if (IsLongPause(c)) {
      out.Pause(PauseKind::kLong);
    } else if (IsShortPause(c)) {
      out.Pause(PauseKind::kShort);
    } else if (!IsSilent(c)) {
      out.Skip();
    }
    ++i;
  }
  return out.Finish();
}

}  // namespace yimen::voice
