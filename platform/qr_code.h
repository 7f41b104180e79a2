// QR codes for receipts (libqrencode). The matrix is drawn by the UI as rectangles and
// printed later by the receipt printer, so it is plain data here.
#pragma once

#include <string>
#include <vector>

#include "domain/result.h"

namespace yimen::platform {

struct QrMatrix {
  int size = 0;                 // modules per side
  std::vector<bool> dark;       // row-major, size*size
  bool At(int x, int y) const { return dark[static_cast<size_t>(y) * size + x]; }
};

// Encodes `text` (UTF-8, 8-bit mode) at error-correction level M. Fails with
// kInvalidArgument when the text is too long for a QR code. Any thread.
Result<QrMatrix> EncodeQr(const std::string& text);

}  // namespace yimen::platform
