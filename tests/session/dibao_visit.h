// The form part of a 低保 visit driven by typed events, shared by the session tests:
// the form visit (form_visit_test.cpp) and the whole visit with the status look-up and
// staff mode (whole_visit_test.cpp).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "domain/catalog.h"
#include "session/delivery.h"
#include "session/form.h"
#include "session/strings.h"
#include "session/visit.h"

namespace yimen::session {

namespace ev = form_event;
using A = FieldAddress;

constexpr int64_t kNowMs = 1795399200LL * 1000;  // 2026-11-23 10:00 in China

class FormVisit : public ::testing::Test {
 protected:
  void SetUp() override {
    auto catalog = LoadCatalog(std::string(YIMEN_TEST_ASSETS_DIR) + "/catalog");
    ASSERT_TRUE(catalog.ok()) << catalog.error().message;
    m_catalog = std::make_shared<const Catalog>(std::move(catalog).value());
    auto strings = Strings::Load(std::string(YIMEN_TEST_ASSETS_DIR) + "/strings");
    ASSERT_TRUE(strings.ok()) << strings.error().message;
    m_strings = std::move(strings).value();
  }

  std::unique_ptr<Form> MakeForm(Store* store) {
    Form::Deps deps;
    deps.strings = &m_strings;
    deps.store = store;
    deps.catalog_in_use = [this] { return m_catalog; };
    deps.wall_ms = [] { return kNowMs; };
    return std::make_unique<Form>(&m_state, deps);
  }

  // Applies an event on the page the kiosk would be showing, and follows page changes.
  FormOutcome Do(Form& form, const FormEvent& event) {
    FormOutcome out = form.Apply(event, m_page);
    if (out.go) m_page = *out.go;
    return out;
  }

  void Type(Form& form, const A& field, const std::string& text) {
    Do(form, ev::Focus{field});
    Do(form, ev::TypeText{text});
  }

  void Sign(Form& form, const A& field) {
    ev::Sign sign{field, {{{10, 10}, {50, 40}, {90, 20}}, {{20, 60}, {80, 60}}}, 100, 80};
    Do(form, sign);
  }

