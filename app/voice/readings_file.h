// The voice's own data files (assets/voice/*.txt) share one plain format: one entry a
// line, fields split on whitespace, '#' starts a comment. One reader for both.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "domain/result.h"

namespace yimen::voice {

// Calls fn(line_no, fields) for every line of `path` that has a field; fn returns a
// Status, and the first failure stops the reading and is returned. kNotFound when the
// file cannot be opened. Any thread.
template <class Fn>
Status ForEachReadingsLine(const std::string& path, Fn&& fn) {
  std::ifstream in(path);
  if (!in) return MakeError(ErrorKind::kNotFound, "cannot open " + path);
  std::string line;
  size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (size_t hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream stream(line);
    std::vector<std::string> fields;
    for (std::string f; stream >> f;) fields.push_back(std::move(f));
    if (fields.empty()) continue;
    if (Status s = fn(line_no, fields); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace yimen::voice
