// yimen-kiosk: the composition root. Parses flags, opens the store and the catalog,
// makes the window and the glyph atlas, and runs the event-driven loop: it sleeps in
// SDL_WaitEventTimeout and draws only on input, a state change or a script step
// (docs/design.md decision 6), so an untouched kiosk costs almost no CPU.
#include <SDL.h>
#include <imgui.h>
#include <sodium.h>
#include <sqlite3.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "domain/catalog.h"
#include "domain/catalog_versions.h"
#include "ime/handwriting.h"
#include "ime/pinyin_input.h"
#ifdef YIMEN_HAS_VOICE
#include "voice/speaker.h"
#endif
#include "app/kiosk_options.h"
#include "common/base64.h"
#include "common/secret_hash.h"
#include "common/wipe.h"
#include "config/options.h"
#include "media/camera.h"
#include "platform/glyph_atlas.h"
#include "platform/input.h"
#include "platform/photo_texture.h"
#include "platform/process_stats.h"
#include "platform/receipt_pdf.h"
#include "platform/sd_notify.h"
#include "platform/window.h"
#include "store/store.h"
#include "sync/client/engine.h"
#include "sync/client/tls_settings.h"
#include "ui/kiosk_app.h"
#include "ui/script_runner.h"
#include "ui/strings.h"
#include "ui/theme.h"
#include "version.h"

namespace {

using Clock = std::chrono::steady_clock;
volatile std::sig_atomic_t g_stop = 0;

void OnSignal(int) { g_stop = 1; }

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

using Flags = yimen::kiosk::KioskFlags;

std::string DefaultDataDir();

void PrintUsage() {
  std::fprintf(
      stderr,
      "usage: yimen-kiosk [--config FILE] [--print-config] [OPTIONS] [COMMAND]\n"
      "  --config FILE: read settings from a TOML file (/etc/yimen/kiosk.toml);\n"
      "  flags override it. --print-config: print the effective settings and exit.\n"
      "  Each option, with its key in the file (commands: command line only):\n%s",
      yimen::config::UsageTable(yimen::config::SpecsOf(yimen::kiosk::KioskOptionTable())).c_str());
}

// Defaults, then --config FILE, then the flags (app/kiosk_options.h). Returns false
// after saying why on stderr; --print-config prints and sets *print_only.
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

std::string DefaultDataDir() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return std::string(xdg) + "/yimen";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.local/share/yimen";
  return "/var/lib/yimen";
}

// Test-only (env YIMEN_TEST_RECEIPT_JOURNAL=FILE): one line per receipt, appended and
// fsync'ed right after the receipt screen is first drawn, so the crash-loop test
// (tests/faults/) knows which applications a resident saw acknowledged before a SIGKILL.
// Only the application number goes in: no personal data.
class ReceiptJournal {
 public:
  explicit ReceiptJournal(const char* path) {
    if (path && *path) m_fd = ::open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (path && *path && m_fd < 0) std::fprintf(stderr, "receipt journal: cannot open %s\n", path);
  }
  ~ReceiptJournal() {
    if (m_fd >= 0) ::close(m_fd);
  }
  ReceiptJournal(const ReceiptJournal&) = delete;
  ReceiptJournal& operator=(const ReceiptJournal&) = delete;

  // Records `app_number` once (the receipt screen is drawn many times).
  void Shown(const std::string& app_number) {
    if (m_fd < 0 || app_number == m_last) return;
    m_last = app_number;
    std::string line = app_number + "\n";
    if (::write(m_fd, line.data(), line.size()) != static_cast<ssize_t>(line.size()) || ::fsync(m_fd) != 0) {
      std::fprintf(stderr, "receipt journal: write failed\n");
    }
  }

 private:
  int m_fd = -1;
  std::string m_last;
};

int Fail(const std::string& what) {
  std::fprintf(stderr, "yimen-kiosk: %s\n", what.c_str());
  return 1;
}

// --set-staff-pin: the PIN that unlocks --kiosk mode (the staff PIN rule of
// common/secret_hash.h, digits only: the exit screen has a PIN pad), kept as an
// Argon2id hash at the staff cost in the store's settings.
int SetStaffPin(const Flags& flags) {
  auto store = yimen::Store::Open(flags.data_dir);
  if (!store.ok()) return Fail("cannot open the data directory " + flags.data_dir + ": " + store.error().message);
  std::string pin = flags.set_staff_pin;
  if (pin == "-" && !std::getline(std::cin, pin)) return Fail("no PIN on standard input");
  const bool digits = pin.find_first_not_of("0123456789") == std::string::npos;
  if (!digits || !yimen::secret::IsAcceptableStaffPin(pin)) {
    return Fail("the kiosk's exit PIN must be " + std::to_string(yimen::secret::kMinPinDigits) +
                " to " + std::to_string(yimen::secret::kMaxPinDigits) + " digits");
  }
  auto hash = yimen::secret::Hash(pin);
  yimen::Wipe(&pin);
  if (!hash.ok()) return Fail(hash.error().message);
  if (auto s = (*store)->settings().SetSetting("staff.exit_pin_hash", *hash); !s.ok())
    return Fail(s.error().message);
  (void)(*store)->AppendAudit("staff", "staff.pin_set", "");
  std::fprintf(stderr, "staff PIN set for %s\n", flags.data_dir.c_str());
  return 0;
}

