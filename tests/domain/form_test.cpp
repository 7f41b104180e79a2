// Tests for app/domain/form: each field rule, step and draft checks against the real 低保
// catalog, the JSON payload, and per-capita income.
#include "domain/form.h"

#include <algorithm>
#include <cstdio>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "domain/id_number.h"
#include "domain/message_keys.h"
#include "dibao_draft.h"

namespace yimen {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr CivilDate kToday{2026, 11, 23};

const Catalog& RealCatalog() {
  static const Catalog catalog = [] {
    Result<Catalog> loaded = LoadCatalog(std::string(YIMEN_TEST_ASSETS_DIR) + "/catalog");
    EXPECT_TRUE(loaded.ok()) << loaded.error().message;
    return loaded.ok() ? std::move(loaded).value() : Catalog{};
  }();
  return catalog;
}

const ServiceSpec& Dibao() {
  static const ServiceSpec empty;
  const ServiceSpec* dibao = RealCatalog().FindService("dibao");
  return dibao != nullptr ? *dibao : empty;
}


FieldSpec Spec(FieldType type, bool required = true) {
  FieldSpec field;
  field.id = "f";
  field.type = type;
  field.required = required;
  return field;
}

// The message key of the one issue for `value`, or "ok".
std::string Check(const FieldSpec& field, std::string_view value,
                  const FieldContext& ctx = FieldContext{kToday, nullptr, ""}) {
  const std::vector<FieldIssue> issues = ValidateField(field, value, ctx);
  if (issues.empty()) return "ok";
  EXPECT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].field_id, field.id);
  return issues[0].message_key;
}

std::vector<std::string> Keys(const std::vector<FieldIssue>& issues) {
  std::vector<std::string> keys;
  for (const FieldIssue& issue : issues) keys.push_back(issue.message_key);
  return keys;
}

TEST(Form, AcceptsAFullValidDibaoDraft) {
  ASSERT_FALSE(Dibao().code.empty());
  const std::vector<FieldIssue> issues =
      ValidateDraft(Dibao(), RealCatalog().region, ValidDibaoDraft(), kToday);
  EXPECT_THAT(Keys(issues), IsEmpty());
}

TEST(Form, DecisionDeliveryRoundTripsAndIsCheckedAgainstTheDraft) {
  ApplicationDraft draft = ValidDibaoDraft();
  for (const std::string_view method : kDeliveryMethods) {
    draft.decision_delivery = std::string(method);
    EXPECT_THAT(Keys(ValidateDraft(Dibao(), RealCatalog().region, draft, kToday)), IsEmpty())
        << method;
    Result<ApplicationDraft> back = DraftFromJson(DraftToJson(draft));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->decision_delivery, method);
  }
  // Older kiosks send none: accepted, and absent from the JSON.
  draft.decision_delivery.clear();
  EXPECT_FALSE(DraftToJson(draft).contains("decision_delivery"));
  EXPECT_THAT(Keys(ValidateDraft(Dibao(), RealCatalog().region, draft, kToday)), IsEmpty());

  draft.decision_delivery = "pigeon";
  EXPECT_THAT(Keys(ValidateDraft(Dibao(), RealCatalog().region, draft, kToday)),
              ElementsAre("validation.draft.delivery"));
  // Post needs the street address (shared key address.detail), SMS a phone.
  draft.decision_delivery = "post";
  draft.values.erase("address");
  EXPECT_FALSE(DeliveryPossible(Dibao(), draft, kDeliveryPost));
  EXPECT_TRUE(DeliveryPossible(Dibao(), draft, kDeliveryHall));
  EXPECT_TRUE(DeliveryPossible(Dibao(), draft, kDeliverySms));
  EXPECT_THAT(Keys(ValidateDraft(Dibao(), RealCatalog().region, draft, kToday)),
              ::testing::Contains("validation.draft.delivery"));
  draft.values.erase("phone");
  EXPECT_FALSE(DeliveryPossible(Dibao(), draft, kDeliverySms));
  nlohmann::json json = DraftToJson(ValidDibaoDraft());
  json["decision_delivery"] = 3;
  EXPECT_FALSE(DraftFromJson(json).ok());
}

TEST(Form, AcceptsALivingAloneApplicant) {
  ApplicationDraft draft = ValidDibaoDraft();
  draft.groups.clear();
  EXPECT_THAT(Keys(ValidateDraft(Dibao(), RealCatalog().region, draft, kToday)), IsEmpty());
}

TEST(Form, RequiresRequiredFieldsAndNamesWhere) {
  ApplicationDraft draft = ValidDibaoDraft();
  draft.values.erase("phone");
  draft.values["address"] = "   ";
  const std::vector<FieldIssue> issues =
      ValidateStep(Dibao(), RealCatalog().region, 0, draft, kToday);
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0].step_id, "applicant");
  EXPECT_EQ(issues[0].field_id, "phone");
  EXPECT_EQ(issues[0].message_key, "validation.required");
  EXPECT_EQ(issues[0].group_index, -1);
  EXPECT_EQ(issues[1].field_id, "address");
}

TEST(Form, LeavesAnEmptyOptionalFieldAlone) {
  EXPECT_EQ(Check(Spec(FieldType::kPhone, false), ""), "ok");
  EXPECT_EQ(Check(Spec(FieldType::kPhone, false), "12"), "validation.phone");
}

TEST(Form, LimitsTextLengthInCharacters) {
  FieldSpec field = Spec(FieldType::kText);
  field.max_length = 5;
  EXPECT_EQ(Check(field, "五个汉字啊"), "ok");
  EXPECT_EQ(Check(field, "六个汉字啊啊"), "validation.text.too_long");
  const std::vector<FieldIssue> issues = ValidateField(field, "六个汉字啊啊", {kToday, nullptr, ""});
  EXPECT_EQ(issues[0].params.at("max_length"), "5");
}

