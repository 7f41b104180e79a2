// KioskApp's on-screen keyboard and signature pad: pinyin composition, handwriting
// recognition, digits, and a signature's strokes (handed to the session's form as a
// typed Sign event). Split from kiosk_app.cpp so the router stays small; the state it
// changes is the session's ImeState and signature strokes.
#include <sodium.h>

#include <algorithm>
#include <cstdio>

#include "common/wipe.h"
#include "ime/handwriting.h"
#include "ime/pinyin_input.h"
#include "platform/glyph_atlas.h"
#include "ui/kiosk_app.h"

namespace yimen::ui {

bool KioskApp::ApplyImeIntent(const Intent& intent) {
  switch (intent.kind) {
    case Intent::Kind::kImeLetter: {
      ImeState& ime = m_session.ime;
      if (ime.mode == ImeMode::kPinyin && m_deps.pinyin && intent.value.size() == 1) {
        m_deps.pinyin->Key(intent.value[0]);
        RefreshPinyin();
      } else {
        InsertIntoFocused(intent.value);
      }
      return true;
    }
    case Intent::Kind::kImeBackspace:
      if (m_session.ime.mode == ImeMode::kPinyin && m_deps.pinyin && m_deps.pinyin->Backspace()) {
        RefreshPinyin();
        return true;
      }
      if (m_session.ime.mode == ImeMode::kHandwriting && !m_session.ime.strokes.empty()) {
        m_session.ime.strokes.pop_back();  // undo the last stroke first
        RecognizeStrokes();                // re-recognise what is left
        return true;
      }
      Apply({Intent::Kind::kKeyBackspace});
      return true;
    case Intent::Kind::kImeCandidate: {
      ImeState& ime = m_session.ime;
      if (intent.index < 0 || static_cast<size_t>(intent.index) >= ime.candidates.size())
        return true;
      if (ime.mode == ImeMode::kPinyin && m_deps.pinyin) {
        InsertIntoFocused(m_deps.pinyin->Select(static_cast<size_t>(intent.index)));
        RefreshPinyin();
      } else {
        InsertIntoFocused(ime.candidates[static_cast<size_t>(intent.index)]);
        ime.strokes.clear();
        ime.candidates.clear();
        ime.page = 0;
      }
      return true;
    }
    case Intent::Kind::kImePage: {
      ImeState& ime = m_session.ime;
      if (intent.index > 0)
        ime.page += 1;
      else if (ime.page > 0)
        ime.page -= 1;
      return true;
    }
    case Intent::Kind::kImeMode:
      ResetIme();
      m_session.ime.mode = static_cast<ImeMode>(std::clamp(intent.index, 0, 2));
      return true;
    case Intent::Kind::kStrokeDone: {
      ImeState& ime = m_session.ime;
      if (intent.points.empty()) return true;
      if (const FieldSpec* f = FieldAt(m_session.focus); f && f->type == FieldType::kSignature) {
        m_session.signature_strokes[m_session.focus].push_back(intent.points);
        m_session.signature_pad = intent.area;
        return true;
      }
      ime.strokes.push_back(intent.points);
      ime.pad_size = intent.area;
      RecognizeStrokes();
      return true;
    }
    case Intent::Kind::kStrokesClear:
      if (const FieldSpec* f = FieldAt(m_session.focus); f && f->type == FieldType::kSignature) {
        m_session.signature_strokes.erase(m_session.focus);
        return true;
      }
      m_session.ime.strokes.clear();
      m_session.ime.candidates.clear();
      m_session.ime.page = 0;
      return true;
    default: return false;
  }
}

void KioskApp::RecognizeStrokes() {
  ImeState& ime = m_session.ime;
  ime.candidates.clear();
  ime.page = 0;
  if (ime.strokes.empty() || !Recognizer()) return;
  std::vector<ime::Stroke> strokes;
  for (const auto& stroke : ime.strokes) {
    ime::Stroke out;
    for (const ImVec2& p : stroke) out.push_back({p.x, p.y});
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
    for (const ImVec2& p : stroke) points.push_back({p.x, p.y});
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
  ResetStrokePad();
}

void KioskApp::RefreshPinyin() {
  ImeState& ime = m_session.ime;
  ime.preedit = m_deps.pinyin->Preedit();
  ime.candidates = m_deps.pinyin->Candidates();
  ime.page = 0;
}

void KioskApp::InsertIntoFocused(const std::string& text) {
  if (text.empty() || m_session.focus.empty()) return;
  Apply({Intent::Kind::kKeyText, "", text});
}

}  // namespace yimen::ui
