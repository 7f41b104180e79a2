// Standard base64 (RFC 4648 alphabet, with padding): how keys, signatures, sealed boxes
// and photos travel as text on both sides. One copy for the kiosk's store and media,
// the wire protocol and the server.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "domain/result.h"

namespace yimen {

// Base64 of raw bytes. Pure, any thread.
std::string Base64Encode(std::string_view bytes);
inline std::string Base64Encode(std::span<const uint8_t> bytes) {
  return Base64Encode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

// Whether Base64Decode skips whitespace (spaces, tabs, line breaks: line-wrapped key
// files) or refuses it like any other stray byte.
enum class Base64Spaces { kRefuse, kSkip };

// Raw bytes of base64 text. Every byte of `text` must belong to the encoding (or be
// skipped whitespace): kInvalidArgument "malformed base64" otherwise, after wiping
// whatever was decoded. Pure, any thread.
Result<std::string> Base64Decode(std::string_view text,
                                 Base64Spaces spaces = Base64Spaces::kRefuse);

}  // namespace yimen
