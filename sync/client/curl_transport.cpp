// libcurl transport (see curl_transport.h). CURLcode becomes yimen::Error here, at
// the edge, keeping the raw code in the message (docs/design.md "House habits").
#include "sync/client/curl_transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <string_view>

#include "common/loopback.h"

namespace yimen::sync {
namespace {

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  const std::string line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) headers->clear();  // a new response (after 100-continue)
  const size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string value = line.substr(colon + 1);
    const size_t first = value.find_first_not_of(" \t");
    const size_t last = value.find_last_not_of(" \t\r\n");
    (*headers)[name] = first == std::string::npos ? "" : value.substr(first, last - first + 1);
  }
  return size * count;
}

// What a TLS refusal means for whoever reads the kiosk's log or the staff screen.
const char* ExplainCurlCode(CURLcode code) {
  switch (code) {
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
      return "the server's public key matches none of the pinned keys (--server-pin); "
             "refusing to talk to it";
    case CURLE_PEER_FAILED_VERIFICATION:
      return "the server's TLS certificate is not trusted or not for this host "
             "(check --ca-file and the URL's host name)";
    case CURLE_SSL_CACERT_BADFILE:
      return "the CA file (--ca-file) cannot be read";
    case CURLE_SSL_CONNECT_ERROR:
      return "the TLS handshake failed";
    default:
      return nullptr;
  }
}

}  // namespace

Result<std::string> JoinPins(const std::vector<std::string>& pins) {
  std::string joined;
  for (const std::string& pin : pins) {
    constexpr std::string_view kPrefix = "sha256//";
    const std::string digest = pin.rfind(kPrefix, 0) == 0 ? pin.substr(kPrefix.size()) : "";
    const bool base64 =
        digest.size() == 44 && digest.back() == '=' &&
        std::all_of(digest.begin(), digest.end() - 1, [](unsigned char c) {
          return std::isalnum(c) || c == '+' || c == '/';
        });
    if (!base64) {
      return MakeError(ErrorKind::kInvalidArgument,
                       "a pin is \"sha256//\" and 44 characters of base64 (docs/operations.md), "
                       "not \"" + pin + "\"");
    }
    if (!joined.empty()) joined += ';';
    joined += pin;
  }
  return joined;
}

Status CheckTransportUrl(const std::string& url) {
  if (url.rfind("https://", 0) == 0) return Status::Ok();
  if (url.rfind("http://", 0) != 0) {
    return MakeError(ErrorKind::kInvalidArgument, "not an http(s) URL: " + url);
  }
  const std::string rest = url.substr(7);
  std::string host = rest.substr(0, rest.find_first_of("/?#"));
  if (const size_t at = host.rfind('@'); at != std::string::npos) host = host.substr(at + 1);
  if (host.empty() || host[0] != '[') {
    host = host.substr(0, host.find(':'));
  } else {
    host = host.substr(0, host.find(']') + 1);
  }
  std::transform(host.begin(), host.end(), host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (IsLoopbackHost(host)) return Status::Ok();
  return MakeError(ErrorKind::kInvalidArgument,
                   "refusing plain http:// to " + host +
                       ": only loopback may be reached without TLS; use https://");
}

CurlTransport::CurlTransport(const CurlOptions& options) : m_options(options) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  m_handle = curl_easy_init();
}

CurlTransport::~CurlTransport() {
  if (m_handle != nullptr) curl_easy_cleanup(static_cast<CURL*>(m_handle));
}

Result<HttpResponse> CurlTransport::Send(const HttpRequest& request) {
  CURL* curl = static_cast<CURL*>(m_handle);
  if (curl == nullptr) return MakeError(ErrorKind::kInternal, "curl_easy_init failed");
  curl_easy_reset(curl);
  if (Status allowed = CheckTransportUrl(request.url); !allowed.ok()) {
    return MakeError(ErrorKind::kUnavailable, allowed.error().message);
  }

  HttpResponse response;
  curl_slist* headers = nullptr;
  for (const auto& [name, value] : request.headers) {
    headers = curl_slist_append(headers, (name + ": " + value).c_str());
  }
  // No "Expect: 100-continue" round trip for chunk uploads.
  headers = curl_slist_append(headers, "Expect:");

  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // we run on a worker thread
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, m_options.connect_timeout_ms);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, m_options.total_timeout_ms);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, m_options.low_speed_limit_bytes);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, m_options.low_speed_time_s);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!m_options.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, m_options.ca_file.c_str());
  if (!m_options.pinned_public_key.empty()) {
    curl_easy_setopt(curl, CURLOPT_PINNEDPUBLICKEY, m_options.pinned_public_key.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);

  if (request.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  }

  const CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (code != CURLE_OK) {
    const char* meaning = ExplainCurlCode(code);
    return MakeError(ErrorKind::kUnavailable,
                     (meaning != nullptr ? std::string(meaning) + "; " : std::string()) +
                         "curl error " + std::to_string(code) + ": " + curl_easy_strerror(code) +
                         " (" + request.method + " " + request.url + ")");
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

}  // namespace yimen::sync
