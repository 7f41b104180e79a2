// Issue 13, the subsidy roster (补贴清册, server/office_roster.h), against the real server
// handler and PostgreSQL: sealed applications of named residents go through the real
// workflow (受理, 初审通过, 批准, 公示期满, 办结; 不予批准), and the roster of a township
// and a month holds exactly the approved, final ones of the chosen services starting that
// month or earlier, with totals. The XLSX is read back by an independent reader
// (check_xlsx.py) and the CSV by a parser here, every row compared; the audit row has the
// row count and the SHA-256 of the bytes served. Reviewers and a locked key are refused.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>

#include "common/sealing.h"
#include "server/console_session.h"
#include "server/key_ring.h"
#include "server/office_accounts.h"
#include "server/office_roster.h"
#include "server/office_workflow.h"
#include "server/roster_seed.h"
#include "server/xlsx_reader.h"
#include "server_test_support.h"

namespace yimen::testing {
namespace {

using nlohmann::json;
namespace srv = server;

constexpr const char* kPassword = "roster-Password-1";
constexpr const char* kPassphrase = "柳树 river 三月 lantern";

// One RFC 4180 CSV document (after its BOM) as rows of fields.
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false;
  bool was_quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"' && field.empty() && !was_quoted) {
      quoted = was_quoted = true;
    } else if (c == ',') {
      rows.back().push_back(field);
      field.clear();
      was_quoted = false;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      rows.back().push_back(field);
      field.clear();
      was_quoted = false;
      rows.emplace_back();
      ++i;
    } else {
      field += c;
    }
  }
  if (rows.back().empty() && field.empty()) rows.pop_back();
  return rows;
}

std::string HeaderOf(const srv::ApiReply& reply, const std::string& name) {
  for (const auto& [key, value] : reply.headers) {
    if (key == name) return value;
  }
  return "";
}

struct Session {
  std::string cookie;
  std::string csrf;
};

// Who is on the roster of 城关镇 for 2026-12 (dibao, tekun, dibao_edge) and who is not.
struct Case {
  RosterPerson person;
  int64_t amount_yuan = 0;  // 0: never approved
  std::string start_month;
  std::string fate;  // "final", "closed", "notice", "refused", "accepted"
};

