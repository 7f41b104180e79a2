// The form's behaviour: events in, draft and page changes out, the store's Submit at
// the end. Nothing here draws; app/ui/screens/ do.
#include "session/form.h"

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "common/civil_time.h"
#include "common/wipe.h"
#include "domain/eligibility.h"
#include "domain/message_keys.h"
#include "domain/name_mask.h"
#include "domain/utf8.h"
#include "session/delivery.h"
#include "session/form_internal.h"
#include "store/store.h"

namespace yimen::session {
namespace {

// The services of a visit's wizard code ("visit:dibao+yiliao" -> dibao, yiliao).
std::vector<std::string> VisitCodes(std::string_view code) {
  std::vector<std::string> codes;
  code.remove_prefix(std::min(code.size(), kVisitCodePrefix.size()));
  while (!code.empty()) {
    const size_t plus = code.find('+');
    codes.emplace_back(code.substr(0, plus));
    code.remove_prefix(plus == std::string_view::npos ? code.size() : plus + 1);
  }
  return codes;
}

void WipeValues(std::map<std::string, std::string>* values) {
  for (auto& [key, value] : *values) yimen::Wipe(&value);
  values->clear();
}

// A deleted member's staff marks go with it; later members' marks move up with them.
void ShiftMarks(std::vector<AssistedField>* marks, const std::string& group, size_t removed) {
  const int index = static_cast<int>(removed);
  std::erase_if(*marks,
                [&](const AssistedField& m) { return m.group == group && m.index == index; });
  for (AssistedField& mark : *marks) {
    if (mark.group == group && mark.index > index) --mark.index;
  }
}

void ClearBanner(FormState* s) {
  s->banner.clear();
  s->banner_counts_errors = false;
}

void ClearNotice(FormState* s) {
  s->notice_at = {};
  yimen::Wipe(&s->notice);
}

bool AnyValue(const std::map<std::string, std::string>& values) {
  return std::any_of(values.begin(), values.end(),
                     [](const auto& value) { return !value.second.empty(); });
}

// The first `count` code points of UTF-8 `text`.
std::string FirstCodepoints(const std::string& text, size_t count) {
  size_t end = 0;
  for (size_t taken = 0; end < text.size() && taken < count; ++taken) {
    ++end;
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
  }
  return text.substr(0, end);
}

}  // namespace

namespace detail {

void WipeDraft(ApplicationDraft* draft) {
  WipeValues(&draft->values);
  WipeValues(&draft->attachments);
  for (auto& [id, items] : draft->groups) {
    for (auto& item : items) WipeValues(&item);
  }
  draft->groups.clear();
  draft->assisted.clear();  // the staff unlock is per draft (docs/internals/drafts.md)
  draft->decision_delivery.clear();
}

std::string CountText(size_t count) { return std::to_string(count); }

}  // namespace detail

SubmitRefusal ClassifySubmitError(const Error& error) {
  if (error.kind == ErrorKind::kNeedsSetup) return SubmitRefusal::kNeedsSetup;
  if (error.kind == ErrorKind::kFull) return SubmitRefusal::kFull;
  return SubmitRefusal::kOther;
}

std::string SignedPapers(Language language, const Strings& strings,
                         const ReceiptMaterials& materials) {
  std::string papers;
  for (const Material* material : materials.signed_here) {
    if (!papers.empty()) papers += strings.Get(language, "form.list_separator");
    papers += LocalText(language, material->name);
  }
  return papers;
}

ReceiptMaterials MaterialsForReceipt(const ServiceSpec& service) {
  ReceiptMaterials out;
  for (const Material& material : service.materials) {
    (SignedOnKiosk(service, material) ? out.signed_here : out.bring).push_back(&material);
  }
  return out;
}

const std::string& LocalText(Language language, const LocalizedText& text) {
  if (language == Language::kEn && !text.en.empty()) return text.en;
  return text.zh;
}

Form::Form(FormState* state, Deps deps) : m_state(state), m_deps(std::move(deps)) {}

const Catalog& Form::Cat() const {
  if (m_state->catalog) return *m_state->catalog;
  return *m_deps.catalog_in_use();
}

const ServiceSpec* ServiceOf(const FormState& state, const Catalog& catalog) {
  if (state.visit && state.visit->form.code == state.service_code) return &state.visit->form;
  return catalog.FindService(state.service_code);
}

std::vector<const ServiceSpec*> VisitServicesWithSelfCheck(const std::vector<std::string>& codes,
                                                           const Catalog& catalog) {
  std::vector<const ServiceSpec*> services;
  for (const std::string& code : codes) {
    const ServiceSpec* service = catalog.FindService(code);
    if (service != nullptr && service->eligibility) services.push_back(service);
  }
  return services;
}

const ServiceSpec* Form::Service() const { return ServiceOf(*m_state, Cat()); }

int64_t Form::WallMs() const {
  if (m_deps.wall_ms) return m_deps.wall_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

CivilDate Form::Today() const { return ChinaDateAt(WallMs() / 1000); }

Language Form::CurrentLanguage() const {
  return m_deps.language ? m_deps.language() : Language::kZhCN;
}

const FieldSpec* Form::FieldAt(const FieldAddress& field) const {
  return FindFieldAt(Service(), field);
}

const FieldSpec* FindFieldAt(const ServiceSpec* service, const FieldAddress& field) {
  if (!service) return nullptr;
  switch (field.area) {
    case FieldAddress::Area::kTop: return service->FindField(field.field);
    case FieldAddress::Area::kMember: {
      const GroupSpec* group = service->FindGroup(field.group);
      return group ? group->FindField(field.field) : nullptr;
    }
    case FieldAddress::Area::kQuestion:
      return service->eligibility ? service->eligibility->FindQuestion(field.field) : nullptr;
    case FieldAddress::Area::kNone:
    case FieldAddress::Area::kGroup:
    case FieldAddress::Area::kAux: return nullptr;
  }
  return nullptr;
}

std::string* Form::Slot(const FieldAddress& field) {
  ApplicationDraft& draft = m_state->draft;
  switch (field.area) {
    case FieldAddress::Area::kTop: return &draft.values[field.field];
    case FieldAddress::Area::kMember: {
      auto& items = draft.groups[field.group];
      if (field.member >= items.size()) return nullptr;
      return &items[field.member][field.field];
    }
    case FieldAddress::Area::kQuestion: return &m_state->eligibility_answers[field.field];
    case FieldAddress::Area::kAux:  // the review page's choice (session/delivery.h)
      return field.IsAux(kDeliveryAux) ? &draft.decision_delivery : nullptr;
    case FieldAddress::Area::kNone:
    case FieldAddress::Area::kGroup: return nullptr;
  }
  return nullptr;
}

std::string Form::ValueAt(const FormState& state, const FieldAddress& field) {
  auto find = [](const std::map<std::string, std::string>& values, const std::string& key) {
    auto it = values.find(key);
    return it == values.end() ? std::string() : it->second;
  };
  switch (field.area) {
    case FieldAddress::Area::kTop: return find(state.draft.values, field.field);
    case FieldAddress::Area::kMember: {
      auto g = state.draft.groups.find(field.group);
      if (g == state.draft.groups.end() || field.member >= g->second.size()) return "";
      return find(g->second[field.member], field.field);
    }
    case FieldAddress::Area::kQuestion: return find(state.eligibility_answers, field.field);
    case FieldAddress::Area::kAux:
      if (field.IsAux(kDeliveryAux)) return state.draft.decision_delivery;
      return find(state.aux_values, field.field);
    case FieldAddress::Area::kNone:
    case FieldAddress::Area::kGroup: return "";
  }
  return "";
}

bool HasDraftFor(const FormState& state, const std::string& service_code) {
  return state.draft.service_code == service_code && HasDraft(state);
}

const AssistedField* AssistMarkAt(const FormState& state, const FieldAddress& field) {
  if (field.area == FieldAddress::Area::kTop) return FindAssisted(state.draft, "", -1, field.field);
  if (field.area != FieldAddress::Area::kMember) return nullptr;
  return FindAssisted(state.draft, field.group, static_cast<int>(field.member), field.field);
}

void DropAssistMark(FormState* state, const FieldAddress& field) {
  const AssistedField* mark = AssistMarkAt(*state, field);
  if (mark == nullptr) return;
  state->draft.assisted.erase(state->draft.assisted.begin() +
                              (mark - state->draft.assisted.data()));
}

bool HasDraft(const FormState& s) {
  if (!s.catalog) return false;
  if (AnyValue(s.draft.values) || !s.draft.attachments.empty()) return true;
  return std::any_of(s.draft.groups.begin(), s.draft.groups.end(),
                     [](const auto& group) { return !group.second.empty(); });
}

void Form::DiscardDraft() {
  FormState& s = *m_state;
  WipeDraft(&s.draft);
  s.draft = ApplicationDraft{};
  s.assist_offered.clear();
  s.catalog.reset();  // the next form starts on the version in use then
  s.step = 0;
  s.focus = {};
  s.errors.clear();
  ClearBanner(&s);
  ClearNotice(&s);
  s.from_card.clear();
  yimen::Wipe(&s.card_note);
  s.submitting = false;
}

void Form::Wipe() {
  WipeDraft(&m_state->draft);
  yimen::Wipe(&m_state->card_note);  // what a card said (CardRead)
  m_state->from_card.clear();
  WipeValues(&m_state->eligibility_answers);
  WipeValues(&m_state->aux_values);
}

void Form::ClearTownDependants(const FieldAddress& town) {
  const ServiceSpec* service = Service();
  const FieldSpec* field = FieldAt(town);
  if (!service || !field || field->type != FieldType::kTown) return;
  // A new town invalidates the community chosen under the old one.
  auto clear = [&](const std::vector<FieldSpec>& fields) {
    for (const FieldSpec& f : fields) {
      if (f.type == FieldType::kCommunity && f.town_field == field->id) {
        if (std::string* slot = Slot(town.Sibling(f.id))) yimen::Wipe(slot);
      }
    }
  };
  for (const StepSpec& step : service->form.steps) {
    clear(step.fields);
    if (step.group) clear(step.group->fields);
  }
}

FormOutcome Form::Apply(const FormEvent& event, Page page) {
  return std::visit([&](const auto& e) { return On(e, page); }, event);
}

FormOutcome Form::On(const form_event::OpenService& e, Page) {
  FormState& s = *m_state;
  FormOutcome out;
  if (!Cat().FindService(e.code)) return out;
  if (e.code != s.service_code && HasDraft()) {  // the draft is another service's
    s.leave = LeaveTo::kOtherService;
    s.other_service = e.code;
    return out;
  }
  s.service_code = e.code;
  s.visit.reset();
  out.go = Page::kDetail;
  return out;
}

FormOutcome Form::On(const form_event::StartVisit& e, Page page) {
  FormState& s = *m_state;
  if (e.codes.size() == 1) return On(form_event::OpenService{e.codes[0]}, page);
  FormOutcome out;
  // The wizard is built from the catalog the form will be filled against.
  std::shared_ptr<const Catalog> catalog = m_deps.catalog_in_use();
  Result<VisitForm> visit = BuildVisitForm(*catalog, e.codes);
  if (!visit.ok()) return out;
  if (visit->form.code != s.service_code && HasDraft()) {  // another form's draft
    s.leave = LeaveTo::kOtherService;
    s.other_service = visit->form.code;
    return out;
  }
  s.service_code = visit->form.code;
  s.visit = std::make_shared<const VisitForm>(std::move(visit).value());
  out.go = Page::kDetail;
  return out;
}

FormOutcome Form::On(const form_event::StartForm&, Page) {
  FormState& s = *m_state;
  FormOutcome out;
  if (HasDraft()) {  // 重新填写 would lose what is there: ask first
    s.leave = LeaveTo::kRestart;
    return out;
  }
  DiscardDraft();  // whatever an empty earlier form held
  // A form is filled against the catalog version in use when it starts.
  s.draft.service_code = s.service_code;
  s.catalog = m_deps.catalog_in_use();
  s.draft.catalog_version = s.catalog->version;
  if (s.visit) {
    // A version that arrived since the services were chosen: the wizard follows it.
    Result<VisitForm> visit = BuildVisitForm(*s.catalog, s.visit->Codes());
    if (visit.ok()) {
      s.visit = std::make_shared<const VisitForm>(std::move(visit).value());
      s.service_code = s.draft.service_code = s.visit->form.code;
    }
  }
  out.go = Page::kForm;
  out.step_opened = true;
  out.discarded = true;  // whatever the last form left (photos) goes
  return out;
}

FormOutcome Form::On(const form_event::Focus& e, Page) {
  FormState& s = *m_state;
  FormOutcome out;
  if (s.focus != e.field) ClearNotice(&s);
  s.focus = e.field;
  return out;
}

FormOutcome Form::On(const form_event::SetValue& e, Page) {
  FormState& s = *m_state;
  m_state->eligibility_checked = false;  // any edit makes a shown self-check result stale
  FormOutcome out;
  if (std::string* slot = Slot(e.field)) {
    yimen::Wipe(slot);
    *slot = e.value;
    s.errors.erase(e.field);
    s.from_card.erase(e.field);
    RefreshBanner();
  }
  ClearTownDependants(e.field);
  return out;
}

FormOutcome Form::On(const form_event::TypeText& e, Page page) {
  FormState& s = *m_state;
  m_state->eligibility_checked = false;  // any edit makes a shown self-check result stale
  FormOutcome out;
  std::string* slot = Slot(s.focus);
  const FieldSpec* field = FieldAt(s.focus);
  if (!slot || !field) return out;
  if (page == Page::kForm) DropAssistMark(&s, s.focus);  // staff's entry screen is not kForm
  ClearNotice(&s);
  std::string text = e.text;
  if (field->type == FieldType::kDate) {  // digits only; the dashes come by themselves
    *slot = MaskDateInput(*slot + text);
    s.errors.erase(s.focus);
    RefreshBanner();
    return out;
  }
  std::optional<size_t> limit;
  if (field->max_length) limit = static_cast<size_t>(*field->max_length);
  if (field->type == FieldType::kIdNumber) {
    for (char& c : text) {
      if (c == 'x') c = 'X';
    }
    limit = 18;
  }
  const size_t have = CountCodepoints(*slot), adding = CountCodepoints(text);
  if (limit && have + adding > *limit) {
    // Nothing typed is lost: what fits goes in, and the resident is told what did not.
    const size_t fits = *limit > have ? *limit - have : 0;
    text = FirstCodepoints(text, fits);
    s.notice_at = s.focus;
    const bool id = field->type == FieldType::kIdNumber;  // digits: "位", not "字"
    s.notice = m_deps.strings->Format(
        CurrentLanguage(), id ? "form.limit_cut_id" : "form.limit_cut",
        {{"max", std::to_string(*limit)}, {"dropped", std::to_string(adding - fits)}});
  }
  slot->append(text);
  yimen::Wipe(&text);
  s.errors.erase(s.focus);
  s.from_card.erase(s.focus);
  RefreshBanner();
  return out;
}

FormOutcome Form::On(const form_event::Backspace&, Page page) {
  FormState& s = *m_state;
  m_state->eligibility_checked = false;  // any edit makes a shown self-check result stale
  FormOutcome out;
  std::string* slot = Slot(s.focus);
  if (!slot || slot->empty()) return out;
  if (page == Page::kForm) DropAssistMark(&s, s.focus);
  ClearNotice(&s);
  s.from_card.erase(s.focus);
  if (const FieldSpec* field = FieldAt(s.focus); field && field->type == FieldType::kDate) {
    *slot = MaskDateBackspace(*slot);
    return out;
  }
  size_t cut = slot->size() - 1;
  while (cut > 0 && (static_cast<unsigned char>((*slot)[cut]) & 0xC0) == 0x80) --cut;
  sodium_memzero(slot->data() + cut, slot->size() - cut);
  slot->resize(cut);
  return out;
}

FormOutcome Form::On(const form_event::Sign& e, Page) {
  FormOutcome out;
  Sign(e);
  return out;
}

FormOutcome Form::On(const form_event::NextStep&, Page) {
  FormState& s = *m_state;
  const ServiceSpec* service = Service();
  FormOutcome out;
  if (!ValidateCurrentStep() || !service) return out;
  if (s.step + 1 < service->form.steps.size()) ++s.step;
  s.focus = {};
  out.step_opened = true;  // a USB stick may have been plugged in meanwhile
  return out;
}

FormOutcome Form::On(const form_event::PrevStep&, Page) {
  FormState& s = *m_state;
  FormOutcome out;
  s.errors.clear();
  ClearBanner(&s);
  ClearNotice(&s);
  s.focus = {};
  if (s.step == 0) {
    // The details page offers 继续填写: the draft stays until the resident discards it.
    out.go = Page::kDetail;
  } else {
    --s.step;
  }
  return out;
}

FormOutcome Form::On(const form_event::ToReview&, Page) {
  FormState& s = *m_state;
  const ServiceSpec* service = Service();
  FormOutcome out;
  if (!service) return out;
  // Every step must pass; stop at the first one that does not.
  for (size_t i = 0; i < service->form.steps.size(); ++i) {
    s.step = i;
    if (!ValidateCurrentStep()) return out;
  }
  s.focus = {};
  s.review_revealed = false;
  out.go = Page::kReview;
  return out;
}

FormOutcome Form::On(const form_event::EditStep& e, Page) {
  FormState& s = *m_state;
  const ServiceSpec* service = Service();
  FormOutcome out;
  if (!service || e.step >= service->form.steps.size()) return out;
  s.step = e.step;
  ClearBanner(&s);
  s.review_revealed = false;
  out.go = Page::kForm;
  out.step_opened = true;
  return out;
}

FormOutcome Form::On(const form_event::ToggleReveal&, Page page) {
  FormState& s = *m_state;
  FormOutcome out;
  if (page == Page::kReview) s.review_revealed = !s.review_revealed;
  return out;
}

FormOutcome Form::On(const form_event::AddMember& e, Page) {
  FormState& s = *m_state;
  const ServiceSpec* service = Service();
  FormOutcome out;
  const GroupSpec* group = service ? service->FindGroup(e.group) : nullptr;
  if (!group) return out;
  auto& items = s.draft.groups[group->id];
  if (static_cast<int>(items.size()) >= group->max) return out;
  items.emplace_back();
  s.errors.erase(FieldAddress::Group(group->id));
  RefreshBanner();
  s.focus = FieldAddress::Member(group->id, items.size() - 1, group->fields.front().id);
  return out;
}

FormOutcome Form::On(const form_event::RemoveMember& e, Page) {
  FormState& s = *m_state;
  FormOutcome out;
  auto it = s.draft.groups.find(e.group);
  if (it == s.draft.groups.end() || e.member >= it->second.size()) return out;
  WipeValues(&it->second[e.member]);
  it->second.erase(it->second.begin() + static_cast<std::ptrdiff_t>(e.member));
  ShiftMarks(&s.draft.assisted, e.group, e.member);
  // The members behind it move up; their marks are dropped rather than moved.
  std::erase_if(s.from_card, [&e](const FieldAddress& a) {
    return a.area == FieldAddress::Area::kMember && a.group == e.group && a.member >= e.member;
  });
  s.focus = {};
  ClearNotice(&s);
  // Messages already shown follow the members that are left (a deleted member's go,
  // the later ones move up): the step is checked again, as 下一步 would.
  if (!s.errors.empty() || s.banner_counts_errors) ValidateCurrentStep();
  return out;
}

FormOutcome Form::On(const form_event::OpenEligibility&, Page) {
  FormState& s = *m_state;
  const ServiceSpec* service = Service();
  FormOutcome out;
  if (!service || !service->eligibility) return out;
  s.focus = {};
  s.errors.clear();
  ClearBanner(&s);
  s.eligibility_checked = false;
  out.go = Page::kEligibility;
  return out;
}

FormOutcome Form::On(const form_event::CheckEligibility&, Page) {
  const ServiceSpec* service = Service();
  FormOutcome out;
  if (!service || !service->eligibility) return out;
  CheckEligibility();
  return out;
}

FormOutcome Form::On(const form_event::Submit&, Page page) {
  FormState& s = *m_state;
  FormOutcome out;
  if (s.submitting || page != Page::kReview) return out;  // no double submit
  // How to get the decision is asked of every application (session/delivery.h): without
  // an answer nothing is stored, and the resident is told under the choice.
  const std::string problem = DeliveryProblem(*Service(), s.draft);
  if (!problem.empty()) {
    s.errors[DeliveryField()] = m_deps.strings->Get(CurrentLanguage(), problem);
    CountErrors();
    return out;
  }
  const std::string delivery = s.draft.decision_delivery;
  s.submitting = true;
  out = Submit();
  if (out.submitted && s.receipt) s.receipt->decision_delivery = delivery;
  return out;
}

FormOutcome Form::On(const form_event::Leave& e, Page) {
  FormState& s = *m_state;
  FormOutcome out;
  if (HasDraft()) {
    s.leave = e.to;
    s.other_service = e.service;
    return out;
  }
  if (e.to == LeaveTo::kHome) out.leave_home = true;
  return out;
}

FormOutcome Form::On(const form_event::AnswerLeave& e, Page page) {
  FormState& s = *m_state;
  FormOutcome out;
  const LeaveTo to = s.leave;
  const std::string other = std::move(s.other_service);
  s.leave = LeaveTo::kNone;
  s.other_service.clear();
  if (to == LeaveTo::kNone || !e.discard) return out;  // 继续填写: nothing changes
  DiscardDraft();
  switch (to) {
    case LeaveTo::kHome: out.leave_home = true; break;
    case LeaveTo::kRestart: out = On(form_event::StartForm{}, page); break;
    case LeaveTo::kOtherService:
      if (other.starts_with(kVisitCodePrefix)) {
        out = On(form_event::StartVisit{VisitCodes(other)}, page);
      } else {
        out = On(form_event::OpenService{other}, page);
      }
      break;
    case LeaveTo::kNone: break;
  }
  out.discarded = true;
  return out;
}

void Form::Sign(const form_event::Sign& signature) {
  if (signature.strokes.empty()) return;
  // The strokes as text on a 0..1000 square (tests/data/handwriting format), and a
  // reference to them made from their hash.
  const float w = std::max(1.0f, signature.width), h = std::max(1.0f, signature.height);
  std::string text;
  for (const auto& stroke : signature.strokes) {
    for (size_t i = 0; i < stroke.size(); ++i) {
      char point[32];
      std::snprintf(point, sizeof point, "%s%d,%d", i ? " " : "",
                    static_cast<int>(std::clamp(stroke[i].x / w * 1000.0f, 0.0f, 1000.0f)),
                    static_cast<int>(std::clamp(stroke[i].y / h * 1000.0f, 0.0f, 1000.0f)));
      text += point;
    }
    text += "\n";
  }
  unsigned char digest[16];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(text.data()),
                     text.size(), nullptr, 0);
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  std::string ref = std::string(kSignatureRefPrefix) + hex;
  std::string* slot = Slot(signature.field);
  if (!slot) return;
  if (!slot->empty()) {  // a re-signed field: the old strokes go, wiped
    auto old = m_state->draft.attachments.find(*slot);
    if (old != m_state->draft.attachments.end()) {
      yimen::Wipe(&old->second);
      m_state->draft.attachments.erase(old);
    }
  }
  m_state->draft.attachments[ref] = std::move(text);
  *slot = ref;
  m_state->errors.erase(signature.field);
  RefreshBanner();
}

void Form::CheckEligibility() {
  FormState& s = *m_state;
  const ServiceSpec* service = Service();
  const Language language = CurrentLanguage();
  s.focus = {};
  s.errors.clear();
  ClearBanner(&s);
  // A visit's answers are checked by each chosen service that has a self-check.
  std::vector<const ServiceSpec*> checked = {service};
  if (s.visit) checked = VisitServicesWithSelfCheck(s.visit->Codes(), Cat());
  std::vector<FieldIssue> issues;
  for (const ServiceSpec* one : checked) {
    for (FieldIssue& issue :
         ValidateEligibilityAnswers(*one, Cat().region, s.eligibility_answers, Today())) {
      issues.push_back(std::move(issue));
    }
  }
  for (const FieldIssue& issue : issues) {
    const FieldSpec* question = service->eligibility->FindQuestion(issue.field_id);
    std::map<std::string, std::string> params = issue.params;
    if (question) params["field"] = LocalText(language, question->label);
    if (s.errors.count(FieldAddress::Question(issue.field_id))) continue;  // from another service
    s.errors.emplace(FieldAddress::Question(issue.field_id),
                     m_deps.strings->Format(language, issue.message_key, params));
  }
  s.eligibility_checked = s.errors.empty();
  CountErrors();
}

void Form::CountErrors() {
  FormState& s = *m_state;
  if (s.errors.empty()) {
    ClearBanner(&s);
    return;
  }
  s.banner = m_deps.strings->Format(CurrentLanguage(), "form.fix_errors",
                                    {{"count", CountText(s.errors.size())}});
  s.banner_counts_errors = true;
}

void Form::RefreshBanner() {
  if (m_state->banner_counts_errors) CountErrors();
}

bool Form::ValidateCurrentStep() {
  FormState& s = *m_state;
  const ServiceSpec* service = Service();
  const Language language = CurrentLanguage();
  s.errors.clear();
  s.assist_offered.clear();
  ClearBanner(&s);
  // A visit's step is checked by each chosen service's own rules (domain/visit_form.h).
  std::vector<FieldIssue> issues =
      s.visit ? ValidateVisitStep(*s.visit, Cat(), s.step, s.draft, Today())
              : ValidateStep(*service, Cat().region, s.step, s.draft, Today());
  for (const FieldIssue& issue : issues) {
    std::map<std::string, std::string> params = issue.params;
    FieldAddress at;
    const FieldSpec* field = nullptr;
    if (issue.group_id.empty()) {
      at = FieldAddress::Top(issue.field_id);
      field = service->FindField(issue.field_id);
    } else if (issue.group_index < 0) {
      at = FieldAddress::Group(issue.group_id);
      if (const GroupSpec* g = service->FindGroup(issue.group_id)) {
        params["field"] = LocalText(language, g->item_title);
      }
    } else {
      at = FieldAddress::Member(issue.group_id, static_cast<size_t>(issue.group_index),
                                issue.field_id);
      if (const GroupSpec* g = service->FindGroup(issue.group_id))
        field = g->FindField(issue.field_id);
    }
    if (field && !params.count("field")) params["field"] = LocalText(language, field->label);
    if (s.errors.count(at)) continue;
    if (field && field->type == FieldType::kPhoto && issue.message_key == msg::kRequired) {
      // A required material photo names the material ("请给居民身份证拍照或导入照片"),
      // not the slot's label.
      std::string material = LocalText(language, field->label);
      for (const Material& m : service->materials) {
        if (m.id == field->material) material = LocalText(language, m.name);
      }
      s.errors[at] = m_deps.strings->Format(language, "photo.required", {{"material", material}});
      continue;
    }
    s.errors[at] = m_deps.strings->Format(language, std::string(issue.message_key), params);
    // Letters or another script where Han is expected: staff can enter the name.
    if (issue.message_key == msg::kNameChars) s.assist_offered.insert(at);
  }
  CountErrors();
  return s.errors.empty();
}

std::vector<std::string> Form::ReceiptLines(const std::string& service_code,
                                            const std::string& date_text) const {
  const ServiceSpec* service = Cat().FindService(service_code);
  const Language language = CurrentLanguage();
  const Strings& tr = *m_deps.strings;
  std::vector<std::string> lines;
  if (service) {
    lines.push_back(
        tr.Format(language, "receipt.service", {{"service", LocalText(language, service->name)}}));
    lines.push_back(tr.Format(language, "receipt.date", {{"date", date_text}}));
    lines.push_back(
        tr.Format(language, "receipt.time", {{"days", std::to_string(service->time_limit_days)}}));
    const ReceiptMaterials materials = MaterialsForReceipt(*service);
    if (!materials.bring.empty()) lines.push_back(tr.Get(language, "receipt.bring"));
    for (const Material* material : materials.bring) {
      std::string line = "· " + LocalText(language, material->name);
      if (!material->required) line += tr.Get(language, "detail.material_optional");
      lines.push_back(line);
    }
    if (!materials.signed_here.empty()) {
      lines.push_back(tr.Format(language, "receipt.signed_here",
                                {{"papers", SignedPapers(language, tr, materials)}}));
    }
  }
  lines.push_back(tr.Get(language, "receipt.keep"));
  return lines;
}

}  // namespace yimen::session

