// Store: the repositories over yimen.db. Every write that must be all-or-nothing is one
// BEGIN IMMEDIATE transaction here, so the promise "nothing acknowledged is lost, nothing
// half-written is kept" is checked in one file (and proved by tests/store's fault VFS).
#include "store/store.h"

#include <sodium.h>

#include <array>
#include <charconv>
#include <filesystem>
#include <system_error>
#include <utility>

#include "domain/app_number.h"
#include "store/migrations.h"

namespace yimen {
namespace {

using std::chrono::system_clock;
using Kind = sqlite::Transaction::Kind;

// Long enough to outlast the other thread's longest write (a sync batch), short enough
// that a stuck lock surfaces as kUnavailable instead of a frozen touch screen.
constexpr int kBusyTimeoutMs = 5000;
constexpr int kMaxListLimit = 1000;
constexpr const char* kPayloadFormat = "json-v1";
constexpr const char* kInitialStatus = "submitted";
constexpr std::string_view kKioskCodeKey = "kiosk_code";
constexpr std::string_view kStatusCursorKey = "status_cursor";
// The per-kiosk key of the look-up hash: 32 random bytes, hex, made at the first
// submit that carries an ID tail. Never leaves the kiosk.
constexpr std::string_view kLookupKeyKey = "lookup_key";

// quick_check rather than integrity_check: it finds the same damage to pages, records
// and free lists but skips matching every index entry to its row, which is what makes
// integrity_check slow on big files. Measured figures: docs/internals/store.md.
// Twenty messages are plenty to name the damage in the error.
constexpr const char* kIntegrityCheck = "PRAGMA quick_check(20)";

// "12345x" → "12345X"; empty unless exactly 6 characters of [0-9Xx].
std::string NormalizeIdTail(std::string_view tail) {
  if (tail.size() != 6) return "";
  std::string out;
  for (char c : tail) {
    if (c == 'x') c = 'X';
    if (!((c >= '0' && c <= '9') || c == 'X')) return "";
    out.push_back(c);
  }
  return out;
}

std::string HexOf(const unsigned char* bytes, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (size_t i = 0; i < size; ++i) {
    hex.push_back(kDigits[bytes[i] >> 4]);
    hex.push_back(kDigits[bytes[i] & 0xF]);
  }
  return hex;
}

// Keyed BLAKE2b-128 of the normalised tail, hex. Without the kiosk's key a stolen
// database gives no shortcut to the 10^6 possible tails of an application.
std::string LookupHash(std::string_view normalized_tail, std::string_view key) {
  unsigned char out[16];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(normalized_tail.data()),
                     normalized_tail.size(), reinterpret_cast<const unsigned char*>(key.data()),
                     key.size());
  return HexOf(out, sizeof out);
}

int64_t ToMillis(system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch())
      .count();
}

system_clock::time_point FromMillis(int64_t millis) {
  return system_clock::time_point(std::chrono::milliseconds(millis));
}

Error InvalidArgument(std::string message) {
  return MakeError(ErrorKind::kInvalidArgument, std::move(message));
}

bool ReadDigits(std::string_view text, size_t pos, size_t count, int* out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  *out = value;
  return true;
}

// Parses "YYYY-MM-DDTHH:MM:SS[.fraction]Z" (UTC only: the device clock is kept in UTC
// and local time is the UI's business) into Unix milliseconds.
Result<int64_t> ParseIsoUtcMillis(std::string_view text) {
  const auto fail = [&] {
    return InvalidArgument("created_at_iso must look like 2026-11-23T08:30:00Z, got \"" +
                           std::string(text) + "\"");
  };
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (text.size() < 20 || !ReadDigits(text, 0, 4, &year) || text[4] != '-' ||
      !ReadDigits(text, 5, 2, &month) || text[7] != '-' || !ReadDigits(text, 8, 2, &day) ||
      text[10] != 'T' || !ReadDigits(text, 11, 2, &hour) || text[13] != ':' ||
      !ReadDigits(text, 14, 2, &minute) || text[16] != ':' ||
      !ReadDigits(text, 17, 2, &second)) {
    return fail();
  }
  size_t pos = 19;
  int millis = 0;
  if (text[pos] == '.') {
    ++pos;
    const size_t first = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (pos - first < 3) millis = millis * 10 + (text[pos] - '0');
      ++pos;
    }
    const size_t digits = pos - first;
    if (digits == 0 || digits > 9) return fail();
    for (size_t i = digits; i < 3; ++i) millis *= 10;
  }
  if (pos + 1 != text.size() || text[pos] != 'Z') return fail();
  const std::chrono::year_month_day date{std::chrono::year(year),
                                         std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok() || hour > 23 || minute > 59 || second > 59) return fail();
  const int64_t days = std::chrono::sys_days(date).time_since_epoch().count();
  return ((days * 24 + hour) * 60 + minute) * 60'000 + second * 1000 + millis;
}

