// Sizes from millimetres and colours with enough contrast: the numbers behind "big
// enough to hit, clear enough to read" (issue 5, items 2 and 6).
#include "ui/theme.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace yimen::ui {
namespace {

// WCAG relative luminance of an ImGui ABGR colour.
double Luminance(uint32_t abgr) {
  auto channel = [](uint32_t v) {
    double c = static_cast<double>(v & 0xFF) / 255.0;
    return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * channel(abgr) + 0.7152 * channel(abgr >> 8) + 0.0722 * channel(abgr >> 16);
}

double Contrast(uint32_t a, uint32_t b) {
  double la = Luminance(a), lb = Luminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

TEST(Theme, EveryTextColourOnItsBackgroundReachesSevenToOne) {
  struct Pair {
    const char* what;
    uint32_t fg, bg;
  } pairs[] = {
      {"text on paper", colors::kText, colors::kBackground},
      {"muted on paper", colors::kMuted, colors::kBackground},
      {"muted on a field", colors::kMuted, colors::kPanel},
      {"red headings on paper", colors::kPrimary, colors::kBackground},
      {"white on a primary button", colors::kOnPrimary, colors::kPrimary},
      {"white on a pressed button", colors::kOnPrimary, colors::kPrimaryPressed},
      {"text on a secondary button", colors::kText, colors::kSecondary},
      {"text on a pressed secondary button", colors::kText, colors::kSecondaryPressed},
      {"errors on paper", colors::kError, colors::kBackground},
      {"errors on an error field", colors::kError, colors::kErrorBg},
      {"confirmations on paper", colors::kOk, colors::kBackground},
  };
  for (const Pair& p : pairs) {
    EXPECT_GE(Contrast(p.fg, p.bg), 7.0) << p.what;
  }
}

TEST(Theme, NormalModeSizesMeetTheMinimums) {
  for (float px_per_mm : {2.5f, 3.2f, 4.03f, 5.5f}) {
    Metrics m = ComputeMetrics(px_per_mm);
    EXPECT_GE(m.body_px * 0.88f / px_per_mm, 7.0f - 0.2f) << px_per_mm;  // Han ink ≥7 mm
    EXPECT_GE(m.target_min / px_per_mm, 15.0f - 0.2f);
    EXPECT_GE(m.button_h / px_per_mm, 20.0f - 0.2f);
    EXPECT_GE(m.gap / px_per_mm, 3.0f - 0.2f);
  }
}

TEST(Theme, ElderModeIsBiggerEverywhere) {
  for (float px_per_mm : {2.5f, 4.03f, 5.5f}) {
    Metrics normal = ComputeMetrics(px_per_mm);
    Metrics elder = ComputeMetrics(px_per_mm, true);
    EXPECT_TRUE(elder.elder);
    EXPECT_GE(elder.body_px * 0.88f / px_per_mm, 10.0f - 0.2f);  // Han ink ≥10 mm
    EXPECT_GE(elder.target_min / px_per_mm, 25.0f - 0.2f);
    EXPECT_GT(elder.body_px, normal.body_px);
    EXPECT_GT(elder.button_h, normal.button_h);
    EXPECT_GE(elder.gap, normal.gap);
  }
}

TEST(Theme, PixelPitchFromTheDiagonal) {
  // A 21.5" 1080×1920 panel: 2203 px over 546 mm.
  EXPECT_NEAR(PxPerMmFromDiagonal(21.5f, 1080, 1920), 4.03f, 0.02f);
  EXPECT_NEAR(PxPerMmFromDiagonal(32.0f, 1920, 1080), 2.71f, 0.02f);
}

}  // namespace
}  // namespace yimen::ui
