// Which hosts are loopback: the one rule behind "plain HTTP on loopback only", used by
// the server for its listen address and by the kiosk for the URL it sends to
// (docs/architecture.md "Plain HTTP on loopback").
#pragma once

#include <string_view>

namespace yimen {

// True for "localhost", "::1" and "[::1]" (a URL's host keeps its brackets), and for a
// dotted IPv4 address in 127.0.0.0/8: exactly four decimal parts of 1 to 3 digits, each
// at most 255, the first 127. Everything else is false, "127.0.0.1.example.org" (a name
// that may resolve anywhere), "127.1", "127.0.0.256" and "127..0.1" included. Case
// matters: callers lower-case URL hosts first. Pure.
bool IsLoopbackHost(std::string_view host);

}  // namespace yimen
