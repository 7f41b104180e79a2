// ApplicationRepository: submitted applications and their outbox rows: Submit, the
// staff lists, and what the sync engine drains and marks. One of the repositories over
// yimen.db (store.h). Every write that must be all-or-nothing is one BEGIN IMMEDIATE
// transaction here (tests/store's fault VFS proves it).
#pragma once

#include <memory>

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
#include "store/staff.h"

namespace yimen {

namespace store_internal {
struct PreparedSubmit;  // applications.cpp: one application checked and sealed
}  // namespace store_internal

// The most services a resident applies for in one visit.
inline constexpr int kMaxVisitApplications = 6;

class ApplicationRepository {
 public:
  // Stores a new application and its outbox row, in one write transaction, with the
  // next daily sequence number and a fresh uuid. The payload is sealed to the server's
  // key (CurrentSealingKey) and its photos encrypted before anything is written: no
  // plaintext reaches the disk. Fails kNeedsSetup (codes kErrorNoSealingKey,
  // kErrorSealingKeyRetired) when the kiosk has neither enrolled nor been provisioned
  // with a key, or when its key was retired by the server (the UI says 本机尚未完成开通);
  // kInvalidArgument for a photo that is not base64. Returns only after the commit is durable (WAL,
  // synchronous=FULL): only then may the UI show a receipt. On any error nothing was stored and no
  // number was consumed. Fails kInvalidArgument for an empty service code, catalog version or
  // payload, a created_date outside 2000..2099 or a malformed created_at_iso; kRejected when the
  // day's sequence is exhausted (999999); kUnavailable when the disk is full, failing or the file
  // is locked past the busy timeout (retry).
  Result<SubmittedApplication> Submit(const NewApplication& application);

  // A visit (docs/internals/visits.md): 2..kMaxVisitApplications applications the resident
  // submitted together, stored in ONE transaction — all of them or none — with a shared
  // fresh visit uuid and the day's next visit number (FormatVisitNumber, its own counter),
  // each with its own application number, outbox row and audit row as Submit makes them.
  // Every application must carry the same created_date and created_at_iso. Returns them in
  // the order given, each with SubmittedApplication::visit set. Fails as Submit does, and
  // kInvalidArgument for fewer than 2 or more than kMaxVisitApplications applications or
  // differing dates.
  Result<std::vector<SubmittedApplication>> SubmitVisit(
      const std::vector<NewApplication>& applications);

  // Every application of a visit, by its formatted visit number, in submit order; empty
  // when there is none.
  Result<std::vector<ApplicationStub>> FindByVisitNumber(std::string_view visit_number);

  Result<int64_t> CountApplications();

  Result<int64_t> CountOutbox(OutboxScope scope);

  // Exact match on the formatted number (normalise what residents type with
  // ParseAppNumber/FormatAppNumber first). nullopt when there is no such number.
  Result<std::optional<ApplicationStub>> FindByAppNumber(std::string_view app_number);

  // Newest first. Fails kInvalidArgument unless offset >= 0 and 1 <= limit <= 1000.
  Result<std::vector<ApplicationStub>> ListApplications(int64_t offset, int limit);

  // The staff list: applications matching `filter`, newest first, rows offset..offset+
  // limit. SQL paging over indexes (status, service, date), so a page costs about the
  // same at 100 rows as at 100,000. Fails kInvalidArgument as ListApplications does,
  // and for a malformed day in the filter.
  Result<std::vector<ApplicationStub>> ListApplications(const ApplicationFilter& filter,
                                                        int64_t offset, int limit);

  Result<int64_t> CountApplications(const ApplicationFilter& filter);

  // Applications created from_day..to_day (inclusive, "YYYY-MM-DD"), counted in total,
  // per status and per service. Fails kInvalidArgument for a malformed day.
  Result<ApplicationCounts> CountApplicationsByDay(std::string_view from_day,
                                                   std::string_view to_day);

  // Writes the applications matching `filter` to `path` as CSV (UTF-8 with a BOM so
  // spreadsheet programs read the Chinese, CRLF lines, RFC 4180 quoting; cells starting
  // with = + - @ get a leading ' so no spreadsheet runs them). Personal data is masked:
  // the name keeps only its surname (SurnameOnly: 欧阳*), and no ID number, phone or
  // payload is ever written. `service_name` turns a service code into the name shown
  // (nullptr: the code). The file is written beside `path` and renamed into place, mode
  // 0600. Returns the number of rows. Fails kUnavailable when the file cannot be written.
  Result<int64_t> ExportApplicationsCsv(
      const ApplicationFilter& filter,
      const std::function<std::string(const std::string&)>& service_name, const std::string& path);

