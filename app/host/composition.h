// The windowed kiosk's composition root: opens the store, the catalog and the strings,
// makes the window and the glyph atlas, starts the sync engine on an enrolled kiosk,
// wires KioskApp to them, and hands over to the loop (host/kiosk_loop.h).
#pragma once

#include <chrono>
#include <csignal>

#include "host/commands.h"

namespace yimen::host {

// Runs the kiosk until `*stop`, the staff PIN, --exit-after-ms or a script's end;
// returns the process's exit code. `start` is when the process started (the "ready"
// line counts from it).
int RunKiosk(const Flags& flags, std::chrono::steady_clock::time_point start,
             volatile std::sig_atomic_t* stop);

}  // namespace yimen::host