// A random (version 4) UUID from libsodium's CSPRNG, lower-case 8-4-4-4-12.
std::string NewUuidV4() {
  std::array<unsigned char, 16> bytes;
  randombytes_buf(bytes.data(), bytes.size());
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);
  constexpr std::string_view kHex = "0123456789abcdef";
  std::string text;
  text.reserve(36);
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text.push_back('-');
    text.push_back(kHex[bytes[i] >> 4]);
    text.push_back(kHex[bytes[i] & 0x0f]);
  }
  return text;
}

std::string NewKioskCode() {
  uint64_t bits = 0;
  randombytes_buf(&bits, sizeof bits);
  return MakeKioskCode(bits);
}

Error AtOpen(const std::string& path, const Error& error) {
  if (error.kind == ErrorKind::kDataLoss) {
    return MakeError(ErrorKind::kDataLoss,
                     path + " is damaged or is not a Yimen database; it was left untouched "
                            "(quarantine it and restore from backup): " +
                         error.message);
  }
  return MakeError(error.kind, path + ": " + error.message);
}

// Runs the integrity check; kDataLoss naming the file unless sqlite answers "ok".
Status CheckIntegrity(sqlite::Connection& db) {
  Result<sqlite::Statement> check = db.Prepare(kIntegrityCheck);
  if (!check.ok()) return AtOpen(db.path(), check.error());
  std::string findings;
  while (true) {
    Result<bool> row = check->Step();
    if (!row.ok()) return AtOpen(db.path(), row.error());
    if (!*row) break;
    const std::string line = check->ColumnText(0);
    if (line == "ok") continue;
    if (!findings.empty()) findings += "; ";
    findings += line;
  }
  if (findings.empty()) return Status::Ok();
  return AtOpen(db.path(), MakeError(ErrorKind::kDataLoss, "quick_check: " + findings));
}

Status EnableWal(sqlite::Connection& db) {
  Result<sqlite::Statement> wal = db.Prepare("PRAGMA journal_mode = WAL");
  if (!wal.ok()) return wal.error();
  Result<bool> row = wal->Step();
  if (!row.ok()) return row.error();
  if (!*row || wal->ColumnText(0) != "wal") {
    return MakeError(ErrorKind::kUnavailable, "could not switch to WAL mode");
  }
  return Status::Ok();
}

// Every kiosk has a code from its first start. DO NOTHING on conflict because the UI
// and the sync thread may open the file at the same moment.
Status EnsureKioskCode(sqlite::Connection& db) {
  Result<sqlite::Statement> insert = db.Prepare(
      "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO NOTHING");
  if (!insert.ok()) return insert.error();
  insert->BindText(1, kKioskCodeKey).BindText(2, NewKioskCode());
  return insert->Run();
}

constexpr std::string_view kStubSelect = R"sql(
SELECT a.uuid, a.app_number, a.service_code, a.catalog_version, a.masked_name,
       a.created_at, a.status, a.status_at, a.server_receipt,
       o.delivered_at_ms, o.parked_reason, o.attempts, o.last_error
FROM applications a LEFT JOIN outbox o ON o.application_uuid = a.uuid
)sql";

ApplicationStub ReadStub(const sqlite::Statement& row) {
  ApplicationStub stub;
  stub.uuid = row.ColumnText(0);
  stub.app_number = row.ColumnText(1);
  stub.service_code = row.ColumnText(2);
  stub.catalog_version = row.ColumnText(3);
  stub.masked_name = row.ColumnText(4);
  stub.created_at = row.ColumnText(5);
  stub.status = row.ColumnText(6);
  stub.status_at = row.ColumnText(7);
  stub.server_receipt = row.ColumnOptionalText(8);
  stub.parked_reason = row.ColumnOptionalText(10);
  stub.attempts = static_cast<int>(row.ColumnInt(11));
  stub.last_error = row.ColumnOptionalText(12);
  if (stub.server_receipt || row.ColumnOptionalInt(9)) {
    stub.sync_state = SyncState::kDelivered;
  } else if (stub.parked_reason) {
    stub.sync_state = SyncState::kParked;
  } else {
    stub.sync_state = SyncState::kPending;
  }
  return stub;
}

Status CheckLimit(int limit) {
  if (limit < 1 || limit > kMaxListLimit) {
    return InvalidArgument("limit must be 1.." + std::to_string(kMaxListLimit) + ", got " +
                           std::to_string(limit));
  }
  return Status::Ok();
}

}  // namespace

const char* SyncStateName(SyncState state) {
  switch (state) {
    case SyncState::kPending: return "pending";
    case SyncState::kParked: return "parked";
    case SyncState::kDelivered: return "delivered";
  }
  return "unknown";
}

