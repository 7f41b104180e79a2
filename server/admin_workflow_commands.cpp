// set-status, comment, queue, hall, department, holiday (admin_workflow_commands.h).
#include "server/admin_workflow_commands.h"

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "domain/catalog.h"
#include "server/admin_cli.h"
#include "server/office_directory.h"
#include "server/office_rules.h"
#include "server/office_workflow.h"

namespace yimen::server {

const char* const kWorkflowCommandsUsage =
    "  set-status APP_NO STATUS|ACTION [--reason TEXT] [--materials ID,ID] [--amount YUAN]\n"
    "             [--start-month YYYY-MM] [--department D] [--due YYYY-MM-DD] [--catalog DIR]\n"
    "                                   one workflow action (docs/console.md \"Workflow\"):\n"
    "      accept(已受理) needs_materials(需补正: --materials, --reason) "
    "preliminary_pass(初审通过)\n"
    "      route(部门协办中: --department --due) department_reply(--reason) approve(已批准:\n"
    "      --amount --start-month) refuse(不予批准: --reason) finalize(公示期满) close(已办结)\n"
    "  comment APP_NO TEXT              a comment between offices\n"
    "  queue [--status S,S] [--service CODE] [--hall H] [--town T] [--from DATE] [--to DATE]\n"
    "        [--overdue] [--limit N] [--cursor C]   the work queue in the account's scope\n"
    "  hall set NAME --town TOWN | hall list        which township a hall belongs to\n"
    "  department add NAME | department list        departments for 转办\n"
    "  holiday set DATE holiday|workday|normal [--note TEXT] | holiday list\n";

namespace {

std::vector<std::string> SplitComma(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ',');) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

int SetStatus(PgPool& pool, std::vector<std::string> args, const OfficeAccount& by) {
  OfficeActionRequest request;
  request.note = cli::TakeFlag(&args, "--reason", "");
  request.materials = SplitComma(cli::TakeFlag(&args, "--materials", ""));
  const std::string amount = cli::TakeFlag(&args, "--amount", "0");
  request.start_month = cli::TakeFlag(&args, "--start-month", "");
  request.department = cli::TakeFlag(&args, "--department", "");
  request.due_date = cli::TakeFlag(&args, "--due", "");
  std::string catalog_dir = cli::TakeFlag(&args, "--catalog", "");
  if (args.size() != 2) return -1;
  request.app_number = args[0];
  request.action = ActionForWord(args[1]);
  if (request.action.empty()) {
    return cli::Fail(MakeError(ErrorKind::kInvalidArgument,
                               "no workflow action sets \"" + args[1] + "\" (see usage)"));
  }
  char* end = nullptr;
  request.amount_yuan = std::strtoll(amount.c_str(), &end, 10);
  if (end == amount.c_str() || *end != '\0') {
    return cli::Fail(MakeError(ErrorKind::kInvalidArgument, "--amount: whole yuan"));
  }
  if (catalog_dir.empty()) {
    const char* from_env = std::getenv("YIMEN_CATALOG_DIR");
    catalog_dir = from_env != nullptr && *from_env != '\0' ? from_env : "/usr/share/yimen/catalog";
  }
  auto catalog = LoadCatalog(catalog_dir);
  if (!catalog.ok()) return cli::Fail(catalog.error());
  auto done = ApplyOfficeAction(pool, *catalog, by, request, "yimen-admin " + cli::ClientLabel());
  if (!done.ok()) return cli::Fail(done.error());
  std::printf("%s: %s → %s (change #%lld)\n", args[0].c_str(),
              done->old_status.empty() ? "已送达" : done->old_status.c_str(),
              done->new_status.c_str(), static_cast<long long>(done->seq));
  return 0;
}

int Queue(PgPool& pool, std::vector<std::string> args, const OfficeAccount& by) {
  QueueFilter filter;
  filter.statuses = SplitComma(cli::TakeFlag(&args, "--status", ""));
  filter.service_code = cli::TakeFlag(&args, "--service", "");
  filter.hall = cli::TakeFlag(&args, "--hall", "");
  filter.town = cli::TakeFlag(&args, "--town", "");
  filter.received_from = cli::TakeFlag(&args, "--from", "");
  filter.received_to = cli::TakeFlag(&args, "--to", "");
  filter.overdue_only = cli::TakeSwitch(&args, "--overdue");
  const int limit = std::atoi(cli::TakeFlag(&args, "--limit", "50").c_str());
  const std::string cursor = cli::TakeFlag(&args, "--cursor", "");
  if (!args.empty()) return -1;
  auto page = QueryQueue(pool, by, filter, cursor, limit);
  if (!page.ok()) return cli::Fail(page.error());
  std::printf("%lld matching, %lld overdue\n", static_cast<long long>(page->total),
              static_cast<long long>(page->overdue));
  for (const QueueRow& row : page->rows) {
    std::printf("%-22s %-12s %-10s %-10s %-20s %-10s due %-10s %4d%s\n", row.app_number.c_str(),
                row.service_code.c_str(), row.hall.c_str(), row.town.c_str(),
                row.received_at.c_str(), row.status.empty() ? "已送达" : row.status.c_str(),
                row.due_date.empty() ? "-" : row.due_date.c_str(), row.working_days_left,
                row.overdue ? " OVERDUE" : "");
  }
  if (!page->next_cursor.empty()) std::printf("next: --cursor %s\n", page->next_cursor.c_str());
  return 0;
}

int Reference(PgPool& pool, const std::string& command, std::vector<std::string> args) {
  if (args.empty()) return -1;
  const std::string sub = args[0];
  args.erase(args.begin());
  if (command == "hall" && sub == "set") {
    const std::string town = cli::TakeFlag(&args, "--town", "");
    if (args.size() != 1 || town.empty()) return -1;
    if (Status s = SetHall(pool, args[0], town); !s.ok()) return cli::Fail(s.error());
    std::printf("hall %s is in %s\n", args[0].c_str(), town.c_str());
    return 0;
  }
  if (command == "department" && sub == "add") {
    if (args.size() != 1) return -1;
    if (Status s = AddDepartment(pool, args[0]); !s.ok()) return cli::Fail(s.error());
    std::printf("department %s added\n", args[0].c_str());
    return 0;
  }
  if (command == "holiday" && sub == "set") {
    const std::string note = cli::TakeFlag(&args, "--note", "");
    if (args.size() != 2) return -1;
    if (Status s = SetCalendarDay(pool, args[0], args[1], note); !s.ok())
      return cli::Fail(s.error());
    std::printf("%s: %s\n", args[0].c_str(), args[1].c_str());
    return 0;
  }
  if (sub != "list" || !args.empty()) return -1;
  if (command == "hall") {
    auto rows = ListHalls(pool);
    if (!rows.ok()) return cli::Fail(rows.error());
    for (const HallRow& row : *rows) std::printf("%-20s %s\n", row.name.c_str(), row.town.c_str());
  } else if (command == "department") {
    auto rows = ListDepartments(pool);
    if (!rows.ok()) return cli::Fail(rows.error());
    for (const std::string& row : *rows) std::printf("%s\n", row.c_str());
  } else {
    auto rows = ListCalendarDays(pool);
    if (!rows.ok()) return cli::Fail(rows.error());
    for (const CalendarDayRow& row : *rows) {
      std::printf("%s %-8s %s\n", row.day.c_str(), row.kind.c_str(), row.note.c_str());
    }
  }
  return 0;
}

}  // namespace

std::optional<int> RunWorkflowCommand(PgPool& pool, const std::string& command,
                                      std::vector<std::string> args, const OfficeAccount& by) {
  if (command == "set-status") return SetStatus(pool, std::move(args), by);
  if (command == "queue") return Queue(pool, std::move(args), by);
  if (command == "comment") {
    if (args.size() != 2) return -1;
    if (Status s = AddComment(pool, by, args[0], args[1]); !s.ok()) return cli::Fail(s.error());
    return 0;
  }
  if (command == "hall" || command == "department" || command == "holiday") {
    return Reference(pool, command, std::move(args));
  }
  return std::nullopt;
}

}  // namespace yimen::server