namespace yimen::session {
namespace {

// A name field and its ID-number field on one step: `<p>name` and `<p>id_number`
// (name/id_number for the applicant and a member, partner_name/partner_id_number...).
struct CardPair {
  std::string prefix;
};

std::vector<CardPair> CardPairs(const std::vector<FieldSpec>& fields) {
  std::vector<CardPair> pairs;
  for (const FieldSpec& f : fields) {
    if (f.type != FieldType::kChineseName || f.id.size() < 4 ||
        f.id.compare(f.id.size() - 4, 4, "name") != 0) {
      continue;
    }
    const std::string prefix = f.id.substr(0, f.id.size() - 4);
    const bool has_number = std::any_of(fields.begin(), fields.end(), [&](const FieldSpec& g) {
      return g.type == FieldType::kIdNumber && g.id == prefix + "id_number";
    });
    if (has_number) pairs.push_back({prefix});
  }
  return pairs;
}

// "1958-02-14" from the card's "19580214" (as it came when it is not eight digits).
std::string CardDate(const std::string& yyyymmdd) {
  if (yyyymmdd.size() != 8) return yyyymmdd;
  return yyyymmdd.substr(0, 4) + "-" + yyyymmdd.substr(4, 2) + "-" + yyyymmdd.substr(6, 2);
}

// What the card says beyond the form's fields, as the card prints it (男, 汉): sex,
// nation, birth date, in either language.
std::string CardDetails(const idcard::CardText& text, Language lang, const Strings& strings) {
  const std::string comma = lang == Language::kEn ? ", " : "，";
  std::string details(idcard::SexName(text.sex_code));
  if (!idcard::NationName(text.nation_code).empty()) {
    details += (details.empty() ? "" : comma) + std::string(idcard::NationName(text.nation_code)) +
               strings.Get(lang, "idcard.nation_suffix");
  }
  if (!text.birth.empty()) {
    details += (details.empty() ? "" : comma) +
               strings.Format(lang, "idcard.born", {{"date", CardDate(text.birth)}});
  }
  return details;
}

}  // namespace

bool StepTakesCard(const StepSpec& step) {
  if (step.group) {
    const std::vector<CardPair> pairs = CardPairs(step.group->fields);
    return !pairs.empty() && pairs.front().prefix.empty();
  }
  return !CardPairs(step.fields).empty();
}

std::vector<FieldAddress> Form::CardMember(const StepSpec& step, const char** refusal) {
  FormState& s = *m_state;
  const GroupSpec& group = *step.group;
  if (!StepTakesCard(step)) {
    *refusal = "idcard.not_here";
    return {};
  }
  // The member the resident is on, else the first empty one, else a new one.
  auto& items = s.draft.groups[group.id];
  std::optional<size_t> member;
  if (s.focus.area == FieldAddress::Area::kMember && s.focus.group == group.id &&
      s.focus.member < items.size()) {
    member = s.focus.member;
  }
  for (size_t i = 0; !member && i < items.size(); ++i) {
    if (items[i]["name"].empty() && items[i]["id_number"].empty()) member = i;
  }
  if (!member) {
    if (static_cast<int>(items.size()) >= group.max) {
      *refusal = "idcard.no_room";
      return {};
    }
    items.emplace_back();
    s.errors.erase(FieldAddress::Group(group.id));
    member = items.size() - 1;
  }
  return {FieldAddress::Member(group.id, *member, "name"),
          FieldAddress::Member(group.id, *member, "id_number")};
}

std::vector<FieldAddress> Form::CardPairOnStep(const StepSpec& step, const idcard::CardText& text,
                                               FieldAddress* address_field, const char** refusal) {
  const FormState& s = *m_state;
  const std::vector<CardPair> pairs = CardPairs(step.fields);
  if (pairs.empty()) {
    *refusal = "idcard.not_here";
    return {};
  }
  // The pair the resident is on, else the applicant's, else the first.
  const CardPair* chosen = nullptr;
  for (const CardPair& pair : pairs) {
    if (s.focus.area == FieldAddress::Area::kTop &&
        (s.focus.field == pair.prefix + "name" || s.focus.field == pair.prefix + "id_number")) {
      chosen = &pair;
    }
  }
  for (const CardPair& pair : pairs) {
    if (!chosen && pair.prefix.empty()) chosen = &pair;
  }
  if (!chosen) chosen = &pairs.front();
  // The applicant's street address, when the step asks for it and it is still empty.
  if (chosen->prefix.empty()) {
    const FieldAddress address = FieldAddress::Top("address");
    const FieldSpec* spec = FieldAt(address);
    if (spec && spec->type == FieldType::kText && ValueAt(s, address).empty() &&
        !text.address.empty()) {
      *address_field = address;
    }
  }
  return {FieldAddress::Top(chosen->prefix + "name"),
          FieldAddress::Top(chosen->prefix + "id_number")};
}

void Form::FillFromCard(const FieldAddress& at, const std::string& value) {
  FormState& s = *m_state;
  std::string* slot = Slot(at);
  if (!slot) return;
  yimen::Wipe(slot);
  *slot = value;
  if (const FieldSpec* spec = FieldAt(at); spec && spec->max_length) {
    *slot = FirstCodepoints(*slot, static_cast<size_t>(*spec->max_length));
  }
  s.errors.erase(at);
  s.from_card.insert(at);
  // A name read from the card is no longer one staff entered in letters.
  DropAssistMark(&s, at);
}

FormOutcome Form::On(const form_event::CardRead& e, Page page) {
  FormState& s = *m_state;
  FormOutcome out;
  const ServiceSpec* service = Service();
  const Language lang = CurrentLanguage();
  const Strings& strings = *m_deps.strings;
  if (page != Page::kForm || !service || s.step >= service->form.steps.size()) return out;
  const StepSpec& step = service->form.steps[s.step];
  // Where the card goes: a member of this step's group, or a pair of fields on it.
  const char* refusal = "idcard.not_here";
  FieldAddress address_field;
  const std::vector<FieldAddress> targets =
      step.group ? CardMember(step, &refusal)
                 : CardPairOnStep(step, e.text, &address_field, &refusal);
  if (targets.size() != 2) {
    out.card_said = strings.Get(lang, refusal);
    s.card_note = out.card_said;
    s.card_note_step = s.step;
    return out;
  }
  FillFromCard(targets[0], e.text.name);
  FillFromCard(targets[1], e.text.id_number);
  const std::string sep = lang == Language::kEn ? ", " : "、";
  std::string labels = LocalText(lang, FieldAt(targets[0])->label) + sep +
                       LocalText(lang, FieldAt(targets[1])->label);
  if (!address_field.empty()) {
    FillFromCard(address_field, e.text.address);
    labels += sep + LocalText(lang, FieldAt(address_field)->label);
  }
  s.focus = {};
  ClearNotice(&s);
  std::string details = CardDetails(e.text, lang, strings);
  std::string said = strings.Format(lang, "idcard.filled", {{"fields", labels}});
  if (!e.photo_read) said += strings.Get(lang, "idcard.photo_not_read");
  yimen::Wipe(&s.card_note);
  s.card_note = said;
  if (!details.empty()) {
    s.card_note += lang == Language::kEn ? " (" + details + ")" : "（" + details + "）";
  }
  s.card_note_step = s.step;
  yimen::Wipe(&details);
  RefreshBanner();  // the errors the card's values fixed
  out.card_said = said;
  return out;
}

}  // namespace yimen::session