TEST(Form, RefusesControlCharactersAndBrokenUtf8InText) {
  FieldSpec field = Spec(FieldType::kText);
  field.max_length = 100;
  EXPECT_EQ(Check(field, "第一行\n第二行"), "ok");
  EXPECT_EQ(Check(field, "铃\x07"), "validation.text.chars");
  EXPECT_EQ(Check(field, "坏\xFF"), "validation.text.chars");
}

TEST(Form, AcceptsChineseNamesIncludingMinorityNamesWithADot) {
  const FieldSpec field = Spec(FieldType::kChineseName);
  EXPECT_EQ(Check(field, "张三"), "ok");
  EXPECT_EQ(Check(field, "阿依古丽·买买提"), "ok");
  EXPECT_EQ(Check(field, "王𠮷"), "ok");  // a rare name character beyond the BMP
  EXPECT_EQ(Check(field, "阿依古丽•买买提"), "ok");  // a look-alike dot, normalised
  EXPECT_EQ(NormalizeFieldValue(field, " 阿依古丽 • 买买提 "), "阿依古丽·买买提");
}

TEST(Form, RefusesNamesWithDigitsLatinOrBadDots) {
  const FieldSpec field = Spec(FieldType::kChineseName);
  EXPECT_EQ(Check(field, "张3"), "validation.name.chars");
  EXPECT_EQ(Check(field, "Zhang San"), "validation.name.chars");
  EXPECT_EQ(Check(field, "张，三"), "validation.name.chars");
  EXPECT_EQ(Check(field, "·张三"), "validation.name.dot");
  EXPECT_EQ(Check(field, "张三·"), "validation.name.dot");
  EXPECT_EQ(Check(field, "张··三"), "validation.name.dot");
  EXPECT_EQ(Check(field, "张"), "validation.name.length");
  std::string long_name;
  for (int i = 0; i < 20; ++i) long_name += "张";
  EXPECT_EQ(Check(field, long_name), "ok");
  EXPECT_EQ(Check(field, long_name + "·" + "张"), "validation.name.length");  // 21 Han
}

TEST(Form, MapsIdNumberProblemsToTheirKeys) {
  const FieldSpec field = Spec(FieldType::kIdNumber);
  EXPECT_EQ(Check(field, "11010519491231002x"), "ok");
  EXPECT_EQ(Check(field, "110105194912310021"), "validation.id.check_digit");
  EXPECT_EQ(Check(field, "1101051949"), "validation.id.length");
  EXPECT_EQ(Check(field, "442000202701010017"), "validation.id.future");
  EXPECT_EQ(NormalizeFieldValue(field, " 110105 19491231 002x "), "11010519491231002X");
}

TEST(Form, AcceptsMobileAndLandlinePhones) {
  const FieldSpec field = Spec(FieldType::kPhone);
  for (const char* phone : {"13812345678", "19912345678", "0760-88123456", "076088123456",
                            "010-62345678", "0755-2345678", " 138 1234 5678 "}) {
    EXPECT_EQ(Check(field, phone), "ok") << phone;
  }
}

TEST(Form, RefusesWhatIsNotAPhoneNumber) {
  const FieldSpec field = Spec(FieldType::kPhone);
  for (const char* phone : {"12812345678", "1381234567", "138123456789", "0760-08123456",
                            "0760-123456", "760-88123456", "+8613812345678", "07-88123456",
                            "0760--88123456", "电话"}) {
    EXPECT_EQ(Check(field, phone), "validation.phone") << phone;
  }
}

TEST(Form, ChecksAmountsAndTheirBounds) {
  FieldSpec field = Spec(FieldType::kAmount);
  EXPECT_EQ(Check(field, "1225.50"), "ok");
  EXPECT_EQ(Check(field, "12.345"), "validation.amount");
  EXPECT_EQ(Check(field, "-5"), "validation.amount");
  EXPECT_EQ(Check(field, "1,225"), "validation.amount");

  field.min = 0;
  field.max = 10000000;  // 100000 yuan
  EXPECT_EQ(Check(field, "100000"), "ok");
  const std::vector<FieldIssue> issues = ValidateField(field, "100000.01", {kToday, nullptr, ""});
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].message_key, "validation.amount.range");
  EXPECT_EQ(issues[0].params, (std::map<std::string, std::string>{{"min", "0"}, {"max", "100000"}}));

  field.min = 50;  // 0.5 yuan
  field.max.reset();
  const std::vector<FieldIssue> below = ValidateField(field, "0.1", {kToday, nullptr, ""});
  ASSERT_EQ(below.size(), 1u);
  EXPECT_EQ(below[0].message_key, "validation.amount.min");
  EXPECT_EQ(below[0].params.at("min"), "0.5");

  field.min.reset();
  field.max = 100;
  EXPECT_EQ(Check(field, "2"), "validation.amount.max");
}

TEST(Form, ChecksIntegersAndTheirBounds) {
  FieldSpec field = Spec(FieldType::kNumber);
  EXPECT_EQ(Check(field, "3"), "ok");
  EXPECT_EQ(Check(field, "-2"), "ok");
  EXPECT_EQ(Check(field, "3.5"), "validation.number");
  EXPECT_EQ(Check(field, "三"), "validation.number");
  field.min = 1;
  field.max = 10;
  EXPECT_EQ(Check(field, "0"), "validation.number.range");
  EXPECT_EQ(Check(field, "11"), "validation.number.range");
  field.max.reset();
  EXPECT_EQ(Check(field, "0"), "validation.number.min");
  field.min.reset();
  field.max = 10;
  EXPECT_EQ(Check(field, "11"), "validation.number.max");
}

TEST(Form, ChecksDigitStringsKeepingLeadingZeros) {
  FieldSpec field = Spec(FieldType::kDigits);
  field.min_length = 10;
  field.max_length = 12;
  EXPECT_EQ(Check(field, "0012345678"), "ok");
  EXPECT_EQ(Check(field, "6217 0000 12"), "ok");
  EXPECT_EQ(Check(field, "62170000ab"), "validation.digits");
  const std::vector<FieldIssue> issues = ValidateField(field, "123", {kToday, nullptr, ""});
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].message_key, "validation.digits.length");
  EXPECT_EQ(issues[0].params,
            (std::map<std::string, std::string>{{"min_length", "10"}, {"max_length", "12"}}));
}

