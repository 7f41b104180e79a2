// Tests for app/domain/catalog: the real assets/catalog loads and says what the 低保
// documents say; every kind of broken catalog is refused with the file and field named.
#include "domain/catalog.h"

#include <algorithm>
#include <iterator>

#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "domain/eligibility.h"

namespace yimen {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using nlohmann::json;

const std::string kAssetCatalog = std::string(YIMEN_TEST_ASSETS_DIR) + "/catalog";
const std::string kData = YIMEN_TEST_DATA_DIR;

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The real catalog as parsed JSON, for tests that break one thing in it (usually in 低保).
struct CatalogFiles {
  json catalog = json::parse(ReadText(kAssetCatalog + "/catalog.json"));
  json dibao = json::parse(ReadText(kAssetCatalog + "/services/dibao.json"));

  // Every listed file, with `dibao` as edited and the others as shipped.
  std::map<std::string, std::string> Files() const {
    std::map<std::string, std::string> files{{"catalog.json", catalog.dump()}};
    for (const json& path : catalog.at("services")) {
      if (!path.is_string()) continue;
      const std::string name = path.get<std::string>();
      if (name == "services/dibao.json") {
        files[name] = dibao.dump();
      } else if (name.rfind("services/", 0) == 0) {
        files[name] = ReadText(kAssetCatalog + "/" + name);
      }
    }
    return files;
  }
  Result<Catalog> Parse() const { return ParseCatalogFromStrings(Files()); }
};

std::string ErrorOf(const Result<Catalog>& result) {
  return result.ok() ? std::string("(loaded)") : result.error().message;
}

TEST(Catalog, LoadsTheRealAssets) {
  const Result<Catalog> catalog = LoadCatalog(kAssetCatalog);
  ASSERT_TRUE(catalog.ok()) << catalog.error().message;
  EXPECT_EQ(catalog->schema, kCatalogSchema);
  EXPECT_EQ(catalog->version, "2026.11.2");
  EXPECT_EQ(catalog->published, (CivilDate{2026, 11, 23}));
  ASSERT_EQ(catalog->region.towns.size(), 3u);
  for (const Town& town : catalog->region.towns) {
    EXPECT_GE(town.communities.size(), 3u) << town.name.zh;
    EXPECT_LE(town.communities.size(), 4u) << town.name.zh;
  }
  EXPECT_NE(catalog->region.FindTown("石岐街道"), nullptr);
  EXPECT_EQ(catalog->region.FindTown("不存在镇"), nullptr);
}

TEST(Catalog, DescribesDibaoCompletely) {
  const Result<Catalog> catalog = LoadCatalog(kAssetCatalog);
  ASSERT_TRUE(catalog.ok()) << catalog.error().message;
  const ServiceSpec* dibao = catalog->FindService("dibao");
  ASSERT_NE(dibao, nullptr);
  EXPECT_EQ(catalog->FindService("no_such_service"), nullptr);
  EXPECT_EQ(dibao->name.zh, "最低生活保障（低保）");
  EXPECT_GE(dibao->who_qualifies.size(), 4u);
  EXPECT_EQ(dibao->time_limit_days, 30);

  std::vector<std::string> materials;
  for (const Material& material : dibao->materials) materials.push_back(material.id);
  EXPECT_THAT(materials, ::testing::IsSupersetOf({"id_card", "hukou", "income_proof",
                                                  "disability_certificate", "bank_card"}));

  std::vector<std::string> steps;
  for (const StepSpec& step : dibao->form.steps) steps.push_back(step.id);
  EXPECT_THAT(steps, ::testing::ElementsAre("applicant", "members", "income_assets", "reason",
                                            "bank", "confirm"));
  const GroupSpec* members = dibao->FindGroup("members");
  ASSERT_NE(members, nullptr);
  ASSERT_NE(members->FindField("monthly_income"), nullptr);
  EXPECT_EQ(members->FindField("monthly_income")->type, FieldType::kAmount);
  EXPECT_EQ(members->FindField("disability")->type, FieldType::kYesNo);
  EXPECT_EQ(dibao->FindField("reason")->max_length, 300);
  EXPECT_EQ(dibao->FindField("community")->town_field, "town");
  ASSERT_TRUE(dibao->means_test.has_value());
  EXPECT_EQ(dibao->means_test->members_group, "members");
}

TEST(Catalog, PicksTheStandardInForceOnADate) {
  const Result<Catalog> catalog = LoadCatalog(kAssetCatalog);
  ASSERT_TRUE(catalog.ok()) << catalog.error().message;
  const ServiceSpec& dibao = *catalog->FindService("dibao");

  EXPECT_EQ(CurrentStandard(dibao, Area::kUrban, {2018, 12, 31}), nullptr);
  EXPECT_EQ(CurrentStandard(dibao, Area::kUrban, {2019, 1, 1})->amount_fen, 70500);
  EXPECT_EQ(CurrentStandard(dibao, Area::kRural, {2023, 12, 31})->amount_fen, 49000);
  EXPECT_EQ(CurrentStandard(dibao, Area::kUrban, {2024, 1, 1})->amount_fen, 122500);
  EXPECT_EQ(CurrentStandard(dibao, Area::kRural, {2026, 11, 23})->amount_fen, 122500);
  EXPECT_EQ(CurrentStandard(dibao, Area::kRural, {2026, 11, 23})->unit,
            StandardUnit::kPerPersonMonth);
  EXPECT_EQ(CurrentStandard(dibao, Area::kAll, {2020, 1, 1}), nullptr);
}

TEST(Catalog, PrefersAnAreaStandardOverACitywideOneOfTheSameDay) {
  ServiceSpec service;
  Standard all;
  all.area = Area::kAll;
  all.amount_fen = 100;
  all.effective = {2024, 1, 1};
  Standard urban = all;
  urban.area = Area::kUrban;
  urban.amount_fen = 200;
  service.standards = {all, urban};
  EXPECT_EQ(CurrentStandard(service, Area::kUrban, {2024, 6, 1})->amount_fen, 200);
  EXPECT_EQ(CurrentStandard(service, Area::kRural, {2024, 6, 1})->amount_fen, 100);
}

TEST(Catalog, NamesFileLineAndColumnOfAJsonSyntaxError) {
  const std::string error = ErrorOf(LoadCatalog(kData + "/catalog_broken_json"));
  EXPECT_THAT(error, HasSubstr("services/mini.json: line 3, column 8: invalid JSON"));
  EXPECT_THAT(error, HasSubstr("invalid JSON"));
}

TEST(Catalog, NamesTheFieldPathOfAMissingKey) {
  EXPECT_THAT(ErrorOf(LoadCatalog(kData + "/catalog_broken_missing_key")),
              HasSubstr("services/mini.json: form.steps[0].fields[1].label: missing"));
}

TEST(Catalog, NamesAnUnknownFieldType) {
  EXPECT_THAT(ErrorOf(LoadCatalog(kData + "/catalog_broken_unknown_type")),
              HasSubstr("services/mini.json: form.steps[1].fields[2].type: unknown field type "
                        "\"foo\""));
}

TEST(Catalog, NamesEveryBadDateInEveryFile) {
  const std::string error = ErrorOf(LoadCatalog(kData + "/catalog_broken_date"));
  EXPECT_THAT(error, HasSubstr("catalog.json: published: no such calendar date \"2024-02-30\""));
  EXPECT_THAT(error, HasSubstr("services/mini.json: standards[0].effective: no such calendar "
                               "date \"2019-13-01\""));
}

TEST(Catalog, ReportsAMissingDirectoryAsNotFound) {
  const Result<Catalog> result = LoadCatalog(kData + "/no_such_catalog");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kNotFound);
  EXPECT_THAT(result.error().message, HasSubstr("catalog.json"));
}

