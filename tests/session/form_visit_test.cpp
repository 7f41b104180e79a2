// A whole visit through the session library, no window: open 低保, fill six steps by
// typed events and typed addresses (typing, choices, a signature), add two household
// members and remove one, submit into a real Store in a temp dir, and read the receipt
// and the sealed payload back. Also: the submit refusals the resident is told about.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "dibao_visit.h"
#include "store/store_test_support.h"

namespace yimen::session {
namespace {

TEST_F(FormVisit, AWholeVisitEndsInAReceiptAndOneSealedApplication) {
  testing::TempDir temp;
  std::unique_ptr<Store> store = testing::OpenStore(temp.DataDir());
  ASSERT_NE(store, nullptr);
  std::unique_ptr<Form> form = MakeForm(store.get());
  FillDibao(*form);

  // 确认提交 only counts on the review page.
  EXPECT_FALSE(form->Apply(ev::Submit{}, Page::kForm).submitted);
  EXPECT_EQ(*store->applications().CountApplications(), 0);

  // How to get the decision is asked first: without it nothing is stored, and the
  // resident is told under the choice; nothing typed is lost.
  FormOutcome refused = Do(*form, ev::Submit{});
  EXPECT_FALSE(refused.submitted);
  EXPECT_EQ(m_page, Page::kReview);
  EXPECT_EQ(m_state.errors[DeliveryField()], "请选择审批结果怎么告诉您。");
  EXPECT_EQ(m_state.banner, "有 1 处需要修改，请看红色的提示。您填写的内容都还在。");
  EXPECT_FALSE(m_state.submitting) << "a retry must be possible";
  EXPECT_EQ(Form::ValueAt(m_state, A::Top("name")), "欧阳燚");
  EXPECT_EQ(*store->applications().CountApplications(), 0);
  Do(*form, ev::SetValue{DeliveryField(), "post"});
  EXPECT_EQ(Form::ValueAt(m_state, DeliveryField()), "post");
  EXPECT_EQ(m_state.errors.count(DeliveryField()), 0u) << "choosing clears the message";
  EXPECT_TRUE(m_state.banner.empty()) << "and the banner that counted it";

  FormOutcome out = Do(*form, ev::Submit{});
  ASSERT_TRUE(out.submitted) << m_state.banner;
  EXPECT_EQ(m_page, Page::kReceipt);
  ASSERT_TRUE(m_state.receipt.has_value());
  EXPECT_EQ(m_state.receipt->service_code, "dibao");
  EXPECT_EQ(m_state.receipt->date_text, "2026-11-23");
  EXPECT_EQ(m_state.receipt->applicant, "欧阳*");
  EXPECT_EQ(m_state.receipt->decision_delivery, "post");
  EXPECT_TRUE(m_state.draft.values.empty()) << "the plaintext goes once the store has it";
  EXPECT_TRUE(m_state.draft.attachments.empty());

  // A second tap on the receipt page stores nothing more.
  EXPECT_FALSE(Do(*form, ev::Submit{}).submitted);
  EXPECT_EQ(*store->applications().CountApplications(), 1);

  auto stub = store->applications().FindByAppNumber(m_state.receipt->app_number);
  ASSERT_TRUE(stub.ok() && stub->has_value());
  EXPECT_EQ((*stub)->masked_name, "欧阳*");
  auto due = store->applications().ListDueOutbox(
      std::chrono::system_clock::time_point(std::chrono::seconds(4102444800)), 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 1u);
  nlohmann::json draft = nlohmann::json::parse(testing::OpenTestPayload((*due)[0].payload));
  const std::string text = draft.dump();
  EXPECT_NE(text.find("欧阳明"), std::string::npos);
  EXPECT_EQ(text.find("欧阳亮"), std::string::npos) << "the removed member is not sent";
  EXPECT_NE(text.find("442000196503121236"), std::string::npos);
  EXPECT_EQ(draft.at("decision_delivery"), "post");

  // The receipt's printed lines name the service and the date.
  const std::vector<std::string> lines = form->ReceiptLines("dibao", m_state.receipt->date_text);
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines[0], "申请事项：最低生活保障（低保）");
  EXPECT_NE(lines[1].find("2026-11-23"), std::string::npos);
}

TEST_F(FormVisit, RemovingTheFirstMemberMovesTheSecondUp) {
  std::unique_ptr<Form> form = MakeForm(nullptr);
  Do(*form, ev::OpenService{"dibao"});
  Do(*form, ev::StartForm{});
  Do(*form, ev::AddMember{"members"});
  Type(*form, A::Member("members", 0, "name"), "欧阳明");
  Do(*form, ev::AddMember{"members"});
  Type(*form, A::Member("members", 1, "name"), "欧阳亮");
  Do(*form, ev::RemoveMember{"members", 0});
  EXPECT_EQ(Form::ValueAt(m_state, A::Member("members", 0, "name")), "欧阳亮");
  EXPECT_TRUE(m_state.focus.empty());
  Do(*form, ev::RemoveMember{"members", 5});  // out of range: nothing happens
  EXPECT_EQ(m_state.draft.groups["members"].size(), 1u);
}

TEST_F(FormVisit, AnUnprovisionedKioskRefusesAndKeepsTheInput) {
  testing::TempDir temp;
  auto store = Store::Open(temp.DataDir());  // no server key
  ASSERT_TRUE(store.ok()) << store.error().message;
  std::unique_ptr<Form> form = MakeForm(store->get());
  FillDibao(*form);
  Do(*form, ev::SetValue{DeliveryField(), "hall"});
  FormOutcome out = Do(*form, ev::Submit{});
  EXPECT_FALSE(out.submitted);
  ASSERT_TRUE(out.submit_error.has_value());
  EXPECT_EQ(ClassifySubmitError(*out.submit_error), SubmitRefusal::kNeedsSetup);
  EXPECT_EQ(m_state.banner, m_strings.Get(Language::kZhCN, "error.not_provisioned"));
  EXPECT_EQ(m_page, Page::kReview);
  EXPECT_FALSE(m_state.submitting) << "a retry must be possible";
  EXPECT_EQ(Form::ValueAt(m_state, A::Top("name")), "欧阳燚");
  EXPECT_EQ(*(*store)->applications().CountApplications(), 0);
}

TEST(SubmitRefusal, BranchesOnTheErrorKind) {
  EXPECT_EQ(ClassifySubmitError(MakeError(ErrorKind::kFull, "disk")), SubmitRefusal::kFull);
  EXPECT_EQ(ClassifySubmitError(MakeError(ErrorKind::kNeedsSetup, "key")),
            SubmitRefusal::kNeedsSetup);
  EXPECT_EQ(ClassifySubmitError(MakeError(ErrorKind::kInternal, "boom")), SubmitRefusal::kOther);
  EXPECT_EQ(ClassifySubmitError(MakeError(ErrorKind::kConflict, "busy")), SubmitRefusal::kOther);
}

TEST_F(FormVisit, SelfCheckAnswersAreTypedQuestionsAndAnEditMakesTheResultStale) {
  std::unique_ptr<Form> form = MakeForm(nullptr);
  Do(*form, ev::OpenService{"gaoling"});
  Do(*form, ev::OpenEligibility{});
  ASSERT_EQ(m_page, Page::kEligibility);
  Do(*form, ev::CheckEligibility{});
  EXPECT_FALSE(m_state.eligibility_checked);
  ASSERT_FALSE(m_state.errors.empty());
  EXPECT_EQ(m_state.errors.begin()->first.area, FieldAddress::Area::kQuestion);
  m_state.eligibility_checked = true;  // as after a passing check
  Do(*form, ev::SetValue{m_state.errors.begin()->first, "x"});
  EXPECT_FALSE(m_state.eligibility_checked) << "an edit makes a shown result stale";
  EXPECT_EQ(Form::ValueAt(m_state, m_state.focus), "");
}

}  // namespace
}  // namespace yimen::session
