// How a kiosk trusts its server, kept in the store's settings so that the operator
// gives it once, at enrollment (`--enroll URL CODE --ca-file PEM --server-pin PIN...`),
// and every later start (the window, --sync-once) uses it without flags. Flags given
// later replace what is stored for that run only.
#pragma once

#include <string>
#include <vector>

#include "domain/result.h"
#include "store/store.h"
#include "sync/client/curl_transport.h"

namespace yimen::sync {

struct TlsSettings {
  std::string ca_file;            // PEM bundle to trust; empty = the system store
  std::vector<std::string> pins;  // "sha256//BASE64", current key first, then backups
};

// Stores the settings (replacing earlier ones). kInvalidArgument for a malformed pin,
// nothing stored then. Store-thread only.
Status SaveTlsSettings(Store& store, const TlsSettings& settings);

// The stored settings, empty when none were given. Store-thread only.
Result<TlsSettings> LoadTlsSettings(Store& store);

// Fills options->ca_file and options->pinned_public_key. kInvalidArgument for a
// malformed pin (options unchanged). Pure.
Status ApplyTlsSettings(const TlsSettings& settings, CurlOptions* options);

}  // namespace yimen::sync
