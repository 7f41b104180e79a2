// Catalog publishing against real PostgreSQL and the real server (server/office_catalog.h,
// GET /v1/catalog): a broken catalog is refused with the path of the problem, a draft is
// diffed in words a clerk reads, published, and served to kiosks by effective date (the
// version in force and the upcoming one); a kiosk's signature cannot publish anything.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "domain/catalog_versions.h"
#include "domain/published_catalog.h"
#include "server/migrations.h"
#include "server/office_catalog.h"
#include "server/server_test_support.h"
#include "sync/client/curl_transport.h"

namespace yimen::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using testing_catalog::DibaoRaised;

const server::CatalogActor kSupervisor{"wang-supervisor", "supervisor", "test"};

class CatalogPublish : public ::testing::Test {
 protected:
  void SetUp() override {
    m_pool = std::make_unique<server::PgPool>(m_db.url());
    ASSERT_TRUE(server::ApplyMigrations(*m_pool).ok());
  }
  server::PgPool& pool() { return *m_pool; }

  void Publish(const json& body) {
    auto checked = server::CheckCatalogUpload(body.dump());
    ASSERT_TRUE(checked.ok()) << checked.error().message;
    ASSERT_TRUE(server::SaveCatalogDraft(pool(), *checked, kSupervisor).ok());
    ASSERT_TRUE(server::PublishCatalogDraft(pool(), checked->catalog.version, kSupervisor).ok());
  }

  TestDatabase m_db;
  std::unique_ptr<server::PgPool> m_pool;
};

TEST_F(CatalogPublish, ABrokenCatalogIsRefusedWithThePathOfEachProblem) {
  json body = DibaoRaised("2026.12.1", "2027-01-01", 1300);
  body["files"]["services/dibao.json"]["standards"][3]["amount_yuan"] = -5;
  body["files"]["services/dibao.json"]["time_limit_days"] = "soon";
  auto checked = server::CheckCatalogUpload(body.dump());
  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.error().kind, ErrorKind::kInvalidArgument);
  std::printf("refusal:\n%s\n", checked.error().message.c_str());
  EXPECT_THAT(checked.error().message, HasSubstr("services/dibao.json: standards[3].amount_yuan"));
  EXPECT_THAT(checked.error().message, HasSubstr("services/dibao.json: time_limit_days"));
  EXPECT_FALSE(server::CheckCatalogUpload("{\"files\": 3}").ok());
  EXPECT_FALSE(server::CheckCatalogUpload(std::string(100000, '[')).ok());  // depth, not a crash
  EXPECT_EQ(m_db.Count("SELECT count(*) FROM catalogs"), 0);

  // The CLI refuses the same file the same way, through the same check.
  OfficeAdmin admin(m_db.url());
  ASSERT_TRUE(admin.Bootstrap());
  SyncTempDir dir;
  const std::string file = dir.path() + "/broken.json";
  std::ofstream(file) << body.dump();
  CommandResult cli =
      admin.RunAs(admin.user(), OfficeAdmin::kPassword, {"publish-catalog", file}, "", true);
  EXPECT_NE(cli.exit_code, 0);
  EXPECT_THAT(cli.out, HasSubstr("standards[3].amount_yuan"));
  EXPECT_EQ(m_db.Count("SELECT count(*) FROM catalogs"), 0);
}

TEST_F(CatalogPublish, TheDiffNamesTheNewStandardWithTheFigureItReplaces) {
  auto current = ParsePublishedCatalog(testing_catalog::AssetCatalogBody().dump());
  ASSERT_TRUE(current.ok());
  json body = DibaoRaised("2026.12.1", "2027-01-01", 1300);
  body["files"]["services/dibao.json"]["time_limit_days"] = 20;
  auto next = ParsePublishedCatalog(body.dump());
  ASSERT_TRUE(next.ok()) << next.error().message;
  std::vector<std::string> lines;
  for (const auto& change : server::DiffCatalogs(&*current, *next)) {
    std::printf("%s | %s\n", change.zh.c_str(), change.en.c_str());
    lines.push_back(change.zh);
  }
  EXPECT_THAT(lines, ::testing::Contains("版本: 2026.11.2 → 2026.12.1"));
  EXPECT_THAT(lines, ::testing::Contains("生效日期: 2026-11-23 → 2027-01-01"));
  EXPECT_THAT(
      lines,
      ::testing::Contains(
          "最低生活保障（低保） 标准（全市城乡统一）: 1225 → 1300 元/人/月, 生效 2027-01-01"));
  EXPECT_THAT(lines, ::testing::Contains(HasSubstr("办理时限")));
  EXPECT_EQ(lines.size(), 4u);  // nothing else changed
}

