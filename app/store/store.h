// The kiosk's durable memory: one SQLite file, <data-dir>/yimen.db, holding submitted
// applications, their outbox rows, status pulled from the server, settings and the
// audit trail. Its promise (docs/design.md decisions 1-3): once Submit returns OK the
// application survives a crash and stays in the outbox until the server acknowledged it.
//
// Threads: a Store is ONE sqlite connection and must be used by one thread at a time.
// The UI thread and the sync thread each open their own Store on the same data dir;
// WAL mode lets one write while the other reads, and writers wait up to a busy timeout
// for each other. Times the sync engine compares (next attempt, delivery) are the
// kiosk's wall clock as std::chrono::system_clock::time_point; times shown to people
// are ISO-8601 UTC text as given by whoever made them (device or server).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/civil_date.h"
#include "domain/result.h"
#include "store/database.h"

namespace yimen {

// What the UI hands over when the resident presses submit.
struct NewApplication {
  std::string service_code;     // catalog code, e.g. "dibao"
  std::string catalog_version;  // version of the catalog the form was filled against
  std::string masked_name;      // e.g. "张*明": the only form of the name kept readable;
                                // may be empty for services that ask no name
  // The filled form as JSON (domain/form.h DraftToJson). Never stored as given: Submit
  // seals it to the server's key; its "photo:" attachments (base64 JPEG) are encrypted
  // into the attachments table and replaced by references (common/sealing.h).
  std::string payload;
  CivilDate created_date;       // kiosk-local date, printed in the app number
  std::string created_at_iso;   // device time "YYYY-MM-DDTHH:MM:SS[.fff]Z", display only
  // The last 6 characters of the applicant's ID number, for the resident's status
  // look-up. Only a keyed hash of it is stored. Empty: this application cannot be
  // looked up by number + ID (services that ask no ID number).
  std::string id_last6;
};

// What the receipt shows. Returned by Submit only after the commit is durable.
struct SubmittedApplication {
  std::string uuid;        // random v4; the server upserts by it, so retries never duplicate
  std::string app_number;  // 受理编号, e.g. "K7Q2-261123-0042-C"
  uint32_t seq = 0;        // the kiosk's sequence for created_date, 1-based
  std::string created_at;  // as given in NewApplication::created_at_iso
};

enum class SyncState {
  kPending,    // in the outbox, waiting for (another) attempt
  kParked,     // the server refused it for good; staff must look
  kDelivered,  // the server acknowledged it
};

// "pending", "parked", "delivered": for logs and staff screens.
const char* SyncStateName(SyncState state);

// A masked view of one application for lookups and staff lists: no payload.
struct ApplicationStub {
  std::string uuid;
  std::string app_number;
  std::string service_code;
  std::string catalog_version;
  std::string masked_name;
  std::string created_at;
  std::string status;     // "submitted" until the server reports a change
  std::string status_at;  // when that status was set (device or server time)
  std::optional<std::string> server_receipt;
  SyncState sync_state = SyncState::kPending;
  int attempts = 0;                          // failed delivery attempts so far
  std::optional<std::string> last_error;     // of the latest failed attempt
  std::optional<std::string> parked_reason;  // set when sync_state is kParked
};

// An encrypted document photo as the push announces it (size and SHA-256 are of the
// ciphertext, which is what is uploaded).
struct AttachmentMeta {
  std::string id;  // "photo:<id>", unique within its application
  std::string mime;
  int64_t size = 0;
  std::string sha256;
};

// One attachment the server has not got yet (its application was delivered).
struct PendingUpload {
  std::string application_uuid;
  std::string attachment_id;
  std::string ciphertext;
};

// The server key Submit seals to, and where it came from.
struct SealingKeyInfo {
  std::string public_key;  // 32 raw bytes
  std::string key_id;      // seal::KeyId
  bool from_enrollment = false;  // false: the deployment's provisioning key
};

// How long the retention purge keeps what a kiosk no longer needs (days after the
// server acknowledged the application and its attachments).
struct RetentionPolicy {
  int payload_days = 7;  // sealed payload + encrypted attachments
  int stub_days = 180;   // the masked stub for status look-ups, then the whole row
};

struct PurgeReport {
  int64_t payloads_purged = 0;
  int64_t stubs_deleted = 0;
};

// One application as the sync engine sends it.
struct OutboxItem {
  std::string uuid;
  std::string app_number;
  std::string service_code;
  std::string catalog_version;
  std::string payload_format;  // "sealed-v2" (seal::kPayloadFormat); older rows "json-v1"
  std::string payload;
  std::vector<AttachmentMeta> attachments;
  int attempts = 0;
  std::chrono::system_clock::time_point enqueued_at;
};

// For the staff screen's "sync" light and for the fleet console.
struct OutboxHealthReport {
  int64_t pending = 0;  // not delivered, not parked
  int64_t uploads_pending = 0;  // attachments of delivered applications not yet uploaded
  int64_t parked = 0;
  std::optional<std::chrono::system_clock::time_point> oldest_pending_at;  // enqueue time
  std::optional<std::chrono::system_clock::time_point> last_success_at;    // delivered_at
};

// One status change as numbered by the server (docs/design.md decision 3).
struct StatusChange {
  int64_t server_seq = 0;  // the server's global change number, > 0
  std::string application_uuid;
  std::string app_number;
  std::string status;       // e.g. "received", "under_review", "approved", "rejected"
  std::string reason;       // may be empty
  std::string server_time;  // ISO-8601 UTC, the server's clock
};

// What a resident sees after entering an application number and the last 6
// characters of their ID number (LookUpStatus).
struct StatusLookup {
  ApplicationStub stub;                // status, as-of time, sync state
  std::vector<StatusChange> history;   // the server's changes, oldest first
};

struct AuditEntry {
  int64_t id = 0;
  std::string at;      // ISO-8601 UTC, device clock
  std::string actor;   // "resident", "staff:<name>", "system"
  std::string action;  // e.g. "application.submit"
  std::string detail;  // never personal data
};

// What the staff list shows: every condition set narrows it, all of them together.
struct ApplicationFilter {
  std::string status;                   // exact status ("submitted", "需补正"…); "" = any
  std::string service_code;             // "" = any
  std::string from_day;                 // "YYYY-MM-DD" inclusive (created_date); "" = open
  std::string to_day;                   // "YYYY-MM-DD" inclusive; "" = open
  std::optional<SyncState> sync_state;  // nullopt = any
  std::string number_contains;          // part of the app number, any case; "" = any
};

// Counts for the staff overview over a range of days (created_date).
struct ApplicationCounts {
  int64_t total = 0;
  std::vector<std::pair<std::string, int64_t>> by_status;   // most first
  std::vector<std::pair<std::string, int64_t>> by_service;  // most first
};

enum class StaffLoginOutcome {
  kAccepted,
  kRefused,  // unknown name or wrong PIN: the caller must not say which
  kLocked,   // too many failures for this name; nothing was checked
  kThrottled,  // too soon after the last failure for this name; nothing was checked
};

struct StaffLoginResult {
  StaffLoginOutcome outcome = StaffLoginOutcome::kRefused;
  int failures = 0;             // consecutive failures for the name after this attempt
  int64_t locked_until_ms = 0;  // Unix ms; set with kLocked (and on the locking failure)
  int64_t retry_at_ms = 0;      // Unix ms; with kThrottled, and after a failure that
                                // starts a delay: the next attempt is checked from then
};

// One staff account as the server provisions it (yimen-admin staff-add/staff-disable).
// The server never sees a PIN: pin_hash is the Argon2id string yimen-admin made.
struct ServerStaffAccount {
  std::string name;
  std::string pin_hash;  // "$argon2id$..." (crypto_pwhash_str)
  bool disabled = false;
  int64_t version = 0;   // the server's change number of this row, > 0
};

enum class OutboxScope {
  kAll,      // every outbox row, delivered or not
  kPending,  // not delivered and not parked
};

class Store {
 public:
  static constexpr const char* kDatabaseFileName = "yimen.db";

