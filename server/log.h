// The server's one way to log: one line per event, logfmt (key=value, values quoted
// when they must be), on stderr. Under systemd (JOURNAL_STREAM names our stderr) each
// line starts with its syslog priority ("<6>") for journald and carries no timestamp,
// which the journal adds; elsewhere it starts with ts=. What goes in is chosen by the
// caller and never personal data: no names, ID numbers, bodies or raw paths
// (docs/operations.md "Metrics and logs").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace yimen::server {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// One event being put together: level=... event=... then the fields in order added.
class LogLine {
 public:
  LogLine(LogLevel level, std::string_view event);
  LogLine& Add(std::string_view key, std::string_view value);
  LogLine& Add(std::string_view key, const char* value) {
    return Add(key, std::string_view(value));
  }
  LogLine& Add(std::string_view key, int64_t value);
  // A duration in milliseconds with one decimal.
  LogLine& AddMs(std::string_view key, double ms);

  LogLevel level() const { return m_level; }
  // The line without timestamp, priority prefix or newline.
  const std::string& text() const { return m_text; }

 private:
  LogLevel m_level;
  std::string m_text;
};

// A logfmt value: as is when it is a plain token, else double-quoted with \" \\ \n
// \r \t and other control bytes (\u00XX) escaped. Pure.
std::string LogfmtValue(std::string_view value);

// The line as written to stderr: "<6>" + text under journald, "ts=... " + text
// elsewhere, with a newline. Pure.
std::string FormatLogLine(const LogLine& line, bool journald);

// True when stderr is the journal's stream (JOURNAL_STREAM=dev:inode matches fd 2).
// Read once. Any thread.
bool StderrIsJournal();

// Writes the line to stderr in one write(2), so lines from several threads never
// interleave. Any thread.
void WriteLog(const LogLine& line);

}  // namespace yimen::server
