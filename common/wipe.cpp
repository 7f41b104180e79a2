// Wipe (see wipe.h).
#include "common/wipe.h"

#include <sodium.h>

namespace yimen {

void Wipe(std::string* text) {
  if (!text->empty()) sodium_memzero(text->data(), text->size());
  text->clear();
  text->shrink_to_fit();
}

void Wipe(std::vector<uint8_t>* bytes) {
  if (!bytes->empty()) sodium_memzero(bytes->data(), bytes->size());
  bytes->clear();
  bytes->shrink_to_fit();
}

}  // namespace yimen
