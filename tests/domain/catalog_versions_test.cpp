// Tests for app/domain/catalog_versions: a published body is checked by the kiosk's own
// loader, a broken stored version is left out (the kiosk keeps what it has), the version
// in force is chosen by its effective date, and the sync thread's offer reaches the UI
// thread whole.
#include "domain/catalog_versions.h"

#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "domain/published_catalog.h"

namespace yimen {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using testing_catalog::DibaoRaised;

std::shared_ptr<const Catalog> Parsed(const json& body) {
  auto catalog = ParsePublishedCatalog(body.dump());
  EXPECT_TRUE(catalog.ok()) << (catalog.ok() ? "" : catalog.error().message);
  return catalog.ok() ? std::make_shared<const Catalog>(std::move(*catalog)) : nullptr;
}

TEST(CatalogVersions, APublishedBodyLoadsWithItsEffectiveDateAndNewFigure) {
  auto catalog = Parsed(DibaoRaised("2026.12.1", "2027-01-01", 1300));
  ASSERT_TRUE(catalog);
  EXPECT_EQ(catalog->version, "2026.12.1");
  EXPECT_EQ(FormatIsoDate(catalog->EffectiveFrom()), "2027-01-01");
  const Standard* line =
      CurrentStandard(*catalog->FindService("dibao"), Area::kAll, CivilDate{2027, 1, 1});
  ASSERT_NE(line, nullptr);
  EXPECT_EQ(line->amount_fen, 130000);
  EXPECT_EQ(CurrentStandard(*catalog->FindService("dibao"), Area::kAll, CivilDate{2026, 12, 31})
                ->amount_fen,
            122500);
}

TEST(CatalogVersions, WithoutEffectiveFromACatalogTakesEffectWhenPublished) {
  json body = DibaoRaised("2026.12.1", "2027-01-01", 1300);
  body["files"]["catalog.json"].erase("effective_from");
  auto catalog = Parsed(body);
  ASSERT_TRUE(catalog);
  EXPECT_EQ(catalog->EffectiveFrom(), catalog->published);
}

TEST(CatalogVersions, ABrokenBodyIsRefusedWithTheFileAndPath) {
  json body = DibaoRaised("2026.12.1", "2027-01-01", 1300);
  body["files"]["services/dibao.json"]["standards"][3]["amount_yuan"] = "lots";
  auto catalog = ParsePublishedCatalog(body.dump());
  ASSERT_FALSE(catalog.ok());
  EXPECT_EQ(catalog.error().kind, ErrorKind::kInvalidArgument);
  EXPECT_THAT(catalog.error().message, HasSubstr("services/dibao.json: standards[3].amount_yuan"));
}

TEST(CatalogVersions, AnInvalidStoredBodyIsLeftOutAndNamed) {
  json broken = DibaoRaised("2026.12.2", "2027-02-01", 1400);
  broken["files"]["catalog.json"]["effective_from"] = "2027-02-30";
  const json upcoming = json::array(
      {{{"version", "2026.12.2"}, {"effective_from", "2027-02-01"}, {"catalog", broken}}});
  std::vector<std::string> refused;
  auto catalogs = ParseStoredCatalogs(DibaoRaised("2026.12.1", "2026-12-01", 1300).dump(),
                                      upcoming.dump(), &refused);
  ASSERT_EQ(catalogs.size(), 1u);
  EXPECT_EQ(catalogs[0]->version, "2026.12.1");
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_THAT(refused[0], HasSubstr("upcoming catalog 2026.12.2"));
  EXPECT_THAT(refused[0], HasSubstr("effective_from"));
  refused.clear();
  EXPECT_TRUE(ParseStoredCatalogs("{not json", "", &refused).empty());
  EXPECT_EQ(refused.size(), 1u);
  EXPECT_TRUE(ParseStoredCatalogs("", "", nullptr).empty());
}

TEST(CatalogVersions, TheVersionInForceIsChosenByItsEffectiveDate) {
  auto bundled = Parsed(testing_catalog::AssetCatalogBody());
  auto december = Parsed(DibaoRaised("2026.12.1", "2026-12-01", 1300));
  auto january = Parsed(DibaoRaised("2027.1.1", "2027-01-01", 1350));
  const std::vector<std::shared_ptr<const Catalog>> all = {bundled, december, january};
  EXPECT_EQ(ChooseCatalog(all, CivilDate{2026, 11, 30}), bundled);
  EXPECT_EQ(ChooseCatalog(all, CivilDate{2026, 12, 1}), december);
  EXPECT_EQ(ChooseCatalog(all, CivilDate{2026, 12, 31}), december);
  EXPECT_EQ(ChooseCatalog(all, CivilDate{2027, 1, 1}), january);
  // Nothing in force yet: the earliest, never nothing.
  EXPECT_EQ(ChooseCatalog({january}, CivilDate{2026, 1, 1}), january);
  EXPECT_EQ(ChooseCatalog({}, CivilDate{2026, 1, 1}), nullptr);
  // Same effective date: the later listed (what the server published) wins.
  auto same_day = Parsed(DibaoRaised("2026.12.1b", "2026-12-01", 1310));
  EXPECT_EQ(ChooseCatalog({bundled, december, same_day}, CivilDate{2026, 12, 2}), same_day);
}

TEST(CatalogSlot, TheNewestOfferIsTakenOnceWhole) {
  CatalogSlot slot;
  EXPECT_FALSE(slot.Take().has_value());
  auto december = Parsed(DibaoRaised("2026.12.1", "2026-12-01", 1300));
  auto january = Parsed(DibaoRaised("2027.1.1", "2027-01-01", 1350));
  std::thread sync_thread([&] {
    slot.Offer({december});
    slot.Offer({december, january});
  });
  sync_thread.join();
  auto taken = slot.Take();
  ASSERT_TRUE(taken.has_value());
  ASSERT_EQ(taken->size(), 2u);
  EXPECT_EQ((*taken)[1]->version, "2027.1.1");
  EXPECT_FALSE(slot.Take().has_value());
}

}  // namespace
}  // namespace yimen
