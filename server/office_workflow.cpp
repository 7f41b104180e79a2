// The one status-changing function and what the application page reads
// (office_workflow.h; the rules are in office_rules.h, docs/console.md "Workflow").
#include "server/office_workflow.h"

#include <optional>

#include "domain/utf8.h"
#include "server/ingest_checks.h"
#include "server/office_directory.h"
#include "server/office_rules.h"
#include "server/office_scope.h"

namespace yimen::server {
namespace {

// Status changes take this lock before their sequence number, so numbers become
// visible in order and a kiosk's cursor can never skip one still being committed
// (the same key as admin.cpp took before the workflow existed).
constexpr int64_t kStatusSequenceLockKey = 0x59494d454e02;
constexpr size_t kMaxNoteChars = 2000;

Error Invalid(std::string message) {
  return MakeError(ErrorKind::kInvalidArgument, std::move(message));
}

bool ValidMonth(const std::string& month) {
  return month.size() == 7 && month[4] == '-' && ParseIsoDate(month + "-01").ok();
}

// The checks that need no database: required fields of each action. Pure.
Status CheckFields(const OfficeActionRequest& request, const CivilDate& today) {
  if (CountCodepoints(request.note) > kMaxNoteChars || !IsValidUtf8(request.note)) {
    return Invalid("说明不能超过 2000 字");
  }
  const std::string& action = request.action;
  if ((action == "needs_materials" || action == "refuse" || action == "department_reply") &&
      request.note.empty()) {
    return Invalid(action == "refuse" ? "不予批准必须写明理由"
                   : action == "needs_materials" ? "需补正必须写明说明（告诉申请人要补什么）"
                                                 : "部门办理意见不能为空");
  }
  if (action == "needs_materials" && request.materials.empty()) {
    return Invalid("需补正至少要勾选一项材料");
  }
  if (action == "approve") {
    if (request.amount_yuan <= 0 || request.amount_yuan > 100000000)
      return Invalid("请填写批准金额（元，大于 0）");
    if (!ValidMonth(request.start_month)) return Invalid("请填写起始月份，格式 YYYY-MM");
  }
  if (action == "route") {
    if (request.department.empty()) return Invalid("请选择转办部门");
    auto due = ParseIsoDate(request.due_date);
    if (!due.ok()) return Invalid("请填写部门办理期限，格式 YYYY-MM-DD");
    if (*due < today) return Invalid("部门办理期限不能早于今天");
  }
  return Status::Ok();
}

struct AppState {
  int64_t id = 0;
  std::string status, service_code, department, route_from, due_date, notice_until;
  std::optional<int> clock_days_left;
};

// The row for `number` if `actor` may see it, locked for this transaction.
std::optional<AppState> LockApplication(pqxx::work& tx, const OfficeAccount& actor,
                                        const std::string& number) {
  pqxx::result r = tx.exec(
      "SELECT a.id, coalesce(a.status, ''), a.service_code, coalesce(a.department, ''), "
      "coalesce(a.route_from, ''), coalesce(a.due_date::text, ''), "
      "coalesce(a.notice_until::text, ''), a.clock_days_left FROM applications a "
      "WHERE a.app_number = " +
      tx.quote(number) + " AND " + ScopePredicate(tx, actor) + " FOR UPDATE OF a");
  if (r.empty()) return std::nullopt;
  AppState state;
  state.id = r[0][0].as<int64_t>();
  state.status = r[0][1].as<std::string>();
  state.service_code = r[0][2].as<std::string>();
  state.department = r[0][3].as<std::string>();
  state.route_from = r[0][4].as<std::string>();
  state.due_date = r[0][5].as<std::string>();
  state.notice_until = r[0][6].as<std::string>();
  if (!r[0][7].is_null()) state.clock_days_left = r[0][7].as<int>();
  return state;
}

std::string Joined(const std::vector<std::string>& parts, const char* separator) {
  std::string out;
  for (const std::string& part : parts) out += (out.empty() ? "" : separator) + part;
  return out;
}

// What an action changes besides the status: the columns to set, the kiosk's reason
// and the audit details. Filled by Plan.
struct Effect {
  std::string new_status;
  std::string reason;             // what the resident reads at the kiosk
  std::vector<std::string> sets;  // "column = value" SQL, values quoted
  nlohmann::json details = nlohmann::json::object();
};

// Applies the action's own rules to the locked row. Errors as ApplyOfficeAction.
Result<Effect> Plan(pqxx::work& tx, const ServiceSpec* service, const OfficeAccount& actor,
                    const OfficeActionRequest& request, const AppState& app,
                    const CivilDate& today) {
  Effect effect;
  const std::string& action = request.action;
  effect.details["action"] = action;
  const WorkingCalendar calendar = LoadWorkingCalendar(tx);
  const std::string today_text = FormatIsoDate(today);
  if (action == "accept") {
    if (service == nullptr)
      return Invalid("目录中没有事项 " + app.service_code + "，无法计算办理时限");
    // The clock runs from 受理; after 需补正 it resumes with the days it had left
    // (补正期间不计入办理时限).
    int days = service->time_limit_days;
    if (app.status == kStNeedsMaterials && app.clock_days_left)
      days = std::max(*app.clock_days_left, 0);
    const CivilDate due = days > 0 ? AddWorkingDays(calendar, today, days) : today;
    effect.new_status = kStAccepted;
    effect.reason = "办理期限至 " + FormatIsoDate(due) + "（按工作日计算）";
    effect.sets = {"due_date = " + tx.quote(FormatIsoDate(due)) + "::date",
                   "clock_days_left = NULL"};
    effect.details["due_date"] = FormatIsoDate(due);
    effect.details["working_days"] = days;
  } else if (action == "needs_materials") {
    if (service == nullptr) return Invalid("目录中没有事项 " + app.service_code + "，无法列出材料");
    std::vector<std::string> names;
    for (const std::string& id : request.materials) {
      const Material* found = nullptr;
      for (const Material& material : service->materials) {
        if (material.id == id) found = &material;
      }
      if (found == nullptr) return Invalid("此事项没有这项材料：" + id);
      if (std::find(names.begin(), names.end(), found->name.zh) != names.end()) {
        return Invalid("材料重复：" + id);
      }
      names.push_back(found->name.zh);
    }
    effect.new_status = kStNeedsMaterials;
    effect.reason = Joined(names, "、") + "。" + request.note;
    std::string left = "NULL";
    if (auto due = ParseIsoDate(app.due_date); due.ok()) {
      left = std::to_string(WorkingDaysLeft(calendar, today, *due));
    }
    effect.sets = {"due_date = NULL", "clock_days_left = " + left};
    effect.details["materials"] = request.materials;
    effect.details["material_names"] = names;
  } else if (action == "preliminary_pass") {
    effect.new_status = kStPreliminaryPassed;
  } else if (action == "route") {
    if (tx.exec_params("SELECT 1 FROM departments WHERE name = $1", request.department).empty()) {
      return Invalid("没有这个部门：" + request.department);
    }
    tx.exec_params(
        "INSERT INTO application_routes (application_id, department, due_date, routed_by) "
        "VALUES ($1, $2, $3::date, $4)",
        app.id, request.department, request.due_date, actor.name);
    effect.new_status = kStRouted;
    effect.reason = "已转交" + request.department + "协同办理";
    effect.sets = {"department = " + tx.quote(request.department),
                   "route_due = " + tx.quote(request.due_date) + "::date",
                   "route_from = " + tx.quote(app.status)};
    effect.details["department"] = request.department;
    effect.details["due_date"] = request.due_date;
  } else if (action == "department_reply") {
    if (actor.role == OfficeRole::kDepartment && actor.scope != app.department) {
      return MakeError(ErrorKind::kRejected, "此件转给了" + app.department + "，不是您的部门");
    }
    tx.exec_params(
        "UPDATE application_routes SET replied_by = $2, replied_at = now(), reply = $3 "
        "WHERE id = (SELECT max(id) FROM application_routes WHERE application_id = $1)",
        app.id, actor.name, request.note);
    effect.new_status = app.route_from.empty() ? kStAccepted : app.route_from;
    effect.sets = {"route_due = NULL", "route_from = NULL"};
    effect.details["department"] = app.department;
  } else if (action == "approve" || action == "refuse" || action == "finalize") {
    // 两人原则: whoever passed the first review does not decide.
    if (!tx.exec_params("SELECT 1 FROM office_actions WHERE application_id = $1 AND "
                        "action = 'preliminary_pass' AND actor = $2 LIMIT 1",
                        app.id, actor.name)
             .empty()) {
      return MakeError(ErrorKind::kRejected, "两人原则：初审通过的人不能审批同一件申请");
    }
    if (action == "approve") {
      const std::string terms =
          "金额 " + std::to_string(request.amount_yuan) + " 元，自 " + request.start_month + " 起";
      effect.details["amount_yuan"] = request.amount_yuan;
      effect.details["start_month"] = request.start_month;
      effect.sets = {"due_date = NULL", "clock_days_left = NULL"};
      // The decision the statistics count (migration 13); decided_due reads the row
      // before this UPDATE, so it keeps the due date the line above clears.
      effect.sets.insert(effect.sets.end(),
                         {"decision = 'approve'", "decided_at = now()", "decided_due = due_date",
                          "approved_fen = " + std::to_string(request.amount_yuan * 100)});
      if (service != nullptr && service->public_notice_days > 0) {
        const std::string until = FormatIsoDate(AddDays(today, service->public_notice_days));
        effect.new_status = kStPublicNotice;
        effect.reason = "公示至 " + until + "，期满无异议后生效；" + terms;
        effect.sets.push_back("notice_until = " + tx.quote(until) + "::date");
        effect.details["notice_until"] = until;
      } else {
        effect.new_status = kStApproved;
        effect.reason = terms;
      }
    } else if (action == "refuse") {
      effect.new_status = kStRefused;
      effect.reason = request.note;
      effect.sets = {"due_date = NULL",     "clock_days_left = NULL", "notice_until = NULL",
                     "decision = 'refuse'", "decided_at = now()",     "approved_fen = NULL"};
      // Refused during 公示 (an objection upheld): the due date went with the 批准.
      effect.sets.emplace_back(app.status == kStPublicNotice ? "decided_due = decided_due"
                                                             : "decided_due = due_date");
    } else {
      auto until = ParseIsoDate(app.notice_until);
      if (until.ok() && !(today > *until)) {
        return MakeError(ErrorKind::kConflict, "公示期至 " + app.notice_until + "，期满后才能生效");
      }
      effect.new_status = kStApproved;
      effect.reason = "公示期满，批准生效";
    }
  } else if (action == "close") {
    effect.new_status = kStClosed;
  }
  return effect;
}

}  // namespace

Result<OfficeActionResult> ApplyOfficeAction(PgPool& pool, const Catalog& catalog,
                                             const OfficeAccount& actor,
                                             const OfficeActionRequest& request,
                                             const std::string& client) {
  const ActionSpec* action = FindAction(request.action);
  if (action == nullptr) return Invalid("没有这个操作：" + request.action);
  // A number that does not parse names nothing: the caller's input is wrong.
  auto number = CanonicalAppNumber(request.app_number);
  if (!number.ok()) return Invalid("不是受理编号：" + request.app_number);
  const CivilDate today = TodayInChina();
  OfficeActionResult result;
  std::optional<Error> refused;
  Status status = pool.Run([&](pqxx::connection& c) {
    refused.reset();
    pqxx::work tx(c);
    std::optional<AppState> app = LockApplication(tx, actor, *number);
    // Out of scope reads exactly like a missing number.
    if (!app) {
      refused = MakeError(ErrorKind::kNotFound, "没有这件申请：" + *number);
      return;
    }
    if (!RoleMayAct(*action, actor.role)) {
      refused =
          MakeError(ErrorKind::kRejected,
                    std::string("您的角色（") + OfficeRoleName(actor.role) + "）不能" + action->zh);
      return;
    }
    // Missing fields first: the form is wrong whatever the status.
    if (Status fields = CheckFields(request, today); !fields.ok()) {
      refused = fields.error();
      return;
    }
    const std::string shown = app->status.empty() ? "已送达" : app->status;
    if (!request.expected_status.empty() && request.expected_status != shown &&
        request.expected_status != app->status) {
      refused = MakeError(ErrorKind::kConflict, "此件已被他人处理，现在是" + shown + "，请刷新");
      return;
    }
    if (!AllowedFrom(*action, app->status)) {
      refused = MakeError(ErrorKind::kConflict, std::string("not allowed from ") + shown + "：" +
                                                    shown + "的申请不能" + action->zh);
      return;
    }
    auto effect = Plan(tx, catalog.FindService(app->service_code), actor, request, *app, today);
    if (!effect.ok()) {
      refused = effect.error();
      return;
    }
    std::string sets = "status = " + tx.quote(effect->new_status) + ", status_at = now()";
    for (const std::string& set : effect->sets) sets += ", " + set;
    tx.exec("UPDATE applications SET " + sets + " WHERE id = " + std::to_string(app->id));
    tx.exec("SELECT pg_advisory_xact_lock(" + std::to_string(kStatusSequenceLockKey) + ")");
    result.seq = tx.exec_params(
                       "INSERT INTO status_changes (application_id, status, reason, actor) "
                       "VALUES ($1, $2, $3, $4) RETURNING seq",
                       app->id, effect->new_status, effect->reason, actor.name)[0][0]
                     .as<int64_t>();
    tx.exec_params(
        "INSERT INTO office_actions (application_id, seq, actor, actor_role, action, old_status, "
        "new_status, note, details, client) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, "
        "$10)",
        app->id, result.seq, actor.name, std::string(OfficeRoleName(actor.role)), request.action,
        app->status, effect->new_status, request.note, effect->details.dump(),
        client.substr(0, 256));
    tx.commit();
    result.old_status = app->status;
    result.new_status = effect->new_status;
  });
  if (!status.ok()) return status.error();
  if (refused) return *refused;
  return result;
}

Status AddComment(PgPool& pool, const OfficeAccount& actor, const std::string& app_number,
                  const std::string& text) {
  if (text.empty() || CountCodepoints(text) > kMaxNoteChars || !IsValidUtf8(text)) {
    return Invalid("意见为 1 到 2000 字");
  }
  auto number = CanonicalAppNumber(app_number);
  if (!number.ok()) return MakeError(ErrorKind::kNotFound, "没有这件申请：" + app_number);
  bool found = false;
  Status status = pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    pqxx::result r =
        tx.exec("SELECT a.id FROM applications a WHERE a.app_number = " + tx.quote(*number) +
                " AND " + ScopePredicate(tx, actor));
    found = !r.empty();
    if (!found) return;
    tx.exec_params(
        "INSERT INTO office_comments (application_id, author, author_role, text) "
        "VALUES ($1, $2, $3, $4)",
        r[0][0].as<int64_t>(), actor.name, std::string(OfficeRoleName(actor.role)), text);
    tx.commit();
  });
  if (!status.ok()) return status;
  if (!found) return MakeError(ErrorKind::kNotFound, "没有这件申请：" + *number);
  return Status::Ok();
}

