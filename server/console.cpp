// The console's front door (console.h): headers every reply gets, sign-in and
// sign-out, the session and CSRF checks, the language switch, static files, the key
// page, and the routing to the pages and the API (console_pages.cpp).
#include "server/console.h"

#include <exception>

#include "domain/json_limits.h"
#include "server/console_call.h"
#include "sync/protocol/messages.h"

namespace yimen::server {
namespace {

using nlohmann::json;

constexpr const char* kPagePrefix = "/console/";
constexpr int kMaxBodyDepth = 8;  // the deepest office API body is 3 (a bulk filter's list)
constexpr const char* kApiPrefix = "/api/office/v1/";
constexpr const char* kSecurityPolicy =
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

void AddSecurityHeaders(ApiReply* reply, bool cacheable) {
  reply->headers.emplace_back("Content-Security-Policy", kSecurityPolicy);
  reply->headers.emplace_back("X-Frame-Options", "DENY");
  reply->headers.emplace_back("X-Content-Type-Options", "nosniff");
  reply->headers.emplace_back("Referrer-Policy", "no-referrer");
  reply->headers.emplace_back("Cache-Control", cacheable ? "no-cache" : "no-store");
}

std::string ContentTypeOf(std::string_view name) {
  if (name.size() > 4 && name.substr(name.size() - 4) == ".css") return "text/css; charset=utf-8";
  if (name.size() > 3 && name.substr(name.size() - 3) == ".js") {
    return "text/javascript; charset=utf-8";
  }
  return "application/octet-stream";
}

// Which refusal SignIn gave (office_accounts.h): its kind is kRejected for all three,
// so its code tells them apart.
std::string RefusalCode(const Error& error) {
  if (error.code == kSignInLockedCode) return "locked";
  if (error.code == kSignInForbiddenCode) return "forbidden";
  return "refused";
}

bool IsSupervisor(const OfficeAccount& account) { return account.role == OfficeRole::kSupervisor; }

}  // namespace

ApiReply HtmlReply(int status, std::string html) {
  ApiReply reply;
  reply.status = status;
  reply.content_type = "text/html; charset=utf-8";
  reply.body = std::move(html);
  return reply;
}

ApiReply JsonOut(int status, const json& body) {
  ApiReply reply;
  reply.status = status;
  reply.body = body.dump();
  return reply;
}

ApiReply Redirect(const std::string& location) {
  ApiReply reply;
  reply.status = 303;
  reply.content_type = "text/plain; charset=utf-8";
  reply.headers.emplace_back("Location", location);
  return reply;
}

int HttpStatusOf(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidArgument: return 400;
    case ErrorKind::kNotFound: return 404;
    case ErrorKind::kConflict: return 409;
    case ErrorKind::kRejected: return 403;
    case ErrorKind::kUnavailable: return 503;
    default: return 500;
  }
}

std::string ShownMessage(const ConsoleCall& call, const Error& error) {
  switch (error.kind) {
    case ErrorKind::kUnavailable: return call.T("error_unavailable");
    case ErrorKind::kNotFound: return call.T("error_not_found");
    case ErrorKind::kInvalidArgument:
    case ErrorKind::kConflict:
    case ErrorKind::kRejected: return error.message;
    default: return call.T("error_internal");
  }
}

ApiReply ApiError(const ConsoleCall& call, const Error& error) {
  static const std::map<ErrorKind, const char*> kCodes = {{ErrorKind::kInvalidArgument, "invalid"},
                                                          {ErrorKind::kNotFound, "not_found"},
                                                          {ErrorKind::kConflict, "conflict"},
                                                          {ErrorKind::kRejected, "refused"},
                                                          {ErrorKind::kUnavailable, "unavailable"}};
  const auto code = kCodes.find(error.kind);
  ApiReply reply = JsonOut(HttpStatusOf(error.kind),
                           json{{"error", code == kCodes.end() ? "internal" : code->second},
                                {"message", ShownMessage(call, error)}});
  if (error.kind == ErrorKind::kUnavailable) reply.retry_after_s = 1;
  if (code == kCodes.end() || error.kind == ErrorKind::kUnavailable) {
    reply.log_note = error.message.substr(0, error.message.find('\n'));
  }
  return reply;
}

