// Document photos as the kiosk keeps them: decoded from a camera frame or an imported
// PNG/JPEG, downscaled, re-encoded as a plain JPEG with no metadata. Files come from a
// resident's USB stick, so every decoder here treats its input as hostile: bad bytes
// give an error, never a crash or an exit(). No ImGui, no SDL: unit tests run it bare.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/wipe.h"
#include "domain/result.h"

namespace yimen::media {

// 8-bit RGB, rows packed (stride = 3 × width). Holds a resident's document: callers
// wipe it with Wipe() when done.
struct Pixels {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> rgb;

  bool empty() const { return width <= 0 || height <= 0; }
};

// Why a photo was refused; the UI turns each into a plain Chinese sentence.
enum class PhotoProblem {
  kNone,
  kUnreadable,  // not a PNG/JPEG, truncated, corrupt, or absurd dimensions
  kTooLarge,    // the file, or the re-encoded JPEG, is over its limit
};

struct PhotoLimits {
  int max_side = 1600;                        // longer side after downscaling, px
  int quality = 80;                           // JPEG quality of the stored photo
  size_t max_jpeg_bytes = 1536 * 1024;        // the stored JPEG, after re-encoding
  size_t max_file_bytes = 32 * 1024 * 1024;   // an imported file, before decoding
  int64_t max_source_pixels = 50'000'000;     // refuse decompression bombs up front
};

// A refused photo's Error::code is one of these words (its message starts with it too,
// for logs), so callers can tell the resident why (PhotoProblemOf).
inline constexpr const char* kUnreadableTag = "unreadable";
inline constexpr const char* kTooLargeTag = "too_large";
// kInvalidArgument with the problem's code: what every refusal of a photo returns,
// here and where the kiosk reads a photo file. `problem` must not be kNone.
Error PhotoError(PhotoProblem problem, const std::string& why);
// The problem an error names, by its code; kUnreadable for any other error.
PhotoProblem PhotoProblemOf(const Error& error);

// Decodes a PNG or JPEG (sniffed from its first bytes). When max_side > 0 a JPEG is
// decoded at the smallest DCT scale (1/1..1/8) whose longer side is still ≥ max_side,
// which makes thumbnails of big photos cheap; the result is NOT yet downscaled to
// max_side. Errors are PhotoError (code kUnreadableTag or kTooLargeTag).
// Thread-safe (no shared state).
Result<Pixels> DecodeImage(std::span<const uint8_t> bytes, const PhotoLimits& limits, int max_side = 0);

// Area-averaged downscale so the longer side is ≤ max_side (aspect kept, each side
// ≥ 1). Returns a copy when the image is already small enough.
Pixels Downscale(const Pixels& image, int max_side);

// Baseline JPEG, 4:2:0, no EXIF/JFIF extras beyond the required header.
Result<std::vector<uint8_t>> EncodeJpeg(const Pixels& image, int quality);

// YUYV 4:2:2 (V4L2_PIX_FMT_YUYV, BT.601 limited range) to RGB. `stride` is bytes per
// source row (≥ 2 × width); width must be even. Returns empty Pixels when the buffer is
// too short for the size.
Pixels YuyvToRgb(std::span<const uint8_t> yuyv, int width, int height, size_t stride);

// The whole path for a photo that will be stored: downscale to limits.max_side,
// encode at limits.quality, refuse when over limits.max_jpeg_bytes (kTooLargeTag).
Result<std::vector<uint8_t>> EncodeForStorage(const Pixels& image, const PhotoLimits& limits);

// Decode + EncodeForStorage for an imported file. The decoded pixels are wiped.
Result<std::vector<uint8_t>> PrepareImportedPhoto(std::span<const uint8_t> file, const PhotoLimits& limits);

// The draft's attachment reference for a stored JPEG: "photo:" + 32 hex digits of its
// BLAKE2b hash (form.h: 8..64 of [0-9a-f-]).
std::string PhotoRef(std::span<const uint8_t> jpeg);

// Zeroes the pixels (sodium_memzero) and empties the image. Bytes and strings: the
// shared common/wipe.h.
void Wipe(Pixels* image);
using yimen::Wipe;

}  // namespace yimen::media
