// The schema steps themselves. docs/internals/store.md explains each table; this file
// is the truth. Tables are STRICT so a wrong type is an error at the INSERT, not a
// surprise in the sync layer months later.
#include "store/migrations.h"

#include <array>
#include <string>

namespace yimen::store {
namespace {

// v1: what a kiosk needs to take applications offline and never lose one.
constexpr const char* kV1BaseTables = R"sql(
CREATE TABLE settings (
  key   TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE applications (
  id              INTEGER PRIMARY KEY,
  uuid            TEXT    NOT NULL UNIQUE,
  app_number      TEXT    NOT NULL UNIQUE,
  created_date    TEXT    NOT NULL,
  seq             INTEGER NOT NULL CHECK (seq > 0),
  service_code    TEXT    NOT NULL,
  catalog_version TEXT    NOT NULL,
  created_at      TEXT    NOT NULL,
  masked_name     TEXT    NOT NULL,
  payload_format  TEXT    NOT NULL,
  payload         BLOB    NOT NULL,
  status          TEXT    NOT NULL,
  status_at       TEXT    NOT NULL,
  server_receipt  TEXT,
  acked_at        TEXT,
  UNIQUE (created_date, seq)
) STRICT;

-- The daily sequence behind each app number (domain/app_number.h: unique per kiosk,
-- date and sequence). One row per day, never pruned: a clock set back to a day already
-- used continues that day's count instead of handing out its numbers again.
CREATE TABLE app_sequences (
  day      TEXT    PRIMARY KEY NOT NULL,
  last_seq INTEGER NOT NULL CHECK (last_seq > 0)
) STRICT, WITHOUT ROWID;

CREATE TABLE outbox (
  application_uuid TEXT    PRIMARY KEY NOT NULL REFERENCES applications (uuid),
  enqueued_at_ms   INTEGER NOT NULL,
  delivered_at_ms  INTEGER
) STRICT;

CREATE TRIGGER outbox_keeps_undelivered BEFORE DELETE ON outbox
WHEN OLD.delivered_at_ms IS NULL
BEGIN
  SELECT RAISE(ABORT, 'outbox: an item is never deleted before the server acknowledged it');
END;

CREATE TABLE audit (
  id     INTEGER PRIMARY KEY,
  at     TEXT NOT NULL,
  actor  TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT ''
) STRICT;
)sql";

// v2: what the sync engine needs. Retry bookkeeping and parking on the outbox, the
// server status seq an application's status came from (so an older change can never
// overwrite a newer one), and the status changes pulled by cursor.
constexpr const char* kV2SyncState = R"sql(
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN next_attempt_at_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN last_error TEXT;
ALTER TABLE outbox ADD COLUMN parked_reason TEXT;
UPDATE outbox SET next_attempt_at_ms = enqueued_at_ms;
CREATE INDEX outbox_due ON outbox (next_attempt_at_ms)
  WHERE delivered_at_ms IS NULL AND parked_reason IS NULL;

ALTER TABLE applications ADD COLUMN status_seq INTEGER;

CREATE TABLE status_changes (
  server_seq       INTEGER PRIMARY KEY,
  application_uuid TEXT NOT NULL,
  app_number       TEXT NOT NULL,
  status           TEXT NOT NULL,
  reason           TEXT NOT NULL DEFAULT '',
  server_time      TEXT NOT NULL
) STRICT;
CREATE INDEX status_changes_by_app_number ON status_changes (app_number, server_seq);
)sql";

// v3: what the resident's status look-up needs once payloads are sealed (issue 6):
// a keyed hash of the last 6 characters of the applicant's ID number, so "number +
// ID tail" can be checked without keeping the ID readable. NULL for rows from v2.
constexpr const char* kV3StatusLookup = R"sql(
ALTER TABLE applications ADD COLUMN lookup_hash TEXT;
)sql";

// v4: staff mode. Staff accounts (Argon2id PIN hashes) and failed-login counters kept
// per typed name, so that an unknown name and a known one fail and lock alike; indexes
// for the staff list's filters, which must stay quick with 100,000 applications.
constexpr const char* kV4StaffMode = R"sql(
CREATE TABLE staff_accounts (
  name          TEXT PRIMARY KEY NOT NULL,
  pin_hash      TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  last_login_at TEXT
) STRICT, WITHOUT ROWID;

CREATE TABLE staff_login_failures (
  name            TEXT PRIMARY KEY NOT NULL,
  failures        INTEGER NOT NULL CHECK (failures >= 0),
  locked_until_ms INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;

CREATE INDEX applications_by_status ON applications (status, id);
CREATE INDEX applications_by_service ON applications (service_code, id);
CREATE INDEX applications_by_date ON applications (created_date, id);
CREATE INDEX outbox_parked ON outbox (application_uuid)
  WHERE delivered_at_ms IS NULL AND parked_reason IS NOT NULL;
)sql";

// v5: sealed payloads (issue 6). Document photos leave the payload for a table of
// their own, encrypted (common/sealing.h), uploaded after the push and purged with the
// payload once the server holds both. seal_key_id names the server key an application
// is sealed to (heartbeats report counts per key so a key is never retired while a
// kiosk still holds items sealed to it); purged_at_ms marks a row whose ciphertext the
// retention purge removed (the stub stays for status look-ups).
constexpr const char* kV5Sealing = R"sql(
CREATE TABLE attachments (
  application_uuid TEXT    NOT NULL REFERENCES applications (uuid),
  attachment_id    TEXT    NOT NULL,
  mime             TEXT    NOT NULL,
  size             INTEGER NOT NULL CHECK (size >= 0),
  sha256           TEXT    NOT NULL,
  ciphertext       BLOB    NOT NULL,
  uploaded_at_ms   INTEGER,
  PRIMARY KEY (application_uuid, attachment_id)
) STRICT;
CREATE INDEX attachments_to_upload ON attachments (application_uuid)
  WHERE uploaded_at_ms IS NULL;