json ConsoleCall::Model() const {
  json model{{"lang", lang},
             {"other_lang", lang == "en" ? "zh" : "en"},
             {"other_lang_name", lang == "en" ? "中文" : "English"},
             {"back", UrlEncode(path + (query.empty() ? "" : "?" + query))},
             {"signed_in", session.has_value()}};
  if (session) {
    model["csrf"] = session->csrf_token;
    model["account"] = {
        {"name", session->account.name},
        {"role", OfficeRoleName(session->account.role)},
        {"role_label", T(std::string("role_") + OfficeRoleName(session->account.role))},
        {"scope", session->account.scope},
        {"supervisor", IsSupervisor(session->account)},
        // The fleet page's nav link (console_fleet.cpp): admins and supervisors.
        {"may_fleet",
         IsSupervisor(session->account) || session->account.role == OfficeRole::kAdmin}};
    model["nav_catalog"] = RoleMayRun(session->account.role, "console catalog");
    model["nav_roster"] = RoleMayRun(session->account.role, "roster");
    // Statistics: every role, each its own scope's figures.
    model["nav"]["stats"] = true;
  }
  return model;
}

Console::Console(PgPool& pool, KeyVault& vault, const CatalogShelf& catalogs,
                 std::shared_ptr<const Catalog> catalog, ConsoleOptions options)
    : m_pool(pool),
      m_vault(vault),
      m_catalogs(catalogs),
      m_catalog(std::move(catalog)),
      m_options(options) {}

ApiReply Console::Handle(const ApiRequest& request) {
  const size_t question = request.target.find('?');
  ConsoleCall call{request};
  call.path = request.target.substr(0, question);
  call.query = question == std::string::npos ? std::string() : request.target.substr(question + 1);
  call.params = ParseForm(call.query);
  call.api = StartsWith(call.path, kApiPrefix);
  call.secure = m_options.secure_cookies;
  call.lang = ConsoleLang(CookieValue(request.Header("cookie"), kLangCookie));
  const bool is_static = StartsWith(call.path, "/console/static/");
  ApiReply reply;
  try {
    reply = Route(call);
  } catch (const std::exception& e) {
    reply = call.api ? JsonOut(500, json{{"error", "internal"}, {"message", "internal error"}})
                     : HtmlReply(500, RenderConsolePage("error.mustache", call.T("error_internal"),
                                                        call.Model()));
    reply.log_note = e.what();
  }
  AddSecurityHeaders(&reply, is_static && reply.status == 200);
  return reply;
}

