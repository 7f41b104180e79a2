// The kiosk's three calls for photos from a resident's phone (api_client.h,
// sync/protocol/phone_messages.h). Signed like every /v1 call; the link id is the
// kiosk's handle and never the phone's token.
#include <cctype>

#include "sync/client/api_client.h"

namespace yimen::sync {
namespace {

// Link ids are UUIDs; anything else would be spliced into the path, so it is refused
// here rather than sent.
bool IsLinkId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!std::isxdigit(static_cast<unsigned char>(c)) && c != '-') return false;
  }
  return true;
}

std::string LinkPath(const std::string& link_id) {
  return std::string(protocol::kPathPhoneLinks) + "/" + link_id;
}

}  // namespace

Result<protocol::PhoneLink> ApiClient::CreatePhoneLink(const protocol::PhoneLinkRequest& request) {
  auto response = Call("POST", protocol::kPathPhoneLinks, protocol::SerializeMessage(request),
                       "application/json");
  if (!response.ok()) return response.error();
  if (response->status != 201 && response->status != 200) return ErrorFromResponse(*response);
  return protocol::ParseMessage<protocol::PhoneLink>(response->body);
}

Result<protocol::PhoneFiles> ApiClient::GetPhoneFiles(const std::string& link_id, int after) {
  if (!IsLinkId(link_id)) return MakeError(ErrorKind::kInvalidArgument, "bad phone link id");
  auto response =
      Call("GET", LinkPath(link_id) + "?after=" + std::to_string(after), "", "application/json");
  if (!response.ok()) return response.error();
  if (response->status != 200) return ErrorFromResponse(*response);
  return protocol::ParseMessage<protocol::PhoneFiles>(response->body);
}

Status ApiClient::SpendPhoneLink(const std::string& link_id) {
  if (!IsLinkId(link_id)) return MakeError(ErrorKind::kInvalidArgument, "bad phone link id");
  auto response = Call("DELETE", LinkPath(link_id), "", "application/json");
  if (!response.ok()) return response.error();
  // 204 spent now; 410 already spent or expired: either way nothing more can arrive.
  if (response->status == 204 || response->status == 200 || response->status == 410) {
    return Status::Ok();
  }
  return ErrorFromResponse(*response);
}

}  // namespace yimen::sync
