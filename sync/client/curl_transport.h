// libcurl behind the Transport seam, with the timeouts a kiosk on a flaky line needs:
// a bounded connect, a bounded whole request, and a low-speed cut-off so a stalled
// upload fails instead of hanging the sync thread forever. Off loopback it speaks
// TLS only: the server's certificate is verified against the system store or a CA
// file, and its public key may be pinned (with a backup pin for key rotation).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sync/client/transport.h"

namespace yimen::sync {

struct CurlOptions {
  long connect_timeout_ms = 10'000;
  long total_timeout_ms = 120'000;
  long low_speed_limit_bytes = 256;  // below this many bytes/s ...
  long low_speed_time_s = 20;        // ... for this long, give up
  std::string ca_file;               // CA bundle (PEM) to trust; empty = system store
  // libcurl pin "sha256//BASE64[;sha256//...]": the server's key must match one of
  // these on top of normal verification. Empty = no pinning. Build it with JoinPins.
  std::string pinned_public_key;
};

// Checks each pin ("sha256//" + base64 of a SHA-256 digest: 44 characters ending in
// "=") and joins them for CurlOptions::pinned_public_key. kInvalidArgument naming the
// bad pin. An empty list gives "". Pure.
Result<std::string> JoinPins(const std::vector<std::string>& pins);

// OK for https:// URLs, and for http:// only when the host is loopback (127.0.0.0/8,
// localhost, [::1]): requests are signed, but payloads and receipts must not cross a
// network in clear. kInvalidArgument saying why otherwise. Pure.
Status CheckTransportUrl(const std::string& url);

class CurlTransport : public Transport {
 public:
  explicit CurlTransport(const CurlOptions& options = {});
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  // See Transport::Send. TLS peer and host verification are always on; a URL that
  // CheckTransportUrl refuses is not sent (kUnavailable with its reason, so the item
  // stays queued). The CURLcode and curl's message are kept in the error text, with a
  // plain explanation for TLS refusals (untrusted certificate, pin mismatch). One thread at a time (the handle
  // and its connection are reused between requests).
  Result<HttpResponse> Send(const HttpRequest& request) override;

 private:
  CurlOptions m_options;
  void* m_handle = nullptr;  // CURL*, reused for keep-alive
};

}  // namespace yimen::sync