TEST(Form, AcceptsOnlyListedChoices) {
  FieldSpec field = Spec(FieldType::kChoice);
  field.options = {{"local", {"本市户籍", "Local"}}, {"nonlocal", {"非本市", "Non-local"}}};
  EXPECT_EQ(Check(field, "local"), "ok");
  EXPECT_EQ(Check(field, "本市户籍"), "validation.choice");
  const FieldSpec yes_no = Spec(FieldType::kYesNo);
  EXPECT_EQ(Check(yes_no, "yes"), "ok");
  EXPECT_EQ(Check(yes_no, "no"), "ok");
  EXPECT_EQ(Check(yes_no, "maybe"), "validation.choice");
}

TEST(Form, AcceptsOnlyTownsAndCommunitiesOfTheRegion) {
  const Region& region = RealCatalog().region;
  EXPECT_EQ(Check(Spec(FieldType::kTown), "沙溪镇", {kToday, &region, ""}), "ok");
  EXPECT_EQ(Check(Spec(FieldType::kTown), "火星镇", {kToday, &region, ""}), "validation.town");
  const FieldSpec community = Spec(FieldType::kCommunity);
  EXPECT_EQ(Check(community, "汇源社区", {kToday, &region, "沙溪镇"}), "ok");
  EXPECT_EQ(Check(community, "民生社区", {kToday, &region, "沙溪镇"}), "validation.community");
  EXPECT_EQ(Check(community, "汇源社区", {kToday, &region, ""}), "validation.community");
}

TEST(Form, ChecksTheCommunityAgainstTheTownChosenInTheDraft) {
  ApplicationDraft draft = ValidDibaoDraft();
  draft.values["town"] = "阜沙镇";  // 民生社区 is in 石岐街道
  const std::vector<FieldIssue> issues =
      ValidateStep(Dibao(), RealCatalog().region, 0, draft, kToday);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].field_id, "community");
  EXPECT_EQ(issues[0].message_key, "validation.community");
}

TEST(Form, PlacesAMemberIssueOnItsGroupItem) {
  ApplicationDraft draft = ValidDibaoDraft();
  draft.groups["members"][1]["monthly_income"] = "一千";
  const std::vector<FieldIssue> issues =
      ValidateStep(Dibao(), RealCatalog().region, 1, draft, kToday);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].step_id, "members");
  EXPECT_EQ(issues[0].group_id, "members");
  EXPECT_EQ(issues[0].group_index, 1);
  EXPECT_EQ(issues[0].field_id, "monthly_income");
  EXPECT_EQ(issues[0].message_key, "validation.amount");
}

TEST(Form, EnforcesTheGroupItemCount) {
  ServiceSpec service = Dibao();
  service.form.steps[1].group->min = 1;
  service.form.steps[1].group->max = 1;
  ApplicationDraft draft = ValidDibaoDraft();

  std::vector<FieldIssue> issues = ValidateStep(service, RealCatalog().region, 1, draft, kToday);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].message_key, "validation.group.max");
  EXPECT_EQ(issues[0].group_id, "members");
  EXPECT_EQ(issues[0].field_id, "");
  EXPECT_EQ(issues[0].params.at("max"), "1");

  draft.groups["members"].clear();
  issues = ValidateStep(service, RealCatalog().region, 1, draft, kToday);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].message_key, "validation.group.min");
  EXPECT_EQ(issues[0].params.at("min"), "1");
  EXPECT_THAT(Keys(ValidateDraft(service, RealCatalog().region, draft, kToday)),
              ElementsAre("validation.group.min"));
}

TEST(Form, FlagsAnIdNumberEnteredTwiceWhereTheRepeatIs) {
  ApplicationDraft draft = ValidDibaoDraft();
  draft.groups["members"][1]["id_number"] = "442000195505050019";  // member 0's
  EXPECT_THAT(Keys(ValidateStep(Dibao(), RealCatalog().region, 0, draft, kToday)), IsEmpty());
  const std::vector<FieldIssue> issues =
      ValidateStep(Dibao(), RealCatalog().region, 1, draft, kToday);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].message_key, "validation.id.duplicate");
  EXPECT_EQ(issues[0].group_index, 1);
  EXPECT_EQ(issues[0].field_id, "id_number");
}

TEST(Form, RefusesADraftForAnotherService) {
  ApplicationDraft draft = ValidDibaoDraft();
  draft.service_code = "tekun";
  EXPECT_THAT(Keys(ValidateDraft(Dibao(), RealCatalog().region, draft, kToday)),
              ElementsAre("validation.draft.service"));
}

TEST(Form, RefusesValuesTheServiceDoesNotAskFor) {
  ApplicationDraft draft = ValidDibaoDraft();
  draft.values["password"] = "x";
  draft.groups["members"][0]["salary_secret"] = "x";
  draft.groups["pets"] = {{{"name", "旺财"}}};
  const std::vector<FieldIssue> issues =
      ValidateDraft(Dibao(), RealCatalog().region, draft, kToday);
  ASSERT_EQ(issues.size(), 3u);
  for (const FieldIssue& issue : issues) {
    EXPECT_EQ(issue.message_key, "validation.draft.unknown_field");
  }
  EXPECT_EQ(issues[0].field_id, "password");
  EXPECT_EQ(issues[1].group_id, "members");
  EXPECT_EQ(issues[1].group_index, 0);
  EXPECT_EQ(issues[2].group_id, "pets");
}

TEST(Form, RoundTripsADraftThroughJson) {
  const ApplicationDraft draft = ValidDibaoDraft();
  const nlohmann::json json = DraftToJson(draft);
  EXPECT_EQ(json.at("format"), 1);
  EXPECT_EQ(json.at("groups").at("members").size(), 2u);
  const Result<ApplicationDraft> back = DraftFromJson(nlohmann::json::parse(json.dump()));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, draft);
}

