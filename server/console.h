// The office console (docs/console.md): server-rendered pages at /console/ and the same
// operations as JSON under /api/office/v1/ (docs/api/openapi.yaml), on the kiosk API's
// origin, answered by ServerCore::Handle on its workers. Sign-in goes through SignIn
// (office_accounts.h: Argon2id, growing delay, lockout); a session is a cookie
// (console_session.h) and every POST carries the session's CSRF token. Every status
// change goes through ApplyOfficeAction (office_workflow.h); applications are opened
// with the vault (key_vault.h). Replies carry CSP default-src 'self', X-Frame-Options
// DENY and Cache-Control: no-store.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "domain/catalog.h"
#include "server/application_open.h"
#include "server/console_session.h"
#include "server/key_vault.h"
#include "server/office_fleet.h"
#include "server/office_workflow.h"
#include "server/pg_pool.h"
#include "server/service.h"

namespace yimen::server {

struct ConsoleCall;  // one request as the handlers see it (console_call.h)
struct StatsView;    // the statistics as the page shows them (console_stats.cpp)

class Console {
 public:
  // `catalog` is the server's own (its --catalog dir), or null: service names and
  // towns for the queue's filters; an application's own catalog version comes from
  // `catalogs`.
  Console(PgPool& pool, KeyVault& vault, const CatalogShelf& catalogs,
          std::shared_ptr<const Catalog> catalog, ConsoleOptions options);

  // Answers GET/POST /console/... and GET/POST/DELETE /api/office/v1/... Never throws.
  // Thread-safe (workers call it at once).
  ApiReply Handle(const ApiRequest& request);

  // Sign-ins running now (tests, metrics).
  int signins_in_flight() const { return m_signins.load(); }

 private:
  ApiReply Route(ConsoleCall& call);
  ApiReply RoutePage(ConsoleCall& call);
  ApiReply RouteApi(ConsoleCall& call);
  ApiReply LoginPage(ConsoleCall& call, const std::string& error, const std::string& name);
  ApiReply Login(ConsoleCall& call);
  ApiReply ApiLogin(ConsoleCall& call);
  // SignIn bounded by max_signins_in_flight; kUnavailable "busy" beyond it.
  Result<OfficeAccount> BoundedSignIn(const std::string& name, const std::string& password,
                                      const std::string& client);
  ApiReply KeyPage(ConsoleCall& call, const std::string& error);
  ApiReply KeyPost(ConsoleCall& call, const std::string& what);
  nlohmann::json KeyState();
  Status KeyOperation(ConsoleCall& call, const std::string& what, const std::string& passphrase,
                      const std::string& second);

  // console_pages.cpp: the queue, one application, actions, comments, photos.
  ApiReply QueuePage(ConsoleCall& call);
  ApiReply BulkPost(ConsoleCall& call);
  ApiReply ApplicationPage(ConsoleCall& call, const std::string& number,
                           const nlohmann::json& form);
  ApiReply ActionPost(ConsoleCall& call, const std::string& number);
  ApiReply CommentPost(ConsoleCall& call, const std::string& number);
  ApiReply Photo(ConsoleCall& call, const std::string& number, const std::string& attachment_id);
  ApiReply ApiQueue(ConsoleCall& call);
  ApiReply ApiApplication(ConsoleCall& call, const std::string& number);
  ApiReply ApiAction(ConsoleCall& call, const std::string& number);
  ApiReply ApiComment(ConsoleCall& call, const std::string& number);
  ApiReply ApiBulk(ConsoleCall& call);
  nlohmann::json VisitJson(ConsoleCall& call, const ApplicationDetail& detail) const;
  nlohmann::json ApplicationModel(ConsoleCall& call, const ApplicationDetail& detail,
                                  nlohmann::json* problem);
  Result<std::shared_ptr<const Catalog>> CatalogOf(const std::string& version);

  // console_stats.cpp: statistics page, its CSV/XLSX export, its JSON
  // (docs/console.md "Statistics").
  Result<std::unique_ptr<StatsView>> LoadStats(ConsoleCall& call);
  ApiReply StatsPage(ConsoleCall& call);
  ApiReply StatsExport(ConsoleCall& call, const std::string& format);
  ApiReply ApiStats(ConsoleCall& call);
  // console_fleet.cpp: the kiosks (office_fleet.h) and revoking one.
  FleetOptions FleetOptionsNow() const;
  ApiReply FleetPage(ConsoleCall& call);
  ApiReply FleetRevokePage(ConsoleCall& call, const std::string& device, const std::string& error);
  ApiReply FleetRevokePost(ConsoleCall& call, const std::string& device);
  ApiReply ApiFleet(ConsoleCall& call);
  ApiReply ApiFleetRevoke(ConsoleCall& call, const std::string& device);
  // console_catalog.cpp: catalog publishing (docs/console.md "Catalog publishing").
  ApiReply CatalogRoute(ConsoleCall& call);
  ApiReply ApiCatalogRoute(ConsoleCall& call, const std::string& path);
  ApiReply CatalogPage(ConsoleCall& call, const std::string& error, const std::string& uploaded);
  ApiReply CatalogVersionPage(ConsoleCall& call, const std::string& version,
                              const std::string& error);
  ApiReply CatalogUploadPost(ConsoleCall& call);
  ApiReply CatalogEditPost(ConsoleCall& call);
  // The published version in force today, else the server's own catalog (null: none).
  Result<std::shared_ptr<const Catalog>> CatalogInForce(std::string* version);
  // DiffCatalogs(in force, next) as [{text, zh, en}] in the page's language.
  nlohmann::json CatalogChanges(ConsoleCall& call, const Catalog& next, std::string* against);
  // console_roster.cpp: the subsidy roster (补贴清册), its export and the export log.
  ApiReply RosterPage(ConsoleCall& call, const std::string& error, int status);
  ApiReply RosterExportPost(ConsoleCall& call);
  ApiReply ApiRoster(ConsoleCall& call);
  ApiReply ApiRosterExport(ConsoleCall& call);
  ApiReply ApiRosterExports(ConsoleCall& call);

  PgPool& m_pool;
  KeyVault& m_vault;
  const CatalogShelf& m_catalogs;
  std::shared_ptr<const Catalog> m_catalog;
  ConsoleOptions m_options;
  std::atomic<int> m_signins{0};
};

}  // namespace yimen::server
