// The office console as a browser would use it, straight through ServerCore::Handle (no
// socket): sign in with the console's own API and GET with the session's cookie. Shared
// by the statistics test and benchmark (tests/server/stats_test.cpp,
// tests/bench/bench_stats.cpp).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "server/console_session.h"
#include "server/service.h"

namespace yimen::testing {

// The `yimen_console=…` cookie of a session signed in as `name` (POST
// /api/office/v1/session, Argon2id and all), or "" when the sign-in was refused.
inline std::string ConsoleSignIn(server::ServerCore& core, const std::string& name,
                                 const std::string& password) {
  server::ApiRequest login;
  login.method = "POST";
  login.target = "/api/office/v1/session";
  login.remote_addr = "127.0.0.1";
  login.headers["content-type"] = "application/json";
  login.body = nlohmann::json{{"name", name}, {"password", password}}.dump();
  const server::ApiReply reply = core.Handle(login);
  for (const auto& [header, value] : reply.headers) {
    if (header == "Set-Cookie" && value.rfind(server::kSessionCookie, 0) == 0) {
      return value.substr(0, value.find(';'));
    }
  }
  return "";
}

inline server::ApiReply ConsoleGet(server::ServerCore& core, const std::string& cookie,
                                   const std::string& target) {
  server::ApiRequest request;
  request.method = "GET";
  request.target = target;
  request.remote_addr = "127.0.0.1";
  request.headers["cookie"] = cookie;
  return core.Handle(request);
}

}  // namespace yimen::testing