TEST(Catalog, ParsesTheSameFromMemory) {
  const CatalogFiles files;
  const Result<Catalog> catalog = files.Parse();
  ASSERT_TRUE(catalog.ok()) << catalog.error().message;
  EXPECT_NE(catalog->FindService("dibao"), nullptr);
}

TEST(Catalog, RefusesAListedServiceFileThatIsAbsent) {
  std::map<std::string, std::string> files = CatalogFiles().Files();
  files.erase("services/dibao.json");
  const Result<Catalog> result = ParseCatalogFromStrings(files);
  EXPECT_THAT(ErrorOf(result), HasSubstr("catalog.json: services[0]: cannot read "
                                         "\"services/dibao.json\""));
}

TEST(Catalog, RefusesServicePathsOutsideTheServicesFolder) {
  CatalogFiles files;
  files.catalog["services"] = {"../secrets.json", "services/dibao.json"};
  EXPECT_THAT(ErrorOf(files.Parse()),
              HasSubstr("catalog.json: services[0]: \"../secrets.json\" is not a service file"));
}

TEST(Catalog, RefusesANewerSchema) {
  CatalogFiles files;
  files.catalog["schema"] = kCatalogSchema + 1;
  EXPECT_THAT(ErrorOf(files.Parse()),
              HasSubstr("catalog.json: schema: schema " + std::to_string(kCatalogSchema + 1) +
                        " is newer"));
}

