// Tests for app/domain/visit_form: a household applying for 低保, 医疗救助 and 临时救助 in
// one visit on the real catalog — each shared fact asked once, the draft split back per
// service, every service's own rules applied.
#include "domain/visit_form.h"

#include <map>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "domain/dibao_draft.h"

namespace yimen {
namespace {

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

VisitForm ThreeServices() {
  Result<VisitForm> visit = BuildVisitForm(RealCatalog(), {"linshi", "dibao", "yiliao"});
  EXPECT_TRUE(visit.ok()) << visit.error().message;
  return visit.ok() ? std::move(visit).value() : VisitForm{};
}

// Every field of the wizard by id, with the step it is on.
std::map<std::string, std::string> FieldSteps(const VisitForm& visit) {
  std::map<std::string, std::string> steps;
  for (const StepSpec& step : visit.form.form.steps) {
    for (const FieldSpec& field : step.fields) {
      EXPECT_TRUE(steps.emplace(field.id, step.id).second) << field.id << " placed twice";
    }
  }
  return steps;
}

// The household of dibao_draft.h, also asking for 医疗救助 (the husband's hospital stay)
// and 临时救助, as the wizard holds it.
ApplicationDraft HouseholdDraft(const VisitForm& visit) {
  ApplicationDraft draft = ValidDibaoDraft();
  draft.service_code = visit.form.code;
  draft.values.erase("reason");
  draft.values["dibao__reason"] = "丈夫重病不能上班，孩子在上学，家里只靠我打零工。";
  draft.values["family_status"] = "none";
  draft.values["yiliao__patient"] = "member";
  draft.values["yiliao__patient_name"] = "王建国";
  draft.values["yiliao__patient_id_number"] = "442000195505050019";  // a member's, on purpose
  draft.values["yiliao__illness"] = "脑出血";
  draft.values["yiliao__hospital"] = "市人民医院";
  draft.values["yiliao__admitted_on"] = "2026-11-01";
  draft.values["yiliao__total_cost"] = "58000";
  draft.values["yiliao__insurance_paid"] = "30000";
  draft.values["linshi__hardship_kinds"] = "illness";
  draft.values["linshi__happened_on"] = "2026-11-01";
  draft.values["linshi__household_size"] = "3";
  draft.values["linshi__household_income"] = "800";
  draft.values["linshi__reason"] = "丈夫住院，家里没有收入。";
  draft.decision_delivery = "sms";
  return draft;
}

TEST(VisitForm, AsksEverySharedFactOnceAndEachServicesOwnFieldsAfter) {
  const VisitForm visit = ThreeServices();
  EXPECT_EQ(visit.form.code, "visit:dibao+linshi+yiliao");  // catalog order
  EXPECT_EQ(visit.form.name.zh, "最低生活保障（低保）、临时救助、困难居民重特大疾病医疗救助");
  std::map<std::string, int> keys;
  for (const StepSpec& step : visit.form.form.steps) {
    for (const FieldSpec& field : step.fields) {
      if (!field.shared.empty()) ++keys[field.shared];
    }
    if (step.group && !step.group->shared.empty()) ++keys[step.group->shared];
  }
  for (const auto& [key, count] : keys) EXPECT_EQ(count, 1) << key;
  for (const char* key : {"applicant.name", "applicant.id_number", "applicant.phone",
                          "address.detail", "household.members", "income.applicant", "bank.account",
                          "sign.pledge", "sign.check", "photo.id_card"}) {
    EXPECT_EQ(keys[key], 1) << key;
  }
  const std::map<std::string, std::string> steps = FieldSteps(visit);
  EXPECT_EQ(steps.at("name"), "applicant");
  EXPECT_EQ(steps.at("family_status"), "applicant");  // 医疗救助's, shared, asked up front
  EXPECT_EQ(steps.at("yiliao__illness"), "yiliao__illness");
  EXPECT_EQ(steps.at("dibao__reason"), "dibao__reason");
  EXPECT_EQ(steps.at("linshi__reason"), "linshi__reason");
  // One last step with every signature and photo, 医疗救助's bills included.
  EXPECT_EQ(visit.form.form.steps.back().id, "confirm");
  EXPECT_EQ(steps.at("pledge_signature"), "confirm");
  EXPECT_EQ(steps.at("yiliao__photo_medical_bills"), "confirm");
  // The shared steps come before every service's own.
  EXPECT_EQ(visit.form.form.steps[0].id, "applicant");
  EXPECT_EQ(visit.form.form.steps[1].id, "members");
}

TEST(VisitForm, ASharedChoiceOffersOnlyWhatEveryServiceAccepts) {
  // 临时救助 takes "no 户籍 at all"; 低保 does not, so the visit does not offer it.
  const VisitForm visit = ThreeServices();
  const FieldSpec* hukou = visit.form.FindField("hukou");
  ASSERT_NE(hukou, nullptr);
  std::set<std::string> values;
  for (const ChoiceOption& option : hukou->options) values.insert(option.value);
  EXPECT_EQ(values, (std::set<std::string>{"local", "nonlocal"}));
  EXPECT_TRUE(hukou->required);
}

TEST(VisitForm, SplitsIntoDraftsEachServiceAcceptsAlone) {
  const VisitForm visit = ThreeServices();
  const ApplicationDraft wizard = HouseholdDraft(visit);
  EXPECT_THAT(ValidateVisitDraft(visit, RealCatalog(), wizard, kToday), IsEmpty());
  for (const std::string& code : visit.Codes()) {
    const ServiceSpec* service = RealCatalog().FindService(code);
    ASSERT_NE(service, nullptr);
    const ApplicationDraft draft = SplitVisitDraft(visit, *service, wizard);
    EXPECT_EQ(draft.service_code, code);
    EXPECT_EQ(draft.values.at("name"), "张秀英") << code;
    EXPECT_EQ(draft.values.at("account_number"), "6217000012345678901") << code;
    EXPECT_EQ(draft.decision_delivery, "sms");
    EXPECT_THAT(ValidateDraft(*service, RealCatalog().region, draft, kToday), IsEmpty()) << code;
  }
  const ServiceSpec& yiliao = *RealCatalog().FindService("yiliao");
  const ApplicationDraft yiliao_draft = SplitVisitDraft(visit, yiliao, wizard);
  EXPECT_EQ(yiliao_draft.values.at("illness"), "脑出血");
  EXPECT_FALSE(yiliao_draft.values.contains("applicant_income"));  // 低保's, not asked here
  EXPECT_TRUE(yiliao_draft.groups.empty());
  const ApplicationDraft dibao_draft =
      SplitVisitDraft(visit, *RealCatalog().FindService("dibao"), wizard);
  EXPECT_EQ(dibao_draft.values.at("reason"), "丈夫重病不能上班，孩子在上学，家里只靠我打零工。");
  EXPECT_EQ(dibao_draft.groups.at("members").size(), 2u);
}

TEST(VisitForm, CarriesOnlyTheAttachmentsAServiceRefersTo) {
  const VisitForm visit = ThreeServices();
  ApplicationDraft wizard = HouseholdDraft(visit);
  wizard.values["yiliao__photo_medical_bills"] = "photo:0123456789abcdef";
  wizard.attachments["photo:0123456789abcdef"] = "anBlZw==";
  wizard.attachments["sig:0123456789abcdef0123456789abcdef"] = "1,1 2,2";
  const ApplicationDraft yiliao =
      SplitVisitDraft(visit, *RealCatalog().FindService("yiliao"), wizard);
  EXPECT_TRUE(yiliao.attachments.contains("photo:0123456789abcdef"));
  EXPECT_TRUE(yiliao.attachments.contains("sig:0123456789abcdef0123456789abcdef"));
  const ApplicationDraft linshi =
      SplitVisitDraft(visit, *RealCatalog().FindService("linshi"), wizard);
  EXPECT_FALSE(linshi.attachments.contains("photo:0123456789abcdef"));
  EXPECT_TRUE(linshi.attachments.contains("sig:0123456789abcdef0123456789abcdef"));
}

TEST(VisitForm, AMissingSharedFactIsOneIssueOnTheWizardsField) {
  const VisitForm visit = ThreeServices();
  ApplicationDraft wizard = HouseholdDraft(visit);
  wizard.values.erase("phone");
  wizard.decision_delivery = "hall";  // an SMS would need the phone too
  const std::vector<FieldIssue> issues = ValidateVisitDraft(visit, RealCatalog(), wizard, kToday);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].field_id, "phone");
  EXPECT_EQ(issues[0].step_id, "applicant");
  EXPECT_EQ(issues[0].message_key, "validation.required");
  // On the step it belongs to, and on no other.
  EXPECT_EQ(ValidateVisitStep(visit, RealCatalog(), 0, wizard, kToday).size(), 1u);
  for (size_t i = 1; i < visit.form.form.steps.size(); ++i) {
    EXPECT_THAT(ValidateVisitStep(visit, RealCatalog(), i, wizard, kToday), IsEmpty()) << i;
  }
}