  // Opens <data_dir>/yimen.db, creating the directory (mode 0700) and the database if
  // missing. Before writing anything it reads the schema version and runs
  // PRAGMA quick_check; then it turns on WAL + synchronous=FULL, applies missing
  // migrations and makes the kiosk code on first start. Fails:
  //   kDataLoss    the file is damaged or not a database; it is left byte-for-byte
  //                as found (quarantine it, restore a backup, call support);
  //   kRejected    the file was written by a newer build (schema above ours), untouched;
  //   kUnavailable the directory or file cannot be created, opened or locked.
  // Any thread; the returned Store then belongs to one thread at a time.
  static Result<std::unique_ptr<Store>> Open(const std::string& data_dir);

  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  ~Store();

  // The schema version of the open file (== LatestSchemaVersion() after Open).
  int SchemaVersion() const { return m_schema_version; }
  static int LatestSchemaVersion();
  const std::string& DatabasePath() const { return m_db.path(); }

  // The 4-character kiosk code printed in every app number. Made at first open from
  // libsodium randomness (symbols that cannot be misread on paper), replaced by the
  // server's at enrollment.
  Result<std::string> KioskCode();

  // Replaces the kiosk code (enrollment). Fails kInvalidArgument unless it is exactly
  // 4 characters [A-Z0-9]. Application numbers already issued keep the old code.
  Status SetKioskCode(std::string_view code);