ALTER TABLE applications ADD COLUMN seal_key_id TEXT;
ALTER TABLE applications ADD COLUMN purged_at_ms INTEGER;
)sql";

// v6: staff accounts provisioned by the server (origin, disabled, the
// server's version of the row) and the time of a name's last failed login, which the
// growing delay between attempts is measured from.
constexpr const char* kV6StaffProvisioning = R"sql(
ALTER TABLE staff_accounts ADD COLUMN origin TEXT NOT NULL DEFAULT 'local'
  CHECK (origin IN ('local', 'server'));
ALTER TABLE staff_accounts ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0
  CHECK (disabled IN (0, 1));
ALTER TABLE staff_accounts ADD COLUMN server_version INTEGER;
ALTER TABLE staff_login_failures ADD COLUMN last_failure_ms INTEGER NOT NULL DEFAULT 0;
)sql";

// v7: poison items. How often a request holding the item got a server fault (HTTP
// 500, not "unavailable"), and how often it failed alone while the server answered
// the rest of the cycle: the sync engine bisects a failing batch on the first count
// and parks the item on the second (docs/internals/sync.md "Poison items").
constexpr const char* kV7ServerFaults = R"sql(
ALTER TABLE outbox ADD COLUMN server_faults INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN lone_faults INTEGER NOT NULL DEFAULT 0;
)sql";

// v8: visits (docs/internals/visits.md). Applications a resident submitted together
// share a visit uuid and a visit number (办理编号, domain/app_number.h), counted per day
// by visit_sequences as app_sequences counts application numbers; visit_size says how
// many applications the visit holds, so anyone holding one of them can tell when the
// visit is complete. All three NULL for an application submitted alone.
constexpr const char* kV8Visits = R"sql(
ALTER TABLE applications ADD COLUMN visit_id TEXT;
ALTER TABLE applications ADD COLUMN visit_number TEXT;
ALTER TABLE applications ADD COLUMN visit_size INTEGER CHECK (visit_size IS NULL OR visit_size > 1);
CREATE INDEX applications_by_visit_number ON applications (visit_number, id)
  WHERE visit_number IS NOT NULL;

CREATE TABLE visit_sequences (
  day      TEXT    PRIMARY KEY NOT NULL,
  last_seq INTEGER NOT NULL CHECK (last_seq > 0)
) STRICT, WITHOUT ROWID;
)sql";

constexpr std::array kMigrations = {
    Migration{1, "base tables", kV1BaseTables},
    Migration{2, "sync state", kV2SyncState},
    Migration{3, "status look-up hash", kV3StatusLookup},
    Migration{4, "staff mode", kV4StaffMode},
    Migration{5, "sealed payloads and encrypted attachments", kV5Sealing},
    Migration{6, "server-provisioned staff accounts, login throttle", kV6StaffProvisioning},
    Migration{7, "server faults per outbox item", kV7ServerFaults},
    Migration{8, "visits: several applications submitted together", kV8Visits},
};

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

Error NewerSchemaError(const std::string& path, int version) {
  return MakeError(ErrorKind::kRejected,
                   path + " has schema version " + std::to_string(version) +
                       " but this build knows only up to " +
                       std::to_string(LatestVersion()) +
                       ": it was written by a newer Yimen. Refusing to open it so it "
                       "is not damaged; install that version again.");
}

int LatestVersion() { return kMigrations.back().version; }

Result<int> ReadUserVersion(sqlite::Connection& connection) {
  Result<sqlite::Statement> query = connection.Prepare("PRAGMA user_version");
  if (!query.ok()) return query.error();
  Result<bool> row = query->Step();
  if (!row.ok()) return row.error();
  return static_cast<int>(query->ColumnInt(0));
}

Result<int> Migrate(sqlite::Connection& connection) {
  Result<int> version = ReadUserVersion(connection);
  if (!version.ok()) return version.error();
  int current = *version;
  if (current > LatestVersion()) return NewerSchemaError(connection.path(), current);

  for (const Migration& step : kMigrations) {
    if (step.version <= current) continue;
    Result<sqlite::Transaction> txn =
        sqlite::Transaction::Begin(connection, sqlite::Transaction::Kind::kWrite);
    if (!txn.ok()) return txn.error();
    // Another connection may have migrated while we waited for the write lock.
    Result<int> locked_version = ReadUserVersion(connection);
    if (!locked_version.ok()) return locked_version.error();
    current = *locked_version;
    if (current > LatestVersion()) return NewerSchemaError(connection.path(), current);
    if (current >= step.version) continue;  // the destructor ends the empty transaction

    Status applied = connection.Exec(step.sql);
    if (!applied.ok()) {
      return MakeError(applied.error().kind, "migration " + std::to_string(step.version) +
                                                 " (" + step.name +
                                                 "): " + applied.error().message);
    }
    Status stamped =
        connection.Exec("PRAGMA user_version = " + std::to_string(step.version));
    if (!stamped.ok()) return stamped.error();
    Status committed = txn->Commit();
    if (!committed.ok()) return committed.error();
    current = step.version;
  }
  return current;
}

}  // namespace yimen::store
