// Commands that talk to the server or act on what it acknowledged: enrollment, the
// sealing key before enrollment, one sync cycle, and the resend after a server restore.
// No window.
#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/base64.h"
#include "domain/catalog_versions.h"
#include "host/commands.h"
#include "store/store.h"
#include "sync/client/tls_settings.h"

namespace yimen::host {

Result<sync::CurlOptions> TlsOptions(const Flags& flags, Store& store) {
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
  auto store = OpenDataDir(flags.data_dir);
  if (!store.ok()) return Fail(store.error().message);
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
    Fail(std::string("enrollment failed (") + yimen::ErrorKindName(enrolled.error().kind) +
         "): " + enrolled.error().message);
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
  auto store = OpenDataDir(flags.data_dir);
  if (!store.ok()) return Fail(store.error().message);
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

namespace {

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

}  // namespace

// --sync-once: one full cycle (push, status pull, catalog, heartbeat). No window.
// Exit 0 only when the cycle had no error and nothing is left to send.
int SyncOnceCommand(const Flags& flags) {
  yimen::sync::SyncOptions options;
  {
    auto store = OpenDataDir(flags.data_dir);
    if (!store.ok()) return Fail(store.error().message);
    auto curl = TlsOptions(flags, **store);
    if (!curl.ok()) return Fail(curl.error().message);
    options.curl = *curl;
  }
  options.retention = {flags.retention_days, flags.stub_retention_days};
  auto report = yimen::sync::RunSyncOnce(flags.data_dir, options);
  if (!report.ok()) return Fail("sync: " + report.error().message);
  const yimen::sync::CycleReport& r = *report;
  std::printf(
      "sync: created %lld, duplicates %lld, parked %lld, status changes %lld; "
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
  auto store = OpenDataDir(flags.data_dir);
  if (!store.ok()) return Fail(store.error().message);
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

}  // namespace yimen::host
