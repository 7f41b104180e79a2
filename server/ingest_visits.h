// A visit's rules that need the database (docs/internals/visits.md "Stored and sent as
// one"): one visit_id always belongs to one kiosk, one visit number and one size; one
// visit number names one visit_id; a visit holds at most visit_size applications.
// Run inside the push's transaction, before its INSERT, on the items CheckPushItem
// accepted. Ingest never opens what it stores: these are the clear keys only.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "server/ingest_checks.h"
#include "sync/protocol/messages.h"

namespace yimen::server {

struct VisitRefusal {
  std::string code;    // protocol::reject::kBadVisit or kVisitNotYours
  std::string reason;  // names the rule, never a value
};

// The items (by index) the push must refuse for their visit. Items already stored
// (a resend) are left alone: they are answered from what is stored, as any resend.
// Takes a transaction-scoped advisory lock per visit_id and per visit number, in
// sorted order, so two pushes naming one visit never both count a free place.
std::map<size_t, VisitRefusal> RefuseVisitConflicts(pqxx::work& tx, int64_t device_id,
                                                    const std::vector<protocol::PushItem>& items,
                                                    const std::vector<ItemVerdict>& verdicts);

}  // namespace yimen::server
