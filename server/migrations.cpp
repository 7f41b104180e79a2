// The central schema, step by step. Once a step has shipped it is never edited: a
// change is a new step. docs/internals/sync.md explains the tables.
#include "server/migrations.h"

#include <set>

#include <nlohmann/json.hpp>

#include "common/sealing.h"
#include "server/ingest_checks.h"
#include "server/key_ring.h"
#include "server/log.h"
#include "sync/protocol/signing.h"

namespace yimen::server {
namespace {

// Any constant both copies agree on; it only has to differ from other advisory locks.
constexpr int64_t kMigrationLockKey = 0x59494d454e01;  // "YIMEN" 01

constexpr const char* kV1Base = R"sql(
CREATE TABLE server_keys (
  name        text PRIMARY KEY,
  public_key  text NOT NULL,
  secret_key  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE enroll_codes (
  code_hash   text PRIMARY KEY,          -- sha256 of the normalised code: the code itself is never stored
  hall        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  used_by     bigint
);

CREATE TABLE enroll_failures (
  id          bigserial PRIMARY KEY,
  client      text NOT NULL,
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX enroll_failures_client_at ON enroll_failures (client, at);

CREATE TABLE devices (
  id                   bigserial PRIMARY KEY,
  public_key           text NOT NULL UNIQUE,
  hall                 text NOT NULL,
  kiosk_code           text NOT NULL UNIQUE,
  enrolled_at          timestamptz NOT NULL DEFAULT now(),
  revoked_at           timestamptz,
  last_heartbeat_at    timestamptz,
  queue_depth          bigint,
  parked               bigint,
  oldest_pending_age_s bigint,
  app_version          text,
  free_disk_bytes      bigint,
  last_error           text,
  catalog_version      text
);

CREATE TABLE request_nonces (
  device_id   bigint NOT NULL,
  nonce       text NOT NULL,
  seen_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (device_id, nonce)
);
CREATE INDEX request_nonces_seen_at ON request_nonces (seen_at);

CREATE TABLE applications (
  id               bigint PRIMARY KEY,
  uuid             uuid NOT NULL UNIQUE,   -- the kiosk's idempotency key
  app_number       text NOT NULL UNIQUE,
  receipt          text NOT NULL UNIQUE,
  device_id        bigint NOT NULL REFERENCES devices (id),
  hall             text NOT NULL,
  service_code     text NOT NULL,
  catalog_version  text NOT NULL,
  payload_format   text NOT NULL,
  payload          jsonb NOT NULL,
  submitted_at     text NOT NULL,          -- kiosk clock, display only
  received_at      timestamptz NOT NULL,   -- server clock
  status           text,
  status_at        timestamptz
);
CREATE SEQUENCE applications_id_seq OWNED BY applications.id;

CREATE TABLE status_changes (
  seq             bigserial PRIMARY KEY,   -- assigned under a lock: commit order = seq order
  application_id  bigint NOT NULL REFERENCES applications (id),
  status          text NOT NULL,
  reason          text NOT NULL DEFAULT '',
  actor           text NOT NULL,
  changed_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX status_changes_application ON status_changes (application_id);
)sql";

constexpr const char* kV2AttachmentsCatalog = R"sql(
ALTER TABLE applications ADD COLUMN attachments_total int NOT NULL DEFAULT 0;
ALTER TABLE applications ADD COLUMN complete boolean NOT NULL DEFAULT true;

CREATE TABLE attachments (
  application_id  bigint NOT NULL REFERENCES applications (id),
  attachment_id   text NOT NULL,
  size            bigint NOT NULL CHECK (size >= 0),
  sha256          text NOT NULL,
  mime            text NOT NULL,
  received        bigint NOT NULL DEFAULT 0,
  complete        boolean NOT NULL DEFAULT false,
  PRIMARY KEY (application_id, attachment_id)
);

-- Chunks as they arrive; a chunk is stored whole or not at all, so an upload cut at
-- any byte resumes from the last stored chunk.
CREATE TABLE attachment_chunks (
  application_id  bigint NOT NULL,
  attachment_id   text NOT NULL,
  byte_offset     bigint NOT NULL,
  data            bytea NOT NULL,
  PRIMARY KEY (application_id, attachment_id, byte_offset),
  FOREIGN KEY (application_id, attachment_id) REFERENCES attachments (application_id, attachment_id)
);

CREATE TABLE catalogs (
  seq           bigserial PRIMARY KEY,
  version       text NOT NULL UNIQUE,
  body          jsonb NOT NULL,
  published_at  timestamptz NOT NULL DEFAULT now()
);
)sql";

// v3: the sealing key ring (issue 6; server/key_ring.h). A retired key keeps its row
// (its id explains a refusal) but not its secret. Heartbeats report, per kiosk, how
// many undelivered applications it holds sealed to each key id, so a key is never
// retired under a kiosk that still needs it opened.
constexpr const char* kV3KeyRing = R"sql(
CREATE TABLE sealing_keys (
  key_id      text PRIMARY KEY,
  public_key  text NOT NULL UNIQUE,
  secret_key  text,
  state       text NOT NULL CHECK (state IN ('active', 'previous', 'retired')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  rotated_at  timestamptz,
  retired_at  timestamptz,
  CHECK ((state = 'retired') = (secret_key IS NULL))
);
CREATE UNIQUE INDEX sealing_keys_one_active ON sealing_keys (state) WHERE state = 'active';

ALTER TABLE devices ADD COLUMN sealed_by_key jsonb NOT NULL DEFAULT '{}';
)sql";

// v4: staff accounts the office provisions (PIN
// hashes made by yimen-admin, never PINs), numbered by one sequence that the kiosks pull
// by cursor, and every kiosk's audit trail, stored once per kiosk and row.
constexpr const char* kV4StaffAudit = R"sql(
CREATE SEQUENCE staff_account_versions;

CREATE TABLE staff_accounts (
  name        text PRIMARY KEY,
  pin_hash    text NOT NULL CHECK (pin_hash LIKE '$argon2id$%'),
  disabled    boolean NOT NULL DEFAULT false,
  version     bigint NOT NULL UNIQUE,   -- nextval(staff_account_versions) at every change
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE kiosk_audit (
  device_id   bigint NOT NULL REFERENCES devices (id),
  kiosk_seq   bigint NOT NULL CHECK (kiosk_seq > 0),  -- the kiosk's audit row id
  at          text NOT NULL,                           -- the kiosk's clock, as sent
  actor       text NOT NULL,
  action      text NOT NULL,
  detail      text NOT NULL DEFAULT '',
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (device_id, kiosk_seq)
);
)sql";

// v5: ingest never opens what it stores (docs/internals/sync.md). Before, the payload
// column held each application decrypted (jsonb, photo keys included); from now on it
// holds the envelope exactly as pushed. Rows already there are sealed to the active
// key in C++ (SealApplicationRows), and app numbers take their canonical spelling
// (CanonicalAppNumber) so every look-up finds exactly one application.
constexpr const char* kV5SealedPayloads = R"sql(
ALTER TABLE applications ADD COLUMN sealed_payload text;
)sql";

constexpr const char* kV5SealedPayloadsAfter = R"sql(
ALTER TABLE applications DROP COLUMN payload;
ALTER TABLE applications RENAME COLUMN sealed_payload TO payload;
ALTER TABLE applications ALTER COLUMN payload SET NOT NULL;
)sql";

constexpr int kSealBatchRows = 500;

// Seals every plaintext payload to the active key, kSealBatchRows rows per statement
// (memory stays bounded on a big table), and canonicalises app numbers. Returns the
// rows sealed.
int64_t SealApplicationRows(pqxx::work& tx) {
  if (tx.exec("SELECT 1 FROM applications LIMIT 1").empty()) return 0;
  if (!protocol::InitCrypto().ok()) throw std::runtime_error("libsodium failed to initialise");
  const std::string public_key = EnsureActiveKeyIn(tx);
  int64_t sealed = 0;
  int64_t after = -1;
  while (true) {
    pqxx::result r = tx.exec_params(
        "SELECT id, payload::text FROM applications WHERE id > $1 ORDER BY id LIMIT $2", after,
        kSealBatchRows);
    if (r.empty()) break;
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& row : r) {
      after = row[0].as<int64_t>();
      std::string plain = row[1].as<std::string>();
      auto envelope = seal::SealEnvelope(plain, public_key);
      Wipe(&plain);
      if (!envelope.ok()) throw std::runtime_error("sealing: " + envelope.error().message);
      rows.push_back({{"id", after}, {"sealed", *envelope}});
    }
    tx.exec_params(
        "UPDATE applications a SET sealed_payload = x.sealed, payload_format = 'sealed-v2' "
        "FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, sealed text) WHERE a.id = x.id",
        rows.dump());
    sealed += static_cast<int64_t>(r.size());
  }
  // Canonical numbers. One that does not parse, or whose canonical spelling another row
  // already holds, keeps its text (and stays unique as it was); the log counts them.
  std::set<std::string> taken;
  std::vector<std::pair<int64_t, std::string>> numbers;
  for (const auto& row : tx.exec("SELECT id, app_number FROM applications ORDER BY id")) {
    taken.insert(row[1].as<std::string>());
    numbers.emplace_back(row[0].as<int64_t>(), row[1].as<std::string>());
  }
  int64_t kept = 0;
  for (const auto& [id, number] : numbers) {
    auto canonical = CanonicalAppNumber(number);
    if (canonical.ok() && *canonical == number) continue;
    if (!canonical.ok() || taken.count(*canonical)) {
      ++kept;
      continue;
    }
    tx.exec_params("UPDATE applications SET app_number = $2 WHERE id = $1", id, *canonical);
    taken.insert(*canonical);
  }
  // kept: numbers left as they were (not parseable, or their canonical form is taken).
  WriteLog(LogLine(LogLevel::kInfo, "migration")
               .Add("version", int64_t{5})
               .Add("sealed", static_cast<int64_t>(sealed))
               .Add("numbers_kept", static_cast<int64_t>(kept)));
  return sealed;
}