TEST(Catalog, RefusesAServiceCodeThatDiffersFromItsFileName) {
  CatalogFiles files;
  files.dibao["code"] = "tekun";
  EXPECT_THAT(ErrorOf(files.Parse()),
              HasSubstr("services/dibao.json: code: \"tekun\" does not match"));
}

TEST(Catalog, RefusesAnUnknownKeySoTyposDoNotPassSilently) {
  CatalogFiles files;
  files.dibao["form"]["steps"][0]["fields"][0]["requried"] = true;
  EXPECT_THAT(ErrorOf(files.Parse()),
              HasSubstr("services/dibao.json: form.steps[0].fields[0].requried: not a key of a "
                        "\"chinese_name\" field"));
}

TEST(Catalog, RefusesKeysThatDoNotBelongToTheFieldType) {
  CatalogFiles files;
  files.dibao["form"]["steps"][0]["fields"][2]["max_length"] = 11;  // a phone field
  EXPECT_THAT(ErrorOf(files.Parse()),
              HasSubstr("form.steps[0].fields[2].max_length: not a key of a \"phone\" field"));
}

TEST(Catalog, RefusesADuplicateJsonKey) {
  CatalogFiles files;
  std::map<std::string, std::string> texts = files.Files();
  texts["services/dibao.json"].insert(1, "\"code\":\"dibao\",");
  const Result<Catalog> result = ParseCatalogFromStrings(texts);
  EXPECT_THAT(ErrorOf(result), HasSubstr("services/dibao.json: code: duplicate key"));
}

TEST(Catalog, RefusesDuplicateFieldIdsAcrossSteps) {
  CatalogFiles files;
  files.dibao["form"]["steps"][2]["fields"][0]["id"] = "phone";
  EXPECT_THAT(ErrorOf(files.Parse()),
              HasSubstr("form.steps[2].fields[0].id: duplicate id \"phone\""));
}

TEST(Catalog, RefusesDuplicateStepIds) {
  CatalogFiles files;
  files.dibao["form"]["steps"][4]["id"] = "reason";
  EXPECT_THAT(ErrorOf(files.Parse()), HasSubstr("form.steps[4].id: duplicate step id \"reason\""));
}

TEST(Catalog, RefusesAChoiceWithoutRealOptions) {
  CatalogFiles files;
  json& hukou = files.dibao["form"]["steps"][0]["fields"][3];
  hukou["options"][1]["value"] = "local";
  EXPECT_THAT(ErrorOf(files.Parse()),
              HasSubstr("form.steps[0].fields[3].options[1].value: duplicate option value"));
  hukou.erase("options");
  EXPECT_THAT(ErrorOf(files.Parse()), HasSubstr("form.steps[0].fields[3].options: missing"));
}

TEST(Catalog, RefusesAmountsWithFractionsOfAFenOrBelowZero) {
  CatalogFiles files;
  files.dibao["standards"][2]["amount_yuan"] = 1225.005;
  EXPECT_THAT(ErrorOf(files.Parse()),
              HasSubstr("standards[2].amount_yuan: amount has more than 2 decimal places"));
  files.dibao["standards"][2]["amount_yuan"] = -1;
  EXPECT_THAT(ErrorOf(files.Parse()), HasSubstr("standards[2].amount_yuan: amount must be"));
  files.dibao["standards"][2]["amount_yuan"] = "1225";
  EXPECT_THAT(ErrorOf(files.Parse()), HasSubstr("standards[2].amount_yuan: expected an amount"));
}

