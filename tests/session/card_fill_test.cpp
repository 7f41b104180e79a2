// A card read from the ID-card reader (form_event::CardRead) fills the pair of fields the
// resident is on: the applicant's name, number and empty address, a member's, a
// partner's; marks them as read from the card until edited; says the photo was not read;
// and leaves nothing behind after Wipe.
#include <gtest/gtest.h>

#include "dibao_visit.h"

namespace yimen::session {
namespace {

idcard::CardText Card(const std::string& name, const std::string& number) {
  idcard::CardText t;
  t.name = name;
  t.sex_code = "2";
  t.nation_code = "01";
  t.birth = number.substr(6, 8);
  t.address = "广东省中山市石岐街道东明路8号3栋201";
  t.id_number = number;
  t.authority = "中山市公安局";
  t.valid_from = "20180301";
  t.valid_until = "长期";
  return t;
}

TEST_F(FormVisit, ACardFillsTheApplicantAndSaysSo) {
  std::unique_ptr<Form> form = MakeForm(nullptr);
  Do(*form, ev::OpenService{"dibao"});
  Do(*form, ev::StartForm{});
  FormOutcome out = Do(*form, ev::CardRead{Card("欧阳娜娜", "442000196503121236"), false});
  EXPECT_EQ(Form::ValueAt(m_state, A::Top("name")), "欧阳娜娜");
  EXPECT_EQ(Form::ValueAt(m_state, A::Top("id_number")), "442000196503121236");
  EXPECT_EQ(Form::ValueAt(m_state, A::Top("address")), "广东省中山市石岐街道东明路8号3栋201");
  EXPECT_EQ(m_state.from_card.count(A::Top("name")), 1u);
  EXPECT_EQ(m_state.from_card.count(A::Top("id_number")), 1u);
  EXPECT_EQ(out.card_said, "已从身份证读取：姓名、身份证号、详细地址。请核对。照片未读取。");
  EXPECT_NE(m_state.card_note.find("女，汉族，1965-03-12 出生"), std::string::npos)
      << m_state.card_note;
  // An edit takes the mark away: a character typed, or one deleted.
  Type(*form, A::Top("name"), "华");
  EXPECT_EQ(Form::ValueAt(m_state, A::Top("name")), "欧阳娜娜华");
  EXPECT_EQ(m_state.from_card.count(A::Top("name")), 0u);
  EXPECT_EQ(m_state.from_card.count(A::Top("id_number")), 1u);
  Do(*form, ev::Focus{A::Top("id_number")});
  Do(*form, ev::Backspace{});
  EXPECT_EQ(m_state.from_card.count(A::Top("id_number")), 0u);
  EXPECT_EQ(m_state.from_card.count(A::Top("address")), 1u);
  // With the photo decoded, nothing is said about it.
  out = Do(*form, ev::CardRead{Card("欧阳娜娜", "442000196503121236"), true});
  EXPECT_EQ(out.card_said.find("照片"), std::string::npos);
  form->Wipe();
  EXPECT_TRUE(m_state.card_note.empty());
  EXPECT_TRUE(m_state.from_card.empty());
  EXPECT_EQ(Form::ValueAt(m_state, A::Top("name")), "");
}

TEST_F(FormVisit, AnAddressAlreadyTypedIsKept) {
  std::unique_ptr<Form> form = MakeForm(nullptr);
  Do(*form, ev::OpenService{"dibao"});
  Do(*form, ev::StartForm{});
  Type(*form, A::Top("address"), "东明路9号");
  Do(*form, ev::CardRead{Card("欧阳娜娜", "442000196503121236"), false});
  EXPECT_EQ(Form::ValueAt(m_state, A::Top("address")), "东明路9号");
  EXPECT_EQ(m_state.from_card.count(A::Top("address")), 0u);
}

TEST_F(FormVisit, OnTheMembersStepACardAddsOrFillsAMember) {
  std::unique_ptr<Form> form = MakeForm(nullptr);
  FillDibao(*form);
  Do(*form, ev::EditStep{1});
  ASSERT_EQ(m_state.step, 1u);
  // One member exists and is filled: the card makes a second.
  Do(*form, ev::CardRead{Card("欧阳亮", "442000199508154565"), false});
  ASSERT_EQ(m_state.draft.groups["members"].size(), 2u);
  EXPECT_EQ(Form::ValueAt(m_state, A::Member("members", 1, "name")), "欧阳亮");
  EXPECT_EQ(Form::ValueAt(m_state, A::Member("members", 1, "id_number")), "442000199508154565");
  EXPECT_EQ(m_state.from_card.count(A::Member("members", 1, "id_number")), 1u);
  EXPECT_EQ(Form::ValueAt(m_state, A::Member("members", 0, "name")), "欧阳明");
  // On the first member's field, the card replaces that member's name and number.
  Do(*form, ev::Focus{A::Member("members", 0, "name")});
  Do(*form, ev::CardRead{Card("欧阳丽", "442000199007084564"), false});
  EXPECT_EQ(Form::ValueAt(m_state, A::Member("members", 0, "name")), "欧阳丽");
  EXPECT_EQ(m_state.draft.groups["members"].size(), 2u);
  // Removing a member drops the marks of those behind it.
  Do(*form, ev::RemoveMember{"members", 0});
  EXPECT_EQ(m_state.from_card.count(A::Member("members", 1, "id_number")), 0u);
}

TEST_F(FormVisit, AStepWithoutNameAndNumberFillsNothing) {
  std::unique_ptr<Form> form = MakeForm(nullptr);
  FillDibao(*form);
  Do(*form, ev::EditStep{2});
  const ApplicationDraft before = m_state.draft;
  FormOutcome out = Do(*form, ev::CardRead{Card("欧阳亮", "442000199508154565"), false});
  EXPECT_EQ(m_state.draft, before);
  EXPECT_EQ(out.card_said, "这一页没有要填身份证信息的地方。");
  // Off the form (the review page): nothing at all.
  Do(*form, ev::ToReview{});
  ASSERT_EQ(m_page, Page::kReview);
  out = Do(*form, ev::CardRead{Card("欧阳亮", "442000199508154565"), false});
  EXPECT_TRUE(out.card_said.empty());
  EXPECT_EQ(m_state.draft, before);
}

TEST_F(FormVisit, APartnerPairTakesTheCardWhenTheResidentIsOnIt) {
  std::unique_ptr<Form> form = MakeForm(nullptr);
  Do(*form, ev::OpenService{"hunyin_yuyue"});
  Do(*form, ev::StartForm{});
  const ServiceSpec* service = form->Service();
  ASSERT_NE(service, nullptr);
  // Find the step holding partner_name.
  size_t step = 0;
  for (size_t i = 0; i < service->form.steps.size(); ++i) {
    for (const FieldSpec& f : service->form.steps[i].fields) {
      if (f.id == "partner_name") step = i;
    }
  }
  m_state.step = step;
  Do(*form, ev::Focus{A::Top("partner_id_number")});
  Do(*form, ev::CardRead{Card("李强", "442000199007084564"), false});
  EXPECT_EQ(Form::ValueAt(m_state, A::Top("partner_name")), "李强");
  EXPECT_EQ(Form::ValueAt(m_state, A::Top("partner_id_number")), "442000199007084564");
}

TEST_F(FormVisit, InEnglishTheSentenceIsEnglish) {
  Language language = Language::kEn;
  Form::Deps deps;
  deps.strings = &m_strings;
  deps.catalog_in_use = [this] { return m_catalog; };
  deps.language = [&language] { return language; };
  Form english(&m_state, deps);
  Do(english, ev::OpenService{"dibao"});
  Do(english, ev::StartForm{});
  FormOutcome out = Do(english, ev::CardRead{Card("欧阳娜娜", "442000196503121236"), false});
  EXPECT_EQ(out.card_said,
            "Read from your ID card: Name, ID card number, Street address. Please check. Photo "
            "not read.");
  EXPECT_NE(m_state.card_note.find(" (女, 汉, born 1965-03-12)"), std::string::npos)
      << m_state.card_note;
}

}  // namespace
}  // namespace yimen::session