// ---- opening ---------------------------------------------------------------------

Result<std::unique_ptr<Store>> Store::Open(const std::string& data_dir) {
  if (data_dir.empty()) return InvalidArgument("store: empty data directory");
  if (sodium_init() < 0) {
    return MakeError(ErrorKind::kInternal, "store: libsodium failed to initialise");
  }
  std::error_code ec;
  const bool created = std::filesystem::create_directories(data_dir, ec);
  if (ec) {
    return MakeError(ErrorKind::kUnavailable,
                     "store: cannot create data directory " + data_dir + ": " + ec.message());
  }
  if (created) {
    // The file holds residents' applications: only the kiosk's user may enter.
    std::filesystem::permissions(data_dir, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, ec);
    if (ec) {
      return MakeError(ErrorKind::kUnavailable, "store: cannot restrict data directory " +
                                                    data_dir + ": " + ec.message());
    }
  }
  const std::string path = (std::filesystem::path(data_dir) / kDatabaseFileName).string();

  Result<sqlite::Connection> opened = sqlite::Connection::Open(path, kBusyTimeoutMs);
  if (!opened.ok()) return opened.error();
  sqlite::Connection db = std::move(opened).value();

  // Until the file is proved sound and not newer than us, nothing may write to it, not
  // even the WAL checkpoint sqlite runs when the last connection closes.
  db.SetCheckpointOnClose(false);
  if (Status fk = db.Exec("PRAGMA foreign_keys = ON"); !fk.ok()) return AtOpen(path, fk.error());
  Result<int> version = store::ReadUserVersion(db);
  if (!version.ok()) return AtOpen(path, version.error());
  if (*version > store::LatestVersion()) return store::NewerSchemaError(path, *version);
  if (Status sound = CheckIntegrity(db); !sound.ok()) return sound.error();
  db.SetCheckpointOnClose(true);

  if (Status wal = EnableWal(db); !wal.ok()) return AtOpen(path, wal.error());
  if (Status sync = db.Exec("PRAGMA synchronous = FULL"); !sync.ok()) {
    return AtOpen(path, sync.error());
  }

  Result<int> migrated = store::Migrate(db);
  if (!migrated.ok()) return AtOpen(path, migrated.error());

  if (Status code = EnsureKioskCode(db); !code.ok()) return AtOpen(path, code.error());

  return std::unique_ptr<Store>(new Store(std::move(db), *migrated));
}

Store::~Store() = default;

int Store::LatestSchemaVersion() { return store::LatestVersion(); }

// ---- settings --------------------------------------------------------------------

Result<std::optional<std::string>> Store::ReadSetting(std::string_view key) {
  Result<sqlite::Statement> query = m_db.Prepare("SELECT value FROM settings WHERE key = ?1");
  if (!query.ok()) return query.error();
  query->BindText(1, key);
  Result<bool> row = query->Step();
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(query->ColumnText(0));
}

