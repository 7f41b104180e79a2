// Names the rules refuse (Latin letters on a foreign permanent resident's permit, a
// minority name written in letters) without a dead end: the resident taps 请工作人员帮助
// under the refused name, a member of staff signs in with the existing staff login,
// confirms they checked the ID document, and the field is unlocked for this draft only:
// it then takes A-Z, space, "·" and "-" (domain/form.h kAssistedNameMin). Staff type the
// name and hand the kiosk back; the draft carries which field staff entered and who
// (ApplicationDraft::assisted, sealed with the application), and the audit log has a row
// for the unlock and the entry. docs/internals/drafts.md "Staff-assisted names".
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>

#include "session/field_address.h"
#include "session/form.h"
#include "session/staff.h"
#include "session/visit.h"

namespace yimen::session {

// The help path's pages: the resident's "请找大厅工作人员" screen, staff's "已核对证件"
// question and staff's entry screen; kForm: back to the form.
enum class AssistPage : uint8_t { kForm, kHelp, kConfirm, kEntry };

namespace assist_event {
struct Ask {  // 请工作人员帮助 under a name the rules refused
  FieldAddress field;
};
struct Back {};     // 返回 on the help screen: nothing changed, the draft is as it was
struct Confirm {};  // staff: 已核对证件 — unlocks the field for this draft
struct Finish {};   // staff: 填好了 — checks the name and hands the kiosk back
struct Cancel {};   // staff: 取消 — the field as it was, locked again, kiosk handed back
}  // namespace assist_event

using AssistEvent = std::variant<assist_event::Ask, assist_event::Back, assist_event::Confirm,
                                 assist_event::Finish, assist_event::Cancel>;

struct AssistOutcome {
  std::optional<AssistPage> go;
  bool reset_keyboard = false;  // the focus moved: the keyboard starts afresh
};

// Whether staff unlocked the name field at `field` in this draft (it takes letters; on
// staff's entry screen the keyboard gives upper-case letters).
bool AssistUnlocked(const FormState& state, const FieldAddress& field);

class Assist {
 public:
  struct Deps {
    const Strings* strings = nullptr;
    Form* form = nullptr;    // the draft's field values
    Staff* staff = nullptr;  // who is signed in; the audit; handing the kiosk back
  };
  Assist(VisitState* visit, Deps deps);

  AssistOutcome Apply(const AssistEvent& event, std::optional<AssistPage> page);
  // After a staff login: the confirm page when a resident is waiting for help.
  std::optional<AssistPage> AfterLogin() const;

 private:
  AssistOutcome On(const assist_event::Ask& e, std::optional<AssistPage> page);
  AssistOutcome On(const assist_event::Back& e, std::optional<AssistPage> page);
  AssistOutcome On(const assist_event::Confirm& e, std::optional<AssistPage> page);
  AssistOutcome On(const assist_event::Finish& e, std::optional<AssistPage> page);
  AssistOutcome On(const assist_event::Cancel& e, std::optional<AssistPage> page);
  // Ends the help: staff signed out (the visit goes on), the request forgotten.
  AssistOutcome HandBack();
  // An audit row as the signed-in member of staff; a failure shows on the entry screen.
  void Audit(const std::string& action);
  std::string Tr(const std::string& key) const;

  VisitState* m_visit;
  Deps m_deps;
};

}  // namespace yimen::session
