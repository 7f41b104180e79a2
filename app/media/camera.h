// A V4L2 document camera, spoken to with raw ioctls: query the device, pick MJPEG or
// YUYV, stream into mmap'ed buffers, hand back the newest frame as RGB. CameraWorker
// runs it on its own thread so the UI never waits on the device. Tests exercise this
// code against a fake device (tests/media/fake_v4l2.c, an LD_PRELOAD shim).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "domain/result.h"
#include "media/image.h"

namespace yimen::media {

// /dev/video* nodes that say they can capture video, sorted. Never fails: no camera
// is an empty list.
std::vector<std::string> ProbeCameras();

class Camera {
 public:
  // Opens `path`, checks it is a streaming capture device, asks for a frame near
  // want_width × want_height in MJPEG (preferred: it is what document cameras give at
  // full resolution) or YUYV, and starts streaming into mmap'ed buffers.
  // kNotFound: no such node; kUnavailable: busy or not a capture device, or it offers
  // neither format. Any thread; one Camera is used by one thread at a time.
  static Result<std::unique_ptr<Camera>> Open(const std::string& path, int want_width = 1920,
                                              int want_height = 1080);
  ~Camera();  // stops streaming, unmaps, closes
  Camera(const Camera&) = delete;
  Camera& operator=(const Camera&) = delete;

  // Waits up to timeout_ms for a frame, takes the newest one queued (older ones are
  // dropped so a slow reader never sees a stale picture) and converts it to RGB.
  // kUnavailable on timeout or a device error; kInvalidArgument when an MJPEG frame
  // does not decode.
  Result<Pixels> Grab(int timeout_ms);

  // "card name, 1920×1080 MJPEG", for logs.
  const std::string& Description() const { return m_description; }
  uint32_t FourCc() const { return m_fourcc; }
  int Width() const { return m_width; }
  int Height() const { return m_height; }

 private:
  struct Buffer {
    void* start = nullptr;
    size_t length = 0;
  };
  Camera() = default;

  int m_fd = -1;
  bool m_streaming = false;
  uint32_t m_fourcc = 0;
  int m_width = 0, m_height = 0;
  size_t m_stride = 0;
  std::vector<Buffer> m_buffers;
  std::string m_description;
};

// The camera on a background thread, for the photo slot's live preview and 拍照.
// Start() opens the device on the worker thread and grabs a few frames a second;
// Stop() closes it. Public methods are for the UI thread.
class CameraWorker {
 public:
  explicit CameraWorker(std::string path, int preview_side = 480);
  ~CameraWorker();  // Stop()
  CameraWorker(const CameraWorker&) = delete;
  CameraWorker& operator=(const CameraWorker&) = delete;

  const std::string& Path() const { return m_path; }
  // Starts the thread (no-op when running). Never blocks on the device.
  void Start();
  // Joins the thread (at most one grab timeout, 400 ms) and wipes the frames it kept.
  void Stop();
  bool Running() const { return m_thread.joinable(); }

  // Copies the newest preview (longer side ≤ preview_side) into *out when it is newer
  // than *seq, and updates *seq. False when there is nothing new.
  bool TakePreview(uint64_t* seq, Pixels* out);
  // The newest full-size frame, moved out (the worker keeps no copy of it).
  // kUnavailable when no frame has arrived yet or the device failed.
  Result<Pixels> TakeStill();
  // The last device error ("" when fine), for the slot's message and the log.
  std::string LastError() const;

 private:
  void Run();

  const std::string m_path;
  const int m_preview_side;
  std::thread m_thread;
  std::atomic<bool> m_stop{false};
  mutable std::mutex m_mutex;  // guards the fields below
  Pixels m_frame;              // newest full frame (written by the worker)
  Pixels m_preview;            // its downscaled copy
  uint64_t m_seq = 0;          // frames delivered so far
  std::string m_error;
};

}  // namespace yimen::media
