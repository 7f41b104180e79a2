// libcurl behind the Transport seam, with the timeouts a kiosk on a flaky line needs:
// a bounded connect, a bounded whole request, and a low-speed cut-off so a stalled
// upload fails instead of hanging the sync thread forever.
#pragma once

#include <memory>
#include <string>

#include "sync/client/transport.h"

namespace yimen::sync {

struct CurlOptions {
  long connect_timeout_ms = 10'000;
  long total_timeout_ms = 120'000;
  long low_speed_limit_bytes = 256;  // below this many bytes/s ...
  long low_speed_time_s = 20;        // ... for this long, give up
  std::string ca_file;               // extra CA bundle (PEM); empty = system store
  // libcurl pin "sha256//BASE64[;sha256//...]": the server's key must match one of
  // these on top of normal verification. Empty = no pinning.
  std::string pinned_public_key;
};

class CurlTransport : public Transport {
 public:
  explicit CurlTransport(const CurlOptions& options = {});
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  // See Transport::Send. TLS peer and host verification are always on. The CURLcode
  // and curl's message are kept in the error text. One thread at a time (the handle
  // and its connection are reused between requests).
  Result<HttpResponse> Send(const HttpRequest& request) override;

 private:
  CurlOptions m_options;
  void* m_handle = nullptr;  // CURL*, reused for keep-alive
};

}  // namespace yimen::sync
