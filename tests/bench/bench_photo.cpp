// Document-photo figures: importing a 12 MP phone JPEG (decode at a reduced DCT scale,
// downscale to 1600 px, re-encode at quality 80), its thumbnail decode, and a camera
// frame's YUYV → RGB at 1920×1080, p50/p99 over many runs. Prints; never asserts a time.
//   bench_photo [--quick]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <vector>

#include "media/image.h"

namespace {

using Clock = std::chrono::steady_clock;
using yimen::media::Pixels;

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5))];
}

void Measure(const char* what, int rounds, const std::function<void()>& run) {
  std::vector<double> ms;
  for (int i = 0; i < rounds; ++i) {
    const auto a = Clock::now();
    run();
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - a).count());
  }
  std::printf("  %-44s p50 %7.1f ms   p99 %7.1f ms   (%d runs)\n", what, Percentile(ms, 0.5), Percentile(ms, 0.99),
              rounds);
}

// A photo-like picture: smooth shading plus fine texture, so JPEG has work to do.
Pixels Scene(int w, int h) {
  Pixels p;
  p.width = w;
  p.height = h;
  p.rgb.resize(static_cast<size_t>(w) * h * 3);
  uint32_t seed = 1;
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      seed = seed * 1664525u + 1013904223u;
      uint8_t* q = &p.rgb[(static_cast<size_t>(y) * w + x) * 3];
      q[0] = static_cast<uint8_t>(x * 200 / w + (seed >> 28));
      q[1] = static_cast<uint8_t>(y * 200 / h + (seed >> 29));
      q[2] = static_cast<uint8_t>(((x / 40 + y / 40) % 2) * 60 + 90);
    }
  }
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const int rounds = quick ? 2 : 20;
  std::printf("photo benchmark%s\n", quick ? " [quick]" : "");
  const yimen::media::PhotoLimits limits;
  const auto phone = yimen::media::EncodeJpeg(Scene(4000, 3000), 92);
  if (!phone.ok()) return 1;
  std::printf("  source: 4000×3000 JPEG of %zu KB\n", phone->size() / 1024);
  size_t stored = 0;
  Measure("import (decode 1/2, downscale, encode q80)", rounds, [&] {
    auto jpeg = yimen::media::PrepareImportedPhoto(*phone, limits);
    stored = jpeg.ok() ? jpeg->size() : 0;
  });
  std::printf("  stored photo: %zu KB (limit %zu KB)\n", stored / 1024, limits.max_jpeg_bytes / 1024);
  Measure("thumbnail decode (1/8 scale) + downscale 240", rounds * 3, [&] {
    auto small = yimen::media::DecodeImage(*phone, limits, 240);
    if (small.ok()) (void)yimen::media::Downscale(*small, 240);
  });
  std::vector<uint8_t> yuyv(1920 * 1080 * 2, 128);
  Measure("camera frame YUYV → RGB 1920×1080", rounds * 3, [&] {
    (void)yimen::media::YuyvToRgb(yuyv, 1920, 1080, 1920 * 2);
  });
  Pixels frame = yimen::media::YuyvToRgb(yuyv, 1920, 1080, 1920 * 2);
  Measure("camera still → stored JPEG (1600 px, q80)", rounds, [&] {
    (void)yimen::media::EncodeForStorage(frame, limits);
  });
  Measure("camera preview downscale to 480", rounds * 3, [&] { (void)yimen::media::Downscale(frame, 480); });
  return 0;
}
