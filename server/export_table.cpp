// XLSX through libxlsxwriter 1.1 (Debian 12), which can only write to a path: the
// workbook goes to a memfd named by /proc/self/fd/N, so the roster's names and ID numbers
// never sit in a named file another process could open, and vanish with the descriptor.
#include "server/export_table.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

#include <xlsxwriter.h>

namespace yimen::server {
namespace {

// Excel's limits on a worksheet's name: 31 characters, none of []:*?/\ .
std::string SheetTabName(const std::string& name, size_t index) {
  std::string out;
  size_t characters = 0;
  for (size_t i = 0; i < name.size() && characters < 31;) {
    const auto lead = static_cast<unsigned char>(name[i]);
    size_t length = 1;
    if (lead >= 0xF0) {
      length = 4;
    } else if (lead >= 0xE0) {
      length = 3;
    } else if (lead >= 0xC0) {
      length = 2;
    }
    if (i + length > name.size()) break;
    const std::string piece = name.substr(i, length);
    out += (length == 1 && std::strchr("[]:*?/\\", name[i]) != nullptr) ? std::string("_") : piece;
    i += length;
    ++characters;
  }
  if (out.empty()) out = "Sheet" + std::to_string(index + 1);
  return out;
}

// How wide a column must be for `text`, in Excel's character units: a CJK character (three
// UTF-8 bytes here) takes two.
double DisplayWidth(const std::string& text) {
  double width = 0;
  for (const char ch : text) {
    const auto byte = static_cast<unsigned char>(ch);
    if ((byte & 0xC0) == 0x80) continue;
    width += byte >= 0xE0 ? 2.0 : 1.0;
  }
  return width;
}

std::string CellShown(const ExportCell& cell) {
  switch (cell.kind) {
    case ExportCell::Kind::kInteger: return std::to_string(cell.number);
    case ExportCell::Kind::kFen: return FenAsYuan(cell.number);
    case ExportCell::Kind::kText: break;
  }
  return cell.text;
}

// One CSV field: defused against formulas when `text`, then quoted if it must be.
std::string CsvField(const std::string& value, bool text) {
  std::string field;
  if (text && !value.empty() && std::strchr("=+-@\t\r", value[0]) != nullptr) field = "'";
  field += value;
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string quoted = "\"";
  for (const char c : field) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

Error XlsxError(const char* what, lxw_error code) {
  return MakeError(ErrorKind::kInternal,
                   std::string("libxlsxwriter: ") + what + ": " + lxw_strerror(code));
}

// The workbook's own handle, closed (and so written) exactly once.
class Workbook {
 public:
  explicit Workbook(const std::string& path) : m_book(workbook_new(path.c_str())) {}
  ~Workbook() {
    if (m_book != nullptr) workbook_close(m_book);
  }
  Workbook(const Workbook&) = delete;
  Workbook& operator=(const Workbook&) = delete;
  lxw_workbook* get() const { return m_book; }
  lxw_error Close() {
    const lxw_error code = workbook_close(m_book);
    m_book = nullptr;
    return code;
  }

 private:
  lxw_workbook* m_book;
};

Status WriteSheet(lxw_workbook* book, const ExportSheet& sheet, size_t index, lxw_format* bold,
                  lxw_format* money) {
  lxw_worksheet* ws = workbook_add_worksheet(book, SheetTabName(sheet.name, index).c_str());
  if (ws == nullptr)
    return MakeError(ErrorKind::kInternal, "libxlsxwriter: cannot add a worksheet");
  std::vector<double> widths(sheet.header.size(), 8.0);
  auto widen = [&widths](size_t column, const std::string& shown) {
    if (column >= widths.size()) widths.resize(column + 1, 8.0);
    widths[column] = std::max(widths[column], std::min(60.0, DisplayWidth(shown) + 2.0));
  };
  lxw_row_t row = 0;
  for (const std::string& note : sheet.notes) {
    const lxw_error code = worksheet_write_string(ws, row++, 0, note.c_str(), nullptr);
    if (code != LXW_NO_ERROR) return XlsxError("note", code);
  }
  for (size_t c = 0; c < sheet.header.size(); ++c) {
    const lxw_error code =
        worksheet_write_string(ws, row, static_cast<lxw_col_t>(c), sheet.header[c].c_str(), bold);
    if (code != LXW_NO_ERROR) return XlsxError("header", code);
    widen(c, sheet.header[c]);
  }
  if (!sheet.header.empty()) ++row;
  for (const auto& cells : sheet.rows) {
    for (size_t c = 0; c < cells.size(); ++c) {
      const ExportCell& cell = cells[c];
      const auto col = static_cast<lxw_col_t>(c);
      lxw_error code = LXW_NO_ERROR;
      switch (cell.kind) {
        case ExportCell::Kind::kText:
          // An empty string is no cell at all in XLSX; write_string refuses "".
          if (!cell.text.empty())
            code = worksheet_write_string(ws, row, col, cell.text.c_str(), nullptr);
          break;
        case ExportCell::Kind::kInteger:
          code = worksheet_write_number(ws, row, col, static_cast<double>(cell.number), nullptr);
          break;
        case ExportCell::Kind::kFen:
          code =
              worksheet_write_number(ws, row, col, static_cast<double>(cell.number) / 100.0, money);
          break;
      }
      if (code != LXW_NO_ERROR) return XlsxError("cell", code);
      if (row < 2000) widen(c, CellShown(cell));  // a sample is enough to size the columns
    }
    ++row;
  }
  for (size_t c = 0; c < widths.size(); ++c) {
    worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), widths[c],
                         nullptr);
  }
  if (!sheet.header.empty()) {
    worksheet_freeze_panes(ws, static_cast<lxw_row_t>(sheet.notes.size() + 1), 0);
  }
  return Status::Ok();
}

}  // namespace