Status Store::WriteSetting(std::string_view key, std::string_view value) {
  Result<sqlite::Statement> upsert = m_db.Prepare(
      "INSERT INTO settings (key, value) VALUES (?1, ?2) "
      "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  if (!upsert.ok()) return upsert.error();
  upsert->BindText(1, key).BindText(2, value);
  return upsert->Run();
}

Status Store::SetSetting(std::string_view key, std::string_view value) {
  if (key.empty()) return InvalidArgument("setting key is empty");
  if (key == kKioskCodeKey || key == kStatusCursorKey || key == kLookupKeyKey) {
    return InvalidArgument("setting \"" + std::string(key) +
                           "\" belongs to the store; use its own function");
  }
  return WriteSetting(key, value);
}

Result<std::optional<std::string>> Store::GetSetting(std::string_view key) {
  return ReadSetting(key);
}

Result<std::string> Store::KioskCode() {
  Result<std::optional<std::string>> code = ReadSetting(kKioskCodeKey);
  if (!code.ok()) return code.error();
  if (!code->has_value()) {
    return MakeError(ErrorKind::kInternal, "store: no kiosk code although Open makes one");
  }
  return std::move(**code);
}

Status Store::SetKioskCode(std::string_view code) {
  if (!IsValidKioskCode(code)) {
    return InvalidArgument("kiosk code must be 4 characters [A-Z0-9], got \"" +
                           std::string(code) + "\"");
  }
  Result<sqlite::Transaction> txn = sqlite::Transaction::Begin(m_db, Kind::kWrite);
  if (!txn.ok()) return txn.error();
  if (Status set = WriteSetting(kKioskCodeKey, code); !set.ok()) return set;
  Result<sqlite::Statement> audit = m_db.Prepare(
      "INSERT INTO audit (at, actor, action, detail) "
      "VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'system', 'settings.kiosk_code', ?1)");
  if (!audit.ok()) return audit.error();
  audit->BindText(1, code);
  if (Status logged = audit->Run(); !logged.ok()) return logged;
  return txn->Commit();
}

// ---- submitting ------------------------------------------------------------------

Result<SubmittedApplication> Store::Submit(const NewApplication& application) {
  if (application.service_code.empty()) return InvalidArgument("submit: no service code");
  if (application.catalog_version.empty()) return InvalidArgument("submit: no catalog version");
  if (application.payload.empty()) return InvalidArgument("submit: empty payload");
  const CivilDate& date = application.created_date;
  if (!IsValidCivilDate(date) || date.year < 2000 || date.year > 2099) {
    return InvalidArgument("submit: created_date must be a real date in 2000..2099");
  }
  Result<int64_t> created_ms = ParseIsoUtcMillis(application.created_at_iso);
  if (!created_ms.ok()) return created_ms.error();
  const std::string id_tail = NormalizeIdTail(application.id_last6);
  if (!application.id_last6.empty() && id_tail.empty()) {
    return InvalidArgument("submit: id_last6 must be 6 characters of 0-9 or X");
  }

  Result<sqlite::Transaction> txn = sqlite::Transaction::Begin(m_db, Kind::kWrite);
  if (!txn.ok()) return txn.error();

  Result<std::optional<std::string>> kiosk_code = ReadSetting(kKioskCodeKey);
  if (!kiosk_code.ok()) return kiosk_code.error();
  if (!kiosk_code->has_value() || !IsValidKioskCode(**kiosk_code)) {
    return MakeError(ErrorKind::kInternal, "submit: the stored kiosk code is missing or invalid");
  }

  // The day's next sequence. Inside the transaction, so a rolled-back submit also
  // rolls back its number: it was never shown to anyone, and the next submit takes it.
  const std::string day = FormatIsoDate(date);
  Result<sqlite::Statement> next_seq = m_db.Prepare(
      "INSERT INTO app_sequences (day, last_seq) VALUES (?1, 1) "
      "ON CONFLICT (day) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq");
  if (!next_seq.ok()) return next_seq.error();
  next_seq->BindText(1, day);
  Result<bool> seq_row = next_seq->Step();
  if (!seq_row.ok()) return seq_row.error();
  const int64_t seq = next_seq->ColumnInt(0);
  if (Status done = next_seq->Run(); !done.ok()) return done.error();
  if (seq > kMaxAppSequence) {
    return MakeError(ErrorKind::kRejected, "submit: this kiosk has used all " +
                                               std::to_string(kMaxAppSequence) +
                                               " application numbers for " + day);
  }

  std::optional<std::string> lookup_hash;
  if (!id_tail.empty()) {
    Result<std::optional<std::string>> key = ReadSetting(kLookupKeyKey);
    if (!key.ok()) return key.error();
    std::string key_hex = key->value_or("");
    if (key_hex.size() != 64) {
      unsigned char raw[32];
      randombytes_buf(raw, sizeof raw);
      key_hex = HexOf(raw, sizeof raw);
      sodium_memzero(raw, sizeof raw);
      if (Status stored = WriteSetting(kLookupKeyKey, key_hex); !stored.ok()) return stored.error();
    }
    lookup_hash = LookupHash(id_tail, key_hex);
  }

  SubmittedApplication submitted;
  submitted.uuid = NewUuidV4();
  submitted.seq = static_cast<uint32_t>(seq);
  submitted.app_number = FormatAppNumber(**kiosk_code, date, submitted.seq);
  submitted.created_at = application.created_at_iso;

  Result<sqlite::Statement> insert_application = m_db.Prepare(R"sql(
INSERT INTO applications (uuid, app_number, created_date, seq, service_code, catalog_version,
                          created_at, masked_name, payload_format, payload, status, status_at,
                          lookup_hash)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?7, ?12)
)sql");
  if (!insert_application.ok()) return insert_application.error();
  insert_application->BindText(1, submitted.uuid)
      .BindText(2, submitted.app_number)
      .BindText(3, day)
      .BindInt(4, seq)
      .BindText(5, application.service_code)
      .BindText(6, application.catalog_version)
      .BindText(7, application.created_at_iso)
      .BindText(8, application.masked_name)
      .BindText(9, kPayloadFormat)
      .BindBlob(10, application.payload)
      .BindText(11, kInitialStatus);
  insert_application->BindOptionalText(12, lookup_hash);
  if (Status inserted = insert_application->Run(); !inserted.ok()) return inserted.error();

  Result<sqlite::Statement> insert_outbox = m_db.Prepare(
      "INSERT INTO outbox (application_uuid, enqueued_at_ms, next_attempt_at_ms) "
      "VALUES (?1, ?2, ?2)");
  if (!insert_outbox.ok()) return insert_outbox.error();
  insert_outbox->BindText(1, submitted.uuid).BindInt(2, *created_ms);
  if (Status queued = insert_outbox->Run(); !queued.ok()) return queued.error();

  Result<sqlite::Statement> insert_audit = m_db.Prepare(
      "INSERT INTO audit (at, actor, action, detail) "
      "VALUES (?1, 'resident', 'application.submit', ?2)");
  if (!insert_audit.ok()) return insert_audit.error();
  insert_audit->BindText(1, application.created_at_iso)
      .BindText(2, submitted.app_number + " " + application.service_code);
  if (Status logged = insert_audit->Run(); !logged.ok()) return logged.error();

  if (Status committed = txn->Commit(); !committed.ok()) return committed.error();
  return submitted;
}

