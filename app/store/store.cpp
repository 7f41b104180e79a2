// Store: the repositories over yimen.db. Every write that must be all-or-nothing is one
// BEGIN IMMEDIATE transaction here, so the promise "nothing acknowledged is lost, nothing
// half-written is kept" is checked in one file (and proved by tests/store's fault VFS).
#include "store/store.h"

#include <sodium.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <map>
#include <system_error>
#include <utility>

#include "common/base64.h"
#include "common/sealing.h"
#include "common/secret_hash.h"
#include "common/uuid.h"
#include "common/wipe.h"
#include "domain/app_number.h"
#include "domain/name_mask.h"
#include "domain/utf8.h"
#include "store/migrations.h"

#include <nlohmann/json.hpp>

namespace yimen {
namespace {

using std::chrono::system_clock;
using Kind = sqlite::Transaction::Kind;

// Long enough to outlast the other thread's longest write (a sync batch), short enough
// that a stuck lock surfaces as kUnavailable instead of a frozen touch screen.
constexpr int kBusyTimeoutMs = 5000;
constexpr int kMaxListLimit = 1000;
constexpr const char* kPurgedFormat = "purged";
constexpr const char* kInitialStatus = "submitted";
constexpr std::string_view kKioskCodeKey = "kiosk_code";
constexpr std::string_view kStatusCursorKey = "status_cursor";
// The per-kiosk key of the look-up hash: 32 random bytes, hex, made at the first
// submit that carries an ID tail. Never leaves the kiosk.
constexpr std::string_view kLookupKeyKey = "lookup_key";
// The server's current sealing key as enrollment and heartbeats deliver it (base64;
// written by the sync engine), the deployment's pre-enrollment key (base64; written by
// ProvisionSealingKey), and the key ids the server has retired (one per line; written
// by the sync engine from heartbeat replies).
constexpr std::string_view kEnrolledSealingKey = "sync.sealing_public_key";
constexpr std::string_view kProvisionedSealingKey = "seal.provisioned_key";
constexpr std::string_view kRetiredKeyIds = "seal.retired_key_ids";
constexpr std::string_view kPhotoPrefix = "photo:";
constexpr int64_t kMillisPerDay = 24LL * 60 * 60 * 1000;

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

Error InvalidArgument(std::string message) {
  return MakeError(ErrorKind::kInvalidArgument, std::move(message));
}

// Overwrites every string inside a JSON value: the parsed draft held the resident's
// plaintext, and nlohmann would free it unwiped.
void WipeJson(nlohmann::json* value) {
  if (value->is_string()) {
    Wipe(&value->get_ref<std::string&>());
  } else if (value->is_structured()) {
    for (auto& child : *value) WipeJson(&child);
  }
}

struct NewAttachmentRow {
  AttachmentMeta meta;
  std::string ciphertext;
};

// The payload sealed and its photos encrypted: what Submit writes.
struct SealedApplication {
  std::string envelope;
  std::vector<NewAttachmentRow> attachments;
};

// Takes the "photo:" attachments out of the draft JSON (encrypting each with a fresh
// key that goes into the draft in its place), then seals the whole draft. A payload
// that is not a JSON object (older tools, tests) is sealed as it is.
Result<SealedApplication> SealPayload(const std::string& payload, const SealingKeyInfo& key) {
  SealedApplication sealed;
  nlohmann::json draft = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  std::string plaintext;
  if (draft.is_object() && draft.contains("attachments") && draft["attachments"].is_object()) {
    for (auto& [ref, value] : draft["attachments"].items()) {
      if (ref.rfind(kPhotoPrefix, 0) != 0 || !value.is_string()) continue;
      Result<std::string> jpeg =
          Base64Decode(value.get_ref<const std::string&>(), Base64Spaces::kSkip);
      if (!jpeg.ok()) {
        WipeJson(&draft);
        return InvalidArgument("submit: attachment " + ref + " is not base64");
      }
      seal::EncryptedAttachment encrypted = seal::EncryptAttachment(*jpeg);
      Wipe(&*jpeg);
      NewAttachmentRow row;
      row.meta.id = ref;
      row.meta.mime = "image/jpeg";
      row.meta.size = static_cast<int64_t>(encrypted.ciphertext.size());
      row.meta.sha256 = encrypted.sha256_hex;
      row.ciphertext = std::move(encrypted.ciphertext);
      Wipe(&value.get_ref<std::string&>());
      value = std::string(seal::kSealedPhotoPrefix) + encrypted.sha256_hex +
              ";key=" + Base64Encode(encrypted.key);
      Wipe(&encrypted.key);
      sealed.attachments.push_back(std::move(row));
    }
  }
  if (draft.is_object()) {
    plaintext = draft.dump();
    WipeJson(&draft);
  } else {
    plaintext = payload;
  }
  Result<std::string> envelope = seal::SealEnvelope(plaintext, key.public_key);
  Wipe(&plaintext);
  if (!envelope.ok()) return envelope.error();
  sealed.envelope = std::move(*envelope);
  return sealed;
}

int64_t ToMillis(system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch())
      .count();
}

system_clock::time_point FromMillis(int64_t millis) {
  return system_clock::time_point(std::chrono::milliseconds(millis));
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
  // Deleted and overwritten content (purged ciphertext, old settings) is zeroed on
  // disk, not left in free pages for a thief's forensic tools.
  if (Status secure = db.Exec("PRAGMA secure_delete = ON"); !secure.ok()) {
    return AtOpen(path, secure.error());
  }
  // Sorts and temporary tables stay in memory: no temp file beside the database may
  // ever hold a page of it.
  if (Status temp = db.Exec("PRAGMA temp_store = MEMORY"); !temp.ok()) {
    return AtOpen(path, temp.error());
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
  if (key == kKioskCodeKey || key == kStatusCursorKey || key == kLookupKeyKey ||
      key == kProvisionedSealingKey || key == kStaffCursorKey || key == kAuditPushedKey) {
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

  // Sealing is CPU work (a photo takes milliseconds): done before the write lock is
  // taken, so the sync thread is not kept waiting. Only ciphertext is ever bound.
  Result<SealingKeyInfo> key = CurrentSealingKey();
  if (!key.ok()) return key.error();
  Result<SealedApplication> sealed = SealPayload(application.payload, *key);
  if (!sealed.ok()) return sealed.error();

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
    Result<std::string> key_hex = LookupKey();
    if (!key_hex.ok()) return key_hex.error();
    lookup_hash = LookupHash(id_tail, *key_hex);
  }

  SubmittedApplication submitted;
  submitted.uuid = NewUuidV4();
  submitted.seq = static_cast<uint32_t>(seq);
  submitted.app_number = FormatAppNumber(**kiosk_code, date, submitted.seq);
  submitted.created_at = application.created_at_iso;

  Result<sqlite::Statement> insert_application = m_db.Prepare(R"sql(
INSERT INTO applications (uuid, app_number, created_date, seq, service_code, catalog_version,
                          created_at, masked_name, payload_format, payload, status, status_at,
                          lookup_hash, seal_key_id)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?7, ?12, ?13)
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
      .BindText(9, seal::kPayloadFormat)
      .BindBlob(10, sealed->envelope)
      .BindText(11, kInitialStatus);
  insert_application->BindOptionalText(12, lookup_hash).BindText(13, key->key_id);
  if (Status inserted = insert_application->Run(); !inserted.ok()) return inserted.error();

  for (const NewAttachmentRow& row : sealed->attachments) {
    Result<sqlite::Statement> insert_attachment = m_db.Prepare(
        "INSERT INTO attachments (application_uuid, attachment_id, mime, size, sha256, ciphertext) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!insert_attachment.ok()) return insert_attachment.error();
    insert_attachment->BindText(1, submitted.uuid)
        .BindText(2, row.meta.id)
        .BindText(3, row.meta.mime)
        .BindInt(4, row.meta.size)
        .BindText(5, row.meta.sha256)
        .BindBlob(6, row.ciphertext);
    if (Status inserted = insert_attachment->Run(); !inserted.ok()) return inserted.error();
  }

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
  return ListApplications(ApplicationFilter{}, offset, limit);
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
  if (items.empty()) return items;
  // The attachments the push announces, for the whole batch in one pass.
  Result<sqlite::Statement> refs = m_db.Prepare(R"sql(
SELECT t.application_uuid, t.attachment_id, t.mime, t.size, t.sha256
FROM attachments t
WHERE t.application_uuid IN (SELECT value FROM json_each(?1))
ORDER BY t.application_uuid, t.attachment_id
)sql");
  if (!refs.ok()) return refs.error();
  nlohmann::json uuids = nlohmann::json::array();
  for (const OutboxItem& item : items) uuids.push_back(item.uuid);
  refs->BindText(1, uuids.dump());
  std::map<std::string, std::vector<AttachmentMeta>> by_uuid;
  while (true) {
    Result<bool> row = refs->Step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    by_uuid[refs->ColumnText(0)].push_back(
        {refs->ColumnText(1), refs->ColumnText(2), refs->ColumnInt(3), refs->ColumnText(4)});
  }
  for (OutboxItem& item : items) {
    auto it = by_uuid.find(item.uuid);
    if (it != by_uuid.end()) item.attachments = std::move(it->second);
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
  (SELECT MAX(delivered_at_ms) FROM outbox),
  (SELECT COUNT(*) FROM attachments WHERE uploaded_at_ms IS NULL)
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
  report.uploads_pending = query->ColumnInt(4);
  return report;
}

// ---- status ----------------------------------------------------------------------

Result<int64_t> Store::ReadIntSetting(std::string_view key, int64_t fallback) {
  Result<std::optional<std::string>> stored = ReadSetting(key);
  if (!stored.ok()) return stored.error();
  if (!stored->has_value()) return fallback;
  const std::string& text = **stored;
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) {
    return MakeError(ErrorKind::kDataLoss,
                     "store: setting " + std::string(key) + " is not a number: \"" + text + "\"");
  }
  return value;
}

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
  return ReadAuditRows(*query);
}

Result<std::vector<AuditEntry>> Store::ReadAuditRows(sqlite::Statement& query) {
  std::vector<AuditEntry> entries;
  while (true) {
    Result<bool> row = query.Step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    AuditEntry entry;
    entry.id = query.ColumnInt(0);
    entry.at = query.ColumnText(1);
    entry.actor = query.ColumnText(2);
    entry.action = query.ColumnText(3);
    entry.detail = query.ColumnText(4);
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace yimen

// ---- staff mode --------------------------------------------------------------------
// Kept after the core repositories: everything here reads what Submit and the sync
// engine wrote, and writes only the staff tables and settings.

namespace yimen {
namespace {

constexpr size_t kMaxStaffNameChars = 32;

// A filter as SQL: " WHERE ..." (or "") and the texts to bind to ?1, ?2...
struct FilterSql {
  std::string where;
  std::vector<std::string> params;
  bool needs_outbox = false;  // the condition reads the outbox (sync state)
};

bool IsIsoDay(std::string_view day) {
  int y = 0, m = 0, d = 0;
  return day.size() == 10 && ReadDigits(day, 0, 4, &y) && day[4] == '-' &&
         ReadDigits(day, 5, 2, &m) && day[7] == '-' && ReadDigits(day, 8, 2, &d) &&
         IsValidCivilDate(CivilDate{y, m, d});
}

Result<FilterSql> BuildFilter(const ApplicationFilter& filter) {
  FilterSql out;
  std::vector<std::string> conditions;
  auto param = [&](std::string value) {
    out.params.push_back(std::move(value));
    return "?" + std::to_string(out.params.size());
  };
  if (!filter.status.empty()) conditions.push_back("a.status = " + param(filter.status));
  if (!filter.service_code.empty()) {
    conditions.push_back("a.service_code = " + param(filter.service_code));
  }
  for (const std::string* day : {&filter.from_day, &filter.to_day}) {
    if (!day->empty() && !IsIsoDay(*day)) {
      return InvalidArgument("filter: a day must look like 2026-11-23, got \"" + *day + "\"");
    }
  }
  if (!filter.from_day.empty()) conditions.push_back("a.created_date >= " + param(filter.from_day));
  if (!filter.to_day.empty()) conditions.push_back("a.created_date <= " + param(filter.to_day));
  if (!filter.number_contains.empty()) {
    std::string upper = filter.number_contains;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    conditions.push_back("instr(a.app_number, " + param(upper) + ") > 0");
  }
  if (filter.sync_state) {
    out.needs_outbox = true;
    switch (*filter.sync_state) {
      case SyncState::kDelivered:
        conditions.push_back("(a.server_receipt IS NOT NULL OR o.delivered_at_ms IS NOT NULL)");
        break;
      case SyncState::kParked:
        conditions.push_back(
            "(a.server_receipt IS NULL AND o.delivered_at_ms IS NULL AND o.parked_reason IS NOT NULL)");
        break;
      case SyncState::kPending:
        conditions.push_back(
            "(a.server_receipt IS NULL AND o.delivered_at_ms IS NULL AND o.parked_reason IS NULL)");
        break;
    }
  }
  for (size_t i = 0; i < conditions.size(); ++i) {
    out.where += (i == 0 ? " WHERE " : " AND ") + conditions[i];
  }
  return out;
}

void BindFilter(sqlite::Statement& statement, const FilterSql& filter) {
  for (size_t i = 0; i < filter.params.size(); ++i) {
    statement.BindText(static_cast<int>(i + 1), filter.params[i]);
  }
}

// One CSV cell: quoted when it holds a comma, quote or line break; a leading = + - @
// is defused with ' so a spreadsheet shows the text instead of running it.
std::string CsvCell(std::string_view text) {
  std::string cell(text);
  if (!cell.empty() && (cell[0] == '=' || cell[0] == '+' || cell[0] == '-' || cell[0] == '@')) {
    cell.insert(cell.begin(), '\'');
  }
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (char c : cell) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}


}  // namespace

std::string Store::DataDir() const {
  return std::filesystem::path(m_db.path()).parent_path().string();
}

Result<std::vector<ApplicationStub>> Store::ListApplications(const ApplicationFilter& filter,
                                                             int64_t offset, int limit) {
  if (offset < 0) return InvalidArgument("offset must not be negative");
  if (Status ok = CheckLimit(limit); !ok.ok()) return ok.error();
  Result<FilterSql> where = BuildFilter(filter);
  if (!where.ok()) return where.error();
  const int n = static_cast<int>(where->params.size());
  Result<sqlite::Statement> query =
      m_db.Prepare(std::string(kStubSelect) + where->where + " ORDER BY a.id DESC LIMIT ?" +
                   std::to_string(n + 1) + " OFFSET ?" + std::to_string(n + 2));
  if (!query.ok()) return query.error();
  BindFilter(*query, *where);
  query->BindInt(n + 1, limit).BindInt(n + 2, offset);
  std::vector<ApplicationStub> stubs;
  stubs.reserve(static_cast<size_t>(limit));
  while (true) {
    Result<bool> row = query->Step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    stubs.push_back(ReadStub(*query));
  }
  return stubs;
}

Result<int64_t> Store::CountApplications(const ApplicationFilter& filter) {
  Result<FilterSql> where = BuildFilter(filter);
  if (!where.ok()) return where.error();
  std::string sql = "SELECT COUNT(*) FROM applications a";
  if (where->needs_outbox) sql += " LEFT JOIN outbox o ON o.application_uuid = a.uuid";
  Result<sqlite::Statement> query = m_db.Prepare(sql + where->where);
  if (!query.ok()) return query.error();
  BindFilter(*query, *where);
  Result<bool> row = query->Step();
  if (!row.ok()) return row.error();
  return query->ColumnInt(0);
}

Result<ApplicationCounts> Store::CountApplicationsByDay(std::string_view from_day,
                                                        std::string_view to_day) {
  if (!IsIsoDay(from_day) || !IsIsoDay(to_day)) {
    return InvalidArgument("counts: days must look like 2026-11-23");
  }
  ApplicationCounts counts;
  for (const char* column : {"status", "service_code"}) {
    Result<sqlite::Statement> query = m_db.Prepare(
        std::string("SELECT ") + column + ", COUNT(*) AS n FROM applications "
        "WHERE created_date BETWEEN ?1 AND ?2 GROUP BY 1 ORDER BY n DESC, 1");
    if (!query.ok()) return query.error();
    query->BindText(1, from_day).BindText(2, to_day);
    auto& into = column[1] == 't' ? counts.by_status : counts.by_service;
    while (true) {
      Result<bool> row = query->Step();
      if (!row.ok()) return row.error();
      if (!*row) break;
      into.emplace_back(query->ColumnText(0), query->ColumnInt(1));
    }
  }
  for (const auto& [status, n] : counts.by_status) counts.total += n;
  return counts;
}

Result<int64_t> Store::ExportApplicationsCsv(
    const ApplicationFilter& filter,
    const std::function<std::string(const std::string&)>& service_name,
    const std::string& path) {
  Result<FilterSql> where = BuildFilter(filter);
  if (!where.ok()) return where.error();
  Result<sqlite::Statement> query =
      m_db.Prepare(std::string(kStubSelect) + where->where + " ORDER BY a.id DESC");
  if (!query.ok()) return query.error();
  BindFilter(*query, *where);

  const std::string part = path + ".part";
  int fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return MakeError(ErrorKind::kUnavailable, "export: cannot create " + part);
  }
  std::FILE* out = ::fdopen(fd, "wb");
  if (!out) {
    ::close(fd);
    return MakeError(ErrorKind::kUnavailable, "export: cannot write " + part);
  }
  std::string text = "\xEF\xBB\xBF"
      "app_number,service_code,service,name,created_at,status,status_at,sync_state,parked_reason\r\n";
  int64_t rows = 0;
  bool write_ok = true;
  while (true) {
    Result<bool> row = query->Step();
    if (!row.ok()) {
      std::fclose(out);
      std::remove(part.c_str());
      return row.error();
    }
    if (!*row) break;
    const ApplicationStub stub = ReadStub(*query);
    const std::string service = service_name ? service_name(stub.service_code) : stub.service_code;
    text += CsvCell(stub.app_number) + ',' + CsvCell(stub.service_code) + ',' +
            CsvCell(service) + ',' + CsvCell(SurnameOnly(stub.masked_name)) + ',' +
            CsvCell(stub.created_at) + ',' + CsvCell(stub.status) + ',' +
            CsvCell(stub.status_at) + ',' + SyncStateName(stub.sync_state) + ',' +
            CsvCell(stub.parked_reason.value_or("")) + "\r\n";
    ++rows;
    if (text.size() > (1 << 16)) {
      write_ok = write_ok && std::fwrite(text.data(), 1, text.size(), out) == text.size();
      text.clear();
    }
  }
  write_ok = write_ok && std::fwrite(text.data(), 1, text.size(), out) == text.size();
  write_ok = std::fflush(out) == 0 && write_ok && ::fsync(::fileno(out)) == 0;
  write_ok = std::fclose(out) == 0 && write_ok;
  std::error_code ec;
  if (write_ok) std::filesystem::rename(part, path, ec);
  if (!write_ok || ec) {
    std::remove(part.c_str());
    return MakeError(ErrorKind::kUnavailable, "export: writing " + path + " failed (disk full?)");
  }
  return rows;
}

Status Store::AddStaffAccount(std::string_view name, std::string_view pin) {
  const size_t chars = CountCodepoints(name);
  if (chars == 0 || chars > kMaxStaffNameChars || !IsValidUtf8(name)) {
    return InvalidArgument("a staff name must be 1 to 32 characters");
  }
  if (!secret::IsAcceptableStaffPin(pin)) return InvalidArgument(secret::kStaffPinRule);
  Result<std::string> hash = secret::Hash(pin);
  if (!hash.ok()) return hash.error();
  Result<sqlite::Transaction> txn = sqlite::Transaction::Begin(m_db, Kind::kWrite);
  if (!txn.ok()) return txn.error();
  Result<sqlite::Statement> upsert = m_db.Prepare(
      "INSERT INTO staff_accounts (name, pin_hash, created_at) "
      "VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) "
      "ON CONFLICT (name) DO UPDATE SET pin_hash = excluded.pin_hash");
  if (!upsert.ok()) return upsert.error();
  upsert->BindText(1, name).BindText(2, *hash);
  if (Status s = upsert->Run(); !s.ok()) return s;
  Result<sqlite::Statement> clear = m_db.Prepare("DELETE FROM staff_login_failures WHERE name = ?1");
  if (!clear.ok()) return clear.error();
  clear->BindText(1, name);
  if (Status s = clear->Run(); !s.ok()) return s;
  if (Status s = AppendAudit("system", "staff.account_set", name); !s.ok()) return s;
  return txn->Commit();
}

Result<int64_t> Store::CountStaffAccounts() {
  Result<sqlite::Statement> query = m_db.Prepare("SELECT COUNT(*) FROM staff_accounts");
  if (!query.ok()) return query.error();
  Result<bool> row = query->Step();
  if (!row.ok()) return row.error();
  return query->ColumnInt(0);
}

int64_t Store::StaffThrottleDelayMs(int failures, int64_t base_ms) {
  if (failures < kStaffThrottleAfter || failures >= kStaffMaxFailures) return 0;
  return base_ms * std::min<int64_t>(5, failures - kStaffThrottleAfter + 1);
}

Result<StaffLoginResult> Store::StaffLogin(std::string_view name, std::string_view pin,
                                           int64_t now_ms) {
  StaffLoginResult result;
  // The name's failure count and lockout, whether or not the account exists.
  Result<sqlite::Statement> failures = m_db.Prepare(
      "SELECT failures, locked_until_ms, last_failure_ms FROM staff_login_failures "
      "WHERE name = ?1");
  if (!failures.ok()) return failures.error();
  failures->BindText(1, name);
  Result<bool> failure_row = failures->Step();
  if (!failure_row.ok()) return failure_row.error();
  int64_t count = *failure_row ? failures->ColumnInt(0) : 0;
  int64_t locked_until = *failure_row ? failures->ColumnInt(1) : 0;
  if (locked_until > now_ms) {
    result.outcome = StaffLoginOutcome::kLocked;
    result.failures = static_cast<int>(count);
    result.locked_until_ms = locked_until;
    return result;
  }
  if (locked_until != 0) count = 0;  // a lockout that ran out starts a fresh count
  const int64_t last_failure = *failure_row ? failures->ColumnInt(2) : 0;
  const int64_t delay = StaffThrottleDelayMs(static_cast<int>(count), m_throttle_base_ms);
  if (delay > 0 && now_ms < last_failure + delay) {
    result.outcome = StaffLoginOutcome::kThrottled;
    result.failures = static_cast<int>(count);
    result.retry_at_ms = last_failure + delay;
    return result;
  }

  Result<sqlite::Statement> account =
      m_db.Prepare("SELECT pin_hash FROM staff_accounts WHERE name = ?1 AND disabled = 0");
  if (!account.ok()) return account.error();
  account->BindText(1, name);
  Result<bool> account_row = account->Step();
  if (!account_row.ok()) return account_row.error();
  // A name without an account costs one verification at the staff cost all the same
  // (kNoSecretHash has those parameters and matches nothing).
  const std::string hash = *account_row ? account->ColumnText(0) : secret::kNoSecretHash;
  // Argon2id outside any transaction: it takes about a second and must not hold the
  // write lock. Any length the pad and keyboard can make is checked (old PINs too).
  bool accepted = pin.size() <= 4 * secret::kMaxPassphraseChars && secret::Verify(hash, pin);
  accepted = accepted && *account_row;

  Result<sqlite::Transaction> txn = sqlite::Transaction::Begin(m_db, Kind::kWrite);
  if (!txn.ok()) return txn.error();
  if (accepted) {
    Result<sqlite::Statement> clear =
        m_db.Prepare("DELETE FROM staff_login_failures WHERE name = ?1");
    if (!clear.ok()) return clear.error();
    clear->BindText(1, name);
    if (Status s = clear->Run(); !s.ok()) return s.error();
    Result<sqlite::Statement> stamp = m_db.Prepare(
        "UPDATE staff_accounts SET last_login_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
        "WHERE name = ?1");
    if (!stamp.ok()) return stamp.error();
    stamp->BindText(1, name);
    if (Status s = stamp->Run(); !s.ok()) return s.error();
    result.outcome = StaffLoginOutcome::kAccepted;
  } else {
    ++count;
    if (count >= kStaffMaxFailures) locked_until = now_ms + kStaffLockoutMs;
    else locked_until = 0;
    Result<sqlite::Statement> record = m_db.Prepare(
        "INSERT INTO staff_login_failures (name, failures, locked_until_ms, last_failure_ms) "
        "VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (name) DO UPDATE SET failures = excluded.failures, "
        "locked_until_ms = excluded.locked_until_ms, last_failure_ms = excluded.last_failure_ms");
    if (!record.ok()) return record.error();
    record->BindText(1, name).BindInt(2, count).BindInt(3, locked_until).BindInt(4, now_ms);
    if (Status s = record->Run(); !s.ok()) return s.error();
    result.outcome = StaffLoginOutcome::kRefused;
    result.failures = static_cast<int>(count);
    result.locked_until_ms = locked_until;
    const int64_t next_delay = StaffThrottleDelayMs(static_cast<int>(count), m_throttle_base_ms);
    if (locked_until == 0 && next_delay > 0) result.retry_at_ms = now_ms + next_delay;
  }
  if (Status s = txn->Commit(); !s.ok()) return s.error();
  return result;
}

Result<std::string> Store::LookupKey() {
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
  return key_hex;
}

Result<std::string> Store::LookupHashFor(std::string_view id_last6) {
  const std::string tail = NormalizeIdTail(id_last6);
  if (tail.empty()) return MakeError(ErrorKind::kInvalidArgument, "id tail: need six characters [0-9Xx]");
  Result<std::string> key_hex = LookupKey();
  if (!key_hex.ok()) return key_hex.error();
  return LookupHash(tail, *key_hex);
}

Result<std::optional<StatusLookup>> Store::FindForResident(std::string_view app_number,
                                                           std::string_view id_tail) {
  // LookUpStatus, with a malformed tail answered like a wrong one (nothing learnt).
  Result<std::optional<StatusLookup>> found = LookUpStatus(app_number, id_tail);
  if (!found.ok() && found.error().kind == ErrorKind::kInvalidArgument) {
    return std::optional<StatusLookup>();
  }
  return found;
}

// ---- sealing, attachments and retention --------------------------------------------

Result<SealingKeyInfo> Store::CurrentSealingKey() {
  SealingKeyInfo info;
  for (std::string_view setting : {kEnrolledSealingKey, kProvisionedSealingKey}) {
    Result<std::optional<std::string>> stored = ReadSetting(setting);
    if (!stored.ok()) return stored.error();
    if (!stored->has_value() || (*stored)->empty()) continue;
    Result<std::string> raw = Base64Decode(**stored, Base64Spaces::kSkip);
    if (!raw.ok() || raw->size() != 32) {
      return MakeError(ErrorKind::kDataLoss,
                       "store: setting " + std::string(setting) + " is not a 32-byte key");
    }
    info.public_key = std::move(*raw);
    info.key_id = seal::KeyId(info.public_key);
    info.from_enrollment = setting == kEnrolledSealingKey;
    break;
  }
  if (info.public_key.empty()) {
    return MakeError(ErrorKind::kRejected,
                     "no sealing key: this kiosk is neither enrolled nor provisioned with the "
                     "server's public key, so it cannot take applications");
  }
  Result<std::optional<std::string>> retired = ReadSetting(kRetiredKeyIds);
  if (!retired.ok()) return retired.error();
  const std::string& list = retired->value_or("");
  size_t start = 0;
  while (start < list.size()) {
    size_t end = list.find('\n', start);
    if (end == std::string::npos) end = list.size();
    if (list.compare(start, end - start, info.key_id) == 0) {
      return MakeError(ErrorKind::kRejected,
                       "no sealing key: the server retired key " + info.key_id +
                           "; the next heartbeat brings the current one");
    }
    start = end + 1;
  }
  return info;
}

Status Store::ProvisionSealingKey(std::string_view public_key) {
  if (public_key.size() != 32) {
    return InvalidArgument("a sealing key is 32 bytes, got " + std::to_string(public_key.size()));
  }
  const std::string encoded = Base64Encode(public_key);
  Result<std::optional<std::string>> stored = ReadSetting(kProvisionedSealingKey);
  if (!stored.ok()) return stored.error();
  if (stored->value_or("") == encoded) return Status::Ok();  // every start provisions again
  return WriteSetting(kProvisionedSealingKey, encoded);
}

Result<std::vector<PendingUpload>> Store::ListPendingUploads(int limit) {
  if (Status ok = CheckLimit(limit); !ok.ok()) return ok.error();
  Result<sqlite::Statement> query = m_db.Prepare(R"sql(
SELECT t.application_uuid, t.attachment_id, t.ciphertext
FROM attachments t JOIN outbox o ON o.application_uuid = t.application_uuid
JOIN applications a ON a.uuid = t.application_uuid
WHERE t.uploaded_at_ms IS NULL AND o.delivered_at_ms IS NOT NULL
ORDER BY a.id, t.attachment_id
LIMIT ?1
)sql");
  if (!query.ok()) return query.error();
  query->BindInt(1, limit);
  std::vector<PendingUpload> uploads;
  while (true) {
    Result<bool> row = query->Step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    uploads.push_back({query->ColumnText(0), query->ColumnText(1), query->ColumnBlob(2)});
  }
  return uploads;
}

Status Store::MarkUploaded(std::string_view uuid, std::string_view attachment_id,
                           system_clock::time_point at) {
  Result<sqlite::Statement> update = m_db.Prepare(
      "UPDATE attachments SET uploaded_at_ms = coalesce(uploaded_at_ms, ?3) "
      "WHERE application_uuid = ?1 AND attachment_id = ?2");
  if (!update.ok()) return update.error();
  update->BindText(1, uuid).BindText(2, attachment_id).BindInt(3, ToMillis(at));
  if (Status s = update->Run(); !s.ok()) return s;
  if (m_db.Changes() == 0) {
    return MakeError(ErrorKind::kNotFound, "no attachment " + std::string(attachment_id) +
                                               " for application " + std::string(uuid));
  }
  return Status::Ok();
}

Result<std::vector<std::pair<std::string, int64_t>>> Store::CountSealedByKey() {
  Result<sqlite::Statement> query = m_db.Prepare(
      "SELECT a.seal_key_id, COUNT(*) FROM applications a "
      "JOIN outbox o ON o.application_uuid = a.uuid "
      "WHERE a.seal_key_id IS NOT NULL AND o.delivered_at_ms IS NULL GROUP BY 1 ORDER BY 1");
  if (!query.ok()) return query.error();
  std::vector<std::pair<std::string, int64_t>> counts;
  while (true) {
    Result<bool> row = query->Step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    counts.emplace_back(query->ColumnText(0), query->ColumnInt(1));
  }
  return counts;
}

Result<PurgeReport> Store::PurgeExpired(system_clock::time_point now,
                                        const RetentionPolicy& policy) {
  if (policy.payload_days < 0 || policy.stub_days < 0) {
    return InvalidArgument("retention days must not be negative");
  }
  const int64_t now_ms = ToMillis(now);
  const int64_t payload_cutoff = now_ms - policy.payload_days * kMillisPerDay;
  const int64_t stub_cutoff = now_ms - policy.stub_days * kMillisPerDay;
  PurgeReport report;
  {
    Result<sqlite::Transaction> txn = sqlite::Transaction::Begin(m_db, Kind::kWrite);
    if (!txn.ok()) return txn.error();
    // Acknowledged means: the push was acknowledged AND every attachment is uploaded.
    // The last of those moments starts the retention clock.
    constexpr const char* kExpired = R"sql(
SELECT a.uuid FROM applications a JOIN outbox o ON o.application_uuid = a.uuid
WHERE o.delivered_at_ms IS NOT NULL AND a.purged_at_ms IS NULL
  AND NOT EXISTS (SELECT 1 FROM attachments t
                  WHERE t.application_uuid = a.uuid AND t.uploaded_at_ms IS NULL)
  AND max(o.delivered_at_ms, coalesce((SELECT max(t.uploaded_at_ms) FROM attachments t
                                       WHERE t.application_uuid = a.uuid), 0)) <= ?1
)sql";
    Result<sqlite::Statement> drop_attachments = m_db.Prepare(
        std::string("DELETE FROM attachments WHERE application_uuid IN (") + kExpired + ")");
    if (!drop_attachments.ok()) return drop_attachments.error();
    drop_attachments->BindInt(1, payload_cutoff);
    if (Status s = drop_attachments->Run(); !s.ok()) return s.error();
    Result<sqlite::Statement> purge = m_db.Prepare(
        std::string("UPDATE applications SET payload = x'', payload_format = ?2, "
                    "purged_at_ms = ?3 WHERE uuid IN (") + kExpired + ")");
    if (!purge.ok()) return purge.error();
    purge->BindInt(1, payload_cutoff).BindText(2, kPurgedFormat).BindInt(3, now_ms);
    if (Status s = purge->Run(); !s.ok()) return s.error();
    report.payloads_purged = m_db.Changes();

    // Stubs: only purged ones (so the payload rule above always ran first).
    constexpr const char* kOldStubs = R"sql(
SELECT a.uuid FROM applications a JOIN outbox o ON o.application_uuid = a.uuid
WHERE a.purged_at_ms IS NOT NULL AND o.delivered_at_ms IS NOT NULL AND o.delivered_at_ms <= ?1
)sql";
    for (const char* table : {"status_changes", "outbox"}) {
      Result<sqlite::Statement> drop = m_db.Prepare(std::string("DELETE FROM ") + table +
                                                    " WHERE application_uuid IN (" + kOldStubs +
                                                    ")");
      if (!drop.ok()) return drop.error();
      drop->BindInt(1, stub_cutoff);
      if (Status s = drop->Run(); !s.ok()) return s.error();
    }
    // The outbox rows are gone now, so the stubs are found by purge time instead.
    Result<sqlite::Statement> drop_stubs = m_db.Prepare(
        "DELETE FROM applications WHERE purged_at_ms IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM outbox o WHERE o.application_uuid = applications.uuid)");
    if (!drop_stubs.ok()) return drop_stubs.error();
    if (Status s = drop_stubs->Run(); !s.ok()) return s.error();
    report.stubs_deleted = m_db.Changes();
    if (report.payloads_purged > 0 || report.stubs_deleted > 0) {
      if (Status s = AppendAudit("system", "retention.purge",
                                 std::to_string(report.payloads_purged) + " payloads, " +
                                     std::to_string(report.stubs_deleted) + " stubs");
          !s.ok()) {
        return s.error();
      }
    }
    if (Status s = txn->Commit(); !s.ok()) return s.error();
  }
  if (report.payloads_purged > 0 || report.stubs_deleted > 0) {
    // The old pages may still sit in the WAL: copy it back and cut it to zero bytes.
    // Busy (the UI thread reading) is fine: the next purge tries again.
    (void)m_db.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }
  return report;
}

}  // namespace yimen
