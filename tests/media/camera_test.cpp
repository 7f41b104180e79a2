// Tests app/media/camera.cpp where no camera is present (this machine has none; the
// fake device's tests are camera_fake_test.cpp, run with the shim preloaded).
#include "media/camera.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace yimen::media {
namespace {

TEST(Camera, AMissingNodeIsNotFound) {
  Result<std::unique_ptr<Camera>> c = Camera::Open("/dev/video-does-not-exist");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().kind, ErrorKind::kNotFound);
}

TEST(Camera, ANodeThatIsNotACameraIsRefused) {
  Result<std::unique_ptr<Camera>> c = Camera::Open("/dev/null");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().kind, ErrorKind::kUnavailable);
  EXPECT_NE(c.error().message.find("not a V4L2"), std::string::npos) << c.error().message;
}

TEST(Camera, ProbeListsOnlyCaptureNodes) {
  // Whatever this machine has, every node listed must open as a camera.
  for (const std::string& path : ProbeCameras()) {
    EXPECT_EQ(path.rfind("/dev/video", 0), 0u) << path;
  }
}

TEST(CameraWorker, WithoutADeviceGivesNoStillAndSaysWhy) {
  CameraWorker worker("/dev/video-does-not-exist");
  worker.Start();
  // Wait (bounded) for the worker's first attempt; this is not a timing assertion.
  for (int i = 0; i < 500 && worker.LastError().empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_NE(worker.LastError().find("open"), std::string::npos) << worker.LastError();
  Result<Pixels> still = worker.TakeStill();
  EXPECT_FALSE(still.ok());
  uint64_t seq = 0;
  Pixels preview;
  EXPECT_FALSE(worker.TakePreview(&seq, &preview));
  worker.Stop();
  EXPECT_FALSE(worker.Running());
}

}  // namespace
}  // namespace yimen::media
