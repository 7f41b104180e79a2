// yimen-photo-fixtures DIR: writes the pictures the photo UI script imports, at test
// time (no binaries in the repository): a document-like JPEG with an Exif block, a PNG,
// a broken JPEG, and a noise PNG that is still too large after re-encoding.
#include <png.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "media/image.h"

namespace {

using yimen::media::Pixels;

void Fill(Pixels* p, int x0, int y0, int x1, int y1, uint8_t r, uint8_t g, uint8_t b) {
  for (int y = std::max(0, y0); y < std::min(p->height, y1); ++y) {
    for (int x = std::max(0, x0); x < std::min(p->width, x1); ++x) {
      uint8_t* q = &p->rgb[(static_cast<size_t>(y) * p->width + x) * 3];
      q[0] = r;
      q[1] = g;
      q[2] = b;
    }
  }
}

// A card on a desk: a light card, a portrait box, lines of "text", a coloured band.
Pixels Document(int w, int h, uint8_t band_r, uint8_t band_g, uint8_t band_b) {
  Pixels p;
  p.width = w;
  p.height = h;
  p.rgb.resize(static_cast<size_t>(w) * h * 3);
  Fill(&p, 0, 0, w, h, 92, 84, 76);
  const int cx0 = w / 10, cy0 = h / 8, cx1 = w - w / 10, cy1 = h - h / 8;
  Fill(&p, cx0, cy0, cx1, cy1, 240, 236, 226);
  Fill(&p, cx0, cy0, cx1, cy0 + (cy1 - cy0) / 7, band_r, band_g, band_b);
  const int px0 = cx1 - (cx1 - cx0) / 3, py0 = cy0 + (cy1 - cy0) / 4;
  Fill(&p, px0, py0, cx1 - (cx1 - cx0) / 20, cy1 - (cy1 - cy0) / 8, 170, 180, 196);
  for (int line = 0; line < 5; ++line) {
    const int y = py0 + line * (cy1 - cy0) / 9;
    Fill(&p, cx0 + (cx1 - cx0) / 20, y, px0 - (cx1 - cx0) / 20 - line * w / 40, y + (cy1 - cy0) / 28, 60, 60, 70);
  }
  return p;
}

bool WriteFile(const std::filesystem::path& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out);
}

std::vector<uint8_t> Png(const Pixels& p) {
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  png.width = static_cast<png_uint_32>(p.width);
  png.height = static_cast<png_uint_32>(p.height);
  png.format = PNG_FORMAT_RGB;
  png_alloc_size_t size = 0;
  if (!png_image_write_to_memory(&png, nullptr, &size, 0, p.rgb.data(), 0, nullptr)) return {};
  std::vector<uint8_t> out(size);
  if (!png_image_write_to_memory(&png, out.data(), &size, 0, p.rgb.data(), 0, nullptr)) return {};
  out.resize(size);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: yimen-photo-fixtures DIR\n");
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  // 01: a big JPEG (downscaled on import) carrying an Exif block (dropped on import).
  auto id_card = yimen::media::EncodeJpeg(Document(2400, 1500, 40, 90, 160), 90);
  if (!id_card.ok()) return 1;
  const std::string exif = std::string("Exif\0\0", 6) + "GPS 31.2304N 121.4737E";
  std::vector<uint8_t> app1 = {0xff, 0xe1, static_cast<uint8_t>((exif.size() + 2) >> 8),
                               static_cast<uint8_t>(exif.size() + 2)};
  app1.insert(app1.end(), exif.begin(), exif.end());
  id_card->insert(id_card->begin() + 2, app1.begin(), app1.end());
  // 02: a PNG.
  const std::vector<uint8_t> hukou = Png(Document(1200, 900, 150, 40, 40));
  // 03: a JPEG cut short: unreadable.
  std::vector<uint8_t> broken = *yimen::media::EncodeJpeg(Document(800, 600, 40, 120, 60), 90);
  broken.resize(broken.size() / 3);
  // 04: noise does not compress: over the 1.5 MB limit even after re-encoding.
  Pixels noise;
  noise.width = 1600;
  noise.height = 1200;
  noise.rgb.resize(static_cast<size_t>(noise.width) * noise.height * 3);
  std::mt19937 rng(4);
  for (uint8_t& b : noise.rgb) b = static_cast<uint8_t>(rng());
  const std::vector<uint8_t> noise_png = Png(noise);
  const bool ok = WriteFile(dir / "01-身份证.jpg", *id_card) && WriteFile(dir / "02-户口簿.png", hukou) &&
                  WriteFile(dir / "03-坏文件.jpg", broken) && WriteFile(dir / "04-噪点.png", noise_png) &&
                  WriteFile(dir / "说明.txt", std::vector<uint8_t>{'n', 'o', 't', ' ', 'a', 'n', ' ', 'i', 'm', 'a', 'g', 'e'});
  std::fprintf(stderr, "photo fixtures in %s: %s\n", dir.c_str(), ok ? "written" : "FAILED");
  return ok ? 0 : 1;
}
