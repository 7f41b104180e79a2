// yimen-kiosk: reads the settings, runs a one-shot command (no window) when one is
// given, else the windowed kiosk. The commands live in app/host/commands_*.cpp, the
// kiosk's composition root in app/host/composition.cpp and its loop in
// app/host/kiosk_loop.cpp (docs/architecture.md "app/host").
#include <imgui.h>
#include <sqlite3.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <chrono>
#include <csignal>
#include <cstdio>

#include "host/commands.h"
#include "host/composition.h"
#include "version.h"

namespace {

volatile std::sig_atomic_t g_stop = 0;

void OnSignal(int) { g_stop = 1; }

// A kiosk process holds residents' plaintext while they type: no core file may keep it,
// and no other process of the same user may read its memory.
void ForbidCoreDumps() {
  const struct rlimit no_core = {0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

}  // namespace

int main(int argc, char** argv) {
  namespace host = yimen::host;
  const auto start = std::chrono::steady_clock::now();
  host::Flags flags;
  bool print_only = false;
  if (!host::LoadFlags(argc, argv, &flags, &print_only)) return 2;
  if (print_only) return 0;
  if (flags.version) {
    std::printf("yimen-kiosk %s (%s, %s, %s; SQLite %s; ImGui %s)\nassets: %s\n", YIMEN_VERSION,
                YIMEN_GIT_REV, YIMEN_BUILD_TYPE, YIMEN_COMPILER, sqlite3_libversion(),
                IMGUI_VERSION, flags.assets_dir.c_str());
    return 0;
  }
  if (flags.kiosk) ForbidCoreDumps();
  // Operator commands: no window, no display needed.
  if (!flags.sealing_key_file.empty()) return host::ProvisionSealingKeyCommand(flags);
  if (!flags.enroll_url.empty()) return host::EnrollCommand(flags);
  if (flags.sync_once) return host::SyncOnceCommand(flags);
  if (!flags.resend_since.empty()) return host::ResendCommand(flags);
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  if (!flags.set_staff_pin.empty()) return host::SetStaffPinCommand(flags);
  if (!flags.add_staff.empty()) return host::AddStaffCommand(flags);
  return host::RunKiosk(flags, start, &g_stop);
}