ApiReply Console::Route(ConsoleCall& call) {
  const ApiRequest& request = call.request;
  if (call.path == "/console" || call.path == "/console/") return Redirect("/console/queue");
  if (StartsWith(call.path, "/console/static/") && request.method == "GET") {
    const std::string name = call.path.substr(std::string("/console/static/").size());
    const std::string* asset =
        name.find('/') == std::string::npos && name.find(".mustache") == std::string::npos
            ? ConsoleAsset(name)
            : nullptr;
    if (asset == nullptr) return HtmlReply(404, "not found");
    ApiReply reply = HtmlReply(200, *asset);
    reply.content_type = ContentTypeOf(name);
    return reply;
  }
  if (call.path == "/console/lang" && request.method == "GET") {
    const std::string to = ConsoleLang(FormValue(call.params, "to"));
    std::string back = FormValue(call.params, "back");
    if (!StartsWith(back, kPagePrefix) || StartsWith(back, "//")) back = "/console/queue";
    ApiReply reply = Redirect(back);
    reply.headers.emplace_back(
        "Set-Cookie", SetCookieValue(kLangCookie, to, call.secure, 365 * 24 * 3600, false));
    return reply;
  }
  const bool post = request.method == "POST" || request.method == "DELETE";
  if (post) {
    const std::string type = request.Header("content-type");
    if (type.find("application/json") != std::string::npos) {
      // Depth-limited, and no number a field could not hold (messages.h CheckNumbers). A
      // catalog upload is a whole catalog: the catalog loader checks its numbers.
      const bool catalog = call.path == std::string(kApiPrefix) + "catalogs";
      auto parsed = ParseJsonWithin(request.body, catalog ? kMaxJsonDepth : kMaxBodyDepth);
      if (!parsed.ok() || !parsed->is_object() ||
          (!catalog && !protocol::CheckNumbers(*parsed, /*allow_fractions=*/false).ok())) {
        return JsonOut(400,
                       json{{"error", "invalid"}, {"message", "the body is not a JSON object"}});
      }
      call.body = std::move(*parsed);
    } else {
      call.form = ParseForm(request.body);
    }
  }
  if (call.path == "/console/login") {
    if (request.method == "GET") return LoginPage(call, "", "");
    return Login(call);
  }
  if (call.path == std::string(kApiPrefix) + "session" && request.method == "POST") {
    return ApiLogin(call);
  }

  bool expired = false;
  const std::string token = CookieValue(request.Header("cookie"), kSessionCookie);
  auto session = FindSession(m_pool, token, m_options.session, &expired);
  if (!session.ok()) {
    return call.api ? ApiError(call, session.error())
                    : HtmlReply(503, RenderConsolePage("error.mustache",
                                                       call.T("error_unavailable"), call.Model()));
  }
  if (!session->has_value()) {
    if (call.api) {
      return JsonOut(401,
                     json{{"error", expired ? "session_expired" : "signed_out"},
                          {"message", call.T(expired ? "session_expired" : "please_sign_in")}});
    }
    return Redirect(std::string("/console/login") + (expired ? "?expired=1" : ""));
  }
  call.session = std::move(**session);
  if (post) {
    const std::string sent =
        call.api ? request.Header("x-csrf-token") : FormValue(call.form, "csrf");
    if (!TokensEqual(sent, call.session->csrf_token)) {
      if (call.api) {
        return JsonOut(403, json{{"error", "csrf"}, {"message", call.T("csrf_refused")}});
      }
      json model = call.Model();
      model["message"] = call.T("csrf_refused");
      return HtmlReply(403, RenderConsolePage("error.mustache", call.T("csrf_refused"), model));
    }
  }
  return call.api ? RouteApi(call) : RoutePage(call);
}

