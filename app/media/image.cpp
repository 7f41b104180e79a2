// Decoding and encoding for document photos (image.h). libjpeg reports errors by
// calling a handler that must not return; ours longjmps back to the decode call, so a
// hostile file ends in an error, never in libjpeg's default exit(). PNG goes through
// libpng's simplified API, which does the same setjmp dance inside libpng.
#include "media/image.h"

#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <jpeglib.h>
#include <jerror.h>
#include <png.h>
#include <sodium.h>

namespace yimen::media {
namespace {

Error Unreadable(const std::string& why) { return PhotoError(PhotoProblem::kUnreadable, why); }
Error TooLarge(const std::string& why) { return PhotoError(PhotoProblem::kTooLarge, why); }

// libjpeg's error manager with a way back: error_exit longjmps to `back`. Only plain C
// data lives between setjmp and longjmp in the functions below, so no destructor is
// skipped.
struct JpegError {
  jpeg_error_mgr mgr;
  jmp_buf back;
  char message[JMSG_LENGTH_MAX];
  bool truncated;
};

[[noreturn]] void JpegErrorExit(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<JpegError*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->back, 1);
}

void JpegEmitMessage(j_common_ptr cinfo, int level) {
  // level -1 is a warning about corrupt data. A file that ends early decodes as grey
  // bands: refuse it rather than store half a document.
  auto* err = reinterpret_cast<JpegError*>(cinfo->err);
  if (level == -1 && cinfo->err->msg_code == JWRN_JPEG_EOF) err->truncated = true;
}

void JpegQuiet(j_common_ptr) {}

// Decodes into `out` (sized here); returns false with err->message set on failure.
// Kept free of C++ objects with destructors between setjmp and the end.
bool DecodeJpegInto(const uint8_t* data, size_t size, const PhotoLimits& limits, int max_side,
                    std::vector<uint8_t>* out, int* width, int* height, JpegError* err,
                    bool* too_many_pixels) {
  jpeg_decompress_struct cinfo;
  std::memset(&cinfo, 0, sizeof cinfo);
  cinfo.err = jpeg_std_error(&err->mgr);
  err->mgr.error_exit = JpegErrorExit;
  err->mgr.emit_message = JpegEmitMessage;
  err->mgr.output_message = JpegQuiet;
  err->truncated = false;
  if (setjmp(err->back)) {
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  jpeg_create_decompress(&cinfo);
  // Progressive files buffer every coefficient: cap what one decode may allocate.
  cinfo.mem->max_memory_to_use = 320L * 1024 * 1024;
  jpeg_mem_src(&cinfo, data, static_cast<unsigned long>(size));
  jpeg_read_header(&cinfo, TRUE);
  if (static_cast<int64_t>(cinfo.image_width) * cinfo.image_height > limits.max_source_pixels) {
    *too_many_pixels = true;
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  cinfo.out_color_space = JCS_RGB;
  if (max_side > 0) {
    // The smallest DCT scale whose longer side still covers max_side.
    const unsigned longer = std::max(cinfo.image_width, cinfo.image_height);
    unsigned denom = 8;
    while (denom > 1 && longer / denom < static_cast<unsigned>(max_side)) denom /= 2;
    cinfo.scale_num = 1;
    cinfo.scale_denom = denom;
  }
  jpeg_start_decompress(&cinfo);
  if (cinfo.output_components != 3) {
    std::snprintf(err->message, sizeof err->message, "%d components", cinfo.output_components);
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  *width = static_cast<int>(cinfo.output_width);
  *height = static_cast<int>(cinfo.output_height);
  out->resize(static_cast<size_t>(*width) * *height * 3);
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = out->data() + static_cast<size_t>(cinfo.output_scanline) * *width * 3;
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  if (err->truncated) {
    std::snprintf(err->message, sizeof err->message, "the file ends early");
    return false;
  }
  return true;
}

Result<Pixels> DecodeJpeg(std::span<const uint8_t> bytes, const PhotoLimits& limits, int max_side) {
  Pixels image;
  JpegError err{};
  bool too_many_pixels = false;
  if (!DecodeJpegInto(bytes.data(), bytes.size(), limits, max_side, &image.rgb, &image.width, &image.height,
                      &err, &too_many_pixels)) {
    Wipe(&image);
    if (too_many_pixels) return TooLarge("more pixels than a document photo needs");
    return Unreadable(std::string("JPEG: ") + err.message);
  }
  return image;
}

Result<Pixels> DecodePng(std::span<const uint8_t> bytes, const PhotoLimits& limits) {
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&png, bytes.data(), bytes.size())) {
    return Unreadable(std::string("PNG: ") + png.message);
  }
  if (static_cast<int64_t>(png.width) * png.height > limits.max_source_pixels) {
    png_image_free(&png);
    return TooLarge("more pixels than a document photo needs");
  }
  png.format = PNG_FORMAT_RGB;
  Pixels image;
  image.width = static_cast<int>(png.width);
  image.height = static_cast<int>(png.height);
  image.rgb.resize(PNG_IMAGE_SIZE(png));
  // Transparent parts are shown on white, as on paper.
  const png_color white{255, 255, 255};
  if (!png_image_finish_read(&png, &white, image.rgb.data(), 0, nullptr)) {
    std::string why = png.message;
    png_image_free(&png);
    Wipe(&image);
    return Unreadable("PNG: " + why);
  }
  png_image_free(&png);
  return image;
}

uint8_t Clamp255(int v) { return static_cast<uint8_t>(std::clamp(v, 0, 255)); }

}  // namespace

Error PhotoError(PhotoProblem problem, const std::string& why) {
  const char* tag = problem == PhotoProblem::kTooLarge ? kTooLargeTag : kUnreadableTag;
  return MakeError(ErrorKind::kInvalidArgument, std::string(tag) + ": " + why, tag);
}

PhotoProblem PhotoProblemOf(const Error& error) {
  if (error.code == kTooLargeTag) return PhotoProblem::kTooLarge;
  return PhotoProblem::kUnreadable;
}

Result<Pixels> DecodeImage(std::span<const uint8_t> bytes, const PhotoLimits& limits, int max_side) {
  if (bytes.size() > limits.max_file_bytes) return TooLarge("file of " + std::to_string(bytes.size()) + " bytes");
  static constexpr uint8_t kPng[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (bytes.size() >= 8 && std::memcmp(bytes.data(), kPng, 8) == 0) return DecodePng(bytes, limits);
  if (bytes.size() >= 3 && bytes[0] == 0xff && bytes[1] == 0xd8 && bytes[2] == 0xff) {
    return DecodeJpeg(bytes, limits, max_side);
  }
  return Unreadable("neither PNG nor JPEG");
}

Pixels Downscale(const Pixels& image, int max_side) {
  if (image.empty()) return {};
  const int longer = std::max(image.width, image.height);
  if (max_side <= 0 || longer <= max_side) return image;
  Pixels out;
  out.width = std::max(1, static_cast<int>(static_cast<int64_t>(image.width) * max_side / longer));
  out.height = std::max(1, static_cast<int>(static_cast<int64_t>(image.height) * max_side / longer));
  out.rgb.resize(static_cast<size_t>(out.width) * out.height * 3);
  // Each output pixel is the mean of the source box it covers: sum the box's rows into
  // one row of column sums, then sum across each box's columns.
  std::vector<uint32_t> sums(static_cast<size_t>(image.width) * 3);
  for (int oy = 0; oy < out.height; ++oy) {
    const int y0 = static_cast<int>(static_cast<int64_t>(oy) * image.height / out.height);
    const int y1 = std::max(y0 + 1, static_cast<int>(static_cast<int64_t>(oy + 1) * image.height / out.height));
    std::fill(sums.begin(), sums.end(), 0u);
    for (int y = y0; y < y1; ++y) {
      const uint8_t* row = image.rgb.data() + static_cast<size_t>(y) * image.width * 3;
      for (size_t i = 0; i < sums.size(); ++i) sums[i] += row[i];
    }
    for (int ox = 0; ox < out.width; ++ox) {
      const int x0 = static_cast<int>(static_cast<int64_t>(ox) * image.width / out.width);
      const int x1 = std::max(x0 + 1, static_cast<int>(static_cast<int64_t>(ox + 1) * image.width / out.width));
      const uint32_t n = static_cast<uint32_t>((x1 - x0) * (y1 - y0));
      for (int c = 0; c < 3; ++c) {
        uint32_t total = 0;
        for (int x = x0; x < x1; ++x) total += sums[static_cast<size_t>(x) * 3 + c];
        out.rgb[(static_cast<size_t>(oy) * out.width + ox) * 3 + c] = static_cast<uint8_t>((total + n / 2) / n);
      }
    }
  }
  sodium_memzero(sums.data(), sums.size() * sizeof(uint32_t));
  return out;
}

namespace {

bool EncodeJpegInto(const Pixels& image, int quality, unsigned char** buffer, unsigned long* size,
                    JpegError* err) {
  jpeg_compress_struct cinfo;
  std::memset(&cinfo, 0, sizeof cinfo);
  cinfo.err = jpeg_std_error(&err->mgr);
  err->mgr.error_exit = JpegErrorExit;
  err->mgr.output_message = JpegQuiet;
  if (setjmp(err->back)) {
    jpeg_destroy_compress(&cinfo);
    return false;
  }
  jpeg_create_compress(&cinfo);
  jpeg_mem_dest(&cinfo, buffer, size);
  cinfo.image_width = static_cast<JDIMENSION>(image.width);
  cinfo.image_height = static_cast<JDIMENSION>(image.height);
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, std::clamp(quality, 1, 100), TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<uint8_t*>(image.rgb.data()) + static_cast<size_t>(cinfo.next_scanline) * image.width * 3;
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  return true;
}

}  // namespace

Result<std::vector<uint8_t>> EncodeJpeg(const Pixels& image, int quality) {
  if (image.empty() || image.rgb.size() != static_cast<size_t>(image.width) * image.height * 3) {
    return MakeError(ErrorKind::kInvalidArgument, "EncodeJpeg: empty or mis-sized image");
  }
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  JpegError err{};
  const bool ok = EncodeJpegInto(image, quality, &buffer, &size, &err);
  std::vector<uint8_t> jpeg;
  if (ok) jpeg.assign(buffer, buffer + size);
  if (buffer) {
    sodium_memzero(buffer, size);
    std::free(buffer);
  }
  if (!ok) return MakeError(ErrorKind::kInternal, std::string("JPEG encode: ") + err.message);
  return jpeg;
}

Pixels YuyvToRgb(std::span<const uint8_t> yuyv, int width, int height, size_t stride) {
  if (width <= 0 || height <= 0 || width % 2 != 0 || stride < static_cast<size_t>(width) * 2 ||
      yuyv.size() < stride * (height - 1) + static_cast<size_t>(width) * 2) {
    return {};
  }
  Pixels out;
  out.width = width;
  out.height = height;
  out.rgb.resize(static_cast<size_t>(width) * height * 3);
  for (int y = 0; y < height; ++y) {
    const uint8_t* src = yuyv.data() + stride * y;
    uint8_t* dst = out.rgb.data() + static_cast<size_t>(y) * width * 3;
    for (int x = 0; x < width; x += 2, src += 4) {
      // Two pixels share U and V: Y0 U Y1 V. BT.601 limited range, 8-bit fixed point.
      const int d = src[1] - 128, e = src[3] - 128;
      for (int k = 0; k < 2; ++k) {
        const int c = 298 * (src[k * 2] - 16);
        *dst++ = Clamp255((c + 409 * e + 128) >> 8);
        *dst++ = Clamp255((c - 100 * d - 208 * e + 128) >> 8);
        *dst++ = Clamp255((c + 516 * d + 128) >> 8);
      }
    }
  }
  return out;
}

Result<std::vector<uint8_t>> EncodeForStorage(const Pixels& image, const PhotoLimits& limits) {
  Pixels small = Downscale(image, limits.max_side);
  Result<std::vector<uint8_t>> jpeg = EncodeJpeg(small, limits.quality);
  Wipe(&small);
  if (!jpeg.ok()) return jpeg;
  if (jpeg->size() > limits.max_jpeg_bytes) {
    const size_t size = jpeg->size();
    Wipe(&jpeg.value());
    return TooLarge("JPEG of " + std::to_string(size) + " bytes after re-encoding");
  }
  return jpeg;
}

Result<std::vector<uint8_t>> PrepareImportedPhoto(std::span<const uint8_t> file, const PhotoLimits& limits) {
  Result<Pixels> decoded = DecodeImage(file, limits, limits.max_side);
  if (!decoded.ok()) return decoded.error();
  Result<std::vector<uint8_t>> jpeg = EncodeForStorage(*decoded, limits);
  Wipe(&decoded.value());
  return jpeg;
}

std::string PhotoRef(std::span<const uint8_t> jpeg) {
  unsigned char digest[16];
  crypto_generichash(digest, sizeof digest, jpeg.data(), jpeg.size(), nullptr, 0);
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string("photo:") + hex;
}

void Wipe(Pixels* image) {
  Wipe(&image->rgb);
  image->width = image->height = 0;
}

}  // namespace yimen::media
