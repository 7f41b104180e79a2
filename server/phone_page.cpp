// The phone's pages, files and headers (phone_page.h).
#include "server/phone_page.h"

#include <sodium.h>

#include <array>

#include "sync/protocol/messages.h"
#include "sync/protocol/phone_messages.h"
#include "sync/protocol/signing.h"

namespace yimen::server {
namespace {

// libsodium compiles its WebAssembly (wasm-unsafe-eval, nothing else of eval); the
// page makes blob: and data: URLs for the previews; everything else is this origin.
constexpr const char* kPhonePolicy =
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
    "img-src 'self' blob: data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

constexpr std::string_view kStaticPrefix = "/m/static/";

// What may be served from /m/static/: the page's own script and style, libsodium.
constexpr std::array<std::string_view, 4> kStaticFiles = {"phone.js", "phone.css", "libsodium.js",
                                                          "libsodium-wrappers.js"};

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::string ContentTypeOf(std::string_view name) {
  if (EndsWith(name, ".css")) return "text/css; charset=utf-8";
  if (EndsWith(name, ".js")) return "text/javascript; charset=utf-8";
  return "application/octet-stream";
}

void ReplaceAll(std::string* text, std::string_view from, const std::string& to) {
  for (size_t at = text->find(from); at != std::string::npos; at = text->find(from, at)) {
    text->replace(at, from.size(), to);
    at += to.size();
  }
}

// Only base64 characters reach an attribute; anything else is dropped (it never is).
std::string AttributeSafe(const std::string& text) {
  std::string out;
  for (char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
        c == '/' || c == '=') {
      out.push_back(c);
    }
  }
  return out;
}

ApiReply HtmlPage(int status, const std::string& file) {
  ApiReply reply;
  reply.status = status;
  reply.content_type = "text/html; charset=utf-8";
  const std::string* page = PhoneAsset(file);
  reply.body = page == nullptr ? std::string() : *page;
  ReplaceAll(&reply.body, "{{static}}", std::string(kStaticPrefix) + PhoneAssetVersion());
  AddPhoneHeaders(&reply, false);
  return reply;
}

}  // namespace

const std::string& PhoneAssetVersion() {
  static const std::string version = [] {
    crypto_generichash_state state;
    crypto_generichash_init(&state, nullptr, 0, 8);
    for (std::string_view name : kStaticFiles) {
      const std::string* asset = PhoneAsset(name);
      if (asset == nullptr) continue;
      crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(asset->data()),
                                asset->size());
    }
    unsigned char digest[8];
    crypto_generichash_final(&state, digest, sizeof digest);
    return protocol::HexEncode(std::string_view(reinterpret_cast<const char*>(digest), 8));
  }();
  return version;
}

void AddPhoneHeaders(ApiReply* reply, bool immutable) {
  reply->headers.emplace_back("Content-Security-Policy", kPhonePolicy);
  reply->headers.emplace_back("X-Frame-Options", "DENY");
  reply->headers.emplace_back("X-Content-Type-Options", "nosniff");
  reply->headers.emplace_back("Referrer-Policy", "no-referrer");
  reply->headers.emplace_back("Cache-Control",
                              immutable ? "public, max-age=31536000, immutable" : "no-store");
}

ApiReply PhoneUploadPage(const std::string& kiosk_key, int remaining, int max_files,
                         int64_t expires_in_s) {
  ApiReply reply = HtmlPage(200, "page.html");
  ReplaceAll(&reply.body, "{{key}}", AttributeSafe(kiosk_key));
  ReplaceAll(&reply.body, "{{remaining}}", std::to_string(remaining));
  ReplaceAll(&reply.body, "{{max}}", std::to_string(max_files));
  ReplaceAll(&reply.body, "{{expires_in}}", std::to_string(expires_in_s));
  return reply;
}

ApiReply PhoneGonePage() {
  ApiReply reply = HtmlPage(410, "gone.html");
  reply.error_code = "gone";
  return reply;
}

ApiReply PhoneBusyPage(int retry_after_s) {
  ApiReply reply = HtmlPage(429, "busy.html");
  reply.retry_after_s = retry_after_s;
  reply.error_code = "throttled";
  return reply;
}

ApiReply PhoneStaticFile(std::string_view path) {
  std::string_view rest = path.substr(kStaticPrefix.size());
  const std::string& version = PhoneAssetVersion();
  const std::string* asset = nullptr;
  if (rest.size() > version.size() + 1 && rest.substr(0, version.size()) == version &&
      rest[version.size()] == '/') {
    const std::string_view name = rest.substr(version.size() + 1);
    for (std::string_view allowed : kStaticFiles) {
      if (name == allowed) asset = PhoneAsset(name);
    }
    if (asset != nullptr) {
      ApiReply reply;
      reply.content_type = ContentTypeOf(name);
      reply.body = *asset;
      AddPhoneHeaders(&reply, true);
      return reply;
    }
  }
  ApiReply reply = PhoneJsonReply(404, "not_found", "no such file");
  return reply;
}

ApiReply PhoneJsonReply(int status, const std::string& error, const std::string& message) {
  ApiReply reply = ErrorReply(status, error, message);
  AddPhoneHeaders(&reply, false);
  return reply;
}

std::optional<ApiReply> AdmitPhoneRequest(const ApiRequest& head, std::string_view path) {
  if (head.method != "POST" || !EndsWith(path, "/files")) return std::nullopt;
  std::string type = head.Header("content-type");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (type == "application/octet-stream") return std::nullopt;
  return PhoneJsonReply(415, "unsupported_media_type",
                        "send one sealed file as application/octet-stream");
}

bool SplitPhonePath(std::string_view path, std::string* token, std::string* action) {
  constexpr std::string_view kPrefix = "/m/";
  if (path.substr(0, kPrefix.size()) != kPrefix) return false;
  std::string_view rest = path.substr(kPrefix.size());
  const size_t slash = rest.find('/');
  const std::string_view candidate = rest.substr(0, slash);
  const std::string_view tail =
      slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  // 32 bytes in unpadded base64url are 43 characters.
  if (candidate.size() != 43) return false;
  for (char c : candidate) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  if (!tail.empty() && tail != "files" && tail != "done") return false;
  *token = std::string(candidate);
  *action = std::string(tail);
  return true;
}

}  // namespace yimen::server