// VACUUM FULL cannot run in a transaction; a failure is reported, not fatal: the
// migration itself is committed and the operator can run it by hand
// (docs/operations.md "Upgrading to schema 5").
void Vacuum(pqxx::connection& c, const char* table) {
  try {
    pqxx::nontransaction tx(c);
    tx.exec(std::string("VACUUM FULL ") + table);
  } catch (const std::exception& e) {
    WriteLog(LogLine(LogLevel::kWarn, "vacuum_failed")
                 .Add("table", table)
                 .Add("error", std::string_view(e.what()).substr(0, 200))
                 .Add("do", "run VACUUM FULL by hand"));
  }
}

// v6: office accounts (yimen-admin now, the web console later) and their sign-in
// trail; staff accounts belong to one hall (a kiosk pulls only its hall's) and record
// who changed them. Accounts provisioned before v6 went to every kiosk with PINs of 6
// digits at a lower cost: they are disabled here, their hashes replaced by one that
// nothing matches (common/secret_hash.h kNoSecretHash), with a new version so every
// kiosk drops its copy at its next sync; the office re-adds them with --hall.
constexpr const char* kV6OfficeAccounts = R"sql(
CREATE TABLE office_accounts (
  id              bigserial PRIMARY KEY,
  name            text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
  role            text NOT NULL CHECK (role IN ('reviewer', 'approver', 'department',
                                                'supervisor', 'admin')),
  scope           text NOT NULL CHECK (length(scope) BETWEEN 1 AND 128),  -- region/township or department
  password_hash   text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
  disabled        boolean NOT NULL DEFAULT false,
  failed_attempts int NOT NULL DEFAULT 0,
  locked_until    timestamptz,
  last_login_at   timestamptz,
  created_by      text NOT NULL,          -- an account name, or 'bootstrap'
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Every sign-in, accepted or not, and what it was for. `name` is as typed (it may
-- name no account); `account_id` is set when it did.
CREATE TABLE office_auth_log (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  name        text NOT NULL,
  account_id  bigint REFERENCES office_accounts (id),
  outcome     text NOT NULL CHECK (outcome IN ('accepted', 'refused', 'locked', 'disabled',
                                                'forbidden', 'bootstrap')),
  command     text NOT NULL,
  client      text NOT NULL DEFAULT ''
);
CREATE INDEX office_auth_log_name_at ON office_auth_log (name, at);

ALTER TABLE staff_accounts ADD COLUMN hall text NOT NULL DEFAULT '';
ALTER TABLE staff_accounts ADD COLUMN changed_by text NOT NULL DEFAULT '';
ALTER TABLE staff_accounts DROP CONSTRAINT staff_accounts_pkey;
ALTER TABLE staff_accounts ADD PRIMARY KEY (hall, name);
UPDATE staff_accounts SET disabled = true, changed_by = 'migration 6', updated_at = now(),
  pin_hash = '$argon2id$v=19$m=262144,t=4,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  version = nextval('staff_account_versions');
)sql";

