// How long the sync thread waits after a failure: exponential backoff with full
// jitter (a random wait between zero and the exponential bound) so a hall's kiosks
// do not all return at the same second after an outage, capped at 5 minutes (so a queue drains within
// minutes of the network's return, issue 7), and
// never shorter than what the server asked for with Retry-After.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace yimen::sync {

struct BackoffPolicy {
  std::chrono::milliseconds base{1000};
  std::chrono::milliseconds cap{5 * 60 * 1000};
  // Retry-After beyond this is treated as this, so a broken proxy cannot park a
  // kiosk for days.
  std::chrono::milliseconds max_retry_after{60 * 60 * 1000};
};

// Wait before the next attempt after `failures` consecutive failures (1 = first).
// `uniform01` returns a number in [0, 1); retry_after is the server's ask (0 = none).
// Pure given uniform01.
std::chrono::milliseconds BackoffDelay(const BackoffPolicy& policy, int failures,
                                       std::chrono::seconds retry_after,
                                       const std::function<double()>& uniform01);

// The exponential bound before jitter: min(cap, base × 2^(failures-1)). Pure.
std::chrono::milliseconds BackoffBound(const BackoffPolicy& policy, int failures);

// A uniform01 source from libsodium's randomness. Any thread.
double RandomUniform01();

}  // namespace yimen::sync