TEST(Form, RefusesMisshapenDraftJsonWithoutThrowing) {
  nlohmann::json json = DraftToJson(ValidDibaoDraft());
  const auto error_of = [](const nlohmann::json& j) {
    const Result<ApplicationDraft> result = DraftFromJson(j);
    return result.ok() ? std::string("(ok)") : result.error().message;
  };
  nlohmann::json bad = json;
  bad["values"]["phone"] = 13812345678;
  EXPECT_THAT(error_of(bad), ::testing::HasSubstr("values.phone: expected a string"));
  bad = json;
  bad["groups"]["members"][1] = "王小明";
  EXPECT_THAT(error_of(bad), ::testing::HasSubstr("groups.members[1]: expected an object"));
  bad = json;
  bad["format"] = 2;
  EXPECT_THAT(error_of(bad), ::testing::HasSubstr("format"));
  bad = json;
  bad["extra"] = true;
  EXPECT_THAT(error_of(bad), ::testing::HasSubstr("extra: unknown key"));
  EXPECT_THAT(error_of(nlohmann::json::array()), ::testing::HasSubstr("expected an object"));
}

TEST(Form, ComputesPerCapitaMonthlyIncomeForTheHousehold) {
  ApplicationDraft draft = ValidDibaoDraft();
  // (800 + 0 + 0) / 3 = 266.666..., rounded half up to the fen.
  Result<int64_t> per_capita = PerCapitaMonthlyIncomeFen(Dibao(), draft);
  ASSERT_TRUE(per_capita.ok()) << per_capita.error().message;
  EXPECT_EQ(*per_capita, 26667);

  draft.groups["members"][0]["monthly_income"] = "1600.50";
  EXPECT_EQ(*PerCapitaMonthlyIncomeFen(Dibao(), draft), 80017);  // 2400.50 / 3

  draft.groups.clear();
  EXPECT_EQ(*PerCapitaMonthlyIncomeFen(Dibao(), draft), 80000);
}

TEST(Form, RefusesPerCapitaIncomeWhenAnIncomeIsNotAnAmount) {
  ApplicationDraft draft = ValidDibaoDraft();
  draft.groups["members"][1]["monthly_income"] = "";
  const Result<int64_t> result = PerCapitaMonthlyIncomeFen(Dibao(), draft);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message, "validation.amount");

  ServiceSpec no_test = Dibao();
  no_test.means_test.reset();
  EXPECT_FALSE(PerCapitaMonthlyIncomeFen(no_test, ValidDibaoDraft()).ok());
}

TEST(Form, ComparesPerCapitaIncomeWithTheStandardInForce) {
  const Result<int64_t> per_capita = PerCapitaMonthlyIncomeFen(Dibao(), ValidDibaoDraft());
  const Standard* standard = CurrentStandard(Dibao(), Area::kUrban, kToday);
  ASSERT_TRUE(per_capita.ok());
  ASSERT_NE(standard, nullptr);
  EXPECT_LT(*per_capita, standard->amount_fen);
}

TEST(Form, NormalisesAWholeDraft) {
  ApplicationDraft draft = ValidDibaoDraft();
  draft.values["id_number"] = " 442000 19580311 0024 ";
  draft.values["phone"] = "138 1234 5678";
  draft.groups["members"][1]["id_number"] = "44200020100101002x";
  draft.values["unknown"] = "  kept as is  ";
  NormalizeDraft(Dibao(), &draft);
  EXPECT_EQ(draft.values["id_number"], "442000195803110024");
  EXPECT_EQ(draft.values["phone"], "13812345678");
  EXPECT_EQ(draft.groups["members"][1]["id_number"], "44200020100101002X");
  EXPECT_EQ(draft.values["unknown"], "  kept as is  ");
}

TEST(Form, EmitsOnlyKnownMessageKeys) {
  // Every key seen across these checks is in message_keys.h, which strings_test ties to
  // the translations.
  ApplicationDraft draft = ValidDibaoDraft();
  draft.values = {{"name", "1"}, {"id_number", "1"}, {"phone", "1"}, {"hukou", "x"},
                  {"town", "x"}, {"applicant_income", "x"}, {"account_number", "x"}};
  for (const FieldIssue& issue : ValidateDraft(Dibao(), RealCatalog().region, draft, kToday)) {
    EXPECT_NE(std::find(msg::kAllValidationKeys.begin(), msg::kAllValidationKeys.end(),
                        issue.message_key),
              msg::kAllValidationKeys.end())
        << issue.message_key;
  }
}

// --- schema 2 field types ---------------------------------------------------------

// A valid ID number for someone born on `birth` (sequence `seq` keeps numbers apart).
std::string MakeId(const CivilDate& birth, int seq) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "442000%04d%02d%02d%03d", birth.year, birth.month,
                birth.day, seq % 1000);
  const std::string first17(buffer);
  return first17 + IdCheckCharacter(first17);
}

const ServiceSpec& Service(std::string_view code) {
  static const ServiceSpec empty;
  const ServiceSpec* service = RealCatalog().FindService(code);
  EXPECT_NE(service, nullptr) << code;
  return service != nullptr ? *service : empty;
}

TEST(Form, ChecksDatesAndNormalisesCommonSpellings) {
  FieldSpec field = Spec(FieldType::kDate);
  EXPECT_EQ(Check(field, "1950-03-08"), "ok");
  EXPECT_EQ(Check(field, "2024-02-29"), "ok");
  EXPECT_EQ(Check(field, "2023-02-29"), "validation.date");
  EXPECT_EQ(Check(field, "1950-13-01"), "validation.date");
  EXPECT_EQ(Check(field, "三月八日"), "validation.date");
  EXPECT_EQ(Check(field, "1950-03"), "validation.date");
  for (const char* spelling : {"1950-3-8", "1950/03/08", "1950.3.8", "1950年3月8日", "19500308",
                               " 1950 - 03 - 08 ", "１９５０-３-８"}) {
    EXPECT_EQ(NormalizeFieldValue(field, spelling), "1950-03-08") << spelling;
  }
}

