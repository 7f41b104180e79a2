// Millimetre arithmetic for the layout.
#include "ui/theme.h"

#include <algorithm>
#include <cmath>

namespace yimen::ui {

Metrics ComputeMetrics(float px_per_mm, bool elder) {
  Metrics m;
  m.px_per_mm = px_per_mm;
  m.elder = elder;
  if (elder) {
    // 长者模式: 11.5 mm em → Han ink ≈10 mm; targets ≥25 mm, wider gaps.
    m.body_px = std::round(11.5f * px_per_mm);
    m.title_px = std::round(14.5f * px_per_mm);
    m.display_px = std::round(18.0f * px_per_mm);
    m.button_h = std::round(28.0f * px_per_mm);
    m.target_min = std::round(25.0f * px_per_mm);
    m.gap = std::round(5.0f * px_per_mm);
    m.margin = std::round(8.0f * px_per_mm);
    return m;
  }
  // A Han glyph fills ~0.88 of the em: 7 mm of ink needs an 8 mm em.
  m.body_px = std::round(8.0f * px_per_mm);
  m.title_px = std::round(11.5f * px_per_mm);
  m.display_px = std::round(15.0f * px_per_mm);
  m.button_h = std::round(22.0f * px_per_mm);
  m.target_min = std::round(15.0f * px_per_mm);
  m.gap = std::round(std::max(3.0f, 4.0f) * px_per_mm);
  m.margin = std::round(8.0f * px_per_mm);
  return m;
}

float PxPerMmFromDiagonal(float diagonal_inches, int width_px, int height_px) {
  float diag_px = std::sqrt(static_cast<float>(width_px) * width_px +
                            static_cast<float>(height_px) * height_px);
  return diag_px / (diagonal_inches * 25.4f);
}

}  // namespace yimen::ui
