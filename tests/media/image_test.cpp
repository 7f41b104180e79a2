// Tests app/media/image.cpp: decode, downscale, encode, the storage limits, and files
// that are broken on purpose (truncated, garbage, bit-flipped, decompression bombs).
#include "media/image.h"

#include <gtest/gtest.h>
#include <png.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <regex>
#include <string_view>

namespace yimen::media {
namespace {

Pixels Gradient(int w, int h) {
  Pixels p;
  p.width = w;
  p.height = h;
  p.rgb.resize(static_cast<size_t>(w) * h * 3);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      uint8_t* q = &p.rgb[(static_cast<size_t>(y) * w + x) * 3];
      q[0] = static_cast<uint8_t>(x * 255 / std::max(1, w - 1));
      q[1] = static_cast<uint8_t>(y * 255 / std::max(1, h - 1));
      q[2] = 128;
    }
  }
  return p;
}

Pixels Noise(int w, int h, unsigned seed) {
  Pixels p;
  p.width = w;
  p.height = h;
  p.rgb.resize(static_cast<size_t>(w) * h * 3);
  std::mt19937 rng(seed);
  for (uint8_t& b : p.rgb) b = static_cast<uint8_t>(rng());
  return p;
}

std::vector<uint8_t> Jpeg(const Pixels& p, int quality = 90) {
  Result<std::vector<uint8_t>> jpeg = EncodeJpeg(p, quality);
  EXPECT_TRUE(jpeg.ok());
  return jpeg.ok() ? *jpeg : std::vector<uint8_t>{};
}

// An RGBA PNG: left half opaque red, right half fully transparent.
std::vector<uint8_t> HalfTransparentPng(int w, int h) {
  std::vector<uint8_t> rgba(static_cast<size_t>(w) * h * 4);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      uint8_t* q = &rgba[(static_cast<size_t>(y) * w + x) * 4];
      q[0] = 255;
      q[1] = q[2] = 0;
      q[3] = x < w / 2 ? 255 : 0;
    }
  }
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  png.width = static_cast<png_uint_32>(w);
  png.height = static_cast<png_uint_32>(h);
  png.format = PNG_FORMAT_RGBA;
  png_alloc_size_t size = 0;
  EXPECT_TRUE(png_image_write_to_memory(&png, nullptr, &size, 0, rgba.data(), 0, nullptr));
  std::vector<uint8_t> out(size);
  EXPECT_TRUE(png_image_write_to_memory(&png, out.data(), &size, 0, rgba.data(), 0, nullptr));
  out.resize(size);
  return out;
}

const uint8_t* At(const Pixels& p, int x, int y) { return &p.rgb[(static_cast<size_t>(y) * p.width + x) * 3]; }

bool Contains(const std::vector<uint8_t>& bytes, std::string_view needle) {
  return std::search(bytes.begin(), bytes.end(), needle.begin(), needle.end()) != bytes.end();
}

TEST(Image, DecodesPngWithTransparencyOnWhite) {
  Result<Pixels> p = DecodeImage(HalfTransparentPng(40, 20), PhotoLimits{});
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->width, 40);
  EXPECT_EQ(p->height, 20);
  EXPECT_EQ(At(*p, 5, 5)[0], 255);
  EXPECT_EQ(At(*p, 5, 5)[1], 0);
  EXPECT_EQ(At(*p, 35, 5)[1], 255);  // transparent → white
}

TEST(Image, JpegRoundTripKeepsTheColours) {
  Pixels src = Gradient(64, 48);
  Result<Pixels> back = DecodeImage(Jpeg(src, 95), PhotoLimits{});
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_EQ(back->width, 64);
  ASSERT_EQ(back->height, 48);
  for (int c = 0; c < 3; ++c) EXPECT_NEAR(At(*back, 32, 24)[c], At(src, 32, 24)[c], 8) << c;
}

TEST(Image, JpegThumbnailDecodeUsesTheSmallestScaleThatCovers) {
  Result<Pixels> p = DecodeImage(Jpeg(Gradient(1600, 800)), PhotoLimits{}, 190);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->width, 200);  // 1/8 scale: 200 ≥ 190
  Result<Pixels> q = DecodeImage(Jpeg(Gradient(1600, 800)), PhotoLimits{}, 300);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->width, 400);  // 1/4
}

TEST(Image, DownscaleKeepsAspectAndAveragesBoxes) {
  Pixels wide = Gradient(3000, 1000);
  Pixels small = Downscale(wide, 1600);
  EXPECT_EQ(small.width, 1600);
  EXPECT_EQ(small.height, 533);
  // A black/white checkerboard halves to even grey.
  Pixels checker;
  checker.width = checker.height = 8;
  checker.rgb.resize(8 * 8 * 3);
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 8; ++x)
      std::memset(&checker.rgb[(y * 8 + x) * 3], (x + y) % 2 ? 255 : 0, 3);
  Pixels grey = Downscale(checker, 4);
  ASSERT_EQ(grey.width, 4);
  for (uint8_t v : grey.rgb) EXPECT_NEAR(v, 128, 1);
  // Small images are left alone.
  EXPECT_EQ(Downscale(checker, 1600).rgb, checker.rgb);
}

