// One way to change a status (docs/design.md decision 10; docs/console.md "Workflow"):
// the console, the JSON API and `yimen-admin set-status` all call ApplyOfficeAction,
// which checks role, scope, the workflow and the two-person rule, and writes the audit
// row and the status_changes row kiosks pull in one transaction.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/catalog.h"
#include "domain/result.h"
#include "server/office_accounts.h"
#include "server/office_queue.h"
#include "server/pg_pool.h"

namespace yimen::server {

struct OfficeActionRequest {
  std::string app_number;
  std::string action;  // "accept"(受理) "needs_materials"(需补正) "preliminary_pass"(初审通过)
                       // "approve"(批准) "refuse"(不予批准) "route"(转办)
                       // "department_reply"(部门办理完毕, a department's answer)
                       // "finalize"(公示期满, the approval becomes final) "close"(办结)
  std::vector<std::string> materials;  // needs_materials: material ids of the service (catalog)
  std::string note;         // free text; required for needs_materials, refuse, department_reply
  int64_t amount_yuan = 0;  // approve, > 0
  std::string start_month;  // approve, "YYYY-MM"
  std::string department;   // route: "医保" "住建" "残联" ... (departments table)
  std::string due_date;     // route, "YYYY-MM-DD", today or later (China date)
  // Optional: the status the actor saw. When set and the application has moved on since,
  // kConflict (the page is stale) instead of acting on a state the actor never saw.
  std::string expected_status;
};

struct OfficeActionResult {
  int64_t seq = 0;         // the status_changes sequence number kiosks pull
  std::string old_status;  // "" for 已送达
  std::string new_status;
};

// Checks role and scope (kNotFound when the actor may not see it: same answer as a
// missing number), the workflow (kConflict "not allowed from <status>"; also when two
// people act at once and the other one won), the two-person rule (kRejected), required
// fields (kInvalidArgument, message in Chinese suitable for the console), writes the
// audit row and the status_changes row kiosks pull. `catalog` gives the service's time
// limit, materials and 公示 period. `client` (who ran it: an address or "cli") goes in
// the audit row. Any thread.
Result<OfficeActionResult> ApplyOfficeAction(PgPool& pool, const Catalog& catalog,
                                             const OfficeAccount& actor,
                                             const OfficeActionRequest& request,
                                             const std::string& client);

// Comments between offices on one application. kNotFound out of scope (as a missing
// number), kInvalidArgument for an empty text or one over 2,000 characters. Any thread.
Status AddComment(PgPool& pool, const OfficeAccount& actor, const std::string& app_number,
                  const std::string& text);

struct ApplicationDetail {  // what the page shows besides the opened payload
  QueueRow row;
  std::string catalog_version;
  int64_t device_id = 0;
  std::string kiosk_code;
  // Its visit (docs/internals/visits.md): row.visit_number, how many applications the
  // visit has, the others the viewer's scope may see, and how many others it may not.
  int visit_size = 0;  // 0 when applied for alone
  struct VisitMember {
    std::string app_number, service_code, status;
  };
  std::vector<VisitMember> visit_others;  // by number
  int visit_hidden = 0;
  struct HistoryEntry {
    int64_t seq = 0;
    std::string at, actor, old_status, new_status, note;
    nlohmann::json details;  // the action and its fields (materials, amount, department...)
  };
  std::vector<HistoryEntry> history;  // oldest first
  struct Comment {
    std::string at, author, text;
  };
  std::vector<Comment> comments;  // oldest first
  // The actions the viewer may take now (role and status allow them; the two-person
  // rule and required fields are checked when acting).
  std::vector<std::string> allowed_actions;
};

// kNotFound when the viewer may not see it or it does not exist. Any thread.
Result<ApplicationDetail> LoadApplicationDetail(PgPool& pool, const OfficeAccount& viewer,
                                                const std::string& app_number);

// Bulk: the same action (request.app_number is ignored) on every application matching
// `filter` in the actor's scope, at most `max` (1..200, else kInvalidArgument), oldest
// received first. Each application is its own transaction; the answer lists each number
// with its outcome. Any thread.
Result<std::vector<std::pair<std::string, Status>>> ApplyOfficeActionToAll(
    PgPool& pool, const Catalog& catalog, const OfficeAccount& actor, const QueueFilter& filter,
    const OfficeActionRequest& request, int max, const std::string& client);

}  // namespace yimen::server
