// Tests common/wipe: plaintext is overwritten, emptied and its buffer given back.
#include "common/wipe.h"

#include <gtest/gtest.h>

namespace yimen {
namespace {

TEST(Wipe, EmptiesAndReleasesStringsAndBytes) {
  std::string text(4096, 'x');
  Wipe(&text);
  EXPECT_TRUE(text.empty());
  // shrink_to_fit gives the heap buffer back (the copy in staff mode used to keep it).
  EXPECT_LT(text.capacity(), 4096u);
  std::vector<uint8_t> bytes(4096, 7);
  Wipe(&bytes);
  EXPECT_TRUE(bytes.empty());
  EXPECT_EQ(bytes.capacity(), 0u);
  std::string empty;
  Wipe(&empty);
  EXPECT_TRUE(empty.empty());
}

}  // namespace
}  // namespace yimen