TEST(Catalog, ReadsAmountsWithDecimalsExactly) {
  CatalogFiles files;
  files.dibao["standards"][2]["amount_yuan"] = 1225.1;
  const Result<Catalog> catalog = files.Parse();
  ASSERT_TRUE(catalog.ok()) << catalog.error().message;
  EXPECT_EQ(catalog->services[0].standards[2].amount_fen, 122510);
}

TEST(Catalog, RefusesACommunityFieldWithoutATown) {
  CatalogFiles files;
  files.dibao["form"]["steps"][0]["fields"][5]["town_field"] = "address";
  EXPECT_THAT(ErrorOf(files.Parse()),
              HasSubstr("form.steps[0].fields[5].town_field: no town field \"address\""));
}

TEST(Catalog, FindsTheTownFieldWhenThereIsOnlyOne) {
  CatalogFiles files;
  files.dibao["form"]["steps"][0]["fields"][5].erase("town_field");
  const Result<Catalog> catalog = files.Parse();
  ASSERT_TRUE(catalog.ok()) << catalog.error().message;
  EXPECT_EQ(catalog->services[0].FindField("community")->town_field, "town");
}

TEST(Catalog, RefusesAMeansTestThatPointsNowhere) {
  CatalogFiles files;
  files.dibao["means_test"]["member_income_field"] = "disability";
  EXPECT_THAT(ErrorOf(files.Parse()),
              HasSubstr("means_test.member_income_field: no amount field \"disability\""));
}

TEST(Catalog, RefusesAStepWithBothFieldsAndGroup) {
  CatalogFiles files;
  files.dibao["form"]["steps"][1]["fields"] = files.dibao["form"]["steps"][3]["fields"];
  EXPECT_THAT(ErrorOf(files.Parse()), HasSubstr("form.steps[1]: a step has either"));
}

TEST(Catalog, RefusesAGroupWhoseMinimumExceedsItsMaximum) {
  CatalogFiles files;
  files.dibao["form"]["steps"][1]["group"]["min"] = 16;
  EXPECT_THAT(ErrorOf(files.Parse()), HasSubstr("form.steps[1].group.min: min is greater"));
}

TEST(Catalog, RefusesTextWithoutBothLanguages) {
  CatalogFiles files;
  files.dibao["summary"].erase("en");
  files.dibao["name"]["zh"] = "";
  const std::string error = ErrorOf(files.Parse());
  EXPECT_THAT(error, HasSubstr("services/dibao.json: summary.en: missing"));
  EXPECT_THAT(error, HasSubstr("services/dibao.json: name.zh: must not be empty"));
}

TEST(Catalog, ListsEveryProblemNotJustTheFirst) {
  CatalogFiles files;
  files.catalog["version"] = "";
  files.dibao["time_limit_days"] = 0;
  files.dibao["form"]["steps"][3]["fields"][0]["type"] = "essay";
  const std::string error = ErrorOf(files.Parse());
  EXPECT_THAT(error, HasSubstr("catalog.json: version: must not be empty"));
  EXPECT_THAT(error, HasSubstr("services/dibao.json: time_limit_days: 0 is outside 1..3650"));
  EXPECT_THAT(error, HasSubstr("form.steps[3].fields[0].type: unknown field type \"essay\""));
}

TEST(Catalog, NeverThrowsOnHostileInput) {
  for (const char* text : {"", "null", "[]", "{\"schema\":\"1\"}", "{\"services\":[1,{}]}",
                           "\xFF\xFE", "{\"a\":", "1e999"}) {
    const Result<Catalog> result = ParseCatalogFromStrings({{"catalog.json", text}});
    EXPECT_FALSE(result.ok()) << text;
  }
}

TEST(Catalog, CollectsEveryCharacterItShows) {
  const Result<Catalog> catalog = LoadCatalog(kAssetCatalog);
  ASSERT_TRUE(catalog.ok()) << catalog.error().message;
  std::set<char32_t> glyphs;
  CollectCatalogCodepoints(*catalog, &glyphs);
  for (const char32_t cp : std::u32string(U"最低生活保障安澜市阜圩社区赡养一卡通Dibao（）")) {
    EXPECT_EQ(glyphs.count(cp), 1u) << static_cast<uint32_t>(cp);
  }
}

