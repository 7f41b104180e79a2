// Tests common/loopback: the one rule for "plain HTTP on loopback only", with the
// cases of both of its callers (the server's listen address, the kiosk's URL host).
#include "common/loopback.h"

#include <gtest/gtest.h>

namespace yimen {
namespace {

TEST(Loopback, AcceptsLocalhostIpv6LoopbackAndDotted127) {
  // The server's listen hosts ("::1" as server_config parses "::1:8443") and the
  // kiosk's URL hosts (brackets kept, lower-cased by the caller).
  for (const char* host :
       {"127.0.0.1", "127.1.2.3", "127.255.255.255", "127.3.2.1", "localhost", "::1", "[::1]"}) {
    EXPECT_TRUE(IsLoopbackHost(host)) << host;
  }
}

TEST(Loopback, RefusesNamesOtherAddressesAndBrokenDottedForms) {
  for (const char* host :
       {"", "0.0.0.0", "10.0.0.1", "10.0.0.5", "192.0.2.10", "::", "[::2]", "intake",
        "intake.example", "127.0.0.1.nip.io", "127.0.0.1.evil.example", "127.0.0.1:80",
        // Dotted forms that the two old copies let through: empty parts, too few or
        // too many parts, parts above 255 or longer than three digits.
        "127...", "127.0.0.", "127..0.1", "127.1", "127.0.1", "127.0.0.1.", "127.0.0.256",
        "127.0.0.0001", "127.0.0.-1", "LOCALHOST", "localhost.", "[::1]:80"}) {
    EXPECT_FALSE(IsLoopbackHost(host)) << host;
  }
}

}  // namespace
}  // namespace yimen
