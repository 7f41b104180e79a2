// A household applying for 低保, 医疗救助 and 临时救助 in one visit, through the session
// library with no window (docs/internals/visits.md): the wizard asks each shared fact
// once, checks each step by every service's own rules, and submits three sealed
// applications in one store transaction under one visit number.
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "dibao_visit.h"
#include "domain/form.h"
#include "store/store_test_support.h"

namespace yimen::session {
namespace {

class VisitSubmit : public FormVisit {
 protected:
  // Fills every step of the visit's wizard, by the step's id.
  void FillHousehold(Form& form) {
    Do(form, ev::StartVisit{{"yiliao", "linshi", "dibao"}});
    ASSERT_EQ(m_page, Page::kDetail);
    Do(form, ev::StartForm{});
    ASSERT_EQ(m_page, Page::kForm);
    ASSERT_NE(form.Service(), nullptr);
    const std::vector<StepSpec>& steps = form.Service()->form.steps;
    for (size_t i = 0; i < steps.size(); ++i) {
      ASSERT_EQ(m_state.step, i);
      const std::string& id = steps[i].id;
      seen_steps.push_back(id);
      FillStep(form, id);
      if (i + 1 < steps.size()) {
        Do(form, ev::NextStep{});
        ASSERT_EQ(m_state.step, i + 1)
            << id << ": "
            << (m_state.errors.empty() ? m_state.banner : m_state.errors.begin()->second);
      }
    }
    m_state.draft.decision_delivery = "post";
    Do(form, ev::ToReview{});
    ASSERT_EQ(m_page, Page::kReview)
        << (m_state.errors.empty() ? m_state.banner : m_state.errors.begin()->second);
  }

  void FillStep(Form& form, const std::string& id) {
    if (id == "applicant") {
      Type(form, A::Top("name"), "欧阳燚");
      Type(form, A::Top("id_number"), "442000196503121236");
      Type(form, A::Top("phone"), "13812345678");
      Do(form, ev::SetValue{A::Top("hukou"), "local"});
      Do(form, ev::SetValue{A::Top("family_status"), "none"});
      Do(form, ev::SetValue{A::Top("town"), "石岐街道"});
      Do(form, ev::SetValue{A::Top("community"), "东明社区"});
      Type(form, A::Top("address"), "东明路8号3栋201");
    } else if (id == "members") {
      Do(form, ev::AddMember{"members"});
      FillMember(form, 0, "欧阳明", "442000199007084564");
    } else if (id == "income_assets") {
      Type(form, A::Top("applicant_income"), "300");
      Type(form, A::Top("savings"), "2000");
      Do(form, ev::SetValue{A::Top("vehicle"), "no"});
      Do(form, ev::SetValue{A::Top("extra_house"), "no"});
    } else if (id == "bank") {
      Type(form, A::Top("bank_name"), "中国农业银行中山分行");
      Type(form, A::Top("account_number"), "6228480012345678901");
    } else if (id == "dibao__reason") {
      Type(form, A::Top("dibao__reason"), "本人患病无法工作，儿子打零工收入不稳定。");
    } else if (id == "linshi__hardship") {
      Do(form, ev::SetValue{A::Top("linshi__hardship_kinds"), "illness"});
      Type(form, A::Top("linshi__happened_on"), "2026-11-01");
      Type(form, A::Top("linshi__household_size"), "0");
      // 临时救助's own rule (1 to 20 people) holds the step, under its own field.
      Do(form, ev::NextStep{});
      EXPECT_EQ(m_state.errors.count(A::Top("linshi__household_size")), 1u);
      Do(form, ev::Focus{A::Top("linshi__household_size")});
      Do(form, ev::Backspace{});
      Do(form, ev::TypeText{"2"});
      Type(form, A::Top("linshi__household_income"), "800");
    } else if (id == "linshi__reason") {
      Type(form, A::Top("linshi__reason"), "本人住院，家里没有收入。");
    } else if (id == "yiliao__illness") {
      Do(form, ev::SetValue{A::Top("yiliao__patient"), "self"});
      Type(form, A::Top("yiliao__illness"), "脑出血");
      Type(form, A::Top("yiliao__hospital"), "中山市人民医院");
      Type(form, A::Top("yiliao__admitted_on"), "2026-11-01");
      Type(form, A::Top("yiliao__total_cost"), "58000");
      Type(form, A::Top("yiliao__insurance_paid"), "30000");
    } else if (id == "confirm") {
      Sign(form, A::Top("pledge_signature"));
      Sign(form, A::Top("check_signature"));
    } else {
      ADD_FAILURE() << "a step this test does not know: " << id;
    }
  }

