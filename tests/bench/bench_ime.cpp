// Input-method figures: pinyin candidate latency (a key in → candidates out, through
// the real librime) and handwriting recognition (a finished stroke → candidates,
// through the real zinnia model), p50/p99 over many runs. Prints; never asserts a time.
//   bench_ime [--quick]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ime/handwriting.h"
#include "ime/pinyin_input.h"

namespace {

using Clock = std::chrono::steady_clock;

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5))];
}

double Ms(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const int rounds = quick ? 3 : 40;
  std::printf("input-method benchmark%s\n", quick ? " [quick]" : "");

  auto t0 = Clock::now();
  auto pinyin = yimen::ime::PinyinInput::Open({});
  auto t1 = Clock::now();
  if (!pinyin.ok()) {
    std::fprintf(stderr, "bench_ime: %s\n", pinyin.error().message.c_str());
    return 1;
  }
  // Names and words residents type: each letter is one measured key press.
  const char* words[] = {"ouyang", "zhangsan", "wangxiaoming", "zuidishenghuobaozhang",
                         "yinhang", "canjiren", "gaoling", "linshijiuzhu", "lihua", "chenjing"};
  std::vector<double> key_ms;
  size_t candidates = 0;
  for (int r = 0; r < rounds; ++r) {
    for (const char* word : words) {
      for (const char* c = word; *c; ++c) {
        auto a = Clock::now();
        (*pinyin)->Key(*c);
        candidates += (*pinyin)->Candidates().size();
        key_ms.push_back(Ms(a, Clock::now()));
      }
      (*pinyin)->Select(0);
      (*pinyin)->Clear();
    }
  }
  auto w0 = Clock::now();
  (void)(*pinyin)->WipeUserData();
  auto w1 = Clock::now();
  std::printf("  pinyin: open %.1f ms; key → candidates p50 %.3f ms, p99 %.3f ms over %zu keys "
              "(%.0f candidates/key); session wipe %.1f ms   goal p99 <= 5 ms\n",
              Ms(t0, t1), Percentile(key_ms, 0.5), Percentile(key_ms, 0.99), key_ms.size(),
              static_cast<double>(candidates) / static_cast<double>(key_ms.size()), Ms(w0, w1));

  auto h0 = Clock::now();
  auto hw = yimen::ime::Handwriting::Open();
  auto h1 = Clock::now();
  if (!hw.ok()) {
    std::fprintf(stderr, "bench_ime: %s\n", hw.error().message.c_str());
    return 1;
  }
  std::vector<double> rec_ms;
  size_t hits = 0, total = 0;
  for (const char* name : {"shi", "wang"}) {
    std::ifstream in(std::string(YIMEN_BENCH_DATA_DIR) + "/handwriting/" + name + ".strokes");
    std::stringstream text;
    text << in.rdbuf();
    auto strokes = yimen::ime::ParseStrokes(text.str());
    if (!strokes.ok()) return 1;
    const char* expect = std::strcmp(name, "shi") == 0 ? "十" : "王";
    for (int r = 0; r < rounds * 5; ++r) {
      // Recognition runs after every stroke, so measure every prefix.
      for (size_t n = 1; n <= strokes->size(); ++n) {
        std::vector<yimen::ime::Stroke> prefix(strokes->begin(), strokes->begin() + static_cast<long>(n));
        auto a = Clock::now();
        auto result = (*hw)->Recognize(prefix, 1000, 1000, 10);
        rec_ms.push_back(Ms(a, Clock::now()));
        if (n == strokes->size()) {
          ++total;
          if (!result.empty() && result[0] == expect) ++hits;
        }
      }
    }
  }
  std::printf("  handwriting: open %.1f ms; stroke → candidates p50 %.2f ms, p99 %.2f ms over %zu "
              "recognitions; top-1 correct %zu/%zu   goal p99 <= 30 ms\n",
              Ms(h0, h1), Percentile(rec_ms, 0.5), Percentile(rec_ms, 0.99), rec_ms.size(), hits, total);
  return 0;
}
