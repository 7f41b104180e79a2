// The finder's situation pictures (domain/finder.h FinderIcons() names them), drawn as
// vector shapes with ImGui's draw list: no icon font is needed, they scale with 长者模式,
// and the tofu check has nothing to catch. Main thread.
#pragma once

#include <imgui.h>

#include <string_view>

namespace yimen::ui {

// Draws picture `icon` centred at `center`, `size` pixels square, in `ink` on `paper`
// (the tile's colour, for cut-outs). An unknown name draws nothing (the catalog loader
// refuses one).
void DrawSituationIcon(ImDrawList* draw, std::string_view icon, ImVec2 center, float size,
                       ImU32 ink, ImU32 paper);

}  // namespace yimen::ui
