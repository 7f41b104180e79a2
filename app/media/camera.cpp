// V4L2 capture (camera.h). Only the ioctls every UVC document camera answers:
// QUERYCAP, ENUM_FMT, S_FMT, REQBUFS, QUERYBUF, QBUF/DQBUF, STREAMON/OFF, with mmap'ed
// buffers. The fd is non-blocking: poll() waits, DQBUF drains, so no call can hang the
// worker past its timeout.
#include "media/camera.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace yimen::media {
namespace {

// ioctl, retried when a signal interrupts it.
int Xioctl(int fd, unsigned long request, void* arg) {
  int r;
  do {
    r = ::ioctl(fd, request, arg);
  } while (r == -1 && errno == EINTR);
  return r;
}

std::string Errno(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

std::string FourCcText(uint32_t f) {
  char s[5] = {static_cast<char>(f & 0xff), static_cast<char>((f >> 8) & 0xff),
               static_cast<char>((f >> 16) & 0xff), static_cast<char>((f >> 24) & 0xff), 0};
  return s;
}

bool IsCaptureDevice(int fd, v4l2_capability* cap) {
  std::memset(cap, 0, sizeof *cap);
  if (Xioctl(fd, VIDIOC_QUERYCAP, cap) == -1) return false;
  // A node of a multi-function device reports its own abilities in device_caps.
  const uint32_t caps = (cap->capabilities & V4L2_CAP_DEVICE_CAPS) ? cap->device_caps : cap->capabilities;
  return (caps & V4L2_CAP_VIDEO_CAPTURE) && (caps & V4L2_CAP_STREAMING);
}

}  // namespace

std::vector<std::string> ProbeCameras() {
  std::vector<std::string> found;
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/dev", ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind("video", 0) != 0) continue;
    const int fd = ::open(it->path().c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) continue;
    v4l2_capability cap;
    if (IsCaptureDevice(fd, &cap)) found.push_back(it->path().string());
    ::close(fd);
  }
  std::sort(found.begin(), found.end());
  return found;
}

