// SettingsRepository: the kiosk's settings table and the keys kept in it (the kiosk
// code, the server's sealing key). One of the repositories over yimen.db (store.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/result.h"
#include "store/database.h"
#include "store/records.h"

namespace yimen {

class SettingsRepository {
 public:
  // The 4-character kiosk code printed in every app number. Made at first open from
  // libsodium randomness (symbols that cannot be misread on paper), replaced by the
  // server's at enrollment.
  Result<std::string> KioskCode();

  // Replaces the kiosk code (enrollment). Fails kInvalidArgument unless it is exactly
  // 4 characters [A-Z0-9]. Application numbers already issued keep the old code.
  Status SetKioskCode(std::string_view code);

  // The key Submit seals to: the server's current key learnt at enrollment or from a
  // heartbeat (setting sync.sealing_public_key) or, before enrollment, the key the
  // deployment provisioned (ProvisionSealingKey). kNeedsSetup with code
  // kErrorNoSealingKey when there is none, kErrorSealingKeyRetired when the server has
  // retired that key (the messages start "no sealing key", for logs).
  Result<SealingKeyInfo> CurrentSealingKey();

  // Stores the deployment's pre-enrollment key (32 raw bytes: the server's public
  // sealing key, from a provisioning file). kInvalidArgument for another size.
  Status ProvisionSealingKey(std::string_view public_key);

  // Free-form settings for other rooms. Keys the store owns ("kiosk_code",
  // "status_cursor") are refused with kInvalidArgument: use their own functions.
  Status SetSetting(std::string_view key, std::string_view value);

  Result<std::optional<std::string>> GetSetting(std::string_view key);

 private:
  friend class Store;
  friend class ApplicationRepository;
  friend class StatusRepository;
  friend class StaffRepository;
  explicit SettingsRepository(sqlite::Connection& db) : m_db(db) {}

  // For the other repositories: any key, no ownership check.
  Result<std::optional<std::string>> Read(std::string_view key);
  Status Write(std::string_view key, std::string_view value);
  // An integer setting; `fallback` when absent. kDataLoss when it is not a number.
  Result<int64_t> ReadInt(std::string_view key, int64_t fallback);
  // This kiosk's status look-up key (hex), made on first use.
  Result<std::string> LookupKey();

  sqlite::Connection& m_db;
};

}  // namespace yimen
