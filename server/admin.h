// What the central office does by hand: issue enrollment codes, list applications,
// set statuses, watch kiosks, publish catalogs. Used by yimen-admin and by tests, so
// the CLI is a thin shell around these functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "domain/result.h"
#include "server/pg_pool.h"

namespace yimen::server {

class KeyVault;  // server/key_vault.h

// Makes a one-time code for enrolling one kiosk into `hall`, valid for ttl_hours.
// Returns the code as the operator types it ("K7QMD-4XPDA"); only its hash is stored.
Result<std::string> IssueEnrollCode(PgPool& pool, const std::string& hall, int ttl_hours);

struct ApplicationRow {
  std::string app_number;
  std::string uuid;
  std::string receipt;
  std::string service_code;
  std::string hall;
  int64_t device_id = 0;
  std::string received_at;  // ISO-8601 UTC
  std::string status;       // "" until a reviewer sets one
  bool complete = false;    // all attachments arrived
  std::string visit_number;  // its visit's 办理编号 (docs/internals/visits.md), "" if alone
  int visit_size = 0;        // applications in that visit, 0 if alone
};

// Newest first, at most `limit`. Thread-safe.
Result<std::vector<ApplicationRow>> ListApplications(PgPool& pool, int limit);

// Status changes go through the office workflow: ApplyOfficeAction in
// server/office_workflow.h (one way to change a status).

// The kiosks with their heartbeats and flags, and revoking one: server/office_fleet.h.

// Publishing a catalog version: server/office_catalog.h (PublishCatalogNow), shared with
// the console.

// The plaintext of an uploaded document photo: its chunks joined, decrypted with the
// key the sealed payload carried (common/sealing.h). kNotFound for an unknown
// application or attachment, kUnavailable while the upload is incomplete, kRejected
// when the bytes do not decrypt (the message says why) or `vault` is locked ("key
// locked"). For reviewers' tools.
Result<std::string> ReadAttachmentPlaintext(PgPool& pool, KeyVault& vault,
                                            const std::string& app_number,
                                            const std::string& attachment_id);

}  // namespace yimen::server
