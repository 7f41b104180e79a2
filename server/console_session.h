// The office console's sessions (docs/console.md "Sessions"): a random token in an
// HttpOnly, SameSite=Strict cookie, of which PostgreSQL keeps only a hash (a copy of
// the database signs nobody in), a CSRF token per session that every POST must carry,
// and two limits: idle (since the last request) and absolute (since sign-in). Rows
// live in console_sessions (migration 11), so any server copy knows every session.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/result.h"
#include "server/office_accounts.h"
#include "server/pg_pool.h"

namespace yimen::server {

inline constexpr const char* kSessionCookie = "yimen_console";
inline constexpr const char* kLangCookie = "yimen_lang";
inline constexpr const char* kLoginCsrfCookie = "yimen_login_csrf";

struct SessionLimits {
  int idle_seconds = 30 * 60;        // console.session_idle_seconds
  int absolute_seconds = 12 * 3600;  // console.session_max_seconds
};

struct ConsoleOptions {
  SessionLimits session;
  // False only when the server speaks plain HTTP on loopback (the cookie would never
  // come back otherwise); set by main_server.cpp from the listen options.
  bool secure_cookies = true;
  // Sign-ins that may wait in SignIn (Argon2id plus the growing delay of a refusal) at
  // once; more get 503 "busy" at once, so a flood of bad logins never holds every
  // worker. main_server.cpp sets a quarter of the workers, at least 1.
  int max_signins_in_flight = 2;
  // The fleet page flags a kiosk silent after this long without a heartbeat
  // (server/office_fleet.h; [console] fleet_silent_minutes).
  int fleet_silent_minutes = 30;
};

struct ConsoleSession {
  OfficeAccount account;
  std::string csrf_token;
};

struct NewSession {
  std::string token;       // goes into the cookie only; never stored
  std::string csrf_token;  // shown in forms, and to the API client
};

// Creates a session for `account` (already signed in by SignIn). Also deletes every
// expired session. Any thread; database errors as PgPool.
Result<NewSession> CreateSession(PgPool& pool, const OfficeAccount& account,
                                 const SessionLimits& limits, const std::string& client);

// The live session of `token`, touched (its idle clock restarts). nullopt inside the
// Result when there is none; *expired (if given) says whether it existed but ran past
// a limit (it is deleted then), so the page can say "timed out" rather than "sign in".
// A disabled account's sessions are dead. Any thread.
Result<std::optional<ConsoleSession>> FindSession(PgPool& pool, const std::string& token,
                                                  const SessionLimits& limits, bool* expired);

// Ends the session of `token` (sign-out). Unknown tokens are fine. Any thread.
Status EndSession(PgPool& pool, const std::string& token);

// 32 random bytes, base64url without padding (43 characters). Any thread.
std::string RandomToken();

// True when `a` and `b` are equal, in time independent of where they differ. Pure.
bool TokensEqual(std::string_view a, std::string_view b);

// The value of cookie `name` in a Cookie header ("a=1; b=2"), or "". Pure.
std::string CookieValue(std::string_view header, std::string_view name);

// A Set-Cookie value: Path=/, HttpOnly (unless !http_only), SameSite=Strict, Secure
// unless `secure` is false (plain HTTP on loopback only), Max-Age when max_age >= 0
// (0 deletes it). Pure.
std::string SetCookieValue(std::string_view name, std::string_view value, bool secure, int max_age,
                           bool http_only = true);

}  // namespace yimen::server