Result<std::unique_ptr<Camera>> Camera::Open(const std::string& path, int want_width, int want_height) {
  std::unique_ptr<Camera> camera(new Camera());
  camera->m_fd = ::open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (camera->m_fd < 0) {
    const ErrorKind kind = errno == ENOENT ? ErrorKind::kNotFound : ErrorKind::kUnavailable;
    return MakeError(kind, Errno(("open " + path).c_str()));
  }
  const int fd = camera->m_fd;
  v4l2_capability cap;
  if (!IsCaptureDevice(fd, &cap)) {
    return MakeError(ErrorKind::kUnavailable, path + " is not a V4L2 streaming capture device");
  }
  // MJPEG when offered (full resolution at a usable frame rate over USB 2), else YUYV.
  bool has_mjpeg = false, has_yuyv = false;
  for (uint32_t i = 0;; ++i) {
    v4l2_fmtdesc desc;
    std::memset(&desc, 0, sizeof desc);
    desc.index = i;
    desc.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    if (Xioctl(fd, VIDIOC_ENUM_FMT, &desc) == -1) break;
    has_mjpeg |= desc.pixelformat == V4L2_PIX_FMT_MJPEG;
    has_yuyv |= desc.pixelformat == V4L2_PIX_FMT_YUYV;
  }
  if (!has_mjpeg && !has_yuyv) return MakeError(ErrorKind::kUnavailable, path + " offers neither MJPEG nor YUYV");
  v4l2_format fmt;
  std::memset(&fmt, 0, sizeof fmt);
  fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  fmt.fmt.pix.width = static_cast<uint32_t>(want_width);
  fmt.fmt.pix.height = static_cast<uint32_t>(want_height);
  fmt.fmt.pix.pixelformat = has_mjpeg ? V4L2_PIX_FMT_MJPEG : V4L2_PIX_FMT_YUYV;
  fmt.fmt.pix.field = V4L2_FIELD_NONE;
  // The driver answers with the nearest size it supports.
  if (Xioctl(fd, VIDIOC_S_FMT, &fmt) == -1) return MakeError(ErrorKind::kUnavailable, Errno("VIDIOC_S_FMT"));
  camera->m_fourcc = fmt.fmt.pix.pixelformat;
  camera->m_width = static_cast<int>(fmt.fmt.pix.width);
  camera->m_height = static_cast<int>(fmt.fmt.pix.height);
  camera->m_stride = std::max<size_t>(fmt.fmt.pix.bytesperline, static_cast<size_t>(camera->m_width) * 2);
  if (camera->m_fourcc != V4L2_PIX_FMT_MJPEG && camera->m_fourcc != V4L2_PIX_FMT_YUYV) {
    return MakeError(ErrorKind::kUnavailable, "driver chose format " + FourCcText(camera->m_fourcc));
  }
  if (camera->m_width <= 0 || camera->m_height <= 0 || camera->m_width > 10000 || camera->m_height > 10000) {
    return MakeError(ErrorKind::kUnavailable, "driver chose an absurd frame size");
  }

  v4l2_requestbuffers req;
  std::memset(&req, 0, sizeof req);
  req.count = 4;
  req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  req.memory = V4L2_MEMORY_MMAP;
  if (Xioctl(fd, VIDIOC_REQBUFS, &req) == -1) return MakeError(ErrorKind::kUnavailable, Errno("VIDIOC_REQBUFS"));
  if (req.count < 2) return MakeError(ErrorKind::kUnavailable, "the driver gave fewer than 2 buffers");
  for (uint32_t i = 0; i < req.count; ++i) {
    v4l2_buffer buf;
    std::memset(&buf, 0, sizeof buf);
    buf.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    buf.memory = V4L2_MEMORY_MMAP;
    buf.index = i;
    if (Xioctl(fd, VIDIOC_QUERYBUF, &buf) == -1) return MakeError(ErrorKind::kUnavailable, Errno("VIDIOC_QUERYBUF"));
    void* start = ::mmap(nullptr, buf.length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, buf.m.offset);
    if (start == MAP_FAILED) return MakeError(ErrorKind::kUnavailable, Errno("mmap"));
    camera->m_buffers.push_back({start, buf.length});
    if (Xioctl(fd, VIDIOC_QBUF, &buf) == -1) return MakeError(ErrorKind::kUnavailable, Errno("VIDIOC_QBUF"));
  }
  v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  if (Xioctl(fd, VIDIOC_STREAMON, &type) == -1) return MakeError(ErrorKind::kUnavailable, Errno("VIDIOC_STREAMON"));
  camera->m_streaming = true;
  char size[64];
  std::snprintf(size, sizeof size, ", %d×%d ", camera->m_width, camera->m_height);
  camera->m_description = reinterpret_cast<const char*>(cap.card) + std::string(size) + FourCcText(camera->m_fourcc);
  return camera;
}

Camera::~Camera() {
  if (m_streaming) {
    v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    Xioctl(m_fd, VIDIOC_STREAMOFF, &type);
  }
  for (const Buffer& b : m_buffers) {
    // The buffers held a document: zero them before they go back to the driver.
    std::memset(b.start, 0, b.length);
    ::munmap(b.start, b.length);
  }
  if (m_fd >= 0) ::close(m_fd);
}

Result<Pixels> Camera::Grab(int timeout_ms) {
  pollfd p{m_fd, POLLIN, 0};
  int r;
  do {
    r = ::poll(&p, 1, timeout_ms);
  } while (r == -1 && errno == EINTR);
  if (r == -1) return MakeError(ErrorKind::kUnavailable, Errno("poll"));
  if (r == 0) return MakeError(ErrorKind::kUnavailable, "no frame within " + std::to_string(timeout_ms) + " ms");
  if (p.revents & (POLLERR | POLLHUP | POLLNVAL)) return MakeError(ErrorKind::kUnavailable, "camera disconnected");
  // Drain what is queued and keep the newest: frames pile up while the reader sleeps.
  // The older ones go back only after the drain (a fast device could refill a buffer
  // as soon as it is queued), so the loop ends after at most one pass over the buffers.
  std::vector<v4l2_buffer> taken;
  while (taken.size() < m_buffers.size()) {
    v4l2_buffer buf;
    std::memset(&buf, 0, sizeof buf);
    buf.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    buf.memory = V4L2_MEMORY_MMAP;
    if (Xioctl(m_fd, VIDIOC_DQBUF, &buf) == -1) {
      if (errno == EAGAIN) break;
      return MakeError(ErrorKind::kUnavailable, Errno("VIDIOC_DQBUF"));
    }
    if (buf.index >= m_buffers.size()) return MakeError(ErrorKind::kUnavailable, "driver returned a bad buffer index");
    taken.push_back(buf);
  }
  if (taken.empty()) return MakeError(ErrorKind::kUnavailable, "poll said ready but no buffer was");
  v4l2_buffer newest = taken.back();
  taken.pop_back();
  for (v4l2_buffer& older : taken) {
    if (Xioctl(m_fd, VIDIOC_QBUF, &older) == -1) return MakeError(ErrorKind::kUnavailable, Errno("VIDIOC_QBUF"));
  }
  const Buffer& b = m_buffers[newest.index];
  const size_t used = std::min<size_t>(newest.bytesused ? newest.bytesused : b.length, b.length);
  std::span<const uint8_t> data(static_cast<const uint8_t*>(b.start), used);
  Result<Pixels> rgb = MakeError(ErrorKind::kInternal, "unset");
  if (m_fourcc == V4L2_PIX_FMT_YUYV) {
    Pixels image = YuyvToRgb(data, m_width, m_height, m_stride);
    if (image.empty()) {
      rgb = MakeError(ErrorKind::kUnavailable, "short YUYV frame");
    } else {
      rgb = std::move(image);
    }
  } else {
    rgb = DecodeImage(data, PhotoLimits{});
  }
  if (Xioctl(m_fd, VIDIOC_QBUF, &newest) == -1) return MakeError(ErrorKind::kUnavailable, Errno("VIDIOC_QBUF"));
  return rgb;
}

