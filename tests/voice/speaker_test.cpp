// The Speaker's threading contract: Say() returns at once, a new Say() or Stop() cuts
// the old utterance off, and playback through SDL's dummy audio driver drains and ends.
#include "voice/speaker.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

namespace yimen::voice {
namespace {

// A dictionary of just the characters these tests say: the Speaker's threading is under
// test here, not the reader, and loading the full dictionaries under ASan takes seconds.
SpeakerOptions SmallOptions() {
  SpeakerOptions options;
  options.voice.reader.dictionaries.terra = YIMEN_VOICE_TEST_DATA "/terra_small.dict.yaml";
  options.voice.reader.dictionaries.luna = "";
  return options;
}

constexpr const char* kLong =
    "没有网络也可以申请，资料会先安全保存在本机。申请已安全保存在本机，联网后会自动送达民政部门，"
    "不需要您再操作。";

TEST(Speaker, SynthesisesWithoutAnAudioDevice) {
  SpeakerOptions options = SmallOptions();
  options.open_audio = false;
  auto speaker = Speaker::Open(options);
  ASSERT_TRUE(speaker.ok());
  (*speaker)->Say("请选择要申请的事项");
  EXPECT_TRUE((*speaker)->Speaking());
  ASSERT_TRUE((*speaker)->WaitUntilSilent(60000));
  SpeakerStats stats = (*speaker)->stats();
  EXPECT_FALSE(stats.audio_open);
  EXPECT_EQ(stats.utterances, 1u);
  EXPECT_GT(stats.last_start_latency_ms, 0.0);
  EXPECT_EQ(stats.last_error, "");
}

TEST(Speaker, SayReturnsBeforeSpeechIsSynthesised) {
  SpeakerOptions options = SmallOptions();
  options.open_audio = false;
  auto speaker = Speaker::Open(options);
  ASSERT_TRUE(speaker.ok());
  ASSERT_TRUE((*speaker)->WaitUntilSilent(60000));
  (*speaker)->Say(kLong);
  // Still busy right after Say(): the work happens on the worker thread.
  EXPECT_TRUE((*speaker)->Speaking());
  ASSERT_TRUE((*speaker)->WaitUntilSilent(60000));
}

TEST(Speaker, NewSayInterruptsAndStopSilences) {
  SpeakerOptions options = SmallOptions();
  options.open_audio = false;
  auto speaker = Speaker::Open(options);
  ASSERT_TRUE(speaker.ok());
  for (int i = 0; i < 5; ++i) (*speaker)->Say(kLong);
  (*speaker)->Say("返回");
  ASSERT_TRUE((*speaker)->WaitUntilSilent(60000));
  // Some of the six were dropped before they started or cut off; the last was said.
  EXPECT_GE((*speaker)->stats().utterances, 1u);
  EXPECT_LE((*speaker)->stats().utterances, 6u);
  (*speaker)->Say(kLong);
  (*speaker)->Stop();
  ASSERT_TRUE((*speaker)->WaitUntilSilent(60000));
}

TEST(Speaker, PlaysThroughSdlDummyAudioAndDrains) {
  setenv("SDL_AUDIODRIVER", "dummy", 1);
  SpeakerOptions options = SmallOptions();
  options.volume = 30;
  auto speaker = Speaker::Open(options);
  ASSERT_TRUE(speaker.ok()) << speaker.error().message;
  SpeakerStats stats = (*speaker)->stats();
  ASSERT_TRUE(stats.audio_open) << stats.last_error;
  EXPECT_EQ(stats.audio_driver, "dummy");
  (*speaker)->SetVolume(150);
  EXPECT_EQ((*speaker)->Volume(), 100);
  (*speaker)->SetVolume(40);
  EXPECT_EQ((*speaker)->Volume(), 40);
  (*speaker)->Say("返回");
  ASSERT_TRUE((*speaker)->WaitUntilSilent(60000));
  EXPECT_EQ((*speaker)->stats().utterances, 1u);
  // A long text, then Stop(): silent at once, without playing out the queue.
  (*speaker)->Say(kLong);
  while ((*speaker)->stats().utterances < 2) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_TRUE((*speaker)->Speaking());  // seconds of audio still queued
  (*speaker)->Stop();
  EXPECT_FALSE((*speaker)->Speaking());
}

}  // namespace
}  // namespace yimen::voice
