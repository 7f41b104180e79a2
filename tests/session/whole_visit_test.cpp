// A whole day at the kiosk through app/session, no window (issue 17 item 1): a resident
// submits 低保 into a real Store in a temp dir; a second resident looks its status up
// by the receipt's number and ID tail (a wrong tail first); a member of staff logs in
// with a real Argon2id PIN (a wrong PIN first), filters and searches the list, re-shows
// the receipt, exports the list and logs out. Every step goes through the typed events
// KioskApp routes (session::Form, StatusLookup, Staff) and the aux typing its keyboard
// uses (TypeIntoAux).
#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dibao_visit.h"
#include "domain/app_number.h"
#include "session/staff.h"
#include "session/status.h"
#include "store/store_test_support.h"

namespace yimen::session {
namespace {

constexpr char kStaffName[] = "王丽";
constexpr char kStaffPin[] = "24681357";  // the 8-digit rule

class WholeVisit : public FormVisit {
 protected:
  // A store in a temp dir with one staff account (Argon2id: about a second).
  void SetUp() override {
    FormVisit::SetUp();
    m_store = testing::OpenStore(m_temp.DataDir());
    ASSERT_NE(m_store, nullptr);
    ASSERT_TRUE(m_store->staff().AddStaffAccount(kStaffName, kStaffPin).ok());
  }

  // Focuses an aux field and types into it as the kiosk's keyboard does.
  void TypeAux(Form& form, const char* name, const std::string& text) {
    form.Apply(ev::Focus{A::Aux(name)}, Page::kOther);
    AuxTyped what = AuxTyped::kNone;
    ASSERT_TRUE(TypeIntoAux(&m_state, text, &what));
  }

  std::unique_ptr<StatusLookup> MakeLookup(Store* store) {
    StatusLookup::Deps deps;
    deps.strings = &m_strings;
    deps.store = store;
    deps.now_ms = [this] { return m_loop_ms; };
    return std::make_unique<StatusLookup>(&m_state, deps);
  }

  std::unique_ptr<Staff> MakeStaff(Store* store) {
    Staff::Deps deps;
    deps.strings = &m_strings;
    deps.store = store;
    deps.wall_ms = [this] { return kNowMs + m_loop_ms; };  // the retry delay runs on it
    deps.now_ms = [this] { return m_loop_ms; };
    deps.catalog = [this] { return m_catalog.get(); };
    return std::make_unique<Staff>(&m_staff, &m_state, deps);
  }

  // Applies a staff event on the staff page shown, and follows the page it names.
  StaffOutcome Do(Staff& staff, const StaffEvent& event) {
    StaffOutcome out = staff.Apply(event, m_staff_page);
    if (out.go) m_staff_page = *out.go;
    return out;
  }

