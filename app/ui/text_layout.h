// Chinese line breaking. ImGui 1.86 wraps only at spaces and ASCII punctuation, so a
// Chinese paragraph would run off the screen. Rules: break between Han characters;
// never start a line with ，。、：；！？）》」』】… nor end one with （《「『【“.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace yimen::ui {

// Splits `text` into lines no wider than `max_width` as measured by `measure` (width
// of a UTF-8 run). Hard line breaks ('\n') are kept. A single unbreakable run wider than
// the line (a long number) is cut between characters. Pure; any thread.
std::vector<std::string> BreakLines(std::string_view text, float max_width,
                                    const std::function<float(std::string_view)>& measure);

// `text` as it must reach ImGui: characters above U+FFFF (𠮷) as the private-use
// stand-ins the glyph atlas draws them with (platform/glyph_atlas.h, docs/internals/
// fonts.md "Beyond U+FFFF"). Every widget that draws text converts through this; what
// is recorded for scripts and stored stays the real text. UI thread.
std::string DisplayText(std::string_view text);

// True for characters that may not begin a line (closing punctuation).
bool IsNoLineStart(char32_t cp);
// True for characters that may not end a line (opening punctuation).
bool IsNoLineEnd(char32_t cp);

}  // namespace yimen::ui
