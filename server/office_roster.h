// The monthly subsidy roster (补贴清册, docs/console.md "Subsidy roster"): for a township
// and a month, every beneficiary the office approved for the chosen services, with the
// name, ID number and bank/一卡通 account read from the sealed application (so the key
// must be unlocked), the amount and start month from the approval, and totals per
// service. Only a supervisor may build or export it; every export is a row of
// roster_exports (migration 14) with its row count and the SHA-256 of the bytes handed
// out. SQL and rules only: the console (console_roster.cpp) and `yimen-admin roster`
// call these.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "domain/catalog.h"
#include "domain/result.h"
#include "server/export_table.h"
#include "server/key_vault.h"
#include "server/office_accounts.h"
#include "server/pg_pool.h"

namespace yimen::server {

// What the roster shows where a service's form asks for no bank account, or the
// resident left it empty: the bank cannot pay it, so the export counts it in a warning.
inline constexpr const char* kRosterNoAccount = "未填写";

struct RosterRequest {
  std::string town;                   // a township (halls.town) in the actor's scope
  std::string month;                  // "YYYY-MM": approvals starting this month or earlier
  std::vector<std::string> services;  // service codes, 1..20, in the order shown
};

struct RosterEntry {
  std::string app_number;
  std::string service_code;
  std::string hall;
  std::string community;  // the form's 社区（村）, "" when not asked
  std::string name;       // the applicant, from the sealed payload
  std::string id_number;
  std::string bank_name;  // kRosterNoAccount when missing
  std::string account;    // bank card or 一卡通 number; kRosterNoAccount when missing
  bool account_missing = false;
  int64_t amount_fen = 0;   // the approval's amount (yuan per month) in fen
  std::string start_month;  // the approval's start month
};

struct RosterServiceTotal {
  std::string service_code;
  std::string service_name;  // the catalog's Chinese name, else the code
  int64_t people = 0;
  int64_t amount_fen = 0;
  int64_t accounts_missing = 0;
};

struct Roster {
  RosterRequest request;
  std::vector<RosterEntry> entries;        // by service (request order), community, number
  std::vector<RosterServiceTotal> totals;  // one per requested service, request order
  int64_t amount_fen = 0;
  int64_t accounts_missing = 0;
  // Approved applications that would belong on the roster but could not be opened
  // ("<number>: <why>", naming no personal data): never silently left out.
  std::vector<std::string> unopened;
};

// Whether `actor` may build and export rosters: the roles table's "roster" entry
// (supervisors). kRejected with a Chinese sentence otherwise. Pure.
Status MayExportRoster(const OfficeAccount& actor);

// The townships `actor` may choose: every hall's township for a county-wide scope, else
// the scope itself when halls name it. Sorted. kUnavailable: database down. Any thread.
Result<std::vector<std::string>> RosterTowns(PgPool& pool, const OfficeAccount& actor);

// Builds the roster: the applications of the town's halls for the services whose last
// decision was 批准 (approve) and whose status is 已批准 — finalised after any 公示 — or
// 已办结 after that approval (办结 closes the case file; it does not stop the payment),
// with the approval's start month ≤ request.month. 公示中, refused, undecided, other towns,
// services and later start months are left out. Errors: kRejected (not a supervisor;
// code KeyVault::kKeyLockedCode with "密钥已锁定…" when the vault is locked),
// kNotFound (a town outside the scope or without halls), kInvalidArgument (month, services;
// a service `catalog` lacks), kUnavailable. `catalog` (may be null) names the services.
// Any thread.
Result<Roster> BuildRoster(PgPool& pool, KeyVault& vault, const Catalog* catalog,
                           const OfficeAccount& actor, const RosterRequest& request);

// The roster as sheets: the first lists every person (序号, 事项, 姓名, 身份证号, 金额,
// 开户银行, 账号, 起始月份, 社区, 受理编号) under notes with the title, the totals per
// service, the grand total and the warnings; the second (XLSX only) the totals table.
// Pure.
std::vector<ExportSheet> RosterSheets(const Roster& roster);

struct RosterFile {
  std::string bytes;
  std::string file_name;     // "补贴清册_<town>_<month>.xlsx|csv"
  std::string content_type;  // the format's MIME type
  std::string sha256;        // hex, of `bytes`, as audited
  int64_t export_id = 0;     // the roster_exports row
};

// Builds the roster and writes it as `format` ("xlsx" or "csv"), then records the export
// (who, when, town, month, services, format, row count, total, SHA-256 of the bytes,
// `client`) before handing the bytes back: no audit row, no file. Errors as BuildRoster,
// kInvalidArgument for another format, kInternal when the writer fails. Any thread.
Result<RosterFile> ExportRoster(PgPool& pool, KeyVault& vault, const Catalog* catalog,
                                const OfficeAccount& actor, const RosterRequest& request,
                                const std::string& format, const std::string& client);

struct RosterExportRow {
  int64_t id = 0;
  std::string at;  // ISO-8601 UTC
  std::string actor, town, month, format, sha256;
  std::vector<std::string> services;
  int64_t rows = 0;
  int64_t amount_fen = 0;
  int64_t bytes = 0;
};

// The latest `limit` (1..500) exports, newest first; a supervisor's own scope's towns
// only (county-wide: all). kRejected for other roles. Any thread.
Result<std::vector<RosterExportRow>> ListRosterExports(PgPool& pool, const OfficeAccount& actor,
                                                       int limit);

}  // namespace yimen::server