// --add-staff NAME: a staff account for staff mode (the hidden gesture, then name and
// PIN). The first is made at installation; adding an existing name resets its PIN and
// its lockout. The PIN (8-20 digits, or a passphrase of 10-64 characters, though the
// login's PIN pad types digits only) comes from --pin or the first line of stdin.
int AddStaff(const Flags& flags) {
  auto store = yimen::Store::Open(flags.data_dir);
  if (!store.ok()) return Fail("cannot open the data directory " + flags.data_dir + ": " + store.error().message);
  std::string pin = flags.staff_pin;
  if (pin.empty() || pin == "-") {
    if (isatty(STDIN_FILENO)) std::fprintf(stderr, "PIN for %s (8-20 digits): ", flags.add_staff.c_str());
    if (!std::getline(std::cin, pin)) return Fail("no PIN on standard input");
  }
  auto added = (*store)->staff().AddStaffAccount(flags.add_staff, pin);
  yimen::Wipe(&pin);
  if (!added.ok()) return Fail(added.error().message);
  std::fprintf(stderr, "staff account \"%s\" set for %s\n", flags.add_staff.c_str(), flags.data_dir.c_str());
  return 0;
}

// The TLS trust for this run: the stored settings, with --ca-file / --server-pin
// replacing their part. kInvalidArgument for a malformed pin.
yimen::Result<yimen::sync::CurlOptions> TlsOptions(const Flags& flags, yimen::Store& store) {
  auto settings = yimen::sync::LoadTlsSettings(store);
  if (!settings.ok()) return settings.error();
  if (!flags.ca_file.empty()) settings->ca_file = flags.ca_file;
  if (!flags.server_pins.empty()) settings->pins = flags.server_pins;
  yimen::sync::CurlOptions options;
  if (auto applied = yimen::sync::ApplyTlsSettings(*settings, &options); !applied.ok()) {
    return applied.error();
  }
  return options;
}

// --enroll: registers this kiosk with the central server. No window. Exit 0 when
// enrolled, 1 when refused (wrong, used or expired code), 75 (EX_TEMPFAIL) when the
// server could not be reached.
int EnrollCommand(const Flags& flags) {
  auto store = yimen::Store::Open(flags.data_dir);
  if (!store.ok()) return Fail("cannot open the data directory " + flags.data_dir + ": " + store.error().message);
  std::vector<std::string> urls;
  std::stringstream list(flags.enroll_url);
  for (std::string url; std::getline(list, url, ',');) {
    if (url.empty()) continue;
    if (auto allowed = yimen::sync::CheckTransportUrl(url); !allowed.ok()) {
      Fail(allowed.error().message);
      return 2;
    }
    urls.push_back(url);
  }
  // The trust given now is what every later start uses (stored before the attempt, so
  // a retried enrollment needs no flags either).
  yimen::sync::TlsSettings tls;
  if (auto stored = yimen::sync::LoadTlsSettings(**store); stored.ok()) tls = *stored;
  if (!flags.ca_file.empty()) tls.ca_file = flags.ca_file;
  if (!flags.server_pins.empty()) tls.pins = flags.server_pins;
  if (auto saved = yimen::sync::SaveTlsSettings(**store, tls); !saved.ok()) {
    Fail(saved.error().message);
    return 2;
  }
  auto curl = TlsOptions(flags, **store);
  if (!curl.ok()) return Fail(curl.error().message);
  yimen::sync::CurlTransport transport(*curl);
  auto enrolled = yimen::sync::EnrollKiosk(**store, urls, flags.enroll_code, &transport);
  if (!enrolled.ok()) {
    Fail(std::string("enrollment failed (") + yimen::ErrorKindName(enrolled.error().kind) + "): " +
         enrolled.error().message);
    return enrolled.error().kind == yimen::ErrorKind::kUnavailable ? 75 : 1;
  }
  std::printf("enrolled: device %lld, hall %s, kiosk code %s\n",
              static_cast<long long>(enrolled->device_id), enrolled->hall.c_str(),
              enrolled->kiosk_code.c_str());
  return 0;
}

// --provision-sealing-key FILE: stores the server's public sealing key (the base64
// line `yimen-admin sealing-key` prints) so the kiosk can take applications before it
// is enrolled; enrollment later replaces it with the key the server sends.
int ProvisionSealingKeyCommand(const Flags& flags) {
  std::ifstream in(flags.sealing_key_file);
  std::string text;
  if (!in || !std::getline(in, text)) return Fail("cannot read " + flags.sealing_key_file);
  while (!text.empty() && (text.back() == '\r' || text.back() == ' ')) text.pop_back();
  auto raw = yimen::Base64Decode(text);
  if (sodium_init() < 0 || !raw.ok() || raw->size() != 32) {
    return Fail(flags.sealing_key_file + " does not hold a base64 32-byte public key");
  }
  auto store = yimen::Store::Open(flags.data_dir);
  if (!store.ok()) return Fail("cannot open the data directory " + flags.data_dir + ": " + store.error().message);
  if (auto s = (*store)->settings().ProvisionSealingKey(*raw); !s.ok())
    return Fail(s.error().message);
  auto key = (*store)->settings().CurrentSealingKey();
  std::fprintf(stderr, "sealing key provisioned for %s (now sealing to key %s)\n",
               flags.data_dir.c_str(), key.ok() ? key->key_id.c_str() : "?");
  return 0;
}