TEST(Catalog, NamesEveryFieldTypeBothWays) {
  for (const FieldType type :
       {FieldType::kText, FieldType::kChineseName, FieldType::kIdNumber, FieldType::kPhone,
        FieldType::kAmount, FieldType::kNumber, FieldType::kDigits, FieldType::kChoice,
        FieldType::kYesNo, FieldType::kTown, FieldType::kCommunity, FieldType::kDate,
        FieldType::kMultiChoice, FieldType::kSignature, FieldType::kPhoto}) {
    EXPECT_EQ(FieldTypeFromName(FieldTypeName(type)), type) << FieldTypeName(type);
  }
  EXPECT_EQ(FieldTypeFromName("foo"), std::nullopt);
}

TEST(Amount, ParsesYuanIntoFen) {
  EXPECT_EQ(ParseAmountFen("0"), 0);
  EXPECT_EQ(ParseAmountFen("1225"), 122500);
  EXPECT_EQ(ParseAmountFen("1225.5"), 122550);
  EXPECT_EQ(ParseAmountFen("1225.05"), 122505);
  EXPECT_EQ(ParseAmountFen("999999999999.99"), 99999999999999);
}

TEST(Amount, RefusesWhatIsNotAPlainAmount) {
  for (const char* text : {"", ".5", "12.", "12.345", "-1", "+1", "1,225", "1 225", "12a",
                           "1225元", "1e3", "9999999999999"}) {
    EXPECT_EQ(ParseAmountFen(text), std::nullopt) << text;
  }
}

TEST(Amount, FormatsYuanWithoutNeedlessZeros) {
  EXPECT_EQ(FormatYuan(122500), "1225");
  EXPECT_EQ(FormatYuan(122550), "1225.5");
  EXPECT_EQ(FormatYuan(122505), "1225.05");
  EXPECT_EQ(FormatYuan(5), "0.05");
  EXPECT_EQ(FormatYuan(0), "0");
}

// --- schema 2: new field types, conditions, rules, tiers, eligibility --------------

TEST(Catalog, ReadsASchemaOneCatalogToo) {
  CatalogFiles files;
  files.catalog["schema"] = 1;
  EXPECT_TRUE(files.Parse().ok()) << ErrorOf(files.Parse());
}

TEST(Catalog, NamesAConditionThatLooksAheadOrAtAValueTheFieldLacks) {
  const std::string error = ErrorOf(LoadCatalog(kData + "/catalog_broken_visible_if"));
  EXPECT_THAT(error, HasSubstr("services/mini.json: form.steps[1].fields[1].visible_if.field: no "
                               "earlier field \"note\""));
  EXPECT_THAT(error, HasSubstr("services/mini.json: form.steps[1].fields[2].visible_if: \"maybe\" "
                               "is not a value of field \"has_home\""));
  EXPECT_THAT(error, HasSubstr("form.steps[1].fields[3].visible_if: a condition has either"));
}

TEST(Catalog, NamesRulesThatPointAtTheWrongFields) {
  const std::string error = ErrorOf(LoadCatalog(kData + "/catalog_broken_rule"));
  EXPECT_THAT(error, HasSubstr("services/mini.json: rules[0].id_field: no top-level id_number "
                               "field \"name\""));
  EXPECT_THAT(error, HasSubstr("services/mini.json: rules[1].kind: unknown rule kind \"max_age\""));
  EXPECT_THAT(error, HasSubstr("services/mini.json: rules[2].group: no group \"members\""));
}

TEST(Catalog, NamesAnEligibilitySpecThatDoesNotFitItsCalculator) {
  const std::string error = ErrorOf(LoadCatalog(kData + "/catalog_broken_eligibility"));
  EXPECT_THAT(error, HasSubstr("services/mini.json: eligibility.questions[0].type: the "
                               "\"age_tier\" calculator needs a id_number here"));
  EXPECT_THAT(error, HasSubstr("eligibility.questions: the \"age_tier\" calculator needs question "
                               "\"local_hukou\""));
  EXPECT_THAT(error, HasSubstr("eligibility.questions[1].id: the \"age_tier\" calculator does not "
                               "use question \"shoe_size\""));
  EXPECT_THAT(error, HasSubstr("eligibility.params.edge_ratio_percent: the \"age_tier\" calculator "
                               "does not use it"));
  EXPECT_THAT(error, HasSubstr("eligibility.calculator: the \"age_tier\" calculator needs "
                               "standards with min_age"));
}