TEST(Image, ImportedPhotoIsDownscaledAndLosesItsExif) {
  std::vector<uint8_t> jpeg = Jpeg(Gradient(2400, 1800));
  // An APP1 Exif segment after SOI, with a GPS-looking string in it.
  const std::string payload = std::string("Exif\0\0", 6) + "GPS 31.2304N 121.4737E";
  std::vector<uint8_t> app1 = {0xff, 0xe1, static_cast<uint8_t>((payload.size() + 2) >> 8),
                               static_cast<uint8_t>(payload.size() + 2)};
  app1.insert(app1.end(), payload.begin(), payload.end());
  jpeg.insert(jpeg.begin() + 2, app1.begin(), app1.end());
  ASSERT_TRUE(Contains(jpeg, "GPS 31.2304N"));
  Result<std::vector<uint8_t>> stored = PrepareImportedPhoto(jpeg, PhotoLimits{});
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  EXPECT_FALSE(Contains(*stored, "Exif"));
  EXPECT_FALSE(Contains(*stored, "GPS"));
  Result<Pixels> back = DecodeImage(*stored, PhotoLimits{});
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->width, 1600);
  EXPECT_EQ(back->height, 1200);
  EXPECT_LE(stored->size(), PhotoLimits{}.max_jpeg_bytes);
}

