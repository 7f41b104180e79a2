// The resident's form without a window: which service, the draft, the step, the focus,
// the errors under the fields, the self-check's answers and the submit that ends in a
// receipt. Driven by typed events (FormEvent) and typed field addresses
// (session/field_address.h); no ImGui, no SDL, so tests and the fleet simulator can run
// a whole visit through it (docs/internals/ui.md). The state is plaintext a resident
// typed: Wipe() zeroes it, and the UI's EndSession() calls it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "domain/catalog.h"
#include "domain/civil_date.h"
#include "domain/form.h"
#include "domain/result.h"
#include "domain/visit_form.h"
#include "idcard/card_text.h"
#include "session/field_address.h"
#include "session/strings.h"

namespace yimen {
class Store;
}

namespace yimen::session {

// What the resident's receipt shows (screen and paper).
struct Receipt {
  std::string app_number;  // a visit's: its first application's
  std::string service_code;
  // A visit of several services (docs/internals/visits.md): its 办理编号 (the QR code) and
  // one entry per service, in the order chosen; empty for one application alone.
  struct Item {
    std::string app_number;
    std::string service_code;
  };
  std::string visit_number;
  std::vector<Item> items;
  // How the decision reaches the resident (kDeliveryMethods, domain/form.h).
  std::string decision_delivery;
  std::string date_text;
  std::string applicant;      // surname only (欧阳*), so the resident knows the receipt is theirs
  std::string print_message;  // after 打印回执: printing, or why not
  bool printed = false;       // the printer took it (a failure leaves 打印回执 to try again)
};

// Where a resident was going when the kiosk asked "要放弃这份申请吗？" (the draft would be
// lost there). kNone: no question is up.
enum class LeaveTo : uint8_t { kNone, kHome, kRestart, kOtherService };

// Everything a resident entered in the form part of one visit. Wiped by Form::Wipe().
struct FormState {
  std::string service_code;  // a visit's: its wizard's code ("visit:dibao+yiliao")
  // Several services in one visit (domain/visit_form.h, docs/internals/visits.md): the
  // wizard the resident fills, built from `catalog`; null for one service alone.
  std::shared_ptr<const VisitForm> visit;
  // The catalog version this resident's application is filled against: set when the form
  // starts, so a version that arrives meanwhile waits for the next resident.
  std::shared_ptr<const Catalog> catalog;
  ApplicationDraft draft;
  size_t step = 0;
  FieldAddress focus;                          // none when nothing is focused
  std::map<FieldAddress, std::string> errors;  // message shown under a field
  // Name fields whose error is "not Han" (validation.name.chars): they offer 请工作人员帮助
  // while that error shows (session/assist.h).
  std::set<FieldAddress> assist_offered;
  std::string banner;                          // a sentence above the form
  // The banner counts the errors ("有 N 处需要修改"): it follows them as they are fixed.
  bool banner_counts_errors = false;
  // A note under one field that is not an error: text cut at its limit ("最多 300 个字…").
  FieldAddress notice_at;
  std::string notice;
  // "要放弃这份申请吗？" is up: where the resident goes on 放弃 (docs/internals/drafts.md);
  // other_service is the service chosen from the list for kOtherService.
  LeaveTo leave = LeaveTo::kNone;
  std::string other_service;
  bool submitting = false;                     // set on the first submit tap
  std::optional<Receipt> receipt;
  // The self-check's answers (question id -> value), kept while the resident goes back
  // and forth to the details; never stored.
  std::map<std::string, std::string> eligibility_answers;
  bool eligibility_checked = false;  // set by CheckEligibility, cleared by any edit
  // Values outside the catalog, by FieldAddress::Aux name (staff name, search...).
  std::map<std::string, std::string> aux_values;
  // The review page shows ID numbers, phones, names and card numbers masked unless the
  // resident asked to see them. Cleared whenever the review is entered again.
  bool review_revealed = false;
  // Fields filled from the ID card and not edited since (the form marks them "读自身份证").
  std::set<FieldAddress> from_card;
  // What the last card read did, shown on the step it was read on (card_note_step) in
  // the reader's box: "已从身份证读取：…（女，汉族，… 出生）". Personal data: wiped.
  std::string card_note;
  size_t card_note_step = 0;
};

// The service being filled: the visit's wizard, or the catalog's service of
// state.service_code; nullptr when none.
const ServiceSpec* ServiceOf(const FormState& state, const Catalog& catalog);

// The catalog's services of a visit that have a self-check, in the visit's order: the
// one page of the visit's self-check gives a verdict for each.
std::vector<const ServiceSpec*> VisitServicesWithSelfCheck(const std::vector<std::string>& codes,
                                                           const Catalog& catalog);

// A form was started and holds something the resident entered (a value, a member, a
// signature, a photo): leaving would lose it, so the kiosk asks first.
bool HasDraft(const FormState& state);
// The same, for a draft of this service (the details page offers 继续填写).
bool HasDraftFor(const FormState& state, const std::string& service_code);

// The form's pages; kOther is any page that is not the form's (home, staff...).
enum class Page : uint8_t { kOther, kDetail, kForm, kReview, kReceipt, kEligibility };

// The events a form takes. Each is a tap or a key the resident made.
namespace form_event {
struct OpenService {
  std::string code;
};
// The resident ticked several services to apply for together (the finder's results):
// one wizard for all of them (domain/visit_form.h). One code is OpenService.
struct StartVisit {
  std::vector<std::string> codes;
};
struct StartForm {};
struct Focus {
  FieldAddress field;
};
struct SetValue {
  FieldAddress field;
  std::string value;
};  // a choice, a toggle
struct TypeText {
  std::string text;
};                    // into the focused field
struct Backspace {};  // the focused field's last character
// A signature written on the pad (strokes of points on a pad of width × height): its
// strokes become an attachment and the field's value a "sig:<hash>" reference to it.
struct Sign {
  struct Point {
    float x = 0, y = 0;
  };
  FieldAddress field;
  std::vector<std::vector<Point>> strokes;
  float width = 0, height = 0;
};
struct NextStep {};
struct PrevStep {};
struct ToReview {};
struct EditStep {
  size_t step = 0;
};
struct ToggleReveal {};
struct AddMember {
  std::string group;
};
struct RemoveMember {
  std::string group;
  size_t member = 0;
};
struct OpenEligibility {};
struct CheckEligibility {};
struct Submit {};
// A tap that would lose a started draft (回到首页, 重新填写, another service): asks first.
struct Leave {
  LeaveTo to = LeaveTo::kHome;
  std::string service;  // kOtherService: the service chosen
};
// The answer to "要放弃这份申请吗？": 放弃 (discard) or 继续填写.
struct AnswerLeave {
  bool discard = false;
};
// The ID-card reader read a card (app/idcard): its name and number go into the pair of
// fields the resident is on (the applicant's, a member's, a partner's...). `photo_read`:
// a licensed WLT decoder turned the card's photo into a picture. The caller wipes `text`.
struct CardRead {
  idcard::CardText text;
  bool photo_read = false;
};
}  // namespace form_event

using FormEvent =
    std::variant<form_event::OpenService, form_event::StartVisit, form_event::StartForm,
                 form_event::Focus, form_event::SetValue, form_event::TypeText,
                 form_event::Backspace, form_event::Sign, form_event::NextStep,
                 form_event::PrevStep, form_event::ToReview, form_event::EditStep,
                 form_event::ToggleReveal, form_event::AddMember, form_event::RemoveMember,
                 form_event::OpenEligibility, form_event::CheckEligibility, form_event::Submit,
                 form_event::Leave, form_event::AnswerLeave, form_event::CardRead>;

// Why the store refused a submit, as the resident is told it.
enum class SubmitRefusal : uint8_t { kNeedsSetup, kFull, kOther };
SubmitRefusal ClassifySubmitError(const Error& error);

// What an event changed that the caller acts on.
struct FormOutcome {
  std::optional<Page> go;             // the page to show now, when it changes
  bool step_opened = false;           // a form step was (re)opened
  bool submitted = false;             // Submit committed; FormState::receipt is set
  std::optional<Error> submit_error;  // Submit: the store refused, nothing committed
  bool discarded = false;             // the draft was wiped: drop photos and strokes too
  bool leave_home = false;            // the resident chose to leave: end the session
  // CardRead: what the voice says about it ("已从身份证读取…" or why nothing was filled).
  std::string card_said;
};

// The step has a name and an ID-number field a card can fill (`<p>name` and
// `<p>id_number`, or a group whose items have them): the form shows the reader's prompt.
bool StepTakesCard(const StepSpec& step);

// The catalog's field at an address in `service` (a question for kQuestion); nullptr
// when there is none or no service.
const FieldSpec* FindFieldAt(const ServiceSpec* service, const FieldAddress& field);

// The draft's staff mark on a name field (session/assist.h), nullptr when there is none.
const AssistedField* AssistMarkAt(const FormState& state, const FieldAddress& field);
// Removes it. A resident's own edit of that name on the form does this: staff no longer
// vouch for it, and the name rule applies again.
void DropAssistMark(FormState* state, const FieldAddress& field);

// The receipt's materials: those to bring to the counter, and the papers signed on the
// kiosk (承诺书, 核对授权书: SignedOnKiosk), which it names once as already signed.
struct ReceiptMaterials {
  std::vector<const Material*> bring;
  std::vector<const Material*> signed_here;
};
ReceiptMaterials MaterialsForReceipt(const ServiceSpec& service);
// "承诺书、家庭经济状况核对授权书": the signed papers' names in a language.
std::string SignedPapers(Language language, const Strings& strings,
                         const ReceiptMaterials& materials);

// The text of a catalog text in a language (English falls back to Chinese).
const std::string& LocalText(Language language, const LocalizedText& text);

class Form {
 public:
  struct Deps {
    const Strings* strings = nullptr;
    Store* store = nullptr;  // Submit's; nullptr: submits fail
    // The version new forms start on (the kiosk's choice between applications).
    std::function<std::shared_ptr<const Catalog>()> catalog_in_use;
    std::function<Language()> language;  // unset: Chinese
    std::function<int64_t()> wall_ms;    // Unix ms; unset: the system clock
  };
  Form(FormState* state, Deps deps);

