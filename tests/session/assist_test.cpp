// A name the rules refuse, through app/session without a window (session/assist.h): a
// resident's Latin name is refused with 请工作人员帮助 offered; 返回 keeps the draft; a
// member of staff signs in with the real staff login, confirms the document, types the
// name and hands the kiosk back; the resident submits and the sealed payload says which
// field staff entered and who; the audit has the unlock and the entry.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "dibao_visit.h"
#include "domain/message_keys.h"
#include "session/assist.h"
#include "session/staff.h"
#include "store/store_test_support.h"

namespace yimen::session {
namespace {

constexpr char kStaffName[] = "王丽";
constexpr char kStaffPin[] = "24681357";

class AssistVisit : public FormVisit {
 protected:
  void SetUp() override {
    FormVisit::SetUp();
    m_store = testing::OpenStore(m_temp.DataDir());
    ASSERT_NE(m_store, nullptr);
    ASSERT_TRUE(m_store->staff().AddStaffAccount(kStaffName, kStaffPin).ok());
    m_form = MakeForm(m_store.get());
    Staff::Deps deps;
    deps.strings = &m_strings;
    deps.store = m_store.get();
    deps.wall_ms = [] { return kNowMs; };
    deps.now_ms = [] { return int64_t{1000}; };
    deps.catalog = [this] { return m_catalog.get(); };
    m_staff = std::make_unique<Staff>(&m_staff_state, &m_state, deps);
    m_assist =
        std::make_unique<Assist>(&m_state, Assist::Deps{&m_strings, m_form.get(), m_staff.get()});
  }

  // Applies an assist event on the page the kiosk shows (kForm for the form).
  AssistOutcome Help(const AssistEvent& event) {
    AssistOutcome out = m_assist->Apply(event, m_assist_page);
    if (out.go) m_assist_page = *out.go;
    return out;
  }

  void StaffLogin() {
    m_state.aux_values["staff_name"] = kStaffName;
    m_state.pin = kStaffPin;
    ASSERT_TRUE(m_staff->Apply(staff_event::Login{}, StaffPage::kLogin).go.has_value())
        << m_state.pin_message;
  }

  bool Audited(const std::string& action) {
    auto rows = m_store->staff().RecentAudit(50);
    if (!rows.ok()) return false;
    for (const AuditEntry& row : *rows) {
      if (row.action == action && row.actor == std::string("staff:") + kStaffName &&
          row.detail == "v:name")
        return true;
    }
    return false;
  }

