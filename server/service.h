// The server's API as plain functions of a request: routing, device authentication,
// enrollment, push (which stores applications sealed, as received, and never opens
// them: server/ingest_checks.h), status pull, heartbeat, catalog and attachments. No sockets here
// (http_frontend.cpp puts it on Boost.Beast), so every rule can be driven from a test,
// and nothing is kept in memory that another server copy would need: PostgreSQL holds
// all state, which is what lets several copies serve one database.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/result.h"
#include "server/application_open.h"
#include "server/console_session.h"
#include "server/group_commit.h"
#include "server/key_vault.h"
#include "server/pg_pool.h"
#include "sync/protocol/messages.h"
#include "sync/protocol/phone_messages.h"
#include "sync/protocol/signing.h"
#include "sync/protocol/staff_messages.h"

namespace yimen::server {

struct ApiRequest {
  std::string method;       // "GET", "POST", "PUT"
  std::string target;       // path plus query exactly as received
  std::string body;
  std::string remote_addr;  // throttles enrollment guesses
  std::map<std::string, std::string> headers;  // keys lowercased

  // The devices row ServerCore::Admit read for this request, so that Handle (which still
  // checks the signature over the body against its key) does not read it a second
  // time. Set only by Admit, never from what the peer sent.
  struct AdmittedDevice {
    int64_t id = 0;
    std::string public_key;  // base64
    std::string hall;
    bool revoked = false;
    std::string kiosk_code;  // the prefix of every application number it may push
  };
  std::optional<AdmittedDevice> admitted;

  // The header's value, or "" when absent. Name in any case.
  std::string Header(const std::string& name) const;
};

struct ApiReply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  int retry_after_s = 0;   // sent as Retry-After when > 0
  // Further response headers (name, value), written as given: the console's
  // Set-Cookie, Location, Content-Security-Policy, Cache-Control (server/console.h).
  std::vector<std::pair<std::string, std::string>> headers;
  int64_t device_id = 0;   // the authenticated device, for the access log
  // Why a 5xx happened (a database error's first line), for the access log only:
  // never sent, so a peer learns nothing about the database. Set by ReplyForError.
  std::string log_note;
  std::string error_code;  // the body's "error" of an ErrorReply, for the access log
  std::string ref;         // the 5xx reference the body names, for the access log
};

// Photos from a resident's phone (server/phone_service.cpp; docs/devices.md "Photos
// from a phone"; [phone] in the configuration).
struct PhoneOptions {
  // The public base the phone reaches this server at ("https://yimen.example.cn"): the
  // links' URLs are <public_url>/m/<token>. "" = phone upload is off, and POST
  // /v1/phone-links answers 404 "phone_upload_off".
  std::string public_url;
  // Per client address within window_s: uploads taken (phones behind one carrier NAT
  // share an address, so this is generous), and wrong tokens before that address gets
  // 429 for wrong tokens (a right token is always served, like enrollment codes).
  int uploads_allowed = 60;
  int failures_allowed = 10;
  int window_s = 600;
  // How long a link lives (phone.link_seconds): ten minutes by default, as the kiosk
  // says; a hall may shorten it, and the expiry tests use a few seconds.
  int link_seconds = protocol::kPhoneLinkSeconds;
};

struct ServerOptions {
  std::string pg_url;
  int64_t max_clock_skew_s = protocol::kMaxClockSkewSeconds;
  // Enrollment guessing (docs/operations.md "Enrollment codes and guessing"): wrong
  // secrets a code takes before it is locked, and wrong guesses per client address
  // within enroll_window_s before that address gets 429 for wrong guesses (a correct
  // code always enrolls).
  int enroll_code_attempts = 5;
  int enroll_failures_allowed = 5;
  int enroll_window_s = 600;
  // Time limits on PostgreSQL for requests, applied after the migrations (which may
  // legitimately run long) have run.
  PgLimits pg_limits = PgLimits::ForRequests();
  // Pushes and heartbeats arriving together share one transaction and one commit
  // (server/group_commit.h); window_us = 0 gives each its own, as before.
  GroupCommitOptions group_commit;
  // How long an unlock keeps the sealing secrets in this process's memory
  // (server/key_vault.h; keys.unlock_minutes).
  std::chrono::seconds unlock_for{std::chrono::minutes(60)};
  // --catalog DIR: the server's own catalog, on the shelf the office path re-validates
  // with (besides every published version). "" = published versions only.
  std::string catalog_dir;
  // The office console's sessions and sign-in bound (server/console.h; [console]).
  ConsoleOptions console;
  PhoneOptions phone;
};

class Console;

class ServerCore {
 public:
  // Connects, applies migrations and makes sure the sealing key ring (key_ring.h),
  // which every server copy shares, has an active key. kUnavailable when PostgreSQL is down,
  // kRejected when the schema is newer than this build.
  static Result<std::unique_ptr<ServerCore>> Open(const ServerOptions& options);

  // The header stage: decides from `head` (method, target, headers; its body not read
  // yet, head.body ignored) whether the body is worth reading. Returns the refusal to
  // send before reading it — 404/405 for an unknown route or method, 401 "unsigned"
  // for missing or malformed signature headers, 401 "bad_signature" for a signature
  // that cannot be one, 401 "stale_timestamp", 401 "unknown_device", 403 "device_revoked",
  // 503 + Retry-After when PostgreSQL cannot say — or nullopt to read the body and
  // call Handle, which checks everything again and the signature over the body.
  // Never throws. Thread-safe; may block on PostgreSQL (call it off the I/O threads).
  // Records the device row it read in head->admitted for Handle.
  std::optional<ApiReply> Admit(ApiRequest* head);

