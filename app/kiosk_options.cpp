// yimen-kiosk's option table (kiosk_options.h). Sections group what an installer sets
// together: the screen, the resident's session, staff mode, voice, devices, photos,
// sync, and [test] for UI scripts.
#include "app/kiosk_options.h"

namespace yimen::kiosk {

namespace cfg = yimen::config;
using Opt = cfg::Option<KioskFlags>;

namespace {

constexpr int64_t kDay = 24 * 3600;

// A command that stores its one value in a text field.
Opt TextCommand(std::string flag, std::string metavar, std::string help,
                std::string KioskFlags::*field) {
  return cfg::Command<KioskFlags>(
      std::move(flag), std::move(metavar), std::move(help), 1,
      [field](KioskFlags& f, const std::vector<std::string>& values) -> Status {
        f.*field = values.at(0);
        return Status::Ok();
      });
}

std::vector<Opt> MakeTable() {
  using cfg::Integer;
  using cfg::Switch;
  using cfg::Text;
  using F = KioskFlags;
  std::vector<Opt> t;
  t.push_back(Text<F>(
      "--data-dir", "data_dir", "DIR",
      "the store (yimen.db), receipts; default $XDG_DATA_HOME/yimen",
      [](auto& f) -> auto& { return f.data_dir; }));
  t.push_back(Text<F>(
      "--assets", "assets_dir", "DIR", "catalog, strings, voice data",
      [](auto& f) -> auto& { return f.assets_dir; }));
  t.push_back(Switch<F>(
      "--kiosk", "screen.kiosk",
      "full screen, locked down: only the staff PIN exits, no core dumps",
      [](auto& f) -> auto& { return f.kiosk; }));
  t.push_back(Switch<F>(
      "--headless", "screen.headless", "no window (SDL offscreen; scripts)",
      [](auto& f) -> auto& { return f.headless; }));
  t.push_back(Switch<F>(
      "--landscape", "screen.landscape", "a landscape screen (default portrait)",
      [](auto& f) -> auto& { return f.landscape; }));
  t.push_back(cfg::Number<F>(
      "--screen-inches", "screen.inches", "N", "the screen's diagonal, for touch target sizes", 5,
      120, [](auto& f) -> auto& { return f.screen_inches; }));
  t.push_back(Integer<F>(
      "--idle-seconds", "session.idle_seconds", "N",
      "a resident's session asks 还在吗 after this idle", 1, kDay,
      [](auto& f) -> auto& { return f.idle_s; }));
  t.push_back(Integer<F>(
      "--idle-countdown", "session.idle_countdown", "N",
      "then wipes the session after this countdown, seconds", 1, 3600,
      [](auto& f) -> auto& { return f.idle_countdown_s; }));
  t.push_back(Integer<F>(
      "--staff-idle-seconds", "staff.idle_seconds", "N", "staff mode logs out after this idle", 1,
      kDay, [](auto& f) -> auto& { return f.staff_idle_s; }));
  t.push_back(Integer<F>(
      "--staff-session-seconds", "staff.session_seconds", "N", "and after this in any case", 1,
      kDay, [](auto& f) -> auto& { return f.staff_session_s; }));
  t.push_back(Integer<F>(
      "--staff-throttle-ms", "staff.throttle_ms", "MS", "delay step after 3 failed staff logins", 0,
      3'600'000, [](auto& f) -> auto& { return f.staff_throttle_ms; }));
  t.push_back(Switch<F>(
      "--no-voice", "voice.enabled", "no 读给我听 button at all",
      [](auto& f) -> auto& { return f.voice; }, /*when_given=*/false));
  t.push_back(Integer<F>(
      "--volume", "voice.volume", "0-100", "speech volume", 0, 100,
      [](auto& f) -> auto& { return f.volume; }));
  t.push_back(Text<F>(
      "--printer", "devices.printer", "CUPS_QUEUE",
      "print receipts on this CUPS queue (empty: PDF only)",
      [](auto& f) -> auto& { return f.printer; }));
  t.push_back(Text<F>(
      "--camera", "devices.camera", "/dev/videoN|none",
      "the document camera (empty: the first that captures)",
      [](auto& f) -> auto& { return f.camera; }));
  t.push_back(Text<F>(
      "--id-reader", "devices.id_reader", "/dev/ttyUSB0",
      "the ID-card reader's serial device, or the vendor library's device (empty: none)",
      [](auto& f) -> auto& { return f.id_reader; }));
  t.push_back(Text<F>(
      "--id-reader-lib", "devices.id_reader_lib", "LIB.so",
      "a vendor library for the ID-card reader (docs/devices.md; empty: the SAM protocol)",
      [](auto& f) -> auto& { return f.id_reader_lib; }));
  t.push_back(Text<F>(
      "--wlt-decoder-lib", "devices.wlt_decoder_lib", "LIB.so",
      "the licensed decoder of the ID card's photo (empty: the photo is not read)",
      [](auto& f) -> auto& { return f.wlt_decoder_lib; }));
  t.push_back(Text<F>(
      "--import-dir", "devices.import_dir", "DIR",
      "PNG/JPEG files offered under 导入 (a scanner's drop folder)",
      [](auto& f) -> auto& { return f.import_dir; }));
  t.push_back(Integer<F>(
      "--photo-max-side", "photos.max_side", "PX", "longer side of a stored document photo", 320,
      4000, [](auto& f) -> auto& { return f.photo_max_side; }));
  t.push_back(Integer<F>(
      "--photo-max-kb", "photos.max_kb", "KB", "a stored photo's JPEG may not be larger", 64, 16384,
      [](auto& f) -> auto& { return f.photo_max_kb; }));
  t.push_back(Integer<F>(
      "--sync-interval-seconds", "sync.interval_seconds", "N",
      "a sync cycle this often when nothing happens", 1, kDay,
      [](auto& f) -> auto& { return f.sync_interval_s; }));
  t.push_back(Text<F>(
      "--ca-file", "sync.ca_file", "PEM",
      "CA bundle that signs the server's certificate (else the stored one)",
      [](auto& f) -> auto& { return f.ca_file; }));
  t.push_back(cfg::TextList<F>(
      "--server-pin", "sync.server_pins", "sha256//BASE64",
      "pin the server's public key (repeatable; else the stored pins)",
      [](auto& f) -> auto& { return f.server_pins; }));
  t.push_back(Integer<F>(
      "--retention-days", "sync.retention_days", "N",
      "sealed data kept after the server acknowledged it", 0, 3650,
      [](auto& f) -> auto& { return f.retention_days; }));
  t.push_back(Integer<F>(
      "--stub-retention-days", "sync.stub_retention_days", "N",
      "masked stubs (for the status look-up) kept after that", 0, 3650,
      [](auto& f) -> auto& { return f.stub_retention_days; }));
  t.push_back(Text<F>(
      "--script", "test.script", "FILE", "run a UI script (docs/ui-scripts.md)",
      [](auto& f) -> auto& { return f.script; }));
  t.push_back(Text<F>(
      "--screenshots", "test.screenshots", "DIR", "where a script's screenshots go",
      [](auto& f) -> auto& { return f.screenshots; }));
  t.push_back(Integer<F>(
      "--exit-after-ms", "test.exit_after_ms", "MS",
      "exit this long after the first frame (-1: never)", -1, 1'000'000'000,
      [](auto& f) -> auto& { return f.exit_after_ms; }));
  // One-shot commands: command line only.
  t.push_back(cfg::Command<F>("--version", "", "print the version and exit", 0,
                              [](F& f, const std::vector<std::string>&) -> Status {
                                f.version = true;
                                return Status::Ok();
                              }));
  t.push_back(cfg::Command<F>("--sync-once", "", "one sync cycle, no window (exit 0: nothing left)",
                              0, [](F& f, const std::vector<std::string>&) -> Status {
                                f.sync_once = true;
                                return Status::Ok();
                              }));
  t.push_back(cfg::Command<F>("--enroll", "URL[,URL...] CODE",
                              "register with the server using a one-time code, no window", 2,
                              [](F& f, const std::vector<std::string>& values) -> Status {
                                f.enroll_url = values.at(0);
                                f.enroll_code = values.at(1);
                                return Status::Ok();
                              }));
  t.push_back(TextCommand("--provision-sealing-key", "FILE",
                          "store the server's sealing key (yimen-admin sealing-key) and exit",
                          &F::sealing_key_file));
  t.push_back(TextCommand("--resend-acknowledged-since", "YYYY-MM-DDTHH:MM:SSZ",
                          "after the server was restored from a backup taken then: send again "
                          "what it acknowledged since, and exit",
                          &F::resend_since));
  t.push_back(TextCommand("--set-staff-pin", "PIN|-", "the --kiosk exit PIN (- : from stdin)",
                          &F::set_staff_pin));
  t.push_back(TextCommand("--add-staff", "NAME", "create or reset a staff account and exit",
                          &F::add_staff));
  t.push_back(TextCommand("--pin", "PIN", "the PIN for --add-staff (else the first line of stdin)",
                          &F::staff_pin));
  return t;
}

}  // namespace

const std::vector<Opt>& KioskOptionTable() {
  static const std::vector<Opt> table = MakeTable();
  return table;
}

}  // namespace yimen::kiosk