// v7: enrollment codes get a public id and a count of wrong secrets (guessing is
// bounded per code), and wrong guesses per client address become one counter row
// updated atomically (docs/operations.md "Enrollment codes and guessing"). Codes from
// before v7 have no id and no longer enroll: issue new ones.
constexpr const char* kV7EnrollGuessing = R"sql(
ALTER TABLE enroll_codes ADD COLUMN code_id text UNIQUE;
ALTER TABLE enroll_codes ADD COLUMN failures int NOT NULL DEFAULT 0;
DROP TABLE enroll_failures;
CREATE TABLE enroll_throttle (
  client       text PRIMARY KEY,           -- the peer address
  window_start timestamptz NOT NULL,
  failures     int NOT NULL                -- wrong guesses since window_start
);
)sql";

// v8: the database epoch, a random id that kiosks see in every status page. Restoring a
// backup replaces it (scripts/after-restore.sql, and RefreshDatabaseEpoch when the
// cluster is another one); a kiosk that sees it change sends again what it still
// holds, since the restored database may lack what was acknowledged after the backup
// (docs/operations.md "Backup and restore").
constexpr const char* kV8DatabaseEpoch = R"sql(
CREATE TABLE database_epoch (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  epoch     text NOT NULL,
  since     timestamptz NOT NULL DEFAULT now(),
  cluster   text            -- RefreshDatabaseEpoch's identity of the database it ran on
);
INSERT INTO database_epoch (epoch) VALUES (gen_random_uuid()::text);
)sql";