// ---- reading ---------------------------------------------------------------------

Result<int64_t> Store::CountApplications() {
  Result<sqlite::Statement> query = m_db.Prepare("SELECT COUNT(*) FROM applications");
  if (!query.ok()) return query.error();
  Result<bool> row = query->Step();
  if (!row.ok()) return row.error();
  return query->ColumnInt(0);
}

Result<int64_t> Store::CountOutbox(OutboxScope scope) {
  Result<sqlite::Statement> query = m_db.Prepare(
      scope == OutboxScope::kAll
          ? "SELECT COUNT(*) FROM outbox"
          : "SELECT COUNT(*) FROM outbox WHERE delivered_at_ms IS NULL AND parked_reason IS NULL");
  if (!query.ok()) return query.error();
  Result<bool> row = query->Step();
  if (!row.ok()) return row.error();
  return query->ColumnInt(0);
}

Result<std::optional<ApplicationStub>> Store::FindByAppNumber(std::string_view app_number) {
  Result<sqlite::Statement> query =
      m_db.Prepare(std::string(kStubSelect) + "WHERE a.app_number = ?1");
  if (!query.ok()) return query.error();
  query->BindText(1, app_number);
  Result<bool> row = query->Step();
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<ApplicationStub>();
  return std::optional<ApplicationStub>(ReadStub(*query));
}

Result<std::vector<ApplicationStub>> Store::ListApplications(int64_t offset, int limit) {
  if (offset < 0) return InvalidArgument("offset must not be negative");
  if (Status ok = CheckLimit(limit); !ok.ok()) return ok.error();
  Result<sqlite::Statement> query =
      m_db.Prepare(std::string(kStubSelect) + "ORDER BY a.id DESC LIMIT ?1 OFFSET ?2");
  if (!query.ok()) return query.error();
  query->BindInt(1, limit).BindInt(2, offset);
  std::vector<ApplicationStub> stubs;
  while (true) {
    Result<bool> row = query->Step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    stubs.push_back(ReadStub(*query));
  }
  return stubs;
}

// ---- outbox ----------------------------------------------------------------------

Result<std::vector<OutboxItem>> Store::ListDueOutbox(system_clock::time_point now, int limit) {
  if (Status ok = CheckLimit(limit); !ok.ok()) return ok.error();
  // Oldest submission first by insertion order (applications.id), not by the enqueue
  // time, which follows the device clock and may jump.
  Result<sqlite::Statement> query = m_db.Prepare(R"sql(
SELECT a.uuid, a.app_number, a.service_code, a.catalog_version, a.payload_format,
       a.payload, o.attempts, o.enqueued_at_ms
FROM outbox o JOIN applications a ON a.uuid = o.application_uuid
WHERE o.delivered_at_ms IS NULL AND o.parked_reason IS NULL AND o.next_attempt_at_ms <= ?1
ORDER BY a.id
LIMIT ?2
)sql");
  if (!query.ok()) return query.error();
  query->BindInt(1, ToMillis(now)).BindInt(2, limit);
  std::vector<OutboxItem> items;
  while (true) {
    Result<bool> row = query->Step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    OutboxItem item;
    item.uuid = query->ColumnText(0);
    item.app_number = query->ColumnText(1);
    item.service_code = query->ColumnText(2);
    item.catalog_version = query->ColumnText(3);
    item.payload_format = query->ColumnText(4);
    item.payload = query->ColumnBlob(5);
    item.attempts = static_cast<int>(query->ColumnInt(6));
    item.enqueued_at = FromMillis(query->ColumnInt(7));
    items.push_back(std::move(item));
  }
  return items;
}

