// Every word the office console shows, in Chinese and English, in one table
// (console_view.h ConsoleStrings). Templates name them {{t.key}}; code by ConsoleText.
#include <utility>

#include "server/console_view.h"

namespace yimen::server {
namespace {

struct Text {
  const char* key;
  const char* zh;
  const char* en;
};

constexpr Text kTexts[] = {
    {"app_name", "一门 · 协同办理", "Yimen · Office console"},
    {"skip_to_content", "跳到正文", "Skip to content"},
    {"nav_queue", "待办列表", "Queue"},
    {"nav_key", "密钥", "Key"},
    {"sign_out", "退出登录", "Sign out"},
    {"signed_in_as", "当前用户", "Signed in as"},
    {"language", "语言", "Language"},
    {"login_title", "登录", "Sign in"},
    {"login_name", "用户名", "User name"},
    {"login_password", "密码", "Password"},
    {"login_submit", "登录", "Sign in"},
    {"login_refused", "用户名或密码不正确。", "Wrong user name or password."},
    {"login_locked", "登录失败次数过多，账户已暂时锁定，请15分钟后再试。",
     "Too many failed sign-ins: the account is locked for 15 minutes."},
    {"login_forbidden", "此账户不能使用协同办理系统。", "This account may not use the console."},
    {"login_busy", "登录请求过多，请稍后再试。", "Too many sign-ins at once; try again shortly."},
    {"session_expired", "登录已超时，请重新登录。",
     "Your session timed out; please sign in again."},
    {"please_sign_in", "请先登录。", "Please sign in."},
    {"csrf_refused", "表单已失效（可能已在别处打开），请刷新页面后重试。",
     "This form has expired; reload the page and try again."},
    {"error_unavailable", "系统暂时无法访问数据库，请稍后再试。",
     "The database cannot be reached right now; try again shortly."},
    {"error_not_found", "没有找到这件申请，或您无权查看。",
     "No such application, or it is outside your scope."},
    {"error_internal", "系统内部错误，请联系管理员。",
     "Internal error; contact the administrator."},
    {"error_title", "出错了", "Something went wrong"},
    {"back_to_queue", "返回待办列表", "Back to the queue"},
    {"saved", "已保存。", "Saved."},
    {"yes", "是", "Yes"},
    {"no", "否", "No"},
    {"role_reviewer", "初审人员", "Reviewer"},
    {"role_approver", "审批人员", "Approver"},
    {"role_department", "协办部门", "Department"},
    {"role_supervisor", "主管", "Supervisor"},
    {"role_admin", "管理员", "Administrator"},
    // Queue
    {"queue_title", "待办列表", "Queue"},
    {"filters", "筛选", "Filters"},
    {"filter_status", "状态（可多选）", "Status (any of)"},
    {"filter_service", "事项", "Service"},
    {"filter_all", "全部", "All"},
    {"filter_hall", "受理大厅", "Hall"},
    {"filter_town", "镇街", "Township"},
    {"filter_from", "收件日期从", "Received from"},
    {"filter_to", "至", "to"},
    {"filter_overdue", "只看超期", "Overdue only"},
    {"filter_apply", "筛选", "Apply"},
    {"filter_reset", "清除筛选", "Clear"},
    {"count_total", "符合条件", "Matching"},
    {"count_overdue", "其中超期", "of which overdue"},
    {"col_select", "选择", "Select"},
    {"col_number", "受理编号", "Number"},
    {"col_service", "事项", "Service"},
    {"col_hall", "大厅", "Hall"},
    {"col_town", "镇街", "Township"},
    {"col_received", "收件时间", "Received"},
    {"col_status", "状态", "Status"},
    {"col_due", "办结期限", "Due"},
    {"col_days_left", "剩余工作日", "Working days left"},
    {"col_notice", "公示截止", "Notice ends"},
    {"col_department", "转办部门", "Department"},
    {"overdue", "已超期", "Overdue"},
    {"queue_empty", "没有符合条件的申请。", "No application matches."},
    {"next_page", "下一页", "Next page"},
    {"first_page", "第一页", "First page"},
    {"bulk_title", "批量办理", "Bulk action"},
    {"bulk_action", "操作", "Action"},
    {"bulk_note", "备注", "Note"},
    {"bulk_selected", "对勾选的申请执行", "Apply to the selected"},
    {"bulk_filtered", "对全部符合条件的申请执行（最多200件）",
     "Apply to everything matching (at most 200)"},
    {"bulk_done", "批量办理完成（成功 / 共）：", "Bulk action done (succeeded / total): "},
    // Application
    {"app_title", "申请详情", "Application"},
    {"app_service", "事项", "Service"},
    {"app_status", "当前状态", "Status"},
    {"app_received", "收件时间", "Received"},
    {"app_hall", "受理大厅", "Hall"},
    {"app_kiosk", "自助终端", "Kiosk"},
    {"app_catalog", "事项目录版本", "Catalog version"},
    {"app_due", "办结期限", "Due"},
    {"app_days_left", "剩余工作日", "Working days left"},
    {"app_notice", "公示截止", "Notice ends"},
    {"app_validated", "按申请时的目录规则复核：通过",
     "Re-checked against the catalog it was filled with: passed"},
    {"app_locked", "申请内容已加密，密钥当前处于锁定状态。",
     "The application is sealed and the key is locked."},
    {"app_unlock_prompt", "请输入密钥口令解锁后查看。", "Enter the key passphrase to unlock it."},
    {"app_ask_supervisor", "请联系主管解锁密钥后再查看申请内容。",
     "Ask a supervisor to unlock the key to read the application."},
    {"app_household", "家庭成员", "Household members"},
    {"app_no_members", "未填写家庭成员。", "No household members entered."},
    {"app_photo_zoom", "点击放大", "Click to zoom"},
    {"app_signature", "签名", "Signature"},
    {"app_selfcheck", "自助测算", "Self-check"},
    {"app_income", "家庭月人均收入（元）", "Monthly income per person (yuan)"},
    {"app_standards", "适用标准", "Standards that applied"},
    {"selfcheck_title", "自测结果（按同一规则重算）",
     "Self-check result (recomputed with the same rules)"},
    {"selfcheck_note",
     "一体机不保存居民自测时的回答。这里由服务器用申请表中填写的内容，按一体机自测的同一套规则、申"
     "请时的目录版本和申请当日（北京时间）重新计算；申请表没问到的问题，按每种可能分别算出。仅供参"
     "考，不是审核结论。",
     "The kiosk does not keep the resident's self-check answers. The server recomputes the check "
     "from what the application form says, with the kiosk self-check's own rules, the catalog "
     "version the application was filled with and the day it was submitted (China time); a "
     "question the form does not ask is answered each possible way. For guidance only, not a "
     "decision."},
    {"selfcheck_as_of", "目录版本 / 日期", "Catalog version / date"},
    {"selfcheck_if", "假如", "If"},
    {"selfcheck_not_done", "未能重算自测结果", "The self-check could not be recomputed"},
    {"selfcheck_verdict_likely", "很可能符合条件", "Likely eligible"},
    {"selfcheck_verdict_maybe", "可能符合，需工作人员判断", "May be eligible; staff to judge"},
    {"selfcheck_verdict_unlikely", "可能不太符合", "Probably not eligible"},
    {"selfcheck_yes", "是", "Yes"},
    {"selfcheck_no", "否", "No"},
    {"app_history", "办理记录", "History"},
    {"history_materials", "需补交的材料", "Materials to bring"},
    {"app_comments", "部门间意见", "Comments between offices"},
    {"app_no_comments", "暂无意见。", "No comments yet."},
    {"app_no_history", "尚未办理。", "Nothing done yet."},
    {"app_actions", "办理", "Actions"},
    {"app_no_actions", "您当前无可执行的操作。", "Nothing for you to do here now."},
    {"hist_at", "时间", "When"},
    {"hist_actor", "经办人", "Who"},
    {"hist_change", "状态变化", "Change"},
    {"hist_note", "说明", "Note"},
    {"empty_value", "（未填）", "(empty)"},
    {"comment_add", "添加意见", "Add a comment"},
    {"comment_text", "意见内容", "Comment"},
    {"comment_submit", "提交意见", "Post comment"},
    {"unit_per_person_month", "元/人·月", "yuan per person per month"},
    {"unit_per_person_year", "元/人·年", "yuan per person per year"},
    {"unit_per_household_month", "元/户·月", "yuan per household per month"},
    {"unit_one_off", "元（一次性）", "yuan (one-off)"},
    // Actions
    {"action_accept", "受理", "Accept"},
    {"action_needs_materials", "需补正", "Ask for materials"},
    {"action_preliminary_pass", "初审通过", "Pass preliminary review"},
    {"action_approve", "批准", "Approve"},
    {"action_refuse", "不予批准", "Refuse"},
    {"action_route", "转办", "Route to a department"},
    {"action_department_reply", "部门办理完毕", "Department reply"},
    {"action_finalize", "公示期满，决定生效", "Notice over: make final"},
    {"action_close", "办结", "Close"},
    {"field_materials", "需补正的材料（至少选一项）", "Materials to bring (at least one)"},
    {"field_note", "说明", "Note"},
    {"field_note_required", "说明（必填）", "Note (required)"},
    {"field_reason", "不予批准的理由（必填）", "Reason (required)"},
    {"field_amount", "金额（元/月）", "Amount (yuan per month)"},
    {"field_start_month", "起始月份", "Start month"},
    {"field_department", "部门", "Department"},
    {"field_due_date", "办理期限", "Due date"},
    {"submit", "提交", "Submit"},
    // Key
    {"key_title", "密钥保管", "Key custody"},
    {"key_state", "密钥状态", "Key state"},
    {"key_state_unprotected", "未设口令（密钥仍以明文存于数据库，请尽快设置口令）",
     "No passphrase yet (the key is still stored in plain form: set one now)"},
    {"key_state_locked", "已锁定", "Locked"},
    {"key_state_unlocked", "已解锁", "Unlocked"},
    {"key_until", "自动锁定时间", "Locks again at"},
    {"key_extend", "再次输入口令，延长解锁时间", "Extend the unlock (passphrase again)"},
    {"key_passphrase", "密钥口令", "Passphrase"},
    {"key_repeat", "再次输入口令", "Passphrase again"},
    {"key_unlock", "解锁", "Unlock"},
    {"key_lock", "立即锁定", "Lock now"},
    {"key_setup", "设置口令（口令仪式）", "Set the passphrase (ceremony)"},
    {"key_setup_note", "口令不会被保存，只有持有口令的主管才能解锁。请至少两人共同保管。",
     "The passphrase is never stored; only supervisors who hold it can unlock. Keep it with two "
     "people at least."},
    {"key_supervisors_only", "只有主管可以管理密钥。", "Only supervisors manage the key."},
    {"key_wrong_passphrase", "口令不正确。", "Wrong passphrase."},
    {"key_locked_out", "口令错误次数过多，已暂时禁止解锁，请稍后再试。",
     "Too many wrong passphrases: unlocking is blocked for a while."},
    {"key_repeat_differs", "两次输入的口令不一致。", "The two passphrases differ."},
    {"key_too_short", "口令至少需要12个字符。", "The passphrase needs at least 12 characters."},
};

nlohmann::json Build(bool english) {
  nlohmann::json out = nlohmann::json::object();
  for (const Text& text : kTexts) out[text.key] = english ? text.en : text.zh;
  return out;
}

}  // namespace

const nlohmann::json& ConsoleStrings(const std::string& lang) {
  static const nlohmann::json zh = Build(false);
  static const nlohmann::json en = Build(true);
  return lang == "en" ? en : zh;
}

}  // namespace yimen::server
