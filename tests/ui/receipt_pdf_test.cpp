// The printable receipt: a real PDF from cairo + pango, checked with poppler-utils: its
// metadata carries the number, and rendered it shows every character — the glyph
// outlines of 如 (which cairo 1.16's font subsetting dropped) are drawn, so the page
// differs from the same receipt without that character.
#include "platform/receipt_pdf.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace yimen::platform {
namespace {

std::string RunCommand(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return out;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  pclose(pipe);
  return out;
}

// A receipt as the kiosk makes one (the name already masked), with `lines`.
ReceiptDoc SampleReceipt(std::vector<std::string> lines) {
  ReceiptDoc doc;
  doc.title = "申请回执";
  doc.number_label = "受理编号";
  doc.app_number = "BPAD-261123-0001-J";
  doc.qr_text = "YIMEN:BPAD-261123-0001-J";
  doc.lines = std::move(lines);
  doc.footer = "社区综合服务大厅";
  return doc;
}

std::string TempPdf(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         ("yimen-" + name + "-" + std::to_string(getpid()) + ".pdf");
}

TEST(ReceiptPdf, HoldsTheNumberAndTheChineseText) {
  std::string path = TempPdf("receipt");
  ReceiptDoc doc = SampleReceipt({"申请事项：最低生活保障（低保）", "提交日期：2026-11-23",
                                  "请携带以下材料原件，到社区服务窗口核验：", "· 居民身份证", "· 户口簿"});
  ASSERT_TRUE(WriteReceiptPdf(doc, path).ok());
  std::ifstream in(path, std::ios::binary);
  std::string head(5, '\0');
  in.read(head.data(), 5);
  EXPECT_EQ(head, "%PDF-");
  std::string info = RunCommand("pdfinfo '" + path + "' 2>/dev/null");
  EXPECT_NE(info.find("BPAD-261123-0001-J"), std::string::npos) << info;
  // Rendered as a plain greyscale image (PGM), the 如 line has ink where the same
  // receipt without 如 has none.
  auto render = [&](const std::string& pdf) {
    return RunCommand("pdftoppm -gray -r 150 '" + pdf + "' 2>/dev/null");
  };
  auto dark_pixels = [](const std::string& pgm) {
    // P5 header: "P5\nW H\n255\n", then one byte a pixel.
    size_t pos = 0;
    for (int newlines = 0; pos < pgm.size() && newlines < 3; ++pos) newlines += pgm[pos] == '\n';
    size_t dark = 0;
    for (size_t i = pos; i < pgm.size(); ++i) dark += static_cast<unsigned char>(pgm[i]) < 128;
    return dark;
  };
  ReceiptDoc with_ru = doc;
  with_ru.lines.push_back("如");
  std::string path_ru = path + ".ru.pdf";
  ASSERT_TRUE(WriteReceiptPdf(with_ru, path_ru).ok());
  size_t base = dark_pixels(render(path)), more = dark_pixels(render(path_ru));
  EXPECT_GT(base, 5000u) << "the receipt renders with ink";
  EXPECT_GT(more, base + 100) << "如 must leave ink on the page";
  std::filesystem::remove(path);
  std::filesystem::remove(path_ru);
}

// Without whitespace: pango wraps long lines, pdftotext adds line breaks and spaces.
std::string Squeezed(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c != ' ' && c != '\n' && c != '\f') out += c;
  }
  return out;
}

// The page's text layer (pdftotext) holds every line of the receipt, 如 included, and
// only what the kiosk put on it: a masked name, never the typed one.
TEST(ReceiptPdf, HasATextLayerWithEveryLine) {
  std::string path = TempPdf("receipt-text");
  ReceiptDoc doc = SampleReceipt(
      {"申请人：欧阳*", "申请事项：最低生活保障（低保）", "提交日期：2026-11-23",
       "如有疑问，请凭回执到社区服务窗口咨询，或在本机“查询办理进度”中输入受理编号和身份证号后 6 位。",
       "· 居民身份证", "· 户口簿"});
  ASSERT_TRUE(WriteReceiptPdf(doc, path).ok());
  std::string text = Squeezed(RunCommand("pdftotext -enc UTF-8 '" + path + "' - 2>/dev/null"));
  ASSERT_FALSE(text.empty()) << "no text layer";
  std::vector<std::string> all = doc.lines;
  all.insert(all.end(), {doc.title, doc.number_label, doc.app_number, doc.footer});
  for (const std::string& line : all) {
    EXPECT_NE(text.find(Squeezed(line)), std::string::npos) << "missing: " << line << "\nin: " << text;
  }
  EXPECT_EQ(text.find("欧阳燚"), std::string::npos);
  std::filesystem::remove(path);
}

TEST(ReceiptPdf, SaysWhenItCannotWrite) {
  ReceiptDoc doc;
  doc.title = "申请回执";
  doc.app_number = "X";
  EXPECT_FALSE(WriteReceiptPdf(doc, "/nonexistent-dir/receipt.pdf").ok());
}

TEST(ReceiptPdf, ReportsAPrinterThatDoesNotExist) {
  // No CUPS queue by this name on any test machine: lp refuses, or is not installed.
  Status printed = PrintFile("/dev/null", "yimen-no-such-printer", 3000);
  EXPECT_FALSE(printed.ok());
}

}  // namespace
}  // namespace yimen::platform