  // Outbox items not delivered, not parked and due (next attempt <= now), oldest
  // submission first, at most `limit` (1..1000, else kInvalidArgument).
  Result<std::vector<OutboxItem>> ListDueOutbox(std::chrono::system_clock::time_point now,
                                                int limit);

  // Records the server's acknowledgement: the item leaves the due list for good and the
  // application keeps the receipt. Idempotent for the same receipt. Fails kNotFound
  // for an unknown uuid, kConflict when it was already delivered with another receipt,
  // kInvalidArgument for an empty receipt.
  Status MarkDelivered(std::string_view uuid, std::string_view server_receipt,
                       std::string_view server_time,
                       std::chrono::system_clock::time_point delivered_at);

  Result<std::vector<Status>> MarkDeliveredBatch(
      const std::vector<Delivery>& deliveries, std::chrono::system_clock::time_point delivered_at);

  // Counts one failed attempt and schedules the next. Fails kNotFound for an unknown
  // uuid, kConflict when the item was already delivered.
  Status RecordAttemptFailure(std::string_view uuid, std::string_view error_text,
                              std::chrono::system_clock::time_point next_attempt_at);

  // Takes an item out of the due list for good (the server refused it permanently);
  // the rest keeps draining. Does not count an attempt. Writes an audit row. An empty
  // reason is stored as "(no reason given)". Fails kNotFound for an unknown uuid,
  // kConflict when already delivered.
  Status Park(std::string_view uuid, std::string_view reason);

  // Poison items (docs/internals/sync.md "Poison items"). Counts one server fault
  // (an HTTP 500-class reply that was not "unavailable") against every item of the
  // request that got it, and returns each item's new count, in `uuids` order. Items
  // already delivered or unknown are skipped and read as 0. One transaction.
  Result<std::vector<int>> RecordServerFault(const std::vector<std::string>& uuids,
                                             std::string_view error_text);

  // Counts one lone fault: the item failed by itself while the server answered the
  // rest of the cycle. Returns the new count; kNotFound / kConflict as Park.
  Result<int> RecordLoneFault(std::string_view uuid, std::string_view error_text);

  Result<OutboxHealthReport> OutboxHealth();

  Result<ResendReport> ResendAcknowledgedSince(std::chrono::system_clock::time_point since);

  // How many applications the server has not acknowledged yet (pending or parked) are
  // sealed to each key id: what heartbeats report, so the server never retires a key it
  // still needs to open something this kiosk will send. (Acknowledged ones are opened
  // already; their attachment keys travelled inside the payload.)
  Result<std::vector<std::pair<std::string, int64_t>>> CountSealedByKey();

  // The retention purge (sync thread, once a cycle). Payloads and attachments of
  // applications delivered, with every attachment uploaded, more than payload_days
  // before `now` are overwritten (secure_delete) and dropped; stubs delivered more
  // than stub_days ago are deleted with their outbox row and status history. Then the
  // WAL is checkpointed and truncated so no old page survives in it. Undelivered items
  // are never touched. kInvalidArgument for negative days.
  Result<PurgeReport> PurgeExpired(std::chrono::system_clock::time_point now,
                                   const RetentionPolicy& policy);

 private:
  friend class Store;
  friend class StatusRepository;
  ApplicationRepository(sqlite::Connection& db, SettingsRepository& settings,
                        StaffRepository& staff)
      : m_db(db), m_settings(settings), m_staff(staff) {}

  using PreparedSubmit = store_internal::PreparedSubmit;

  Error OutboxMiss(std::string_view uuid, std::string_view what);
  // The kiosk code the numbers are made with; kInternal when missing (never: Open makes it).
  Result<std::string> KioskCodeForSubmit();
  // Stores one application exactly as Submit does — its number from the day's sequence,
  // the sealed payload, attachments, outbox row and audit row — inside the caller's
  // write transaction (Submit's own, or SubmitVisit's for every application of a visit).
  // `visit` empty (and visit_size 0) for an application submitted alone.
  Result<SubmittedApplication> InsertInTransaction(const PreparedSubmit& prepared,
                                                   const std::string& kiosk_code,
                                                   const std::string& key_id,
                                                   const SubmittedVisit& visit, int visit_size);
  // The body of MarkDelivered inside the caller's write transaction; *changed is
  // false when there was nothing to write (already delivered with this receipt).
  Status MarkDeliveredInTransaction(std::string_view uuid, std::string_view server_receipt,
                                    std::string_view server_time, int64_t delivered_at_ms,
                                    bool* changed);

  sqlite::Connection& m_db;
  SettingsRepository& m_settings;
  StaffRepository& m_staff;
};

}  // namespace yimen