TEST(Catalog, NamesBadDateBoundsChoiceCountsMaterialsAndExampleFigures) {
  const std::string error = ErrorOf(LoadCatalog(kData + "/catalog_broken_field_types"));
  EXPECT_THAT(error, HasSubstr("services/mini.json: standards[0].source: missing"));
  EXPECT_THAT(error, HasSubstr("services/mini.json: standards[1].tier_label: a tier_label needs "
                               "a tier"));
  EXPECT_THAT(error, HasSubstr("form.steps[1].fields[3].min: \"tomorrow\" is not a date bound"));
  EXPECT_THAT(error, HasSubstr("form.steps[1].fields[4].max: max is more than the number of "
                               "options"));
  EXPECT_THAT(error, HasSubstr("form.steps[1].fields[5].material: no material \"passport\""));
}

TEST(Catalog, RefusesAnUnknownCalculatorAndAMissingTier) {
  CatalogFiles files;
  files.dibao["eligibility"]["calculator"] = "horoscope";
  EXPECT_THAT(ErrorOf(files.Parse()),
              HasSubstr("services/dibao.json: eligibility.calculator: unknown calculator "
                        "\"horoscope\""));
  files.dibao["eligibility"]["calculator"] = "dibao";
  files.dibao["eligibility"].erase("params");
  EXPECT_THAT(ErrorOf(files.Parse()),
              HasSubstr("eligibility.params: the \"dibao\" calculator needs "
                        "\"edge_ratio_percent\""));
}

TEST(Catalog, ReadsDateBoundsFixedAndRelative) {
  const Result<Catalog> catalog = LoadCatalog(kAssetCatalog);
  ASSERT_TRUE(catalog.ok()) << catalog.error().message;
  const FieldSpec* date = catalog->FindService("hunyin_yuyue")->FindField("date");
  ASSERT_NE(date, nullptr);
  ASSERT_TRUE(date->min_date && date->max_date);
  EXPECT_TRUE(date->min_date->relative);
  EXPECT_EQ(date->min_date->offset_days, 1);
  EXPECT_EQ(date->max_date->offset_days, 30);
  EXPECT_EQ(ResolveDateBound(*date->max_date, {2026, 12, 15}), (CivilDate{2027, 1, 14}));
  EXPECT_EQ(ResolveDateBound(DateBound{false, {1950, 1, 1}, 0}, {2026, 1, 1}),
            (CivilDate{1950, 1, 1}));
}

TEST(Catalog, AddsDaysAcrossMonthsYearsAndLeapDays) {
  EXPECT_EQ(AddDays({2024, 2, 28}, 1), (CivilDate{2024, 2, 29}));
  EXPECT_EQ(AddDays({2023, 2, 28}, 1), (CivilDate{2023, 3, 1}));
  EXPECT_EQ(AddDays({2026, 12, 31}, 1), (CivilDate{2027, 1, 1}));
  EXPECT_EQ(AddDays({2026, 1, 1}, -1), (CivilDate{2025, 12, 31}));
  EXPECT_EQ(AddDays({2000, 3, 1}, -1), (CivilDate{2000, 2, 29}));
  EXPECT_EQ(AddDays({1900, 3, 1}, -1), (CivilDate{1900, 2, 28}));
  EXPECT_EQ(AddDays({2026, 11, 23}, 365), (CivilDate{2027, 11, 23}));
}

