// ApplicationRepository (applications.h): Submit, reading applications, and the outbox
// the sync engine drains. The staff lists and the retention purge are in
// applications_lists.cpp, poison-item counts in store_outbox_faults.cpp, the resend
// after a server restore in store_resend.cpp.
#include "store/applications.h"

#include <sodium.h>

#include <map>
#include <utility>

#include "common/base64.h"
#include "common/sealing.h"
#include "common/uuid.h"
#include "common/wipe.h"
#include "domain/app_number.h"
#include "store/store_internal.h"

#include <nlohmann/json.hpp>

namespace yimen {

using namespace store_internal;  // NOLINT(google-build-using-namespace): the store's own helpers

namespace {

constexpr std::string_view kPhotoPrefix = "photo:";

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
      !ReadDigits(text, 14, 2, &minute) || text[16] != ':' || !ReadDigits(text, 17, 2, &second)) {
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

}  // namespace

const char* SyncStateName(SyncState state) {
  switch (state) {
    case SyncState::kPending: return "pending";
    case SyncState::kParked: return "parked";
    case SyncState::kDelivered: return "delivered";
  }
  return "unknown";
}

namespace store_internal {

// One application checked and sealed, ready to be inserted: what Submit and SubmitVisit
// prepare for each application before they take the write lock.
struct PreparedSubmit {
  const NewApplication* application = nullptr;
  int64_t created_ms = 0;
  std::string id_tail;  // normalised; empty when the application keeps no look-up hash
  SealedApplication sealed;
};

}  // namespace store_internal

namespace {

// The argument checks Submit documents, for one application.
Result<PreparedSubmit> CheckNewApplication(const NewApplication& application) {
  if (application.service_code.empty()) return InvalidArgument("submit: no service code");
  if (application.catalog_version.empty()) return InvalidArgument("submit: no catalog version");
  if (application.payload.empty()) return InvalidArgument("submit: empty payload");
  const CivilDate& date = application.created_date;
  if (!IsValidCivilDate(date) || date.year < 2000 || date.year > 2099) {
    return InvalidArgument("submit: created_date must be a real date in 2000..2099");
  }
  Result<int64_t> created_ms = ParseIsoUtcMillis(application.created_at_iso);
  if (!created_ms.ok()) return created_ms.error();
  PreparedSubmit prepared;
  prepared.application = &application;
  prepared.created_ms = *created_ms;
  prepared.id_tail = NormalizeIdTail(application.id_last6);
  if (!application.id_last6.empty() && prepared.id_tail.empty()) {
    return InvalidArgument("submit: id_last6 must be 6 characters of 0-9 or X");
  }
  return prepared;
}

constexpr const char* kNextAppSeq =
    "INSERT INTO app_sequences (day, last_seq) VALUES (?1, 1) "
    "ON CONFLICT (day) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq";
constexpr const char* kNextVisitSeq =
    "INSERT INTO visit_sequences (day, last_seq) VALUES (?1, 1) "
    "ON CONFLICT (day) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq";

// The day's next number from one of the daily counters. Inside the caller's
// transaction, so a rolled-back submit also rolls back its number: it was never shown
// to anyone, and the next submit takes it.
Result<uint32_t> NextDailySeq(sqlite::Connection& db, const char* sql, const std::string& day,
                              std::string_view what) {
  Result<sqlite::Statement> next_seq = db.PrepareCached(sql);
  if (!next_seq.ok()) return next_seq.error();
  next_seq->BindText(1, day);
  Result<bool> seq_row = next_seq->Step();
  if (!seq_row.ok()) return seq_row.error();
  const int64_t seq = next_seq->ColumnInt(0);
  if (Status done = next_seq->Run(); !done.ok()) return done.error();
  if (seq > kMaxAppSequence) {
    return MakeError(ErrorKind::kRejected, "submit: this kiosk has used all " +
                                               std::to_string(kMaxAppSequence) + " " +
                                               std::string(what) + " numbers for " + day);
  }
  return static_cast<uint32_t>(seq);
}

Status InsertAttachments(sqlite::Connection& db, const std::string& uuid,
                         const std::vector<NewAttachmentRow>& rows) {
  for (const NewAttachmentRow& row : rows) {
    Result<sqlite::Statement> insert_attachment = db.PrepareCached(
        "INSERT INTO attachments (application_uuid, attachment_id, mime, size, sha256, ciphertext) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!insert_attachment.ok()) return insert_attachment.error();
    insert_attachment->BindText(1, uuid)
        .BindText(2, row.meta.id)
        .BindText(3, row.meta.mime)
        .BindInt(4, row.meta.size)
        .BindText(5, row.meta.sha256)
        .BindBlob(6, row.ciphertext);
    if (Status inserted = insert_attachment->Run(); !inserted.ok()) return inserted.error();
  }
  return Status::Ok();
}

Status InsertAudit(sqlite::Connection& db, const std::string& at, std::string_view action,
                   const std::string& detail) {
  Result<sqlite::Statement> insert_audit = db.PrepareCached(
      "INSERT INTO audit (at, actor, action, detail) VALUES (?1, 'resident', ?2, ?3)");
  if (!insert_audit.ok()) return insert_audit.error();
  insert_audit->BindText(1, at).BindText(2, action).BindText(3, detail);
  return insert_audit->Run();
}

}  // namespace

Result<std::string> ApplicationRepository::KioskCodeForSubmit() {
  Result<std::optional<std::string>> kiosk_code = m_settings.Read(kKioskCodeKey);
  if (!kiosk_code.ok()) return kiosk_code.error();
  if (!kiosk_code->has_value() || !IsValidKioskCode(**kiosk_code)) {
    return MakeError(ErrorKind::kInternal, "submit: the stored kiosk code is missing or invalid");
  }
  return **kiosk_code;
}

Result<SubmittedApplication> ApplicationRepository::InsertInTransaction(
    const PreparedSubmit& prepared, const std::string& kiosk_code, const std::string& key_id,
    const SubmittedVisit& visit, int visit_size) {
  const NewApplication& application = *prepared.application;
  const std::string day = FormatIsoDate(application.created_date);
  Result<uint32_t> seq = NextDailySeq(m_db, kNextAppSeq, day, "application");
  if (!seq.ok()) return seq.error();

  std::optional<std::string> lookup_hash;
  if (!prepared.id_tail.empty()) {
    Result<std::string> key_hex = m_settings.LookupKey();
    if (!key_hex.ok()) return key_hex.error();
    lookup_hash = LookupHash(prepared.id_tail, *key_hex);
  }

  SubmittedApplication submitted;
  submitted.uuid = NewUuidV4();
  submitted.seq = *seq;
  submitted.app_number = FormatAppNumber(kiosk_code, application.created_date, submitted.seq);
  submitted.created_at = application.created_at_iso;
  submitted.visit = visit;

  Result<sqlite::Statement> insert_application = m_db.PrepareCached(R"sql(
INSERT INTO applications (uuid, app_number, created_date, seq, service_code, catalog_version,
                          created_at, masked_name, payload_format, payload, status, status_at,
                          lookup_hash, seal_key_id, visit_id, visit_number, visit_size)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?7, ?12, ?13, ?14, ?15, ?16)
)sql");
  if (!insert_application.ok()) return insert_application.error();
  insert_application->BindText(1, submitted.uuid)
      .BindText(2, submitted.app_number)
      .BindText(3, day)
      .BindInt(4, submitted.seq)
      .BindText(5, application.service_code)
      .BindText(6, application.catalog_version)
      .BindText(7, application.created_at_iso)
      .BindText(8, application.masked_name)
      .BindText(9, seal::kPayloadFormat)
      .BindBlob(10, prepared.sealed.envelope)
      .BindText(11, kInitialStatus);
  insert_application->BindOptionalText(12, lookup_hash).BindText(13, key_id);
  if (visit.visit_id.empty()) {
    insert_application->BindNull(14).BindNull(15).BindNull(16);
  } else {
    insert_application->BindText(14, visit.visit_id)
        .BindText(15, visit.visit_number)
        .BindInt(16, visit_size);
  }
  if (Status inserted = insert_application->Run(); !inserted.ok()) return inserted.error();

