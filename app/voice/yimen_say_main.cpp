// yimen-say: hear (or inspect) what the kiosk would say, without the kiosk.
//   yimen-say "最低生活保障"              play it on the default audio device
//   yimen-say -o out.wav "最低生活保障"   write a 22050 Hz mono WAV instead
//   yimen-say -v "最低生活保障"           also print the pinyin and espeak phonemes
//   yimen-say --yue "最低生活保障"        in Cantonese (espeak-ng's yue voice)
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "voice/speaker.h"
#include "voice/voice_engine.h"

namespace {

void WriteLe(std::ofstream& out, uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.put(static_cast<char>((v >> (8 * i)) & 0xFF));
}

bool WriteWav(const std::string& path, const yimen::voice::Pcm& pcm) {
  std::ofstream out(path, std::ios::binary);
  if (!out) return false;
  uint32_t data_bytes = static_cast<uint32_t>(pcm.samples.size() * 2);
  out.write("RIFF", 4);
  WriteLe(out, 36 + data_bytes, 4);
  out.write("WAVEfmt ", 8);
  WriteLe(out, 16, 4);
  WriteLe(out, 1, 2);  // PCM
  WriteLe(out, 1, 2);  // mono
  WriteLe(out, static_cast<uint32_t>(pcm.sample_rate), 4);
  WriteLe(out, static_cast<uint32_t>(pcm.sample_rate * 2), 4);
  WriteLe(out, 2, 2);
  WriteLe(out, 16, 2);
  out.write("data", 4);
  WriteLe(out, data_bytes, 4);
  for (int16_t s : pcm.samples) WriteLe(out, static_cast<uint16_t>(s), 2);
  return static_cast<bool>(out);
}

int Usage() {
  std::fprintf(stderr, "usage: yimen-say [-v] [--yue] [-o out.wav] [--rate WPM] TEXT\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  bool verbose = false;
  std::string wav_path, text;
  yimen::voice::VoiceOptions options;
  auto language = yimen::voice::VoiceLanguage::kMandarin;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "-v") == 0) {
      verbose = true;
    } else if (std::strcmp(argv[i], "--yue") == 0) {
      language = yimen::voice::VoiceLanguage::kCantonese;  // espeak-ng's Cantonese
    } else if (std::strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
      wav_path = argv[++i];
    } else if (std::strcmp(argv[i], "--rate") == 0 && i + 1 < argc) {
      options.rate_wpm = std::atoi(argv[++i]);
    } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
      return Usage();
    } else {
      text = argv[i];
    }
  }
  if (text.empty()) return Usage();

  yimen::voice::VoiceEngine engine(options);
  if (verbose || !wav_path.empty()) {
    yimen::voice::Reading reading;
    auto phrases = engine.Prepare(text, &reading, language);
    if (!phrases) {
      std::fprintf(stderr, "yimen-say: %s\n", phrases.error().message.c_str());
      return 1;
    }
    if (verbose) {
      std::printf("pinyin:   %s\n", yimen::voice::PinyinText(reading, true).c_str());
      for (const auto& p : *phrases) std::printf("phonemes: [[%s]] +%d ms\n", p.phonemes.c_str(), p.pause_ms);
      if (reading.skipped) std::printf("skipped:  %zu characters\n", reading.skipped);
    }
  }
  if (!wav_path.empty()) {
    auto pcm = engine.SynthesizeToPcm(text, language);
    if (!pcm || !WriteWav(wav_path, *pcm)) {
      std::fprintf(stderr, "yimen-say: cannot write %s\n", wav_path.c_str());
      return 1;
    }
    std::printf("%s: %.2f s at %d Hz\n", wav_path.c_str(), pcm->Seconds(), pcm->sample_rate);
    return 0;
  }
  yimen::voice::SpeakerOptions speaker_options;
  speaker_options.voice = options;
  speaker_options.volume = 100;
  auto speaker = yimen::voice::Speaker::Open(speaker_options);
  if (!speaker) {
    std::fprintf(stderr, "yimen-say: %s\n", speaker.error().message.c_str());
    return 1;
  }
  (*speaker)->Say(text, language);
  (*speaker)->WaitUntilSilent(120000);
  auto stats = (*speaker)->stats();
  std::printf("driver %s, start latency %.1f ms%s%s\n",
              stats.audio_open ? stats.audio_driver.c_str() : "(none)",
              stats.last_start_latency_ms, stats.last_error.empty() ? "" : ", ",
              stats.last_error.c_str());
  return 0;
}
