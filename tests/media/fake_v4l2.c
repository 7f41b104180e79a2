/* A fake V4L2 document camera for tests, loaded with LD_PRELOAD. It answers open,
 * ioctl, mmap, poll and close for one path (/dev/video-fake, or $YIMEN_FAKE_V4L2_PATH)
 * and passes every other call to libc, so app/media/camera.cpp runs its real ioctl
 * sequence without hardware. Frames are YUYV colour bars (fake_v4l2_pattern.h), each
 * queued buffer is "filled" at once, and frame N has a grey 16×16 block at the top left
 * whose luma is 16 + 8 × (N mod 27), so a test can tell which frame it got. With
 * $YIMEN_FAKE_V4L2_MJPEG naming a JPEG file (read at open), it also offers MJPEG, first,
 * and serves that file as every MJPEG frame. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

#include "fake_v4l2_pattern.h"

#define kMaxBuffers 4

static int g_fd = -1;
static int g_streaming;
static uint32_t g_count;
static void* g_mem[kMaxBuffers];
static int g_queued[kMaxBuffers]; /* queue order: 1 + position, 0 = not queued */
static int g_next_order = 1;
static uint32_t g_sequence;
static uint32_t g_format = V4L2_PIX_FMT_YUYV;
static uint8_t* g_jpeg; /* MJPEG mode: the frame served, NULL otherwise */
static size_t g_jpeg_size;

/* MJPEG mode: reads $YIMEN_FAKE_V4L2_MJPEG (at most one frame buffer's size). */
static void LoadJpeg(void) {
  const char* path = getenv("YIMEN_FAKE_V4L2_MJPEG");
  FILE* f;
  free(g_jpeg);
  g_jpeg = NULL;
  g_jpeg_size = 0;
  if (!path || !*path || !(f = fopen(path, "rb"))) return;
  g_jpeg = (uint8_t*)malloc(kFakeFrameBytes);
  if (g_jpeg) g_jpeg_size = fread(g_jpeg, 1, kFakeFrameBytes, f);
  fclose(f);
}

static const char* FakePath(void) {
  const char* p = getenv("YIMEN_FAKE_V4L2_PATH");
  return p && *p ? p : "/dev/video-fake";
}

static int RealOpen(const char* path, int flags, mode_t mode) {
  static int (*real)(const char*, int, ...);
  if (!real) real = (int (*)(const char*, int, ...))dlsym(RTLD_NEXT, "open");
  return real(path, flags, mode);
}

static int OpenFake(const char* path, int flags, mode_t mode, int* handled) {
  *handled = path && strcmp(path, FakePath()) == 0;
  if (!*handled) return -1;
  if (g_fd >= 0) {
    errno = EBUSY;
    return -1;
  }
  /* A real descriptor number, so close() and the kernel agree on it. */
  g_fd = RealOpen("/dev/null", O_RDWR | (flags & O_CLOEXEC), mode);
  g_streaming = 0;
  g_count = 0;
  g_sequence = 0;
  g_format = V4L2_PIX_FMT_YUYV;
  LoadJpeg();
  return g_fd;
}

