// UTF-8 per Unicode 15 Table 3-7 (well-formed byte sequences). Hand-written because the
// domain library depends on std only and std::codecvt is deprecated.
#include "domain/utf8.h"

#include <cassert>

namespace yimen {
namespace {

struct Decoded {
  char32_t cp = kReplacementChar;
  size_t length = 1;  // bytes consumed, always >= 1
  bool valid = false;
};

// Decodes the sequence starting at text[pos] (pos < size). An ill-formed sequence
// consumes exactly its maximal subpart: the lead byte plus every continuation byte that
// was still acceptable, so decoding resumes at the first byte that broke it.
Decoded DecodeAt(std::string_view text, size_t pos) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(pos);
  if (lead < 0x80) return {lead, 1, true};

  size_t need = 0;      // continuation bytes after the lead
  char32_t cp = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the first continuation byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    need = 1;
    cp = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    need = 2;
    cp = lead & 0x0F;
    if (lead == 0xE0) lo = 0xA0;  // no overlong forms
    if (lead == 0xED) hi = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    need = 3;
    cp = lead & 0x07;
    if (lead == 0xF0) lo = 0x90;  // no overlong forms
    if (lead == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    return {};  // 80..C1 and F5..FF never start a sequence
  }

  size_t length = 1;
  for (size_t i = 0; i < need; ++i) {
    const size_t at = pos + length;
    if (at >= text.size()) return {kReplacementChar, length, false};
    const unsigned char b = byte(at);
    const unsigned char min = (i == 0) ? lo : 0x80;
    const unsigned char max = (i == 0) ? hi : 0xBF;
    if (b < min || b > max) return {kReplacementChar, length, false};
    cp = (cp << 6) | (b & 0x3F);
    ++length;
  }
  return {cp, length, true};
}

}  // namespace

std::u32string DecodeUtf8(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    const Decoded d = DecodeAt(text, pos);
    out.push_back(d.cp);
    pos += d.length;
  }
  return out;
}

bool IsValidUtf8(std::string_view text) {
  for (size_t pos = 0; pos < text.size();) {
    const Decoded d = DecodeAt(text, pos);
    if (!d.valid) return false;
    pos += d.length;
  }
  return true;
}

void AppendUtf8(char32_t cp, std::string* out) {
  assert(out != nullptr && "AppendUtf8 needs an output string");
  if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) cp = kReplacementChar;
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string EncodeUtf8(std::u32string_view text) {
  std::string out;
  out.reserve(text.size() * 3);
  for (const char32_t cp : text) AppendUtf8(cp, &out);
  return out;
}

size_t CountCodepoints(std::string_view text) {
  size_t count = 0;
  for (size_t pos = 0; pos < text.size(); ++count) pos += DecodeAt(text, pos).length;
  return count;
}

bool IsHan(char32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) ||    // CJK Unified Ideographs
         (cp >= 0x3400 && cp <= 0x4DBF) ||    // Extension A
         (cp >= 0x20000 && cp <= 0x2A6DF) ||  // Extension B
         (cp >= 0x2A700 && cp <= 0x2EE5F) ||  // Extensions C, D, E, F, I (contiguous)
         (cp >= 0x30000 && cp <= 0x323AF) ||  // Extensions G, H
         (cp >= 0xF900 && cp <= 0xFAFF) ||    // Compatibility Ideographs
         (cp >= 0x2F800 && cp <= 0x2FA1F);    // Compatibility Ideographs Supplement
}

void CollectCodepoints(std::string_view text, std::set<char32_t>* out) {
  assert(out != nullptr && "CollectCodepoints needs an output set");
  for (size_t pos = 0; pos < text.size();) {
    const Decoded d = DecodeAt(text, pos);
    out->insert(d.cp);
    pos += d.length;
  }
}

}  // namespace yimen
