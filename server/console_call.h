// What console.cpp and console_pages.cpp share: one request as the handlers see it,
// and the replies they build (HTML, JSON, redirects) with the console's headers.
// Internal to the console (server/console.h).
#pragma once

#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "server/console.h"
#include "server/console_view.h"

namespace yimen::server {

struct ConsoleCall {
  explicit ConsoleCall(const ApiRequest& r) : request(r) {}

  const ApiRequest& request;
  std::string path;                                // without the query
  std::string query;                               // after '?', raw
  std::multimap<std::string, std::string> params;  // the query, decoded
  std::multimap<std::string, std::string> form;    // a POSTed form, decoded
  nlohmann::json body = nullptr;                   // a POSTed JSON body (the API)
  std::string lang = "zh";
  bool api = false;
  std::optional<ConsoleSession> session;  // set for everything past sign-in
  bool secure = true;                     // cookies get Secure

  // The model every page starts from: language, account, CSRF token, nav.
  nlohmann::json Model() const;
  std::string T(const std::string& key) const { return ConsoleText(lang, key); }
};

// A page; no-store, CSP and frame headers are added by Console::Handle for every reply.
ApiReply HtmlReply(int status, std::string html);
ApiReply JsonOut(int status, const nlohmann::json& body);
ApiReply Redirect(const std::string& location);
// The HTTP status for an error kind: 400, 404, 409, 403 (kRejected), 503, 500.
int HttpStatusOf(ErrorKind kind);
// The message to show: the error's own for a client's mistake or a rule (Chinese from
// the workflow), a fixed sentence for database trouble (whose text is logged instead).
std::string ShownMessage(const ConsoleCall& call, const Error& error);
// The API's error body {"error": code, "message": text}.
ApiReply ApiError(const ConsoleCall& call, const Error& error);

}  // namespace yimen::server
