// Tests common/uuid: the applications' idempotency keys, made on the kiosk (and the
// fleet simulator) and checked on the server.
#include "common/uuid.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <regex>
#include <set>

namespace yimen {
namespace {

TEST(Uuid, NewOnesAreRandomVersion4LowerCase) {
  ASSERT_GE(sodium_init(), 0);
  const std::regex v4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string uuid = NewUuidV4();
    ASSERT_TRUE(std::regex_match(uuid, v4)) << uuid;
    ASSERT_TRUE(IsUuid(uuid)) << uuid;
    seen.insert(uuid);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(Uuid, CheckAcceptsAnyVersionAndCaseRefusesOtherShapes) {
  EXPECT_TRUE(IsUuid("123e4567-E89B-12d3-a456-426614174000"));
  for (const char* bad :
       {"", "123e4567e89b12d3a456426614174000", "123e4567-e89b-12d3-a456-42661417400",
        "123e4567-e89b-12d3-a456-4266141740000", "123e4567-e89b-12d3-a456_426614174000",
        "g23e4567-e89b-12d3-a456-426614174000", "123e4567-e89b-12d3-a456-42661417400\n"}) {
    EXPECT_FALSE(IsUuid(bad)) << bad;
  }
}

}  // namespace
}  // namespace yimen
