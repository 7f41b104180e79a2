// The settings a yimen-kiosk run starts from: defaults, the --config file, the flags.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "config/options.h"
#include "host/commands.h"
#include "store/store.h"
#include "version.h"

namespace yimen::host {
namespace {

// The assets of an installed binary (/usr/bin/yimen-kiosk) are the installed ones
// (/usr/share/yimen); a binary anywhere else (a build tree) reads the source tree it
// was built from, or the installed ones when that tree is gone. --assets overrides.
std::string DefaultAssetsDir() {
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  const bool installed = !ec && exe.parent_path() == YIMEN_INSTALL_BINDIR;
  if (!installed && std::filesystem::is_directory(YIMEN_ASSETS_DIR "/catalog", ec)) {
    return YIMEN_ASSETS_DIR;
  }
  return YIMEN_INSTALL_DATADIR;
}

std::string DefaultDataDir() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
    return std::string(xdg) + "/yimen";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::string(home) + "/.local/share/yimen";
  return "/var/lib/yimen";
}

void PrintUsage() {
  std::fprintf(
      stderr,
      "usage: yimen-kiosk [--config FILE] [--print-config] [OPTIONS] [COMMAND]\n"
      "  --config FILE: read settings from a TOML file (/etc/yimen/kiosk.toml);\n"
      "  flags override it. --print-config: print the effective settings and exit.\n"
      "  Each option, with its key in the file (commands: command line only):\n%s",
      yimen::config::UsageTable(yimen::config::SpecsOf(yimen::kiosk::KioskOptionTable())).c_str());
}

}  // namespace

bool LoadFlags(int argc, char** argv, Flags* flags, bool* print_only) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      PrintUsage();
      std::exit(0);
    }
  }
  flags->assets_dir = DefaultAssetsDir();
  flags->staff_throttle_ms = yimen::StaffRepository::kStaffThrottleBaseMs;
  auto loaded = yimen::config::Load(yimen::kiosk::KioskOptionTable(), argc, argv, flags);
  if (!loaded.ok()) {
    std::fprintf(stderr, "yimen-kiosk: %s\n", loaded.error().message.c_str());
    return false;
  }
  if (flags->data_dir.empty()) flags->data_dir = DefaultDataDir();
  *print_only = loaded->print_config;
  if (loaded->print_config) {
    const std::string title =
        "yimen-kiosk: effective configuration" +
        (loaded->config_file.empty() ? std::string(" (no --config file)")
                                     : " from " + loaded->config_file + " and flags");
    std::printf("%s",
                yimen::config::Print(yimen::kiosk::KioskOptionTable(), *flags, title).c_str());
  }
  return true;
}

Result<std::unique_ptr<Store>> OpenDataDir(const std::string& data_dir) {
  auto store = Store::Open(data_dir);
  if (!store.ok()) {
    return MakeError(store.error().kind,
                     "cannot open the data directory " + data_dir + ": " + store.error().message);
  }
  return store;
}

int Fail(const std::string& what) {
  std::fprintf(stderr, "yimen-kiosk: %s\n", what.c_str());
  return 1;
}

}  // namespace yimen::host
