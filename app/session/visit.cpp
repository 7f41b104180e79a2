// Typing into the fields outside the catalog (staff name, PIN, search, dates, the status
// look-up's number and ID tail). The form's own fields are session::Form's.
#include "session/visit.h"

#include <sodium.h>

#include "common/secret_hash.h"
#include "domain/form.h"
#include "domain/utf8.h"

namespace yimen::session {
namespace {

constexpr size_t kMaxNameCodepoints = 32;
constexpr size_t kMaxIdTail = 6;
constexpr size_t kMaxNumber = 24;
constexpr size_t kMaxIdNumber = 18;

// Application numbers, ID tails and the finder's ID number (its age answers the age
// question, session/finder.h): upper-cased, only the characters they can hold.
void TypeCode(const FieldAddress& focus, const std::string& text, std::string* slot) {
  const bool whole_id = focus.IsAux("finder_id");
  const bool id_tail = focus.IsAux("id_tail") || whole_id;
  const size_t max = whole_id ? kMaxIdNumber : id_tail ? kMaxIdTail : kMaxNumber;
  for (char c : text) {
    char up = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    bool ok = id_tail ? ((up >= '0' && up <= '9') || up == 'X')
                      : ((up >= '0' && up <= '9') || (up >= 'A' && up <= 'Z') || up == '-');
    if (ok && slot->size() < max) slot->push_back(up);
  }
}

}  // namespace

bool TypeIntoAux(VisitState* visit, const std::string& text, AuxTyped* typed) {
  const FieldAddress& focus = visit->focus;
  *typed = AuxTyped::kNone;
  if (focus.area != FieldAddress::Area::kAux) return false;
  if (focus.IsAux("pin")) {  // typed PIN digits go where the PIN pad's go
    for (char c : text) {
      if (c >= '0' && c <= '9' && visit->pin.size() < secret::kMaxPinDigits)
        visit->pin.push_back(c);
    }
    return true;
  }
  std::string& slot = visit->aux_values[focus.field];
  if (focus.IsAux("staff_name")) {
    if (CountCodepoints(slot) + CountCodepoints(text) <= kMaxNameCodepoints) slot += text;
    return true;
  }
  if (focus.IsAux("from_day") || focus.IsAux("to_day")) {  // dashes come by themselves
    slot = MaskDateInput(slot + text);
    *typed = AuxTyped::kDates;
    return true;
  }
  TypeCode(focus, text, &slot);
  if (focus.IsAux("id_tail") || focus.IsAux("app_number")) *typed = AuxTyped::kLookup;
  return true;
}

bool BackspaceAux(VisitState* visit) {
  const FieldAddress& focus = visit->focus;
  if (focus.area != FieldAddress::Area::kAux) return false;
  std::string& slot = focus.IsAux("pin") ? visit->pin : visit->aux_values[focus.field];
  if (slot.empty()) return true;
  if (focus.IsAux("from_day") || focus.IsAux("to_day")) {
    slot = MaskDateBackspace(slot);
    return true;
  }
  size_t cut = slot.size() - 1;
  while (cut > 0 && (static_cast<unsigned char>(slot[cut]) & 0xC0) == 0x80) --cut;
  sodium_memzero(slot.data() + cut, slot.size() - cut);
  slot.resize(cut);
  return true;
}

}  // namespace yimen::session
