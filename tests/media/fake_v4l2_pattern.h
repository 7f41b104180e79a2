/* The fake camera's picture (fake_v4l2.c), shared with the test that checks it: eight
 * vertical colour bars in YUYV (BT.601 limited range) over a 640×480 frame. */
#ifndef YIMEN_FAKE_V4L2_PATTERN_H
#define YIMEN_FAKE_V4L2_PATTERN_H

#include <stdint.h>

enum { kFakeWidth = 640, kFakeHeight = 480, kFakeFrameBytes = 640 * 480 * 2 };

/* Y, U, V of each bar: white, yellow, cyan, green, magenta, red, blue, black. */
static const uint8_t kFakeBars[8][3] = {
    {235, 128, 128}, {210, 16, 146}, {170, 166, 16}, {145, 54, 34},
    {106, 202, 222}, {81, 90, 240},  {41, 240, 110}, {16, 128, 128},
};

static inline void FakeV4l2Pattern(uint8_t* p, int width, int height) {
  int x, y;
  for (y = 0; y < height; ++y) {
    for (x = 0; x < width; x += 2) {
      const uint8_t* bar = kFakeBars[x * 8 / width];
      uint8_t* q = p + (y * width + x) * 2;
      q[0] = bar[0];
      q[1] = bar[1];
      q[2] = bar[0];
      q[3] = bar[2];
    }
  }
}

/* Frame `sequence`'s stamp: a grey 16×16 block at the top left. */
static inline void FakeV4l2Stamp(uint8_t* p, int width, uint32_t sequence) {
  int x, y;
  for (y = 0; y < 16; ++y) {
    for (x = 0; x < 16; x += 2) {
      uint8_t* q = p + (y * width + x) * 2;
      q[0] = q[2] = (uint8_t)(16 + 8 * (sequence % 27));
      q[1] = q[3] = 128;
    }
  }
}

#endif
