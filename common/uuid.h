// UUIDs: the idempotency key of every application (the server upserts by it, so a
// resend never duplicates). Made on the kiosk (and by the fleet simulator the same
// way), checked on the server.
#pragma once

#include <string>
#include <string_view>

namespace yimen {

// A random (version 4) UUID from libsodium's CSPRNG, lower-case 8-4-4-4-12: nothing
// personal goes into it. libsodium must be initialised (sodium_init). Any thread.
std::string NewUuidV4();

// True for 36 characters: hex digits (either case) with dashes at 8, 13, 18 and 23. Any
// version. Pure.
bool IsUuid(std::string_view text);

}  // namespace yimen