TEST(Catalog, KeepsEachTierItsOwnHistory) {
  const Result<Catalog> catalog = LoadCatalog(kAssetCatalog);
  ASSERT_TRUE(catalog.ok()) << catalog.error().message;
  const ServiceSpec& ertong = *catalog->FindService("ertong");
  EXPECT_EQ(CurrentStandard(ertong, Area::kAll, {2018, 6, 1}, "orphan_family")->amount_fen, 82000);
  EXPECT_EQ(CurrentStandard(ertong, Area::kAll, {2026, 6, 1}, "orphan_family")->amount_fen, 102500);
  EXPECT_EQ(CurrentStandard(ertong, Area::kAll, {2026, 6, 1}, "orphan_institution")->amount_fen,
            168500);
  EXPECT_EQ(CurrentStandard(ertong, Area::kAll, {2026, 6, 1}), nullptr) << "no main line";

  const std::vector<const Standard*> shown = StandardsInForce(ertong, {2026, 6, 1});
  ASSERT_EQ(shown.size(), 3u);
  EXPECT_EQ(shown[0]->tier, "orphan_institution");
  EXPECT_EQ(shown[1]->tier, "orphan_family");
  EXPECT_EQ(shown[2]->tier, "unsupported");
  EXPECT_TRUE(shown[2]->example);

  // 低保 keeps the old urban and rural lines only until the citywide one replaces them.
  const ServiceSpec& dibao = *catalog->FindService("dibao");
  ASSERT_EQ(StandardsInForce(dibao, {2020, 1, 1}).size(), 2u);
  ASSERT_EQ(StandardsInForce(dibao, {2026, 1, 1}).size(), 1u);
  EXPECT_EQ(StandardsInForce(dibao, {2026, 1, 1})[0]->amount_fen, 122500);
}

TEST(Catalog, TiersOldAgeAllowanceByAge) {
  const Result<Catalog> catalog = LoadCatalog(kAssetCatalog);
  ASSERT_TRUE(catalog.ok()) << catalog.error().message;
  const std::vector<const Standard*> tiers =
      StandardsInForce(*catalog->FindService("gaoling"), {2026, 11, 23});
  ASSERT_EQ(tiers.size(), 3u);
  EXPECT_EQ(tiers[0]->min_age, 80);
  EXPECT_EQ(tiers[1]->min_age, 90);
  EXPECT_EQ(tiers[2]->min_age, 100);
}

// --- the shipped catalog as a whole ------------------------------------------------

class ShippedCatalog : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<Catalog> loaded = LoadCatalog(kAssetCatalog);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    catalog = std::move(loaded).value();
  }
  Catalog catalog;
};

void ExpectBothLanguages(const LocalizedText& text, const std::string& where) {
  EXPECT_FALSE(text.zh.empty()) << where << " (zh)";
  EXPECT_FALSE(text.en.empty()) << where << " (en)";
}

TEST_F(ShippedCatalog, HasEverySeventeenServiceOfTheDomainTable) {
  std::vector<std::string> codes;
  for (const ServiceSpec& service : catalog.services) codes.push_back(service.code);
  EXPECT_THAT(codes, ::testing::UnorderedElementsAre(
                         "dibao", "tekun", "dibao_edge", "linshi", "canji_shenghuo", "canji_huli",
                         "gaoling", "ertong", "yiliao", "zhufang", "yanglao", "zhucan",
                         "jizhong_zhaohu", "binzang", "youdai", "fuwu_xuqiu", "hunyin_yuyue"));
}

TEST_F(ShippedCatalog, DescribesEveryServiceInBothLanguages) {
  for (const ServiceSpec& service : catalog.services) {
    const std::string& c = service.code;
    ExpectBothLanguages(service.name, c + " name");
    ExpectBothLanguages(service.summary, c + " summary");
    ExpectBothLanguages(service.office, c + " office");
    EXPECT_FALSE(service.who_qualifies.empty()) << c;
    for (const LocalizedText& who : service.who_qualifies) ExpectBothLanguages(who, c + " who");
    EXPECT_GT(service.time_limit_days, 0) << c;
    EXPECT_GE(service.form.steps.size(), 1u) << c;
    for (const StepSpec& step : service.form.steps) {
      ExpectBothLanguages(step.title, c + " step " + step.id);
      const std::vector<FieldSpec>& fields = step.group ? step.group->fields : step.fields;
      EXPECT_FALSE(fields.empty()) << c << " step " << step.id;
      for (const FieldSpec& field : fields) {
        ExpectBothLanguages(field.label, c + " field " + field.id);
        for (const ChoiceOption& option : field.options) {
          ExpectBothLanguages(option.label, c + " option " + field.id + "=" + option.value);
        }
      }
    }
  }
}