namespace {

// The other applications of the visit `visit_id` (docs/internals/visits.md): those in
// the viewer's scope by number, service and status; the rest only counted, their
// numbers never read.
void LoadVisitOthers(pqxx::read_transaction& tx, const OfficeAccount& viewer,
                     const std::string& visit_id, int64_t self_id, ApplicationDetail* out) {
  const std::string scope = ScopePredicate(tx, viewer);
  std::string sql = "SELECT (";
  sql += scope;
  sql += ") AS visible, CASE WHEN (";
  sql += scope;
  sql +=
      ") THEN a.app_number END, a.service_code, coalesce(a.status, '') "
      "FROM applications a WHERE a.visit_id = $1::uuid AND a.id <> $2 ORDER BY a.app_number";
  for (const auto& v : tx.exec_params(sql, visit_id, self_id)) {
    if (!v[0].as<bool>()) {
      ++out->visit_hidden;
      continue;
    }
    out->visit_others.push_back(
        {v[1].as<std::string>(), v[2].as<std::string>(), v[3].as<std::string>()});
  }
}

}  // namespace

Result<ApplicationDetail> LoadApplicationDetail(PgPool& pool, const OfficeAccount& viewer,
                                                const std::string& app_number) {
  auto number = CanonicalAppNumber(app_number);
  if (!number.ok()) return MakeError(ErrorKind::kNotFound, "没有这件申请：" + app_number);
  const CivilDate today = TodayInChina();
  std::optional<ApplicationDetail> detail;
  Status status = pool.Run([&](pqxx::connection& c) {
    detail.reset();
    pqxx::read_transaction tx(c);
    pqxx::result r = tx.exec("SELECT " + QueueColumns() +
                             ", a.catalog_version, a.device_id, coalesce(d.kiosk_code, ''), "
                             "coalesce(a.visit_id::text, ''), coalesce(a.visit_size, 0) "
                             "FROM applications a LEFT JOIN devices d ON d.id = a.device_id "
                             "WHERE a.app_number = " +
                             tx.quote(*number) + " AND " + ScopePredicate(tx, viewer));
    if (r.empty()) return;
    ApplicationDetail out;
    out.row = ReadQueueRow(r[0], LoadWorkingCalendar(tx), today);
    out.catalog_version = r[0][13].as<std::string>();
    out.device_id = r[0][14].as<int64_t>();
    out.kiosk_code = r[0][15].as<std::string>();
    out.visit_size = r[0][17].as<int>();
    const int64_t id = r[0][11].as<int64_t>();
    if (const std::string visit_id = r[0][16].as<std::string>(); !visit_id.empty()) {
      LoadVisitOthers(tx, viewer, visit_id, id, &out);
    }
    // Office actions, and status changes from before the workflow (no action row).
    for (const auto& h : tx.exec_params(
             "SELECT coalesce(o.seq, s.seq, 0), " + SqlIsoUtc("coalesce(o.at, s.changed_at)") +
                 ", coalesce(o.actor, s.actor), coalesce(o.old_status, ''), "
                 "coalesce(o.new_status, s.status), coalesce(o.note, s.reason), "
                 "coalesce(o.details, '{}'::jsonb)::text "
                 "FROM status_changes s FULL JOIN office_actions o ON o.seq = s.seq "
                 "WHERE coalesce(o.application_id, s.application_id) = $1 "
                 "ORDER BY coalesce(o.at, s.changed_at), coalesce(o.seq, s.seq)",
             id)) {
      out.history.push_back({h[0].as<int64_t>(), h[1].as<std::string>(), h[2].as<std::string>(),
                             h[3].as<std::string>(), h[4].as<std::string>(), h[5].as<std::string>(),
                             nlohmann::json::parse(h[6].as<std::string>(), nullptr, false)});
    }
    for (const auto& m : tx.exec_params("SELECT " + SqlIsoUtc("at") +
                                            ", author, text FROM office_comments "
                                            "WHERE application_id = $1 ORDER BY id",
                                        id)) {
      out.comments.push_back(
          {m[0].as<std::string>(), m[1].as<std::string>(), m[2].as<std::string>()});
    }
    out.allowed_actions = AllowedActions(viewer.role, out.row.status);
    detail = std::move(out);
  });
  if (!status.ok()) return status.error();
  if (!detail) return MakeError(ErrorKind::kNotFound, "没有这件申请：" + *number);
  return std::move(*detail);
}

