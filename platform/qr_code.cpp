// libqrencode wrapper: one call, copied into our own type, freed at once.
#include "platform/qr_code.h"

#include <qrencode.h>

namespace yimen::platform {

Result<QrMatrix> EncodeQr(const std::string& text) {
  QRcode* code = QRcode_encodeData(static_cast<int>(text.size()),
                                   reinterpret_cast<const unsigned char*>(text.data()), 0,
                                   QR_ECLEVEL_M);
  if (!code) return MakeError(ErrorKind::kInvalidArgument, "text does not fit in a QR code");
  QrMatrix matrix;
  matrix.size = code->width;
  matrix.dark.resize(static_cast<size_t>(code->width) * code->width);
  for (size_t i = 0; i < matrix.dark.size(); ++i) matrix.dark[i] = (code->data[i] & 1) != 0;
  QRcode_free(code);
  return matrix;
}

}  // namespace yimen::platform
