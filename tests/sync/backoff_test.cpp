// Tests sync/client/backoff: bounds, full jitter, the cap and Retry-After.
#include "sync/client/backoff.h"

#include <gtest/gtest.h>

namespace yimen::sync {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(Backoff, BoundDoublesFromTheBase) {
  BackoffPolicy policy;
  EXPECT_EQ(BackoffBound(policy, 1), milliseconds(1000));
  EXPECT_EQ(BackoffBound(policy, 2), milliseconds(2000));
  EXPECT_EQ(BackoffBound(policy, 5), milliseconds(16000));
}

TEST(Backoff, BoundIsCappedAtFiveMinutesEvenAfterManyFailures) {
  BackoffPolicy policy;
  EXPECT_EQ(BackoffBound(policy, 9), milliseconds(256'000));
  EXPECT_EQ(BackoffBound(policy, 10), milliseconds(5 * 60 * 1000));
  EXPECT_EQ(BackoffBound(policy, 10'000), milliseconds(5 * 60 * 1000));
}

TEST(Backoff, FullJitterSpansZeroToTheBound) {
  BackoffPolicy policy;
  EXPECT_EQ(BackoffDelay(policy, 4, seconds(0), [] { return 0.0; }), milliseconds(0));
  EXPECT_EQ(BackoffDelay(policy, 4, seconds(0), [] { return 0.5; }), milliseconds(4000));
  EXPECT_LE(BackoffDelay(policy, 4, seconds(0), [] { return 0.999999; }), milliseconds(8000));
}

TEST(Backoff, RetryAfterIsAFloor) {
  BackoffPolicy policy;
  EXPECT_EQ(BackoffDelay(policy, 1, seconds(30), [] { return 0.1; }), milliseconds(30'000));
  EXPECT_EQ(BackoffDelay(policy, 20, seconds(1), [] { return 1.0; }), milliseconds(5 * 60 * 1000));
}

TEST(Backoff, AbsurdRetryAfterIsLimited) {
  BackoffPolicy policy;
  EXPECT_EQ(BackoffDelay(policy, 1, seconds(10 * 24 * 3600), [] { return 0.0; }),
            policy.max_retry_after);
}

TEST(Backoff, RandomSourceStaysInRange) {
  for (int i = 0; i < 1000; ++i) {
    const double r = RandomUniform01();
    ASSERT_GE(r, 0.0);
    ASSERT_LT(r, 1.0);
  }
}

}  // namespace
}  // namespace yimen::sync
