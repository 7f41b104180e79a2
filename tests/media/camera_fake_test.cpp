// Runs app/media/camera.cpp's real V4L2 sequence against the fake device
// (fake_v4l2.c, preloaded by ctest): format negotiation, mmap streaming, draining to
// the newest frame, YUYV conversion, the worker's preview and still.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <thread>

#include <linux/videodev2.h>

#include "media/camera.h"
#include "media/fake_v4l2_pattern.h"

namespace yimen::media {
namespace {

const char* kFake = "/dev/video-fake";

// The stamp's grey level back to the frame number (mod 27).
int StampOf(const Pixels& p) {
  const int grey = p.rgb[(8 * p.width + 8) * 3];
  return static_cast<int>((grey / (8 * 255.0 / 219.0)) + 0.5);
}

class CameraFake : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* preload = std::getenv("LD_PRELOAD");
    if (!preload || std::string(preload).find("fake_v4l2") == std::string::npos) {
      GTEST_SKIP() << "run through ctest (media.camera_fake), which preloads the fake device";
    }
  }
};

TEST_F(CameraFake, NegotiatesYuyvAtTheDriversSize) {
  Result<std::unique_ptr<Camera>> c = Camera::Open(kFake, 1920, 1080);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ((*c)->FourCc(), V4L2_PIX_FMT_YUYV);
  EXPECT_EQ((*c)->Width(), 640);
  EXPECT_EQ((*c)->Height(), 480);
  EXPECT_NE((*c)->Description().find("Yimen fake document camera"), std::string::npos);
}

TEST_F(CameraFake, GrabGivesTheColourBarsAsRgb) {
  Result<std::unique_ptr<Camera>> c = Camera::Open(kFake);
  ASSERT_TRUE(c.ok()) << c.error().message;
  Result<Pixels> frame = (*c)->Grab(1000);
  ASSERT_TRUE(frame.ok()) << frame.error().message;
  ASSERT_EQ(frame->width, 640);
  ASSERT_EQ(frame->height, 480);
  // Bar centres on row 240: white, yellow, cyan, green, magenta, red, blue, black.
  const int expected[8][3] = {{255, 255, 255}, {255, 255, 0}, {0, 255, 255}, {0, 255, 0},
                              {255, 0, 255},   {255, 0, 0},   {0, 0, 255},   {0, 0, 0}};
  for (int bar = 0; bar < 8; ++bar) {
    const uint8_t* px = &frame->rgb[(240 * 640 + bar * 80 + 40) * 3];
    for (int ch = 0; ch < 3; ++ch) EXPECT_NEAR(px[ch], expected[bar][ch], 12) << "bar " << bar << " ch " << ch;
  }
}

TEST_F(CameraFake, GrabDrainsTheQueueAndKeepsTheNewestFrame) {
  Result<std::unique_ptr<Camera>> c = Camera::Open(kFake);
  ASSERT_TRUE(c.ok()) << c.error().message;
  // Four buffers were queued at start and are all full: the newest is frame 4.
  Result<Pixels> first = (*c)->Grab(1000);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(StampOf(*first), 4);
  Result<Pixels> second = (*c)->Grab(1000);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(StampOf(*second), 8);
}

TEST_F(CameraFake, PrefersMjpegAndDecodesItsFrames) {
  // Left half red, right half blue, 320×240, as the fake's every MJPEG frame.
  Pixels picture;
  picture.width = 320;
  picture.height = 240;
  picture.rgb.resize(320 * 240 * 3);
  for (int i = 0; i < 320 * 240; ++i) {
    const bool left = i % 320 < 160;
    picture.rgb[i * 3] = left ? 220 : 20;
    picture.rgb[i * 3 + 1] = 20;
    picture.rgb[i * 3 + 2] = left ? 20 : 220;
  }
  Result<std::vector<uint8_t>> jpeg = EncodeJpeg(picture, 90);
  ASSERT_TRUE(jpeg.ok());
  const std::string path = ::testing::TempDir() + "fake_mjpeg_frame.jpg";
  {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(jpeg->data()), static_cast<std::streamsize>(jpeg->size()));
  }
  ::setenv("YIMEN_FAKE_V4L2_MJPEG", path.c_str(), 1);
  Result<std::unique_ptr<Camera>> c = Camera::Open(kFake);
  ::unsetenv("YIMEN_FAKE_V4L2_MJPEG");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ((*c)->FourCc(), V4L2_PIX_FMT_MJPEG);
  Result<Pixels> frame = (*c)->Grab(1000);
  ASSERT_TRUE(frame.ok()) << frame.error().message;
  ASSERT_EQ(frame->width, 320);
  ASSERT_EQ(frame->height, 240);
  const uint8_t* red = &frame->rgb[(120 * 320 + 60) * 3];
  const uint8_t* blue = &frame->rgb[(120 * 320 + 260) * 3];
  EXPECT_NEAR(red[0], 220, 10);
  EXPECT_NEAR(red[2], 20, 10);
  EXPECT_NEAR(blue[0], 20, 10);
  EXPECT_NEAR(blue[2], 220, 10);
  std::remove(path.c_str());
}

TEST_F(CameraFake, ASecondOpenWhileStreamingIsBusy) {
  Result<std::unique_ptr<Camera>> a = Camera::Open(kFake);
  ASSERT_TRUE(a.ok());
  Result<std::unique_ptr<Camera>> b = Camera::Open(kFake);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().kind, ErrorKind::kUnavailable);
}

TEST_F(CameraFake, ProbeFindsNothingButOpenWorksByPath) {
  // The fake lives outside /dev's listing, so probing does not see it: --camera PATH.
  for (const std::string& p : ProbeCameras()) EXPECT_NE(p, kFake);
}

TEST_F(CameraFake, WorkerDeliversAPreviewAndAStillForStorage) {
  CameraWorker worker(kFake, 160);
  worker.Start();
  uint64_t seq = 0;
  Pixels preview;
  for (int i = 0; i < 500 && !worker.TakePreview(&seq, &preview); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_GT(seq, 0u) << worker.LastError();
  EXPECT_EQ(preview.width, 160);
  EXPECT_EQ(preview.height, 120);
  Result<Pixels> still = worker.TakeStill();
  ASSERT_TRUE(still.ok()) << still.error().message;
  EXPECT_EQ(still->width, 640);
  Result<std::vector<uint8_t>> jpeg = EncodeForStorage(*still, PhotoLimits{});
  ASSERT_TRUE(jpeg.ok());
  Result<Pixels> back = DecodeImage(*jpeg, PhotoLimits{});
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->width, 640);
  // The still was moved out: the worker holds no copy until the next frame.
  worker.Stop();
  EXPECT_FALSE(worker.TakeStill().ok());
}

}  // namespace
}  // namespace yimen::media