#define OPEN_WRAPPER(name)                                                        \
  int name(const char* path, int flags, ...) {                                    \
    mode_t mode = 0;                                                              \
    int handled, fd;                                                              \
    if (flags & (O_CREAT | O_TMPFILE)) {                                          \
      va_list ap;                                                                 \
      va_start(ap, flags);                                                        \
      mode = (mode_t)va_arg(ap, int);                                             \
      va_end(ap);                                                                 \
    }                                                                             \
    fd = OpenFake(path, flags, mode, &handled);                                   \
    if (handled) return fd;                                                       \
    {                                                                             \
      static int (*real)(const char*, int, ...);                                  \
      if (!real) real = (int (*)(const char*, int, ...))dlsym(RTLD_NEXT, #name);  \
      return real(path, flags, mode);                                             \
    }                                                                             \
  }
OPEN_WRAPPER(open)
OPEN_WRAPPER(open64)

/* Fills buffer `index` with the next frame; returns the bytes used. */
static uint32_t FillFrame(uint32_t index) {
  uint8_t* p = (uint8_t*)g_mem[index];
  if (g_format == V4L2_PIX_FMT_MJPEG) {
    memcpy(p, g_jpeg, g_jpeg_size);
    return (uint32_t)g_jpeg_size;
  }
  FakeV4l2Pattern(p, kFakeWidth, kFakeHeight);
  FakeV4l2Stamp(p, kFakeWidth, g_sequence);
  return kFakeFrameBytes;
}

static void ResetBuffers(void) {
  uint32_t i;
  for (i = 0; i < kMaxBuffers; ++i) {
    if (g_mem[i]) munmap(g_mem[i], kFakeFrameBytes);
    g_mem[i] = NULL;
    g_queued[i] = 0;
  }
  g_count = 0;
}

static int FakeIoctl(unsigned long request, void* arg) {
  switch (request) {
    case VIDIOC_QUERYCAP: {
      struct v4l2_capability* cap = (struct v4l2_capability*)arg;
      memset(cap, 0, sizeof *cap);
      strcpy((char*)cap->driver, "yimen-fake");
      strcpy((char*)cap->card, "Yimen fake document camera");
      cap->capabilities = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING | V4L2_CAP_DEVICE_CAPS;
      cap->device_caps = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING;
      return 0;
    }
    case VIDIOC_ENUM_FMT: {
      struct v4l2_fmtdesc* d = (struct v4l2_fmtdesc*)arg;
      const uint32_t yuyv_index = g_jpeg ? 1 : 0;
      if (d->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || d->index > yuyv_index) break;
      if (d->index == yuyv_index) {
        d->pixelformat = V4L2_PIX_FMT_YUYV;
        strcpy((char*)d->description, "YUYV 4:2:2");
      } else {
        d->pixelformat = V4L2_PIX_FMT_MJPEG;
        strcpy((char*)d->description, "Motion-JPEG");
      }
      return 0;
    }
    case VIDIOC_S_FMT:
    case VIDIOC_G_FMT: {
      struct v4l2_format* f = (struct v4l2_format*)arg;
      if (f->type != V4L2_BUF_TYPE_VIDEO_CAPTURE) break;
      if (g_streaming && request == VIDIOC_S_FMT) {
        errno = EBUSY;
        return -1;
      }
      /* One size only, like a cheap camera: the driver corrects what was asked. */
      if (request == VIDIOC_S_FMT) {
        g_format = g_jpeg && f->fmt.pix.pixelformat == V4L2_PIX_FMT_MJPEG ? V4L2_PIX_FMT_MJPEG : V4L2_PIX_FMT_YUYV;
      }
      f->fmt.pix.width = kFakeWidth;
      f->fmt.pix.height = kFakeHeight;
      f->fmt.pix.pixelformat = g_format;
      f->fmt.pix.field = V4L2_FIELD_NONE;
      f->fmt.pix.bytesperline = g_format == V4L2_PIX_FMT_MJPEG ? 0 : kFakeWidth * 2;
      f->fmt.pix.sizeimage = kFakeFrameBytes;
      return 0;
    }
    case VIDIOC_REQBUFS: {
      struct v4l2_requestbuffers* r = (struct v4l2_requestbuffers*)arg;
      uint32_t i;
      if (r->memory != V4L2_MEMORY_MMAP || g_streaming) break;
      ResetBuffers();
      g_count = r->count > kMaxBuffers ? kMaxBuffers : r->count;
      for (i = 0; i < g_count; ++i) {
        g_mem[i] = mmap(NULL, kFakeFrameBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (g_mem[i] == MAP_FAILED) {
          g_mem[i] = NULL;
          errno = ENOMEM;
          return -1;
        }
      }
      r->count = g_count;
      return 0;
    }
    case VIDIOC_QUERYBUF: {
      struct v4l2_buffer* b = (struct v4l2_buffer*)arg;
      if (b->index >= g_count) break;
      b->length = kFakeFrameBytes;
      b->m.offset = b->index * 0x100000u;
      return 0;
    }
    case VIDIOC_QBUF: {
      struct v4l2_buffer* b = (struct v4l2_buffer*)arg;
      if (b->index >= g_count || g_queued[b->index]) break;
      g_queued[b->index] = g_next_order++;
      return 0;
    }
    case VIDIOC_DQBUF: {
      struct v4l2_buffer* b = (struct v4l2_buffer*)arg;
      uint32_t i, best = kMaxBuffers;
      if (!g_streaming) break;
      for (i = 0; i < g_count; ++i) {
        if (g_queued[i] && (best == kMaxBuffers || g_queued[i] < g_queued[best])) best = i;
      }
      if (best == kMaxBuffers) {
        errno = EAGAIN;
        return -1;
      }
      g_queued[best] = 0;
      ++g_sequence;
      b->bytesused = FillFrame(best);
      b->index = best;
      b->sequence = g_sequence;
      b->field = V4L2_FIELD_NONE;
      return 0;
    }
    case VIDIOC_STREAMON:
      if (g_count == 0) break;
      g_streaming = 1;
      return 0;
    case VIDIOC_STREAMOFF:
      g_streaming = 0;
      return 0;
    default:
      errno = ENOTTY;
      return -1;
  }
  errno = EINVAL;
  return -1;
}

int ioctl(int fd, unsigned long request, ...) {
  va_list ap;
  void* arg;
  va_start(ap, request);
  arg = va_arg(ap, void*);
  va_end(ap);
  if (fd >= 0 && fd == g_fd) return FakeIoctl(request, arg);
  {
    static int (*real)(int, unsigned long, ...);
    if (!real) real = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
    return real(fd, request, arg);
  }
}

static void* MapFake(size_t length, off_t offset) {
  uint32_t index = (uint32_t)(offset / 0x100000);
  if (index >= g_count || length > kFakeFrameBytes) {
    errno = EINVAL;
    return MAP_FAILED;
  }
  /* The buffer was made at REQBUFS; an mmap of the device hands it out. */
  return g_mem[index];
}

void* mmap(void* addr, size_t length, int prot, int flags, int fd, off_t offset) {
  static void* (*real)(void*, size_t, int, int, int, off_t);
  if (fd >= 0 && fd == g_fd) return MapFake(length, offset);
  if (!real) real = (void* (*)(void*, size_t, int, int, int, off_t))dlsym(RTLD_NEXT, "mmap");
  return real(addr, length, prot, flags, fd, offset);
}

void* mmap64(void* addr, size_t length, int prot, int flags, int fd, off_t offset) {
  return mmap(addr, length, prot, flags, fd, offset);
}

int munmap(void* addr, size_t length) {
  static int (*real)(void*, size_t);
  uint32_t i;
  /* The camera unmaps our buffers: they stay ours until close or the next REQBUFS. */
  for (i = 0; i < g_count; ++i) {
    if (addr == g_mem[i]) return 0;
  }
  if (!real) real = (int (*)(void*, size_t))dlsym(RTLD_NEXT, "munmap");
  return real(addr, length);
}

/* glibc declares poll()'s array write-only, so GCC thinks reading fd is reading
 * uninitialised memory; it is the caller's input. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
int poll(struct pollfd* fds, nfds_t n, int timeout) {
  static int (*real)(struct pollfd*, nfds_t, int);
  const int first_fd = n == 1 ? fds->fd : -1;
  if (first_fd >= 0 && first_fd == g_fd) {
    uint32_t i;
    fds[0].revents = 0;
    for (i = 0; i < g_count; ++i) {
      if (g_streaming && g_queued[i]) fds[0].revents = POLLIN;
    }
    if (fds[0].revents) return 1;
    /* Nothing queued: a real device would time out. */
    return 0;
  }
  if (!real) real = (int (*)(struct pollfd*, nfds_t, int))dlsym(RTLD_NEXT, "poll");
  return real(fds, n, timeout);
}
#pragma GCC diagnostic pop

int close(int fd) {
  static int (*real)(int);
  if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "close");
  if (fd >= 0 && fd == g_fd) {
    g_fd = -1;
    g_streaming = 0;
    {
      static int (*real_munmap)(void*, size_t);
      uint32_t i;
      if (!real_munmap) real_munmap = (int (*)(void*, size_t))dlsym(RTLD_NEXT, "munmap");
      for (i = 0; i < kMaxBuffers; ++i) {
        if (g_mem[i]) real_munmap(g_mem[i], kFakeFrameBytes);
        g_mem[i] = NULL;
        g_queued[i] = 0;
      }
      g_count = 0;
    }
  }
  return real(fd);
}
