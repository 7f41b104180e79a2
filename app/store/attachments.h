// AttachmentRepository: the encrypted document photos waiting for upload. One of the
// repositories over yimen.db (store.h); Submit writes the rows (applications.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/result.h"
#include "store/database.h"
#include "store/records.h"

namespace yimen {

class AttachmentRepository {
 public:
  // Attachments of delivered applications that still wait for upload, oldest first.
  Result<std::vector<PendingUpload>> ListPendingUploads(int limit);

  // The server holds this attachment whole and verified. kNotFound for an unknown one.
  Status MarkUploaded(std::string_view uuid, std::string_view attachment_id,
                      std::chrono::system_clock::time_point at);

 private:
  friend class Store;
  explicit AttachmentRepository(sqlite::Connection& db) : m_db(db) {}

  sqlite::Connection& m_db;
};

}  // namespace yimen