TEST(VisitForm, AServicesOwnRuleLandsOnItsOwnRenamedField) {
  const VisitForm visit = ThreeServices();
  ApplicationDraft wizard = HouseholdDraft(visit);
  wizard.values["linshi__household_size"] = "0";
  const std::vector<FieldIssue> issues = ValidateVisitDraft(visit, RealCatalog(), wizard, kToday);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].field_id, "linshi__household_size");
  EXPECT_EQ(issues[0].step_id, "linshi__hardship");
  // A patient who is a household member has a member's ID number: each service sees
  // its own form, so that is no "entered twice" in the visit.
  EXPECT_EQ(wizard.values["yiliao__patient_id_number"], wizard.groups["members"][0]["id_number"]);
}

TEST(VisitForm, OneSelfCheckAsksEachQuestionOnce) {
  // 低保 and 低保边缘 ask the same household questions; 医疗救助 has no self-check.
  Result<VisitForm> visit = BuildVisitForm(RealCatalog(), {"dibao", "dibao_edge", "yiliao"});
  ASSERT_TRUE(visit.ok());
  ASSERT_TRUE(visit->form.eligibility.has_value());
  EXPECT_EQ(visit->form.eligibility->calculator, kVisitCalculator);
  std::map<std::string, int> asked;
  for (const FieldSpec& question : visit->form.eligibility->questions) ++asked[question.id];
  EXPECT_EQ(asked["household_size"], 1);
  EXPECT_EQ(asked["big_spending"], 1);  // 低保边缘's own question is there too
  for (const auto& [id, count] : asked) EXPECT_EQ(count, 1) << id;
  EXPECT_FALSE(BuildVisitForm(RealCatalog(), {"yiliao", "linshi"})->form.eligibility);
}