// Explains why an UPDATE of an undelivered outbox row changed nothing.
Error Store::OutboxMiss(std::string_view uuid, std::string_view what) {
  Result<sqlite::Statement> query =
      m_db.Prepare("SELECT delivered_at_ms IS NOT NULL FROM outbox WHERE application_uuid = ?1");
  if (!query.ok()) return query.error();
  query->BindText(1, uuid);
  Result<bool> row = query->Step();
  if (!row.ok()) return row.error();
  if (!*row) {
    return MakeError(ErrorKind::kNotFound,
                     std::string(what) + ": no outbox item " + std::string(uuid));
  }
  return MakeError(ErrorKind::kConflict,
                   std::string(what) + ": outbox item " + std::string(uuid) + " was already delivered");
}

Status Store::MarkDelivered(std::string_view uuid, std::string_view server_receipt,
                            std::string_view server_time, system_clock::time_point delivered_at) {
  if (server_receipt.empty()) return InvalidArgument("mark delivered: empty server receipt");
  Result<sqlite::Transaction> txn = sqlite::Transaction::Begin(m_db, Kind::kWrite);
  if (!txn.ok()) return txn.error();
  bool changed = false;
  if (Status marked = MarkDeliveredInTransaction(uuid, server_receipt, server_time,
                                                 ToMillis(delivered_at), &changed);
      !marked.ok() || !changed) {
    return marked;
  }
  return txn->Commit();
}

Result<std::vector<Status>> Store::MarkDeliveredBatch(const std::vector<Delivery>& deliveries,
                                                      system_clock::time_point delivered_at) {
  std::vector<Status> outcomes;
  outcomes.reserve(deliveries.size());
  Result<sqlite::Transaction> txn = sqlite::Transaction::Begin(m_db, Kind::kWrite);
  if (!txn.ok()) return txn.error();
  for (const Delivery& d : deliveries) {
    if (d.server_receipt.empty()) {
      outcomes.push_back(InvalidArgument("mark delivered: empty server receipt"));
      continue;
    }
    bool changed = false;
    Status marked = MarkDeliveredInTransaction(d.uuid, d.server_receipt, d.server_time,
                                               ToMillis(delivered_at), &changed);
    // A statement that failed for the database's own reasons (disk, lock) would leave
    // the transaction in doubt: give up on the whole batch, nothing is written.
    if (!marked.ok() && marked.error().kind != ErrorKind::kNotFound &&
        marked.error().kind != ErrorKind::kConflict) {
      return marked.error();
    }
    outcomes.push_back(std::move(marked));
  }
  if (Status committed = txn->Commit(); !committed.ok()) return committed.error();
  return outcomes;
}

Status Store::MarkDeliveredInTransaction(std::string_view uuid, std::string_view server_receipt,
                                         std::string_view server_time, int64_t delivered_at_ms,
                                         bool* changed) {
  *changed = false;
  {
    Result<sqlite::Statement> current = m_db.Prepare(
        "SELECT o.delivered_at_ms, a.server_receipt FROM outbox o "
        "JOIN applications a ON a.uuid = o.application_uuid WHERE o.application_uuid = ?1");
    if (!current.ok()) return current.error();
    current->BindText(1, uuid);
    Result<bool> row = current->Step();
    if (!row.ok()) return row.error();
    if (!*row) {
      return MakeError(ErrorKind::kNotFound,
                       "mark delivered: no outbox item " + std::string(uuid));
    }
    if (current->ColumnOptionalInt(0).has_value()) {
      // A retry whose first reply was lost: the server upserts by uuid and answers
      // with the same receipt, so that is success; another receipt means confusion.
      const std::optional<std::string> receipt = current->ColumnOptionalText(1);
      if (receipt && *receipt == server_receipt) return Status::Ok();
      return MakeError(ErrorKind::kConflict,
                       "mark delivered: " + std::string(uuid) +
                           " was already delivered with another receipt");
    }
  }

  Result<sqlite::Statement> outbox = m_db.Prepare(
      "UPDATE outbox SET delivered_at_ms = ?2, last_error = NULL WHERE application_uuid = ?1");
  if (!outbox.ok()) return outbox.error();
  outbox->BindText(1, uuid).BindInt(2, delivered_at_ms);
  if (Status updated = outbox->Run(); !updated.ok()) return updated;

  Result<sqlite::Statement> application = m_db.Prepare(
      "UPDATE applications SET server_receipt = ?2, acked_at = ?3 WHERE uuid = ?1");
  if (!application.ok()) return application.error();
  application->BindText(1, uuid).BindText(2, server_receipt).BindText(3, server_time);
  if (Status updated = application->Run(); !updated.ok()) return updated;
  *changed = true;
  return Status::Ok();
}