ApiReply Console::RoutePage(ConsoleCall& call) {
  const std::string& method = call.request.method;
  const std::string& path = call.path;
  if (path == "/console/logout" && method == "POST") {
    (void)EndSession(m_pool, CookieValue(call.request.Header("cookie"), kSessionCookie));
    ApiReply reply = Redirect("/console/login");
    reply.headers.emplace_back("Set-Cookie", SetCookieValue(kSessionCookie, "", call.secure, 0));
    return reply;
  }
  if (path == "/console/queue" && method == "GET") return QueuePage(call);
  if (path == "/console/bulk" && method == "POST") return BulkPost(call);
  if (path == "/console/key" && method == "GET") return KeyPage(call, "");
  // Statistics (console_stats.cpp).
  if (path == "/console/stats" && method == "GET") return StatsPage(call);
  if (path == "/console/stats/export.csv" && method == "GET") return StatsExport(call, "csv");
  if (path == "/console/stats/export.xlsx" && method == "GET") return StatsExport(call, "xlsx");
  // Catalog publishing (console_catalog.cpp).
  if (path == "/console/catalog" || StartsWith(path, "/console/catalog/"))
    return CatalogRoute(call);
  if (StartsWith(path, "/console/key/") && method == "POST") {
    return KeyPost(call, path.substr(std::string("/console/key/").size()));
  }
  // Fleet (console_fleet.cpp).
  if (path == "/console/fleet" && method == "GET") return FleetPage(call);
  if (StartsWith(path, "/console/fleet/")) {
    const std::string rest = path.substr(std::string("/console/fleet/").size());
    const size_t slash = rest.find('/');
    const std::string device = rest.substr(0, slash);
    const std::string tail = slash == std::string::npos ? "" : rest.substr(slash + 1);
    if (tail.empty() && method == "GET") return FleetRevokePage(call, device, "");
    if (tail == "revoke" && method == "POST") return FleetRevokePost(call, device);
  }
  if (StartsWith(path, "/console/app/")) {
    const std::string rest = path.substr(std::string("/console/app/").size());
    const size_t slash = rest.find('/');
    const std::string number = rest.substr(0, slash);
    const std::string tail = slash == std::string::npos ? "" : rest.substr(slash + 1);
    if (tail.empty() && method == "GET") return ApplicationPage(call, number, json::object());
    if (tail == "action" && method == "POST") return ActionPost(call, number);
    if (tail == "comment" && method == "POST") return CommentPost(call, number);
    if (tail == "photo" && method == "GET")
      return Photo(call, number, FormValue(call.params, "id"));
  }
  // Subsidy roster (console_roster.cpp).
  if (path == "/console/roster" && method == "GET") return RosterPage(call, "", 200);
  if (path == "/console/roster/export" && method == "POST") return RosterExportPost(call);
  json model = call.Model();
  model["message"] = call.T("error_not_found");
  return HtmlReply(404, RenderConsolePage("error.mustache", call.T("error_not_found"), model));
}

ApiReply Console::RouteApi(ConsoleCall& call) {
  const std::string& method = call.request.method;
  const std::string path = call.path.substr(std::string(kApiPrefix).size());
  if (path == "session" && method == "GET") {
    json out = call.Model()["account"];
    out["csrf_token"] = call.session->csrf_token;
    return JsonOut(200, out);
  }
  if (path == "session" && method == "DELETE") {
    (void)EndSession(m_pool, CookieValue(call.request.Header("cookie"), kSessionCookie));
    ApiReply reply;
    reply.status = 204;
    reply.headers.emplace_back("Set-Cookie", SetCookieValue(kSessionCookie, "", call.secure, 0));
    return reply;
  }
  if (path == "queue" && method == "GET") return ApiQueue(call);
  if (path == "bulk-actions" && method == "POST") return ApiBulk(call);
  if (path == "key" && method == "GET") return JsonOut(200, KeyState());
  // Statistics (console_stats.cpp).
  if (path == "stats" && method == "GET") return ApiStats(call);
  // Catalog publishing (console_catalog.cpp).
  if (path == "catalogs" || StartsWith(path, "catalogs/")) return ApiCatalogRoute(call, path);
  if (StartsWith(path, "key/") && method == "POST") {
    const Status done = KeyOperation(call, path.substr(4), call.body.value("passphrase", ""),
                                     call.body.value("new_passphrase", ""));
    if (!done.ok()) return ApiError(call, done.error());
    return JsonOut(200, KeyState());
  }
  // Fleet (console_fleet.cpp).
  if (path == "kiosks" && method == "GET") return ApiFleet(call);
  if (StartsWith(path, "kiosks/") && path.size() > 14 &&
      path.compare(path.size() - 7, 7, "/revoke") == 0 && method == "POST") {
    return ApiFleetRevoke(call, path.substr(7, path.size() - 14));
  }
  if (StartsWith(path, "applications/")) {
    const std::string rest = path.substr(std::string("applications/").size());
    const size_t slash = rest.find('/');
    const std::string number = rest.substr(0, slash);
    const std::string tail = slash == std::string::npos ? "" : rest.substr(slash + 1);
    if (tail.empty() && method == "GET") return ApiApplication(call, number);
    if (tail == "actions" && method == "POST") return ApiAction(call, number);
    if (tail == "comments" && method == "POST") return ApiComment(call, number);
    if (StartsWith(tail, "attachments/") && method == "GET") {
      const auto decoded = ParseForm("x=" + tail.substr(std::string("attachments/").size()));
      return Photo(call, number, FormValue(decoded, "x"));
    }
  }
  // Subsidy roster (console_roster.cpp).
  if (path == "roster" && method == "GET") return ApiRoster(call);
  if (path == "roster/exports" && method == "POST") return ApiRosterExport(call);
  if (path == "roster/exports" && method == "GET") return ApiRosterExports(call);
  return JsonOut(404, json{{"error", "not_found"}, {"message", "no such endpoint"}});
}