  // Steps 1 to 6 of 低保 with one member (two added, the second removed).
  void FillDibao(Form& form) {
    Do(form, ev::OpenService{"dibao"});
    EXPECT_EQ(m_page, Page::kDetail);
    Do(form, ev::StartForm{});
    EXPECT_EQ(m_page, Page::kForm);
    // Step 1: the applicant. An empty step does not pass, and says where.
    Do(form, ev::NextStep{});
    EXPECT_EQ(m_state.step, 0u);
    EXPECT_EQ(m_state.errors.count(A::Top("name")), 1u);
    EXPECT_FALSE(m_state.banner.empty());
    Type(form, A::Top("name"), "欧阳燚");
    EXPECT_EQ(m_state.errors.count(A::Top("name")), 0u) << "typing clears the field's error";
    Type(form, A::Top("id_number"), "44200019650312123x");
    EXPECT_EQ(Form::ValueAt(m_state, A::Top("id_number")), "44200019650312123X");
    Do(form, ev::TypeText{"9"});  // an ID number stops at 18 characters
    EXPECT_EQ(Form::ValueAt(m_state, A::Top("id_number")), "44200019650312123X");
    Do(form, ev::Backspace{});
    Do(form, ev::TypeText{"6"});
    EXPECT_EQ(Form::ValueAt(m_state, A::Top("id_number")), "442000196503121236");
    Type(form, A::Top("phone"), "13812345678");
    Do(form, ev::SetValue{A::Top("hukou"), "local"});
    Do(form, ev::SetValue{A::Top("town"), "石岐街道"});
    Do(form, ev::SetValue{A::Top("community"), "东明社区"});
    // A new town clears the community chosen under the old one.
    Do(form, ev::SetValue{A::Top("town"), "东区街道"});
    EXPECT_EQ(Form::ValueAt(m_state, A::Top("community")), "");
    Do(form, ev::SetValue{A::Top("town"), "石岐街道"});
    Do(form, ev::SetValue{A::Top("community"), "东明社区"});
    Type(form, A::Top("address"), "东明路8号3栋201");
    Do(form, ev::NextStep{});
    ASSERT_EQ(m_state.step, 1u) << (m_state.errors.empty() ? m_state.banner
                                                           : m_state.errors.begin()->second);

    // Step 2: two members added, the second removed.
    Do(form, ev::AddMember{"members"});
    EXPECT_EQ(m_state.focus, A::Member("members", 0, "name"));
    FillMember(form, 0, "欧阳明", "442000199007084564");
    Do(form, ev::AddMember{"members"});
    EXPECT_EQ(m_state.focus, A::Member("members", 1, "name"));
    FillMember(form, 1, "欧阳亮", "442000199508154565");
    ASSERT_EQ(m_state.draft.groups["members"].size(), 2u);
    Do(form, ev::RemoveMember{"members", 1});
    ASSERT_EQ(m_state.draft.groups["members"].size(), 1u);
    EXPECT_EQ(Form::ValueAt(m_state, A::Member("members", 0, "name")), "欧阳明");
    EXPECT_EQ(Form::ValueAt(m_state, A::Member("members", 1, "name")), "");
    Do(form, ev::NextStep{});
    ASSERT_EQ(m_state.step, 2u) << (m_state.errors.empty() ? m_state.banner
                                                           : m_state.errors.begin()->second);

    // Steps 3 to 5: income, the reason, the bank.
    Type(form, A::Top("applicant_income"), "300");
    Type(form, A::Top("savings"), "2000");
    Do(form, ev::SetValue{A::Top("vehicle"), "no"});
    Do(form, ev::SetValue{A::Top("extra_house"), "no"});
    Do(form, ev::NextStep{});
    ASSERT_EQ(m_state.step, 3u);
    Type(form, A::Top("reason"), "本人患病无法工作，儿子打零工收入不稳定。");
    Do(form, ev::NextStep{});
    ASSERT_EQ(m_state.step, 4u);
    Type(form, A::Top("bank_name"), "中国农业银行中山分行");
    Type(form, A::Top("account_number"), "6228480012345678901");
    Do(form, ev::NextStep{});
    ASSERT_EQ(m_state.step, 5u);

    // Step 6: two signatures.
    Do(form, ev::ToReview{});
    EXPECT_EQ(m_page, Page::kForm);
    EXPECT_EQ(m_state.errors.count(A::Top("pledge_signature")), 1u);
    Sign(form, A::Top("pledge_signature"));
    Sign(form, A::Top("check_signature"));
    EXPECT_EQ(Form::ValueAt(m_state, A::Top("pledge_signature")).rfind("sig:", 0), 0u);
    EXPECT_EQ(m_state.draft.attachments.size(), 1u) << "the same strokes make one attachment";
    Do(form, ev::ToReview{});
    ASSERT_EQ(m_page, Page::kReview)
        << (m_state.errors.empty() ? m_state.banner : m_state.errors.begin()->second);
  }

  void FillMember(Form& form, size_t i, const std::string& name, const std::string& id) {
    Type(form, A::Member("members", i, "name"), name);
    Type(form, A::Member("members", i, "id_number"), id);
    Do(form, ev::SetValue{A::Member("members", i, "relationship"), "child"});
    Do(form, ev::SetValue{A::Member("members", i, "work_status"), "flexible"});
    Type(form, A::Member("members", i, "monthly_income"), "800");
    Do(form, ev::SetValue{A::Member("members", i, "disability"), "no"});
    Do(form, ev::SetValue{A::Member("members", i, "serious_illness"), "no"});
  }

  std::shared_ptr<const Catalog> m_catalog;
  Strings m_strings;
  VisitState m_state;
  Page m_page = Page::kOther;
};

}  // namespace yimen::session
