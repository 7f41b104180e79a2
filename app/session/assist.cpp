// The staff-assisted name path's behaviour (session/assist.h): events in, the draft's
// staff marks, audit rows and pages out. Nothing here draws; screens/screen_assist.cpp does.
#include "session/assist.h"

#include "common/wipe.h"
#include "domain/form.h"

namespace yimen::session {
namespace {

// The draft's mark spelling of an address: top level, or group + member.
AssistedField MarkFor(const FieldAddress& field, std::string staff) {
  AssistedField mark;
  mark.field = field.field;
  mark.staff = std::move(staff);
  if (field.area == FieldAddress::Area::kMember) {
    mark.group = field.group;
    mark.index = static_cast<int>(field.member);
  }
  return mark;
}

}  // namespace

bool AssistUnlocked(const FormState& state, const FieldAddress& field) {
  return AssistMarkAt(state, field) != nullptr;
}

Assist::Assist(VisitState* visit, Deps deps) : m_visit(visit), m_deps(deps) {}

AssistOutcome Assist::Apply(const AssistEvent& event, std::optional<AssistPage> page) {
  return std::visit([&](const auto& e) { return On(e, page); }, event);
}

std::optional<AssistPage> Assist::AfterLogin() const {
  if (m_visit->assist.field.empty() || !m_deps.staff->LoggedIn()) return std::nullopt;
  return AssistPage::kConfirm;
}

std::string Assist::Tr(const std::string& key) const {
  return m_deps.strings->Get(m_deps.form->CurrentLanguage(), key);
}

void Assist::Audit(const std::string& action) {
  // The field's id only ("v:name"): the audit holds no personal data.
  const Status s = m_deps.staff->AuditAction(action, m_visit->assist.field.Id());
  if (!s.ok()) m_visit->assist.message = Tr("assist.audit_failed");
}

AssistOutcome Assist::On(const assist_event::Ask& e, std::optional<AssistPage> page) {
  // Offered only under a name the rules refused as not Han (FormState::assist_offered).
  if (page != AssistPage::kForm || !m_visit->assist_offered.count(e.field)) return {};
  m_visit->assist = AssistState{};
  m_visit->assist.field = e.field;
  m_visit->focus = {};
  return {AssistPage::kHelp, true};
}

AssistOutcome Assist::On(const assist_event::Back&, std::optional<AssistPage> page) {
  if (page != AssistPage::kHelp) return {};
  m_visit->assist = AssistState{};
  return {AssistPage::kForm, true};
}

AssistOutcome Assist::On(const assist_event::Confirm&, std::optional<AssistPage> page) {
  AssistState& a = m_visit->assist;
  if (page != AssistPage::kConfirm || a.field.empty() || !m_deps.staff->LoggedIn()) return {};
  std::string* slot = m_deps.form->Slot(a.field);
  if (slot == nullptr) return {};
  a.saved = *slot;  // 取消 puts back what the resident had typed
  yimen::Wipe(slot);
  DropAssistMark(m_visit, a.field);
  m_visit->draft.assisted.push_back(MarkFor(a.field, m_deps.staff->Name()));
  a.unlocked = true;
  a.message.clear();
  m_visit->focus = a.field;
  Audit("staff.assist_unlock");
  return {AssistPage::kEntry, true};
}

AssistOutcome Assist::On(const assist_event::Finish&, std::optional<AssistPage> page) {
  AssistState& a = m_visit->assist;
  if (page != AssistPage::kEntry || !a.unlocked) return {};
  const FieldSpec* field = m_deps.form->FieldAt(a.field);
  std::string* slot = m_deps.form->Slot(a.field);
  if (field == nullptr || slot == nullptr) return {};
  FieldContext ctx;
  ctx.today = m_deps.form->Today();
  ctx.assisted = true;
  const std::vector<FieldIssue> issues = ValidateField(*field, *slot, ctx);
  if (!issues.empty()) {
    a.message =
        m_deps.strings->Format(m_deps.form->CurrentLanguage(), issues[0].message_key,
                               {{"field", LocalText(m_deps.form->CurrentLanguage(), field->label)},
                                {"min", std::to_string(kAssistedNameMin)},
                                {"max", std::to_string(kAssistedNameMax)}});
    return {};
  }
  *slot = NormalizeFieldValue(*field, *slot, true);
  m_visit->errors.erase(a.field);
  m_visit->assist_offered.erase(a.field);
  Audit("staff.assist_name");
  yimen::Wipe(&a.saved);
  return HandBack();
}

AssistOutcome Assist::On(const assist_event::Cancel&, std::optional<AssistPage> page) {
  AssistState& a = m_visit->assist;
  if (page != AssistPage::kConfirm && page != AssistPage::kEntry) return {};
  if (a.unlocked) {
    if (std::string* slot = m_deps.form->Slot(a.field)) {
      yimen::Wipe(slot);
      *slot = a.saved;
    }
    DropAssistMark(m_visit, a.field);
    Audit("staff.assist_cancel");
  }
  yimen::Wipe(&a.saved);
  return HandBack();
}

AssistOutcome Assist::HandBack() {
  m_deps.staff->HandBack();
  m_visit->assist = AssistState{};
  m_visit->focus = {};
  return {AssistPage::kForm, true};
}

}  // namespace yimen::session