TEST(Form, ChecksDateBoundsAgainstToday) {
  FieldSpec field = Spec(FieldType::kDate);
  field.min_date = DateBound{true, {}, 1};
  field.max_date = DateBound{true, {}, 30};
  EXPECT_EQ(Check(field, "2026-11-23"), "validation.date.range");  // today: too early
  EXPECT_EQ(Check(field, "2026-11-24"), "ok");
  EXPECT_EQ(Check(field, "2026-12-23"), "ok");                     // today + 30
  EXPECT_EQ(Check(field, "2026-12-24"), "validation.date.range");
  const std::vector<FieldIssue> issues = ValidateField(field, "2027-01-01", {kToday, nullptr, ""});
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].params.at("min"), "2026-11-24");
  EXPECT_EQ(issues[0].params.at("max"), "2026-12-23");

  field.min_date.reset();
  field.max_date = DateBound{true, {}, 0};
  EXPECT_EQ(Check(field, "2026-11-24"), "validation.date.max");
  field.max_date.reset();
  field.min_date = DateBound{false, {2000, 1, 1}, 0};
  EXPECT_EQ(Check(field, "1999-12-31"), "validation.date.min");
  EXPECT_EQ(Check(field, "2000-01-01"), "ok");
}

TEST(Form, MasksDateKeypadInput) {
  EXPECT_EQ(MaskDateInput(""), "");
  EXPECT_EQ(MaskDateInput("195"), "195");
  EXPECT_EQ(MaskDateInput("1950"), "1950-");
  EXPECT_EQ(MaskDateInput("19500"), "1950-0");
  EXPECT_EQ(MaskDateInput("195003"), "1950-03-");
  EXPECT_EQ(MaskDateInput("19500308"), "1950-03-08");
  EXPECT_EQ(MaskDateInput("1950-03-08" "9"), "1950-03-08");  // a ninth digit is ignored
  EXPECT_EQ(MaskDateInput("1950-03-" "0"), "1950-03-0");
  EXPECT_EQ(MaskDateBackspace("1950-03-"), "1950-0");
  EXPECT_EQ(MaskDateBackspace("1950-"), "195");
  EXPECT_EQ(MaskDateBackspace("1"), "");
  EXPECT_EQ(MaskDateBackspace(""), "");
}

FieldSpec ThreeOptions() {
  FieldSpec field = Spec(FieldType::kMultiChoice);
  field.options = {{"a", {"甲", "A"}}, {"b", {"乙", "B"}}, {"c", {"丙", "C"}}};
  return field;
}

TEST(Form, ChecksMultiChoicesAndHowManyArePicked) {
  FieldSpec field = ThreeOptions();
  EXPECT_EQ(Check(field, "a"), "ok");
  EXPECT_EQ(Check(field, "a,c"), "ok");
  EXPECT_EQ(Check(field, "a,x"), "validation.multi_choice");
  EXPECT_EQ(Check(field, ""), "validation.required_choice");
  field.min = 2;
  EXPECT_EQ(Check(field, "b"), "validation.multi_choice.min");
  field.min.reset();
  field.max = 2;
  EXPECT_EQ(Check(field, "a,b,c"), "validation.multi_choice.max");
  EXPECT_EQ(NormalizeFieldValue(field, "c, a ,a"), "a,c");
  EXPECT_EQ(NormalizeFieldValue(field, "x,b"), "b,x");
}

TEST(Form, TogglesChoicesInOptionOrder) {
  const FieldSpec field = ThreeOptions();
  EXPECT_EQ(ToggleChoice(field, "", "c"), "c");
  EXPECT_EQ(ToggleChoice(field, "c", "a"), "a,c");
  EXPECT_EQ(ToggleChoice(field, "a,c", "c"), "a");
  EXPECT_EQ(ToggleChoice(field, "a", "a"), "");
  EXPECT_THAT(SplitChoices(" a,,c "), ElementsAre("a", "c"));
}

TEST(Form, ChecksSignatureAndPhotoReferencesByShapeOnly) {
  const FieldSpec signature = Spec(FieldType::kSignature);
  EXPECT_EQ(Check(signature, "sig:0f3a9c1e-77b2"), "ok");
  EXPECT_EQ(Check(signature, "sig:0F3A9C1E"), "validation.signature");  // lower-case hex only
  EXPECT_EQ(Check(signature, "sig:abc"), "validation.signature");       // too short
  EXPECT_EQ(Check(signature, "photo:0f3a9c1e"), "validation.signature");
  EXPECT_EQ(Check(Spec(FieldType::kSignature, false), ""), "ok");
  const FieldSpec photo = Spec(FieldType::kPhoto);
  EXPECT_EQ(Check(photo, "photo:0123456789abcdef"), "ok");
  EXPECT_EQ(Check(photo, "/etc/passwd"), "validation.photo");
  EXPECT_EQ(Check(photo, ""), "validation.required");
}

// --- conditions ----------------------------------------------------------------------

TEST(Form, ShowsAConditionalFieldOnlyWhenItsControllerMatches) {
  const ServiceSpec& tekun = Service("tekun");
  const FieldSpec* grade = tekun.FindField("disability_grade");
  ASSERT_NE(grade, nullptr);
  ApplicationDraft draft;
  draft.service_code = "tekun";
  EXPECT_FALSE(IsFieldVisible(tekun, *grade, draft));
  draft.values["category"] = "elderly";
  EXPECT_FALSE(IsFieldVisible(tekun, *grade, draft));
  draft.values["category"] = " disabled ";  // normalised like the value itself
  EXPECT_TRUE(IsFieldVisible(tekun, *grade, draft));
}

TEST(Form, LooksUpAGroupFieldsControllerInItsOwnItem) {
  const GroupSpec* members = Dibao().FindGroup("members");
  ASSERT_NE(members, nullptr);
  const FieldSpec* grade = members->FindField("disability_grade");
  ASSERT_NE(grade, nullptr);
  const ApplicationDraft draft = ValidDibaoDraft();  // member 0 disabled, member 1 not
  EXPECT_TRUE(IsFieldVisible(Dibao(), *grade, draft, "members", 0));
  EXPECT_FALSE(IsFieldVisible(Dibao(), *grade, draft, "members", 1));
  EXPECT_FALSE(IsFieldVisible(Dibao(), *grade, draft, "members", 7));  // no such item
}

