// The one seam between the sync client and the network: a request in, a response or
// a transport error out. CurlTransport is the real one; tests replay canned replies
// through their own Transport and check the exact request the client sent.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "domain/result.h"

namespace yimen::sync {

struct HttpRequest {
  std::string method;  // "GET", "POST", "PUT"
  std::string url;     // absolute: "https://host:port/v1/push"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends one request and waits for the whole response. Any HTTP status is a
  // response; only a failure to get one (refused, reset, timed out, TLS refused) is
  // an error, and it is kUnavailable so the caller backs off. One thread at a time.
  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;
};

}  // namespace yimen::sync
