// The Speaker's threads: the caller posts text, the worker turns it into PCM and pushes
// it into a queue, SDL's audio thread pulls from the queue. A generation number, bumped
// by every Say() and Stop(), lets each side drop audio that belongs to an interrupted
// utterance without waiting for the other.
#include "voice/speaker.h"

#include <SDL.h>

#include <algorithm>
#include <chrono>
#include <cstring>

namespace yimen::voice {
namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Speaker::Speaker(const SpeakerOptions& options)
    : m_options(options), m_engine(options.voice), m_volume(std::clamp(options.volume, 0, 100)) {}

Result<std::unique_ptr<Speaker>> Speaker::Open(const SpeakerOptions& options) {
  std::unique_ptr<Speaker> speaker(new Speaker(options));
  if (options.open_audio) {
    if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
      return MakeError(ErrorKind::kInternal, std::string("SDL audio: ") + SDL_GetError());
    }
    SDL_AudioSpec want{};
    want.freq = 22050;  // espeak-ng's rate; checked again when the engine has loaded
    want.format = AUDIO_S16SYS;
    want.channels = 1;
    want.samples = 1024;  // ~46 ms: small enough that Stop() is heard at once
    want.callback = &Speaker::AudioCallback;
    want.userdata = speaker.get();
    SDL_AudioSpec have{};
    const char* name = options.audio_device.empty() ? nullptr : options.audio_device.c_str();
    speaker->m_device = SDL_OpenAudioDevice(name, 0, &want, &have, 0);
    if (speaker->m_device != 0) {
      speaker->m_stats.audio_open = true;
      const char* driver = SDL_GetCurrentAudioDriver();
      speaker->m_stats.audio_driver = driver ? driver : "";
      SDL_PauseAudioDevice(speaker->m_device, 0);
    } else {
      speaker->m_stats.last_error = std::string("no audio device: ") + SDL_GetError();
      SDL_QuitSubSystem(SDL_INIT_AUDIO);
    }
  }
  speaker->m_worker = std::thread(&Speaker::Run, speaker.get());
  return speaker;
}

Speaker::~Speaker() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_quit = true;
    m_generation.fetch_add(1);
  }
  m_wake.notify_all();
  if (m_worker.joinable()) m_worker.join();
  if (m_device != 0) {
    SDL_CloseAudioDevice(m_device);  // waits for the callback to return
    SDL_QuitSubSystem(SDL_INIT_AUDIO);
  }
}

void Speaker::Say(std::string_view text, VoiceLanguage language) {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_pending.assign(text);
    m_pending_language = language;
    m_has_pending = true;
    m_generation.fetch_add(1);
    m_said_at_ns = NowNs();
  }
  {
    std::lock_guard<std::mutex> lock(m_audio_mutex);
    m_audio.clear();
  }
  m_wake.notify_all();
}

void Speaker::Stop() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_has_pending = false;
    m_generation.fetch_add(1);
  }
  {
    std::lock_guard<std::mutex> lock(m_audio_mutex);
    m_audio.clear();
  }
  m_idle.notify_all();
}

void Speaker::SetVolume(int volume) { m_volume.store(std::clamp(volume, 0, 100)); }

bool Speaker::Speaking() const {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_has_pending || m_synthesising) return true;
  }
  std::lock_guard<std::mutex> lock(m_audio_mutex);
  return !m_audio.empty();
}

bool Speaker::WaitUntilSilent(int timeout_ms) const {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (Speaking()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::unique_lock<std::mutex> lock(m_mutex);
    // Playback drains without notifying: poll gently.
    m_idle.wait_for(lock, std::chrono::milliseconds(10));
  }
  return true;
}

SpeakerStats Speaker::stats() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_stats;
}

bool Speaker::Enqueue(uint64_t generation, const int16_t* samples, size_t count) {
  if (m_generation.load() != generation) return false;  // interrupted: tell espeak to stop
  if (m_device == 0) return true;                       // synthesise only
  std::lock_guard<std::mutex> lock(m_audio_mutex);
  if (m_generation.load() != generation) return false;
  m_audio.insert(m_audio.end(), samples, samples + count);
  return true;
}

void Speaker::AudioCallback(void* self_ptr, uint8_t* stream, int len) {
  auto* self = static_cast<Speaker*>(self_ptr);
  auto* out = reinterpret_cast<int16_t*>(stream);
  size_t wanted = static_cast<size_t>(len) / sizeof(int16_t);
  int volume = self->m_volume.load();
  size_t n = 0;
  {
    std::lock_guard<std::mutex> lock(self->m_audio_mutex);
    n = std::min(wanted, self->m_audio.size());
    for (size_t i = 0; i < n; ++i) {
      out[i] = static_cast<int16_t>(int32_t(self->m_audio[i]) * volume / 100);
    }
    self->m_audio.erase(self->m_audio.begin(), self->m_audio.begin() + static_cast<long>(n));
  }
  std::memset(out + n, 0, (wanted - n) * sizeof(int16_t));
}

void Speaker::Run() {
  auto load_start = std::chrono::steady_clock::now();
  Status loaded = m_engine.Load();
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_stats.load_ms = std::chrono::duration<double, std::milli>(
                          std::chrono::steady_clock::now() - load_start).count();
    if (!loaded) m_stats.last_error = loaded.error().message;
  }
  for (;;) {
    std::string text;
    VoiceLanguage language = VoiceLanguage::kMandarin;
    uint64_t generation = 0;
    int64_t said_at = 0;
    {
      std::unique_lock<std::mutex> lock(m_mutex);
      m_wake.wait(lock, [&] { return m_quit || m_has_pending; });
      if (m_quit) return;
      text = std::move(m_pending);
      language = m_pending_language;
      m_has_pending = false;
      m_synthesising = true;
      generation = m_generation.load();
      said_at = m_said_at_ns;
    }
    bool first = true;
    double latency_ms = 0;
    Status status = m_engine.Speak(text, [&](const int16_t* samples, size_t count) {
      if (first) {
        latency_ms = double(NowNs() - said_at) / 1e6;
        first = false;
      }
      return Enqueue(generation, samples, count);
    }, language);
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_synthesising = false;
      ++m_stats.utterances;
      if (!first) m_stats.last_start_latency_ms = latency_ms;
      if (!status && status.error().kind != ErrorKind::kUnavailable) {
        m_stats.last_error = status.error().message;
      }
    }
    m_idle.notify_all();
  }
}

}  // namespace yimen::voice
