// Resumable chunked upload (see attachment_upload.h).
#include "sync/client/attachment_upload.h"

#include <algorithm>

namespace yimen::sync {

Status UploadAttachment(ApiClient& api, const std::string& uuid, const std::string& attachment_id,
                        std::string_view bytes, UploadProgress* progress, size_t chunk_bytes) {
  if (chunk_bytes == 0) return MakeError(ErrorKind::kInvalidArgument, "chunk size is zero");
  progress->size = static_cast<int64_t>(bytes.size());
  auto state = api.GetAttachment(uuid, attachment_id);
  ++progress->requests;
  if (!state.ok()) return state.error();
  if (state->size != progress->size) {
    return MakeError(ErrorKind::kRejected, "server expects " + std::to_string(state->size) +
                                               " bytes for " + attachment_id + ", we hold " +
                                               std::to_string(progress->size));
  }
  int64_t offset = state->received;
  bool restarted = false;
  while (!state->complete) {
    if (offset < 0 || offset > progress->size) {
      return MakeError(ErrorKind::kDataLoss, "server reports an impossible offset");
    }
    const size_t length = std::min(chunk_bytes, bytes.size() - static_cast<size_t>(offset));
    protocol::AttachmentState server_state;
    progress->bytes_sent += static_cast<int64_t>(length);
    ++progress->requests;
    auto put = api.PutAttachmentChunk(uuid, attachment_id, offset,
                                      bytes.substr(static_cast<size_t>(offset), length),
                                      &server_state);
    if (put.ok()) {
      state = std::move(put);
      offset = state->received;
    } else if (put.error().kind == ErrorKind::kConflict) {
      offset = server_state.received;  // someone (an earlier cut attempt) got further
    } else if (put.error().kind == ErrorKind::kDataLoss && !restarted) {
      restarted = true;
      offset = 0;
    } else {
      return put.error();
    }
    progress->received = offset;
  }
  progress->received = state->received;
  progress->complete = true;
  return Status::Ok();
}

}  // namespace yimen::sync