class Roster : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(PgCluster::Get().ok()) << "no PostgreSQL";
    srv::ServerOptions options;
    options.catalog_dir = YIMEN_TEST_CATALOG_DIR;
    options.console.secure_cookies = false;
    server = std::make_unique<TestServer>(db.url(), 0, options);
    ASSERT_TRUE(server->ok());
    auto loaded = LoadCatalog(YIMEN_TEST_CATALOG_DIR);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    catalog = std::move(*loaded);
    srv::PgPool& pool = server->core().pool();
    auto admin_id = srv::CreateOfficeAccount(pool, "ops-admin", srv::OfficeRole::kAdmin, "全市",
                                             kPassword, std::nullopt, "test");
    ASSERT_TRUE(admin_id.ok()) << admin_id.error().message;
    const srv::OfficeAccount admin{*admin_id, "ops-admin", srv::OfficeRole::kAdmin, "全市"};
    for (const auto& [name, role, scope] :
         std::vector<std::tuple<std::string, srv::OfficeRole, std::string>>{
             {"sup-wang", srv::OfficeRole::kSupervisor, "全市"},
             {"sup-dongba", srv::OfficeRole::kSupervisor, "东坝镇"},
             {"rev-li", srv::OfficeRole::kReviewer, "全市"},
             {"app-zhao", srv::OfficeRole::kApprover, "全市"}}) {
      auto made = srv::CreateOfficeAccount(pool, name, role, scope, kPassword, admin, "test");
      ASSERT_TRUE(made.ok()) << made.error().message;
    }
  }

  srv::ApiReply Call(const std::string& method, const std::string& target, const Session& who,
                     const std::string& body = "") {
    srv::ApiRequest request;
    request.method = method;
    request.target = target;
    request.remote_addr = "127.0.0.1";
    request.headers["cookie"] = who.cookie;
    if (method == "POST") {
      request.headers["x-csrf-token"] = who.csrf;
      request.headers["content-type"] = "application/json";
      request.body = body;
    }
    return server->core().Handle(request);
  }

  Session SignIn(const std::string& name) {
    srv::ApiRequest login;
    login.method = "POST";
    login.target = "/api/office/v1/session";
    login.remote_addr = "127.0.0.1";
    login.headers["content-type"] = "application/json";
    login.body = json{{"name", name}, {"password", kPassword}}.dump();
    const srv::ApiReply reply = server->core().Handle(login);
    Session session;
    EXPECT_EQ(reply.status, 200) << reply.body;
    for (const auto& [key, value] : reply.headers) {
      if (key == "Set-Cookie" && value.rfind(srv::kSessionCookie, 0) == 0) {
        session.cookie = value.substr(0, value.find(';'));
      }
    }
    session.csrf = json::parse(reply.body, nullptr, false).value("csrf_token", "");
    return session;
  }

  void Act(const srv::OfficeAccount& who, const std::string& number, const std::string& action,
           int64_t amount = 0, const std::string& start = "") {
    srv::OfficeActionRequest request;
    request.app_number = number;
    request.action = action;
    request.amount_yuan = amount;
    request.start_month = start;
    if (action == "refuse") request.note = "家庭收入超过标准";
    auto done = srv::ApplyOfficeAction(server->core().pool(), catalog, who, request, "test");
    ASSERT_TRUE(done.ok()) << number << " " << action << ": " << done.error().message;
  }

  // Seeds every case sealed and walks each through the real workflow to its fate.
  void SeedCases() {
    auto active = srv::ActiveSealingKey(server->core().pool());
    ASSERT_TRUE(active.ok());
    std::vector<RosterPerson> people;
    for (const Case& c : cases) people.push_back(c.person);
    numbers = SeedRosterApplications(db.url(), active->public_key, people);
    const srv::OfficeAccount reviewer{0, "rev-li", srv::OfficeRole::kReviewer, "全市"};
    const srv::OfficeAccount approver{0, "app-zhao", srv::OfficeRole::kApprover, "全市"};
    for (size_t i = 0; i < cases.size(); ++i) {
      const Case& c = cases[i];
      const std::string& number = numbers[i];
      Act(reviewer, number, "accept");
      if (c.fate == "accepted") continue;
      Act(reviewer, number, "preliminary_pass");
      if (c.fate == "refused") {
        Act(approver, number, "refuse");
        continue;
      }
      Act(approver, number, "approve", c.amount_yuan, c.start_month);
      if (c.fate == "notice") continue;
      if (db.Query("SELECT status FROM applications WHERE app_number = '" + number + "'") ==
          "公示中") {
        // The 公示 period has run out (as seven days later): the approver makes it final.
        pqxx::connection conn(db.url());
        pqxx::nontransaction tx(conn);
        tx.exec_params(
            "UPDATE applications SET notice_until = current_date - 2 WHERE app_number = $1",
            number);
        Act(approver, number, "finalize");
      }
      if (c.fate == "closed") Act(reviewer, number, "close");
    }
  }

  // The rows of the roster file as the expected cells: 序号, 事项, 姓名, 身份证号, 金额,
  // 开户银行, 账号, 起始月份, 社区, 受理编号.
  std::vector<size_t> Expected(const std::string& month) const {
    std::vector<size_t> out;
    for (const std::string service : {"dibao", "tekun", "dibao_edge"}) {
      for (size_t i = 0; i < cases.size(); ++i) {
        const Case& c = cases[i];
        if (c.person.service == service && c.person.town == "城关镇" &&
            (c.fate == "final" || c.fate == "closed") && c.start_month <= month) {
          out.push_back(i);
        }
      }
    }
    return out;
  }

  TestDatabase db;
  std::unique_ptr<TestServer> server;
  Catalog catalog;
  std::vector<std::string> numbers;
  std::vector<Case> cases = {
      {{"dibao", "城关镇", "张三", "110101199003071234", "农村商业银行", "6217000000000000001"},
       1225,
       "2026-11",
       "final"},
      {{"dibao", "城关镇", "李,\"四\"", "110101199003072345", "建设银行", "6227000000000000002"},
       980,
       "2026-12",
       "final"},
      {{"dibao", "城关镇", "王\n五", "110101199003073456", "惠农一卡通", "6230000000000000003"},
       700,
       "2026-10",
       "closed"},
      {{"dibao", "城关镇", "=HYPERLINK(\"http://x\",\"点我\")", "110101199003074567", "@银行",
        "+6217000000000000004"},
       500,
       "2026-12",
       "final"},
      {{"dibao", "城关镇", "公示中", "110101199003075678", "农村商业银行", "6217000000000000005"},
       800,
       "2026-11",
       "notice"},
      {{"dibao", "城关镇", "不批准", "110101199003076789", "农村商业银行", "6217000000000000006"},
       0,
       "",
       "refused"},
      {{"dibao", "东坝镇", "别镇", "110101199003077890", "农村商业银行", "6217000000000000007"},
       900,
       "2026-11",
       "final"},
      {{"dibao", "城关镇", "明年起", "110101199003078901", "农村商业银行", "6217000000000000008"},
       900,
       "2027-01",
       "final"},
      {{"tekun", "城关镇", "特困甲", "110101199003079012", "农村商业银行", "6217000000000000009"},
       1500,
       "2026-12",
       "final"},
      {{"linshi", "城关镇", "临时救助", "110101199003070123", "农村商业银行",
        "6217000000000000010"},
       2000,
       "2026-12",
       "final"},
      {{"dibao_edge", "城关镇", "边缘户", "110101199003071111", "", ""}, 300, "2026-11", "final"},
      {{"dibao", "城关镇", "只受理", "110101199003072222", "农村商业银行", "6217000000000000012"},
       0,
       "",
       "accepted"},
      {{"dibao", "城关镇", "-1+1", "110101199003073333", "农村商业银行", "6217000000000000013"},
       100,
       "2026-01",
       "final"},
  };
};

