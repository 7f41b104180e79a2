// Console sessions (console_session.h): tokens, their hashes, the two limits.
#include "server/console_session.h"

#include <sodium.h>

#include <pqxx/pqxx>

namespace yimen::server {
namespace {

// BLAKE2b-256 of the token, hex: what console_sessions keeps instead of the token.
std::string TokenHash(const std::string& token) {
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

}  // namespace

std::string RandomToken() {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char text[sodium_base64_ENCODED_LEN(sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(text, sizeof text, bytes, sizeof bytes,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(bytes, sizeof bytes);
  return text;
}

bool TokensEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || a.empty()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string CookieValue(std::string_view header, std::string_view name) {
  size_t at = 0;
  while (at < header.size()) {
    size_t end = header.find(';', at);
    if (end == std::string_view::npos) end = header.size();
    std::string_view pair = header.substr(at, end - at);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
      return std::string(pair.substr(eq + 1));
    }
    at = end + 1;
  }
  return "";
}

std::string SetCookieValue(std::string_view name, std::string_view value, bool secure, int max_age,
                           bool http_only) {
  std::string out = std::string(name) + "=" + std::string(value) + "; Path=/";
  if (max_age >= 0) out += "; Max-Age=" + std::to_string(max_age);
  if (http_only) out += "; HttpOnly";
  if (secure) out += "; Secure";
  out += "; SameSite=Strict";
  return out;
}

Result<NewSession> CreateSession(PgPool& pool, const OfficeAccount& account,
                                 const SessionLimits& limits, const std::string& client) {
  NewSession session{RandomToken(), RandomToken()};
  Status status = pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    tx.exec_params(
        "DELETE FROM console_sessions WHERE last_seen_at < now() - make_interval(secs => $1) "
        "OR created_at < now() - make_interval(secs => $2)",
        static_cast<double>(limits.idle_seconds), static_cast<double>(limits.absolute_seconds));
    tx.exec_params(
        "INSERT INTO console_sessions (token_hash, account_id, csrf_token, client) "
        "VALUES ($1, $2, $3, $4)",
        TokenHash(session.token), account.id, session.csrf_token, client);
    tx.commit();
  });
  if (!status.ok()) return status.error();
  return session;
}

Result<std::optional<ConsoleSession>> FindSession(PgPool& pool, const std::string& token,
                                                  const SessionLimits& limits, bool* expired) {
  if (expired != nullptr) *expired = false;
  std::optional<ConsoleSession> found;
  if (token.empty() || token.size() > 128) return found;
  bool was_there = false;
  Status status = pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    // The touch need not wait for the WAL flush (a fsync: most of a console request's
    // time when it did, docs/benchmarks.md "Office console"): a crash can only lose
    // the newest last_seen_at, which makes the session time out sooner, never later.
    tx.exec("SET LOCAL synchronous_commit = off");
    const std::string hash = TokenHash(token);
    pqxx::result r = tx.exec_params(
        "UPDATE console_sessions s SET last_seen_at = now() FROM office_accounts a "
        "WHERE s.token_hash = $1 AND a.id = s.account_id AND NOT a.disabled "
        "  AND s.last_seen_at >= now() - make_interval(secs => $2) "
        "  AND s.created_at >= now() - make_interval(secs => $3) "
        "RETURNING a.id, a.name, a.role, a.scope, s.csrf_token",
        hash, static_cast<double>(limits.idle_seconds),
        static_cast<double>(limits.absolute_seconds));
    if (r.empty()) {
      was_there =
          !tx.exec_params("DELETE FROM console_sessions WHERE token_hash = $1 RETURNING 1", hash)
               .empty();
      tx.commit();
      return;
    }
    tx.commit();
    const auto role = ParseOfficeRole(r[0][2].as<std::string>());
    if (!role) return;
    ConsoleSession session;
    session.account = OfficeAccount{r[0][0].as<int64_t>(), r[0][1].as<std::string>(), *role,
                                    r[0][3].as<std::string>()};
    session.csrf_token = r[0][4].as<std::string>();
    found = std::move(session);
  });
  if (!status.ok()) return status.error();
  if (expired != nullptr) *expired = was_there;
  return found;
}

Status EndSession(PgPool& pool, const std::string& token) {
  if (token.empty() || token.size() > 128) return Status::Ok();
  return pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    tx.exec_params("DELETE FROM console_sessions WHERE token_hash = $1", TokenHash(token));
    tx.commit();
  });
}

}  // namespace yimen::server