Status Store::RecordAttemptFailure(std::string_view uuid, std::string_view error_text,
                                   system_clock::time_point next_attempt_at) {
  Result<sqlite::Transaction> txn = sqlite::Transaction::Begin(m_db, Kind::kWrite);
  if (!txn.ok()) return txn.error();
  Result<sqlite::Statement> update = m_db.Prepare(
      "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, next_attempt_at_ms = ?3 "
      "WHERE application_uuid = ?1 AND delivered_at_ms IS NULL");
  if (!update.ok()) return update.error();
  update->BindText(1, uuid).BindText(2, error_text).BindInt(3, ToMillis(next_attempt_at));
  if (Status updated = update->Run(); !updated.ok()) return updated;
  if (m_db.Changes() == 0) return OutboxMiss(uuid, "record attempt failure");
  return txn->Commit();
}

Status Store::Park(std::string_view uuid, std::string_view reason) {
  // A refusal without a reason must still park: NULL is what marks "not parked".
  const std::string stored_reason = reason.empty() ? "(no reason given)" : std::string(reason);
  Result<sqlite::Transaction> txn = sqlite::Transaction::Begin(m_db, Kind::kWrite);
  if (!txn.ok()) return txn.error();
  Result<sqlite::Statement> update = m_db.Prepare(
      "UPDATE outbox SET parked_reason = ?2, last_error = ?2 "
      "WHERE application_uuid = ?1 AND delivered_at_ms IS NULL");
  if (!update.ok()) return update.error();
  update->BindText(1, uuid).BindText(2, stored_reason);
  if (Status updated = update->Run(); !updated.ok()) return updated;
  if (m_db.Changes() == 0) return OutboxMiss(uuid, "park");

  // The audit names the application by number only: the server's reason may quote
  // what the resident typed.
  Result<sqlite::Statement> audit = m_db.Prepare(
      "INSERT INTO audit (at, actor, action, detail) "
      "SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'system', 'outbox.park', app_number "
      "FROM applications WHERE uuid = ?1");
  if (!audit.ok()) return audit.error();
  audit->BindText(1, uuid);
  if (Status logged = audit->Run(); !logged.ok()) return logged;
  return txn->Commit();
}

Result<OutboxHealthReport> Store::OutboxHealth() {
  // One statement, so the four figures come from one snapshot.
  Result<sqlite::Statement> query = m_db.Prepare(R"sql(
SELECT
  (SELECT COUNT(*) FROM outbox WHERE delivered_at_ms IS NULL AND parked_reason IS NULL),
  (SELECT COUNT(*) FROM outbox WHERE delivered_at_ms IS NULL AND parked_reason IS NOT NULL),
  (SELECT MIN(enqueued_at_ms) FROM outbox
     WHERE delivered_at_ms IS NULL AND parked_reason IS NULL),
  (SELECT MAX(delivered_at_ms) FROM outbox)
)sql");
  if (!query.ok()) return query.error();
  Result<bool> row = query->Step();
  if (!row.ok()) return row.error();
  OutboxHealthReport report;
  report.pending = query->ColumnInt(0);
  report.parked = query->ColumnInt(1);
  if (std::optional<int64_t> oldest = query->ColumnOptionalInt(2)) {
    report.oldest_pending_at = FromMillis(*oldest);
  }
  if (std::optional<int64_t> last = query->ColumnOptionalInt(3)) {
    report.last_success_at = FromMillis(*last);
  }
  return report;
}

// ---- status ----------------------------------------------------------------------

Result<int64_t> Store::StatusCursor() {
  Result<std::optional<std::string>> stored = ReadSetting(kStatusCursorKey);
  if (!stored.ok()) return stored.error();
  if (!stored->has_value()) return int64_t{0};
  const std::string& text = **stored;
  int64_t cursor = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), cursor);
  if (ec != std::errc() || end != text.data() + text.size() || cursor < 0) {
    return MakeError(ErrorKind::kDataLoss, "store: status cursor is not a number: \"" + text + "\"");
  }
  return cursor;
}

Status Store::ApplyStatusChanges(const std::vector<StatusChange>& changes, int64_t new_cursor) {
  for (const StatusChange& change : changes) {
    if (change.server_seq <= 0 || change.application_uuid.empty() || change.status.empty()) {
      return InvalidArgument("status change " + std::to_string(change.server_seq) +
                             " lacks a seq, an application uuid or a status");
    }
  }
  Result<sqlite::Transaction> txn = sqlite::Transaction::Begin(m_db, Kind::kWrite);
  if (!txn.ok()) return txn.error();
  Result<int64_t> cursor = StatusCursor();
  if (!cursor.ok()) return cursor.error();
  if (new_cursor < *cursor) {
    return MakeError(ErrorKind::kConflict, "status cursor would move back from " +
                                               std::to_string(*cursor) + " to " +
                                               std::to_string(new_cursor));
  }

  Result<sqlite::Statement> insert = m_db.Prepare(R"sql(
INSERT INTO status_changes (server_seq, application_uuid, app_number, status, reason, server_time)
VALUES (?1, ?2, ?3, ?4, ?5, ?6)
ON CONFLICT (server_seq) DO NOTHING
)sql");
  if (!insert.ok()) return insert.error();
  Result<sqlite::Statement> update = m_db.Prepare(R"sql(
UPDATE applications SET status = ?2, status_at = ?3, status_seq = ?4
WHERE uuid = ?1 AND (status_seq IS NULL OR status_seq < ?4)
)sql");
  if (!update.ok()) return update.error();

  for (const StatusChange& change : changes) {
    insert->BindInt(1, change.server_seq)
        .BindText(2, change.application_uuid)
        .BindText(3, change.app_number)
        .BindText(4, change.status)
        .BindText(5, change.reason)
        .BindText(6, change.server_time);
    if (Status stored = insert->Run(); !stored.ok()) return stored;
    update->BindText(1, change.application_uuid)
        .BindText(2, change.status)
        .BindText(3, change.server_time)
        .BindInt(4, change.server_seq);
    if (Status applied = update->Run(); !applied.ok()) return applied;
  }
  if (Status moved = WriteSetting(kStatusCursorKey, std::to_string(new_cursor)); !moved.ok()) {
    return moved;
  }
  return txn->Commit();
}