Result<OfficeAccount> Console::BoundedSignIn(const std::string& name, const std::string& password,
                                             const std::string& client) {
  if (m_signins.fetch_add(1) >= m_options.max_signins_in_flight) {
    m_signins.fetch_sub(1);
    return MakeError(ErrorKind::kUnavailable, "busy");
  }
  auto account = SignIn(m_pool, name, password, "console", client);
  m_signins.fetch_sub(1);
  return account;
}

ApiReply Console::LoginPage(ConsoleCall& call, const std::string& error, const std::string& name) {
  json model = call.Model();
  const std::string login_csrf = RandomToken();
  model["login_csrf"] = login_csrf;
  model["name"] = name;
  model["error"] = error;
  if (error.empty() && FormValue(call.params, "expired") == "1") {
    model["notice"] = call.T("session_expired");
  }
  ApiReply reply = HtmlReply(error.empty() ? 200 : 403,
                             RenderConsolePage("login.mustache", call.T("login_title"), model));
  reply.headers.emplace_back("Set-Cookie",
                             SetCookieValue(kLoginCsrfCookie, login_csrf, call.secure, 3600));
  return reply;
}

ApiReply Console::Login(ConsoleCall& call) {
  const std::string name = FormValue(call.form, "name");
  const std::string cookie = CookieValue(call.request.Header("cookie"), kLoginCsrfCookie);
  if (!TokensEqual(FormValue(call.form, "csrf"), cookie)) {
    return LoginPage(call, call.T("csrf_refused"), name);
  }
  auto account = BoundedSignIn(name, FormValue(call.form, "password"), call.request.remote_addr);
  if (!account.ok()) {
    const std::string message = account.error().kind == ErrorKind::kUnavailable
                                    ? call.T("login_busy")
                                    : call.T("login_" + RefusalCode(account.error()));
    ApiReply reply = LoginPage(call, message, name);
    if (account.error().kind == ErrorKind::kUnavailable) {
      reply.status = 503;
      reply.retry_after_s = 2;
    }
    return reply;
  }
  auto session = CreateSession(m_pool, *account, m_options.session, call.request.remote_addr);
  if (!session.ok()) return LoginPage(call, call.T("error_unavailable"), name);
  ApiReply reply = Redirect("/console/queue");
  reply.headers.emplace_back("Set-Cookie",
                             SetCookieValue(kSessionCookie, session->token, call.secure, -1));
  reply.headers.emplace_back("Set-Cookie", SetCookieValue(kLoginCsrfCookie, "", call.secure, 0));
  return reply;
}

