// The printable receipt: a PDF (cairo + pango, Noto Sans CJK through fontconfig; the
// text drawn as glyph outlines over an invisible text layer, so pdftotext and screen
// readers find every line) the size of an 80 mm receipt roll, with the application
// number large, its QR code, and the lines the screen shows. Sent to a CUPS printer with `lp` when one is configured.
// No personal data is on it (number, service, dates, materials), so the file may be
// kept for a staff re-print.
#pragma once

#include <string>
#include <vector>

#include "domain/result.h"

namespace yimen::platform {

struct ReceiptDoc {
  std::string title;               // 申请回执
  std::string number_label;        // 申请编号
  std::string app_number;          // BPAD-261123-0001-J
  std::string qr_text;             // what the QR code carries
  std::vector<std::string> lines;  // service, date, time limit, "请携带…", materials…
  std::string footer;              // hall name / how to ask about progress
};

// Writes the receipt as a one-page PDF at `path`. Errors: kUnavailable when the file
// cannot be written, kInternal when cairo fails.
Status WriteReceiptPdf(const ReceiptDoc& doc, const std::string& path);

// Sends a file to a CUPS printer (`lp -d printer`); waits at most `timeout_ms` for `lp`
// to accept the job. Errors: kUnavailable (no lp, no such printer, refused).
Status PrintFile(const std::string& path, const std::string& printer, int timeout_ms = 5000);

}  // namespace yimen::platform