// v9: key custody (issue 12; server/key_vault.h). The vault row holds the vault's
// public key and its secret wrapped under the supervisors' passphrase (never stored),
// with the Argon2id salt and cost, and the failed-passphrase count every server copy
// shares. Sealing secrets get a wrapped column; the passphrase ceremony fills it and
// drops secret_key (that is not a step here: a fresh install has no passphrase yet).
constexpr const char* kV9KeyCustody = R"sql(
CREATE TABLE key_vault (
  singleton              boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  public_key             text NOT NULL,     -- X25519, base64
  wrapped_secret         text NOT NULL,     -- base64: nonce || crypto_secretbox(vault secret)
  kdf                    text NOT NULL DEFAULT 'argon2id13',
  salt                   text NOT NULL,     -- base64
  opslimit               bigint NOT NULL,
  memlimit               bigint NOT NULL,
  created_at             timestamptz NOT NULL DEFAULT now(),
  passphrase_changed_at  timestamptz NOT NULL DEFAULT now(),
  failed_attempts        int NOT NULL DEFAULT 0,
  last_failed_at         timestamptz,
  locked_until           timestamptz
);

CREATE TABLE key_audit (
  id      bigserial PRIMARY KEY,
  at      timestamptz NOT NULL DEFAULT now(),
  event   text NOT NULL CHECK (event IN ('ceremony', 'unlock', 'lock', 'timeout', 'exit',
                                         'failed_passphrase', 'locked_out',
                                         'passphrase_change', 'rotation', 'retire')),
  actor   text NOT NULL,
  client  text NOT NULL,
  detail  text NOT NULL DEFAULT ''
);
CREATE INDEX key_audit_at ON key_audit (at);

ALTER TABLE sealing_keys ADD COLUMN wrapped_secret text;
)sql";

// v10: the office workflow (server/office_workflow.h, docs/console.md "Workflow"):
// halls belong to a township (scope), departments take routed applications, a
// calendar of holidays and make-up working days gives due dates in working days, and
// every action leaves an audit row beside the status change kiosks pull. The queue's
// indexes keep a page fast at 100,000 applications (docs/console.md "Queue").
constexpr const char* kV10OfficeWorkflow = R"sql(
CREATE TABLE halls (
  name        text PRIMARY KEY,
  town        text NOT NULL CHECK (length(town) BETWEEN 1 AND 128),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX halls_town ON halls (town);

CREATE TABLE departments (
  name        text PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64),
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- A holiday is off even on a weekday; a make-up working day (调休) is worked even on
-- a weekend. Every other day follows the week.
CREATE TABLE calendar_days (
  day   date PRIMARY KEY,
  kind  text NOT NULL CHECK (kind IN ('holiday', 'workday')),
  note  text NOT NULL DEFAULT ''
);

ALTER TABLE applications ADD COLUMN due_date date;          -- the time limit's last day
ALTER TABLE applications ADD COLUMN clock_days_left int;    -- working days left when 需补正 stopped the clock
ALTER TABLE applications ADD COLUMN notice_until date;      -- 公示's last day
ALTER TABLE applications ADD COLUMN department text;        -- routed to (the latest 转办)
ALTER TABLE applications ADD COLUMN route_due date;
ALTER TABLE applications ADD COLUMN route_from text;        -- the status 转办 left, restored by the reply

CREATE INDEX applications_queue ON applications (received_at DESC, id DESC);
CREATE INDEX applications_queue_status ON applications (coalesce(status, ''), received_at DESC, id DESC);
CREATE INDEX applications_queue_hall ON applications (hall, received_at DESC, id DESC);
CREATE INDEX applications_count_hall_status ON applications (hall, coalesce(status, ''));
CREATE INDEX applications_queue_service ON applications (service_code, received_at DESC, id DESC);
CREATE INDEX applications_due ON applications (due_date) WHERE due_date IS NOT NULL;

-- Every application a department was asked to act on, so it keeps seeing it afterwards.
CREATE TABLE application_routes (
  id              bigserial PRIMARY KEY,
  application_id  bigint NOT NULL REFERENCES applications (id),
  department      text NOT NULL REFERENCES departments (name),
  due_date        date NOT NULL,
  routed_by       text NOT NULL,
  routed_at       timestamptz NOT NULL DEFAULT now(),
  replied_by      text,
  replied_at      timestamptz,
  reply           text
);
CREATE INDEX application_routes_department ON application_routes (department, application_id);
CREATE INDEX application_routes_application ON application_routes (application_id);

-- The audit trail of office actions: who, what, old -> new, why, and the status change
-- kiosks pull (NULL for none).
CREATE TABLE office_actions (
  id              bigserial PRIMARY KEY,
  application_id  bigint NOT NULL REFERENCES applications (id),
  seq             bigint REFERENCES status_changes (seq),
  at              timestamptz NOT NULL DEFAULT now(),
  actor           text NOT NULL,
  actor_role      text NOT NULL,
  action          text NOT NULL,
  old_status      text NOT NULL,
  new_status      text NOT NULL,
  note            text NOT NULL DEFAULT '',
  details         jsonb NOT NULL DEFAULT '{}',
  client          text NOT NULL DEFAULT ''
);
CREATE INDEX office_actions_application ON office_actions (application_id, id);
CREATE INDEX office_actions_actor ON office_actions (application_id, action, actor);

CREATE TABLE office_comments (
  id              bigserial PRIMARY KEY,
  application_id  bigint NOT NULL REFERENCES applications (id),
  at              timestamptz NOT NULL DEFAULT now(),
  author          text NOT NULL,
  author_role     text NOT NULL,
  text            text NOT NULL CHECK (length(text) BETWEEN 1 AND 2000)
);
CREATE INDEX office_comments_application ON office_comments (application_id, id);
)sql";

