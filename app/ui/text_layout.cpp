// Greedy line filling over "break units": a Han character, or a run of Latin letters or
// digits, with forbidden-start punctuation glued to the unit before it and
// forbidden-end punctuation glued to the unit after it.
#include "ui/text_layout.h"

#include "domain/utf8.h"
#include "platform/glyph_atlas.h"

namespace yimen::ui {
namespace {

bool IsWordChar(char32_t cp) {
  return (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
         cp == '-' || cp == '_' || cp == '.' || cp == '/' || cp == '@' || cp == '%' ||
         cp == ',' || cp == '\'' || (cp >= 0xC0 && cp < 0x250);
}

struct Unit {
  size_t begin;
  size_t end;
  bool space;
};

}  // namespace

bool IsNoLineStart(char32_t cp) {
  switch (cp) {
    case U'，': case U'。': case U'、': case U'：': case U'；': case U'！': case U'？':
    case U'）': case U'》': case U'」': case U'』': case U'】': case U'〕': case U'〉':
    case U'…': case U'”': case U'’': case U'·': case U'ー': case U'〜':
    case ',': case '.': case ':': case ';': case '!': case '?': case ')': case ']':
      return true;
    default:
      return false;
  }
}

bool IsNoLineEnd(char32_t cp) {
  switch (cp) {
    case U'（': case U'《': case U'「': case U'『': case U'【': case U'〔': case U'〈':
    case U'“': case U'‘': case '(': case '[':
      return true;
    default:
      return false;
  }
}

std::vector<std::string> BreakLines(std::string_view text, float max_width,
                                    const std::function<float(std::string_view)>& measure) {
  std::vector<std::string> lines;
  std::u32string all = DecodeUtf8(text);
  size_t para_begin = 0;
  while (para_begin <= all.size()) {
    size_t para_end = all.find(U'\n', para_begin);
    if (para_end == std::u32string::npos) para_end = all.size();
    std::u32string_view para(all.data() + para_begin, para_end - para_begin);

    // 1. Cut the paragraph into units.
    std::vector<Unit> units;
    bool glue_next = false;  // the previous character forbids a break after it
    for (size_t pos = 0; pos < para.size();) {
      size_t start = pos;
      char32_t cp = para[pos++];
      bool space = cp == ' ' || cp == U'\u3000' || cp == '\t';
      if (IsWordChar(cp)) {
        while (pos < para.size() && IsWordChar(para[pos])) ++pos;
      }
      bool attach = !units.empty() && !units.back().space && !space &&
                    (glue_next || IsNoLineStart(cp));
      if (attach) {
        units.back().end = pos;
      } else {
        units.push_back({start, pos, space});
      }
      glue_next = !space && IsNoLineEnd(cp);
    }

    // 2. Fill lines greedily; spaces at a break are dropped; a unit wider than a whole
    // line (a long number) is cut between characters.
    std::string line;
    float width = 0;
    auto flush = [&]() {
      while (!line.empty() && line.back() == ' ') line.pop_back();
      lines.push_back(line);
      line.clear();
      width = 0;
    };
    for (const Unit& unit : units) {
      std::u32string_view piece = para.substr(unit.begin, unit.end - unit.begin);
      std::string utf8 = EncodeUtf8(piece);
      float w = measure(utf8);
      if (unit.space && line.empty()) continue;
      if (width + w <= max_width) {
        line += utf8;
        width += w;
        continue;
      }
      if (!line.empty()) flush();
      if (unit.space) continue;
      if (w <= max_width) {
        line = utf8;
        width = w;
        continue;
      }
      for (char32_t cp : piece) {
        std::string ch;
        AppendUtf8(cp, &ch);
        float cw = measure(ch);
        if (width + cw > max_width && !line.empty()) flush();
        line += ch;
        width += cw;
      }
    }
    if (!line.empty() || units.empty()) flush();
    if (para_end == all.size()) break;
    para_begin = para_end + 1;
  }
  return lines;
}

std::string DisplayText(std::string_view text) { return platform::DisplayText(text); }

}  // namespace yimen::ui
