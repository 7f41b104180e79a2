// The statuses a central reviewer can set (docs/design.md "Statuses"), in
// one place so the admin CLI, the server and the kiosk's status screen agree on the
// exact words and on what a resident should do next.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace yimen::protocol {

struct StatusSpec {
  const char* name;          // the word shown and stored, e.g. "需补正"
  const char* code;          // ASCII alias for scripts: "needs_materials"
  bool reason_required;      // 不予批准 must say why; 需补正 must list the materials
  const char* next_step_zh;  // what the resident should do now, in plain words
};

// Every settable status, in the order an application usually passes through them.
const std::vector<StatusSpec>& AllStatuses();

// The spec for a status given by its Chinese name or its ASCII code; nullptr if none.
// Pure.
const StatusSpec* FindStatus(std::string_view name_or_code);

// What a resident sees for an application that reached the server but has no status
// change yet, and for one still waiting at the kiosk to be sent.
inline constexpr const char* kStatusDelivered = "已送达";
inline constexpr const char* kStatusPendingSend = "待发送";

}  // namespace yimen::protocol
