// Masking of ID numbers, phones and digit strings (pii_mask.h). Works on code points so
// that odd input (full-width digits, a stray Han character) never yields broken UTF-8.
#include "domain/pii_mask.h"

#include <algorithm>

#include "domain/name_mask.h"
#include "domain/utf8.h"

namespace yimen {
namespace {

// Keeps `head` code points at the front and `tail` at the end; the rest become '*'.
std::string KeepEnds(const std::u32string& cps, size_t head, size_t tail) {
  if (head + tail >= cps.size()) return EncodeUtf8(cps);
  std::u32string out = cps.substr(0, head);
  out.append(cps.size() - head - tail, U'*');
  out.append(cps.substr(cps.size() - tail));
  return EncodeUtf8(out);
}

bool IsAsciiDigit(char32_t c) { return c >= U'0' && c <= U'9'; }

bool AllAsciiDigits(const std::u32string& cps) {
  return !cps.empty() && std::all_of(cps.begin(), cps.end(), IsAsciiDigit);
}

// Last characters kept of a value of n code points: up to `most`, never more than half.
size_t TailFor(size_t n, size_t most) { return std::min(most, n / 2); }

}  // namespace

std::string MaskIdNumber(std::string_view id) {
  const std::u32string cps = DecodeUtf8(id);
  const size_t n = cps.size();
  // Keep 4 + 4 where that still hides six or more (15- and 18-character IDs); shorter
  // values keep less on each side, and six or fewer characters are hidden entirely.
  const size_t keep = n <= 6 ? 0 : std::min<size_t>(4, (n - 6) / 2);
  return KeepEnds(cps, keep, keep);
}

std::string MaskPhone(std::string_view phone) {
  const std::u32string cps = DecodeUtf8(phone);
  const size_t n = cps.size();
  if (n == 11 && AllAsciiDigits(cps) && cps[0] == U'1') return KeepEnds(cps, 3, 4);
  if (n > 0 && cps[0] == U'0') {
    // Area code: as typed up to the dash, else 010/02x (3 digits) or 0xxx (4 digits).
    size_t area = cps.find(U'-');
    if (area != std::u32string::npos) {
      area += 1;  // keep the dash
    } else {
      area = (n > 1 && (cps[1] == U'1' || cps[1] == U'2')) ? 3 : 4;
    }
    if (area < n) {
      const size_t local = n - area;
      const size_t tail = TailFor(local, 4);
      return KeepEnds(cps, area, tail);
    }
  }
  return KeepEnds(cps, 0, TailFor(n, 4));
}

std::string MaskDigits(std::string_view digits) {
  const std::u32string cps = DecodeUtf8(digits);
  return KeepEnds(cps, 0, TailFor(cps.size(), 4));
}

bool IsMaskedFieldType(FieldType type) {
  return type == FieldType::kChineseName || type == FieldType::kIdNumber ||
         type == FieldType::kPhone || type == FieldType::kDigits;
}

std::string MaskFieldValue(FieldType type, std::string_view value) {
  if (value.empty()) return "";
  switch (type) {
    case FieldType::kChineseName: return SurnameOnly(value);
    case FieldType::kIdNumber: return MaskIdNumber(value);
    case FieldType::kPhone: return MaskPhone(value);
    case FieldType::kDigits: return MaskDigits(value);
    default: return std::string(value);
  }
}

}  // namespace yimen
