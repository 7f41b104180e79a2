// How many candidates the on-screen keyboard shows at once, shared by the keyboard
// (screens/keyboard.cpp) and the app that fetches them (kiosk_app_ime.cpp): the app
// fetches the page shown and the next, so ▶ knows whether there is one.
#pragma once

#include <cstddef>

namespace yimen::ui {

inline constexpr size_t kCandidatesPerPage = 4;  // the bar over the keys
inline constexpr size_t kMoreColumns = 5;        // the 更多 grid: 5 x 3, drawn large
inline constexpr size_t kMoreRows = 3;
inline constexpr size_t kMorePerPage = kMoreColumns * kMoreRows;

}  // namespace yimen::ui