const char* kQuery =
    "town=%E5%9F%8E%E5%85%B3%E9%95%87&month=2026-12&service=dibao&service=tekun&"
    "service=dibao_edge";

json ExportBody(const std::string& format, const std::string& month = "2026-12") {
  return json{{"town", "城关镇"},
              {"month", month},
              {"services", {"dibao", "tekun", "dibao_edge"}},
              {"format", format}};
}

TEST_F(Roster, PreviewHoldsExactlyTheApprovedAndFinalWithTotals) {
  SeedCases();
  ASSERT_FALSE(HasFatalFailure());
  const Session sup = SignIn("sup-wang");
  const srv::ApiReply reply = Call("GET", std::string("/api/office/v1/roster?") + kQuery, sup);
  ASSERT_EQ(reply.status, 200) << reply.body;
  const json got = json::parse(reply.body);
  const std::vector<size_t> expected = Expected("2026-12");
  ASSERT_EQ(got["rows"].size(), expected.size()) << got["rows"].dump(1);
  for (size_t r = 0; r < expected.size(); ++r) {
    const Case& c = cases[expected[r]];
    const json& row = got["rows"][r];
    EXPECT_EQ(row["app_number"], numbers[expected[r]]);
    EXPECT_EQ(row["name"], c.person.name);
    EXPECT_EQ(row["id_number"], c.person.id_number);
    EXPECT_EQ(row["amount_fen"], c.amount_yuan * 100);
    EXPECT_EQ(row["start_month"], c.start_month);
    EXPECT_EQ(row["account"], c.person.account.empty() ? "未填写" : c.person.account);
    EXPECT_EQ(row["account_missing"], c.person.account.empty());
  }
  // 低保: 1225 + 980 + 700 (办结) + 500 + 100; 特困: 1500; 低保边缘: 300 without an account.
  ASSERT_EQ(got["totals"].size(), 3U);
  EXPECT_EQ(got["totals"][0]["people"], 5);
  EXPECT_EQ(got["totals"][0]["amount_fen"], 350500);
  EXPECT_EQ(got["totals"][1]["people"], 1);
  EXPECT_EQ(got["totals"][1]["amount_fen"], 150000);
  EXPECT_EQ(got["totals"][2]["people"], 1);
  EXPECT_EQ(got["totals"][2]["accounts_missing"], 1);
  EXPECT_EQ(got["amount_fen"], 530500);
  EXPECT_EQ(got["accounts_missing"], 1);
  EXPECT_TRUE(got["unopened"].empty());

  // A month earlier: those starting 2026-12 drop out.
  const srv::ApiReply november =
      Call("GET",
           "/api/office/v1/roster?town=%E5%9F%8E%E5%85%B3%E9%95%87&month=2026-11&service=dibao&"
           "service=tekun&service=dibao_edge",
           sup);
  ASSERT_EQ(november.status, 200);
  EXPECT_EQ(json::parse(november.body)["rows"].size(), Expected("2026-11").size());
  EXPECT_EQ(Expected("2026-11").size(), 4U);

  // Only 特困 chosen: no 低保 row.
  const srv::ApiReply tekun = Call(
      "GET", "/api/office/v1/roster?town=%E5%9F%8E%E5%85%B3%E9%95%87&month=2026-12&service=tekun",
      sup);
  ASSERT_EQ(tekun.status, 200);
  ASSERT_EQ(json::parse(tekun.body)["rows"].size(), 1U);
  EXPECT_EQ(json::parse(tekun.body)["rows"][0]["name"], "特困甲");

  // The page shows the same, escaped, with the totals and the warning.
  const srv::ApiReply page = Call("GET", std::string("/console/roster?") + kQuery, sup);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("=HYPERLINK(&quot;http://x&quot;,&quot;点我&quot;)"), std::string::npos);
  EXPECT_NE(page.body.find("id=\"roster-amount\">5305.00<"), std::string::npos);
  EXPECT_NE(page.body.find("id=\"roster-missing\""), std::string::npos);
  EXPECT_EQ(page.body.find("公示中</td>"), std::string::npos);
  EXPECT_NE(page.body.find("href=\"/console/roster\""), std::string::npos) << "the nav names it";
}