TEST_F(ShippedCatalog, RequiresThePledgeAndTheFinanceCheckAuthorisationSignatures) {
  // Every service with a signing step needs the 承诺书; the means-tested ones, whose
  // household finances the office checks, also need the 核对授权书. Cards, bookings and
  // need registrations have no signing step.
  const std::vector<std::string> means_tested = {"dibao", "dibao_edge", "tekun", "linshi",
                                                 "yiliao", "jizhong_zhaohu"};
  for (const ServiceSpec& service : catalog.services) {
    const bool unsigned_service = service.code == "youdai" || service.code == "fuwu_xuqiu" ||
                                  service.code == "hunyin_yuyue";
    const FieldSpec* pledge = service.FindField("pledge_signature");
    if (unsigned_service) {
      EXPECT_EQ(pledge, nullptr) << service.code;
      continue;
    }
    ASSERT_NE(pledge, nullptr) << service.code;
    EXPECT_TRUE(pledge->required) << service.code;
    const FieldSpec* check = service.FindField("check_signature");
    if (std::find(means_tested.begin(), means_tested.end(), service.code) != means_tested.end()) {
      ASSERT_NE(check, nullptr) << service.code;
      EXPECT_TRUE(check->required) << service.code;
    } else {
      EXPECT_EQ(check, nullptr) << service.code;
    }
  }
}

TEST_F(ShippedCatalog, ListsMaterialsForEveryService) {
  for (const ServiceSpec& service : catalog.services) {
    EXPECT_FALSE(service.materials.empty()) << service.code;
    EXPECT_TRUE(std::any_of(service.materials.begin(), service.materials.end(),
                            [](const Material& m) { return m.required; }))
        << service.code << " has no required material";
    for (const Material& material : service.materials) {
      ExpectBothLanguages(material.name, service.code + " material " + material.id);
    }
  }
}

TEST_F(ShippedCatalog, GivesEveryCashServiceAStandardInForceWithItsSource) {
  // Services that pay or waive money; the others (cards, bookings, service needs) have none.
  for (const char* code : {"dibao", "tekun", "dibao_edge", "linshi", "canji_shenghuo",
                           "canji_huli", "gaoling", "ertong", "yiliao", "zhufang", "yanglao",
                           "zhucan", "jizhong_zhaohu", "binzang"}) {
    const ServiceSpec* service = catalog.FindService(code);
    ASSERT_NE(service, nullptr) << code;
    EXPECT_FALSE(StandardsInForce(*service, {2026, 11, 23}).empty()) << code;
  }
  for (const ServiceSpec& service : catalog.services) {
    for (const Standard& standard : service.standards) {
      ExpectBothLanguages(standard.region, service.code + " standard region");
      EXPECT_TRUE(IsValidCivilDate(standard.effective)) << service.code;
      EXPECT_GT(standard.amount_fen, 0) << service.code;
      // Every figure says where it comes from; an example says so in its note.
      ExpectBothLanguages(standard.source, service.code + " standard source");
      if (standard.example) {
        EXPECT_THAT(standard.source.zh, HasSubstr("示例")) << service.code;
        EXPECT_THAT(standard.source.en, HasSubstr("xample")) << service.code;
      }
    }
  }
}

TEST_F(ShippedCatalog, AsksTheSelfCheckQuestionsOfEveryCalculator) {
  std::set<std::string> calculators;
  for (const ServiceSpec& service : catalog.services) {
    if (!service.eligibility) continue;
    calculators.insert(service.eligibility->calculator);
    for (const FieldSpec& question : service.eligibility->questions) {
      ExpectBothLanguages(question.label, service.code + " question " + question.id);
    }
  }
  EXPECT_EQ(calculators.size(), std::size(kCalculators));
}

}  // namespace
}  // namespace yimen

namespace yimen {
namespace {

// A catalog from the network is outside input: 100,000 levels of nesting are refused
// while parsing (domain/json_limits.h), never built or walked.
TEST(CatalogDepth, HundredThousandDeepCatalogIsRefusedWithAReason) {
  const std::string deep = "{\"version\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  auto catalog = ParseCatalogFromStrings({{"catalog.json", deep}});
  ASSERT_FALSE(catalog.ok());
  EXPECT_NE(catalog.error().message.find("nested deeper than 64 levels"), std::string::npos)
      << catalog.error().message;
}

}  // namespace
}  // namespace yimen