  testing::TempDir m_temp;
  std::unique_ptr<Store> m_store;
  StaffState m_staff;
  std::optional<StaffPage> m_staff_page;
  int64_t m_loop_ms = 1000;
};

TEST_F(WholeVisit, SubmitLookUpAndStaffListReShowTheSameApplication) {
  // The resident: a whole 低保 form, submitted.
  std::unique_ptr<Form> form = MakeForm(m_store.get());
  FillDibao(*form);
  FormVisit::Do(*form, ev::SetValue{DeliveryField(), "sms"});
  ASSERT_TRUE(FormVisit::Do(*form, ev::Submit{}).submitted) << m_state.banner;
  const std::string number = m_state.receipt->app_number;
  ASSERT_FALSE(number.empty());
  form->Wipe();
  m_state = VisitState{};  // the next person at the kiosk

  // The status look-up: a wrong ID tail reads as not found, the right one shows it.
  std::unique_ptr<StatusLookup> lookup = MakeLookup(m_store.get());
  StatusOutcome status = lookup->Apply(status_event::Open{}, std::nullopt);
  ASSERT_EQ(status.go, StatusPage::kQuery);
  EXPECT_TRUE(m_state.focus.IsAux("app_number"));
  TypeAux(*form, "app_number", number);
  TypeAux(*form, "id_tail", "999999");
  status = lookup->Apply(status_event::Lookup{}, StatusPage::kQuery);
  EXPECT_FALSE(status.go.has_value());
  EXPECT_FALSE(m_state.lookup.has_value());
  EXPECT_EQ(m_state.lookup_message, m_strings.Get(Language::kZhCN, "status.not_found"));
  TypeAux(*form, "id_tail", "121236");  // the applicant's 442000196503121236
  status = lookup->Apply(status_event::Lookup{}, StatusPage::kQuery);
  ASSERT_EQ(status.go, StatusPage::kResult) << m_state.lookup_message;
  ASSERT_TRUE(m_state.lookup.has_value());
  EXPECT_EQ(m_state.lookup->app_number, number);
  EXPECT_EQ(m_state.lookup->masked_name, "欧阳*");
  EXPECT_EQ(m_state.lookup->service_code, "dibao");
  EXPECT_EQ(m_state.aux_values["id_tail"], "") << "the ID digits are wiped once used";
  m_state = VisitState{};

  // Staff: a wrong PIN is refused, the right one logs in.
  std::unique_ptr<Staff> staff = MakeStaff(m_store.get());
  m_staff_page = StaffPage::kLogin;
  TypeAux(*form, "staff_name", kStaffName);
  TypeAux(*form, "pin", "13579024");
  EXPECT_FALSE(Do(*staff, staff_event::Login{}).go.has_value());
  EXPECT_FALSE(staff->LoggedIn());
  EXPECT_FALSE(m_state.pin_message.empty());
  EXPECT_TRUE(m_state.pin.empty()) << "a PIN typed is wiped after each try";
  m_loop_ms += 5000;
  TypeAux(*form, "pin", kStaffPin);
  StaffOutcome login = Do(*staff, staff_event::Login{});
  ASSERT_TRUE(login.go.has_value()) << m_state.pin_message;
  EXPECT_EQ(m_staff_page, StaffPage::kHome);
  EXPECT_EQ(m_staff.name, kStaffName);
  EXPECT_TRUE(m_state.aux_values.empty()) << "the typed name is wiped at login";
  EXPECT_EQ(m_staff.today.total, 1);

  // The list, a filter that hides it, one that shows it, a search, the receipt.
  Do(*staff, staff_event::Open{StaffPage::kList});
  EXPECT_EQ(m_staff_page, StaffPage::kList);
  EXPECT_EQ(m_staff.list.total, 1);
  Do(*staff, staff_event::OpenPicker{StaffFilter::kService});
  EXPECT_EQ(m_staff.list.picker, StaffFilter::kService);
  Do(*staff, staff_event::SetFilter{StaffFilter::kService, "gaoling"});
  EXPECT_EQ(m_staff.list.picker, StaffFilter::kNone);
  EXPECT_EQ(m_staff.list.total, 0);
  Do(*staff, staff_event::SetFilter{StaffFilter::kService, "dibao"});
  ASSERT_EQ(m_staff.list.total, 1);
  TypeAux(*form, "search", number.substr(number.size() - 4));
  Do(*staff, staff_event::Search{});
  ASSERT_EQ(m_staff.list.rows.size(), 1u);
  EXPECT_EQ(m_staff.list.rows[0].app_number, number);
  Do(*staff, staff_event::ShowReceipt{number});
  EXPECT_EQ(m_staff_page, StaffPage::kReceipt);
  ASSERT_TRUE(m_staff.receipt.has_value());
  EXPECT_EQ(m_staff.receipt->service_code, "dibao");
  // Back to the list keeps its filter and rows.
  Do(*staff, staff_event::Open{StaffPage::kList});
  EXPECT_EQ(m_staff.list.filter.service_code, "dibao");
  EXPECT_EQ(m_staff.list.total, 1);

  // The export writes the filtered list beside the database.
  Do(*staff, staff_event::Export{});
  EXPECT_FALSE(m_staff.message_is_error) << m_staff.message;
  EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(m_temp.DataDir()) / "exports"));

  StaffOutcome out = Do(*staff, staff_event::Logout{});
  EXPECT_TRUE(out.logged_out);
  EXPECT_FALSE(staff->LoggedIn());
}

