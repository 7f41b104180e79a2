// What a character the atlas does not hold yet costs the UI thread (docs/internals/fonts.md
// "Growing"): GlyphAtlas::Build adding only its glyphs, next to a full Rebuild of the
// same atlas (what every new character cost before). Windowless: the pixels go to
// memory, so GL upload is left out of both (bench_kiosk's atlas-growth row has it in).
// It prints; it never asserts a time.
#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "platform/glyph_atlas.h"

namespace {

using yimen::platform::AtlasTexture;
using yimen::platform::FontSizes;
using yimen::platform::GlyphAtlas;

class MemoryTexture final : public AtlasTexture {
 public:
  void* Upload(const unsigned char* pixels, int width, int height) override {
    m_width = width;
    m_pixels.assign(pixels, pixels + static_cast<size_t>(width) * static_cast<size_t>(height));
    return &m_pixels;
  }
  void* Grow(int height) override {
    m_pixels.resize(static_cast<size_t>(m_width) * static_cast<size_t>(height), 0);
    return &m_pixels;
  }
  void Write(int x, int y, int w, int h, const unsigned char* pixels) override {
    for (int row = 0; row < h; ++row) {
      std::memcpy(&m_pixels[static_cast<size_t>(y + row) * static_cast<size_t>(m_width) +
                            static_cast<size_t>(x)],
                  pixels + static_cast<size_t>(row) * static_cast<size_t>(w),
                  static_cast<size_t>(w));
    }
  }

 private:
  std::vector<unsigned char> m_pixels;
  int m_width = 0;
};

double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

struct Costs {
  std::vector<double> cpu_ms;
  int texture_grows = 0;
  int tex_height = 0;
};

// Builds an atlas of `base`, then adds each of `names` one at a time, as the kiosk does
// when a resident types them: with Build (an addition) or with Rebuild (everything).
Costs Run(const std::set<char32_t>& base, const std::u32string& names, bool full) {
  ImGui::CreateContext();
  Costs costs;
  {
    auto atlas = GlyphAtlas::Open({}, std::make_unique<MemoryTexture>());
    if (!atlas.ok()) {
      std::fprintf(stderr, "bench_glyphs: %s\n", atlas.error().message.c_str());
      std::exit(1);
    }
    const FontSizes sizes{36, 52, 72};
    (*atlas)->Want(base);
    if (!(*atlas)->Build(sizes).ok()) std::exit(1);
    for (char32_t cp : names) {
      (*atlas)->Want({cp});
      const double t0 = ThreadCpuMs();
      const bool ok = full ? (*atlas)->Rebuild(sizes).ok() : (*atlas)->Build(sizes).ok();
      costs.cpu_ms.push_back(ThreadCpuMs() - t0);
      if (!ok) std::exit(1);
    }
    costs.texture_grows = (*atlas)->Stats().texture_grows;
    costs.tex_height = (*atlas)->Stats().tex_height;
  }
  ImGui::DestroyContext();
  return costs;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  // About what the kiosk starts with: ASCII, punctuation and ~900 Han characters.
  std::set<char32_t> base;
  for (char32_t cp = 0x20; cp < 0x7F; ++cp) base.insert(cp);
  for (char32_t cp = 0x4E00; base.size() < 995; cp += 7) base.insert(cp);
  // Rare name characters, none in the base set; the full set makes the texture grow.
  std::u32string names = U"燚堃䶮犇淼焱垚鑫赟喆昇昊婧翀沄珺琰瑀玥琬璟婕嫣曌彧";
  for (char32_t cp = 0x8C00; !quick && names.size() < 400; ++cp) {
    if (!base.count(cp)) names.push_back(cp);
  }
  const std::u32string rebuilt = names.substr(0, quick ? 5 : 20);
  const Costs add = Run(base, names, false);
  const Costs full = Run(base, rebuilt, true);
  std::printf(
      "glyph atlas benchmark (windowless; UI thread CPU per new character, body + title sizes)\n");
  std::printf(
      "  added into spare rows: %zu characters, median %.2f ms, max %.2f ms "
      "(texture grew %d times by copying, now %d rows)   goal: no frame > 16 ms\n",
      add.cpu_ms.size(), Median(add.cpu_ms),
      *std::max_element(add.cpu_ms.begin(), add.cpu_ms.end()), add.texture_grows, add.tex_height);
  std::printf("  full rebuild (before): %zu characters, median %.2f ms, max %.2f ms\n",
              full.cpu_ms.size(), Median(full.cpu_ms),
              *std::max_element(full.cpu_ms.begin(), full.cpu_ms.end()));
  return 0;
}
