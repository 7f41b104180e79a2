// Tests how the kiosk (app/ui/kiosk_app.cpp) takes up a published catalog: a version the
// sync thread offers is used for the next resident, never under a form already started;
// a version not yet in force waits for its day; the detail screen's figure comes from the
// version in use.
#include <gtest/gtest.h>

#include "domain/catalog_versions.h"
#include "domain/published_catalog.h"
#include "ui/kiosk_app.h"
#include "ui/ui_test_support.h"

namespace yimen::ui {
namespace {

using testing_catalog::DibaoRaised;

// Unix ms at 10:00 China time on a date.
int64_t ChinaMorningMs(int year, int month, int day) {
  const int64_t days = [&] {
    int64_t n = 0;
    for (int y = 1970; y < year; ++y) n += IsLeapYear(y) ? 366 : 365;
    for (int m = 1; m < month; ++m) n += DaysInMonth(year, m);
    return n + day - 1;
  }();
  return (days * 86400 + 2 * 3600) * 1000;
}

std::shared_ptr<const Catalog> Published(const std::string& version, const std::string& effective,
                                         int yuan) {
  auto catalog = ParsePublishedCatalog(DibaoRaised(version, effective, yuan).dump());
  EXPECT_TRUE(catalog.ok()) << (catalog.ok() ? "" : catalog.error().message);
  return std::make_shared<const Catalog>(std::move(*catalog));
}

class KioskCatalog : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(LoadKioskAssets(&m_catalog, &m_strings)); }

  std::unique_ptr<KioskApp> App(std::vector<std::shared_ptr<const Catalog>> stored = {}) {
    KioskApp::Deps deps;
    deps.catalog = &m_catalog;
    deps.strings = &m_strings;
    deps.metrics = ComputeMetrics(4.0f);
    deps.published_catalogs = std::move(stored);
    deps.catalog_slot = &m_slot;
    deps.wall_clock_ms = [this] { return m_now_ms; };
    return std::make_unique<KioskApp>(deps);
  }

  int64_t DibaoFigureInUse(const KioskApp& app) const {
    return CurrentStandard(*app.CatalogInUse().FindService("dibao"), Area::kAll,
                           CivilDate{2026, 12, 5})
        ->amount_fen;
  }

  Catalog m_catalog;
  Strings m_strings;
  CatalogSlot m_slot;
  int64_t m_now_ms = ChinaMorningMs(2026, 12, 5);
};

TEST_F(KioskCatalog, AStoredPublishedVersionIsUsedFromTheStart) {
  auto app = App({Published("2026.12.1", "2026-12-01", 1300)});
  EXPECT_EQ(app->CatalogInUse().version, "2026.12.1");
  EXPECT_EQ(DibaoFigureInUse(*app), 130000);
}

TEST_F(KioskCatalog, AnOfferIsTakenBetweenResidentsAndADraftKeepsItsVersion) {
  auto app = App();
  EXPECT_EQ(app->CatalogInUse().version, m_catalog.version);
  app->Apply(session::form_event::OpenService{"dibao"});
  app->Apply(session::form_event::StartForm{});
  ASSERT_EQ(app->CurrentSession().draft.catalog_version, m_catalog.version);

  m_slot.Offer({Published("2026.12.1", "2026-12-01", 1300)});
  app->Tick(1000);
  // Mid-application: the form goes on under the version it started with.
  EXPECT_EQ(app->CatalogInUse().version, m_catalog.version);
  EXPECT_EQ(app->CurrentSession().draft.catalog_version, m_catalog.version);
  EXPECT_EQ(app->CurrentSession().catalog->version, m_catalog.version);

  app->EndSession();
  app->Tick(2000);
  EXPECT_EQ(app->CatalogInUse().version, "2026.12.1");
  EXPECT_EQ(DibaoFigureInUse(*app), 130000);
  app->Apply(session::form_event::OpenService{"dibao"});
  app->Apply(session::form_event::StartForm{});
  EXPECT_EQ(app->CurrentSession().draft.catalog_version, "2026.12.1");
}

TEST_F(KioskCatalog, ADetailPageOpenKeepsItsFigureUntilTheResidentLeaves) {
  auto app = App();
  app->Apply(session::form_event::OpenService{"dibao"});
  m_slot.Offer({Published("2026.12.1", "2026-12-01", 1300)});
  app->Tick(1000);
  EXPECT_EQ(app->CatalogInUse().version, m_catalog.version);
  app->Apply(intent::GoHome{});
  app->Tick(2000);
  EXPECT_EQ(app->CatalogInUse().version, "2026.12.1");
}

TEST_F(KioskCatalog, AnUpcomingVersionWaitsForItsDayThenSwitchesOffline) {
  auto app = App();
  m_slot.Offer(
      {Published("2026.12.1", "2026-12-01", 1300), Published("2027.1.1", "2027-01-01", 1350)});
  app->Tick(1000);
  EXPECT_EQ(app->CatalogInUse().version, "2026.12.1");
  m_now_ms = ChinaMorningMs(2026, 12, 31);
  app->Tick(2000);
  EXPECT_EQ(app->CatalogInUse().version, "2026.12.1");
  // New Year's Day, 00:00 China time (16:00 UTC the day before), no server in sight.
  m_now_ms = ChinaMorningMs(2027, 1, 1) - 10 * 3600 * 1000;
  app->Tick(3000);
  EXPECT_EQ(app->CatalogInUse().version, "2027.1.1");
}

}  // namespace
}  // namespace yimen::ui