// A new epoch when the database is not where it was last time a server started: a
// dump restored into a fresh cluster or database (another system identifier or
// database oid) or a cluster that left its WAL timeline (point-in-time recovery, a
// promoted replica — both can lack the last acknowledgements). Catches a restore
// whose operator forgot scripts/after-restore.sql; costs kiosks nothing but duplicates
// when nothing was lost.
constexpr const char* kRefreshDatabaseEpoch = R"sql(
UPDATE database_epoch e SET epoch = gen_random_uuid()::text, since = now(), cluster = x.cluster
FROM (SELECT (SELECT system_identifier FROM pg_control_system())::text || '/' ||
             (SELECT oid FROM pg_database WHERE datname = current_database())::text || '/' ||
             substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8) AS cluster) x
WHERE e.cluster IS DISTINCT FROM x.cluster
)sql";

// v11: the office console's sessions (server/console_session.h). Only a hash of the
// cookie's token is kept, so a copy of the database signs nobody in.
constexpr const char* kV11ConsoleSessions = R"sql(
CREATE TABLE console_sessions (
  token_hash   text PRIMARY KEY,          -- BLAKE2b-256 of the cookie's token, hex
  account_id   bigint NOT NULL REFERENCES office_accounts (id),
  csrf_token   text NOT NULL,             -- every POST of the session carries it
  created_at   timestamptz NOT NULL DEFAULT now(),  -- the absolute limit runs from here
  last_seen_at timestamptz NOT NULL DEFAULT now(),  -- the idle limit runs from here
  client       text NOT NULL DEFAULT ''   -- the address it signed in from
);
CREATE INDEX console_sessions_account ON console_sessions (account_id);
)sql";

// v12: the queue page's status boxes in one grouped count (server/office_queue.h
// QueryQueueWithStatusCounts): grouped on the plain status column, which this index
// holds, so it is an index-only scan (an expression index on coalesce(status, '')
// cannot serve one). Measured in docs/benchmarks.md "Office console".
constexpr const char* kV12StatusCounts = R"sql(
CREATE INDEX applications_count_status ON applications (status, hall);
)sql";

// v13: the statistics (server/office_stats.h, docs/console.md "Statistics"). Each
// application carries its decision beside its status, written by ApplyOfficeAction in
// the same UPDATE (the latest 批准 or 不予批准: which, when, the amount approved, the
// due date it was decided against), backfilled here from office_actions; China's
// civil dates of receipt and decision as stored generated columns; and two covering
// indexes for the year's two grouped counts, by received and by decision date
// (docs/benchmarks.md "Statistics"). Adding the generated columns rewrites the table
// once (about 30 s a million rows here).
constexpr const char* kV13Stats = R"sql(
ALTER TABLE applications ADD COLUMN decision text CHECK (decision IN ('approve', 'refuse'));
ALTER TABLE applications ADD COLUMN decided_at timestamptz;
ALTER TABLE applications ADD COLUMN decided_due date;     -- the due date the decision ended
ALTER TABLE applications ADD COLUMN approved_fen bigint;  -- 批准's amount, fen; NULL unless approved
-- China's civil dates of receipt and decision, kept by PostgreSQL itself: the statistics
-- group by them without a time-zone conversion per row.
ALTER TABLE applications
  ADD COLUMN received_day date GENERATED ALWAYS AS ((received_at AT TIME ZONE 'Asia/Shanghai')::date) STORED,
  ADD COLUMN decided_day date GENERATED ALWAYS AS ((decided_at AT TIME ZONE 'Asia/Shanghai')::date) STORED;

UPDATE applications a
SET decision = d.action, decided_at = d.at,
    approved_fen = CASE WHEN d.action = 'approve' THEN (d.details->>'amount_yuan')::bigint * 100 END,
    decided_due = (SELECT (x.details->>'due_date')::date FROM office_actions x
                   WHERE x.application_id = d.application_id AND x.action = 'accept' AND x.id < d.id
                   ORDER BY x.id DESC LIMIT 1)
FROM (SELECT DISTINCT ON (application_id) application_id, id, action, at, details
      FROM office_actions WHERE action IN ('approve', 'refuse')
      ORDER BY application_id, id DESC) d