  if (Status stored = InsertAttachments(m_db, submitted.uuid, prepared.sealed.attachments);
      !stored.ok()) {
    return stored.error();
  }

  Result<sqlite::Statement> insert_outbox = m_db.PrepareCached(
      "INSERT INTO outbox (application_uuid, enqueued_at_ms, next_attempt_at_ms) "
      "VALUES (?1, ?2, ?2)");
  if (!insert_outbox.ok()) return insert_outbox.error();
  insert_outbox->BindText(1, submitted.uuid).BindInt(2, prepared.created_ms);
  if (Status queued = insert_outbox->Run(); !queued.ok()) return queued.error();

  if (Status logged = InsertAudit(m_db, application.created_at_iso, "application.submit",
                                  submitted.app_number + " " + application.service_code);
      !logged.ok()) {
    return logged.error();
  }
  return submitted;
}

Result<SubmittedApplication> ApplicationRepository::Submit(const NewApplication& application) {
  Result<PreparedSubmit> prepared = CheckNewApplication(application);
  if (!prepared.ok()) return prepared.error();

  // Sealing is CPU work (a photo takes milliseconds): done before the write lock is
  // taken, so the sync thread is not kept waiting. Only ciphertext is ever bound.
  Result<SealingKeyInfo> key = m_settings.CurrentSealingKey();
  if (!key.ok()) return key.error();
  Result<SealedApplication> sealed = SealPayload(application.payload, *key);
  if (!sealed.ok()) return sealed.error();
  prepared->sealed = std::move(*sealed);

  Result<sqlite::Transaction> txn = sqlite::Transaction::Begin(m_db, Kind::kWrite);
  if (!txn.ok()) return txn.error();
  Result<std::string> kiosk_code = KioskCodeForSubmit();
  if (!kiosk_code.ok()) return kiosk_code.error();
  Result<SubmittedApplication> submitted =
      InsertInTransaction(*prepared, *kiosk_code, key->key_id, SubmittedVisit{}, 0);
  if (!submitted.ok()) return submitted.error();
  if (Status committed = txn->Commit(); !committed.ok()) return committed.error();
  return submitted;
}

Result<std::vector<SubmittedApplication>> ApplicationRepository::SubmitVisit(
    const std::vector<NewApplication>& applications) {
  const int size = static_cast<int>(applications.size());
  if (size < 2 || size > kMaxVisitApplications) {
    return InvalidArgument("submit visit: a visit holds 2.." +
                           std::to_string(kMaxVisitApplications) + " applications, got " +
                           std::to_string(size));
  }
  std::vector<PreparedSubmit> prepared;
  prepared.reserve(applications.size());
  for (const NewApplication& application : applications) {
    if (application.created_date != applications.front().created_date ||
        application.created_at_iso != applications.front().created_at_iso) {
      return InvalidArgument("submit visit: every application must carry the same date and time");
    }
    Result<PreparedSubmit> checked = CheckNewApplication(application);
    if (!checked.ok()) return checked.error();
    prepared.push_back(std::move(*checked));
  }

  // Every payload sealed before the write lock, as Submit does.
  Result<SealingKeyInfo> key = m_settings.CurrentSealingKey();
  if (!key.ok()) return key.error();
  for (PreparedSubmit& one : prepared) {
    Result<SealedApplication> sealed = SealPayload(one.application->payload, *key);
    if (!sealed.ok()) return sealed.error();
    one.sealed = std::move(*sealed);
  }

  Result<sqlite::Transaction> txn = sqlite::Transaction::Begin(m_db, Kind::kWrite);
  if (!txn.ok()) return txn.error();
  Result<std::string> kiosk_code = KioskCodeForSubmit();
  if (!kiosk_code.ok()) return kiosk_code.error();
  const CivilDate& date = applications.front().created_date;
  Result<uint32_t> visit_seq = NextDailySeq(m_db, kNextVisitSeq, FormatIsoDate(date), "visit");
  if (!visit_seq.ok()) return visit_seq.error();
  SubmittedVisit visit;
  visit.visit_id = NewUuidV4();
  visit.visit_number = FormatVisitNumber(*kiosk_code, date, *visit_seq);

  std::vector<SubmittedApplication> submitted;
  std::string numbers;
  for (const PreparedSubmit& one : prepared) {
    Result<SubmittedApplication> inserted =
        InsertInTransaction(one, *kiosk_code, key->key_id, visit, size);
    if (!inserted.ok()) return inserted.error();
    numbers += " " + inserted->app_number;
    submitted.push_back(std::move(*inserted));
  }
  if (Status logged = InsertAudit(m_db, applications.front().created_at_iso, "visit.submit",
                                  visit.visit_number + numbers);
      !logged.ok()) {
    return logged.error();
  }
  if (Status committed = txn->Commit(); !committed.ok()) return committed.error();
  return submitted;
}

Result<int64_t> ApplicationRepository::CountApplications() {
  Result<sqlite::Statement> query = m_db.Prepare("SELECT COUNT(*) FROM applications");
  if (!query.ok()) return query.error();
  return sqlite::QueryInt(*query);
}

Result<int64_t> ApplicationRepository::CountOutbox(OutboxScope scope) {
  Result<sqlite::Statement> query = m_db.Prepare(
      scope == OutboxScope::kAll
          ? "SELECT COUNT(*) FROM outbox"
          : "SELECT COUNT(*) FROM outbox WHERE delivered_at_ms IS NULL AND parked_reason IS NULL");
  if (!query.ok()) return query.error();
  return sqlite::QueryInt(*query);
}

Result<std::optional<ApplicationStub>> ApplicationRepository::FindByAppNumber(
    std::string_view app_number) {
  Result<sqlite::Statement> query =
      m_db.Prepare(std::string(kStubSelect) + "WHERE a.app_number = ?1");
  if (!query.ok()) return query.error();
  query->BindText(1, app_number);
  return sqlite::MapFirstRow(*query, ReadStub);
}

Result<std::vector<ApplicationStub>> ApplicationRepository::FindByVisitNumber(
    std::string_view visit_number) {
  Result<sqlite::Statement> query =
      m_db.Prepare(std::string(kStubSelect) + "WHERE a.visit_number = ?1 ORDER BY a.id");
  if (!query.ok()) return query.error();
  query->BindText(1, visit_number);
  return sqlite::MapRows(*query, ReadStub);
}

Result<std::vector<ApplicationStub>> ApplicationRepository::ListApplications(int64_t offset,
                                                                             int limit) {
  return ListApplications(ApplicationFilter{}, offset, limit);
}

Result<std::vector<OutboxItem>> ApplicationRepository::ListDueOutbox(system_clock::time_point now,
                                                                     int limit) {
  if (Status ok = CheckLimit(limit); !ok.ok()) return ok.error();
  // Oldest submission first by insertion order (applications.id), not by the enqueue
  // time, which follows the device clock and may jump.
  Result<sqlite::Statement> query = m_db.Prepare(R"sql(
SELECT a.uuid, a.app_number, a.service_code, a.catalog_version, a.payload_format,
       a.payload, o.attempts, o.enqueued_at_ms, a.visit_id, a.visit_number, a.visit_size
FROM outbox o JOIN applications a ON a.uuid = o.application_uuid
WHERE o.delivered_at_ms IS NULL AND o.parked_reason IS NULL AND o.next_attempt_at_ms <= ?1
ORDER BY a.id
LIMIT ?2
)sql");
  if (!query.ok()) return query.error();
  query->BindInt(1, ToMillis(now)).BindInt(2, limit);
  Result<std::vector<OutboxItem>> items = sqlite::MapRows(*query, [](const sqlite::Statement& row) {
    OutboxItem item;
    item.uuid = row.ColumnText(0);
    item.app_number = row.ColumnText(1);
    item.service_code = row.ColumnText(2);
    item.catalog_version = row.ColumnText(3);
    item.payload_format = row.ColumnText(4);
    item.payload = row.ColumnBlob(5);
    item.attempts = static_cast<int>(row.ColumnInt(6));
    item.enqueued_at = FromMillis(row.ColumnInt(7));
    item.visit_id = row.ColumnText(8);
    item.visit_number = row.ColumnText(9);
    item.visit_size = static_cast<int>(row.ColumnInt(10));
    return item;
  });
  if (!items.ok() || items->empty()) return items;
  // The attachments the push announces, for the whole batch in one pass.
  Result<sqlite::Statement> refs = m_db.Prepare(R"sql(
SELECT t.application_uuid, t.attachment_id, t.mime, t.size, t.sha256
FROM attachments t
WHERE t.application_uuid IN (SELECT value FROM json_each(?1))
ORDER BY t.application_uuid, t.attachment_id
)sql");
  if (!refs.ok()) return refs.error();
  nlohmann::json uuids = nlohmann::json::array();
  for (const OutboxItem& item : *items) uuids.push_back(item.uuid);
  refs->BindText(1, uuids.dump());
  std::map<std::string, std::vector<AttachmentMeta>> by_uuid;
  Status read = sqlite::ForEachRow(*refs, [&](const sqlite::Statement& row) {
    by_uuid[row.ColumnText(0)].push_back(
        {row.ColumnText(1), row.ColumnText(2), row.ColumnInt(3), row.ColumnText(4)});
  });
  if (!read.ok()) return read.error();
  for (OutboxItem& item : *items) {
    auto it = by_uuid.find(item.uuid);
    if (it != by_uuid.end()) item.attachments = std::move(it->second);
  }
  return items;
}

// Explains why an UPDATE of an undelivered outbox row changed nothing.
Error ApplicationRepository::OutboxMiss(std::string_view uuid, std::string_view what) {
  Result<sqlite::Statement> query = m_db.PrepareCached(
      "SELECT delivered_at_ms IS NOT NULL FROM outbox WHERE application_uuid = ?1");
  if (!query.ok()) return query.error();
  query->BindText(1, uuid);
  Result<bool> row = query->Step();
  if (!row.ok()) return row.error();
  if (!*row) {
    return MakeError(ErrorKind::kNotFound,
                     std::string(what) + ": no outbox item " + std::string(uuid));
  }
  return MakeError(ErrorKind::kConflict, std::string(what) + ": outbox item " + std::string(uuid) +
                                             " was already delivered");
}

Status ApplicationRepository::MarkDelivered(std::string_view uuid, std::string_view server_receipt,
                                            std::string_view server_time,
                                            system_clock::time_point delivered_at) {
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

Result<std::vector<Status>> ApplicationRepository::MarkDeliveredBatch(
    const std::vector<Delivery>& deliveries, system_clock::time_point delivered_at) {
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

Status ApplicationRepository::MarkDeliveredInTransaction(std::string_view uuid,
                                                         std::string_view server_receipt,
                                                         std::string_view server_time,
                                                         int64_t delivered_at_ms, bool* changed) {
  *changed = false;
  {
    Result<sqlite::Statement> current = m_db.PrepareCached(
        "SELECT o.delivered_at_ms, a.server_receipt FROM outbox o "
        "JOIN applications a ON a.uuid = o.application_uuid WHERE o.application_uuid = ?1");
    if (!current.ok()) return current.error();
    current->BindText(1, uuid);
    Result<bool> row = current->Step();
    if (!row.ok()) return row.error();
    if (!*row) {
      return MakeError(ErrorKind::kNotFound, "mark delivered: no outbox item " + std::string(uuid));
    }
    if (current->ColumnOptionalInt(0).has_value()) {
      // A retry whose first reply was lost: the server upserts by uuid and answers
      // with the same receipt, so that is success; another receipt means confusion.
      const std::optional<std::string> receipt = current->ColumnOptionalText(1);
      if (receipt && *receipt == server_receipt) return Status::Ok();
      return MakeError(ErrorKind::kConflict, "mark delivered: " + std::string(uuid) +
                                                 " was already delivered with another receipt");
    }
  }

  Result<sqlite::Statement> outbox = m_db.PrepareCached(
      "UPDATE outbox SET delivered_at_ms = ?2, last_error = NULL WHERE application_uuid = ?1");
  if (!outbox.ok()) return outbox.error();
  outbox->BindText(1, uuid).BindInt(2, delivered_at_ms);
  if (Status updated = outbox->Run(); !updated.ok()) return updated;

  Result<sqlite::Statement> application = m_db.PrepareCached(
      "UPDATE applications SET server_receipt = ?2, acked_at = ?3 WHERE uuid = ?1");
  if (!application.ok()) return application.error();
  application->BindText(1, uuid).BindText(2, server_receipt).BindText(3, server_time);
  if (Status updated = application->Run(); !updated.ok()) return updated;
  *changed = true;
  return Status::Ok();
}

Status ApplicationRepository::RecordAttemptFailure(std::string_view uuid,
                                                   std::string_view error_text,
                                                   system_clock::time_point next_attempt_at) {
  Result<sqlite::Transaction> txn = sqlite::Transaction::Begin(m_db, Kind::kWrite);
  if (!txn.ok()) return txn.error();
  Result<sqlite::Statement> update = m_db.PrepareCached(
      "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, next_attempt_at_ms = ?3 "
      "WHERE application_uuid = ?1 AND delivered_at_ms IS NULL");
  if (!update.ok()) return update.error();
  update->BindText(1, uuid).BindText(2, error_text).BindInt(3, ToMillis(next_attempt_at));
  if (Status updated = update->Run(); !updated.ok()) return updated;
  if (m_db.Changes() == 0) return OutboxMiss(uuid, "record attempt failure");
  return txn->Commit();
}

Status ApplicationRepository::Park(std::string_view uuid, std::string_view reason) {
  // A refusal without a reason must still park: NULL is what marks "not parked".
  const std::string stored_reason = reason.empty() ? "(no reason given)" : std::string(reason);
  Result<sqlite::Transaction> txn = sqlite::Transaction::Begin(m_db, Kind::kWrite);
  if (!txn.ok()) return txn.error();
  Result<sqlite::Statement> update = m_db.PrepareCached(
      "UPDATE outbox SET parked_reason = ?2, last_error = ?2 "
      "WHERE application_uuid = ?1 AND delivered_at_ms IS NULL");
  if (!update.ok()) return update.error();
  update->BindText(1, uuid).BindText(2, stored_reason);
  if (Status updated = update->Run(); !updated.ok()) return updated;
  if (m_db.Changes() == 0) return OutboxMiss(uuid, "park");

  // The audit names the application by number only: the server's reason may quote
  // what the resident typed.
  Result<sqlite::Statement> audit = m_db.PrepareCached(
      "INSERT INTO audit (at, actor, action, detail) "
      "SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'system', 'outbox.park', app_number "
      "FROM applications WHERE uuid = ?1");
  if (!audit.ok()) return audit.error();
  audit->BindText(1, uuid);
  if (Status logged = audit->Run(); !logged.ok()) return logged;
  return txn->Commit();
}

Result<OutboxHealthReport> ApplicationRepository::OutboxHealth() {
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
  report.audit_backlog = m_staff.AuditBacklogCount();
  return report;
}

}  // namespace yimen