TEST(Form, DoesNotValidateHiddenFieldsButDoesValidateShownOnes) {
  ApplicationDraft draft = ValidDibaoDraft();
  draft.groups["members"][0].erase("disability_grade");  // shown and required
  draft.groups["members"][1]["disability_grade"] = "";   // hidden: not required
  const std::vector<FieldIssue> issues = ValidateStep(Dibao(), RealCatalog().region, 1, draft, kToday);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].field_id, "disability_grade");
  EXPECT_EQ(issues[0].group_index, 0);
  EXPECT_EQ(issues[0].message_key, "validation.required_choice");
}

TEST(Form, HidesAFieldWhoseControllerIsHidden) {
  ServiceSpec service;
  service.code = "s";
  StepSpec step;
  step.id = "only";
  FieldSpec a = Spec(FieldType::kYesNo);
  a.id = "a";
  FieldSpec b = Spec(FieldType::kYesNo);
  b.id = "b";
  b.visible_if = Condition{"a", {"yes"}};
  FieldSpec c = Spec(FieldType::kText);
  c.id = "c";
  c.max_length = 10;
  c.visible_if = Condition{"b", {"yes"}};
  step.fields = {a, b, c};
  service.form.steps = {step};
  ApplicationDraft draft;
  draft.service_code = "s";
  draft.values = {{"a", "no"}, {"b", "yes"}, {"c", "留下的字"}};
  EXPECT_FALSE(IsFieldVisible(service, service.form.steps[0].fields[2], draft));
  // ValidateDraft refuses values of hidden fields; DropHiddenValues removes them first.
  EXPECT_THAT(Keys(ValidateDraft(service, Region{}, draft, kToday)),
              ElementsAre("validation.draft.hidden_field", "validation.draft.hidden_field"));
  DropHiddenValues(service, &draft);
  EXPECT_EQ(draft.values, (std::map<std::string, std::string>{{"a", "no"}}));
  EXPECT_THAT(Keys(ValidateDraft(service, Region{}, draft, kToday)), IsEmpty());
}

TEST(Form, DropsHiddenValuesOfGroupItemsOnSubmit) {
  ApplicationDraft draft = ValidDibaoDraft();
  draft.groups["members"][1]["disability_grade"] = "g2";  // typed, then "disability: no"
  EXPECT_THAT(Keys(ValidateDraft(Dibao(), RealCatalog().region, draft, kToday)),
              ElementsAre("validation.draft.hidden_field"));
  DropHiddenValues(Dibao(), &draft);
  EXPECT_EQ(draft.groups["members"][1].count("disability_grade"), 0u);
  EXPECT_EQ(draft.groups["members"][0].at("disability_grade"), "g1");
  EXPECT_THAT(Keys(ValidateDraft(Dibao(), RealCatalog().region, draft, kToday)), IsEmpty());
}

TEST(Form, ShowsAFieldWhenAMultiChoiceControllerHasTheValue) {
  const ServiceSpec& edge = Service("dibao_edge");
  const FieldSpec* kinds = edge.FindField("spending_kinds");
  ASSERT_NE(kinds, nullptr);
  ApplicationDraft draft;
  draft.values["big_spending"] = "yes";
  EXPECT_TRUE(IsFieldVisible(edge, *kinds, draft));
  draft.values["big_spending"] = "no";
  EXPECT_FALSE(IsFieldVisible(edge, *kinds, draft));
}

// --- declared cross-field rules ------------------------------------------------------

ApplicationDraft GaolingDraft(const std::string& id_number) {
  ApplicationDraft draft;
  draft.service_code = "gaoling";
  draft.values = {{"name", "李桂兰"}, {"id_number", id_number}, {"phone", "13812345678"},
                  {"hukou", "local"}, {"filled_by", "self"}, {"town", "沙溪镇"},
                  {"community", "沙溪社区"}, {"address", "沙溪路1号"}, {"bank_name", "农业银行"},
                  {"account_number", "6228480012345678901"},
                  {"pledge_signature", "sig:0123456789abcdef0123456789abcdef"}};
  return draft;
}

TEST(Form, NeedsEightyYearsFromTheIdForTheOldAgeAllowance) {
  const ServiceSpec& gaoling = Service("gaoling");
  // 79 years and 364 days on 2026-11-23: born 1946-11-24.
  std::vector<FieldIssue> issues =
      ValidateDraft(gaoling, RealCatalog().region, GaolingDraft(MakeId({1946, 11, 24}, 11)), kToday);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].step_id, "applicant");
  EXPECT_EQ(issues[0].field_id, "id_number");
  EXPECT_EQ(issues[0].message_key, "validation.rule.min_age");
  EXPECT_EQ(issues[0].params.at("years"), "80");
  EXPECT_EQ(issues[0].params.at("age"), "79");
  // The day the self-check gives too (eligibility_test OldAgeAllowanceStarts...).
  EXPECT_EQ(issues[0].params.at("date"), "2026-11-24");
  // Eighty today.
  EXPECT_THAT(Keys(ValidateDraft(gaoling, RealCatalog().region,
                                 GaolingDraft(MakeId({1946, 11, 23}, 11)), kToday)),
              IsEmpty());
  // An ID ending in X, 91 years old.
  const std::string with_x = "11010519351231000X";
  ASSERT_TRUE(ParseIdNumber(with_x, kToday).ok());
  EXPECT_THAT(Keys(ValidateDraft(gaoling, RealCatalog().region, GaolingDraft(with_x), kToday)),
              IsEmpty());
}

TEST(Form, LeavesTheAgeRuleToTheIdCheckWhenTheIdIsWrong) {
  std::vector<FieldIssue> issues = ValidateStep(Service("gaoling"), RealCatalog().region, 0,
                                                GaolingDraft("110105195012310021"), kToday);
  EXPECT_THAT(Keys(issues), ElementsAre("validation.id.check_digit"));
}