  // Stores a new application and its outbox row, in one write transaction, with the
  // next daily sequence number and a fresh uuid. The payload is sealed to the server's
  // key (CurrentSealingKey) and its photos encrypted before anything is written: no
  // plaintext reaches the disk. Fails kRejected "no sealing key" when the kiosk has
  // neither enrolled nor been provisioned with a key, or when its key was retired by the
  // server (the UI says 本机尚未完成开通); kInvalidArgument for a photo that is not base64. Returns only after the commit is
  // durable (WAL, synchronous=FULL): only then may the UI show a receipt. On any error
  // nothing was stored and no number was consumed. Fails kInvalidArgument for an empty
  // service code, catalog version or payload, a created_date outside 2000..2099 or a
  // malformed created_at_iso;
  // kRejected when the day's sequence is exhausted (999999); kUnavailable when the
  // disk is full, failing or the file is locked past the busy timeout (retry).
  Result<SubmittedApplication> Submit(const NewApplication& application);

  Result<int64_t> CountApplications();
  Result<int64_t> CountOutbox(OutboxScope scope);

  // Exact match on the formatted number (normalise what residents type with
  // ParseAppNumber/FormatAppNumber first). nullopt when there is no such number.
  Result<std::optional<ApplicationStub>> FindByAppNumber(std::string_view app_number);

  // Newest first. Fails kInvalidArgument unless offset >= 0 and 1 <= limit <= 1000.
  Result<std::vector<ApplicationStub>> ListApplications(int64_t offset, int limit);

  // ---- staff mode (UI thread) ----

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
      const std::function<std::string(const std::string&)>& service_name,
      const std::string& path);

  // Staff accounts: a name and a PIN (the rule of common/secret_hash.h: 8-20 digits or a
  // passphrase of 10-64 characters) kept as an Argon2id hash at the staff cost. Adding
  // an existing name replaces its PIN and clears its lockout. Fails kInvalidArgument for
  // an empty or over-long name (1..32 characters) or a PIN the rule refuses. Takes
  // about a second (Argon2id).
  Status AddStaffAccount(std::string_view name, std::string_view pin);
  Result<int64_t> CountStaffAccounts();

  // After this many consecutive failures a name is locked for kStaffLockoutMs.
  static constexpr int kStaffMaxFailures = 10;
  static constexpr int64_t kStaffLockoutMs = 15 * 60 * 1000;