WHERE a.id = d.application_id;

CREATE INDEX applications_stats ON applications (received_at)
  INCLUDE (hall, service_code, received_day, decision, decided_day, decided_due, due_date);
CREATE INDEX applications_stats_decided ON applications (decided_at)
  INCLUDE (hall, decision, decided_day, approved_fen) WHERE decided_at IS NOT NULL;

-- The statistics' aggregates (docs/console.md "Statistics"): every change to
-- applications appends signed counts to stats_deltas in the same transaction (a
-- statement trigger over its transition tables: -1 for each old row's key, +1 for each
-- new row's); the compactor (CompactStats) moves them into stats_summary in one
-- transaction. A figure is summary + deltas, so it is exact at every instant and
-- rolls back with the change that made it. Kind 'r': applications by month received
-- (with their state now); kind 'd': decisions by month decided.
CREATE TABLE stats_deltas (
  kind         "char" NOT NULL,
  month        date NOT NULL,     -- first day of the month received ('r') or decided ('d')
  hall         text NOT NULL,
  service_code text NOT NULL,     -- '' for 'd'
  decision     text NOT NULL,     -- 'approve', 'refuse', '' = undecided
  due          date NOT NULL,     -- undecided: due date ('infinity' if none); else 'infinity'
  days         int NOT NULL,      -- decided: calendar days received → decided; else -1
  late         boolean NOT NULL,  -- decided after the due date it had
  n            bigint NOT NULL,
  fen          bigint NOT NULL    -- 'd' approvals: the amounts approved
);
CREATE TABLE stats_summary (
  LIKE stats_deltas,
  PRIMARY KEY (kind, month, hall, service_code, decision, due, days, late)
);

-- The keys one application row counts under, signed.
CREATE FUNCTION stats_keys(a applications, sign int)
RETURNS TABLE (kind "char", month date, hall text, service_code text, decision text,
               due date, days int, late boolean, n bigint, fen bigint)
LANGUAGE sql IMMUTABLE AS $$
  SELECT v.* FROM (VALUES
    ('r'::"char", date_trunc('month', a.received_day::timestamp)::date, a.hall, a.service_code,
     coalesce(a.decision, ''),
     CASE WHEN a.decision IS NULL THEN coalesce(a.due_date, 'infinity') ELSE 'infinity' END,
     coalesce(a.decided_day - a.received_day, -1),
     coalesce(a.decision IS NOT NULL AND a.decided_day > a.decided_due, false),
     sign::bigint, 0::bigint),
    ('d'::"char", date_trunc('month', a.decided_day::timestamp)::date, a.hall, '',
     coalesce(a.decision, ''), 'infinity'::date, -1, false, sign::bigint,
     sign * coalesce(a.approved_fen, 0))) v
  WHERE v.column1 = 'r' OR a.decided_at IS NOT NULL
$$;

CREATE FUNCTION stats_record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO stats_deltas
    SELECT k.kind, k.month, k.hall, k.service_code, k.decision, k.due, k.days, k.late,
           sum(k.n), sum(k.fen)
    FROM new_rows r, LATERAL stats_keys(r, 1) k
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO stats_deltas
    SELECT k.kind, k.month, k.hall, k.service_code, k.decision, k.due, k.days, k.late,
           sum(k.n), sum(k.fen)
    FROM old_rows r, LATERAL stats_keys(r, -1) k
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
  ELSE
    INSERT INTO stats_deltas
    SELECT k.kind, k.month, k.hall, k.service_code, k.decision, k.due, k.days, k.late,
           sum(k.n), sum(k.fen)
    FROM (SELECT k.* FROM new_rows r, LATERAL stats_keys(r, 1) k
          UNION ALL
          SELECT k.* FROM old_rows r, LATERAL stats_keys(r, -1) k) k
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
    HAVING sum(k.n) <> 0 OR sum(k.fen) <> 0;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER applications_stats_insert AFTER INSERT ON applications
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_record();
CREATE TRIGGER applications_stats_update AFTER UPDATE ON applications
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION stats_record();
CREATE TRIGGER applications_stats_delete AFTER DELETE ON applications
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_record();

CREATE FUNCTION stats_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE stats_deltas, stats_summary;
  RETURN NULL;
END $$;
CREATE TRIGGER applications_stats_truncate AFTER TRUNCATE ON applications
  FOR EACH STATEMENT EXECUTE FUNCTION stats_truncated();

INSERT INTO stats_summary
SELECT k.kind, k.month, k.hall, k.service_code, k.decision, k.due, k.days, k.late,
       sum(k.n), sum(k.fen)
FROM applications r, LATERAL stats_keys(r, 1) k
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
)sql";

