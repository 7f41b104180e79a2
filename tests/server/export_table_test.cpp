// The shared export writer (server/export_table.h): CSV quoting, the BOM, formula
// injection defused, Chinese intact; the XLSX read back by an independent reader
// (tests/server/check_xlsx.py) cell by cell.
#include "server/export_table.h"

#include <gtest/gtest.h>

#include "server/xlsx_reader.h"

namespace yimen::server {
namespace {

using Cell = ExportCell;

ExportSheet Roster() {
  ExportSheet sheet;
  sheet.name = "低保 2026-12";
  sheet.notes = {"城关镇 2026年12月 补贴清册", "合计 2 人 2450.00 元"};
  sheet.header = {"序号", "姓名", "身份证号", "金额（元）", "一卡通账号"};
  sheet.rows.push_back({Cell::Integer(1), Cell::Text("张三"), Cell::Text("110101199003071234"),
                        Cell::Fen(122500), Cell::Text("6217000000000000001")});
  sheet.rows.push_back({Cell::Integer(2), Cell::Text("李,\"四\"\n五"),
                        Cell::Text("=HYPERLINK(\"x\")"), Cell::Fen(-5), Cell::Text("")});
  return sheet;
}

TEST(ExportTable, FenIsYuanWithTwoDecimals) {
  EXPECT_EQ(FenAsYuan(0), "0.00");
  EXPECT_EQ(FenAsYuan(122500), "1225.00");
  EXPECT_EQ(FenAsYuan(1), "0.01");
  EXPECT_EQ(FenAsYuan(-5), "-0.05");
  EXPECT_EQ(FenAsYuan(-1250), "-12.50");
  EXPECT_EQ(FenAsYuan(INT64_MIN), "-92233720368547758.08");
}

TEST(ExportTable, CsvHasBomCrlfAndRfc4180Quoting) {
  const std::string csv = WriteCsv(Roster());
  ASSERT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_EQ(csv.substr(3),
            "城关镇 2026年12月 补贴清册\r\n"
            "合计 2 人 2450.00 元\r\n"
            "序号,姓名,身份证号,金额（元）,一卡通账号\r\n"
            "1,张三,110101199003071234,1225.00,6217000000000000001\r\n"
            "2,\"李,\"\"四\"\"\n五\",\"'=HYPERLINK(\"\"x\"\")\",-0.05,\r\n");
}

TEST(ExportTable, CsvDefusesEveryFormulaLead) {
  ExportSheet sheet;
  sheet.header = {"a"};
  for (const char* text : {"=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "1=1", "张=三"}) {
    sheet.rows.push_back({Cell::Text(text)});
  }
  sheet.rows.push_back({Cell::Integer(-3)});  // a number is a number, never prefixed
  const std::string csv = WriteCsv(sheet);
  EXPECT_EQ(csv.substr(3),
            "a\r\n'=1+1\r\n'+1\r\n'-1\r\n'@SUM(A1)\r\n'\tx\r\n\"'\rx\"\r\n1=1\r\n张=三\r\n-3\r\n");
}

TEST(ExportTable, XlsxReadsBackCellByCell) {
  Result<std::string> bytes = WriteXlsx({Roster()});
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;
  ASSERT_EQ(bytes->substr(0, 2), "PK");
  const nlohmann::json book = testing::ReadXlsx(*bytes);
  ASSERT_FALSE(book.contains("error")) << book.dump();
  ASSERT_EQ(book["sheets"].size(), 1U);
  const auto& sheet = book["sheets"][0];
  EXPECT_EQ(sheet["name"], "低保 2026-12");
  const nlohmann::json expected = nlohmann::json::parse(R"J([
    ["城关镇 2026年12月 补贴清册"],
    ["合计 2 人 2450.00 元"],
    ["序号", "姓名", "身份证号", "金额（元）", "一卡通账号"],
    [1, "张三", "110101199003071234", 1225, "6217000000000000001"],
    [2, "李,\"四\"\n五", "=HYPERLINK(\"x\")", -0.05]
  ])J");
  EXPECT_EQ(sheet["rows"], expected);
  // Money shows two decimals; the formula-looking text stayed a string (the reader
  // fails on any <f> cell).
  EXPECT_EQ(sheet["formats"]["3,3"], "0.00");
  EXPECT_EQ(sheet["formats"]["4,3"], "0.00");
  EXPECT_EQ(sheet["formats"]["3,0"], "General");
}

TEST(ExportTable, XlsxKeepsSheetsApartAndCleansTabNames) {
  ExportSheet first;
  first.name = "特困/供养:[2026]*?很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长";
  first.header = {"x"};
  first.rows.push_back({Cell::Text("一")});
  ExportSheet second;
  second.name = "临时救助";
  second.header = {"y"};
  second.rows.push_back({Cell::Integer(7)});
  Result<std::string> bytes = WriteXlsx({first, second});
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;
  const nlohmann::json book = testing::ReadXlsx(*bytes);
  ASSERT_FALSE(book.contains("error")) << book.dump();
  ASSERT_EQ(book["sheets"].size(), 2U);
  EXPECT_EQ(book["sheets"][0]["name"], "特困_供养__2026___很长很长很长很长很长很长很长很长很");
  EXPECT_EQ(book["sheets"][0]["rows"], nlohmann::json::parse(R"([["x"],["一"]])"));
  EXPECT_EQ(book["sheets"][1]["name"], "临时救助");
  EXPECT_EQ(book["sheets"][1]["rows"], nlohmann::json::parse(R"([["y"],[7]])"));
}

TEST(ExportTable, XlsxRefusesNoSheetsAndCollidingNames) {
  EXPECT_EQ(WriteXlsx({}).error().kind, ErrorKind::kInvalidArgument);
  ExportSheet a;
  a.name = "低保";
  EXPECT_EQ(WriteXlsx({a, a}).error().kind, ErrorKind::kInvalidArgument);
}

}  // namespace
}  // namespace yimen::server
