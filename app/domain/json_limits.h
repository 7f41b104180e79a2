// JSON from outside (request bodies, envelopes, unsealed payloads, catalogs) parsed with
// a depth limit, because nlohmann copies and dumps a document recursively: a payload
// nested 60,000 deep overflowed the server's stack (issue: the server must survive its
// own kiosks). The limit is enforced while parsing, so deep input is never built.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "domain/result.h"

namespace yimen {

// Deep enough for every document Yimen writes (a draft with groups and attachments is
// 4 deep, a catalog about 8), far below what overflows a thread's stack.
inline constexpr int kMaxJsonDepth = 64;

// Parses `text` as one JSON value, refusing it as soon as an object or array would open
// at a depth beyond `max_depth` (the top level is depth 1). Nothing deeper is ever
// materialised, so any input costs one linear pass and no recursion. kInvalidArgument
// with a message naming the problem ("nested deeper than 64 levels", or nlohmann's
// syntax error, made valid UTF-8). Never throws. Pure, any thread.
Result<nlohmann::json> ParseJsonWithin(std::string_view text, int max_depth = kMaxJsonDepth);

// The path ("items[2].uuid", a key's own path for a key) of the first string or key in
// `value` holding a NUL character, or nullopt. PostgreSQL's text cannot hold U+0000 and
// a C string stops at it, so text from outside is refused rather than truncated.
// Iterative: any depth is safe. Pure, any thread.
std::optional<std::string> FindNulText(const nlohmann::json& value);

}  // namespace yimen