TEST_F(CatalogPublish, TheFormEditMakesANewVersionWithTheNewFigureFromItsDate) {
  auto edited = server::EditCatalogStandards(testing_catalog::AssetCatalogBody(), "2026.12.5",
                                             CivilDate{2027, 1, 1}, CivilDate{2026, 12, 3},
                                             "市民政局2026年12月通知", {{"dibao", 0, 130000}});
  ASSERT_TRUE(edited.ok()) << edited.error().message;
  const ServiceSpec* dibao = edited->catalog.FindService("dibao");
  EXPECT_EQ(CurrentStandard(*dibao, Area::kAll, CivilDate{2027, 1, 1})->amount_fen, 130000);
  EXPECT_EQ(CurrentStandard(*dibao, Area::kAll, CivilDate{2026, 12, 31})->amount_fen, 122500);
  EXPECT_EQ(FormatIsoDate(edited->catalog.EffectiveFrom()), "2027-01-01");
  EXPECT_FALSE(server::EditCatalogStandards(testing_catalog::AssetCatalogBody(), "2026.12.5",
                                            CivilDate{2027, 1, 1}, CivilDate{2026, 12, 3}, "x",
                                            {{"dibao", 9, 1}})
                   .ok());
}

TEST_F(CatalogPublish, ADraftIsServedToNoKioskUntilPublishedAndIsAudited) {
  auto checked = server::CheckCatalogUpload(DibaoRaised("2026.1.1", "2026-01-01", 1300).dump());
  ASSERT_TRUE(checked.ok());
  ASSERT_TRUE(server::SaveCatalogDraft(pool(), *checked, kSupervisor).ok());
  auto served = server::CatalogsServedOn(pool(), CivilDate{2026, 12, 3});
  ASSERT_TRUE(served.ok());
  EXPECT_FALSE(served->current.has_value());
  ASSERT_TRUE(server::PublishCatalogDraft(pool(), "2026.1.1", kSupervisor).ok());
  EXPECT_EQ(server::PublishCatalogDraft(pool(), "2026.1.1", kSupervisor).error().kind,
            ErrorKind::kConflict);
  EXPECT_EQ(server::SaveCatalogDraft(pool(), *checked, kSupervisor).error().kind,
            ErrorKind::kConflict);
  served = server::CatalogsServedOn(pool(), CivilDate{2026, 12, 3});
  ASSERT_TRUE(served.ok() && served->current.has_value());
  EXPECT_EQ(served->current->row.version, "2026.1.1");
  EXPECT_EQ(served->current->row.published_by, "wang-supervisor");
  EXPECT_EQ(
      m_db.Query("SELECT string_agg(action || ':' || actor, ',' ORDER BY id) FROM catalog_audit"),
      "upload:wang-supervisor,publish:wang-supervisor");
}

