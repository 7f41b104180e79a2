// logfmt lines on stderr; see log.h for what may go in them.
#include "server/log.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace yimen::server {
namespace {

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
  }
  return "info";
}

// syslog priorities, as journald reads them from a "<N>" prefix.
int Priority(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return 7;
    case LogLevel::kInfo: return 6;
    case LogLevel::kWarn: return 4;
    case LogLevel::kError: return 3;
  }
  return 6;
}

bool NeedsQuotes(std::string_view value) {
  if (value.empty()) return true;
  for (const char ch : value) {
    const auto byte = static_cast<unsigned char>(ch);
    if (byte <= ' ' || ch == '=' || ch == '"' || ch == '\\' || byte == 0x7f) return true;
  }
  return false;
}

}  // namespace

std::string LogfmtValue(std::string_view value) {
  if (!NeedsQuotes(value)) return std::string(value);
  std::string out = "\"";
  for (const char ch : value) {
    const auto byte = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (byte < 0x20 || byte == 0x7f) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", byte);
          out += escaped;
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
  return out;
}

LogLine::LogLine(LogLevel level, std::string_view event) : m_level(level) {
  m_text = "level=";
  m_text += LevelName(level);
  Add("event", event);
}

LogLine& LogLine::Add(std::string_view key, std::string_view value) {
  m_text.push_back(' ');  // never empty: the constructor wrote level=
  m_text.append(key);
  m_text.push_back('=');
  m_text += LogfmtValue(value);
  return *this;
}

LogLine& LogLine::Add(std::string_view key, int64_t value) {
  return Add(key, std::string_view(std::to_string(value)));
}

LogLine& LogLine::AddMs(std::string_view key, double ms) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", ms);
  return Add(key, std::string_view(buffer));
}

std::string FormatLogLine(const LogLine& line, bool journald) {
  std::string out;
  if (journald) {
    out = "<" + std::to_string(Priority(line.level())) + ">";
  } else {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char stamp[40];
    std::strftime(stamp, sizeof stamp, "ts=%Y-%m-%dT%H:%M:%SZ ", &tm);
    out = stamp;
  }
  out += line.text();
  out.push_back('\n');
  return out;
}

bool StderrIsJournal() {
  static const bool journal = [] {
    const char* stream = std::getenv("JOURNAL_STREAM");
    if (stream == nullptr) return false;
    unsigned long long dev = 0;
    unsigned long long ino = 0;
    if (std::sscanf(stream, "%llu:%llu", &dev, &ino) != 2) return false;
    struct stat st {};
    if (fstat(STDERR_FILENO, &st) != 0) return false;
    return static_cast<unsigned long long>(st.st_dev) == dev &&
           static_cast<unsigned long long>(st.st_ino) == ino;
  }();
  return journal;
}

void WriteLog(const LogLine& line) {
  const std::string text = FormatLogLine(line, StderrIsJournal());
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(STDERR_FILENO, text.data() + done, text.size() - done);
    if (n <= 0) return;  // nowhere to log to; never block or fail a request for it
    done += static_cast<size_t>(n);
  }
}

}  // namespace yimen::server
