// Name masking (name_mask.h). The compound-surname list is the common ones; a rarer
// compound surname simply masks like a single-character one, which hides more, not less.
#include "domain/name_mask.h"

#include <array>

#include "domain/utf8.h"

namespace yimen {
namespace {

constexpr std::array<std::u32string_view, 40> kCompoundSurnames = {
    U"欧阳", U"司马", U"诸葛", U"上官", U"东方", U"皇甫", U"尉迟", U"公孙", U"慕容", U"长孙",
    U"宇文", U"司徒", U"夏侯", U"轩辕", U"令狐", U"端木", U"独孤", U"南宫", U"西门", U"百里",
    U"呼延", U"澹台", U"万俟", U"申屠", U"钟离", U"闻人", U"赫连", U"濮阳", U"太史", U"淳于",
    U"单于", U"仲孙", U"太叔", U"公冶", U"宗政", U"公羊", U"东郭", U"第五", U"司空", U"拓跋",
};

size_t SurnameLengthOf(const std::u32string& cps) {
  if (cps.empty()) return 0;
  if (cps.size() >= 3) {  // a two-character name with a compound surname has no given name
    for (std::u32string_view compound : kCompoundSurnames) {
      if (std::u32string_view(cps).substr(0, 2) == compound) return 2;
    }
  }
  return 1;
}

}  // namespace

size_t SurnameLength(std::string_view name) { return SurnameLengthOf(DecodeUtf8(name)); }

std::string MaskName(std::string_view name) {
  std::u32string cps = DecodeUtf8(name);
  size_t surname = SurnameLengthOf(cps);
  if (cps.size() <= surname) return EncodeUtf8(cps);
  std::u32string out = cps.substr(0, surname);
  size_t given = cps.size() - surname;
  if (given == 1) {
    out.push_back(U'*');
  } else {
    out.append(given - 1, U'*');
    out.push_back(cps.back());
  }
  return EncodeUtf8(out);
}

std::string SurnameOnly(std::string_view name) {
  std::u32string cps = DecodeUtf8(name);
  if (cps.empty()) return "";
  std::u32string out = cps.substr(0, SurnameLengthOf(cps));
  out.push_back(U'*');
  return EncodeUtf8(out);
}

}  // namespace yimen