ApiReply Console::ApiLogin(ConsoleCall& call) {
  if (!call.body.is_object()) {
    return JsonOut(415, json{{"error", "invalid"}, {"message", "send application/json"}});
  }
  auto account = BoundedSignIn(call.body.value("name", ""), call.body.value("password", ""),
                               call.request.remote_addr);
  if (!account.ok()) {
    if (account.error().kind == ErrorKind::kUnavailable) {
      ApiReply reply = JsonOut(503, json{{"error", "busy"}, {"message", call.T("login_busy")}});
      reply.retry_after_s = 2;
      return reply;
    }
    const std::string code = RefusalCode(account.error());
    return JsonOut(401, json{{"error", code}, {"message", call.T("login_" + code)}});
  }
  auto session = CreateSession(m_pool, *account, m_options.session, call.request.remote_addr);
  if (!session.ok()) return ApiError(call, session.error());
  call.session = ConsoleSession{*account, session->csrf_token};
  json out = call.Model()["account"];
  out["csrf_token"] = session->csrf_token;
  ApiReply reply = JsonOut(200, out);
  reply.headers.emplace_back("Set-Cookie",
                             SetCookieValue(kSessionCookie, session->token, call.secure, -1));
  return reply;
}

json Console::KeyState() {
  const KeyVault::State state = m_vault.state();
  const char* name = state == KeyVault::State::kUnprotected ? "unprotected"
                     : state == KeyVault::State::kLocked    ? "locked"
                                                            : "unlocked";
  return json{{"state", name}, {"unlocked_until", m_vault.unlocked_until()}};
}

Status Console::KeyOperation(ConsoleCall& call, const std::string& what,
                             const std::string& passphrase, const std::string& second) {
  const OfficeAccount& who = call.session->account;
  if (!IsSupervisor(who)) return MakeError(ErrorKind::kRejected, call.T("key_supervisors_only"));
  const std::string& client = call.request.remote_addr;
  if (what == "unlock") {
    Status done = m_vault.Unlock(passphrase, who.name, client);
    if (!done.ok() && done.error().kind == ErrorKind::kRejected) {
      return MakeError(ErrorKind::kRejected, done.error().code == KeyVault::kPassphraseLockedOutCode
                                                 ? call.T("key_locked_out")
                                                 : call.T("key_wrong_passphrase"));
    }
    return done;
  }
  if (what == "lock") {
    m_vault.Lock(who.name, "lock");
    return Status::Ok();
  }
  if (what == "setup") {
    if (!call.api && passphrase != second) {
      return MakeError(ErrorKind::kInvalidArgument, call.T("key_repeat_differs"));
    }
    Status done = m_vault.SetUpPassphrase(passphrase, who.name, client);
    if (!done.ok() && done.error().kind == ErrorKind::kInvalidArgument) {
      return MakeError(ErrorKind::kInvalidArgument, call.T("key_too_short"));
    }
    return done;
  }
  if (what == "change") return m_vault.ChangePassphrase(passphrase, second, who.name, client);
  return MakeError(ErrorKind::kNotFound, "no such key operation");
}

ApiReply Console::KeyPage(ConsoleCall& call, const std::string& error) {
  json model = call.Model();
  model["key"] = KeyState();
  const std::string state = model["key"]["state"];
  model["key"]["state_label"] = call.T("key_state_" + state);
  model["key"]["is_" + state] = true;
  model["key"]["until_shown"] = ChinaTime(model["key"]["unlocked_until"]);
  model["error"] = error;
  if (FormValue(call.params, "done") == "1") model["notice"] = call.T("saved");
  return HtmlReply(error.empty() ? 200 : 400,
                   RenderConsolePage("key.mustache", call.T("key_title"), model));
}

ApiReply Console::KeyPost(ConsoleCall& call, const std::string& what) {
  const Status done =
      KeyOperation(call, what, FormValue(call.form, "passphrase"),
                   FormValue(call.form, what == "change" ? "new_passphrase" : "repeat"));
  if (!done.ok()) {
    ApiReply reply = KeyPage(call, ShownMessage(call, done.error()));
    reply.status = HttpStatusOf(done.error().kind);
    return reply;
  }
  const std::string back = FormValue(call.form, "back");
  if (StartsWith(back, "/console/app/") || StartsWith(back, "/console/roster"))
    return Redirect(back);
  return Redirect("/console/key?done=1");
}

}  // namespace yimen::server
