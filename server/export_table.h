// The office's exports (docs/console.md "Subsidy roster", "Statistics"): one table written
// as XLSX (libxlsxwriter, what the bank and the bureau open in Excel/LibreOffice) or as
// CSV (UTF-8 with a BOM so Excel reads Chinese, RFC 4180 quoting, formula injection
// defused). No database, no HTTP: the roster and the statistics both build an
// ExportSheet and hand it here, so every export quotes and formats alike.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "domain/result.h"

namespace yimen::server {

struct ExportCell {
  enum class Kind {
    kText,     // `text`, written as a string (never as a formula, whatever it starts with)
    kInteger,  // `number`, a whole number
    kFen,  // `number` is money in fen (分), shown as yuan with two decimals: 122500 → 1225.00
  };
  Kind kind = Kind::kText;
  std::string text;
  int64_t number = 0;

  static ExportCell Text(std::string value) { return ExportCell{Kind::kText, std::move(value), 0}; }
  static ExportCell Integer(int64_t value) { return ExportCell{Kind::kInteger, {}, value}; }
  static ExportCell Fen(int64_t fen) { return ExportCell{Kind::kFen, {}, fen}; }
};

struct ExportSheet {
  std::string name;  // the worksheet's tab (XLSX); cut to 31 characters, []:*?/\ replaced
  std::vector<std::string> header;            // column titles, one row, bold in XLSX
  std::vector<std::vector<ExportCell>> rows;  // the body, in order
  std::vector<std::string> notes;             // lines above the header (title, totals, warnings)
};

// The bytes of an .xlsx workbook with one worksheet per sheet, in order: the notes (one
// per row, column A), then the header, then the rows. Text is stored as shared strings
// (Chinese intact); kFen cells are numbers with the format "0.00" (the value in yuan, exact
// to the fen for amounts under 2^53 fen); kInteger cells are plain numbers. Written into an
// anonymous temporary file (never a named file another process could read), read back and
// removed. kInvalidArgument: no sheets, or two sheets whose names collide; kInternal:
// libxlsxwriter failed (its message included). Any thread.
Result<std::string> WriteXlsx(const std::vector<ExportSheet>& sheets);

// The sheet as CSV: a UTF-8 BOM, the notes (one per line, one field), the header, the rows,
// CRLF line ends (RFC 4180). A field with a comma, quote, CR or LF is quoted, quotes doubled.
// A text field starting with = + - @, a tab or a CR gets a leading ' so a spreadsheet
// shows it as text instead of running it (OWASP "CSV injection"); numbers are written
// bare (kFen as yuan with two decimals, "-12.50"). Pure, any thread.
std::string WriteCsv(const ExportSheet& sheet);

// The value a kFen cell shows: fen as yuan with two decimals ("1225.00", "-0.05"). Pure.
std::string FenAsYuan(int64_t fen);

}  // namespace yimen::server
