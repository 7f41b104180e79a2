// AttachmentRepository (attachments.h): photos waiting for upload.
#include "store/attachments.h"

#include "store/store_internal.h"

namespace yimen {

using namespace store_internal;  // NOLINT(google-build-using-namespace): the store's own helpers

Result<std::vector<PendingUpload>> AttachmentRepository::ListPendingUploads(int limit) {
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
  return sqlite::MapRows(*query, [](const sqlite::Statement& row) {
    return PendingUpload{row.ColumnText(0), row.ColumnText(1), row.ColumnBlob(2)};
  });
}

Status AttachmentRepository::MarkUploaded(std::string_view uuid, std::string_view attachment_id,
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

}  // namespace yimen
