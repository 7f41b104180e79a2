// The strings table lives in the ImGui-free session library (app/session/strings.h);
// the screens name it as ui::Strings and ui::Language.
#pragma once

#include "session/strings.h"

namespace yimen::ui {
using session::Language;
using session::LanguageCode;
using session::Strings;
using session::SubstituteParams;
}  // namespace yimen::ui