ApplicationDraft ErtongDraft(const std::string& relation, const std::string& applicant_id,
                             const std::string& child_id) {
  ApplicationDraft draft;
  draft.service_code = "ertong";
  draft.values = {{"name", "陈小燕"}, {"id_number", applicant_id}, {"phone", "13812345678"},
                  {"hukou", "local"}, {"relation_to_child", relation}, {"town", "阜沙镇"},
                  {"community", "大有村"}, {"address", "大有村3巷2号"},
                  {"child_id_number", child_id}, {"situation", "orphan"}, {"living", "family"},
                  {"in_school", "yes"}, {"bank_name", "农业银行"},
                  {"account_number", "6228480012345678901"},
                  {"pledge_signature", "sig:0123456789abcdef0123456789abcdef"}};
  if (relation != "self") draft.values["child_name"] = "陈乐";
  return draft;
}

TEST(Form, NeedsAChildUnderEighteenAndAGuardianOrTheChildThemself) {
  const ServiceSpec& ertong = Service("ertong");
  const Region& region = RealCatalog().region;
  const std::string grandmother = MakeId({1958, 5, 6}, 22);
  const std::string child = MakeId({2012, 9, 1}, 33);
  EXPECT_THAT(Keys(ValidateDraft(ertong, region, ErtongDraft("grandparent", grandmother, child), kToday)),
              IsEmpty());
  // A child who turned 18 today.
  const std::vector<FieldIssue> adult = ValidateDraft(
      ertong, region, ErtongDraft("grandparent", grandmother, MakeId({2008, 11, 23}, 33)), kToday);
  ASSERT_EQ(adult.size(), 1u);
  EXPECT_EQ(adult[0].field_id, "child_id_number");
  EXPECT_EQ(adult[0].step_id, "child");
  EXPECT_EQ(adult[0].message_key, "validation.rule.age_below");
  // An adult may not say "I am the child"; a 17-year-old may.
  const std::vector<FieldIssue> self = ValidateDraft(ertong, region, ErtongDraft("self", grandmother, grandmother), kToday);
  EXPECT_THAT(Keys(self), ::testing::Contains("validation.rule.age_below"));
  const std::string teen = MakeId({2009, 11, 24}, 44);  // 17 years and 364 days
  EXPECT_THAT(Keys(ValidateDraft(ertong, region, ErtongDraft("self", teen, teen), kToday)),
              ::testing::Not(::testing::Contains("validation.rule.age_below")));
}

TEST(Form, TellsTheApplicantNotToListThemselvesAsAMember) {
  ApplicationDraft draft = ValidDibaoDraft();
  draft.groups["members"][1]["id_number"] = draft.values["id_number"];
  const std::vector<FieldIssue> issues = ValidateStep(Dibao(), RealCatalog().region, 1, draft, kToday);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].group_index, 1);
  EXPECT_EQ(issues[0].field_id, "id_number");
  EXPECT_EQ(issues[0].message_key, "validation.rule.applicant_in_members");
  // Two members with the same number are a plain duplicate.
  draft = ValidDibaoDraft();
  draft.groups["members"][1]["id_number"] = draft.groups["members"][0]["id_number"];
  EXPECT_THAT(Keys(ValidateStep(Dibao(), RealCatalog().region, 1, draft, kToday)),
              ElementsAre("validation.id.duplicate"));
}

TEST(Form, PlacesAConditionalAgeRuleWhereItsConditionIsAnswered) {
  // 特困: the ID is on step 1, "未满18周岁的孩子" on step 2.
  ApplicationDraft draft;
  draft.service_code = "tekun";
  draft.values = {{"id_number", MakeId({1950, 5, 20}, 66)}, {"category", "minor"}};
  const std::vector<FieldIssue> step2 = ValidateStep(Service("tekun"), RealCatalog().region, 1, draft, kToday);
  ASSERT_THAT(Keys(step2), ::testing::Contains("validation.rule.age_below"));
  const auto rule = std::find_if(step2.begin(), step2.end(), [](const FieldIssue& i) {
    return i.message_key == "validation.rule.age_below";
  });
  EXPECT_EQ(rule->step_id, "situation");
  EXPECT_EQ(rule->field_id, "category");
  EXPECT_EQ(rule->params.at("age"), "76");
  EXPECT_THAT(Keys(ValidateStep(Service("tekun"), RealCatalog().region, 0, draft, kToday)),
              ::testing::Not(::testing::Contains("validation.rule.age_below")));
  draft.values["category"] = "elderly";
  EXPECT_THAT(Keys(ValidateDraft(Service("tekun"), RealCatalog().region, draft, kToday)),
              ::testing::Not(::testing::Contains(::testing::StartsWith("validation.rule"))));
}

TEST(Form, AppliesARuleOnlyWhenItsConditionHolds) {
  // 优待证 from 60, the bus pass from 65.
  ApplicationDraft draft;
  draft.service_code = "youdai";
  draft.values = {{"name", "赵德明"}, {"id_number", MakeId({1964, 1, 1}, 55)},
                  {"phone", "13812345678"}, {"hukou", "nonlocal"}, {"town", "石岐街道"},
                  {"community", "博凯社区"}, {"address", "博凯路2号"}, {"cards", "senior_card"},
                  {"pickup", "community"}};
  EXPECT_THAT(Keys(ValidateDraft(Service("youdai"), RealCatalog().region, draft, kToday)), IsEmpty());
  draft.values["cards"] = "senior_card,bus_card";
  const std::vector<FieldIssue> issues = ValidateDraft(Service("youdai"), RealCatalog().region, draft, kToday);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].message_key, "validation.rule.min_age");
  EXPECT_EQ(issues[0].params.at("years"), "65");
  EXPECT_EQ(issues[0].params.at("age"), "62");
}

// --- every shipped form can be completed ----------------------------------------------

