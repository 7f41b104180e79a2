// JSON forms of the phone-upload messages (phone_messages.h). Required fields throw
// inside nlohmann and come out of ParseMessage as kInvalidArgument.
#include "sync/protocol/phone_messages.h"

namespace yimen::protocol {

using nlohmann::json;

void to_json(json& j, const PhoneLinkRequest& v) {
  j = json{{"public_key", v.public_key}, {"max_files", v.max_files}};
}
void from_json(const json& j, PhoneLinkRequest& v) {
  j.at("public_key").get_to(v.public_key);
  v.max_files = j.value("max_files", kPhoneLinkMaxFiles);
}

void to_json(json& j, const PhoneLink& v) {
  j = json{{"link_id", v.link_id},
           {"url", v.url},
           {"expires_in_s", v.expires_in_s},
           {"expires_at", v.expires_at},
           {"max_files", v.max_files}};
}
void from_json(const json& j, PhoneLink& v) {
  j.at("link_id").get_to(v.link_id);
  j.at("url").get_to(v.url);
  j.at("expires_in_s").get_to(v.expires_in_s);
  v.expires_at = j.value("expires_at", "");
  j.at("max_files").get_to(v.max_files);
}

void to_json(json& j, const PhoneFile& v) { j = json{{"seq", v.seq}, {"sealed", v.sealed}}; }
void from_json(const json& j, PhoneFile& v) {
  j.at("seq").get_to(v.seq);
  j.at("sealed").get_to(v.sealed);
}

void to_json(json& j, const PhoneFiles& v) {
  j = json{{"state", v.state},
           {"files", v.files},
           {"received", v.received},
           {"expires_in_s", v.expires_in_s}};
}
void from_json(const json& j, PhoneFiles& v) {
  j.at("state").get_to(v.state);
  j.at("files").get_to(v.files);
  v.received = j.value("received", 0);
  v.expires_in_s = j.value("expires_in_s", int64_t{0});
}

}  // namespace yimen::protocol
