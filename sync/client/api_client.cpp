// Signed calls to the server (see api_client.h).
#include "sync/client/api_client.h"

#include <ctime>

#include "sync/protocol/signing.h"

namespace yimen::sync {

Error ErrorFromResponse(const HttpResponse& response) {
  auto body = protocol::ParseMessage<protocol::ErrorBody>(response.body);
  std::string text = "HTTP " + std::to_string(response.status);
  if (body.ok() && !body->error.empty()) text += " " + body->error + ": " + body->message;
  ErrorKind kind = ErrorKind::kRejected;
  const bool replayed = response.status == 401 && body.ok() && body->error == "replayed";
  if (response.status >= 500 || response.status == 429 || response.status == 408 || replayed) {
    // "replayed" is our own request resent by libcurl after a dead connection (see
    // ApiClient::Call): transient, like the dead connection itself.
    kind = ErrorKind::kUnavailable;
  } else if (response.status == 409) {
    kind = ErrorKind::kConflict;
  } else if (response.status == 404) {
    kind = ErrorKind::kNotFound;
  }
  // The server's error word, to branch on (never on the text): "device_revoked", ...;
  // a 401/403 without one (a proxy's page) still says which it was.
  std::string code = body.ok() ? body->error : std::string();
  if (code.empty() && (response.status == 401 || response.status == 403)) {
    code = "http_" + std::to_string(response.status);
  }
  return MakeError(kind, text, std::move(code));
}

ApiClient::ApiClient(Transport& transport, DeviceCredentials credentials)
    : m_transport(transport), m_credentials(std::move(credentials)) {}

const std::string& ApiClient::current_url() const {
  static const std::string kEmpty;
  if (m_credentials.server_urls.empty()) return kEmpty;
  return m_credentials.server_urls[m_url_index % m_credentials.server_urls.size()];
}

void ApiClient::RotateServer() { ++m_url_index; }

Result<HttpResponse> ApiClient::CallOnce(const std::string& method,
                                         const std::string& path_and_query,
                                         const std::string& body,
                                         const std::string& content_type) {
  protocol::SignedParts parts;
  parts.method = method;
  parts.path = path_and_query;
  parts.timestamp = static_cast<int64_t>(std::time(nullptr)) + m_clock_offset_s;
  parts.nonce = protocol::NewNonce();
  parts.body = body;
  auto signature = protocol::SignRequest(parts, m_credentials.secret_key);
  if (!signature.ok()) return signature.error();

  HttpRequest request;
  request.method = method;
  request.url = current_url() + path_and_query;
  request.body = body;
  request.headers = {{"Content-Type", content_type},
                     {protocol::kHeaderDevice, std::to_string(m_credentials.device_id)},
                     {protocol::kHeaderTimestamp, std::to_string(parts.timestamp)},
                     {protocol::kHeaderNonce, parts.nonce},
                     {protocol::kHeaderSignature, *signature}};
  auto response = m_transport.Send(request);
  m_last_status = response.ok() ? response->status : 0;
  if (!response.ok()) return response.error();
  m_retry_after_s = 0;
  if (auto it = response->headers.find("retry-after"); it != response->headers.end()) {
    m_retry_after_s = std::atoi(it->second.c_str());
  }
  if (auto it = response->headers.find("x-yimen-server-time"); it != response->headers.end()) {
    const int64_t server = std::atoll(it->second.c_str());
    if (server > 0) m_clock_offset_s = server - static_cast<int64_t>(std::time(nullptr));
  }
  return response;
}

Result<HttpResponse> ApiClient::Call(const std::string& method, const std::string& path_and_query,
                                     const std::string& body, const std::string& content_type) {
  auto response = CallOnce(method, path_and_query, body, content_type);
  // Two refusals that say nothing about our key, so sign again (once) and resend:
  // - stale_timestamp: the reply taught us the server's clock (CallOnce read it);
  // - replayed: libcurl resends a request by itself when a reused connection dies
  //   before the reply, with our nonce; the server may have served the first copy,
  //   which is harmless because every call here is idempotent (push by uuid, chunks
  //   by offset, status by cursor).
  if (response.ok() && response->status == 401 &&
      (response->body.find("stale_timestamp") != std::string::npos ||
       response->body.find("\"replayed\"") != std::string::npos)) {
    response = CallOnce(method, path_and_query, body, content_type);
  }
  return response;
}

Result<protocol::PushResponse> ApiClient::Push(const protocol::PushRequest& request) {
  auto response = Call("POST", protocol::kPathPush, protocol::SerializeMessage(request),
                       "application/json");
  if (!response.ok()) return response.error();
  if (response->status != 200) return ErrorFromResponse(*response);
  return protocol::ParseMessage<protocol::PushResponse>(response->body);
}

Result<protocol::StatusPage> ApiClient::PullStatus(int64_t after, int limit) {
  const std::string path = std::string(protocol::kPathStatus) + "?after=" + std::to_string(after) +
                           "&limit=" + std::to_string(limit);
  auto response = Call("GET", path, "", "application/json");
  if (!response.ok()) return response.error();
  if (response->status != 200) return ErrorFromResponse(*response);
  return protocol::ParseMessage<protocol::StatusPage>(response->body);
}

Result<protocol::HeartbeatReply> ApiClient::SendHeartbeat(const protocol::Heartbeat& heartbeat) {
  auto response = Call("POST", protocol::kPathHeartbeat, protocol::SerializeMessage(heartbeat),
                       "application/json");
  if (!response.ok()) return response.error();
  if (response->status != 200) return ErrorFromResponse(*response);
  // An empty or older reply ({"ok":true}) simply carries no key news.
  if (response->body.empty()) return protocol::HeartbeatReply{};
  return protocol::ParseMessage<protocol::HeartbeatReply>(response->body);
}

Result<std::optional<protocol::CatalogUpdate>> ApiClient::FetchCatalog(
    const std::string& have_version) {
  // Versions are dotted words ("2024.11.1"): safe in a query without escaping; the
  // server treats anything else as "none".
  std::string safe;
  for (char ch : have_version) {
    if (std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-' || ch == '_') {
      safe.push_back(ch);
    }
  }
  // upcoming=1: also the versions that take effect later (older servers ignore it).
  auto response =
      Call("GET", std::string(protocol::kPathCatalog) + "?after=" + safe + "&upcoming=1", "",
           "application/json");
  if (!response.ok()) return response.error();
  if (response->status == 204) return std::optional<protocol::CatalogUpdate>();
  if (response->status != 200) return ErrorFromResponse(*response);
  auto update = protocol::ParseMessage<protocol::CatalogUpdate>(response->body);
  if (!update.ok()) return update.error();
  return std::optional<protocol::CatalogUpdate>(std::move(*update));
}

Result<protocol::AttachmentState> ApiClient::GetAttachment(const std::string& uuid,
                                                           const std::string& attachment_id) {
  auto response = Call("GET", std::string(protocol::kPathAttachments) + "/" + uuid + "/" +
                                  attachment_id, "", "application/json");
  if (!response.ok()) return response.error();
  if (response->status != 200) return ErrorFromResponse(*response);
  return protocol::ParseMessage<protocol::AttachmentState>(response->body);
}

Result<protocol::AttachmentState> ApiClient::PutAttachmentChunk(
    const std::string& uuid, const std::string& attachment_id, int64_t offset,
    std::string_view bytes, protocol::AttachmentState* server_state) {
  auto response = Call("PUT",
                       std::string(protocol::kPathAttachments) + "/" + uuid + "/" +
                           attachment_id + "?offset=" + std::to_string(offset),
                       std::string(bytes), "application/octet-stream");
  if (!response.ok()) return response.error();
  auto state = protocol::ParseMessage<protocol::AttachmentState>(response->body);
  if (state.ok() && server_state != nullptr) *server_state = *state;
  if (response->status == 200) return state;
  if (response->status == 422 && response->body.find("sha256_mismatch") != std::string::npos) {
    return MakeError(ErrorKind::kDataLoss, "attachment " + attachment_id +
                                               " failed its SHA-256 on the server; resending");
  }
  return ErrorFromResponse(*response);
}

Result<protocol::EnrollResponse> ApiClient::Enroll(Transport& transport, const std::string& url,
                                                   const protocol::EnrollRequest& request) {
  HttpRequest http;
  http.method = "POST";
  http.url = url + protocol::kPathEnroll;
  http.headers = {{"Content-Type", "application/json"}};
  http.body = protocol::SerializeMessage(request);
  auto response = transport.Send(http);
  if (!response.ok()) return response.error();
  if (response->status != 200) return ErrorFromResponse(*response);
  return protocol::ParseMessage<protocol::EnrollResponse>(response->body);
}

}  // namespace yimen::sync