TEST(Image, RefusesAPhotoStillTooLargeAfterReencoding) {
  PhotoLimits limits;
  limits.max_jpeg_bytes = 20 * 1024;  // noise does not compress
  Result<std::vector<uint8_t>> r = EncodeForStorage(Noise(400, 300, 1), limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(PhotoProblemOf(r.error()), PhotoProblem::kTooLarge);
}

TEST(Image, RefusesAFileOverTheFileLimit) {
  PhotoLimits limits;
  limits.max_file_bytes = 100;
  Result<Pixels> r = DecodeImage(Jpeg(Gradient(64, 64)), limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(PhotoProblemOf(r.error()), PhotoProblem::kTooLarge);
}

TEST(Image, RefusesADecompressionBombBeforeDecoding) {
  std::vector<uint8_t> jpeg = Jpeg(Gradient(16, 16));
  // Rewrite the frame header (SOF0: FF C0, length, precision, height, width) to claim
  // 60000 × 60000 pixels.
  bool patched = false;
  for (size_t i = 0; i + 9 < jpeg.size(); ++i) {
    if (jpeg[i] == 0xff && jpeg[i + 1] == 0xc0) {
      jpeg[i + 5] = jpeg[i + 7] = 0xea;
      jpeg[i + 6] = jpeg[i + 8] = 0x60;
      patched = true;
      break;
    }
  }
  ASSERT_TRUE(patched);
  Result<Pixels> r = DecodeImage(jpeg, PhotoLimits{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(PhotoProblemOf(r.error()), PhotoProblem::kTooLarge);
}

TEST(Image, EveryTruncationOfAJpegOrPngIsUnreadable) {
  const std::vector<uint8_t> files[] = {Jpeg(Gradient(120, 90)), HalfTransparentPng(120, 90)};
  for (const std::vector<uint8_t>& file : files) {
    for (size_t cut = 0; cut < file.size(); cut += 1 + cut / 16) {
      std::vector<uint8_t> part(file.begin(), file.begin() + cut);
      Result<Pixels> r = DecodeImage(part, PhotoLimits{});
      ASSERT_FALSE(r.ok()) << "cut at " << cut << " of " << file.size();
      EXPECT_EQ(PhotoProblemOf(r.error()), PhotoProblem::kUnreadable);
    }
  }
}

TEST(Image, GarbageAndBitFlipsNeverCrash) {
  std::mt19937 rng(7);
  // Random bytes behind each format's signature.
  for (int i = 0; i < 50; ++i) {
    std::vector<uint8_t> junk(1 + rng() % 4000);
    for (uint8_t& b : junk) b = static_cast<uint8_t>(rng());
    if (junk[0] != 0xff && junk[0] != 0x89) {
      EXPECT_FALSE(DecodeImage(junk, PhotoLimits{}).ok());
    }
    std::vector<uint8_t> as_jpeg = {0xff, 0xd8, 0xff};
    as_jpeg.insert(as_jpeg.end(), junk.begin(), junk.end());
    std::vector<uint8_t> as_png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    as_png.insert(as_png.end(), junk.begin(), junk.end());
    EXPECT_FALSE(DecodeImage(as_png, PhotoLimits{}).ok());
    Result<Pixels> j = DecodeImage(as_jpeg, PhotoLimits{});
    if (j.ok()) {
      EXPECT_FALSE(j->empty());
    }
  }
  // Flipped bytes in a valid JPEG: decoded (with damage) or refused, never a crash.
  const std::vector<uint8_t> good = Jpeg(Gradient(96, 64));
  int refused = 0;
  for (int i = 0; i < 300; ++i) {
    std::vector<uint8_t> bad = good;
    for (int k = 0; k < 4; ++k) bad[rng() % bad.size()] ^= static_cast<uint8_t>(1 + rng() % 255);
    Result<Pixels> r = DecodeImage(bad, PhotoLimits{});
    if (r.ok()) {
      EXPECT_EQ(r->rgb.size(), static_cast<size_t>(r->width) * r->height * 3);
    } else {
      ++refused;
    }
  }
  EXPECT_GT(refused, 0);
}

TEST(Image, NeitherPngNorJpegIsUnreadable) {
  const std::string gif = "GIF89a\x01\x00\x01\x00";
  Result<Pixels> r = DecodeImage(std::span(reinterpret_cast<const uint8_t*>(gif.data()), gif.size()), PhotoLimits{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(PhotoProblemOf(r.error()), PhotoProblem::kUnreadable);
  EXPECT_FALSE(DecodeImage({}, PhotoLimits{}).ok());
}

TEST(Image, YuyvToRgbConvertsBt601) {
  // Two pixels per macropixel: white+black, then pure red (Y=81, U=90, V=240) twice.
  const std::vector<uint8_t> yuyv = {235, 128, 16, 128, 81, 90, 81, 240};
  Pixels p = YuyvToRgb(yuyv, 4, 1, 8);
  ASSERT_EQ(p.width, 4);
  EXPECT_EQ(At(p, 0, 0)[0], 255);
  EXPECT_EQ(At(p, 0, 0)[2], 255);
  EXPECT_EQ(At(p, 1, 0)[1], 0);
  EXPECT_GE(At(p, 2, 0)[0], 250);
  EXPECT_LE(At(p, 2, 0)[1], 5);
  EXPECT_LE(At(p, 3, 0)[2], 5);
}

TEST(Image, YuyvRefusesShortBuffersAndOddWidths) {
  const std::vector<uint8_t> yuyv(8 * 2 * 3 - 1);
  EXPECT_TRUE(YuyvToRgb(yuyv, 8, 3, 16).empty());
  EXPECT_TRUE(YuyvToRgb(yuyv, 7, 1, 16).empty());
  EXPECT_TRUE(YuyvToRgb(yuyv, 8, 2, 8).empty());  // stride shorter than a row
  // A padded stride reads only each row's first 2 × width bytes.
  std::vector<uint8_t> padded(20 * 2 - 4, 128);
  EXPECT_FALSE(YuyvToRgb(padded, 8, 2, 20).empty());
}

TEST(Image, PhotoRefHasTheFormsFormat) {
  const std::vector<uint8_t> jpeg = Jpeg(Gradient(8, 8));
  const std::string ref = PhotoRef(jpeg);
  EXPECT_TRUE(std::regex_match(ref, std::regex("photo:[0-9a-f]{32}"))) << ref;
  EXPECT_EQ(ref, PhotoRef(jpeg));
  EXPECT_NE(ref, PhotoRef(Jpeg(Gradient(9, 8))));
}

TEST(Image, WipeZeroesAndEmpties) {
  Pixels p = Gradient(4, 4);
  Wipe(&p);
  EXPECT_TRUE(p.empty());
  EXPECT_TRUE(p.rgb.empty());
}

}  // namespace
}  // namespace yimen::media

namespace yimen::media {
namespace {

// Callers branch on Error::code, never on the words of the message (issue 17).
TEST(PhotoProblem, IsReadFromTheCodeNotFromTheMessage) {
  EXPECT_EQ(PhotoProblemOf(PhotoError(PhotoProblem::kTooLarge, "file of 99 bytes")),
            PhotoProblem::kTooLarge);
  EXPECT_EQ(PhotoError(PhotoProblem::kTooLarge, "x").code, kTooLargeTag);
  EXPECT_EQ(PhotoError(PhotoProblem::kUnreadable, "x").code, kUnreadableTag);
  // A message that merely starts with the word is not a size problem...
  EXPECT_EQ(PhotoProblemOf(MakeError(ErrorKind::kInvalidArgument, "too_large: said a proxy")),
            PhotoProblem::kUnreadable);
  // ...and the code decides whatever the message says.
  EXPECT_EQ(PhotoProblemOf(MakeError(ErrorKind::kInvalidArgument, "over the limit", kTooLargeTag)),
            PhotoProblem::kTooLarge);
}

}  // namespace
}  // namespace yimen::media