std::string FenAsYuan(int64_t fen) {
  const bool negative = fen < 0;
  // Through unsigned so INT64_MIN has a magnitude.
  const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(fen) : static_cast<uint64_t>(fen);
  const uint64_t cents = magnitude % 100;
  std::string out = negative ? "-" : "";
  out += std::to_string(magnitude / 100);
  out += '.';
  out += static_cast<char>('0' + cents / 10);
  out += static_cast<char>('0' + cents % 10);
  return out;
}

std::string WriteCsv(const ExportSheet& sheet) {
  std::string out = "\xEF\xBB\xBF";
  for (const std::string& note : sheet.notes) {
    out += CsvField(note, true);
    out += "\r\n";
  }
  auto line = [&out](size_t count, auto&& field_at) {
    for (size_t c = 0; c < count; ++c) {
      if (c > 0) out += ',';
      out += field_at(c);
    }
    out += "\r\n";
  };
  if (!sheet.header.empty()) {
    line(sheet.header.size(), [&](size_t c) { return CsvField(sheet.header[c], true); });
  }
  for (const auto& cells : sheet.rows) {
    line(cells.size(), [&](size_t c) {
      return CsvField(CellShown(cells[c]), cells[c].kind == ExportCell::Kind::kText);
    });
  }
  return out;
}

Result<std::string> WriteXlsx(const std::vector<ExportSheet>& sheets) {
  if (sheets.empty()) return MakeError(ErrorKind::kInvalidArgument, "an export needs a sheet");
  std::set<std::string> tabs;
  for (size_t i = 0; i < sheets.size(); ++i) {
    if (!tabs.insert(SheetTabName(sheets[i].name, i)).second) {
      return MakeError(ErrorKind::kInvalidArgument, "two sheets are named " + sheets[i].name);
    }
  }
  const int fd = memfd_create("yimen-export", MFD_CLOEXEC);
  if (fd < 0)
    return MakeError(ErrorKind::kInternal, std::string("memfd_create: ") + std::strerror(errno));
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  {
    Workbook book("/proc/self/fd/" + std::to_string(fd));
    if (book.get() == nullptr)
      return MakeError(ErrorKind::kInternal, "libxlsxwriter: cannot start a workbook");
    lxw_format* bold = workbook_add_format(book.get());
    format_set_bold(bold);
    lxw_format* money = workbook_add_format(book.get());
    format_set_num_format(money, "0.00");
    for (size_t i = 0; i < sheets.size(); ++i) {
      Status written = WriteSheet(book.get(), sheets[i], i, bold, money);
      if (!written.ok()) return written.error();
    }
    const lxw_error code = book.Close();
    if (code != LXW_NO_ERROR) return XlsxError("close", code);
  }
  struct stat info {};
  if (fstat(fd, &info) != 0)
    return MakeError(ErrorKind::kInternal, std::string("fstat: ") + std::strerror(errno));
  std::string bytes(static_cast<size_t>(info.st_size), '\0');
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t got =
        pread(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0)
      return MakeError(ErrorKind::kInternal,
                       std::string("reading the workbook back: ") + std::strerror(errno));
    done += static_cast<size_t>(got);
  }
  return bytes;
}

}  // namespace yimen::server
