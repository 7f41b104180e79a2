// One visit's state without a window: the form (session/form.h) plus what the other
// screens keep while a resident (or staff) is at the kiosk — the PIN being typed, the
// on-screen keyboard's composition and strokes, signatures being written, the status
// look-up's answer and the document photos. Plain data (points are Point, pictures are
// opaque Thumb handles the UI turns into textures), so tests drive it with no ImGui.
// Everything here is what a person typed or showed: the UI's EndSession() wipes it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "session/field_address.h"
#include "session/finder.h"
#include "session/form.h"
#include "session/phone.h"
#include "store/store.h"

namespace yimen::session {

// A point on a pad, pad-local pixels.
struct Point {
  float x = 0, y = 0;
};
using Stroke = std::vector<Point>;

enum class ImeMode : uint8_t { kPinyin = 0, kHandwriting = 1, kDigits = 2, kStroke = 3 };

// The on-screen keyboard's state for the focused field.
struct ImeState {
  ImeMode mode = ImeMode::kPinyin;
  std::string preedit;                  // pinyin being composed, e.g. "ou yang"
  std::vector<std::string> candidates;  // pinyin or handwriting candidates
  size_t page = 0;                      // first candidate shown = page × per page
  bool more = false;                    // the 更多 grid (every candidate, large) is open
  std::vector<Stroke> strokes;          // handwriting, pad-local
  Point pad_size;                       // the pad the strokes were drawn on
};

// A picture on screen, by an opaque handle the UI gave it (a texture there; 0 when there
// is no GL, drawn as a frame). The pixels themselves are not kept here.
struct Thumb {
  uint64_t handle = 0;
  int width = 0;
  int height = 0;
};

// One file offered on the import screen.
struct ImportFile {
  std::string path;
  std::string name;  // file name as shown
  Thumb thumb;       // empty when it did not decode
};

// A photo that came from the resident's phone and is not in a slot yet: the bytes as the
// phone sent them (opened, not yet checked), wiped when placed, refused or at visit end.
struct PhoneFile {
  std::vector<uint8_t> bytes;
  Thumb thumb;  // empty when it did not decode
};

// The visit's document photos; the JPEGs themselves are in draft.attachments.
struct PhotoState {
  std::map<FieldAddress, Thumb> thumbs;  // the stored photo's thumbnail, by its field
  FieldAddress target;                   // the field the camera/import screen fills
  std::vector<ImportFile> imports;       // the import screen's files
  Thumb preview;                         // the camera's live picture
  uint64_t preview_seq = 0;              // the worker's frame it shows
  std::string message;                   // on the camera/import screen (照片太大…)
  bool camera_failed = false;            // the device gave no picture (says why in the log)
  // The phone page (docs/devices.md "Photos from a phone"): the link as last read, the
  // seconds it has left, and the photos received and not placed, offered to every photo
  // slot of this visit.
  PhoneLinkStatus phone;
  int phone_seconds_left = 0;
  std::vector<PhoneFile> phone_files;
};

// A resident's request for staff help with a name (session/assist.h).
struct AssistState {
  FieldAddress field;     // the name field; none: no request
  std::string saved;      // its value before staff unlocked it (back on 取消)
  bool unlocked = false;  // staff confirmed the document: the field takes letters
  std::string message;    // on staff's entry screen: a refused name, an audit failure
};

// Everything entered during one visit: the form part (session/form.h) and the rest.
struct VisitState : FormState {
  std::string pin;          // staff PIN being typed (wiped)
  std::string pin_message;  // under the PIN pad
  ImeState ime;
  // Signatures being written (strokes, pad-local, by field) and the pad's size.
  std::map<FieldAddress, std::vector<Stroke>> signature_strokes;
  Point signature_pad;
  // The status check's answer: the application and its history (masked data only).
  std::optional<ApplicationStub> lookup;
  std::vector<StatusChange> lookup_history;
  std::string lookup_message;  // under the status-check form
  // Looked up by a visit number (docs/internals/visits.md): every application of the
  // visit with its history, in submit order; `lookup` is then the first of them.
  std::string lookup_visit_number;
  std::vector<yimen::StatusLookup> lookup_visit;
  PhotoState photos;
  AssistState assist;
  FinderState finder;  // the situations picked and the finder's answers (session/finder.h)
};

// What typing into an aux field (staff name, PIN, search, dates, application number,
// ID tail) changed besides the value, so the caller clears the message it concerns.
enum class AuxTyped : uint8_t { kNone, kDates, kLookup };

// Typed text into the focused aux field, with that field's rules (digits for the PIN,
// 32 characters for a name, a dashed date, A-Z/0-9 for numbers). False when the focus is
// not an aux field.
bool TypeIntoAux(VisitState* visit, const std::string& text, AuxTyped* typed);
// The focused aux field's last character (a date's dash goes with its digit).
bool BackspaceAux(VisitState* visit);

}  // namespace yimen::session