// The published catalog versions stored in the settings, checked by the loader (a broken
// one is logged and left out, so the kiosk keeps what it has). Any thread with its store.
std::vector<std::shared_ptr<const yimen::Catalog>> CheckedCatalogs(
    const yimen::sync::StoredCatalogs& stored) {
  std::vector<std::string> refused;
  auto catalogs = yimen::ParseStoredCatalogs(stored.body, stored.upcoming, &refused);
  for (const std::string& why : refused) std::fprintf(stderr, "catalog: refused %s\n", why.c_str());
  return catalogs;
}

// After --sync-once stored a newer catalog: which versions the kiosk will use, and when.
void ReportStoredCatalogs(const std::string& data_dir) {
  auto store = yimen::Store::Open(data_dir);
  if (!store.ok()) return;
  auto stored = yimen::sync::LoadStoredCatalogs(**store);
  if (!stored.ok()) return;
  for (const auto& catalog : CheckedCatalogs(*stored)) {
    std::printf("sync: catalog %s stored, used for new applications from %s\n",
                catalog->version.c_str(), yimen::FormatIsoDate(catalog->EffectiveFrom()).c_str());
  }
}

// --sync-once: one full cycle (push, status pull, catalog, heartbeat). No window.
// Exit 0 only when the cycle had no error and nothing is left to send.
int SyncOnceCommand(const Flags& flags) {
  yimen::sync::SyncOptions options;
  {
    auto store = yimen::Store::Open(flags.data_dir);
    if (!store.ok()) return Fail("cannot open the data directory " + flags.data_dir + ": " + store.error().message);
    auto curl = TlsOptions(flags, **store);
    if (!curl.ok()) return Fail(curl.error().message);
    options.curl = *curl;
  }
  options.retention = {flags.retention_days, flags.stub_retention_days};
  auto report = yimen::sync::RunSyncOnce(flags.data_dir, options);
  if (!report.ok()) return Fail("sync: " + report.error().message);
  const yimen::sync::CycleReport& r = *report;
  std::printf("sync: created %lld, duplicates %lld, parked %lld, status changes %lld; "
              "left to send %lld, parked in total %lld\n",
              static_cast<long long>(r.created), static_cast<long long>(r.duplicates),
              static_cast<long long>(r.rejected), static_cast<long long>(r.status_changes),
              static_cast<long long>(r.pending_after), static_cast<long long>(r.parked_after));
  if (r.resent_after_restore > 0) {
    std::printf(
        "sync: the server's database was restored from a backup: %lld acknowledged "
        "application(s) queued to be sent again\n",
        static_cast<long long>(r.resent_after_restore));
  }
  if (r.uploads_pending_after > 0) {
    std::printf("sync: %lld attachment(s) still to upload\n",
                static_cast<long long>(r.uploads_pending_after));
  }
  if (r.catalog_updated) ReportStoredCatalogs(flags.data_dir);
  if (r.error) std::fprintf(stderr, "sync: %s\n", r.error->message.c_str());
  return !r.error && r.pending_after == 0 && r.uploads_pending_after == 0 ? 0 : 1;
}

