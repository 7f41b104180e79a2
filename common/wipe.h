// Wiping a resident's plaintext (typed values, PINs, decrypted payloads, photos) before
// its memory goes back to the allocator, so nothing readable lingers in freed heap or a
// core dump. One rule for the kiosk and the server: overwrite, empty, release.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace yimen {

// Overwrites every byte (sodium_memzero), empties the container and releases its
// buffer (shrink_to_fit). Safe on an empty one. Any thread (the caller owns it).
void Wipe(std::string* text);
void Wipe(std::vector<uint8_t>* bytes);

}  // namespace yimen
