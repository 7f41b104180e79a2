// StatusRepository: status changes pulled from the server, their cursor, and the
// resident's offline status look-up (number + ID tail). One of the repositories over
// yimen.db (store.h).
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
#include "store/settings.h"

namespace yimen {

class ApplicationRepository;

class StatusRepository {
 public:
  // The keyed hash Submit stores for these six ID characters (this kiosk's key, made
  // on first use). For tools that seed test data. kInvalidArgument unless [0-9Xx]{6}.
  Result<std::string> LookupHashFor(std::string_view id_last6);

  // LookUpStatus for the resident's screen: the application and its history when the
  // ID tail matches; nullopt when the number is unknown, the tail does not match, is
  // malformed, or the application kept no hash — all alike, so a wrong guess learns
  // nothing. Constant-time comparison of the hashes.
  Result<std::optional<StatusLookup>> FindForResident(std::string_view app_number,
                                                      std::string_view id_tail);

  // The look-up by a visit number (docs/internals/visits.md "Numbers"): every
  // application of the visit whose keyed look-up hash matches id_last6, each with its
  // history, in submit order. Empty alike for an unknown visit number, a wrong tail and
  // a malformed one (as FindForResident), so nothing is learnt from a guess.
  Result<std::vector<StatusLookup>> FindVisitForResident(std::string_view visit_number,
                                                         std::string_view id_tail);

  // Stores pulled status changes and the new cursor in ONE transaction, so the cursor
  // never runs ahead of the changes it covers. Each application shows the change with
  // the highest server_seq seen; changes already stored (same server_seq) are skipped,
  // so a re-pulled page is harmless. Changes for applications this kiosk does not hold
  // are kept in the history all the same. Fails kInvalidArgument for a change without
  // seq, uuid or status; kConflict when new_cursor is below the stored cursor (nothing
  // written).
  Status ApplyStatusChanges(const std::vector<StatusChange>& changes, int64_t new_cursor);

  // The last cursor stored by ApplyStatusChanges; 0 before the first pull.
  Result<int64_t> StatusCursor();

  // Status changes of one application, oldest first (the local "submitted" is not a
  // server change and is not included).
  Result<std::vector<StatusChange>> StatusHistory(std::string_view app_number);

  // The resident's status look-up, offline: the application with this number (exact,
  // formatted) if id_last6 matches the one given at submit (case-insensitive 'x'),
  // with its status history. nullopt alike for an unknown number, a wrong ID tail and
  // an application submitted without one, so the screen cannot be used to probe which
  // numbers exist. Fails kInvalidArgument unless id_last6 is 6 characters [0-9Xx].
  Result<std::optional<StatusLookup>> LookUpStatus(std::string_view app_number,
                                                   std::string_view id_last6);

 private:
  friend class Store;
  StatusRepository(sqlite::Connection& db, SettingsRepository& settings,
                   ApplicationRepository& applications)
      : m_db(db), m_settings(settings), m_applications(applications) {}

  // True when the stored hash is the keyed hash of `tail` (constant-time compare).
  Result<bool> TailMatches(const std::optional<std::string>& stored, const std::string& tail);

  sqlite::Connection& m_db;
  SettingsRepository& m_settings;
  ApplicationRepository& m_applications;
};

}  // namespace yimen
