// A question over the whole screen with two answers: the big default one (keeps what the
// resident has) and a smaller one (the step that cannot be undone). Used for
// "要放弃这份申请吗？" (docs/internals/drafts.md). Main thread, between BeginScreen and
// EndScreen's End (it opens its own window on top).
#pragma once

#include <string>

namespace yimen::ui {

struct ConfirmText {
  std::string question;  // e.g. 要放弃这份申请吗？
  std::string detail;    // what the second answer does
  std::string keep;      // the default, drawn big: 继续填写
  std::string discard;   // drawn smaller: 放弃
};

enum class ConfirmAnswer { kNone, kKeep, kDiscard };

// Draws the question (ids "confirm:keep", "confirm:discard") and returns the tap.
ConfirmAnswer ConfirmDialog(const ConfirmText& text);

// A window over the whole screen, dimmed, that takes every touch (the confirm dialog, the
// idle countdown); draw its panel between the two. `name`: the ImGui window's.
void BeginOverlay(const char* name);
void EndOverlay();

}  // namespace yimen::ui
