// bench_voice: what the Mandarin voice costs. Prints figures, never fails on a timing.
//   dictionary load time and the memory it adds (RSS), OpenCC and espeak start-up,
//   pinyin conversion time per string, speech start latency (text in -> first PCM chunk
//   out) for every screen string, synthesis speed, and the Speaker's cold first Say().
// --quick (the ctest smoke run) does fewer rounds.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "voice/speaker.h"
#include "voice/voice_engine.h"

namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

double RssMb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atof(line.c_str() + 6) / 1024.0;
  }
  return 0;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p / 100.0 * (v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

std::vector<std::pair<std::string, std::string>> UiStrings() {
  std::ifstream in(std::string(YIMEN_BENCH_ASSETS_DIR) + "/strings/ui.zh-CN.json");
  std::stringstream s;
  s << in.rdbuf();
  std::vector<std::pair<std::string, std::string>> out;
  const nlohmann::json json = nlohmann::json::parse(s.str());
  for (auto& [key, value] : json.items()) {
    if (value.is_string() && !value.get<std::string>().empty()) out.emplace_back(key, value);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  int rounds = quick ? 2 : 20;
  auto strings = UiStrings();
  std::vector<std::string> titles, all;
  for (auto& [key, value] : strings) {
    all.push_back(value);
    if (key.size() > 6 && key.compare(key.size() - 6, 6, ".title") == 0) titles.push_back(value);
  }
  std::printf("bench_voice: %zu UI strings, %zu screen titles, %d rounds\n", all.size(),
              titles.size(), rounds);

  // 1. Loading, piece by piece, and the memory it adds.
  double rss0 = RssMb();
  auto t0 = Clock::now();
  auto reader = yimen::voice::PinyinReader::Open();
  auto t1 = Clock::now();
  if (!reader) {
    std::printf("PinyinReader::Open failed: %s\n", reader.error().message.c_str());
    return 1;
  }
  double rss1 = RssMb();
  const auto& ds = (*reader)->dictionary().stats();
  std::printf("dictionary: %zu entries (%zu words from luna), load %.1f ms, table %.2f MB heap\n",
              ds.entries, ds.luna_words, ds.load_ms, ds.heap_bytes / 1048576.0);
  std::printf("opencc s2t: open %.1f ms; reader total %.1f ms; RSS +%.1f MB (%.1f -> %.1f MB)\n",
              (*reader)->opencc_load_ms(), Ms(t0, t1), rss1 - rss0, rss0, rss1);

  // 2. Pinyin conversion per string.
  std::vector<double> pinyin_us;
  size_t syllables = 0;
  for (int r = 0; r < rounds; ++r) {
    for (const std::string& text : all) {
      auto a = Clock::now();
      yimen::voice::Reading reading = (*reader)->Read(text);
      auto b = Clock::now();
      pinyin_us.push_back(Ms(a, b) * 1000);
      if (r == 0) {
        for (const auto& u : reading.units) syllables += u.kind == yimen::voice::ReadingUnit::Kind::kSyllable;
      }
    }
  }
  std::printf("pinyin per UI string: p50 %.1f us, p99 %.1f us, max %.1f us (%zu syllables in all)\n",
              Percentile(pinyin_us, 50), Percentile(pinyin_us, 99),
              Percentile(pinyin_us, 100), syllables);
  reader = yimen::Error{};  // free it before the engine loads its own
  std::printf("RSS after freeing the reader: %.1f MB\n", RssMb());

  // 3. The Speaker cold (espeak-ng starts here): Open() loads in the background; Say() at
  // once.
  {
    yimen::voice::SpeakerOptions options;
    options.open_audio = false;
    auto open_start = Clock::now();
    auto speaker = yimen::voice::Speaker::Open(options);
    auto opened = Clock::now();
    if (!speaker) {
      std::printf("Speaker::Open failed: %s\n", speaker.error().message.c_str());
      return 1;
    }
    (*speaker)->Say(titles.empty() ? all[0] : titles[0]);
    auto said = Clock::now();
    (*speaker)->WaitUntilSilent(60000);
    auto stats = (*speaker)->stats();
    std::printf("RSS with a loaded Speaker: %.1f MB\n", RssMb());
    std::printf("speaker cold: Open() %.2f ms, Say() returned in %.3f ms, first PCM after %.1f ms "
                "(background load %.1f ms)\n",
                Ms(open_start, opened), Ms(opened, said), stats.last_start_latency_ms,
                stats.load_ms);
  }

  // 4. Speech start latency, warm engine: text in -> first PCM chunk out.
  yimen::voice::VoiceEngine engine;
  auto e0 = Clock::now();
  yimen::Status loaded = engine.Load();
  auto e1 = Clock::now();
  if (!loaded) {
    std::printf("engine load failed: %s\n", loaded.error().message.c_str());
    return 1;
  }
  std::printf("engine load (dictionary + OpenCC + espeak-ng cmn): %.1f ms, RSS now %.1f MB\n",
              Ms(e0, e1), RssMb());
  auto latency = [&](const std::vector<std::string>& texts, const char* label,
                     yimen::voice::VoiceLanguage language = yimen::voice::VoiceLanguage::kMandarin) {
    std::vector<double> first_ms;
    double audio_s = 0, synth_ms = 0;
    for (int r = 0; r < rounds; ++r) {
      for (const std::string& text : texts) {
        auto a = Clock::now();
        Clock::time_point first{};
        size_t samples = 0;
        yimen::Status st = engine.Speak(
            text,
            [&](const int16_t*, size_t n) {
              if (samples == 0) first = Clock::now();
              samples += n;
              return true;
            },
            language);
        auto b = Clock::now();
        if (!st || samples == 0) continue;
        first_ms.push_back(Ms(a, first));
        audio_s += double(samples) / engine.sample_rate();
        synth_ms += Ms(a, b);
      }
    }
    std::printf("start latency, %s: p50 %.2f ms, p99 %.2f ms, max %.2f ms (goal <= 300 ms); "
                "synthesis %.0fx real time\n",
                label, Percentile(first_ms, 50), Percentile(first_ms, 99),
                Percentile(first_ms, 100), synth_ms > 0 ? audio_s * 1000 / synth_ms : 0.0);
  };
  if (!titles.empty()) latency(titles, "screen titles");
  latency(all, "every UI string");
  // 粤语: espeak-ng's yue voice reads the characters itself (its dictionary lookup
  // replaces our pinyin pass), with the reviewed Jyutping words inline.
  if (!titles.empty()) latency(titles, "screen titles, Cantonese", yimen::voice::VoiceLanguage::kCantonese);
  latency(all, "every UI string, Cantonese", yimen::voice::VoiceLanguage::kCantonese);

  // 5. Through the Speaker (worker thread hand-off included), warm.
  {
    yimen::voice::SpeakerOptions options;
    options.open_audio = false;
    auto speaker = yimen::voice::Speaker::Open(options);
    if (speaker) {
      (*speaker)->WaitUntilSilent(60000);
      (*speaker)->Say("返回");
      (*speaker)->WaitUntilSilent(60000);
      std::vector<double> ms;
      for (int r = 0; r < rounds; ++r) {
        for (const std::string& text : titles.empty() ? all : titles) {
          (*speaker)->Say(text);
          (*speaker)->WaitUntilSilent(60000);
          ms.push_back((*speaker)->stats().last_start_latency_ms);
        }
      }
      std::printf("speaker warm, Say() -> first PCM: p50 %.2f ms, p99 %.2f ms\n",
                  Percentile(ms, 50), Percentile(ms, 99));
    }
  }
  return 0;
}
