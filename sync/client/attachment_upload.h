// Resumable upload of one attachment (a document photo, a few MB): ask the server how
// many bytes it holds, send the rest in chunks, and let it check the SHA-256 at the
// end. A cut at any byte costs at most the chunk in flight; the next call continues.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/result.h"
#include "sync/client/api_client.h"

namespace yimen::sync {

inline constexpr size_t kDefaultChunkBytes = 256 * 1024;

struct UploadProgress {
  int64_t size = 0;
  int64_t received = 0;    // bytes the server confirmed holding
  int64_t bytes_sent = 0;  // body bytes handed to the transport, over all calls
  int requests = 0;
  bool complete = false;
};

// Uploads `bytes` (the whole attachment as declared in the push: same size and
// SHA-256) for application `uuid`. progress accumulates across calls, so after
// interruptions it reports what the retries cost. Returns Ok when the server holds
// the complete, verified file; kUnavailable when the connection failed (call again
// later); kDataLoss never escapes more than once in a row: a checksum failure
// restarts from byte 0 within the same call once. Thread: the caller's (sync thread).
Status UploadAttachment(ApiClient& api, const std::string& uuid, const std::string& attachment_id,
                        std::string_view bytes, UploadProgress* progress,
                        size_t chunk_bytes = kDefaultChunkBytes);

}  // namespace yimen::sync
