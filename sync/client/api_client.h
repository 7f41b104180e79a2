// The kiosk's view of the server API: signs every request with the device key, uses
// the server's clock for the timestamp (the kiosk's own may be wrong for weeks), and
// turns HTTP replies into Result kinds the engine acts on (Unavailable → back off,
// Rejected → stop/park, Conflict → re-read state).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/result.h"
#include "sync/client/transport.h"
#include "sync/protocol/messages.h"
#include "sync/protocol/phone_messages.h"
#include "sync/protocol/staff_messages.h"

namespace yimen::sync {

// What enrollment gives a kiosk; kept in the store's settings.
struct DeviceCredentials {
  std::vector<std::string> server_urls;  // first is preferred; others are fail-overs
  int64_t device_id = 0;
  std::string secret_key;          // raw Ed25519 secret key (64 bytes)
  std::string hall;
  std::string kiosk_code;
  std::string sealing_public_key;  // raw X25519 key to seal payloads to
};

class ApiClient {
 public:
  // transport must outlive the client. One thread at a time.
  ApiClient(Transport& transport, DeviceCredentials credentials);

  Result<protocol::PushResponse> Push(const protocol::PushRequest& request);
  Result<protocol::StatusPage> PullStatus(int64_t after, int limit);
  // The server's current sealing key and retired key ids come back with the reply.
  Result<protocol::HeartbeatReply> SendHeartbeat(const protocol::Heartbeat& heartbeat);
  // nullopt when the kiosk already has the newest version.
  Result<std::optional<protocol::CatalogUpdate>> FetchCatalog(const std::string& have_version);
  Result<protocol::AttachmentState> GetAttachment(const std::string& uuid,
                                                  const std::string& attachment_id);
  // Appends bytes at offset. kConflict when the server holds a different number of
  // bytes (the state in *server_state tells where to continue); kDataLoss when the
  // finished file failed its SHA-256 (the server discarded it: start again).
  Result<protocol::AttachmentState> PutAttachmentChunk(const std::string& uuid,
                                                       const std::string& attachment_id,
                                                       int64_t offset, std::string_view bytes,
                                                       protocol::AttachmentState* server_state);

  // Staff accounts provisioned after version `after`, and the kiosk's audit rows
  // (defined in staff_sync.cpp). Errors as for PullStatus / Push.
  Result<protocol::StaffAccountsPage> PullStaffAccounts(int64_t after, int limit);
  Result<protocol::AuditAck> PushAudit(const protocol::AuditPush& push);

  // Photos from a resident's phone (phone_link.cpp, docs/devices.md "Photos from a
  // phone"): a one-time upload link for a public key, the sealed files that arrived after
  // seq `after`, and spending the link. kNotFound with Error::code "phone_upload_off" when
  // the server has no phone upload configured; other errors as for PullStatus.
  Result<protocol::PhoneLink> CreatePhoneLink(const protocol::PhoneLinkRequest& request);
  Result<protocol::PhoneFiles> GetPhoneFiles(const std::string& link_id, int after);
  Status SpendPhoneLink(const std::string& link_id);

  // Unsigned: possession of the one-time code is the proof. Errors: kRejected for a
  // wrong, used or expired code (message has the server's word), kUnavailable when
  // the server cannot be reached or throttles (retry_after_s set).
  static Result<protocol::EnrollResponse> Enroll(Transport& transport, const std::string& url,
                                                 const protocol::EnrollRequest& request);

  // Seconds the server asked us to wait in its last reply (Retry-After), 0 if none.
  int retry_after_s() const { return m_retry_after_s; }
  // The HTTP status of the last call's reply; 0 when it got none (refused, reset,
  // timed out). Lets the engine tell a server fault (500) from a server that is down.
  int last_status() const { return m_last_status; }
  // Server clock minus kiosk clock, learned from replies.
  int64_t clock_offset_s() const { return m_clock_offset_s; }
  // The base URL requests go to now; after a transport failure the next call tries
  // the next URL in the list.
  const std::string& current_url() const;
  // Moves to the next server URL (the engine does it after a transport failure).
  void RotateServer();
  const DeviceCredentials& credentials() const { return m_credentials; }

 private:
  Result<HttpResponse> Call(const std::string& method, const std::string& path_and_query,
                            const std::string& body, const std::string& content_type);
  Result<HttpResponse> CallOnce(const std::string& method, const std::string& path_and_query,
                                const std::string& body, const std::string& content_type);

  Transport& m_transport;
  DeviceCredentials m_credentials;
  size_t m_url_index = 0;
  int m_retry_after_s = 0;
  int m_last_status = 0;  // written by CallOnce
  int64_t m_clock_offset_s = 0;
};

// Maps a non-2xx reply to an error: 5xx/429/408 and 401 "replayed" → kUnavailable,
// 409 → kConflict, 404 → kNotFound, other 4xx → kRejected; the server's error word
// and message are in the text ("HTTP 401 bad_signature: ..."), the word alone in
// Error::code ("device_revoked") for callers to branch on. Pure.
Error ErrorFromResponse(const HttpResponse& response);

}  // namespace yimen::sync