CameraWorker::CameraWorker(std::string path, int preview_side)
    : m_path(std::move(path)), m_preview_side(preview_side) {}

CameraWorker::~CameraWorker() { Stop(); }

void CameraWorker::Start() {
  if (m_thread.joinable()) return;
  m_stop = false;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_error.clear();
  }
  m_thread = std::thread([this] { Run(); });
}

void CameraWorker::Stop() {
  if (!m_thread.joinable()) return;
  m_stop = true;
  m_thread.join();
  std::lock_guard<std::mutex> lock(m_mutex);
  Wipe(&m_frame);
  Wipe(&m_preview);
}

bool CameraWorker::TakePreview(uint64_t* seq, Pixels* out) {
  std::lock_guard<std::mutex> lock(m_mutex);
  if (m_seq == *seq || m_preview.empty()) return false;
  Wipe(out);
  *out = m_preview;
  *seq = m_seq;
  return true;
}

Result<Pixels> CameraWorker::TakeStill() {
  std::lock_guard<std::mutex> lock(m_mutex);
  if (m_frame.empty()) {
    return MakeError(ErrorKind::kUnavailable, m_error.empty() ? "no frame from the camera yet" : m_error);
  }
  Pixels still = std::move(m_frame);
  m_frame = Pixels{};
  return still;
}

std::string CameraWorker::LastError() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_error;
}

void CameraWorker::Run() {
  using namespace std::chrono_literals;
  std::unique_ptr<Camera> camera;
  int failures = 0;  // grabs in a row that gave no frame
  auto set_error = [this](const std::string& e) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_error = e;
  };
  while (!m_stop) {
    if (!camera) {
      Result<std::unique_ptr<Camera>> opened = Camera::Open(m_path);
      if (!opened.ok()) {
        set_error(opened.error().message);
        // A camera being plugged in: try again soon, but do not spin.
        for (int i = 0; i < 10 && !m_stop; ++i) std::this_thread::sleep_for(100ms);
        continue;
      }
      camera = std::move(opened).value();
      std::fprintf(stderr, "camera: %s\n", camera->Description().c_str());
    }
    Result<Pixels> frame = camera->Grab(400);
    if (!frame.ok()) {
      // A UVC camera's first frame after STREAMON can take most of a second, so one
      // timeout is no failure; ~2 s without a frame (or a device error) is: reopen
      // (unplugged and plugged back?) and let the screen say so meanwhile.
      ++failures;
      if (frame.error().kind == ErrorKind::kUnavailable && failures >= 5) {
        set_error(frame.error().message);
        camera.reset();
        failures = 0;
      }
      continue;
    }
    failures = 0;
    Pixels preview = Downscale(*frame, m_preview_side);
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      Wipe(&m_frame);
      Wipe(&m_preview);
      m_frame = std::move(frame.value());
      m_preview = std::move(preview);
      ++m_seq;
      m_error.clear();
    }
    // A few frames a second is a live enough preview and leaves the CPU to the UI.
    for (int i = 0; i < 2 && !m_stop; ++i) std::this_thread::sleep_for(100ms);
  }
}

}  // namespace yimen::media
