#include "idcard/card_text.h"

#include <algorithm>
#include <array>

#include "common/wipe.h"
#include "domain/utf8.h"

namespace yimen::idcard {
namespace {

// The fields' widths in bytes, in card order (two bytes per character).
struct FieldSlot {
  std::string CardText::*member;
  size_t width;
};
constexpr std::array<FieldSlot, 9> kFields{{
    {&CardText::name, 30},
    {&CardText::sex_code, 2},
    {&CardText::nation_code, 4},
    {&CardText::birth, 16},
    {&CardText::address, 70},
    {&CardText::id_number, 36},
    {&CardText::authority, 30},
    {&CardText::valid_from, 16},
    {&CardText::valid_until, 16},
}};
// The rest (36 bytes) is reserved.
constexpr size_t kUsedBytes = 220;
static_assert(kUsedBytes + 36 == kTextBytes);

// GB 3304-91, codes 01..56 in order, as the card prints them.
constexpr std::array<std::string_view, 56> kNations{
    "汉",     "蒙古",   "回",       "藏",     "维吾尔",   "苗",   "彝",     "壮",
    "布依",   "朝鲜",   "满",       "侗",     "瑶",       "白",   "土家",   "哈尼",
    "哈萨克", "傣",     "黎",       "傈僳",   "佤",       "畲",   "高山",   "拉祜",
    "水",     "东乡",   "纳西",     "景颇",   "柯尔克孜", "土",   "达斡尔", "仫佬",
    "羌",     "布朗",   "撒拉",     "毛南",   "仡佬",     "锡伯", "阿昌",   "普米",
    "塔吉克", "怒",     "乌孜别克", "俄罗斯", "鄂温克",   "德昂", "保安",   "裕固",
    "京",     "塔塔尔", "独龙",     "鄂伦春", "赫哲",     "门巴", "珞巴",   "基诺",
};

bool IsPadding(char32_t cp) { return cp == U' ' || cp == U'\u3000'; }

}  // namespace

void Wipe(CardText* text) {
  for (const FieldSlot& f : kFields) yimen::Wipe(&(text->*f.member));
}

void Wipe(CardRead* read) {
  Wipe(&read->text);
  yimen::Wipe(&read->wlt_photo);
}

std::string_view SexName(std::string_view code) {
  if (code == "1") return "男";
  if (code == "2") return "女";
  return "";
}

std::string_view NationName(std::string_view code) {
  if (code == "97") return "其他";
  if (code == "98") return "外国血统中国籍人士";
  if (code.size() != 2 || code[0] < '0' || code[0] > '9' || code[1] < '0' || code[1] > '9') {
    return "";
  }
  const int n = (code[0] - '0') * 10 + (code[1] - '0');
  if (n < 1 || n > static_cast<int>(kNations.size())) return "";
  return kNations[static_cast<size_t>(n - 1)];
}

std::string Ucs2LeToUtf8(std::span<const uint8_t> bytes) {
  std::u32string text;
  for (size_t i = 0; i + 1 < bytes.size(); i += 2) {
    const char32_t unit = static_cast<char32_t>(bytes[i] | (bytes[i + 1] << 8));
    if (unit == 0) break;
    text.push_back(unit >= 0xD800 && unit <= 0xDFFF ? kReplacementChar : unit);
  }
  while (!text.empty() && IsPadding(text.back())) text.pop_back();
  return EncodeUtf8(text);
}

std::vector<uint8_t> Utf8ToUcs2Le(std::string_view text, size_t width) {
  std::vector<uint8_t> out;
  out.reserve(width);
  for (char32_t cp : DecodeUtf8(text)) {
    if (out.size() + 2 > width) break;
    if (cp > 0xFFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = kReplacementChar;
    out.push_back(static_cast<uint8_t>(cp & 0xFF));
    out.push_back(static_cast<uint8_t>(cp >> 8));
  }
  while (out.size() + 2 <= width) {
    out.push_back(' ');
    out.push_back(0);
  }
  out.resize(width, 0);
  return out;
}

Result<CardText> DecodeCardText(std::span<const uint8_t> text) {
  if (text.size() != kTextBytes) {
    return MakeError(ErrorKind::kInvalidArgument,
                     "card text is " + std::to_string(text.size()) + " bytes, not 256");
  }
  CardText out;
  size_t at = 0;
  for (const FieldSlot& f : kFields) {
    out.*f.member = Ucs2LeToUtf8(text.subspan(at, f.width));
    at += f.width;
  }
  return out;
}

std::vector<uint8_t> EncodeCardText(const CardText& text) {
  std::vector<uint8_t> out;
  out.reserve(kTextBytes);
  for (const FieldSlot& f : kFields) {
    const std::vector<uint8_t> field = Utf8ToUcs2Le(text.*f.member, f.width);
    out.insert(out.end(), field.begin(), field.end());
  }
  const std::vector<uint8_t> reserved = Utf8ToUcs2Le("", kTextBytes - kUsedBytes);
  out.insert(out.end(), reserved.begin(), reserved.end());
  return out;
}

Result<CardRead> ParseBaseMessage(std::span<const uint8_t> data) {
  if (data.size() < 4) {
    return MakeError(ErrorKind::kInvalidArgument, "base message shorter than its lengths");
  }
  const size_t text_len = (static_cast<size_t>(data[0]) << 8) | data[1];
  const size_t photo_len = (static_cast<size_t>(data[2]) << 8) | data[3];
  if (text_len != kTextBytes) {
    return MakeError(ErrorKind::kInvalidArgument,
                     "base message text is " + std::to_string(text_len) + " bytes, not 256");
  }
  // Some readers append a fingerprint block; what follows the photo is not ours to read.
  if (data.size() < 4 + text_len + photo_len) {
    return MakeError(ErrorKind::kInvalidArgument, "base message shorter than its lengths say");
  }
  Result<CardText> text = DecodeCardText(data.subspan(4, text_len));
  if (!text.ok()) return text.error();
  CardRead read;
  read.text = std::move(text.value());
  const auto photo = data.subspan(4 + text_len, photo_len);
  read.wlt_photo.assign(photo.begin(), photo.end());
  return read;
}

std::vector<uint8_t> EncodeBaseMessage(const CardText& text, std::span<const uint8_t> photo) {
  const std::vector<uint8_t> encoded = EncodeCardText(text);
  // Sized first and written by index: GCC 12 at -O3 misreads an insert after an
  // initializer list as an out-of-bounds copy (-Warray-bounds).
  std::vector<uint8_t> out(4 + encoded.size() + photo.size());
  out[0] = static_cast<uint8_t>(encoded.size() >> 8);
  out[1] = static_cast<uint8_t>(encoded.size() & 0xFF);
  out[2] = static_cast<uint8_t>(photo.size() >> 8);
  out[3] = static_cast<uint8_t>(photo.size() & 0xFF);
  std::copy(encoded.begin(), encoded.end(), out.begin() + 4);
  std::copy(photo.begin(), photo.end(),
            out.begin() + 4 + static_cast<std::ptrdiff_t>(encoded.size()));
  return out;
}

}  // namespace yimen::idcard
