// What a second-generation ID card (二代证) says, decoded from the SAM's base message:
// 256 bytes of UCS-2LE text in fixed, space-padded fields and a 1024-byte photo in the
// vendor-encrypted WLT format (docs/devices.md "The card's fields"). Pure bytes to plain
// data: no device, no thread; the fuzz build compiles it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"

namespace yimen::idcard {

inline constexpr size_t kTextBytes = 256;
inline constexpr size_t kPhotoBytes = 1024;

// The card's text, in UTF-8, trailing padding removed. Personal data: Wipe() it.
struct CardText {
  std::string name;
  std::string sex_code;     // "1" male, "2" female (GB/T 2261.1; "0" unknown, "9" unstated)
  std::string nation_code;  // "01".."56" (GB 3304), "97" other, "98" foreign-born
  std::string birth;        // YYYYMMDD
  std::string address;
  std::string id_number;
  std::string authority;    // 签发机关
  std::string valid_from;   // YYYYMMDD
  std::string valid_until;  // YYYYMMDD or 长期
};

// One read of a card: its text and the encrypted photo as read.
struct CardRead {
  CardText text;
  std::vector<uint8_t> wlt_photo;
};

void Wipe(CardText* text);
void Wipe(CardRead* read);

// 男 / 女 for "1" / "2", "" otherwise.
std::string_view SexName(std::string_view code);
// The nation's name as the card prints it (汉, 蒙古, … 基诺; GB 3304, without 族) for a
// two-digit code, "" for a code not in the table.
std::string_view NationName(std::string_view code);

// UCS-2LE to UTF-8, stopping at the first NUL; trailing spaces (ASCII and U+3000) are
// dropped. A lone surrogate becomes U+FFFD (the card's character set is GB 13000's BMP,
// so none should appear). An odd last byte is ignored.
std::string Ucs2LeToUtf8(std::span<const uint8_t> bytes);
// UTF-8 to UCS-2LE in exactly `width` bytes, padded with spaces; characters beyond the
// BMP become U+FFFD, text that does not fit is cut at a whole character. For the
// simulator and the test vendor library.
std::vector<uint8_t> Utf8ToUcs2Le(std::string_view text, size_t width);

// The 256 text bytes to fields. kInvalidArgument when the size is not 256.
Result<CardText> DecodeCardText(std::span<const uint8_t> text);
std::vector<uint8_t> EncodeCardText(const CardText& text);

// The read-base response's data: text length (2, BE), photo length (2, BE), text, photo.
// kInvalidArgument when the lengths do not match the data or the text is not 256 bytes.
Result<CardRead> ParseBaseMessage(std::span<const uint8_t> data);
std::vector<uint8_t> EncodeBaseMessage(const CardText& text, std::span<const uint8_t> photo);

}  // namespace yimen::idcard