TEST_F(Roster, XlsxAndCsvHoldEveryRowAndTheAuditHasTheirHash) {
  SeedCases();
  ASSERT_FALSE(HasFatalFailure());
  const Session sup = SignIn("sup-wang");
  const std::vector<size_t> expected = Expected("2026-12");

  const srv::ApiReply xlsx =
      Call("POST", "/api/office/v1/roster/exports", sup, ExportBody("xlsx").dump());
  ASSERT_EQ(xlsx.status, 200) << xlsx.body;
  EXPECT_EQ(xlsx.content_type, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(xlsx.body.substr(0, 2), "PK");
  EXPECT_EQ(HeaderOf(xlsx, "Cache-Control"), "no-store");
  // 补贴清册_城关镇_2026-12.xlsx, percent-encoded (RFC 5987), with an ASCII fallback.
  EXPECT_EQ(HeaderOf(xlsx, "Content-Disposition"),
            "attachment; filename=\"roster_2026-12.xlsx\"; filename*=UTF-8''"
            "%E8%A1%A5%E8%B4%B4%E6%B8%85%E5%86%8C_%E5%9F%8E%E5%85%B3%E9%95%87_2026-12.xlsx");
  const json book = ReadXlsx(xlsx.body);
  ASSERT_FALSE(book.contains("error")) << book.dump();
  ASSERT_EQ(book["sheets"].size(), 2U);
  const json& sheet = book["sheets"][0];
  EXPECT_EQ(sheet["name"], "补贴清册");
  const json& rows = sheet["rows"];
  const std::string title = std::string("城关镇 2026年12月 补贴清册（最低生活保障（低保）、") +
                            "特困人员救助供养、低保边缘家庭、支出型困难家庭认定）";
  const std::vector<std::string> notes = {
      title,
      "最低生活保障（低保）：5 人，3505.00 元",
      "特困人员救助供养：1 人，1500.00 元",
      "低保边缘家庭、支出型困难家庭认定：1 人，300.00 元",
      "合计：7 人，5305.00 元",
      "注意：1 人未填写银行卡号或一卡通账号（显示为“未填写”），银行无法代发，请先补录"};
  ASSERT_EQ(rows.size(), notes.size() + 1 + expected.size()) << rows.dump(1);
  for (size_t i = 0; i < notes.size(); ++i) {
    EXPECT_EQ(rows[i], json::array({notes[i]})) << "note " << i;
  }
  EXPECT_EQ(rows[notes.size()],
            json::parse(R"(["序号","事项","姓名","身份证号","金额（元）","开户银行",)"
                        R"("银行卡号或一卡通账号","起始月份","社区（村）","受理编号"])"));
  for (size_t r = 0; r < expected.size(); ++r) {
    const Case& c = cases[expected[r]];
    const size_t at = notes.size() + 1 + r;
    const json want =
        json::array({static_cast<int>(r + 1), catalog.FindService(c.person.service)->name.zh,
                     c.person.name, c.person.id_number, static_cast<int>(c.amount_yuan),
                     c.person.account.empty() ? "未填写" : c.person.bank_name,
                     c.person.account.empty() ? "未填写" : c.person.account, c.start_month,
                     c.person.community, numbers[expected[r]]});
    EXPECT_EQ(rows[at], want) << "row " << r;
    EXPECT_EQ(sheet["formats"][std::to_string(at) + ",4"], "0.00") << "money shows two decimals";
  }
  const json& totals = book["sheets"][1];
  EXPECT_EQ(totals["name"], "合计");
  EXPECT_EQ(totals["rows"].back(), json::parse(R"(["合计", 7, 5305, 1])"));

  const srv::ApiReply csv =
      Call("POST", "/api/office/v1/roster/exports", sup, ExportBody("csv").dump());
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.content_type, "text/csv; charset=utf-8");
  ASSERT_EQ(csv.body.substr(0, 3), "\xEF\xBB\xBF");
  const auto lines = ParseCsv(csv.body.substr(3));
  ASSERT_EQ(lines.size(), notes.size() + 1 + expected.size());
  for (size_t i = 0; i < notes.size(); ++i) EXPECT_EQ(lines[i], std::vector<std::string>{notes[i]});
  for (size_t r = 0; r < expected.size(); ++r) {
    const Case& c = cases[expected[r]];
    const auto defused = [](const std::string& text) {
      return !text.empty() && std::string("=+-@").find(text[0]) != std::string::npos ? "'" + text
                                                                                     : text;
    };
    const std::vector<std::string> want = {
        std::to_string(r + 1),
        catalog.FindService(c.person.service)->name.zh,
        defused(c.person.name),
        c.person.id_number,
        std::to_string(c.amount_yuan) + ".00",
        c.person.account.empty() ? "未填写" : defused(c.person.bank_name),
        c.person.account.empty() ? "未填写" : defused(c.person.account),
        c.start_month,
        c.person.community,
        numbers[expected[r]]};
    EXPECT_EQ(lines[notes.size() + 1 + r], want) << "csv row " << r;
  }

  // The audit: one row per export, the row count and the hash of the bytes served.
  pqxx::connection conn(db.url());
  pqxx::nontransaction tx(conn);
  const pqxx::result audit = tx.exec(
      "SELECT actor, town, month, array_to_string(services, ','), format, row_count, amount_fen, "
      "sha256, bytes FROM roster_exports ORDER BY id");
  ASSERT_EQ(audit.size(), 2U);
  const srv::ApiReply* served[] = {&xlsx, &csv};
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(audit[i][0].as<std::string>(), "sup-wang");
    EXPECT_EQ(audit[i][1].as<std::string>(), "城关镇");
    EXPECT_EQ(audit[i][2].as<std::string>(), "2026-12");
    EXPECT_EQ(audit[i][3].as<std::string>(), "dibao,tekun,dibao_edge");
    EXPECT_EQ(audit[i][4].as<std::string>(), i == 0 ? "xlsx" : "csv");
    EXPECT_EQ(audit[i][5].as<int64_t>(), static_cast<int64_t>(expected.size()));
    EXPECT_EQ(audit[i][6].as<int64_t>(), 530500);
    EXPECT_EQ(audit[i][7].as<std::string>(), seal::Sha256Hex(served[i]->body));
    EXPECT_EQ(audit[i][7].as<std::string>(), HeaderOf(*served[i], "X-Roster-SHA256"));
    EXPECT_EQ(audit[i][8].as<int64_t>(), static_cast<int64_t>(served[i]->body.size()));
  }
  // Both show in the log, on the page and in the API.
  const srv::ApiReply log = Call("GET", "/api/office/v1/roster/exports", sup);
  ASSERT_EQ(log.status, 200);
  EXPECT_EQ(json::parse(log.body)["exports"].size(), 2U);
  EXPECT_EQ(json::parse(log.body)["exports"][0]["sha256"], seal::Sha256Hex(csv.body));
  const srv::ApiReply page = Call("GET", "/console/roster", sup);
  EXPECT_NE(page.body.find(seal::Sha256Hex(xlsx.body)), std::string::npos);
}