  std::vector<std::string> seen_steps;
};

TEST_F(VisitSubmit, ThreeServicesOneWizardOneTransactionOneVisitNumber) {
  testing::TempDir temp;
  std::unique_ptr<Store> store = testing::OpenStore(temp.DataDir());
  ASSERT_NE(store, nullptr);
  std::unique_ptr<Form> form = MakeForm(store.get());
  FillHousehold(*form);
  // The shared facts once, then each service's own steps, then the signatures.
  EXPECT_EQ(seen_steps, (std::vector<std::string>{"applicant", "members", "income_assets", "bank",
                                                  "dibao__reason", "linshi__hardship",
                                                  "linshi__reason", "yiliao__illness", "confirm"}));

  FormOutcome out = Do(*form, ev::Submit{});
  ASSERT_TRUE(out.submitted) << m_state.banner;
  ASSERT_TRUE(m_state.receipt.has_value());
  const Receipt& receipt = *m_state.receipt;
  EXPECT_FALSE(receipt.visit_number.empty());
  EXPECT_EQ(receipt.decision_delivery, "post");
  ASSERT_EQ(receipt.items.size(), 3u);
  std::set<std::string> numbers;
  for (const Receipt::Item& item : receipt.items) numbers.insert(item.app_number);
  EXPECT_EQ(numbers.size(), 3u);
  EXPECT_EQ(receipt.items[0].service_code, "dibao");  // catalog order
  EXPECT_EQ(receipt.items[1].service_code, "linshi");
  EXPECT_EQ(receipt.items[2].service_code, "yiliao");
  EXPECT_TRUE(m_state.draft.values.empty()) << "the plaintext goes once the store has it";

  auto stubs = store->applications().FindByVisitNumber(receipt.visit_number);
  ASSERT_TRUE(stubs.ok());
  ASSERT_EQ(stubs->size(), 3u);
  auto due = store->applications().ListDueOutbox(
      std::chrono::system_clock::time_point(std::chrono::seconds(4102444800)), 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 3u);
  const CivilDate today{2026, 11, 23};
  for (const OutboxItem& item : *due) {
    EXPECT_EQ(item.visit_number, receipt.visit_number);
    EXPECT_EQ(item.visit_size, 3);
    EXPECT_EQ(item.visit_id, (*due)[0].visit_id);
    // Each payload is that service's own application, complete by its own rules.
    Result<ApplicationDraft> draft =
        DraftFromJson(nlohmann::json::parse(testing::OpenTestPayload(item.payload)));
    ASSERT_TRUE(draft.ok()) << draft.error().message;
    EXPECT_EQ(draft->service_code, item.service_code);
    EXPECT_EQ(draft->values.at("name"), "欧阳燚");
    EXPECT_EQ(draft->decision_delivery, "post");
    const ServiceSpec* service = m_catalog->FindService(item.service_code);
    ASSERT_NE(service, nullptr);
    EXPECT_TRUE(ValidateDraft(*service, m_catalog->region, *draft, today).empty())
        << item.service_code;
    for (const auto& [key, value] : draft->values) {
      EXPECT_EQ(key.find("__"), std::string::npos) << "a wizard id leaked: " << key;
    }
  }
}

TEST_F(VisitSubmit, ChoosingAVisitOverAnotherDraftAsksFirst) {
  std::unique_ptr<Form> form = MakeForm(nullptr);
  Do(*form, ev::OpenService{"dibao"});
  Do(*form, ev::StartForm{});
  Type(*form, A::Top("name"), "欧阳燚");
  Do(*form, ev::StartVisit{{"dibao", "yiliao"}});
  EXPECT_EQ(m_state.leave, LeaveTo::kOtherService);
  EXPECT_EQ(Form::ValueAt(m_state, A::Top("name")), "欧阳燚");
  Do(*form, ev::AnswerLeave{true});
  EXPECT_EQ(m_page, Page::kDetail);
  ASSERT_NE(form->Service(), nullptr);
  EXPECT_EQ(form->Service()->code, "visit:dibao+yiliao");
  // Back to one service from the list: no wizard left behind.
  Do(*form, ev::OpenService{"tekun"});
  EXPECT_EQ(form->Service()->code, "tekun");
}

}  // namespace
}  // namespace yimen::session