// The subsidy roster's exports (server/office_roster.h): who took which township's roster
// for which month, how many rows, and the SHA-256 of the exact bytes handed out, so a
// file that turns up later can be matched to its export.
constexpr const char* kV14Roster = R"sql(
CREATE TABLE roster_exports (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  actor       text NOT NULL,
  actor_role  text NOT NULL,
  town        text NOT NULL,
  month       text NOT NULL CHECK (month ~ '^[0-9]{4}-[0-9]{2}$'),
  services    text[] NOT NULL,
  format      text NOT NULL CHECK (format IN ('xlsx', 'csv')),
  row_count   int NOT NULL CHECK (row_count >= 0),
  amount_fen  bigint NOT NULL,
  sha256      text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  bytes       bigint NOT NULL,
  client      text NOT NULL DEFAULT ''
);
CREATE INDEX roster_exports_town ON roster_exports (town, id DESC);
)sql";

// v15: the fleet view (server/office_fleet.h, docs/console.md "Fleet"): the key each
// kiosk seals to now, a short queue history per kiosk (one sample every few minutes,
// pruned past two hours by the heartbeat itself, so it stays bounded at a few dozen
// rows a kiosk) for the "growing queue" flag, and who revoked a kiosk, when and why.
constexpr const char* kV15Fleet = R"sql(
ALTER TABLE devices ADD COLUMN sealing_key_id text;

CREATE TABLE kiosk_heartbeats (
  device_id    bigint NOT NULL REFERENCES devices (id),
  at           timestamptz NOT NULL DEFAULT now(),
  queue_depth  bigint NOT NULL
);
CREATE INDEX kiosk_heartbeats_device_at ON kiosk_heartbeats (device_id, at);

CREATE TABLE kiosk_revocations (
  device_id   bigint PRIMARY KEY REFERENCES devices (id),
  at          timestamptz NOT NULL DEFAULT now(),
  actor       text NOT NULL,
  role        text NOT NULL,
  via         text NOT NULL CHECK (via IN ('console', 'api', 'cli')),
  client      text NOT NULL DEFAULT '',
  reason      text NOT NULL
);
)sql";

// v16: catalog publishing (server/office_catalog.h, docs/catalog.md "Publishing"). A
// version has the China date it takes effect, who published it, and a state: a draft
// uploaded in the console is validated and diffed but served to no kiosk until it is
// published. Rows from before keep their publish time as their effective date.
constexpr const char* kV16CatalogPublish = R"sql(
ALTER TABLE catalogs ADD COLUMN effective_from date;
UPDATE catalogs SET effective_from = (published_at AT TIME ZONE 'Asia/Shanghai')::date;
ALTER TABLE catalogs ALTER COLUMN effective_from SET NOT NULL;
ALTER TABLE catalogs ADD COLUMN state text NOT NULL DEFAULT 'published'
  CHECK (state IN ('draft', 'published'));
ALTER TABLE catalogs ADD COLUMN uploaded_by text NOT NULL DEFAULT '';
ALTER TABLE catalogs ADD COLUMN published_by text NOT NULL DEFAULT '';
ALTER TABLE catalogs ALTER COLUMN published_at DROP NOT NULL;
CREATE INDEX catalogs_served ON catalogs (state, effective_from, seq);

-- Who uploaded and who published which version, and from where.
CREATE TABLE catalog_audit (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  actor       text NOT NULL,
  actor_role  text NOT NULL,
  action      text NOT NULL CHECK (action IN ('upload', 'publish', 'discard')),
  version     text NOT NULL,
  client      text NOT NULL DEFAULT '',
  detail      text NOT NULL DEFAULT ''
);
CREATE INDEX catalog_audit_version ON catalog_audit (version, id);
)sql";

// v17: photos from a resident's phone (server/phone_service.cpp, docs/devices.md "Photos
// from a phone"). A link keeps the BLAKE2b-256 of its token, never the token, so a
// copy of the database cannot upload; its files are ciphertext sealed in the browser
// to the kiosk's one-time key. Spending deletes the files; links expired for
// kPhoneSweepGraceSeconds go with their files (ON DELETE CASCADE), swept whenever a
// kiosk makes a new link.
constexpr const char* kV17PhoneLinks = R"sql(
CREATE TABLE phone_links (
  link_id        uuid PRIMARY KEY,
  token_hash     bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
  device_id      bigint NOT NULL REFERENCES devices (id),
  kiosk_key      bytea NOT NULL CHECK (length(kiosk_key) = 32),
  max_files      int NOT NULL CHECK (max_files BETWEEN 1 AND 16),
  created_at     timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL,
  phone_done_at  timestamptz,
  spent_at       timestamptz
);
CREATE INDEX phone_links_expiry ON phone_links (expires_at);
CREATE TABLE phone_files (
  link_id      uuid NOT NULL REFERENCES phone_links (link_id) ON DELETE CASCADE,
  seq          int NOT NULL CHECK (seq >= 1),
  sealed       bytea NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (link_id, seq)
);
-- Uploads and wrong tokens per client address in a window, like enroll_throttle.
CREATE TABLE phone_throttle (
  client        text PRIMARY KEY,
  window_start  timestamptz NOT NULL,
  uploads       int NOT NULL DEFAULT 0,
  failures      int NOT NULL DEFAULT 0
);
)sql";

