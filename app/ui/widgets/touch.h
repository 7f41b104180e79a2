// The touch-widget layer. Resident screens draw only through these functions, which
// (1) size targets from millimetres, (2) give press feedback, (3) note every character
// for the glyph atlas and (4) record every widget drawn — id, label, rectangle — so a
// UI script or a test can "tap 最低生活保障" and assert what is shown.
#pragma once

#include <imgui.h>

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ui/theme.h"

namespace yimen::platform {
class GlyphAtlas;
}

namespace yimen::ui {

enum class WidgetKind { kButton, kText, kField };

struct RecordedWidget {
  std::string id;      // stable id (for fields: the field key)
  std::string label;   // what a person reads on it
  WidgetKind kind = WidgetKind::kText;
  ImVec2 min, max;     // screen rectangle
  bool visible = true; // inside its window's visible area
  bool enabled = true;
};

class WidgetRecorder {
 public:
  // Starts a frame: the last frame's widgets become Previous(). Main thread.
  void BeginFrame();
  void Add(RecordedWidget widget) { m_current.push_back(std::move(widget)); }
  const std::vector<RecordedWidget>& Current() const { return m_current; }
  // The complete set of the last finished frame: what is on screen now.
  const std::vector<RecordedWidget>& Previous() const { return m_previous; }
  // Asks the widget with this id to scroll itself into view on the next frame.
  void RequestScrollTo(const std::string& id) { m_scroll_to = id; }
  const std::string& ScrollRequest() const { return m_scroll_to; }
  void ClearScrollRequest() { m_scroll_to.clear(); }
  // A form step showed the field of a fact: its key (FieldSpec::shared, else
  // "<service>.<field>") and the step ("<service>#<index> <step id>"). Kept for the whole
  // run, for the UI scripts' `expect_asked_once` (a visit asks each shared fact once).
  void NoteAsked(const std::string& fact, const std::string& step) { m_asked[fact].insert(step); }
  const std::map<std::string, std::set<std::string>>& Asked() const { return m_asked; }

 private:
  std::vector<RecordedWidget> m_current;
  std::vector<RecordedWidget> m_previous;
  std::string m_scroll_to;
  std::map<std::string, std::set<std::string>> m_asked;
};

// What the widgets need, set once per frame by the app. Main thread only.
struct WidgetContext {
  WidgetRecorder* recorder = nullptr;
  platform::GlyphAtlas* glyphs = nullptr;
  Metrics metrics;
  ImFont* body = nullptr;
  ImFont* title = nullptr;
  ImFont* display = nullptr;
  // Every pointer position of this frame (InputLayer::FramePath), for the stroke pad.
  std::vector<ImVec2> pointer_path;
};
void SetWidgetContext(WidgetContext* context);
WidgetContext& Ctx();

enum class ButtonStyle { kPrimary, kSecondary, kChoice, kChoiceSelected, kDanger };

// A big button. Returns true on the frame it is released over (a tap). `id` defaults to
// the label. A disabled button is drawn greyed and never returns true.
bool TouchButton(std::string_view label, ImVec2 size, ButtonStyle style = ButtonStyle::kPrimary,
                 bool enabled = true, std::string_view id = {});

// Text in `font` and `color`, recorded for scripts. Single line.
void Label(std::string_view text, ImFont* font = nullptr, ImU32 color = colors::kText);

// A paragraph wrapped by the Chinese line breaker inside `width` (0: to the right edge).
void Paragraph(std::string_view text, ImFont* font = nullptr, ImU32 color = colors::kText,
               float width = 0);

// An app-owned input field (ImGui's InputText loses focus when on-screen keys are
// tapped): a box showing `value` with a caret when focused, the label above and an
// error below. Returns true when tapped (the caller moves the focus here).
// `counter` and `notice` ("" for none) go between the box and the error (FieldNotes,
// widgets/text_area.h): how much of the limit is used, and text cut at the limit.
bool Field(std::string_view id, std::string_view label, std::string_view value, bool focused,
           std::string_view error, std::string_view placeholder, float width = 0,
           std::string_view counter = {}, std::string_view notice = {});

// One row of a dense list (the staff list): a full-width target with two left-aligned
// single lines, no wrapping (a line too long is cut). Recorded as a button under `id`
// with the label "line1 line2". Returns true on a tap.
bool ListRow(std::string_view id, std::string_view line1, std::string_view line2, ImVec2 size,
             ImU32 accent = colors::kText);

// Vertical gap of n × the standard gap.
void Gap(float n = 1.0f);

// A handwriting pad: a framed square where a finger writes. Draws the finished
// `strokes` and the one in progress (pad-local coordinates). Returns true on the frame
// a stroke ends, with its points in `finished` (pad-local). Recorded under `id`, so a
// UI script can `draw` recorded strokes onto it.
bool StrokePad(std::string_view id, ImVec2 size, const std::vector<std::vector<ImVec2>>& strokes,
               std::vector<ImVec2>* finished);
// An invisible target (the staff gesture's corner): no drawing, recorded as a button
// under `id` with an empty label. Returns true on a tap.
bool HiddenTarget(std::string_view id, ImVec2 min, ImVec2 max);

// Drops a stroke in progress (the session ended mid-stroke).
void ResetStrokePad();

// Records a free-standing rectangle drawn by a screen (e.g. a QR code) under `id`.
void RecordRect(std::string_view id, std::string_view label, ImVec2 min, ImVec2 max);
// Records a widget drawn by another widget file (widgets/text_area.cpp), as the ones here
// are: scripts find it, and a scroll request for its id is served.
// Notes text a widget draws without Label/Paragraph, for the glyph atlas.
void NoteText(std::string_view text);
void RecordWidget(std::string_view id, std::string_view label, WidgetKind kind, ImVec2 min,
                  ImVec2 max);

}  // namespace yimen::ui
