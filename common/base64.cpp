// Base64 (see base64.h) with libsodium's constant-time codec.
#include "common/base64.h"

#include <sodium.h>

#include "common/wipe.h"

namespace yimen {

std::string Base64Encode(std::string_view bytes) {
  const size_t size = sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  std::string out(size, '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(size - 1);  // drop the terminating NUL libsodium writes
  return out;
}

Result<std::string> Base64Decode(std::string_view text, Base64Spaces spaces) {
  std::string out(text.size() / 4 * 3 + 3, '\0');
  size_t written = 0;
  const char* end = nullptr;
  const char* ignore = spaces == Base64Spaces::kSkip ? " \t\r\n" : nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), ignore, &written, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    Wipe(&out);
    return MakeError(ErrorKind::kInvalidArgument, "malformed base64");
  }
  out.resize(written);
  return out;
}

}  // namespace yimen