TEST_F(WholeVisit, StaffAreLoggedOutWhenIdle) {
  std::unique_ptr<Form> form = MakeForm(m_store.get());
  std::unique_ptr<Staff> staff = MakeStaff(m_store.get());
  m_staff_page = StaffPage::kLogin;
  TypeAux(*form, "staff_name", kStaffName);
  TypeAux(*form, "pin", kStaffPin);
  ASSERT_TRUE(Do(*staff, staff_event::Login{}).go.has_value()) << m_state.pin_message;
  StaffOutcome out;
  m_loop_ms += 179'000;
  EXPECT_TRUE(staff->Tick(&out));
  EXPECT_FALSE(out.logged_out);
  m_loop_ms += 1'000;  // 180 s without a touch
  EXPECT_TRUE(staff->Tick(&out));
  EXPECT_TRUE(out.logged_out);
  EXPECT_FALSE(staff->LoggedIn());
  EXPECT_FALSE(staff->Tick(&out));
}

// A visit number (办理编号) finds every application of the visit
// (docs/internals/visits.md "Numbers"); a wrong ID tail reads as for one application.
TEST_F(WholeVisit, AVisitNumberShowsEveryApplicationOfTheVisit) {
  std::vector<NewApplication> applications;
  for (const char* service : {"dibao", "yiliao", "linshi"}) {
    NewApplication application = testing::SampleApplication();
    application.service_code = service;
    application.id_last6 = "121236";
    applications.push_back(application);
  }
  auto visit = m_store->applications().SubmitVisit(applications);
  ASSERT_TRUE(visit.ok()) << visit.error().message;
  const std::string number = visit->front().visit.visit_number;
  std::unique_ptr<Form> form = MakeForm(m_store.get());
  std::unique_ptr<StatusLookup> lookup = MakeLookup(m_store.get());
  lookup->Apply(status_event::Open{}, std::nullopt);
  std::string typed = number;  // typed in lower case without dashes: the same number
  std::erase(typed, '-');
  for (char& c : typed) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  TypeAux(*form, "app_number", typed);
  TypeAux(*form, "id_tail", "121235");
  EXPECT_FALSE(lookup->Apply(status_event::Lookup{}, StatusPage::kQuery).go.has_value());
  EXPECT_TRUE(m_state.lookup_visit.empty());
  EXPECT_EQ(m_state.lookup_message, m_strings.Get(Language::kZhCN, "status.not_found"));
  TypeAux(*form, "id_tail", "121236");
  EXPECT_EQ(lookup->Apply(status_event::Lookup{}, StatusPage::kQuery).go, StatusPage::kResult);
  EXPECT_EQ(m_state.lookup_visit_number, number);
  ASSERT_EQ(m_state.lookup_visit.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(m_state.lookup_visit[i].stub.app_number, (*visit)[i].app_number);
  }
  ASSERT_TRUE(m_state.lookup.has_value());
  EXPECT_EQ(m_state.lookup->app_number, (*visit)[0].app_number);
  // Opening the check again forgets the visit.
  lookup->Apply(status_event::Open{}, std::nullopt);
  EXPECT_TRUE(m_state.lookup_visit.empty());
  EXPECT_TRUE(m_state.lookup_visit_number.empty());
}

TEST_F(WholeVisit, FiveMissedLookUpsLockTheCheck) {
  std::unique_ptr<Form> form = MakeForm(m_store.get());
  std::unique_ptr<StatusLookup> lookup = MakeLookup(m_store.get());
  lookup->Apply(status_event::Open{}, std::nullopt);
  // A well-formed number nobody has: five misses, then the check waits a minute.
  const std::string nobody = FormatAppNumber("K7Q2", CivilDate{2026, 11, 23}, 9999);
  for (int i = 0; i < 5; ++i) {
    EXPECT_FALSE(lookup->Locked()) << i;
    m_state.aux_values["app_number"].clear();
    TypeAux(*form, "app_number", nobody);
    TypeAux(*form, "id_tail", "123456");
    lookup->Apply(status_event::Lookup{}, StatusPage::kQuery);
  }
  EXPECT_TRUE(lookup->Locked());
  EXPECT_EQ(m_state.lookup_message, m_strings.Get(Language::kZhCN, "status.locked"));
  m_loop_ms += 60'000;
  EXPECT_FALSE(lookup->Locked());
}

}  // namespace
}  // namespace yimen::session
