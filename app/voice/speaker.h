// The kiosk's voice: Say(text) from the UI thread, speech from the loudspeaker a moment
// later. Synthesis runs on the Speaker's own worker thread; audio goes out through an SDL
// audio device whose callback pulls from a small queue and applies the volume. Without a
// device (headless, CI, SDL_AUDIODRIVER=dummy or none at all) it still synthesises, so
// the rest of the kiosk behaves the same.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "domain/result.h"
#include "voice/voice_engine.h"

namespace yimen::voice {

struct SpeakerOptions {
  VoiceOptions voice;
  int volume = 80;           // 0..100
  bool open_audio = true;    // false: synthesise only (tests, benchmarks)
  std::string audio_device;  // SDL device name; "" = the system default
};

struct SpeakerStats {
  double load_ms = 0;              // dictionaries + OpenCC + espeak, on the worker thread
  double last_start_latency_ms = 0;  // Say() to the first PCM chunk of that utterance
  uint64_t utterances = 0;         // finished or interrupted
  bool audio_open = false;         // an SDL audio device is playing our samples
  std::string audio_driver;        // SDL's driver name, "" without a device
  std::string last_error;          // last load or synthesis failure, for staff diagnostics
};

class Speaker {
 public:
  // Starts the worker thread, which loads the dictionaries and espeak at once in the
  // background (so the kiosk's start is not slowed and the first Say() is quick), and
  // opens the audio device when options.open_audio. A missing audio device is not an
  // error: stats().audio_open says so. Fails with kInternal only when SDL's audio
  // subsystem itself cannot start. Main thread (SDL wants audio opened there).
  [[nodiscard]] static Result<std::unique_ptr<Speaker>> Open(const SpeakerOptions& options = {});

  // Stops speaking, joins the worker, closes the device.
  ~Speaker();
  Speaker(const Speaker&) = delete;
  Speaker& operator=(const Speaker&) = delete;

  // Says `text` (UTF-8 Chinese; digits are read in Chinese, Latin letters skipped),
  // cutting off whatever is being said. Never blocks on synthesis: it hands the text to
  // the worker and returns. Any thread.
  void Say(std::string_view text, VoiceLanguage language = VoiceLanguage::kMandarin);

  // Silences at once and drops what was queued. Any thread.
  void Stop();

  // 0..100, applied to audio already queued too. Any thread.
  void SetVolume(int volume);
  int Volume() const { return m_volume.load(); }

  // True from Say() until the last sample has been played (or synthesised, without a
  // device). Any thread.
  bool Speaking() const;

  // Blocks until not Speaking() or `timeout_ms` passed; true when silent. For tests and
  // the CLI, never for the UI thread.
  bool WaitUntilSilent(int timeout_ms) const;

  SpeakerStats stats() const;

 private:
  explicit Speaker(const SpeakerOptions& options);
  void Run();
  bool Enqueue(uint64_t generation, const int16_t* samples, size_t count);
  static void AudioCallback(void* self, uint8_t* stream, int len);

  SpeakerOptions m_options;
  VoiceEngine m_engine;          // used by the worker only
  std::atomic<int> m_volume{80};

  // Requests, guarded by m_mutex.
  mutable std::mutex m_mutex;
  mutable std::condition_variable m_wake;  // a request, Stop() or quit
  mutable std::condition_variable m_idle;  // speaking ended
  std::string m_pending;
  VoiceLanguage m_pending_language = VoiceLanguage::kMandarin;  // guarded like m_pending
  bool m_has_pending = false;
  bool m_quit = false;
  bool m_synthesising = false;
  std::atomic<uint64_t> m_generation{0};  // bumped by Say() and Stop(); stale audio is dropped
  int64_t m_said_at_ns = 0;               // steady clock of the latest Say()
  SpeakerStats m_stats;

  // Audio queue, guarded by m_audio_mutex (the SDL callback takes it briefly).
  mutable std::mutex m_audio_mutex;
  std::deque<int16_t> m_audio;
  uint32_t m_device = 0;  // SDL_AudioDeviceID, 0 = none

  std::thread m_worker;
};

}  // namespace yimen::voice
