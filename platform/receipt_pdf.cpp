#include "platform/receipt_pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "platform/qr_code.h"

extern char** environ;

namespace yimen::platform {
namespace {

constexpr double kMm = 72.0 / 25.4;  // PDF points per millimetre
constexpr double kWidthMm = 80.0;    // a receipt roll
constexpr double kMarginMm = 5.0;

// Lays out `text` at `size_pt` within the printable width; returns its height.
double DrawText(cairo_t* cr, const std::string& text, double size_pt, bool bold, double y,
                bool draw) {
  PangoLayout* layout = pango_cairo_create_layout(cr);
  PangoFontDescription* font = pango_font_description_new();
  pango_font_description_set_family(font, "Noto Sans CJK SC");
  pango_font_description_set_absolute_size(font, size_pt * PANGO_SCALE);
  pango_font_description_set_weight(font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description(layout, font);
  pango_layout_set_width(layout, static_cast<int>((kWidthMm - 2 * kMarginMm) * kMm * PANGO_SCALE));
  pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_text(layout, text.c_str(), static_cast<int>(text.size()));
  int w = 0, h = 0;
  pango_layout_get_size(layout, &w, &h);
  if (draw) {
    // Two layers, so that the page looks as before and still has text (pdftotext, a
    // screen reader, copy and paste). Cairo 1.16 embeds Noto Sans CJK as a CFF subset
    // in which some glyphs are broken: in the subset, 如's charstring calls a local
    // subroutine that no longer holds what it called in the font, and it draws nothing
    // (fontTools: stack underflow; poppler: blank). So the real text goes first, in
    // white (invisible on paper, extracted like any text), and the glyph outlines,
    // which cairo takes from FreeType and never subsets, are filled in black on top.
    cairo_save(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_move_to(cr, kMarginMm * kMm, y);
    pango_cairo_show_layout(cr, layout);
    cairo_restore(cr);
    cairo_move_to(cr, kMarginMm * kMm, y);
    pango_cairo_layout_path(cr, layout);
    cairo_fill(cr);
  }
  pango_font_description_free(font);
  g_object_unref(layout);
  return static_cast<double>(h) / PANGO_SCALE;
}

// Draws (or only measures) the whole receipt; returns its height in points.
double Layout(cairo_t* cr, const ReceiptDoc& doc, bool draw) {
  double y = kMarginMm * kMm;
  y += DrawText(cr, doc.title, 14, true, y, draw) + 2 * kMm;
  y += DrawText(cr, doc.number_label, 9, false, y, draw);
  y += DrawText(cr, doc.app_number, 16, true, y, draw) + 2 * kMm;
  if (auto qr = EncodeQr(doc.qr_text); qr.ok()) {
    double module = 30.0 * kMm / (qr->size + 8);
    double x0 = (kWidthMm * kMm - module * (qr->size + 8)) / 2;
    if (draw) {
      cairo_set_source_rgb(cr, 0, 0, 0);
      for (int qy = 0; qy < qr->size; ++qy) {
        for (int qx = 0; qx < qr->size; ++qx) {
          if (qr->At(qx, qy)) cairo_rectangle(cr, x0 + (qx + 4) * module, y + (qy + 4) * module, module, module);
        }
      }
      cairo_fill(cr);
    }
    y += module * (qr->size + 8) + 2 * kMm;
  }
  for (const std::string& line : doc.lines) y += DrawText(cr, line, 9, false, y, draw) + 1 * kMm;
  if (!doc.footer.empty()) y += 2 * kMm + DrawText(cr, doc.footer, 8, false, y + 2 * kMm, draw);
  return y + kMarginMm * kMm;
}

}  // namespace

Status WriteReceiptPdf(const ReceiptDoc& doc, const std::string& path) {
  // Measure on a scratch surface, then draw on a page exactly as tall as needed.
  cairo_surface_t* scratch = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
  cairo_t* measure = cairo_create(scratch);
  double height = Layout(measure, doc, false);
  cairo_destroy(measure);
  cairo_surface_destroy(scratch);

  cairo_surface_t* surface = cairo_pdf_surface_create(path.c_str(), kWidthMm * kMm, height);
  if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(surface);
    return MakeError(ErrorKind::kUnavailable, "cannot write " + path);
  }
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, doc.title.c_str());
  // The number as metadata too, for staff tools that search receipts.
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, doc.app_number.c_str());
  cairo_t* cr = cairo_create(surface);
  cairo_set_source_rgb(cr, 0, 0, 0);
  Layout(cr, doc, true);
  cairo_show_page(cr);
  cairo_status_t status = cairo_status(cr);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  cairo_status_t finish = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS || finish != CAIRO_STATUS_SUCCESS) {
    return MakeError(ErrorKind::kInternal, std::string("cairo: ") + cairo_status_to_string(
                                                                         status != CAIRO_STATUS_SUCCESS ? status : finish));
  }
  return Status::Ok();
}

Status PrintFile(const std::string& path, const std::string& printer, int timeout_ms) {
  std::vector<std::string> args = {"lp", "-s", "-d", printer, "--", path};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, "lp", nullptr, nullptr, argv.data(), environ) != 0) {
    return MakeError(ErrorKind::kUnavailable, "lp is not installed (package cups-client)");
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  int wstatus = 0;
  while (waitpid(pid, &wstatus, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &wstatus, 0);
      return MakeError(ErrorKind::kUnavailable, "the printer did not answer in time");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
    return MakeError(ErrorKind::kUnavailable, "printer " + printer + " refused the job");
  }
  return Status::Ok();
}

}  // namespace yimen::platform