  // Applies one event; `page` is the page on screen (submit and reveal act only on the
  // review).
  FormOutcome Apply(const FormEvent& event, Page page);

  // The resident's catalog: the session's once its form started, else the one in use.
  const Catalog& Cat() const;
  const ServiceSpec* Service() const;
  // The catalog's field at an address (a question for kQuestion), nullptr when none.
  const FieldSpec* FieldAt(const FieldAddress& field) const;
  // The value's slot in the draft (created as the draft's maps do), nullptr for an
  // address that holds none (aux values, a member that does not exist).
  std::string* Slot(const FieldAddress& field);
  // The value shown at an address ("" when none).
  static std::string ValueAt(const FormState& state, const FieldAddress& field);
  // The lines a printed receipt has besides the applicant: service, date, time limit,
  // materials to bring.
  std::vector<std::string> ReceiptLines(const std::string& service_code,
                                        const std::string& date_text) const;
  // The resident's civil date now (China, UTC+8), whatever the machine's zone.
  CivilDate Today() const;
  int64_t WallMs() const;
  Language CurrentLanguage() const;
  // Zeroes every value the resident typed (draft, attachments, answers, aux values).
  void Wipe();
  bool HasDraft() const { return session::HasDraft(*m_state); }

 private:
  // One handler per event (Apply visits the variant).
  FormOutcome On(const form_event::OpenService& e, Page page);
  FormOutcome On(const form_event::StartVisit& e, Page page);
  FormOutcome On(const form_event::StartForm& e, Page page);
  FormOutcome On(const form_event::Focus& e, Page page);
  FormOutcome On(const form_event::SetValue& e, Page page);
  FormOutcome On(const form_event::TypeText& e, Page page);
  FormOutcome On(const form_event::Backspace& e, Page page);
  FormOutcome On(const form_event::Sign& e, Page page);
  FormOutcome On(const form_event::NextStep& e, Page page);
  FormOutcome On(const form_event::PrevStep& e, Page page);
  FormOutcome On(const form_event::ToReview& e, Page page);
  FormOutcome On(const form_event::EditStep& e, Page page);
  FormOutcome On(const form_event::ToggleReveal& e, Page page);
  FormOutcome On(const form_event::AddMember& e, Page page);
  FormOutcome On(const form_event::RemoveMember& e, Page page);
  FormOutcome On(const form_event::OpenEligibility& e, Page page);
  FormOutcome On(const form_event::CheckEligibility& e, Page page);
  FormOutcome On(const form_event::Submit& e, Page page);
  FormOutcome On(const form_event::Leave& e, Page page);
  FormOutcome On(const form_event::AnswerLeave& e, Page page);
  FormOutcome On(const form_event::CardRead& e, Page page);
  // Where a card read goes (the name, then the ID number): a member of the step's group
  // (the focused one, else an empty one, else a new one), or the pair of fields the
  // resident is on. Empty, with the message key in *refusal, when it cannot go anywhere.
  std::vector<FieldAddress> CardMember(const StepSpec& step, const char** refusal);
  std::vector<FieldAddress> CardPairOnStep(const StepSpec& step, const idcard::CardText& text,
                                           FieldAddress* address_field, const char** refusal);
  // One value from the card into its field, marked 读自身份证.
  void FillFromCard(const FieldAddress& at, const std::string& value);
  FormOutcome Submit();
  // Submit's store call for one service alone, or every service of a visit in one
  // transaction; the receipt it fills on success.
  Result<Receipt> StoreApplications(const CivilDate& today, int64_t now_s);
  bool ValidateCurrentStep();
  // Sets the banner to the count of errors (or clears it when none are left).
  void CountErrors();
  // After an edit removed or changed errors: a counting banner follows them.
  void RefreshBanner();
  // Wipes the draft and what hangs on it (errors, step, focus); the service stays.
  void DiscardDraft();
  void CheckEligibility();
  void ClearTownDependants(const FieldAddress& town);
  void Sign(const form_event::Sign& signature);

  FormState* m_state;
  Deps m_deps;
};

}  // namespace yimen::session
