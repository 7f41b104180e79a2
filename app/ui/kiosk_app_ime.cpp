// KioskApp's on-screen keyboard and signature pad: pinyin composition, handwriting
// recognition, digits, and a signature's strokes (handed to the session's form as a
// typed Sign event). Split from kiosk_app.cpp so the router stays small; the state it
// changes is the session's ImeState and signature strokes.
#include <sodium.h>

#include <algorithm>
#include <cstdio>

#include "common/wipe.h"
#include "domain/message_keys.h"
#include "domain/name_chars.h"
#include "domain/utf8.h"
#include "ime/handwriting.h"
#include "ime/pinyin_input.h"
#include "platform/glyph_atlas.h"
#include "ui/kiosk_app.h"
#include "ui/screens/keyboard_layout.h"

namespace yimen::ui {

bool KioskApp::RimeMode() const {
  if (LatinEntry()) return false;
  return m_session.ime.mode == ImeMode::kPinyin || m_session.ime.mode == ImeMode::kStroke;
}

// A name staff unlocked takes the letters themselves (upper case, as the permit prints
// them): nothing is composed, so the pinyin rows type letters there.
bool KioskApp::LatinEntry() const {
  return m_screen == Screen::kAssistEntry && session::AssistUnlocked(m_session, m_session.focus);
}

void KioskApp::On(const ImeIntent& e) {
  // Rime's scheme follows the keyboard's mode, whatever happened in between (a session
  // end resets the mode to pinyin but not the engine).
  if (m_deps.pinyin) {
    const auto scheme =
        m_session.ime.mode == ImeMode::kStroke ? ime::Scheme::kStroke : ime::Scheme::kPinyin;
    if (m_deps.pinyin->CurrentScheme() != scheme) m_deps.pinyin->SetScheme(scheme);
  }
  std::visit([this](const auto& x) { OnIme(x); }, e);
}

void KioskApp::OnIme(const intent::ImeLetter& e) {
  const bool letter = e.text.size() == 1 && e.text[0] >= 'a' && e.text[0] <= 'z';
  if (RimeMode() && m_deps.pinyin && e.text.size() == 1) {
    m_deps.pinyin->Key(e.text[0]);
    RefreshPinyin();
  } else if (LatinEntry() && letter) {
    InsertIntoFocused(std::string(1, static_cast<char>(e.text[0] - 'a' + 'A')));
  } else {
    InsertIntoFocused(e.text);
  }
}

void KioskApp::OnIme(const intent::ImeBackspace& /*e*/) {
  ImeState& ime = m_session.ime;
  if (RimeMode() && m_deps.pinyin && m_deps.pinyin->Backspace()) {
    RefreshPinyin();
    return;
  }
  if (ime.mode == ImeMode::kHandwriting && !ime.strokes.empty()) {
    ime.strokes.pop_back();  // undo the last stroke first
    RecognizeStrokes();      // re-recognise what is left
    return;
  }
  Apply(session::form_event::Backspace{});
}

void KioskApp::OnIme(const intent::ImeCandidate& e) {
  ImeState& ime = m_session.ime;
  if (e.index >= ime.candidates.size()) return;
  ime.more = false;  // the grid closes on a pick: the keys are needed next
  if (RimeMode() && m_deps.pinyin) {
    InsertIntoFocused(m_deps.pinyin->Select(e.index));
    RefreshPinyin();
  } else {
    InsertIntoFocused(ime.candidates[e.index]);
    ime.strokes.clear();
    ime.candidates.clear();
    ime.page = 0;
  }
}

void KioskApp::OnIme(const intent::ImePage& e) {
  ImeState& ime = m_session.ime;
  if (e.delta > 0)
    ime.page += 1;
  else if (ime.page > 0)
    ime.page -= 1;
  FetchCandidates();
}

void KioskApp::OnIme(const intent::ImeMore& e) {
  ImeState& ime = m_session.ime;
  // Keep the first candidate on screen in view when the page size changes.
  const size_t first = ime.page * (ime.more ? kMorePerPage : kCandidatesPerPage);
  ime.more = e.open;
  ime.page = first / (ime.more ? kMorePerPage : kCandidatesPerPage);
  FetchCandidates();
}

void KioskApp::OnIme(const intent::SetImeMode& e) {
  ResetIme();
  m_session.ime.mode = e.mode;
  if (m_deps.pinyin) {
    m_deps.pinyin->SetScheme(e.mode == ImeMode::kStroke ? ime::Scheme::kStroke
                                                        : ime::Scheme::kPinyin);
  }
}

void KioskApp::OnIme(const intent::StrokeDone& e) {
  ImeState& ime = m_session.ime;
  if (e.points.empty()) return;
  if (const FieldSpec* f = FieldAt(m_session.focus); f && f->type == FieldType::kSignature) {
    m_session.signature_strokes[m_session.focus].push_back(e.points);
    m_session.signature_pad = e.area;
    return;
  }
  ime.strokes.push_back(e.points);
  ime.pad_size = e.area;
  RecognizeStrokes();
}

void KioskApp::OnIme(const intent::StrokesClear& /*e*/) {
  ImeState& ime = m_session.ime;
  if (const FieldSpec* f = FieldAt(m_session.focus); f && f->type == FieldType::kSignature) {
    m_session.signature_strokes.erase(m_session.focus);
    return;
  }
  if (ime.mode == ImeMode::kStroke && m_deps.pinyin) {  // 重写 the strokes
    m_deps.pinyin->Clear();
    RefreshPinyin();
    return;
  }
  ime.strokes.clear();
  ime.candidates.clear();
  ime.page = 0;
}

void KioskApp::RecognizeStrokes() {
  ImeState& ime = m_session.ime;
  ime.candidates.clear();
  ime.page = 0;
  if (ime.strokes.empty() || !Recognizer()) return;
  std::vector<ime::Stroke> strokes;
  for (const auto& stroke : ime.strokes) {
    ime::Stroke out;
    for (const session::Point& p : stroke) out.push_back({p.x, p.y});
    strokes.push_back(std::move(out));
  }
  ime.candidates = Recognizer()->Recognize(strokes, ime.pad_size.x, ime.pad_size.y, 12);
  // Characters the font cannot draw are no use to the resident.
  std::erase_if(ime.candidates, [&](const std::string& c) {
    return m_deps.glyphs && !m_deps.glyphs->CanDrawAll(c);
  });
}

ime::Handwriting* KioskApp::Recognizer() {
  if (!m_deps.handwriting && m_load_handwriting) {
    m_deps.handwriting = m_load_handwriting();
    if (!m_deps.handwriting) m_load_handwriting = nullptr;  // failed: say so once, stop trying
  }
  return m_deps.handwriting;
}

void KioskApp::FinishSignature() {
  auto it = m_session.signature_strokes.find(m_session.focus);
  if (it == m_session.signature_strokes.end() || it->second.empty()) return;
  session::form_event::Sign sign;
  sign.field = m_session.focus;
  for (const auto& stroke : it->second) {
    auto& points = sign.strokes.emplace_back();
    for (const session::Point& p : stroke) points.push_back({p.x, p.y});
  }
  sign.width = m_session.signature_pad.x;
  sign.height = m_session.signature_pad.y;
  if (!m_form.Slot(m_session.focus)) return;
  ApplyForm(sign);
  m_session.signature_strokes.erase(it);
}

void KioskApp::ResetIme() {
  ImeState& ime = m_session.ime;
  if (m_deps.pinyin) m_deps.pinyin->Clear();
  for (std::string& c : ime.candidates) Wipe(&c);
  ime.candidates.clear();
  Wipe(&ime.preedit);
  ime.strokes.clear();
  ime.page = 0;
  ime.more = false;
  ResetStrokePad();
}

void KioskApp::RefreshPinyin() {
  ImeState& ime = m_session.ime;
  ime.preedit = m_deps.pinyin->Preedit();
  ime.page = 0;
  FetchCandidates();
}

void KioskApp::FetchCandidates() {
  ImeState& ime = m_session.ime;
  if (!RimeMode() || !m_deps.pinyin) return;
  // The page shown and the next one: ▶ is offered exactly when there is more. No cap:
  // 燚 is the 106th candidate of "yi" (issue 18; docs/internals/input.md).
  const size_t per_page = ime.more ? kMorePerPage : kCandidatesPerPage;
  for (std::string& c : ime.candidates) Wipe(&c);
  ime.candidates = m_deps.pinyin->Candidates((ime.page + 2) * per_page);
}

bool KioskApp::RefuseUndrawable(const std::string& text) {
  // The same rule the form's check applies (domain/name_chars.h), and the fonts: what
  // the kiosk accepts it must be able to show back (issue 18).
  const bool drawable = !name_chars::FindUndrawable(DecodeUtf8(text)) &&
                        (!m_deps.glyphs || m_deps.glyphs->CanDrawAll(text));
  if (drawable || m_session.focus.empty()) return false;
  m_session.errors[m_session.focus] =
      m_deps.strings->Get(m_language, std::string(msg::kTextUndrawable));
  return true;
}

void KioskApp::InsertIntoFocused(const std::string& text) {
  if (text.empty() || m_session.focus.empty()) return;
  Apply(session::form_event::TypeText{text});
}

}  // namespace yimen::ui