// --resend-acknowledged-since TIME: the server's database was restored from a backup
// taken at TIME (UTC), so what it acknowledged after TIME may be gone: every
// application acknowledged since then whose sealed payload is still held goes back to
// the outbox (docs/operations.md "Backup and restore"). The next sync sends them; the
// server answers `duplicate` for those it kept.
int ResendCommand(const Flags& flags) {
  std::tm utc{};
  char zone = 0;
  if (std::sscanf(flags.resend_since.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &utc.tm_year,
                  &utc.tm_mon, &utc.tm_mday, &utc.tm_hour, &utc.tm_min, &utc.tm_sec, &zone) != 7 ||
      zone != 'Z') {
    return Fail("--resend-acknowledged-since wants a UTC time like 2026-12-03T02:00:00Z");
  }
  utc.tm_year -= 1900;
  utc.tm_mon -= 1;
  const std::time_t since = timegm(&utc);
  auto store = yimen::Store::Open(flags.data_dir);
  if (!store.ok())
    return Fail("cannot open the data directory " + flags.data_dir + ": " + store.error().message);
  auto report = (*store)->applications().ResendAcknowledgedSince(
      std::chrono::system_clock::from_time_t(since));
  if (!report.ok()) return Fail("resend: " + report.error().message);
  std::printf(
      "resend: %lld acknowledged application(s) and %lld photo(s) queued again; "
      "%lld acknowledged since then were already purged and cannot be resent\n",
      static_cast<long long>(report->requeued), static_cast<long long>(report->photos),
      static_cast<long long>(report->purged));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const auto start = Clock::now();
  Flags flags;
  bool print_only = false;
  if (!LoadFlags(argc, argv, &flags, &print_only)) return 2;
  if (print_only) return 0;
  if (flags.version) {
    std::printf("yimen-kiosk %s (%s, %s, %s; SQLite %s; ImGui %s)\nassets: %s\n", YIMEN_VERSION,
                YIMEN_GIT_REV, YIMEN_BUILD_TYPE, YIMEN_COMPILER, sqlite3_libversion(),
                IMGUI_VERSION, flags.assets_dir.c_str());
    return 0;
  }
  // Operator commands: no window, no display needed.
  if (flags.kiosk) {
    // A kiosk process holds residents' plaintext while they type: no core file may
    // keep it, and no other process of the same user may read its memory.
    const struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  }
  if (!flags.sealing_key_file.empty()) return ProvisionSealingKeyCommand(flags);
  if (!flags.enroll_url.empty()) return EnrollCommand(flags);
  if (flags.sync_once) return SyncOnceCommand(flags);
  if (!flags.resend_since.empty()) return ResendCommand(flags);
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);

  // A command that needs no window: set the staff PIN and exit.
  if (!flags.set_staff_pin.empty()) return SetStaffPin(flags);
  if (!flags.add_staff.empty()) return AddStaff(flags);

  if (!flags.headless && !std::getenv("DISPLAY") && !std::getenv("WAYLAND_DISPLAY")) {
    return Fail(
        "no display (neither DISPLAY nor WAYLAND_DISPLAY is set).\n"
        "  Run it on the kiosk's screen, or headless for scripts and screenshots:\n"
        "    yimen-kiosk --headless --script tests/ui/dibao_apply.script --screenshots out/\n"
        "  or under a virtual X server: xvfb-run -a -s \"-screen 0 1080x1920x24\" yimen-kiosk");
  }

  // Start-up phases, reported on the "ready" line so slow starts can be explained.
  auto since_start = [&]() { return std::chrono::duration<double, std::milli>(Clock::now() - start).count(); };
  auto store = yimen::Store::Open(flags.data_dir);
  const double t_store = since_start();
  if (!store.ok()) return Fail("cannot open the data directory " + flags.data_dir + ": " + store.error().message);
  auto catalog = yimen::LoadCatalog(flags.assets_dir + "/catalog");
  if (!catalog.ok()) return Fail("catalog: " + catalog.error().message);
  // Published versions the sync thread stored earlier; newer ones arrive through the slot
  // (docs/catalog.md "What kiosks do").
  std::vector<std::shared_ptr<const yimen::Catalog>> published_catalogs;
  if (auto stored = yimen::sync::LoadStoredCatalogs(**store); stored.ok()) {
    published_catalogs = CheckedCatalogs(*stored);
  }
  yimen::CatalogSlot catalog_slot;
  auto strings = yimen::ui::Strings::Load(flags.assets_dir + "/strings");
  if (!strings.ok()) return Fail("strings: " + strings.error().message);

  const double t_assets = since_start();
  std::vector<yimen::ui::ScriptStep> script_steps;
  if (!flags.script.empty()) {
    std::ifstream in(flags.script);
    if (!in) return Fail("cannot read script " + flags.script);
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = yimen::ui::ParseScript(text.str());
    if (!parsed.ok()) return Fail(flags.script + ": " + parsed.error().message);
    script_steps = std::move(parsed.value());
    if (!flags.screenshots.empty()) std::filesystem::create_directories(flags.screenshots);
  }

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // no files with window positions on a kiosk
  io.LogFilename = nullptr;

  yimen::platform::WindowOptions window_options;
  if (flags.landscape) std::swap(window_options.width, window_options.height);
  window_options.fullscreen = flags.kiosk;
  window_options.headless = flags.headless;
  auto window = yimen::platform::Window::Create(window_options);
  if (!window.ok()) return Fail(window.error().message);

  const double t_window = since_start();
  auto atlas = yimen::platform::GlyphAtlas::Open({});
  if (!atlas.ok()) return Fail(atlas.error().message + " (install fonts-noto-cjk and fonts-dejavu-core)");

  yimen::platform::DisplayFacts facts = (*window)->Facts();
  float px_per_mm = yimen::ui::PxPerMmFromDiagonal(static_cast<float>(flags.screen_inches),
                                                   facts.width_px, facts.height_px);
  yimen::ui::Metrics metrics = yimen::ui::ComputeMetrics(px_per_mm);

  // Declared before the app, so they outlive it (its destructor wipes Rime's data).
  std::unique_ptr<yimen::ime::PinyinInput> pinyin;
  std::unique_ptr<yimen::ime::Handwriting> handwriting;
#ifdef YIMEN_HAS_VOICE
  std::unique_ptr<yimen::voice::Speaker> speaker;
