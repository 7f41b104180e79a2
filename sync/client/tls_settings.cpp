// TLS trust settings in the store (see tls_settings.h). Two settings rows: the CA file
// path and the pins joined by ';' (the form libcurl takes).
#include "sync/client/tls_settings.h"

namespace yimen::sync {
namespace {

constexpr const char* kCaFileKey = "sync.tls.ca_file";
constexpr const char* kPinsKey = "sync.tls.pins";

}  // namespace

Status SaveTlsSettings(Store& store, const TlsSettings& settings) {
  auto joined = JoinPins(settings.pins);
  if (!joined.ok()) return joined.error();
  if (Status s = store.settings().SetSetting(kCaFileKey, settings.ca_file); !s.ok()) return s;
  return store.settings().SetSetting(kPinsKey, *joined);
}

Result<TlsSettings> LoadTlsSettings(Store& store) {
  TlsSettings settings;
  auto ca_file = store.settings().GetSetting(kCaFileKey);
  if (!ca_file.ok()) return ca_file.error();
  if (ca_file->has_value()) settings.ca_file = **ca_file;
  auto pins = store.settings().GetSetting(kPinsKey);
  if (!pins.ok()) return pins.error();
  if (pins->has_value()) {
    const std::string& joined = **pins;
    size_t start = 0;
    while (start < joined.size()) {
      size_t end = joined.find(';', start);
      if (end == std::string::npos) end = joined.size();
      if (end > start) settings.pins.push_back(joined.substr(start, end - start));
      start = end + 1;
    }
  }
  return settings;
}

Status ApplyTlsSettings(const TlsSettings& settings, CurlOptions* options) {
  auto joined = JoinPins(settings.pins);
  if (!joined.ok()) return joined.error();
  options->ca_file = settings.ca_file;
  options->pinned_public_key = *joined;
  return Status::Ok();
}

}  // namespace yimen::sync