Result<std::vector<std::pair<std::string, Status>>> ApplyOfficeActionToAll(
    PgPool& pool, const Catalog& catalog, const OfficeAccount& actor, const QueueFilter& filter,
    const OfficeActionRequest& request, int max, const std::string& client) {
  if (max < 1 || max > 200) return Invalid("批量操作一次 1 到 200 件");
  if (FindAction(request.action) == nullptr) return Invalid("没有这个操作：" + request.action);
  if (Status s = CheckQueueFilter(filter); !s.ok()) return s.error();
  const CivilDate today = TodayInChina();
  std::vector<std::string> numbers;
  Status status = pool.Run([&](pqxx::connection& c) {
    numbers.clear();
    pqxx::read_transaction tx(c);
    for (const auto& row :
         tx.exec("SELECT a.app_number FROM applications a WHERE " + ScopePredicate(tx, actor) +
                 " AND " + FilterPredicate(tx, filter, today) +
                 " ORDER BY a.received_at, a.id LIMIT " + std::to_string(max))) {
      numbers.push_back(row[0].as<std::string>());
    }
  });
  if (!status.ok()) return status.error();
  std::vector<std::pair<std::string, Status>> outcomes;
  for (const std::string& number : numbers) {
    OfficeActionRequest one = request;
    one.app_number = number;
    auto done = ApplyOfficeAction(pool, catalog, actor, one, client);
    outcomes.emplace_back(number, done.ok() ? Status::Ok() : Status(done.error()));
  }
  return outcomes;
}

}  // namespace yimen::server
