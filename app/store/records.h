// The records the kiosk store's repositories take and give (store.h): plain values, no
// SQLite. Kept apart so a caller that only passes records around needs no repository.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/civil_date.h"

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
  CivilDate created_date;      // kiosk-local date, printed in the app number
  std::string created_at_iso;  // device time "YYYY-MM-DDTHH:MM:SS[.fff]Z", display only
  // The last 6 characters of the applicant's ID number, for the resident's status
  // look-up. Only a keyed hash of it is stored. Empty: this application cannot be
  // looked up by number + ID (services that ask no ID number).
  std::string id_last6;
};

// What SubmitVisit returns: the visit's number and its applications, in the order given.
struct SubmittedVisit {
  std::string visit_id;      // random v4, shared by every application of the visit
  std::string visit_number;  // 办理编号, "K7Q2-261204-V0003-X" (domain/app_number.h)
};

// What the receipt shows. Returned by Submit only after the commit is durable.
struct SubmittedApplication {
  std::string uuid;        // random v4; the server upserts by it, so retries never duplicate
  std::string app_number;  // 受理编号, e.g. "K7Q2-261123-0042-C"
  uint32_t seq = 0;        // the kiosk's sequence for created_date, 1-based
  std::string created_at;  // as given in NewApplication::created_at_iso
  // SubmitVisit only: the visit it belongs to (empty for Submit).
  SubmittedVisit visit;
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
  // The visit it was submitted in (SubmitVisit), empty when submitted alone.
  std::string visit_number;
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
  std::string public_key;        // 32 raw bytes
  std::string key_id;            // seal::KeyId
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
  // The visit (SubmitVisit); all empty/0 for an application submitted alone.
  std::string visit_id;
  std::string visit_number;
  int visit_size = 0;
};

// For the staff screen's "sync" light and for the fleet console.
struct OutboxHealthReport {
  int64_t pending = 0;          // not delivered, not parked
  int64_t uploads_pending = 0;  // attachments of delivered applications not yet uploaded
  int64_t parked = 0;
  std::optional<std::chrono::system_clock::time_point> oldest_pending_at;  // enqueue time
  std::optional<std::chrono::system_clock::time_point> last_success_at;    // delivered_at
  // Audit rows that failed to write and wait in memory for a retry (or were dropped
  // over the backlog's cap): > 0 is a staff alarm (StaffRepository::AppendAudit).
  int64_t audit_backlog = 0;
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
  ApplicationStub stub;               // status, as-of time, sync state
  std::vector<StatusChange> history;  // the server's changes, oldest first
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
  kRefused,    // unknown name or wrong PIN: the caller must not say which
  kLocked,     // too many failures for this name; nothing was checked
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
  int64_t version = 0;  // the server's change number of this row, > 0
};

enum class OutboxScope {
  kAll,      // every outbox row, delivered or not
  kPending,  // not delivered and not parked
};

// One acknowledgement of a push reply, for ApplicationRepository::MarkDeliveredBatch.
struct Delivery {
  std::string uuid;
  std::string server_receipt;
  std::string server_time;
};

// What ApplicationRepository::ResendAcknowledgedSince did.
struct ResendReport {
  int64_t requeued = 0;  // applications back in the outbox
  int64_t photos = 0;    // their attachments to upload again
  int64_t purged = 0;    // acknowledged since `since` but payload already purged
};

// Error::code values the store sets where callers must tell refusals of one kind apart
// (docs/internals/store.md "Errors"). Both come with ErrorKind::kNeedsSetup.
inline constexpr const char* kErrorNoSealingKey = "no_sealing_key";  // never enrolled/provisioned
inline constexpr const char* kErrorSealingKeyRetired =
    "sealing_key_retired";  // wait for a heartbeat

}  // namespace yimen
