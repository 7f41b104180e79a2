// Names for error kinds, used in logs and in messages shown to staff.
#include "domain/result.h"

namespace yimen {

const char* ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidArgument: return "invalid_argument";
    case ErrorKind::kNotFound: return "not_found";
    case ErrorKind::kUnavailable: return "unavailable";
    case ErrorKind::kFull: return "full";
    case ErrorKind::kNeedsSetup: return "needs_setup";
    case ErrorKind::kRejected: return "rejected";
    case ErrorKind::kConflict: return "conflict";
    case ErrorKind::kDataLoss: return "data_loss";
    case ErrorKind::kInternal: return "internal";
  }
  return "unknown";
}

}  // namespace yimen