  // Checks a staff login at wall-clock `now_ms` (Unix ms). Failures are counted per
  // typed name whether or not the account exists, and persisted, so a restart does not
  // reset a lockout and an unknown name answers exactly like a wrong PIN (same outcome,
  // same Argon2id cost). A success clears the count. Any PIN is checked against the
  // hash, so an account set before the 8-digit rule still logs in until its PIN is
  // reset. Takes about a second (Argon2id at the staff cost) on the calling thread,
  // which today is the UI thread.
  Result<StaffLoginResult> StaffLogin(std::string_view name, std::string_view pin,
                                      int64_t now_ms);

  // From the kStaffThrottleAfter-th consecutive failure of a name on, the next attempt
  // is only checked StaffThrottleDelayMs(failures) after the last failure; an earlier
  // one returns kThrottled at once (no Argon2id, not counted, nothing written), so
  // guessing slows down without the UI ever sleeping. The delay grows by
  // throttle_base_ms per failure: 1, 2, 3 ... up to 5 times the base.
  static constexpr int kStaffThrottleAfter = 3;
  static constexpr int64_t kStaffThrottleBaseMs = 1000;
  static int64_t StaffThrottleDelayMs(int failures, int64_t base_ms = kStaffThrottleBaseMs);
  // Sets the base of the delay (tests and UI scripts shorten it). UI thread.
  void SetStaffThrottleBaseMs(int64_t base_ms) { m_throttle_base_ms = base_ms; }

  // ---- staff accounts from the server, audit to the server (store_staff_sync.cpp) ----

  // Stores pulled staff accounts and the new cursor in ONE transaction. A server account
  // replaces a local one of the same name (the office is the authority once it speaks);
  // a disabled one stays as a row but can no longer log in (StaffLogin treats it as
  // unknown, with the same answer and cost). Clears the name's failure count when the
  // PIN changed. Fails kInvalidArgument for an empty/over-long name, a hash that is not
  // Argon2id or a version <= 0 (nothing written); kConflict when new_cursor is below the
  // stored one. Sync thread.
  Status ApplyServerStaffAccounts(const std::vector<ServerStaffAccount>& accounts,
                                  int64_t new_cursor);
  // The last version stored by ApplyServerStaffAccounts; 0 before the first pull.
  Result<int64_t> StaffAccountsCursor();

  // Audit rows with id > after_id, oldest first, at most `limit` (1..1000).
  Result<std::vector<AuditEntry>> AuditAfter(int64_t after_id, int limit);
  // The id of the last audit row the server acknowledged (0 = none), and moving it.
  // kConflict when `id` is below the stored value (a stale reply), nothing written.
  Result<int64_t> AuditPushedThrough();
  Status SetAuditPushedThrough(int64_t id);

  // ---- the resident's status check ----

  // The keyed hash Submit stores for these six ID characters (this kiosk's key, made
  // on first use). For tools that seed test data. kInvalidArgument unless [0-9Xx]{6}.
  Result<std::string> LookupHashFor(std::string_view id_last6);

  // LookUpStatus for the resident's screen: the application and its history when the
  // ID tail matches; nullopt when the number is unknown, the tail does not match, is
  // malformed, or the application kept no hash — all alike, so a wrong guess learns
  // nothing. Constant-time comparison of the hashes.
  Result<std::optional<StatusLookup>> FindForResident(std::string_view app_number,
                                                      std::string_view id_tail);

  // The folder holding yimen.db (exports go under it).
  std::string DataDir() const;

  // ---- for the sync engine (sync thread, its own Store) ----

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

  // MarkDelivered for a whole push reply in ONE write transaction (one fsync instead
  // of one per item: what lets a 10,000-item queue drain quickly). Returns one Status
  // per delivery, in order, with MarkDelivered's meaning; those that are OK are
  // committed together. Fails as a whole (nothing written) when the database itself
  // fails (kUnavailable, kDataLoss...).
  struct Delivery {
    std::string uuid;
    std::string server_receipt;
    std::string server_time;
  };
  Result<std::vector<Status>> MarkDeliveredBatch(const std::vector<Delivery>& deliveries,
                                                 std::chrono::system_clock::time_point delivered_at);

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