// Fills every visible required field of `service` with a plausible valid value, choosing
// ages that satisfy the service's age rules, and returns the draft.
ApplicationDraft FillEverything(const ServiceSpec& service, const Region& region) {
  ApplicationDraft draft;
  draft.service_code = service.code;
  int seq = 100;
  const auto value_for = [&](const FieldSpec& field) -> std::string {
    switch (field.type) {
      case FieldType::kText: return "测试内容";
      case FieldType::kChineseName: return "张秀英";
      case FieldType::kIdNumber: {
        CivilDate birth{1980, 6, 15};
        for (const CrossFieldRule& rule : service.rules) {
          if (rule.id_field != field.id) continue;
          if (rule.kind == CrossFieldRule::Kind::kMinAge) birth = {1930, 6, 15};
          if (rule.kind == CrossFieldRule::Kind::kAgeBelow && !rule.when) birth = {2016, 6, 15};
        }
        return MakeId(birth, ++seq);
      }
      case FieldType::kPhone: return "13812345678";
      case FieldType::kAmount: return field.min ? FormatYuan(*field.min) : "0";
      case FieldType::kNumber: return std::to_string(field.min.value_or(1));
      case FieldType::kDigits: return std::string(static_cast<size_t>(*field.min_length), '6');
      case FieldType::kChoice: return field.options.front().value;
      case FieldType::kMultiChoice: return field.options.front().value;
      case FieldType::kYesNo: return "yes";
      case FieldType::kTown: return region.towns.front().name.zh;
      case FieldType::kCommunity: return region.towns.front().communities.front().zh;
      case FieldType::kDate: {
        if (field.min_date) return FormatIsoDate(ResolveDateBound(*field.min_date, kToday));
        if (field.max_date) return FormatIsoDate(ResolveDateBound(*field.max_date, kToday));
        return "2000-01-01";
      }
      case FieldType::kSignature: return "sig:0123456789abcdef";
      case FieldType::kPhoto: return "photo:0123456789abcdef";
    }
    return "";
  };
  // Conditions look back, so one pass in form order sees every controller's value.
  for (const StepSpec& step : service.form.steps) {
    for (const FieldSpec& field : step.fields) {
      if (IsFieldVisible(service, field, draft)) draft.values[field.id] = value_for(field);
    }
    if (step.group) {
      auto& items = draft.groups[step.group->id];
      items.resize(static_cast<size_t>(std::max(step.group->min, 1)));
      for (size_t i = 0; i < items.size(); ++i) {
        for (const FieldSpec& field : step.group->fields) {
          if (IsFieldVisible(service, field, draft, step.group->id, static_cast<int>(i))) {
            items[i][field.id] = value_for(field);
          }
        }
      }
    }
  }
  return draft;
}

TEST(Form, CanCompleteEveryShippedForm) {
  for (const ServiceSpec& service : RealCatalog().services) {
    const ApplicationDraft draft = FillEverything(service, RealCatalog().region);
    const std::vector<FieldIssue> issues = ValidateDraft(service, RealCatalog().region, draft, kToday);
    for (const FieldIssue& issue : issues) {
      ADD_FAILURE() << service.code << ": " << issue.step_id << "." << issue.field_id << " "
                    << issue.message_key;
    }
  }
}

TEST(Form, KeepsPhotosOptionalUntilTheCameraExistsAndAsksDibaoForSignatures) {
  for (const ServiceSpec& service : RealCatalog().services) {
    for (const StepSpec& step : service.form.steps) {
      for (const FieldSpec& field : step.fields) {
        if (field.type == FieldType::kPhoto) {
          EXPECT_FALSE(field.required) << service.code << "." << field.id;
        }
        if (service.code == "dibao" && field.type == FieldType::kSignature) {
          EXPECT_TRUE(field.required) << field.id;
        }
      }
    }
  }
  ApplicationDraft draft = ValidDibaoDraft();
  draft.values.erase("pledge_signature");
  std::vector<FieldIssue> issues = ValidateDraft(Dibao(), RealCatalog().region, draft, kToday);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].field_id, "pledge_signature");
}

}  // namespace
}  // namespace yimen

namespace yimen {
namespace {

TEST(Form, KeepsSignatureStrokesWithTheDraftThroughJson) {
  ApplicationDraft draft = ValidDibaoDraft();
  draft.attachments["sig:0123456789abcdef0123456789abcdef"] = "100,200 300,400\n500,500 600,600\n";
  Result<ApplicationDraft> back = DraftFromJson(DraftToJson(draft));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, draft);
  // Older drafts without attachments still read.
  nlohmann::json old = DraftToJson(ValidDibaoDraft());
  old.erase("attachments");
  EXPECT_TRUE(DraftFromJson(old).ok());
  // An attachment must be referenced like a signature or a photo.
  nlohmann::json bad = DraftToJson(draft);
  bad["attachments"]["../../etc/passwd"] = "x";
  Result<ApplicationDraft> refused = DraftFromJson(bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("attachments"), std::string::npos);
}

TEST(Form, AsksToChooseAndToSignWhereNothingWasChosenOrSigned) {
  FieldSpec choice = ThreeOptions();
  choice.type = FieldType::kChoice;
  EXPECT_EQ(Check(choice, ""), "validation.required_choice");
  FieldSpec signature;
  signature.id = "pledge_signature";
  signature.type = FieldType::kSignature;
  signature.required = true;
  EXPECT_EQ(Check(signature, ""), "validation.required_signature");
}

TEST(Form, PapersSignedOnTheKioskAreNotMaterialsToBring) {
  const ServiceSpec& dibao = Dibao();
  std::vector<std::string> signed_here;
  for (const Material& material : dibao.materials) {
    if (SignedOnKiosk(dibao, material)) signed_here.push_back(material.id);
  }
  EXPECT_THAT(signed_here, testing::UnorderedElementsAre("honesty_pledge", "check_authorization"));
  // A service whose form has no 核对授权书 signature still lists nothing it does not sign.
  const ServiceSpec& youdai = Service("youdai");
  for (const Material& material : youdai.materials) EXPECT_FALSE(SignedOnKiosk(youdai, material));
}

}  // namespace
}  // namespace yimen