  // Answers one request. Never throws; database trouble becomes 503 with
  // Retry-After. Thread-safe: called from the HTTP worker pool.
  ApiReply Handle(const ApiRequest& request);

  ~ServerCore();

  PgPool& pool() { return m_pool; }
  // This process's key custody (server/key_vault.h): the office console unlocks it;
  // ingest and heartbeats never touch it.
  KeyVault& vault() { return *m_vault; }
  // The catalogs by version, for OpenApplication (server/application_open.h).
  const CatalogShelf& catalogs() const { return *m_catalogs; }
  // How pushes and heartbeats were grouped into commits so far (tests, operators).
  GroupCommitCounters group_commit_counters() const { return m_committer.counters(); }

 private:
  explicit ServerCore(const ServerOptions& options);

  struct DeviceIdentity {
    int64_t id = 0;
    std::string hall;
    std::string kiosk_code;
    std::string nonce;  // set by Authenticate; recorded by it, or by Push in its own tx
  };

  // A device as PostgreSQL knows it (devices row), for Admit and Authenticate.
  struct DeviceRow {
    std::string public_key;  // base64
    std::string hall;
    bool revoked = false;
    std::string kiosk_code;
  };
  // nullopt inside the Result when there is no such device.
  Result<std::optional<DeviceRow>> LookUpDevice(int64_t device_id);
  // 401 "stale_timestamp" when `timestamp` is outside the clock window, else nullopt.
  std::optional<ApiReply> CheckClock(int64_t timestamp) const;

  ApiReply Health();
  ApiReply Enroll(const ApiRequest& request);
  // On success fills *device; on failure returns the 401/403/503 reply to send.
  // record_nonce = false leaves the replay check to the caller, which must call
  // RecordNonce inside the transaction that does the request's work (Push does).
  std::optional<ApiReply> Authenticate(const ApiRequest& request, DeviceIdentity* device,
                                       bool record_nonce);
  // Inserts the request's nonce; false when it was seen before (a replay). Prunes old
  // nonces every kNoncePruneEvery calls.
  bool RecordNonce(pqxx::work& tx, int64_t device_id, const std::string& nonce);
  ApiReply Push(const DeviceIdentity& device, const ApiRequest& request);
  ApiReply PullStatus(const DeviceIdentity& device, const std::string& query);
  ApiReply Heartbeat(const DeviceIdentity& device, const ApiRequest& request);
  ApiReply Catalog(const std::string& query);
  ApiReply AttachmentState(const DeviceIdentity& device, const std::string& uuid,
                           const std::string& attachment_id);
  ApiReply AttachmentChunk(const DeviceIdentity& device, const std::string& uuid,
                           const std::string& attachment_id, const std::string& query,
                           const std::string& body);
  // Staff accounts by version cursor, and the kiosk's audit rows (staff_service.cpp).
  ApiReply PullStaffAccounts(const DeviceIdentity& device, const std::string& query);
  ApiReply PushAudit(const DeviceIdentity& device, const ApiRequest& request);
  // Photos from a phone (phone_service.cpp): the kiosk's signed calls on
  // /v1/phone-links, and the phone's unsigned ones on /m/{token}.
  ApiReply PhoneLinks(const DeviceIdentity& device, const ApiRequest& request,
                      const std::string& path, const std::string& query);
  ApiReply CreatePhoneLink(const DeviceIdentity& device, const ApiRequest& request);
  ApiReply PhoneLinkFiles(const DeviceIdentity& device, const std::string& link_id,
                          const std::string& query);
  ApiReply SpendPhoneLink(const DeviceIdentity& device, const std::string& link_id);
  ApiReply PhonePage(const ApiRequest& request, const std::string& path);
  ApiReply PhoneUpload(const ApiRequest& request, const std::string& token);
  ApiReply PhoneDone(const ApiRequest& request, const std::string& token);
  ApiReply PhoneLanding(const ApiRequest& request, const std::string& token);
  // The header stage of POST /m/{token}/files: an unknown, used-up or full link, or a
  // throttled address, is refused before the photo's body is read.
  std::optional<ApiReply> AdmitPhoneUpload(const ApiRequest& head, const std::string& path);

  ServerOptions m_options;
  PgPool m_pool;
  GroupCommitter m_committer;  // pushes and heartbeats commit through it
  // Declared after m_pool: destroyed first, so the vault's "exit" audit row still has
  // a pool to write with.
  std::unique_ptr<CatalogShelf> m_catalogs;
  std::unique_ptr<KeyVault> m_vault;
  std::unique_ptr<Console> m_console;  // /console and /api/office/v1 (server/console.h)
};

// Reply helpers, shared with the admin paths and tests. ReplyForError sends the
// message of a 4xx kind (the peer's mistake) but only a fixed sentence for
// kUnavailable, kConflict and kInternal, whose messages carry database text: that
// goes to ApiReply::log_note instead.
ApiReply ErrorReply(int status, const std::string& error, const std::string& message);
ApiReply ReplyForError(const Error& error);

// Value of `key` in a query string ("a=1&b=2"), or "" when absent. Pure.
std::string QueryParam(const std::string& query, const std::string& key);

}  // namespace yimen::server