Result<std::vector<StatusChange>> Store::StatusHistory(std::string_view app_number) {
  Result<sqlite::Statement> query = m_db.Prepare(
      "SELECT server_seq, application_uuid, app_number, status, reason, server_time "
      "FROM status_changes WHERE app_number = ?1 ORDER BY server_seq");
  if (!query.ok()) return query.error();
  query->BindText(1, app_number);
  std::vector<StatusChange> history;
  while (true) {
    Result<bool> row = query->Step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    StatusChange change;
    change.server_seq = query->ColumnInt(0);
    change.application_uuid = query->ColumnText(1);
    change.app_number = query->ColumnText(2);
    change.status = query->ColumnText(3);
    change.reason = query->ColumnText(4);
    change.server_time = query->ColumnText(5);
    history.push_back(std::move(change));
  }
  return history;
}

Result<std::optional<StatusLookup>> Store::LookUpStatus(std::string_view app_number,
                                                        std::string_view id_last6) {
  const std::string tail = NormalizeIdTail(id_last6);
  if (tail.empty()) return InvalidArgument("look-up: the ID tail must be 6 characters of 0-9 or X");
  Result<sqlite::Statement> query =
      m_db.Prepare("SELECT lookup_hash FROM applications WHERE app_number = ?1");
  if (!query.ok()) return query.error();
  query->BindText(1, app_number);
  Result<bool> row = query->Step();
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<StatusLookup>();
  const std::optional<std::string> stored = query->ColumnOptionalText(0);
  Result<std::optional<std::string>> key = ReadSetting(kLookupKeyKey);
  if (!key.ok()) return key.error();
  if (!stored || !key->has_value()) return std::optional<StatusLookup>();
  const std::string given = LookupHash(tail, **key);
  if (given.size() != stored->size() ||
      sodium_memcmp(given.data(), stored->data(), given.size()) != 0) {
    return std::optional<StatusLookup>();
  }
  Result<std::optional<ApplicationStub>> stub = FindByAppNumber(app_number);
  if (!stub.ok()) return stub.error();
  if (!stub->has_value()) return std::optional<StatusLookup>();
  Result<std::vector<StatusChange>> history = StatusHistory(app_number);
  if (!history.ok()) return history.error();
  return std::optional<StatusLookup>(StatusLookup{std::move(**stub), std::move(*history)});
}

// ---- audit -----------------------------------------------------------------------

Status Store::AppendAudit(std::string_view actor, std::string_view action,
                          std::string_view detail) {
  if (actor.empty() || action.empty()) return InvalidArgument("audit: empty actor or action");
  Result<sqlite::Statement> insert = m_db.Prepare(
      "INSERT INTO audit (at, actor, action, detail) "
      "VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?1, ?2, ?3)");
  if (!insert.ok()) return insert.error();
  insert->BindText(1, actor).BindText(2, action).BindText(3, detail);
  return insert->Run();
}

Result<std::vector<AuditEntry>> Store::RecentAudit(int limit) {
  if (Status ok = CheckLimit(limit); !ok.ok()) return ok.error();
  Result<sqlite::Statement> query = m_db.Prepare(
      "SELECT id, at, actor, action, detail FROM audit ORDER BY id DESC LIMIT ?1");
  if (!query.ok()) return query.error();
  query->BindInt(1, limit);
  std::vector<AuditEntry> entries;
  while (true) {
    Result<bool> row = query->Step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    AuditEntry entry;
    entry.id = query->ColumnInt(0);
    entry.at = query->ColumnText(1);
    entry.actor = query->ColumnText(2);
    entry.action = query->ColumnText(3);
    entry.detail = query->ColumnText(4);
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace yimen
