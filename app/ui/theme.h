// Sizes from millimetres and the kiosk's colours. A touch target that is big enough on
// one screen is too small on another, so everything is derived from the panel's pixel
// pitch (configured, or read from the display) rather than from pixels.
#pragma once

#include <cstdint>

namespace yimen::ui {

struct Metrics {
  float px_per_mm = 4.03f;  // 21.5" 1080×1920 panel
  float body_px = 0;        // Han text ≥7 mm tall (glyph ≈ 0.88 em)
  float title_px = 0;
  float display_px = 0;     // receipt numbers
  float button_h = 0;       // main buttons ≥20 mm
  float target_min = 0;     // any target ≥15 mm
  float gap = 0;            // ≥3 mm between targets
  float margin = 0;
  bool elder = false;       // 长者模式: Han ≥10 mm, targets ≥25 mm
};

// Metrics for a panel with `px_per_mm` pixels per millimetre; `elder` for 长者模式.
Metrics ComputeMetrics(float px_per_mm, bool elder = false);

// Pixel pitch of a panel given its diagonal in inches and resolution.
float PxPerMmFromDiagonal(float diagonal_inches, int width_px, int height_px);

namespace colors {
// ImU32 in ImGui's ABGR order. Contrast of text on background ≥ 7:1.
constexpr uint32_t kBackground = 0xFFEEF3F7;  // warm paper (#F7F3EE)
constexpr uint32_t kPanel = 0xFFFFFFFF;
constexpr uint32_t kText = 0xFF1F1F1F;
constexpr uint32_t kMuted = 0xFF4A4A4A;
constexpr uint32_t kPrimary = 0xFF1B2A8C;     // civil-affairs red (#8C2A1B): white on it 8.5:1
constexpr uint32_t kPrimaryPressed = 0xFF141F6A;  // #6A1F14
constexpr uint32_t kOnPrimary = 0xFFFFFFFF;
constexpr uint32_t kSecondary = 0xFFE3DDD5;
constexpr uint32_t kSecondaryPressed = 0xFFC4BAAE;
constexpr uint32_t kBorder = 0xFF9A8F85;
constexpr uint32_t kFocus = 0xFFB86A1F;        // blue focus ring (#1F6AB8)
constexpr uint32_t kError = 0xFF16168E;        // dark red (#8E1616)
constexpr uint32_t kErrorBg = 0xFFEDEDFB;
constexpr uint32_t kOk = 0xFF1E5A1B;           // dark green (#1B5A1E)
constexpr uint32_t kDisabled = 0xFFBDBDBD;
}  // namespace colors

}  // namespace yimen::ui
