// glReadPixels + stb_image_write (Debian's libstb ships the implementation).
#include "platform/screenshot.h"

#include <GL/gl.h>
#include <stb_image_write.h>

#include <vector>

namespace yimen::platform {

Status SaveBackBufferPng(const std::string& path, int width, int height) {
  if (width <= 0 || height <= 0) {
    return MakeError(ErrorKind::kInvalidArgument, "screenshot of an empty window");
  }
  std::vector<unsigned char> pixels(static_cast<size_t>(width) * height * 3);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
  stbi_flip_vertically_on_write(1);
  if (!stbi_write_png(path.c_str(), width, height, 3, pixels.data(), width * 3)) {
    return MakeError(ErrorKind::kUnavailable, "cannot write screenshot " + path);
  }
  return Status::Ok();
}

}  // namespace yimen::platform