TEST_F(Roster, ThePageFormExportsWithCsrfAndAChineseFileName) {
  SeedCases();
  ASSERT_FALSE(HasFatalFailure());
  const Session sup = SignIn("sup-wang");
  srv::ApiRequest form;
  form.method = "POST";
  form.target = "/console/roster/export";
  form.remote_addr = "127.0.0.1";
  form.headers["cookie"] = sup.cookie;
  form.headers["content-type"] = "application/x-www-form-urlencoded";
  form.body = std::string("csrf=") + sup.csrf + "&" + kQuery + "&format=csv";
  const srv::ApiReply reply = server->core().Handle(form);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.body.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(HeaderOf(reply, "Content-Disposition").find("filename*=UTF-8''"), std::string::npos);
  // Without the CSRF token: refused, nothing exported.
  form.body = std::string("csrf=wrong&") + kQuery + "&format=csv";
  EXPECT_EQ(server->core().Handle(form).status, 403);
  EXPECT_EQ(db.Count("SELECT count(*) FROM roster_exports"), 1);
}

TEST_F(Roster, ReviewersAndOtherTownsAreRefused) {
  SeedCases();
  ASSERT_FALSE(HasFatalFailure());
  const Session reviewer = SignIn("rev-li");
  EXPECT_EQ(Call("GET", std::string("/console/roster?") + kQuery, reviewer).status, 403);
  EXPECT_EQ(Call("GET", std::string("/api/office/v1/roster?") + kQuery, reviewer).status, 403);
  EXPECT_EQ(
      Call("POST", "/api/office/v1/roster/exports", reviewer, ExportBody("xlsx").dump()).status,
      403);
  EXPECT_EQ(Call("GET", "/api/office/v1/roster/exports", reviewer).status, 403);
  const srv::ApiReply nav = Call("GET", "/console/queue", reviewer);
  EXPECT_EQ(nav.body.find("href=\"/console/roster\""), std::string::npos) << "no link for them";
  // A township supervisor: its own township only.
  const Session dongba = SignIn("sup-dongba");
  const srv::ApiReply other =
      Call("POST", "/api/office/v1/roster/exports", dongba, ExportBody("xlsx").dump());
  EXPECT_EQ(other.status, 404) << other.body;
  const srv::ApiReply own = Call(
      "GET", "/api/office/v1/roster?town=%E4%B8%9C%E5%9D%9D%E9%95%87&month=2026-12&service=dibao",
      dongba);
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(json::parse(own.body)["towns"], json::array({"东坝镇"}));
  ASSERT_EQ(json::parse(own.body)["rows"].size(), 1U);
  EXPECT_EQ(json::parse(own.body)["rows"][0]["name"], "别镇");
  // Bad choices.
  const Session sup = SignIn("sup-wang");
  EXPECT_EQ(Call("POST", "/api/office/v1/roster/exports", sup, ExportBody("pdf").dump()).status,
            400);
  EXPECT_EQ(Call("POST", "/api/office/v1/roster/exports", sup, ExportBody("csv", "2026-13").dump())
                .status,
            400);
  EXPECT_EQ(db.Count("SELECT count(*) FROM roster_exports"), 0);
}

