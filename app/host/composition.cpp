#include "host/composition.h"

#include <SDL.h>
#include <imgui.h>
#include <sys/statvfs.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/wipe.h"
#include "domain/app_number.h"
#include "domain/catalog.h"
#include "domain/catalog_versions.h"
#include "host/input_methods.h"
#include "host/kiosk_loop.h"
#include "host/ui_script_host.h"
#include "idcard/poller.h"
#include "idcard/sam_simulator.h"
#include "idcard/serial_reader.h"
#include "idcard/vendor_reader.h"
#include "media/camera.h"
#include "phone/phone_worker.h"
#include "platform/glyph_atlas.h"
#include "platform/photo_texture.h"
#include "platform/receipt_pdf.h"
#include "platform/window.h"
#include "store/store.h"
#include "sync/client/curl_transport.h"
#include "sync/client/engine.h"
#include "ui/kiosk_app.h"
#include "ui/strings.h"
#include "ui/theme.h"

namespace yimen::host {
namespace {

using Clock = std::chrono::steady_clock;

// What the kiosk reads before it has a window: the store, the catalog (the built-in one
// and the published versions the sync thread stored earlier; newer ones arrive through
// the slot, docs/catalog.md "What kiosks do") and the strings.
struct Assets {
  std::unique_ptr<Store> store;
  std::optional<Catalog> catalog;
  std::vector<std::shared_ptr<const Catalog>> published_catalogs;
  std::optional<ui::Strings> strings;
};

Status OpenAssets(const Flags& flags, Assets* out, const std::function<double()>& since_start,
                  StartupTimes* times) {
  auto store = OpenDataDir(flags.data_dir);
  times->store = since_start();
  if (!store.ok()) return store.error();
  out->store = std::move(*store);
  auto catalog = LoadCatalog(flags.assets_dir + "/catalog");
  if (!catalog.ok()) return MakeError(catalog.error().kind, "catalog: " + catalog.error().message);
  out->catalog = std::move(*catalog);
  if (auto stored = sync::LoadStoredCatalogs(*out->store); stored.ok()) {
    out->published_catalogs = CheckedCatalogs(*stored);
  }
  auto strings = ui::Strings::Load(flags.assets_dir + "/strings");
  if (!strings.ok()) return MakeError(strings.error().kind, "strings: " + strings.error().message);
  out->strings = std::move(*strings);
  times->assets = since_start();
  return Status::Ok();
}

// The sync engine runs on its own thread with its own Store; the UI only wakes it after
// a submit and reads its snapshot. Started only on an enrolled kiosk (else null).
Result<std::unique_ptr<sync::SyncEngine>> StartSyncEngine(const Flags& flags, Store& store,
                                                          CatalogSlot* catalog_slot) {
  auto credentials = sync::LoadCredentials(store);
  if (!credentials.ok() || !credentials->has_value()) return std::unique_ptr<sync::SyncEngine>();
  sync::SyncOptions options;
  auto curl = TlsOptions(flags, store);
  if (!curl.ok()) return curl.error();
  options.curl = *curl;
  // A quiet kiosk still syncs every interval: it picks up status changes and
  // applications another process put in the store (the fault tests' submitter).
  options.idle_interval = std::chrono::seconds(flags.sync_interval_s);
  options.retention = {flags.retention_days, flags.stub_retention_days};
  // On the sync thread: check, then leave them for the UI thread to take between residents.
  options.on_catalog_stored = [catalog_slot](const sync::StoredCatalogs& stored) {
    catalog_slot->Offer(CheckedCatalogs(stored));
  };
  auto engine = std::make_unique<sync::SyncEngine>(flags.data_dir, options);
  if (auto started = engine->Start(); !started.ok()) {
    return MakeError(started.error().kind, "sync: " + started.error().message);
  }
  return engine;
}

// Photos from a resident's phone (docs/devices.md "Photos from a phone"): only on an
// enrolled kiosk, since the server gives the link to a signed request. The worker has
// its own thread and transport; connecting is bounded shorter than the sync engine's,
// because a resident stands waiting for the QR code. Null when not enrolled.
std::unique_ptr<phone::PhoneWorker> StartPhoneWorker(const Flags& flags, Store& store) {
  auto credentials = sync::LoadCredentials(store);
  if (!credentials.ok() || !credentials->has_value()) return nullptr;
  auto curl = TlsOptions(flags, store);
  if (!curl.ok()) {
    std::fprintf(stderr, "phone: %s\n", curl.error().message.c_str());
    return nullptr;
  }
  sync::CurlOptions options = *curl;
  options.connect_timeout_ms = 5'000;
  auto wake = []() {  // a photo or a new state wakes the loop (SDL_PushEvent: any thread)
    SDL_Event event{};
    event.type = SDL_USEREVENT;
    SDL_PushEvent(&event);
  };
  auto worker = std::make_unique<phone::PhoneWorker>(
      [options]() { return std::make_unique<sync::CurlTransport>(options); },
      std::move(**credentials), phone::PhoneWorkerOptions{}, std::move(wake));
  worker->Start();
  return worker;
}

// The document camera: --camera PATH, else the first /dev/video* that captures. It is
// opened only while a camera screen is up (the worker's thread), so a kiosk without one
// pays nothing. Null without one.
std::unique_ptr<media::CameraWorker> OpenCamera(const Flags& flags) {
  std::string path = flags.camera;
  if (path.empty()) {
    const std::vector<std::string> found = media::ProbeCameras();
    if (!found.empty()) path = found.front();
  }
  if (path.empty() || path == "none") return nullptr;
  std::fprintf(stderr, "camera: %s\n", path.c_str());
  return std::make_unique<media::CameraWorker>(path);
}

// The ID-card reader (docs/devices.md): none without --id-reader or --id-reader-lib; a
// vendor library when one is given, else the SAM protocol on the serial device.
// "simulated" (UI scripts only) puts a simulated reader on a pty and reads it through the
// real serial code. The poller opens the device on its own thread and keeps retrying, so
// an absent or broken reader never stops the kiosk.
struct IdReader {
  std::unique_ptr<idcard::SamSimulator> sim;
  std::unique_ptr<idcard::IdCardPoller> poller;
  std::unique_ptr<idcard::WltDecoder> decoder;
};

Status StartIdReader(const Flags& flags, IdReader* out) {
  if (!flags.wlt_decoder_lib.empty()) {
    auto decoder = idcard::WltDecoder::Load(flags.wlt_decoder_lib);
    // The photo is optional: without its decoder the kiosk says 照片未读取 and goes on.
    if (!decoder.ok()) {
      std::fprintf(stderr, "id reader: %s\n", decoder.error().message.c_str());
    } else {
      out->decoder = std::move(*decoder);
    }
  }
  if (flags.id_reader.empty() && flags.id_reader_lib.empty()) return Status::Ok();
  std::string device = flags.id_reader;
  if (device == "simulated") {
    if (flags.script.empty()) {
      return MakeError(ErrorKind::kInvalidArgument,
                       "--id-reader simulated is for UI scripts (--script) only");
    }
    auto sim = idcard::SamSimulator::Start();
    if (!sim.ok()) return sim.error();
    out->sim = std::move(*sim);
    device = out->sim->DevicePath();
  }
  idcard::IdCardPoller::Factory make;
  if (!flags.id_reader_lib.empty()) {
    make = [lib = flags.id_reader_lib, device]() -> Result<std::unique_ptr<idcard::IdCardReader>> {
      auto reader = idcard::VendorReader::Load(lib, device);
      if (!reader.ok()) return reader.error();
      return std::unique_ptr<idcard::IdCardReader>(std::move(*reader));
    };
  } else {
    make = [device]() -> Result<std::unique_ptr<idcard::IdCardReader>> {
      return std::unique_ptr<idcard::IdCardReader>(std::make_unique<idcard::SerialReader>(device));
    };
  }
  // A read wakes the loop at once (SDL_PushEvent is safe from any thread).
  auto wake = []() {
    SDL_Event event{};
    event.type = SDL_USEREVENT;
    SDL_PushEvent(&event);
  };
  out->poller = std::make_unique<idcard::IdCardPoller>(std::move(make), idcard::PollerOptions{},
                                                       std::move(wake));
  std::fprintf(stderr, "id reader: %s%s\n",
               flags.id_reader_lib.empty() ? "SAM serial " : "vendor library, device ",
               device.c_str());
  return Status::Ok();
}

ui::KioskApp::Deps MakeDeps(const Flags& flags, Assets& assets, CatalogSlot* catalog_slot,
                            platform::GlyphAtlas* atlas, const ui::Metrics& metrics,
                            media::CameraWorker* camera, sync::SyncEngine* sync_engine,
                            IdReader* id_reader) {
  ui::KioskApp::Deps deps;
  if (idcard::IdCardPoller* poller = id_reader->poller.get()) {
    deps.take_card = [poller](idcard::CardRead* out) { return poller->TakeCard(out); };
    deps.discard_card = [poller]() { poller->Discard(); };
    deps.id_reader_status = [poller]() { return poller->Status(); };
  }
  if (idcard::WltDecoder* decoder = id_reader->decoder.get()) {
    // The picture is not kept yet (docs/devices.md "The photo"): decoding tells the
    // resident the photo was read, and its pixels are wiped at once.
    deps.decode_photo = [decoder](const std::vector<uint8_t>& wlt) {
      auto rgb = decoder->Decode(wlt);
      if (!rgb.ok()) return false;
      yimen::Wipe(&rgb.value());
      return true;
    };
  }
  deps.camera = camera;
  deps.import_dir = flags.import_dir;
  deps.photo_limits.max_side = flags.photo_max_side;
  deps.photo_limits.max_jpeg_bytes = static_cast<size_t>(flags.photo_max_kb) * 1024;
  deps.make_texture = [](const media::Pixels& image) {
    return platform::UploadPhotoTexture(image);
  };
  deps.free_texture = [](ImTextureID texture, int w, int h) {
    platform::DeletePhotoTexture(texture, w, h);
  };
  deps.catalog = &*assets.catalog;
  deps.published_catalogs = std::move(assets.published_catalogs);
  deps.catalog_slot = catalog_slot;
  deps.strings = &*assets.strings;
  deps.store = assets.store.get();
  deps.glyphs = atlas;
  deps.metrics = metrics;
  deps.idle_s = flags.idle_s;
  deps.kiosk_mode = flags.kiosk;
  deps.staff_idle_s = flags.staff_idle_s;
  assets.store->staff().SetStaffThrottleBaseMs(flags.staff_throttle_ms);
  deps.staff_session_s = flags.staff_session_s;
  if (auto pin = assets.store->settings().GetSetting("staff.exit_pin_hash");
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
    deps.on_submitted = [sync_engine] { sync_engine->TriggerNow(); };
    deps.sync_snapshot = [sync_engine] { return sync_engine->Snapshot(); };
  }
  return deps;
}

// Receipts: a PDF under <data-dir>/receipts (no personal data on it), printed with lp
// when a CUPS queue is configured. Returns what the receipt screen says about it.
std::string PrintReceipt(const Flags& flags, const ui::Strings& strings, ui::Language lang,
                         const std::string& number, const std::vector<std::string>& lines) {
  platform::ReceiptDoc doc;
  doc.title = strings.Get(lang, "receipt.paper_title");
  // A visit's slip carries its 办理编号 (docs/internals/visits.md "Numbers").
  const Result<AppNumberParts> parts = ParseAppNumber(number);
  const bool visit = parts.ok() && parts->visit;
  doc.number_label = strings.Get(lang, visit ? "receipt.visit_number" : "receipt.number");
  doc.app_number = number;
  doc.qr_text = "YIMEN:" + number;
  doc.lines = lines;
  doc.footer = strings.Get(lang, "app.subtitle");
  const std::string dir = flags.data_dir + "/receipts";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::string path = dir + "/" + number + ".pdf";
  if (auto written = platform::WriteReceiptPdf(doc, path); !written.ok()) {
    std::fprintf(stderr, "receipt: %s\n", written.error().message.c_str());
    return strings.Get(lang, "receipt.print_failed");
  }
  if (flags.printer.empty()) return strings.Get(lang, "receipt.no_printer");
  if (auto printed = platform::PrintFile(path, flags.printer); !printed.ok()) {
    std::fprintf(stderr, "receipt: %s\n", printed.error().message.c_str());
    return strings.Get(lang, "receipt.print_failed");
  }
  return strings.Get(lang, "receipt.printing");
}

}  // namespace

int RunKiosk(const Flags& flags, Clock::time_point start, volatile std::sig_atomic_t* stop) {
  if (!flags.headless && !std::getenv("DISPLAY") && !std::getenv("WAYLAND_DISPLAY")) {
    return Fail(
        "no display (neither DISPLAY nor WAYLAND_DISPLAY is set).\n"
        "  Run it on the kiosk's screen, or headless for scripts and screenshots:\n"
        "    yimen-kiosk --headless --script tests/ui/dibao_apply.script --screenshots out/\n"
        "  or under a virtual X server: xvfb-run -a -s \"-screen 0 1080x1920x24\" yimen-kiosk");
  }
  // Start-up phases, reported on the "ready" line so slow starts can be explained.
  auto since_start = [start]() {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  };
  LoopParts loop;
  Assets assets;
  if (Status opened = OpenAssets(flags, &assets, since_start, &loop.times); !opened.ok()) {
    return Fail(opened.error().message);
  }
  CatalogSlot catalog_slot;
  if (!flags.script.empty()) {
    auto steps = LoadScript(flags.script);
    if (!steps.ok()) return Fail(steps.error().message);
    loop.script_steps = std::move(*steps);
    if (!flags.screenshots.empty()) std::filesystem::create_directories(flags.screenshots);
  }

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // no files with window positions on a kiosk
  io.LogFilename = nullptr;

  platform::WindowOptions window_options;
  if (flags.landscape) std::swap(window_options.width, window_options.height);
  window_options.fullscreen = flags.kiosk;
  window_options.headless = flags.headless;
  auto window = platform::Window::Create(window_options);
  if (!window.ok()) return Fail(window.error().message);
  loop.times.window = since_start();
  auto atlas = platform::GlyphAtlas::Open({});
  if (!atlas.ok())
    return Fail(atlas.error().message + " (install fonts-noto-cjk and fonts-dejavu-core)");

  const platform::DisplayFacts facts = (*window)->Facts();
  const float px_per_mm = ui::PxPerMmFromDiagonal(static_cast<float>(flags.screen_inches),
                                                  facts.width_px, facts.height_px);
  const ui::Metrics metrics = ui::ComputeMetrics(px_per_mm);

  // Declared before the app, so they outlive it (its destructor wipes Rime's data; it
  // stops the camera at session end).
  InputMethods input_methods(flags);
  auto sync_engine = StartSyncEngine(flags, *assets.store, &catalog_slot);
  if (!sync_engine.ok()) return Fail(sync_engine.error().message);
  std::unique_ptr<media::CameraWorker> camera = OpenCamera(flags);
  IdReader id_reader;  // outlives the app, which takes cards from its poller
  if (Status started = StartIdReader(flags, &id_reader); !started.ok()) {
    return Fail(started.error().message);
  }
  // Outlives the app, which closes its link (and wipes its key) when a visit ends.
  std::unique_ptr<phone::PhoneWorker> phone_worker = StartPhoneWorker(flags, *assets.store);
  ui::KioskApp::Deps deps = MakeDeps(flags, assets, &catalog_slot, atlas->get(), metrics,
                                     camera.get(), sync_engine->get(), &id_reader);
  deps.phone = phone_worker.get();
  ui::KioskApp app(std::move(deps));
  app.SetPrinter(
      [&](const std::string& number, const std::vector<std::string>& lines) {
        return PrintReceipt(flags, *assets.strings, app.CurrentLanguage(), number, lines);
      },
      !flags.printer.empty());
  // Every character the catalog and the strings use, before the first frame.
  (*atlas)->Want(app.InitialCodepoints());
  const platform::FontSizes sizes{metrics.body_px, metrics.title_px, metrics.display_px};
  if (auto built = (*atlas)->Build(sizes); !built.ok()) return Fail(built.error().message);
  loop.times.fonts = since_start();

  loop.flags = &flags;
  loop.start = start;
  loop.stop = stop;
  loop.window = window->get();
  loop.atlas = atlas->get();
  loop.sizes = sizes;
  loop.app = &app;
  loop.input_methods = &input_methods;
  loop.id_sim = id_reader.sim.get();
  if (id_reader.poller) id_reader.poller->Start();
  const int exit_code = KioskLoop(std::move(loop)).Run();

  app.EndSession();  // wipes the resident's in-memory data
  if (id_reader.poller) id_reader.poller->Stop();  // joins its thread, wipes a read not taken
  if (phone_worker) phone_worker->Stop();          // spends an open link, wipes its key and photos
  input_methods.Detach(&app);
  sync_engine->reset();  // finishes the request in flight (bounded by curl's timeouts)
  atlas->reset();        // its GL texture goes before the GL context
  window->reset();
  ImGui::DestroyContext();
  return exit_code;
}

}  // namespace yimen::host
