// Opens XLSX bytes with tests/server/check_xlsx.py (python3 zipfile + xml.etree: a
// reader that shares no code with libxlsxwriter) and returns what it read, so a test can
// compare every cell. Used by the export writer's unit test and the roster test.
#pragma once

#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#ifndef YIMEN_CHECK_XLSX
#error "the test target defines YIMEN_CHECK_XLSX (the path of check_xlsx.py)"
#endif

namespace yimen::testing {

// {"sheets":[{"name","rows":[[cell...]...],"formats":{"r,c":code}}]}, or {"error": message}
// when the reader refused the file (its stderr) or could not run.
inline nlohmann::json ReadXlsx(const std::string& bytes) {
  char path[] = "/tmp/yimen-xlsx-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return {{"error", "mkstemp failed"}};
  ::close(fd);
  {
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  const std::string errors = std::string(path) + ".err";
  const std::string command =
      std::string("python3 '") + YIMEN_CHECK_XLSX + "' '" + path + "' 2>'" + errors + "'";
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return {{"error", "popen failed"}};
  std::array<char, 65536> buffer{};
  size_t got = 0;
  while ((got = fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    output.append(buffer.data(), got);
  const int status = pclose(pipe);
  std::string stderr_text;
  {
    std::ifstream in(errors);
    stderr_text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::remove(path);
  std::remove(errors.c_str());
  if (status != 0) return {{"error", "check_xlsx.py: " + stderr_text}};
  return nlohmann::json::parse(output, nullptr, false);
}

}  // namespace yimen::testing