TEST_F(Roster, ALockedKeyIsRefusedUntilUnlocked) {
  SeedCases();
  ASSERT_FALSE(HasFatalFailure());
  srv::KeyVault& vault = server->core().vault();
  ASSERT_TRUE(vault.SetUpPassphrase(kPassphrase, "sup-wang", "test").ok());
  ASSERT_EQ(vault.state(), srv::KeyVault::State::kLocked);
  const Session sup = SignIn("sup-wang");
  const srv::ApiReply refused =
      Call("POST", "/api/office/v1/roster/exports", sup, ExportBody("xlsx").dump());
  EXPECT_EQ(refused.status, 403);
  EXPECT_NE(refused.body.find("密钥已锁定"), std::string::npos) << refused.body;
  EXPECT_EQ(db.Count("SELECT count(*) FROM roster_exports"), 0);
  const srv::ApiReply page = Call("GET", std::string("/console/roster?") + kQuery, sup);
  EXPECT_EQ(page.status, 403);
  EXPECT_NE(page.body.find("id=\"unlock-form\""), std::string::npos);
  EXPECT_NE(page.body.find("name=\"back\" value=\"/console/roster?"), std::string::npos);

  ASSERT_TRUE(vault.Unlock(kPassphrase, "sup-wang", "test").ok());
  const srv::ApiReply done =
      Call("POST", "/api/office/v1/roster/exports", sup, ExportBody("csv").dump());
  EXPECT_EQ(done.status, 200);
  EXPECT_EQ(db.Count("SELECT count(*) FROM roster_exports"), 1);
}

