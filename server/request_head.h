// What can be decided about a request from its head alone (method, target, headers),
// before a byte of its body is read: which endpoint it is for, how large a body that
// endpoint takes, and whether the signature headers are there and well-formed. Pure
// functions, shared by ServerCore::Admit and ServerCore::Handle (service.cpp), so the
// header stage and the full check can never disagree about a route or a header.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"
#include "server/service.h"

namespace yimen::server {

enum class Route {
  kHealth,         // GET /healthz
  kEnroll,         // POST /v1/enroll
  kPush,           // POST /v1/push
  kStatus,         // GET /v1/status
  kHeartbeat,      // POST /v1/heartbeat
  kCatalog,        // GET /v1/catalog
  kStaffAccounts,  // GET /v1/staff-accounts
  kAudit,          // POST /v1/audit
  kAttachment,     // GET or PUT /v1/attachments/{uuid}/{id}
  kConsole,        // GET or POST /console and below: the office console's pages
  kOfficeApi,      // GET, POST or DELETE /api/office/v1/...: the console's JSON API
  kPhoneLinks,     // POST /v1/phone-links, GET or DELETE /v1/phone-links/{id} (signed)
  kPhonePage,      // GET /m/{token}, /m/static/..., POST /m/{token}/files|done (the token)
  kUnknown,
};

// The endpoint a path (no query) names, whatever the method. Pure.
Route RouteOf(std::string_view path);
// True when `method` is one the route serves. Pure.
bool MethodAllowed(Route route, std::string_view method);
// True for every device route (all but /healthz, /v1/enroll, the console's, which
// authenticate by session cookie: server/console.h, and the phone's page, whose
// token is its key: server/phone_service.cpp). Pure.
bool NeedsSignature(Route route);

// The largest body a path accepts (413 "too_large" beyond it). Pure.
size_t BodyLimit(std::string_view path);

// A catalog upload (console form or office API): a whole catalog, URL-encoded Chinese
// included, is larger than the small-body limit (server/office_catalog.h checks the
// catalog's own size once decoded).
inline constexpr size_t kMaxCatalogRequestBytes = 16u * 1024 * 1024;

// The four signature headers, parsed. Nothing here is trusted yet: the signature is
// only checked against the body by ServerCore::Handle.
struct SignatureHeaders {
  int64_t device_id = 0;
  int64_t timestamp = 0;
  std::string nonce;
  std::string signature;  // base64, as sent
};
// kInvalidArgument (answered 401 "unsigned") when a header is missing, a number is
// not a plain decimal int64, or the nonce is not 16 to 64 characters. Pure.
Result<SignatureHeaders> ParseSignatureHeaders(const ApiRequest& request);
// True when `signature` is base64 of exactly 64 bytes (an Ed25519 signature). Pure.
bool IsWellFormedSignature(std::string_view signature);

// The client's address for per-address limits (enrollment guessing): the last
// address in `forwarded_for` (X-Forwarded-For) when `peer` is one of `trusted_proxies`
// and that address parses, else `peer`. Pure.
std::string ClientAddress(const std::string& peer, std::string_view forwarded_for,
                          const std::vector<std::string>& trusted_proxies);

// timestamp - now, clamped to the int64 range instead of overflowing (a timestamp of
// -2^63 is as far in the past as a request can be, not undefined behaviour). Pure.
int64_t ClockOffset(int64_t timestamp, int64_t now);
// True when |timestamp - now| <= max_skew, computed without overflow; false for a
// negative max_skew. Pure.
bool WithinClockSkew(int64_t timestamp, int64_t now, int64_t max_skew);

}  // namespace yimen::server
