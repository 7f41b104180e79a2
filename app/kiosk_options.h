// yimen-kiosk's settings and their one option table (config/options.h): every flag
// that configures the kiosk is also a key of /etc/yimen/kiosk.toml
// (packaging/etc/kiosk.toml); one-shot commands (--enroll, --sync-once, --add-staff,
// ...) are command line only. docs/operations.md "Configuration".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/options.h"

namespace yimen::kiosk {

// Written once by config::Load at start (defaults here, then the file, then flags);
// read-only afterwards.
struct KioskFlags {
  std::string data_dir;    // empty after loading: LoadFlags fills the default
  std::string assets_dir;  // the build's assets unless set (KioskDefaults)
  std::string script;
  std::string screenshots;
  bool kiosk = false;
  bool headless = false;
  bool landscape = false;
  bool version = false;
  bool sync_once = false;  // --sync-once: one sync cycle, no window
  std::string enroll_url;  // --enroll URL[,URL...] CODE: enroll, no window
  std::string enroll_code;
  double screen_inches = 21.5;
  int exit_after_ms = -1;
  int idle_s = 90;
  int idle_countdown_s = 30;
  std::string set_staff_pin;         // --set-staff-pin: hash it into the store and exit
  std::string add_staff;             // --add-staff NAME: create (or reset) a staff account and exit
  std::string staff_pin;             // --pin PIN for --add-staff; otherwise read from stdin
  int staff_idle_s = 180;            // --staff-idle-seconds: staff logged out after this idle
  int64_t staff_throttle_ms = 1000;  // --staff-throttle-ms (tests); Store's base by default
  int staff_session_s = 3600;        // --staff-session-seconds: and after this in any case
  int volume = 80;                   // --volume 0..100
  bool voice = true;                 // --no-voice: no voice button at all
  std::string printer;               // --printer NAME: the CUPS queue for receipts
  std::string camera;                // --camera /dev/videoN ("none": no camera); default: probe
  std::string import_dir;            // --import-dir DIR: PNG/JPEG files offered under 导入
  // The ID-card reader (docs/devices.md): the SAM reader's serial device, or the device
  // string handed to a vendor library; "" = none. --id-reader-lib: the vendor library
  // (vendor_abi.h); --wlt-decoder-lib: the licensed photo decoder.
  std::string id_reader;
  std::string id_reader_lib;
  std::string wlt_decoder_lib;
  int photo_max_side = 1600;         // --photo-max-side N: longer side of a stored photo, px
  int photo_max_kb = 1536;           // --photo-max-kb N: a stored photo's JPEG may not be larger
  // How to trust the server (docs/operations.md "TLS"). Given with --enroll they are
  // stored; given later they replace the stored ones for that run.
  std::string ca_file;                   // --ca-file PEM
  std::vector<std::string> server_pins;  // --server-pin sha256//BASE64, repeatable
  int sync_interval_s = 60;       // --sync-interval-seconds: a sync cycle this often when quiet
  std::string sealing_key_file;   // --provision-sealing-key FILE: store the server's key, exit
  std::string resend_since;       // --resend-acknowledged-since TIME: after a server restore, exit
  int retention_days = 7;         // --retention-days: sealed data kept after acknowledgement
  int stub_retention_days = 180;  // --stub-retention-days: masked stubs kept after that
};

// yimen-kiosk's options, in the order --help and --print-config show them. Pure.
const std::vector<config::Option<KioskFlags>>& KioskOptionTable();

}  // namespace yimen::kiosk