  testing::TempDir m_temp;
  std::unique_ptr<Store> m_store;
  std::unique_ptr<Form> m_form;
  StaffState m_staff_state;
  std::unique_ptr<Staff> m_staff;
  std::unique_ptr<Assist> m_assist;
  AssistPage m_assist_page = AssistPage::kForm;
};

TEST_F(AssistVisit, StaffEnterALatinNameAndTheApplicationSaysSo) {
  FillDibao(*m_form);
  // The name as a hardware keyboard would type it; back on step 1, 下一步 refuses it.
  m_state.draft.values["name"] = "SMITH JOHN";
  Do(*m_form, ev::EditStep{0});
  Do(*m_form, ev::NextStep{});
  ASSERT_EQ(m_state.step, 0u);
  const A name = A::Top("name");
  EXPECT_EQ(m_state.errors[name], m_strings.Get(Language::kZhCN, std::string(msg::kNameChars)));
  ASSERT_EQ(m_state.assist_offered.count(name), 1u) << "请工作人员帮助 is offered";
  EXPECT_FALSE(Help(assist_event::Ask{A::Top("phone")}).go) << "only under the refused name";

  // 请工作人员帮助, then 返回: nothing is lost.
  EXPECT_EQ(Help(assist_event::Ask{name}).go, AssistPage::kHelp);
  EXPECT_EQ(Help(assist_event::Back{}).go, AssistPage::kForm);
  EXPECT_EQ(Form::ValueAt(m_state, name), "SMITH JOHN");
  EXPECT_EQ(Form::ValueAt(m_state, A::Top("phone")), "13812345678");
  EXPECT_TRUE(m_state.draft.assisted.empty());

  // Again; nothing is unlocked without a staff login.
  Help(assist_event::Ask{name});
  EXPECT_FALSE(m_assist->AfterLogin());
  m_assist_page = AssistPage::kConfirm;
  EXPECT_FALSE(Help(assist_event::Confirm{}).go) << "no staff signed in";
  m_assist_page = AssistPage::kHelp;
  StaffLogin();
  ASSERT_EQ(m_assist->AfterLogin(), AssistPage::kConfirm);
  m_assist_page = AssistPage::kConfirm;
  EXPECT_EQ(Help(assist_event::Confirm{}).go, AssistPage::kEntry);
  EXPECT_TRUE(AssistUnlocked(m_state, name));
  EXPECT_FALSE(AssistUnlocked(m_state, A::Member("members", 0, "name"))) << "per field";
  EXPECT_EQ(m_state.focus, name);
  EXPECT_EQ(Form::ValueAt(m_state, name), "");
  EXPECT_TRUE(Audited("staff.assist_unlock"));

  // An emoji is refused on the entry screen; letters as the keys give them pass.
  // Staff's entry screen is not the form page (Page::kOther), as KioskApp routes it.
  m_form->Apply(ev::TypeText{"SMITH \xF0\x9F\x98\x80"}, Page::kOther);
  EXPECT_FALSE(Help(assist_event::Finish{}).go);
  EXPECT_EQ(m_state.assist.message,
            m_strings.Get(Language::kZhCN, std::string(msg::kTextUndrawable)));
  m_state.draft.values["name"].clear();
  m_form->Apply(ev::TypeText{"smith  john"}, Page::kOther);
  EXPECT_EQ(Help(assist_event::Finish{}).go, AssistPage::kForm);
  EXPECT_EQ(Form::ValueAt(m_state, name), "SMITH JOHN");
  EXPECT_FALSE(m_staff->LoggedIn()) << "the kiosk is handed back";
  EXPECT_TRUE(Audited("staff.assist_name"));
  EXPECT_EQ(m_state.errors.count(name), 0u);

  // The resident's draft continues: the step passes now, and the application is sent with
  // the mark.
  Do(*m_form, ev::NextStep{});
  ASSERT_EQ(m_state.step, 1u) << (m_state.errors.empty() ? m_state.banner
                                                         : m_state.errors.begin()->second);
  Do(*m_form, ev::EditStep{5});
  Do(*m_form, ev::ToReview{});
  ASSERT_EQ(m_page, Page::kReview) << m_state.banner;
  Do(*m_form, ev::SetValue{DeliveryField(), "hall"});
  ASSERT_TRUE(Do(*m_form, ev::Submit{}).submitted) << m_state.banner;
  auto due = m_store->applications().ListDueOutbox(
      std::chrono::system_clock::time_point(std::chrono::seconds(4102444800)), 10);
  ASSERT_TRUE(due.ok() && due->size() == 1u);
  const nlohmann::json payload = nlohmann::json::parse(testing::OpenTestPayload((*due)[0].payload));
  EXPECT_EQ(payload.at("values").at("name"), "SMITH JOHN");
  EXPECT_EQ(payload.at("assisted_fields"),
            nlohmann::json::parse(R"([{"field":"name","staff":"王丽"}])"));
}

TEST_F(AssistVisit, CancelPutsBackWhatTheResidentTypedAndLocksTheFieldAgain) {
  FillDibao(*m_form);
  m_state.draft.values["name"] = "LI 3";
  Do(*m_form, ev::EditStep{0});
  Do(*m_form, ev::NextStep{});
  const A name = A::Top("name");
  Help(assist_event::Ask{name});
  StaffLogin();
  m_assist_page = AssistPage::kConfirm;
  Help(assist_event::Confirm{});
  m_form->Apply(ev::TypeText{"LI"}, Page::kOther);
  EXPECT_EQ(Help(assist_event::Cancel{}).go, AssistPage::kForm);
  EXPECT_EQ(Form::ValueAt(m_state, name), "LI 3");
  EXPECT_FALSE(AssistUnlocked(m_state, name));
  EXPECT_TRUE(m_state.draft.assisted.empty());
  EXPECT_FALSE(m_staff->LoggedIn());
  EXPECT_TRUE(Audited("staff.assist_cancel"));
}

TEST_F(AssistVisit, AResidentsOwnEditOfTheNameDropsTheStaffMark) {
  FillDibao(*m_form);
  m_state.draft.values["name"] = "SMITH JOHN";
  m_state.draft.assisted.push_back({"", -1, "name", kStaffName});
  Do(*m_form, ev::EditStep{0});
  Do(*m_form, ev::Focus{A::Top("name")});
  m_form->Apply(ev::TypeText{"X"}, Page::kOther);  // staff's entry screen: the mark stays
  EXPECT_TRUE(AssistUnlocked(m_state, A::Top("name")));
  Do(*m_form, ev::Backspace{});  // the resident, on the form
  EXPECT_FALSE(AssistUnlocked(m_state, A::Top("name")));
  Do(*m_form, ev::NextStep{});
  EXPECT_EQ(m_state.assist_offered.count(A::Top("name")), 1u) << "refused again, help offered";
}

TEST_F(AssistVisit, TheUnlockGoesWithTheDraftAndWithItsMember) {
  FillDibao(*m_form);
  m_state.draft.assisted.push_back({"members", 0, "name", kStaffName});
  Do(*m_form, ev::EditStep{1});
  Do(*m_form, ev::RemoveMember{"members", 0});
  EXPECT_TRUE(m_state.draft.assisted.empty()) << "a deleted member's unlock goes with it";
  m_state.draft.assisted.push_back({"", -1, "name", kStaffName});
  Do(*m_form, ev::Leave{LeaveTo::kHome, {}});
  Do(*m_form, ev::AnswerLeave{true});
  EXPECT_TRUE(m_state.draft.assisted.empty()) << "放弃 wipes the unlock with the draft";
}

}  // namespace
}  // namespace yimen::session