  // ---- sealing, attachments and retention (issue 6) ----

  // The key Submit seals to: the server's current key learnt at enrollment or from a
  // heartbeat (setting sync.sealing_public_key) or, before enrollment, the key the
  // deployment provisioned (ProvisionSealingKey). kRejected "no sealing key" when
  // there is none; kRejected "retired" when the server has retired that key.
  Result<SealingKeyInfo> CurrentSealingKey();

  // Stores the deployment's pre-enrollment key (32 raw bytes: the server's public
  // sealing key, from a provisioning file). kInvalidArgument for another size.
  Status ProvisionSealingKey(std::string_view public_key);

  // Attachments of delivered applications that still wait for upload, oldest first.
  Result<std::vector<PendingUpload>> ListPendingUploads(int limit);
  // The server holds this attachment whole and verified. kNotFound for an unknown one.
  Status MarkUploaded(std::string_view uuid, std::string_view attachment_id,
                      std::chrono::system_clock::time_point at);

  // After the server's database was restored from a backup older than some of this
  // kiosk's acknowledgements (docs/operations.md "Backup and restore"): puts every
  // application acknowledged at or after `since` whose sealed payload the kiosk still
  // holds (not purged by retention) back into the outbox, with its photos to upload
  // again. The server dedupes by uuid, so those it still has come back `duplicate`
  // with their receipt and the lost ones are stored again; a purged one cannot be
  // resent and is counted in `purged`. One transaction, one audit row
  // (`outbox.resend`). Safe to run twice.
  struct ResendReport {
    int64_t requeued = 0;  // applications back in the outbox
    int64_t photos = 0;    // their attachments to upload again
    int64_t purged = 0;    // acknowledged since `since` but payload already purged
  };
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

  // ---- settings and audit ----

  // Free-form settings for other rooms. Keys the store owns ("kiosk_code",
  // "status_cursor") are refused with kInvalidArgument: use their own functions.
  Status SetSetting(std::string_view key, std::string_view value);
  Result<std::optional<std::string>> GetSetting(std::string_view key);

  // Appends one audit row stamped with the device clock. `detail` must not hold
  // personal data. Fails kInvalidArgument for an empty actor or action.
  Status AppendAudit(std::string_view actor, std::string_view action,
                     std::string_view detail);

  // The latest `limit` audit rows (1..1000), newest first.
  Result<std::vector<AuditEntry>> RecentAudit(int limit);

 private:
  Store(sqlite::Connection db, int schema_version)
      : m_db(std::move(db)), m_schema_version(schema_version) {}

  Result<std::optional<std::string>> ReadSetting(std::string_view key);
  // Rows of "SELECT id, at, actor, action, detail FROM audit …", in the query's order.
  static Result<std::vector<AuditEntry>> ReadAuditRows(sqlite::Statement& query);
  // This kiosk's status look-up key (hex), made on first use.
  Result<std::string> LookupKey();
  Status WriteSetting(std::string_view key, std::string_view value);
  Error OutboxMiss(std::string_view uuid, std::string_view what);
  // The body of MarkDelivered inside the caller's write transaction; *changed is
  // false when there was nothing to write (already delivered with this receipt).
  Status MarkDeliveredInTransaction(std::string_view uuid, std::string_view server_receipt,
                                    std::string_view server_time, int64_t delivered_at_ms,
                                    bool* changed);

  // Sync cursors owned by the store (SetSetting refuses them).
  static constexpr std::string_view kStaffCursorKey = "staff_cursor";
  static constexpr std::string_view kAuditPushedKey = "audit_pushed_through";
  // Reads an integer setting; `fallback` when absent. kDataLoss when it is not a number.
  Result<int64_t> ReadIntSetting(std::string_view key, int64_t fallback);

  sqlite::Connection m_db;
  int m_schema_version = 0;  // set by Open after migrations
  int64_t m_throttle_base_ms = kStaffThrottleBaseMs;  // SetStaffThrottleBaseMs
};

}  // namespace yimen
