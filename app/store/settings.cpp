// SettingsRepository (settings.h): the settings table, the kiosk code and the keys.
#include "store/settings.h"

#include <sodium.h>

#include <charconv>
#include <system_error>
#include <utility>

#include "common/base64.h"
#include "common/sealing.h"
#include "domain/app_number.h"
#include "store/store_internal.h"

namespace yimen {

using namespace store_internal;  // NOLINT(google-build-using-namespace): the store's own helpers

Result<std::optional<std::string>> SettingsRepository::Read(std::string_view key) {
  Result<sqlite::Statement> query = m_db.PrepareCached("SELECT value FROM settings WHERE key = ?1");
  if (!query.ok()) return query.error();
  query->BindText(1, key);
  return sqlite::MapFirstRow(*query,
                             [](const sqlite::Statement& row) { return row.ColumnText(0); });
}

Status SettingsRepository::Write(std::string_view key, std::string_view value) {
  Result<sqlite::Statement> upsert = m_db.PrepareCached(
      "INSERT INTO settings (key, value) VALUES (?1, ?2) "
      "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  if (!upsert.ok()) return upsert.error();
  upsert->BindText(1, key).BindText(2, value);
  return upsert->Run();
}

Status SettingsRepository::SetSetting(std::string_view key, std::string_view value) {
  if (key.empty()) return InvalidArgument("setting key is empty");
  if (key == kKioskCodeKey || key == kStatusCursorKey || key == kLookupKeyKey ||
      key == kProvisionedSealingKey || key == kStaffCursorKey || key == kAuditPushedKey) {
    return InvalidArgument("setting \"" + std::string(key) +
                           "\" belongs to the store; use its own function");
  }
  return Write(key, value);
}

Result<std::optional<std::string>> SettingsRepository::GetSetting(std::string_view key) {
  return Read(key);
}

Result<std::string> SettingsRepository::KioskCode() {
  Result<std::optional<std::string>> code = Read(kKioskCodeKey);
  if (!code.ok()) return code.error();
  if (!code->has_value()) {
    return MakeError(ErrorKind::kInternal, "store: no kiosk code although Open makes one");
  }
  return std::move(**code);
}

Status SettingsRepository::SetKioskCode(std::string_view code) {
  if (!IsValidKioskCode(code)) {
    return InvalidArgument("kiosk code must be 4 characters [A-Z0-9], got \"" + std::string(code) +
                           "\"");
  }
  Result<sqlite::Transaction> txn = sqlite::Transaction::Begin(m_db, Kind::kWrite);
  if (!txn.ok()) return txn.error();
  if (Status set = Write(kKioskCodeKey, code); !set.ok()) return set;
  Result<sqlite::Statement> audit = m_db.Prepare(
      "INSERT INTO audit (at, actor, action, detail) "
      "VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'system', 'settings.kiosk_code', ?1)");
  if (!audit.ok()) return audit.error();
  audit->BindText(1, code);
  if (Status logged = audit->Run(); !logged.ok()) return logged;
  return txn->Commit();
}

Result<int64_t> SettingsRepository::ReadInt(std::string_view key, int64_t fallback) {
  Result<std::optional<std::string>> stored = Read(key);
  if (!stored.ok()) return stored.error();
  if (!stored->has_value()) return fallback;
  const std::string& text = **stored;
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) {
    return MakeError(ErrorKind::kDataLoss,
                     "store: setting " + std::string(key) + " is not a number: \"" + text + "\"");
  }
  return value;
}

Result<std::string> SettingsRepository::LookupKey() {
  Result<std::optional<std::string>> key = Read(kLookupKeyKey);
  if (!key.ok()) return key.error();
  std::string key_hex = key->value_or("");
  if (key_hex.size() != 64) {
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    key_hex = HexOf(raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
    if (Status stored = Write(kLookupKeyKey, key_hex); !stored.ok()) return stored.error();
  }
  return key_hex;
}

Result<SealingKeyInfo> SettingsRepository::CurrentSealingKey() {
  SealingKeyInfo info;
  for (std::string_view setting : {kEnrolledSealingKey, kProvisionedSealingKey}) {
    Result<std::optional<std::string>> stored = Read(setting);
    if (!stored.ok()) return stored.error();
    if (!stored->has_value() || (*stored)->empty()) continue;
    Result<std::string> raw = Base64Decode(**stored, Base64Spaces::kSkip);
    if (!raw.ok() || raw->size() != 32) {
      return MakeError(ErrorKind::kDataLoss,
                       "store: setting " + std::string(setting) + " is not a 32-byte key");
    }
    info.public_key = std::move(*raw);
    info.key_id = seal::KeyId(info.public_key);
    info.from_enrollment = setting == kEnrolledSealingKey;
    break;
  }
  if (info.public_key.empty()) {
    return MakeError(ErrorKind::kNeedsSetup,
                     "no sealing key: this kiosk is neither enrolled nor provisioned with the "
                     "server's public key, so it cannot take applications",
                     kErrorNoSealingKey);
  }
  Result<std::optional<std::string>> retired = Read(kRetiredKeyIds);
  if (!retired.ok()) return retired.error();
  const std::string& list = retired->value_or("");
  size_t start = 0;
  while (start < list.size()) {
    size_t end = list.find('\n', start);
    if (end == std::string::npos) end = list.size();
    if (list.compare(start, end - start, info.key_id) == 0) {
      return MakeError(ErrorKind::kNeedsSetup,
                       "no sealing key: the server retired key " + info.key_id +
                           "; the next heartbeat brings the current one",
                       kErrorSealingKeyRetired);
    }
    start = end + 1;
  }
  return info;
}

Status SettingsRepository::ProvisionSealingKey(std::string_view public_key) {
  if (public_key.size() != 32) {
    return InvalidArgument("a sealing key is 32 bytes, got " + std::to_string(public_key.size()));
  }
  const std::string encoded = Base64Encode(public_key);
  Result<std::optional<std::string>> stored = Read(kProvisionedSealingKey);
  if (!stored.ok()) return stored.error();
  if (stored->value_or("") == encoded) return Status::Ok();  // every start provisions again
  return Write(kProvisionedSealingKey, encoded);
}

}  // namespace yimen