TEST(VisitForm, RefusesFewerThanTwoUnknownOrRepeatedServices) {
  EXPECT_FALSE(BuildVisitForm(RealCatalog(), {"dibao"}).ok());
  EXPECT_FALSE(BuildVisitForm(RealCatalog(), {"dibao", "nope"}).ok());
  EXPECT_FALSE(BuildVisitForm(RealCatalog(), {"dibao", "dibao"}).ok());
  EXPECT_FALSE(BuildVisitForm(RealCatalog(), {"dibao", "yiliao", "linshi", "tekun", "gaoling",
                                              "zhucan", "yanglao"})
                   .ok());
  EXPECT_TRUE(BuildVisitForm(RealCatalog(), {"gaoling", "zhucan"}).ok());
}

TEST(VisitForm, EveryPairOfServicesBuildsAndKeepsItsFieldsFindable) {
  // Any two services of the catalog make a wizard in which every field of each is
  // mapped to a wizard field of the same type.
  const Catalog& catalog = RealCatalog();
  for (size_t i = 0; i < catalog.services.size(); ++i) {
    for (size_t j = i + 1; j < catalog.services.size(); ++j) {
      const std::vector<std::string> codes = {catalog.services[i].code, catalog.services[j].code};
      Result<VisitForm> visit = BuildVisitForm(catalog, codes);
      ASSERT_TRUE(visit.ok()) << codes[0] << "+" << codes[1];
      FieldSteps(*visit);  // no id twice
      for (const std::string& code : codes) {
        const ServiceSpec& service = *catalog.FindService(code);
        const VisitForm::ServiceMap* map = visit->MapOf(code);
        ASSERT_NE(map, nullptr);
        for (const StepSpec& step : service.form.steps) {
          for (const FieldSpec& field : step.fields) {
            const FieldSpec* placed = visit->form.FindField(map->fields.at(field.id));
            ASSERT_NE(placed, nullptr) << code << "." << field.id;
            EXPECT_EQ(placed->type, field.type) << code << "." << field.id;
          }
        }
      }
    }
  }
}

TEST(VisitForm, TheLoaderRefusesASharedKeyWithTwoMeanings) {
  Catalog catalog = RealCatalog();
  EXPECT_THAT(CheckSharedKeys(catalog), IsEmpty());
  // 临时救助's phone declared a town under the same key as everyone's phone.
  for (ServiceSpec& service : catalog.services) {
    if (service.code != "linshi") continue;
    for (StepSpec& step : service.form.steps) {
      for (FieldSpec& field : step.fields) {
        if (field.id == "phone") field.type = FieldType::kTown;
      }
    }
  }
  const std::vector<std::string> problems = CheckSharedKeys(catalog);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_THAT(problems[0], ::testing::HasSubstr("services/linshi.json: phone: shared key "
                                                "\"applicant.phone\""));
}

}  // namespace
}  // namespace yimen
