// Fields for free text (docs/internals/drafts.md "Limits"): a box that shows the whole value
// and the whole hint wrapped on as many lines as they need, and under any field the
// counter near its limit and a note when typed text was cut at the limit.
#pragma once

#include <string_view>

namespace yimen::ui {

// A multi-line app-owned field: the label above, the value (or the hint, muted) wrapped
// inside a box of at least three lines that grows with the text, the caret after the
// last character when focused, then `counter` (right-aligned, "" for none), `notice` and
// `error` below. Recorded like Field ("label：value"). Returns true when tapped.
bool TextArea(std::string_view id, std::string_view label, std::string_view value, bool focused,
              std::string_view error, std::string_view placeholder, std::string_view counter,
              std::string_view notice);

// The counter and the note under a one-line Field (both may be ""). Main thread.
void FieldNotes(std::string_view counter, std::string_view notice);

}  // namespace yimen::ui
