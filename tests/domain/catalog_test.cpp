// Tests for app/domain/catalog: the real assets/catalog loads and says what the 低保
// documents say; every kind of broken catalog is refused with the file and field named.
#include "domain/catalog.h"

#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

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

// The real catalog as parsed JSON, for tests that break one thing in it.
struct CatalogFiles {
  json catalog = json::parse(ReadText(kAssetCatalog + "/catalog.json"));
  json dibao = json::parse(ReadText(kAssetCatalog + "/services/dibao.json"));

  Result<Catalog> Parse() const {
    return ParseCatalogFromStrings(
        {{"catalog.json", catalog.dump()}, {"services/dibao.json", dibao.dump()}});
  }
};

std::string ErrorOf(const Result<Catalog>& result) {
  return result.ok() ? std::string("(loaded)") : result.error().message;
}

TEST(Catalog, LoadsTheRealAssets) {
  const Result<Catalog> catalog = LoadCatalog(kAssetCatalog);
  ASSERT_TRUE(catalog.ok()) << catalog.error().message;
  EXPECT_EQ(catalog->schema, kCatalogSchema);
  EXPECT_EQ(catalog->version, "2024.11.1");
  EXPECT_EQ(catalog->published, (CivilDate{2024, 11, 1}));
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
  EXPECT_EQ(catalog->FindService("tekun"), nullptr);
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
                                            "bank"));
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
  const Result<Catalog> result =
      ParseCatalogFromStrings({{"catalog.json", CatalogFiles().catalog.dump()}});
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
  EXPECT_THAT(ErrorOf(files.Parse()), HasSubstr("catalog.json: schema: schema 2 is newer"));
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
  std::string text = files.dibao.dump();
  text.insert(1, "\"code\":\"dibao\",");
  const Result<Catalog> result =
      ParseCatalogFromStrings({{"catalog.json", files.catalog.dump()}, {"services/dibao.json", text}});
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
        FieldType::kYesNo, FieldType::kTown, FieldType::kCommunity}) {
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

}  // namespace
}  // namespace yimen
