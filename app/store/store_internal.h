// Helpers the store's repositories share (applications.cpp, status.cpp, staff.cpp,
// settings.cpp, ...): time conversions, argument checks, the stub row reader, and the
// names of the settings the store owns. Private to app/store.
#pragma once

#include <sodium.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>
#include <string_view>

#include "domain/civil_date.h"
#include "domain/result.h"
#include "store/database.h"
#include "store/records.h"

namespace yimen::store_internal {

using std::chrono::system_clock;
using Kind = sqlite::Transaction::Kind;

inline constexpr int kMaxListLimit = 1000;
inline constexpr const char* kPurgedFormat = "purged";
inline constexpr const char* kInitialStatus = "submitted";
inline constexpr std::string_view kKioskCodeKey = "kiosk_code";
inline constexpr std::string_view kStatusCursorKey = "status_cursor";
// The per-kiosk key of the look-up hash: 32 random bytes, hex, made at the first
// submit that carries an ID tail. Never leaves the kiosk.
inline constexpr std::string_view kLookupKeyKey = "lookup_key";
// The server's current sealing key as enrollment and heartbeats deliver it (base64;
// written by the sync engine), the deployment's pre-enrollment key (base64; written by
// ProvisionSealingKey), and the key ids the server has retired (one per line; written
// by the sync engine from heartbeat replies).
inline constexpr std::string_view kEnrolledSealingKey = "sync.sealing_public_key";
inline constexpr std::string_view kProvisionedSealingKey = "seal.provisioned_key";
inline constexpr std::string_view kRetiredKeyIds = "seal.retired_key_ids";
// Sync cursors of the staff and audit exchanges (store_staff_sync.cpp).
inline constexpr std::string_view kStaffCursorKey = "staff_cursor";
inline constexpr std::string_view kAuditPushedKey = "audit_pushed_through";
inline constexpr int64_t kMillisPerDay = 24LL * 60 * 60 * 1000;

// "12345x" → "12345X"; empty unless exactly 6 characters of [0-9Xx].
inline std::string NormalizeIdTail(std::string_view tail) {
  if (tail.size() != 6) return "";
  std::string out;
  for (char c : tail) {
    if (c == 'x') c = 'X';
    if (!((c >= '0' && c <= '9') || c == 'X')) return "";
    out.push_back(c);
  }
  return out;
}

inline std::string HexOf(const unsigned char* bytes, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (size_t i = 0; i < size; ++i) {
    hex.push_back(kDigits[bytes[i] >> 4]);
    hex.push_back(kDigits[bytes[i] & 0xF]);
  }
  return hex;
}

// Keyed BLAKE2b-128 of the normalised tail, hex. Without the kiosk's key a stolen
// database gives no shortcut to the 10^6 possible tails of an application.
inline std::string LookupHash(std::string_view normalized_tail, std::string_view key) {
  unsigned char out[16];
  crypto_generichash(
      out, sizeof out, reinterpret_cast<const unsigned char*>(normalized_tail.data()),
      normalized_tail.size(), reinterpret_cast<const unsigned char*>(key.data()), key.size());
  return HexOf(out, sizeof out);
}

inline Error InvalidArgument(std::string message) {
  return MakeError(ErrorKind::kInvalidArgument, std::move(message));
}

inline int64_t ToMillis(system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

inline system_clock::time_point FromMillis(int64_t millis) {
  return system_clock::time_point(std::chrono::milliseconds(millis));
}

inline bool ReadDigits(std::string_view text, size_t pos, size_t count, int* out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  *out = value;
  return true;
}

inline bool IsIsoDay(std::string_view day) {
  int y = 0, m = 0, d = 0;
  return day.size() == 10 && ReadDigits(day, 0, 4, &y) && day[4] == '-' &&
         ReadDigits(day, 5, 2, &m) && day[7] == '-' && ReadDigits(day, 8, 2, &d) &&
         IsValidCivilDate(CivilDate{y, m, d});
}

// The device clock as the audit stamps it: "YYYY-MM-DDTHH:MM:SS.fffZ" (UTC), the text
// SQLite's strftime('%Y-%m-%dT%H:%M:%fZ', 'now') makes.
inline std::string NowIsoMillis() {
  const int64_t ms = ToMillis(system_clock::now());
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[96];  // room for any int the compiler cannot rule out
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(ms % 1000));
  return text;
}

inline constexpr std::string_view kStubSelect = R"sql(
SELECT a.uuid, a.app_number, a.service_code, a.catalog_version, a.masked_name,
       a.created_at, a.status, a.status_at, a.server_receipt,
       o.delivered_at_ms, o.parked_reason, o.attempts, o.last_error, a.visit_number
FROM applications a LEFT JOIN outbox o ON o.application_uuid = a.uuid
)sql";

inline ApplicationStub ReadStub(const sqlite::Statement& row) {
  ApplicationStub stub;
  stub.uuid = row.ColumnText(0);
  stub.app_number = row.ColumnText(1);
  stub.service_code = row.ColumnText(2);
  stub.catalog_version = row.ColumnText(3);
  stub.masked_name = row.ColumnText(4);
  stub.created_at = row.ColumnText(5);
  stub.status = row.ColumnText(6);
  stub.status_at = row.ColumnText(7);
  stub.server_receipt = row.ColumnOptionalText(8);
  stub.parked_reason = row.ColumnOptionalText(10);
  stub.attempts = static_cast<int>(row.ColumnInt(11));
  stub.last_error = row.ColumnOptionalText(12);
  stub.visit_number = row.ColumnText(13);
  if (stub.server_receipt || row.ColumnOptionalInt(9)) {
    stub.sync_state = SyncState::kDelivered;
  } else if (stub.parked_reason) {
    stub.sync_state = SyncState::kParked;
  } else {
    stub.sync_state = SyncState::kPending;
  }
  return stub;
}

// Rows of "SELECT id, at, actor, action, detail FROM audit ...".
inline AuditEntry ReadAuditRow(const sqlite::Statement& row) {
  AuditEntry entry;
  entry.id = row.ColumnInt(0);
  entry.at = row.ColumnText(1);
  entry.actor = row.ColumnText(2);
  entry.action = row.ColumnText(3);
  entry.detail = row.ColumnText(4);
  return entry;
}

inline Status CheckLimit(int limit) {
  if (limit < 1 || limit > kMaxListLimit) {
    return InvalidArgument("limit must be 1.." + std::to_string(kMaxListLimit) + ", got " +
                           std::to_string(limit));
  }
  return Status::Ok();
}

}  // namespace yimen::store_internal
