/* A vendor library for tests (app/idcard/vendor_abi.h): its "reader" is a file. The
 * device string names the file; no file is no card; a file starting with 'E' makes the
 * reader fail, with 'L' the card leaves mid-read; otherwise the file holds the card's 256
 * text bytes and 1024 photo bytes. Also a WLT "decoder" that paints the photo's first
 * byte as grey. Built a second time with YIMEN_TEST_WLT_ONLY: the decoder alone, a
 * library the kiosk must refuse as a reader. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idcard/vendor_abi.h"

#ifndef YIMEN_TEST_WLT_ONLY
struct reader {
  char path[512];
  char error[64];
};

int yimen_idr_abi_version(void) { return YIMEN_IDR_ABI_VERSION; }

void* yimen_idr_open(const char* device) {
  if (device == NULL || strcmp(device, "refuse") == 0) return NULL;
  struct reader* r = calloc(1, sizeof *r);
  if (r == NULL) return NULL;
  snprintf(r->path, sizeof r->path, "%s", device);
  return r;
}

static int peek(struct reader* r, unsigned char* buffer, size_t size, size_t* got) {
  FILE* f = fopen(r->path, "rb");
  if (f == NULL) return 0;
  *got = fread(buffer, 1, size, f);
  fclose(f);
  return 1;
}

int yimen_idr_present(void* handle) {
  struct reader* r = handle;
  unsigned char first = 0;
  size_t got = 0;
  if (!peek(r, &first, 1, &got)) return 0;
  if (got == 1 && first == 'E') {
    snprintf(r->error, sizeof r->error, "test reader: broken");
    return -1;
  }
  return 1;
}

int yimen_idr_read(void* handle, unsigned char text[256], unsigned char photo[1024]) {
  struct reader* r = handle;
  unsigned char buffer[1280];
  size_t got = 0;
  if (!peek(r, buffer, sizeof buffer, &got)) return 1;
  if (got >= 1 && buffer[0] == 'E') {
    snprintf(r->error, sizeof r->error, "test reader: broken");
    return -5;
  }
  if (got >= 1 && buffer[0] == 'L') return 2;
  if (got != sizeof buffer) return -1;
  memcpy(text, buffer, 256);
  memcpy(photo, buffer + 256, 1024);
  return 0;
}

const char* yimen_idr_error(void* handle) { return ((struct reader*)handle)->error; }

void yimen_idr_close(void* handle) { free(handle); }
#endif

int yimen_wlt_decode(const unsigned char wlt[1024],
                     unsigned char rgb[YIMEN_WLT_WIDTH * YIMEN_WLT_HEIGHT * 3]) {
  if (wlt[0] == 0) return -1;
  memset(rgb, wlt[0], YIMEN_WLT_WIDTH * YIMEN_WLT_HEIGHT * 3);
  return 0;
}
