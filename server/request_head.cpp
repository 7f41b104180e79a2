// Decisions from a request's head (see request_head.h).
#include "server/request_head.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <charconv>
#include <limits>

#include "sync/protocol/messages.h"
#include "sync/protocol/phone_messages.h"
#include "sync/protocol/signing.h"
#include "sync/protocol/staff_messages.h"

namespace yimen::server {
namespace {

constexpr size_t kMinNonce = 16;
constexpr size_t kMaxNonce = 64;
constexpr size_t kEd25519SignatureBytes = 64;

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// A plain decimal int64: optional '-', digits only, no spaces, no '+', in range.
bool ParseInt64(std::string_view text, int64_t* out) {
  if (text.empty() || text.size() > 20) return false;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && ptr == end;
}

}  // namespace

std::string ClientAddress(const std::string& peer, std::string_view forwarded_for,
                          const std::vector<std::string>& trusted_proxies) {
  if (forwarded_for.empty() ||
      std::find(trusted_proxies.begin(), trusted_proxies.end(), peer) == trusted_proxies.end()) {
    return peer;
  }
  // The last hop is the one our proxy added (nginx sets the header to the address
  // it saw); anything before it the client may have made up.
  const size_t comma = forwarded_for.rfind(',');
  std::string_view last =
      comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1);
  while (!last.empty() && (last.front() == ' ' || last.front() == '\t')) last.remove_prefix(1);
  while (!last.empty() && (last.back() == ' ' || last.back() == '\t')) last.remove_suffix(1);
  const std::string candidate(last);
  unsigned char parsed[sizeof(in6_addr)];
  if (inet_pton(AF_INET, candidate.c_str(), parsed) == 1 ||
      inet_pton(AF_INET6, candidate.c_str(), parsed) == 1) {
    return candidate;
  }
  return peer;
}

Route RouteOf(std::string_view path) {
  if (path == protocol::kPathHealth) return Route::kHealth;
  if (path == protocol::kPathEnroll) return Route::kEnroll;
  if (path == protocol::kPathPush) return Route::kPush;
  if (path == protocol::kPathStatus) return Route::kStatus;
  if (path == protocol::kPathHeartbeat) return Route::kHeartbeat;
  if (path == protocol::kPathCatalog) return Route::kCatalog;
  if (path == protocol::kPathStaffAccounts) return Route::kStaffAccounts;
  if (path == protocol::kPathAudit) return Route::kAudit;
  if (StartsWith(path, std::string(protocol::kPathAttachments) + "/")) return Route::kAttachment;
  if (path == "/console" || StartsWith(path, "/console/")) return Route::kConsole;
  if (StartsWith(path, "/api/office/v1/")) return Route::kOfficeApi;
  if (path == protocol::kPathPhoneLinks ||
      StartsWith(path, std::string(protocol::kPathPhoneLinks) + "/")) {
    return Route::kPhoneLinks;
  }
  if (StartsWith(path, std::string(protocol::kPathPhonePage) + "/")) return Route::kPhonePage;
  return Route::kUnknown;
}

bool MethodAllowed(Route route, std::string_view method) {
  switch (route) {
    case Route::kHealth:
    case Route::kStatus:
    case Route::kCatalog:
    case Route::kStaffAccounts: return method == "GET";
    case Route::kEnroll:
    case Route::kPush:
    case Route::kHeartbeat:
    case Route::kAudit: return method == "POST";
    case Route::kAttachment: return method == "GET" || method == "PUT";
    case Route::kConsole: return method == "GET" || method == "POST";
    case Route::kOfficeApi:
    case Route::kPhoneLinks: return method == "GET" || method == "POST" || method == "DELETE";
    case Route::kPhonePage: return method == "GET" || method == "POST";
    case Route::kUnknown: return false;
  }
  return false;
}

bool NeedsSignature(Route route) {
  return route != Route::kHealth && route != Route::kEnroll && route != Route::kUnknown &&
         route != Route::kConsole && route != Route::kOfficeApi && route != Route::kPhonePage;
}

size_t BodyLimit(std::string_view path) {
  if (path == protocol::kPathPush) return protocol::kMaxPushBodyBytes;
  if (StartsWith(path, std::string(protocol::kPathAttachments) + "/")) {
    return protocol::kMaxAttachmentChunkBytes;
  }
  if (path == "/console/catalog/upload" || path == "/console/catalog/edit" ||
      path == "/api/office/v1/catalogs") {
    return kMaxCatalogRequestBytes;
  }
  // One sealed photo from a phone (/m/{token}/files): the only unauthenticated route
  // that takes more than a small body; the token is checked once it is read.
  if (StartsWith(path, std::string(protocol::kPathPhonePage) + "/") && path.size() > 6 &&
      path.substr(path.size() - 6) == "/files") {
    return protocol::kPhoneMaxSealedBytes;
  }
  return protocol::kMaxSmallBodyBytes;
}

Result<SignatureHeaders> ParseSignatureHeaders(const ApiRequest& request) {
  SignatureHeaders parsed;
  const std::string device = request.Header(protocol::kHeaderDevice);
  const std::string timestamp = request.Header(protocol::kHeaderTimestamp);
  parsed.nonce = request.Header(protocol::kHeaderNonce);
  parsed.signature = request.Header(protocol::kHeaderSignature);
  if (device.empty() || timestamp.empty() || parsed.nonce.empty() || parsed.signature.empty()) {
    return MakeError(ErrorKind::kInvalidArgument, "request lacks the device signature headers");
  }
  if (!ParseInt64(device, &parsed.device_id) || !ParseInt64(timestamp, &parsed.timestamp)) {
    return MakeError(ErrorKind::kInvalidArgument, "device id or timestamp is not a number");
  }
  if (parsed.nonce.size() < kMinNonce || parsed.nonce.size() > kMaxNonce) {
    return MakeError(ErrorKind::kInvalidArgument, "nonce must be 16 to 64 characters");
  }
  return parsed;
}

bool IsWellFormedSignature(std::string_view signature) {
  // Base64 of 64 bytes is 88 characters with padding; decode only what could be one.
  if (signature.size() != 88) return false;
  auto raw = Base64Decode(signature);
  return raw.ok() && raw->size() == kEd25519SignatureBytes;
}

int64_t ClockOffset(int64_t timestamp, int64_t now) {
  int64_t offset = 0;
  if (!__builtin_sub_overflow(timestamp, now, &offset)) return offset;
  // Overflow only happens when the signs differ: the true result lies beyond the end
  // of the range on the side of the timestamp.
  return timestamp < now ? std::numeric_limits<int64_t>::min()
                         : std::numeric_limits<int64_t>::max();
}

bool WithinClockSkew(int64_t timestamp, int64_t now, int64_t max_skew) {
  if (max_skew < 0) return false;
  const int64_t offset = ClockOffset(timestamp, now);
  return offset >= -max_skew && offset <= max_skew;
}

}  // namespace yimen::server