TEST_F(CatalogPublish, KiosksPullTheVersionInForceAndTheUpcomingOneByEffectiveDate) {
  Publish(DibaoRaised("2026.1.1", "2026-01-01", 1300));
  Publish(DibaoRaised("2099.1.1", "2099-01-01", 1400));
  Publish(DibaoRaised("2099.6.1", "2099-06-01", 1500));
  auto on = [&](CivilDate day) {
    auto served = server::CatalogsServedOn(pool(), day);
    EXPECT_TRUE(served.ok());
    std::string text = served->current ? served->current->row.version : "-";
    for (const auto& u : served->upcoming) text += " " + u.row.version;
    return text;
  };
  EXPECT_EQ(on({2025, 12, 31}), "- 2026.1.1 2099.1.1 2099.6.1");
  EXPECT_EQ(on({2026, 12, 3}), "2026.1.1 2099.1.1 2099.6.1");
  EXPECT_EQ(on({2099, 1, 1}), "2099.1.1 2099.6.1");
  EXPECT_EQ(on({2099, 6, 1}), "2099.6.1");

  // A kiosk pulls through the real API: the version in force and both upcoming ones.
  TestServer srv(m_db.url());
  ASSERT_TRUE(srv.ok());
  TestKiosk kiosk;
  ASSERT_TRUE(kiosk.Enroll(pool(), {srv.url()}));
  sync::CycleReport report = kiosk.SyncOnce();
  EXPECT_TRUE(report.catalog_updated);
  auto stored = sync::LoadStoredCatalogs(kiosk.store());
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->version, "2026.1.1");
  std::vector<std::string> refused;
  auto catalogs = ParseStoredCatalogs(stored->body, stored->upcoming, &refused);
  EXPECT_TRUE(refused.empty());
  ASSERT_EQ(catalogs.size(), 3u);
  EXPECT_EQ(catalogs[2]->version, "2099.6.1");
  EXPECT_EQ(ChooseCatalog(catalogs, CivilDate{2099, 1, 2})->version, "2099.1.1");
  // Nothing newer: the next pull is a 204 and changes nothing.
  EXPECT_FALSE(kiosk.SyncOnce().catalog_updated);

  // An older kiosk (no upcoming=1) gets the version in force only, as before.
  sync::CurlTransport transport(kiosk.options.curl);
  sync::HttpResponse old =
      SendSignedAs(transport, srv.url(), kiosk.credentials.device_id, kiosk.credentials.secret_key,
                   "GET", "/v1/catalog?after=", "");
  ASSERT_EQ(old.status, 200);
  json reply = json::parse(old.body);
  EXPECT_EQ(reply["version"], "2026.1.1");
  EXPECT_FALSE(reply.contains("upcoming"));
  old = SendSignedAs(transport, srv.url(), kiosk.credentials.device_id,
                     kiosk.credentials.secret_key, "GET", "/v1/catalog?after=2026.1.1", "");
  EXPECT_EQ(old.status, 204);
}

TEST_F(CatalogPublish, AnEnrolledKioskCannotPublishOrUploadACatalog) {
  Publish(DibaoRaised("2026.1.1", "2026-01-01", 1300));
  TestServer srv(m_db.url());
  ASSERT_TRUE(srv.ok());
  TestKiosk kiosk;
  ASSERT_TRUE(kiosk.Enroll(pool(), {srv.url()}));
  sync::CurlTransport transport(kiosk.options.curl);
  // A small body, so what refuses it is the lack of an office session, not the size.
  json small = DibaoRaised("6666.6.6", "2026-01-02", 1);
  const std::string body =
      json{{"files", {{"catalog.json", small["files"]["catalog.json"]}}}}.dump();
  for (const auto& [method, target] : std::vector<std::pair<std::string, std::string>>{
           {"POST", "/v1/catalog"},
           {"PUT", "/v1/catalog"},
           {"POST", "/api/office/v1/catalogs"},
           {"POST", "/api/office/v1/catalogs/6666.6.6/publish"},
           {"POST", "/console/catalog/upload"}}) {
    sync::HttpResponse r = SendSignedAs(transport, srv.url(), kiosk.credentials.device_id,
                                        kiosk.credentials.secret_key, method, target, body);
    std::printf("%s %s -> %d\n", method.c_str(), target.c_str(), r.status);
    // Refused (4xx), or sent to sign in (a redirect): never accepted.
    EXPECT_TRUE(r.status >= 300 && r.status != 304) << method << " " << target << " " << r.status;
    EXPECT_EQ(r.body.find("6666.6.6"), std::string::npos);
  }
  EXPECT_EQ(m_db.Count("SELECT count(*) FROM catalogs"), 1);
  EXPECT_EQ(m_db.Count("SELECT count(*) FROM catalog_audit WHERE version = '6666.6.6'"), 0);
}

}  // namespace
}  // namespace yimen::testing
