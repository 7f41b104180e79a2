// Screenshots of the GL back buffer as PNG: how UI scripts and reviewers see screens.
#pragma once

#include <string>

#include "domain/result.h"

namespace yimen::platform {

// Reads the current GL read buffer (w×h, bottom-up) and writes a top-down RGB PNG.
// Main thread only, with the kiosk's GL context current. Fails with kUnavailable when
// the file cannot be written.
Status SaveBackBufferPng(const std::string& path, int width, int height);

}  // namespace yimen::platform