// Several services in one visit (docs/internals/visits.md): the push's visit keys,
// stored in clear beside the sealed payload; all three or none. NOT VALID: every row
// before this migration has none, so the checks need not scan the table under its lock.
constexpr const char* kV18Visits = R"sql(
ALTER TABLE applications ADD COLUMN visit_id uuid;
ALTER TABLE applications ADD COLUMN visit_number text;
ALTER TABLE applications ADD COLUMN visit_size int;
ALTER TABLE applications ADD CONSTRAINT applications_visit_keys CHECK (
  (visit_id IS NULL) = (visit_number IS NULL) AND (visit_id IS NULL) = (visit_size IS NULL)
  AND visit_size BETWEEN 2 AND 6) NOT VALID;
CREATE INDEX applications_visit ON applications (visit_id) WHERE visit_id IS NOT NULL;
CREATE INDEX applications_visit_number ON applications (visit_number)
  WHERE visit_number IS NOT NULL;
)sql";

}  // namespace

const std::vector<Migration>& AllMigrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "base: keys, enrollment, devices, nonces, applications, status changes", kV1Base},
      {2, "attachments (resumable) and catalog versions", kV2AttachmentsCatalog},
      {3, "sealing key ring", kV3KeyRing},
      {4, "provisioned staff accounts, kiosk audit trail", kV4StaffAudit},
      {5, "payloads stored sealed as pushed; canonical app numbers", kV5SealedPayloads,
       SealApplicationRows, kV5SealedPayloadsAfter, "applications"},
      {6, "office accounts and sign-in log; staff accounts scoped to a hall", kV6OfficeAccounts},
      {7, "enrollment code ids, guesses counted per code and per address", kV7EnrollGuessing},
      {8, "database epoch, replaced after a restore", kV8DatabaseEpoch},
      {9, "key custody: vault, key audit, wrapped sealing secrets", kV9KeyCustody},
      {10, "office workflow: halls, departments, calendar, due dates, audit, queue indexes",
       kV10OfficeWorkflow},
      {11, "office console sessions", kV11ConsoleSessions},
      {12, "queue status counts: index on (status, hall)", kV12StatusCounts},
      {13, "statistics: each application's decision, covering indexes, aggregates", kV13Stats},
      {14, "subsidy roster exports, audited with row count and file hash", kV14Roster},
      {15, "fleet view: sealing key id, queue history, revocations", kV15Fleet},
      {16, "catalog publishing: effective dates, drafts, audit", kV16CatalogPublish},
      {17, "photos from a phone: one-time links, sealed files, per-address limits", kV17PhoneLinks},
      {18, "visits: visit_id, visit number and size beside each application", kV18Visits},
  };
  return kMigrations;
}

Result<int> ApplyMigrations(PgPool& pool) {
  int version = 0;
  bool too_new = false;
  Status status = pool.Run([&](pqxx::connection& c) {
    {
      pqxx::nontransaction lock(c);
      lock.exec("SELECT pg_advisory_lock(" + std::to_string(kMigrationLockKey) + ")");
    }
    try {
      {
        pqxx::work tx(c);
        tx.exec(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version int PRIMARY KEY, name text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())");
        version = tx.exec("SELECT coalesce(max(version), 0) FROM schema_migrations")[0][0].as<int>();
        tx.commit();
      }
      const int latest = AllMigrations().back().version;
      if (version > latest) {
        too_new = true;
      } else {
        for (const Migration& step : AllMigrations()) {
          if (step.version <= version) continue;
          pqxx::work tx(c);
          tx.exec(step.sql);
          const int64_t rewritten = step.rewrite != nullptr ? step.rewrite(tx) : 0;
          if (step.sql_after != nullptr) tx.exec(step.sql_after);
          tx.exec_params("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                         step.version, step.name);
          tx.commit();
          version = step.version;
          if (rewritten > 0 && step.vacuum_table != nullptr) Vacuum(c, step.vacuum_table);
        }
        pqxx::work tx(c);
        tx.exec(kRefreshDatabaseEpoch);
        tx.commit();
      }
    } catch (...) {
      pqxx::nontransaction unlock(c);
      unlock.exec("SELECT pg_advisory_unlock(" + std::to_string(kMigrationLockKey) + ")");
      throw;
    }
    pqxx::nontransaction unlock(c);
    unlock.exec("SELECT pg_advisory_unlock(" + std::to_string(kMigrationLockKey) + ")");
  });
  if (!status.ok()) return status.error();
  if (too_new) {
    return MakeError(ErrorKind::kRejected,
                     "database schema version " + std::to_string(version) +
                         " is newer than this server knows (" +
                         std::to_string(AllMigrations().back().version) + "): upgrade the server");
  }
  return version;
}

}  // namespace yimen::server