#endif
  // The sync engine runs on its own thread with its own Store; the UI only wakes it
  // after a submit and reads its snapshot. Started only on an enrolled kiosk.
  std::unique_ptr<yimen::sync::SyncEngine> sync_engine;
  if (auto credentials = yimen::sync::LoadCredentials(**store); credentials.ok() && credentials->has_value()) {
    yimen::sync::SyncOptions sync_options;
    auto curl = TlsOptions(flags, **store);
    if (!curl.ok()) return Fail(curl.error().message);
    sync_options.curl = *curl;
    // A quiet kiosk still syncs every interval: it picks up status changes and
    // applications another process put in the store (the fault tests' submitter).
    sync_options.idle_interval = std::chrono::seconds(flags.sync_interval_s);
    sync_options.retention = {flags.retention_days, flags.stub_retention_days};
    // On the sync thread: check, then leave them for the UI thread to take between residents.
    sync_options.on_catalog_stored = [&catalog_slot](const yimen::sync::StoredCatalogs& stored) {
      catalog_slot.Offer(CheckedCatalogs(stored));
    };
    sync_engine = std::make_unique<yimen::sync::SyncEngine>(flags.data_dir, sync_options);
    if (auto started = sync_engine->Start(); !started.ok()) return Fail("sync: " + started.error().message);
  }
  // The document camera: --camera PATH, else the first /dev/video* that captures. It is
  // opened only while a camera screen is up (the worker's thread), so a kiosk without
  // one pays nothing. Declared before the app, which stops it at session end.
  std::unique_ptr<yimen::media::CameraWorker> camera;
  {
    std::string path = flags.camera;
    if (path.empty()) {
      const std::vector<std::string> found = yimen::media::ProbeCameras();
      if (!found.empty()) path = found.front();
    }
    if (!path.empty() && path != "none") {
      camera = std::make_unique<yimen::media::CameraWorker>(path);
      std::fprintf(stderr, "camera: %s\n", path.c_str());
    }
  }
  yimen::ui::KioskApp::Deps deps;
  deps.camera = camera.get();
  deps.import_dir = flags.import_dir;
  deps.photo_limits.max_side = flags.photo_max_side;
  deps.photo_limits.max_jpeg_bytes = static_cast<size_t>(flags.photo_max_kb) * 1024;
  deps.make_texture = [](const yimen::media::Pixels& image) { return yimen::platform::UploadPhotoTexture(image); };
  deps.free_texture = [](ImTextureID texture, int w, int h) { yimen::platform::DeletePhotoTexture(texture, w, h); };
  deps.catalog = &catalog.value();
  deps.published_catalogs = std::move(published_catalogs);
  deps.catalog_slot = &catalog_slot;
  deps.strings = &strings.value();
  deps.store = store->get();
  deps.glyphs = atlas->get();
  deps.metrics = metrics;
  deps.idle_s = flags.idle_s;
  deps.kiosk_mode = flags.kiosk;
  deps.staff_idle_s = flags.staff_idle_s;
  (*store)->staff().SetStaffThrottleBaseMs(flags.staff_throttle_ms);
  deps.staff_session_s = flags.staff_session_s;
  if (auto pin = (*store)->settings().GetSetting("staff.exit_pin_hash");
      pin.ok() && pin->has_value()) {
    deps.exit_pin_hash = **pin;
  }
  deps.countdown_s = flags.idle_countdown_s;
  deps.storage_free = [dir = flags.data_dir]() -> std::optional<uint64_t> {
    struct statvfs fs {};
    if (::statvfs(dir.c_str(), &fs) != 0) return std::nullopt;
    return static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
  };
  if (sync_engine) {
    deps.on_submitted = [engine = sync_engine.get()] { engine->TriggerNow(); };
    deps.sync_snapshot = [engine = sync_engine.get()] { return engine->Snapshot(); };
  }
  yimen::ui::KioskApp app(deps);
  // Receipts: a PDF under <data-dir>/receipts (no personal data on it), printed with
  // lp when a CUPS queue is configured.
  app.SetPrinter([&](const std::string& number, const std::vector<std::string>& lines) -> std::string {
    yimen::ui::Language lang = app.CurrentLanguage();
    yimen::platform::ReceiptDoc doc;
    doc.title = strings->Get(lang, "receipt.paper_title");
    doc.number_label = strings->Get(lang, "receipt.number");
    doc.app_number = number;
    doc.qr_text = "YIMEN:" + number;
    doc.lines = lines;
    doc.footer = strings->Get(lang, "app.subtitle");
    std::string dir = flags.data_dir + "/receipts";
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    std::string path = dir + "/" + number + ".pdf";
    if (auto written = yimen::platform::WriteReceiptPdf(doc, path); !written.ok()) {
      std::fprintf(stderr, "receipt: %s\n", written.error().message.c_str());
      return strings->Get(lang, "receipt.print_failed");
    }
    if (flags.printer.empty()) return strings->Get(lang, "receipt.no_printer");
    if (auto printed = yimen::platform::PrintFile(path, flags.printer); !printed.ok()) {
      std::fprintf(stderr, "receipt: %s\n", printed.error().message.c_str());
      return strings->Get(lang, "receipt.print_failed");
    }
    return strings->Get(lang, "receipt.printing");
  });
  // Every character the catalog and the strings use, before the first frame.
  (*atlas)->Want(app.InitialCodepoints());
  yimen::platform::FontSizes sizes{metrics.body_px, metrics.title_px, metrics.display_px};
  if (auto built = (*atlas)->Build(sizes); !built.ok()) return Fail(built.error().message);

  const double t_fonts = since_start();
  yimen::platform::InputLayer input;
  yimen::ui::WidgetRecorder recorder;
  std::unique_ptr<yimen::ui::ScriptRunner> runner;
  int shot_counter = 0;
  bool first_frame_done = false;
  int frames_to_draw = 1;  // draw at start
  int64_t frames_drawn = 0;

  auto draw_frame = [&](bool present, int64_t* ui_cpu_us) {
    int w = 0, h = 0;
    SDL_GL_GetDrawableSize((*window)->Sdl(), &w, &h);
    io.DisplaySize = ImVec2(static_cast<float>(w), static_cast<float>(h));
    io.DeltaTime = 1.0f / 30.0f;
    input.ApplyToImGui(io);
    int64_t cpu0 = yimen::platform::ThreadCpuMicros();
    recorder.BeginFrame();
    ImGui::NewFrame();
    auto typed = input.TakeText();
    if (!typed.empty() || !input.FramePath().empty()) {
      app.NoteActivity(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count());
    }
    for (auto& ev : typed) app.OnText(ev);
    app.SetPointerPath(input.FramePath());
    app.Frame(&recorder);
    ImGui::Render();
    if (ui_cpu_us) *ui_cpu_us = yimen::platform::ThreadCpuMicros() - cpu0;
    (*window)->RenderDrawData(0.969f, 0.953f, 0.933f);
    if (present) (*window)->Swap();
    ++frames_drawn;
  };

  // Frame gaps: the time between two drawn frames that the UI thread did not spend
  // waiting for input on purpose (a stall: a slow store call, a font build, a lock).
  // Reported on exit so fault tests can check the screen never froze. A script's
  // screenshots (PNG encoding) are test work, not a stall, and are left out too.
  Clock::time_point last_frame_end{};
  double waited_ms = 0, longest_gap_ms = 0;
  int64_t gaps_over_100ms = 0;
  // For the longest gap: the UI thread's CPU in it and its context switches, which
  // tell work (CPU), blocking on a lock or I/O (voluntary) and a busy machine taking
  // the core away (involuntary) apart.
  auto thread_usage = []() {
    struct rusage ru {};
    getrusage(RUSAGE_THREAD, &ru);
    return ru;
  };
  struct rusage usage_at_frame_end = thread_usage();
  double longest_gap_cpu_ms = 0;
  long longest_gap_voluntary = 0, longest_gap_involuntary = 0;

  if (!script_steps.empty()) {
    yimen::ui::ScriptHost host;
    host.recorder = &recorder;
    host.input = &input;
    host.base_dir = std::filesystem::path(flags.script).parent_path().string();
    host.exit_requested = [&]() { return app.ExitRequested(); };
    host.last_spoken = [&]() { return app.LastSpoken(); };
    host.last_spoken_language = [&]() -> std::string {
      if (app.LastSpoken().empty()) return "";
      return app.LastSpokenLanguage() == yimen::ui::SpokenLanguage::kCantonese ? "粤语" : "普通话";
    };
    {
      int sw = 0, sh = 0;
      SDL_GetWindowSize((*window)->Sdl(), &sw, &sh);
      host.screen_w = static_cast<float>(sw);
      host.screen_h = static_cast<float>(sh);
    }
    host.scan = [&](const std::string& needle) {
      // Every file the kiosk or Rime may have written: the data directory and Rime's
      // private user directory.
      std::vector<std::string> roots = {flags.data_dir};
      if (pinyin) roots.push_back(pinyin->UserDir());
      std::vector<std::string> hits;
      for (const std::string& root : roots) {
        std::error_code ec;
        for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
             !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
          if (!it->is_regular_file()) continue;
          std::ifstream in(it->path(), std::ios::binary);
          std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
          if (bytes.find(needle) != std::string::npos) hits.push_back(it->path().string());
        }
      }
      return hits;
    };
    host.screenshot = [&](const std::string& name) -> yimen::Status {
      if (flags.screenshots.empty()) return yimen::Status::Ok();
      const auto shot_start = Clock::now();
      char prefix[16];
      std::snprintf(prefix, sizeof prefix, "%02d-", ++shot_counter);
      // Draw the current state once more into the back buffer and read it back.
      draw_frame(false, nullptr);
      yimen::Status saved = (*window)->SaveScreenshot(flags.screenshots + "/" + prefix + name + ".png");
      waited_ms += std::chrono::duration<double, std::milli>(Clock::now() - shot_start).count();
      return saved;
    };
    host.bench = [&](int frames, std::vector<int64_t>* ui_cpu, std::vector<int64_t>* wall) {
      for (int i = 0; i < frames; ++i) {
        auto t0 = Clock::now();
        int64_t cpu = 0;
        draw_frame(true, &cpu);
        ui_cpu->push_back(cpu);
        wall->push_back(std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count());
      }
    };
    runner = std::make_unique<yimen::ui::ScriptRunner>(std::move(script_steps), host);
  }

  // Input methods: started after the first frame so they do not delay it. Without
  // them the kiosk still works (numeric pad, choices); it says what is missing.
  bool input_methods_started = false;
  auto start_input_methods = [&]() {
    input_methods_started = true;
    auto t0 = Clock::now();
    yimen::ime::PinyinOptions options;
    yimen::platform::GlyphAtlas* glyphs = atlas->get();
    options.can_show = [glyphs](const std::string& text) { return glyphs->CanDrawAll(text); };
    if (auto p = yimen::ime::PinyinInput::Open(options); p.ok()) {
      pinyin = std::move(*p);
    } else {
      std::fprintf(stderr, "pinyin keyboard off: %s\n", p.error().message.c_str());
    }
    app.SetInputMethods(pinyin.get(), nullptr);
    // The handwriting model (26 MB resident once read) loads when a pad is first used.
    app.SetHandwritingLoader([&]() -> yimen::ime::Handwriting* {
      auto h0 = Clock::now();
      if (auto h = yimen::ime::Handwriting::Open(); h.ok()) {
        handwriting = std::move(*h);
        std::fprintf(stderr, "handwriting: model loaded in %.0f ms\n",
                     std::chrono::duration<double, std::milli>(Clock::now() - h0).count());
      } else {
        std::fprintf(stderr, "handwriting off: %s\n", h.error().message.c_str());
      }
      return handwriting.get();
    });
#ifdef YIMEN_HAS_VOICE
    if (flags.voice) {
      // The voice (普通话 or 粤语), opened on the first 读给我听 (its dictionaries take ~15 MB and load
      // on the speaker's own thread).
      app.SetVoice([&, voice_failed = false](const std::string& text,
                                             yimen::ui::SpokenLanguage language) mutable {
        if (voice_failed) return;
        if (!speaker) {
          yimen::voice::SpeakerOptions voice_options;
          voice_options.volume = flags.volume;
          voice_options.voice.reader.readings = flags.assets_dir + "/voice/mandarin_readings.txt";
          voice_options.voice.cantonese_readings = flags.assets_dir + "/voice/cantonese_readings.txt";
          if (auto s = yimen::voice::Speaker::Open(voice_options); s.ok()) {
            speaker = std::move(*s);
          } else {
            std::fprintf(stderr, "voice off: %s\n", s.error().message.c_str());
            voice_failed = true;
            return;
          }
        }
        speaker->Say(text, language == yimen::ui::SpokenLanguage::kCantonese
                               ? yimen::voice::VoiceLanguage::kCantonese
                               : yimen::voice::VoiceLanguage::kMandarin);
      });
    }
#endif
    std::fprintf(stderr, "input methods: pinyin %s, handwriting on first use, in %.0f ms\n",
                 pinyin ? "on" : "off",
                 std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  };

  int exit_code = 0;
  const bool offscreen = (*window)->VideoDriver() == "offscreen";
  if (flags.kiosk) SDL_DisableScreenSaver();
  // Under systemd (Type=notify, WatchdogSec=): READY after the first frame, then a
  // watchdog ping from this loop, so a hung UI thread gets the kiosk restarted.
  yimen::platform::SystemdNotifier systemd;
  int64_t next_watchdog_ms = 0;
  ReceiptJournal receipt_journal(std::getenv("YIMEN_TEST_RECEIPT_JOURNAL"));
  while (!g_stop) {
    const int64_t now_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
    if (first_frame_done && flags.exit_after_ms >= 0 && now_ms >= flags.exit_after_ms) break;
    if (app.ExitRequested() && !(runner && runner->WantsFrames())) {
      std::fprintf(stderr, "kiosk: staff PIN accepted, exiting\n");
      break;
    }
    if (first_frame_done && systemd.WatchdogIntervalMs() > 0 && now_ms >= next_watchdog_ms) {
      systemd.Notify("WATCHDOG=1");
      next_watchdog_ms = now_ms + systemd.WatchdogIntervalMs();
    }

    bool busy = frames_to_draw > 0 || input.HasPending() || (*atlas)->NeedsGrow() ||
                (runner && runner->WantsFrames() && runner->SleepHintMs(now_ms) == 0);
    app.Tick(now_ms);
    if (app.TakeDirty()) frames_to_draw = std::max(frames_to_draw, 2);
    busy = busy || frames_to_draw > 0;
    int timeout_ms = busy ? 0 : app.WakeInMs();
    if (runner && !busy && runner->WantsFrames()) {
      int hint = static_cast<int>(runner->SleepHintMs(now_ms));
      timeout_ms = timeout_ms < 0 ? hint : std::min(timeout_ms, hint);
    }
    if (systemd.WatchdogIntervalMs() > 0 && first_frame_done) {
      int left = std::max<int>(1, static_cast<int>(next_watchdog_ms - now_ms));
      timeout_ms = timeout_ms < 0 ? left : std::min(timeout_ms, left);
    }
    if (flags.exit_after_ms >= 0) {
      int left = std::max<int>(0, static_cast<int>(flags.exit_after_ms - now_ms));
      timeout_ms = timeout_ms < 0 ? left : std::min(timeout_ms, left);
    }
    SDL_Event event;
    bool got = false;
    const auto wait_start = Clock::now();
    if (timeout_ms == 0) {
      got = SDL_PollEvent(&event);
    } else if (offscreen) {
      // SDL's offscreen driver cannot block for events: its SDL_WaitEventTimeout polls
      // every millisecond (1.3 % of a core idle). Nothing outside can reach a headless
      // kiosk but signals, so sleep in 250 ms steps instead.
      SDL_Delay(static_cast<Uint32>(timeout_ms < 0 ? 250 : std::min(timeout_ms, 250)));
      got = SDL_PollEvent(&event);
    } else {
      got = SDL_WaitEventTimeout(&event, timeout_ms < 0 ? 60000 : timeout_ms);
    }
    if (timeout_ms != 0) waited_ms += std::chrono::duration<double, std::milli>(Clock::now() - wait_start).count();
    int w = 0, h = 0;
    SDL_GetWindowSize((*window)->Sdl(), &w, &h);
    while (got) {
      if (event.type == SDL_QUIT) {
        // In --kiosk mode only the staff PIN (or SIGTERM from systemd) ends the kiosk.
        if (flags.kiosk) std::fprintf(stderr, "kiosk: window close ignored (staff PIN to exit)\n");
        else g_stop = 1;
      }
      if (input.HandleEvent(event, w, h)) frames_to_draw = std::max(frames_to_draw, 3);
      got = SDL_PollEvent(&event);
    }
    if (app.TakeDirty()) frames_to_draw = std::max(frames_to_draw, 2);
    bool script_step_due = runner && runner->WantsFrames() &&
                           runner->SleepHintMs(now_ms) == 0;
    if (frames_to_draw <= 0 && !input.HasPending() && !script_step_due && !(*atlas)->NeedsGrow()) continue;

    draw_frame(true, nullptr);
    if (first_frame_done) {
      double gap = std::chrono::duration<double, std::milli>(Clock::now() - last_frame_end).count() - waited_ms;
      if (gap > longest_gap_ms || gap > 250) {
        struct rusage now_usage = thread_usage();
        auto ms = [](const timeval& tv) { return tv.tv_sec * 1e3 + tv.tv_usec / 1e3; };
        const double cpu_ms = ms(now_usage.ru_utime) + ms(now_usage.ru_stime) -
                              ms(usage_at_frame_end.ru_utime) - ms(usage_at_frame_end.ru_stime);
        const long voluntary = now_usage.ru_nvcsw - usage_at_frame_end.ru_nvcsw;
        const long involuntary = now_usage.ru_nivcsw - usage_at_frame_end.ru_nivcsw;
        if (gap > longest_gap_ms) {
          longest_gap_ms = gap;
          longest_gap_cpu_ms = cpu_ms;
          longest_gap_voluntary = voluntary;
          longest_gap_involuntary = involuntary;
        }
        if (gap > 250) {
          std::fprintf(stderr, "frame gap: %.0f ms before frame %lld (screen %d; UI thread CPU %.0f ms, %ld/%ld switches)\n",
                       gap, static_cast<long long>(frames_drawn), static_cast<int>(app.CurrentScreen()), cpu_ms,
                       voluntary, involuntary);
        }
      }
      if (gap > 100) ++gaps_over_100ms;
    }
    last_frame_end = Clock::now();  // what follows (font builds, script steps) counts
    usage_at_frame_end = thread_usage();
    waited_ms = 0;
    if (app.CurrentScreen() == yimen::ui::Screen::kReceipt && app.CurrentSession().receipt) {
      receipt_journal.Shown(app.CurrentSession().receipt->app_number);
    }
    if (!first_frame_done) {
      first_frame_done = true;
      systemd.Notify("READY=1");
      auto ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
      const auto& st = (*atlas)->Stats();
      std::fprintf(stderr,
                   "ready: first frame in %.0f ms (store %.0f, catalog+strings %.0f, window+GL %.0f, "
                   "fonts %.0f, frame %.0f; glyphs %d, atlas %dx%d alpha8; %s, %s)\n",
                   ms, t_store, t_assets - t_store, t_window - t_assets, t_fonts - t_window,
                   ms - t_fonts, st.glyphs, st.tex_width, st.tex_height,
                   (*window)->VideoDriver().c_str(), (*window)->GlRenderer().c_str());
    }
    if (!input_methods_started) start_input_methods();
    if (frames_to_draw > 0) --frames_to_draw;
    if (app.TakeDirty()) frames_to_draw = std::max(frames_to_draw, 2);
    // 长者模式 switched: the fonts change size, between frames.
    {
      const yimen::ui::Metrics& am = app.ActiveMetrics();
      yimen::platform::FontSizes wanted{am.body_px, am.title_px, am.display_px};
      if (wanted.body != sizes.body || wanted.title != sizes.title || wanted.display != sizes.display) {
        sizes = wanted;
        if (auto rebuilt = (*atlas)->Build(sizes); !rebuilt.ok()) return Fail(rebuilt.error().message);
        std::fprintf(stderr, "glyphs: fonts rebuilt at %.0f/%.0f/%.0f px in %.1f ms\n", sizes.body,
                     sizes.title, sizes.display, (*atlas)->Stats().build_ms);
        frames_to_draw = std::max(frames_to_draw, 2);
      }
    }
    // Characters seen for the first time this frame: grow the atlas between frames.
    if ((*atlas)->NeedsGrow()) {
      if (auto grown = (*atlas)->Build(sizes); !grown.ok()) return Fail(grown.error().message);
      std::fprintf(stderr, "glyphs: atlas grew to %d glyphs (%dx%d) in %.1f ms\n",
                   (*atlas)->Stats().glyphs, (*atlas)->Stats().tex_width,
                   (*atlas)->Stats().tex_height, (*atlas)->Stats().build_ms);
      frames_to_draw = std::max(frames_to_draw, 1);
    }
    if (runner) {
      const int64_t tick_ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
      if (auto s = runner->Tick(tick_ms); !s.ok()) {
        std::fprintf(stderr, "yimen-kiosk: %s\n", s.error().message.c_str());
        exit_code = 3;
        break;
      }
      if (runner->Done()) {
        std::fprintf(stderr, "script: all %zu steps passed (%lld frames)\n", runner->StepIndex(),
                     static_cast<long long>(frames_drawn));
        break;
      }
    }
  }
  std::fprintf(stderr,
               "frames: %lld drawn, longest gap between frames %.1f ms (waits for input excluded; UI thread CPU "
               "%.1f ms, %ld voluntary / %ld involuntary switches in it), %lld over 100 ms\n",
               static_cast<long long>(frames_drawn), longest_gap_ms, longest_gap_cpu_ms, longest_gap_voluntary,
               longest_gap_involuntary, static_cast<long long>(gaps_over_100ms));
  systemd.Notify("STOPPING=1");
  app.EndSession();  // wipes the resident's in-memory data
  app.SetInputMethods(nullptr, nullptr);
  app.SetHandwritingLoader(nullptr);
  app.SetVoice(nullptr);
  sync_engine.reset();  // finishes the request in flight (bounded by curl's timeouts)
  atlas->reset();   // its GL texture goes before the GL context
  window->reset();
  ImGui::DestroyContext();
  return exit_code;
}
