// Document photos on screen: an RGB image becomes an OpenGL texture ImGui can draw,
// and goes away zeroed. The UI reaches these through KioskApp::Deps (std::function),
// so its unit tests need no GL.
#pragma once

#include <imgui.h>

#include "media/image.h"

namespace yimen::platform {

// Uploads `image` (RGB8, packed rows) as a linear-filtered texture. Returns nullptr
// for an empty image. Main thread, with the GL context current.
ImTextureID UploadPhotoTexture(const media::Pixels& image);

// Overwrites the texture with zeros (the driver may reuse its memory for the next
// texture) and deletes it. width/height are the uploaded size. nullptr is a no-op.
// Main thread, with the GL context current.
void DeletePhotoTexture(ImTextureID texture, int width, int height);

}  // namespace yimen::platform
