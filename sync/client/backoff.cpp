// Full-jitter backoff (see backoff.h).
#include "sync/client/backoff.h"

#include <sodium.h>

#include <algorithm>

namespace yimen::sync {

std::chrono::milliseconds BackoffBound(const BackoffPolicy& policy, int failures) {
  if (failures < 1) return std::chrono::milliseconds(0);
  int64_t bound = policy.base.count();
  for (int i = 1; i < failures && bound < policy.cap.count(); ++i) bound *= 2;
  return std::chrono::milliseconds(std::min<int64_t>(bound, policy.cap.count()));
}

std::chrono::milliseconds BackoffDelay(const BackoffPolicy& policy, int failures,
                                       std::chrono::seconds retry_after,
                                       const std::function<double()>& uniform01) {
  const auto bound = BackoffBound(policy, failures);
  const double r = std::clamp(uniform01(), 0.0, 1.0);
  auto delay = std::chrono::milliseconds(static_cast<int64_t>(static_cast<double>(bound.count()) * r));
  const auto asked = std::min<std::chrono::milliseconds>(
      std::chrono::duration_cast<std::chrono::milliseconds>(retry_after), policy.max_retry_after);
  return std::max(delay, asked);
}

double RandomUniform01() {
  if (sodium_init() < 0) return 0.5;
  return static_cast<double>(randombytes_uniform(1u << 30)) / static_cast<double>(1u << 30);
}

}  // namespace yimen::sync
