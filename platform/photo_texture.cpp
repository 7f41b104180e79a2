// GL textures for document photos (photo_texture.h). GL 1.1 calls only: they are
// exported by libGL itself, no loader needed.
#include "platform/photo_texture.h"

#include <GL/gl.h>

#include <cstdint>
#include <vector>

namespace yimen::platform {

ImTextureID UploadPhotoTexture(const media::Pixels& image) {
  if (image.empty()) return nullptr;
  GLuint texture = 0;
  glGenTextures(1, &texture);
  glBindTexture(GL_TEXTURE_2D, texture);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  // RGB rows of odd widths are not 4-byte aligned.
  GLint alignment = 4;
  glGetIntegerv(GL_UNPACK_ALIGNMENT, &alignment);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGB8, image.width, image.height, 0, GL_RGB, GL_UNSIGNED_BYTE,
               image.rgb.data());
  glPixelStorei(GL_UNPACK_ALIGNMENT, alignment);
  return reinterpret_cast<ImTextureID>(static_cast<intptr_t>(texture));
}

void DeletePhotoTexture(ImTextureID texture, int width, int height) {
  if (!texture) return;
  GLuint id = static_cast<GLuint>(reinterpret_cast<intptr_t>(texture));
  if (width > 0 && height > 0) {
    const std::vector<uint8_t> zeros(static_cast<size_t>(width) * height * 3, 0);
    GLint alignment = 4;
    glGetIntegerv(GL_UNPACK_ALIGNMENT, &alignment);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glBindTexture(GL_TEXTURE_2D, id);
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, zeros.data());
    glPixelStorei(GL_UNPACK_ALIGNMENT, alignment);
  }
  glDeleteTextures(1, &id);
}

}  // namespace yimen::platform
