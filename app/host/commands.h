// yimen-kiosk's one-shot commands (no window) and the settings every run starts from.
// Each command returns the process's exit code and says what went wrong on stderr;
// their output lines are parsed by tests and scripts (tests/, scripts/, docs/), so
// their wording is fixed. docs/operations.md lists them for operators.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/kiosk_options.h"
#include "domain/catalog.h"
#include "domain/result.h"
#include "sync/client/engine.h"

namespace yimen {
class Store;
}

namespace yimen::host {

using Flags = kiosk::KioskFlags;

// Defaults, then --config FILE, then the flags (app/kiosk_options.h); --help prints the
// usage and exits. Returns false after saying why on stderr; --print-config prints the
// effective settings and sets *print_only. (commands_flags.cpp)
bool LoadFlags(int argc, char** argv, Flags* flags, bool* print_only);

// Store::Open on the data directory; the error names it.
Result<std::unique_ptr<Store>> OpenDataDir(const std::string& data_dir);

// "yimen-kiosk: WHAT" on stderr; returns 1.
int Fail(const std::string& what);

// Staff commands (commands_staff.cpp): --set-staff-pin, --add-staff NAME.
int SetStaffPinCommand(const Flags& flags);
int AddStaffCommand(const Flags& flags);

// Server commands (commands_server.cpp): --enroll, --provision-sealing-key,
// --sync-once, --resend-acknowledged-since.
int EnrollCommand(const Flags& flags);
int ProvisionSealingKeyCommand(const Flags& flags);
int SyncOnceCommand(const Flags& flags);
int ResendCommand(const Flags& flags);

// The TLS trust for this run: the stored settings, with --ca-file / --server-pin
// replacing their part. kInvalidArgument for a malformed pin.
Result<sync::CurlOptions> TlsOptions(const Flags& flags, Store& store);

// The published catalog versions stored in the settings, checked by the loader (a broken
// one is logged and left out, so the kiosk keeps what it has). Any thread with its store.
std::vector<std::shared_ptr<const Catalog>> CheckedCatalogs(const sync::StoredCatalogs& stored);

}  // namespace yimen::host