// yimen-admin roster: the same file as the console's, written for its owner only, audited;
// a reviewer is refused at sign-in.
TEST_F(Roster, TheAdminCommandWritesTheSameFileAndAuditsIt) {
  SeedCases();
  ASSERT_FALSE(HasFatalFailure());
  SyncTempDir dir;
  const std::string out = dir.path() + "/清册.csv";
  const OfficeAdmin admin(db.url());
  const CommandResult run = admin.RunAs("sup-wang", kPassword,
                                        {"roster", "--town", "城关镇", "--month", "2026-12",
                                         "--services", "dibao,tekun,dibao_edge", "--out", out},
                                        "", true);
  ASSERT_EQ(run.exit_code, 0) << run.out;
  const std::string bytes = ReadFileText(out);
  struct stat info {};
  ASSERT_EQ(stat(out.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600U);
  const Session sup = SignIn("sup-wang");
  const srv::ApiReply csv =
      Call("POST", "/api/office/v1/roster/exports", sup, ExportBody("csv").dump());
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(bytes, csv.body) << "the command and the console write the same roster";
  EXPECT_NE(run.out.find(seal::Sha256Hex(bytes)), std::string::npos) << run.out;
  EXPECT_EQ(db.Count("SELECT count(*) FROM roster_exports WHERE sha256 = '" +
                     seal::Sha256Hex(bytes) + "' AND row_count = 7"),
            2);
  const CommandResult reviewer =
      admin.RunAs("rev-li", kPassword,
                  {"roster", "--town", "城关镇", "--month", "2026-12", "--services", "dibao",
                   "--out", dir.path() + "/x.csv"},
                  "", true);
  EXPECT_NE(reviewer.exit_code, 0);
  EXPECT_NE(reviewer.out.find("forbidden"), std::string::npos) << reviewer.out;
  EXPECT_EQ(db.Count("SELECT count(*) FROM roster_exports"), 2);
}

}  // namespace
}  // namespace yimen::testing
