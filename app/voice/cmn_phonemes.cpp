// The syllable table and its espeak-ng cmn phonemes. The phoneme names are those of
// espeak-ng 1.51's "cmn" phoneme table (and the base tables it includes), read from the
// installed phontab; choices for each final follow how espeak-ng's own pinyin rules
// say them (docs/internals/voice.md "The phoneme table").
#include "voice/cmn_phonemes.h"

#include <algorithm>
#include <array>
#include <cassert>

namespace yimen::voice {
namespace {

// Every toneless base in Rime's terra_pinyin and luna_pinyin dictionaries, sorted.
constexpr std::string_view kBases =
    "a ai an ang ao ba bai ban bang bao bei ben beng bi bian biang biao bie bin bing bo bu ca "
    "cai can cang cao ce cei cen ceng cha chai chan chang chao che chen cheng chi chong chou "
    "chu chua chuai chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan "
    "dang dao de dei den deng di dia dian diao die din ding diu dong dou du duan dui dun duo "
    "e eh ei en eng er fa fan fang fei fen feng fiao fo fong fou fu ga gai gan gang gao ge gei "
    "gen geng gong gou gu gua guai guan guang gui gun guo ha hai han hang hao he hei hen heng "
    "hong hou hu hua huai huan huang hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu "
    "ju juan jue jun ka kai kan kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui "
    "kun kuo la lai lan lang lao le lei leng li lia lian liang liao lie lin ling liu lo long "
    "lou lu luan lun luo lv lvan lve ma mai man mang mao me mei men meng mi mian miao mie min "
    "ming miu mo mou mu na nai nan nang nao ne nei nen neng ni nia nian niang niao nie nin ning "
    "niu nong nou nu nuan nun nuo nv nve o ou pa pai pan pang pao pei pen peng pi pia pian "
    "piao pie pin ping po pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun "
    "r ran rang rao re ren reng ri rong rou ru rua ruan rui run ruo sa sai san sang sao se sei "
    "sen seng sha shai shan shang shao she shei shen sheng shi shou shu shua shuai shuan "
    "shuang shui shun shuo si song sou su suan sui sun suo ta tai tan tang tao te tei teng ti "
    "tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wong wu "
    "xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yai yan yang yao ye yi "
    "yin ying yo yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan "
    "zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo "
    "zi zong zou zu zuan zui zun zuo";

const std::vector<std::string_view>& Bases() {
  static const std::vector<std::string_view> bases = [] {
    std::vector<std::string_view> out;
    size_t start = 0;
    while (start < kBases.size()) {
      size_t end = kBases.find(' ', start);
      if (end == std::string_view::npos) end = kBases.size();
      out.push_back(kBases.substr(start, end - start));
      start = end + 1;
    }
    assert(std::is_sorted(out.begin(), out.end()) && "kBases must stay sorted");
    return out;
  }();
  return bases;
}

struct Initial {
  std::string_view pinyin;
  std::string_view phonemes;
};

// Longest first so "zh" wins over "z".
constexpr std::array<Initial, 21> kInitials = {{
    {"zh", "ts."}, {"ch", "ts.h"}, {"sh", "s."},
    {"b", "p"},    {"p", "ph"},    {"m", "m"},    {"f", "f"},   {"d", "t"},  {"t", "th"},
    {"n", "n"},    {"l", "l"},     {"g", "k"},    {"k", "kh"},  {"h", "X"},  {"j", "tS;"},
    {"q", "tS;h"}, {"x", "S;"},    {"r", "z."},   {"z", "ts"},  {"c", "tsh"}, {"s", "s"},
}};

struct Final {
  std::string_view pinyin;  // standard form: "iou" is written "iu", "uei" "ui", ü "v"
  std::string_view vowel;   // one espeak vowel phoneme (diphthongs are single phonemes)
  std::string_view coda;    // "", "n" or "N"
};

constexpr std::array<Final, 38> kFinals = {{
    {"a", "A", ""},      {"ai", "ai", ""},    {"an", "a", "n"},   {"ang", "A", "N"},
    {"ao", "Au", ""},    {"e", "o-", ""},     {"eh", "E", ""},    {"ei", "ei", ""},
    {"en", "@", "n"},    {"eng", "@", "N"},   {"er", "@r", ""},   {"i", "i", ""},
    {"ia", "iA", ""},    {"iai", "ai", ""},   {"ian", "iE", "n"}, {"iang", "iA", "N"},
    {"iao", "iAu", ""},  {"ie", "iE", ""},    {"in", "i", "n"},   {"ing", "i", "N"},
    {"io", "io", ""},    {"iong", "y", "N"},  {"iu", "iou", ""},  {"o", "o", ""},
    {"ong", "ong", ""},  {"ou", "ou", ""},    {"u", "u", ""},     {"ua", "uA", ""},
    {"uai", "uai", ""},  {"uan", "ua", "n"},  {"uang", "uA", "N"}, {"ueng", "u@", "N"},
    {"ui", "uei", ""},   {"un", "u@", "n"},   {"uo", "uo", ""},   {"v", "y", ""},
    {"van", "y&", "n"},  {"ve", "yE", ""},
}};
// Finals reached only through y/w spelling or j/q/x: ün.
constexpr Final kFinalVn = {"vn", "y", "n"};

const Final* FindFinal(std::string_view pinyin) {
  if (pinyin == kFinalVn.pinyin) return &kFinalVn;
  for (const Final& f : kFinals) {
    if (f.pinyin == pinyin) return &f;
  }
  return nullptr;
}

// Splits a base into its initial's phonemes and its standard final, undoing pinyin's
// spelling rules: y/w stand for a zero initial, j/q/x/y write ü as "u", "iu"/"ui"/"un"
// are contractions that the final table already uses.
struct SplitSyllable {
  std::string_view initial_pinyin;
  std::string_view initial_phonemes;
  std::string final_pinyin;
};

SplitSyllable Split(std::string_view base) {
  SplitSyllable out;
  if (base == "r") {  // 儿 as the erhua suffix
    out.final_pinyin = "er";
    return out;
  }
  if (base[0] == 'y') {
    std::string_view rest = base.substr(1);
    if (rest.starts_with('u')) {
      out.final_pinyin = "v" + std::string(rest.substr(1));  // yu, yue, yuan, yun
    } else if (rest.starts_with('i')) {
      out.final_pinyin = std::string(rest);  // yi, yin, ying
    } else if (rest == "ou") {
      out.final_pinyin = "iu";
    } else if (rest == "ong") {
      out.final_pinyin = "iong";
    } else {
      out.final_pinyin = "i" + std::string(rest);  // ya, ye, yao, yan, yang, yo, yai
    }
    return out;
  }
  if (base[0] == 'w') {
    std::string_view rest = base.substr(1);
    if (rest == "u") out.final_pinyin = "u";
    else if (rest == "ei") out.final_pinyin = "ui";
    else if (rest == "en") out.final_pinyin = "un";
    else if (rest == "ong") out.final_pinyin = "ong";
    else out.final_pinyin = "u" + std::string(rest);  // wa, wo, wai, wan, wang, weng
    return out;
  }
  for (const Initial& initial : kInitials) {
    if (base.starts_with(initial.pinyin) && base.size() > initial.pinyin.size()) {
      out.initial_pinyin = initial.pinyin;
      out.initial_phonemes = initial.phonemes;
      std::string_view rest = base.substr(initial.pinyin.size());
      bool palatal = initial.pinyin == "j" || initial.pinyin == "q" || initial.pinyin == "x";
      if (palatal && rest.starts_with('u')) {
        out.final_pinyin = "v" + std::string(rest.substr(1));  // ju, jue, juan, jun
      } else {
        out.final_pinyin = std::string(rest);
      }
      return out;
    }
  }
  out.final_pinyin = std::string(base);  // a, e, o, ai, er...
  return out;
}

constexpr std::array<std::string_view, 6> kToneContours = {"", "55", "35", "214", "51", "11"};

}  // namespace

size_t SyllableBaseCount() { return Bases().size(); }

std::string_view SyllableBase(uint16_t index) {
  assert(index < Bases().size());
  return Bases()[index];
}

std::optional<uint16_t> FindSyllableBase(std::string_view base) {
  std::string normalized;
  if (base.find("\xC3\xBC") != std::string_view::npos) {  // ü
    normalized = std::string(base);
    size_t at;
    while ((at = normalized.find("\xC3\xBC")) != std::string::npos) normalized.replace(at, 2, "v");
    base = normalized;
  }
  const auto& bases = Bases();
  auto it = std::lower_bound(bases.begin(), bases.end(), base);
  if (it == bases.end() || *it != base) return std::nullopt;
  return static_cast<uint16_t>(it - bases.begin());
}

std::optional<Syllable> ParseSyllable(std::string_view pinyin) {
  if (pinyin.size() < 2) return std::nullopt;
  char digit = pinyin.back();
  if (digit < '1' || digit > '5') return std::nullopt;
  std::optional<uint16_t> base = FindSyllableBase(pinyin.substr(0, pinyin.size() - 1));
  if (!base) return std::nullopt;
  return Syllable{*base, static_cast<uint8_t>(digit - '0')};
}

std::string FormatSyllable(Syllable syllable) {
  std::string out(SyllableBase(syllable.base));
  out += static_cast<char>('0' + syllable.tone);
  return out;
}

std::string CmnPhonemesFor(Syllable syllable) {
  assert(syllable.tone >= 1 && syllable.tone <= 5);
  SplitSyllable split = Split(SyllableBase(syllable.base));
  const Final* fin = FindFinal(split.final_pinyin);
  assert(fin && "every base in kBases has a final in kFinals");
  std::string_view vowel = fin->vowel;
  if (split.final_pinyin == "i") {
    // The apical vowels: zi ci si, zhi chi shi ri.
    if (split.initial_pinyin == "z" || split.initial_pinyin == "c" || split.initial_pinyin == "s") {
      vowel = "i[";
    } else if (split.initial_pinyin == "zh" || split.initial_pinyin == "ch" ||
               split.initial_pinyin == "sh" || split.initial_pinyin == "r") {
      vowel = "i.";
    }
  } else if (split.final_pinyin == "e" && syllable.tone == 5) {
    vowel = "@";  // 的 了 么: the neutral-tone schwa
  }
  std::string out(split.initial_phonemes);
  if (syllable.tone != 5) out += '\'';
  out += vowel;
  out += kToneContours[syllable.tone];
  out += fin->coda;
  return out;
}

const std::vector<std::string>& CmnPhonemeInventory() {
  static const std::vector<std::string> inventory = [] {
    std::vector<std::string> out;
    for (const Initial& i : kInitials) out.emplace_back(i.phonemes);
    for (const Final& f : kFinals) {
      out.emplace_back(f.vowel);
      if (!f.coda.empty()) out.emplace_back(f.coda);
    }
    for (const char* extra : {"i[", "i.", "@", "55", "35", "214", "51", "11", "21", "53", "22",
                              "33", "44", "_", "_:", "_::", "_|"}) {
      out.emplace_back(extra);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }();
  return inventory;
}

}  // namespace yimen::voice
