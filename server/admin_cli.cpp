// yimen-admin's shared command-line pieces (admin_cli.h).
#include "server/admin_cli.h"

#include <pwd.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

namespace yimen::server::cli {

int Fail(const Error& error) {
  std::fprintf(stderr, "yimen-admin: %s: %s\n", ErrorKindName(error.kind), error.message.c_str());
  return error.kind == ErrorKind::kInvalidArgument ? 2 : 1;
}

std::string TakeFlag(std::vector<std::string>* args, const std::string& flag,
                     const std::string& fallback) {
  for (size_t i = 0; i + 1 < args->size(); ++i) {
    if ((*args)[i] == flag) {
      std::string value = (*args)[i + 1];
      args->erase(args->begin() + static_cast<long>(i), args->begin() + static_cast<long>(i) + 2);
      return value;
    }
  }
  return fallback;
}

bool TakeSwitch(std::vector<std::string>* args, const std::string& flag) {
  for (size_t i = 0; i < args->size(); ++i) {
    if ((*args)[i] == flag) {
      args->erase(args->begin() + static_cast<long>(i));
      return true;
    }
  }
  return false;
}

Result<std::string> ReadSecretLine(const std::string& prompt) {
  const bool terminal = isatty(STDIN_FILENO) != 0;
  termios saved{};
  if (terminal) {
    std::fprintf(stderr, "%s: ", prompt.c_str());
    if (tcgetattr(STDIN_FILENO, &saved) == 0) {
      termios quiet = saved;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      (void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (terminal) {
    (void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    std::fprintf(stderr, "\n");
  }
  if (!got) return MakeError(ErrorKind::kInvalidArgument, "no " + prompt + " on stdin");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

Result<std::string> ReadAccountPassword(const std::string& user) {
  const char* file = std::getenv("YIMEN_ADMIN_PASSWORD_FILE");
  if (file == nullptr || *file == '\0') return ReadSecretLine("password for " + user);
  struct stat info {};
  if (stat(file, &info) != 0) {
    return MakeError(ErrorKind::kInvalidArgument,
                     std::string("YIMEN_ADMIN_PASSWORD_FILE: cannot read ") + file);
  }
  if ((info.st_mode & 077) != 0) {
    return MakeError(ErrorKind::kInvalidArgument,
                     std::string("YIMEN_ADMIN_PASSWORD_FILE ") + file +
                         " may be read by group or others: chmod 600 it");
  }
  std::ifstream in(file);
  std::string line;
  if (!in || !std::getline(in, line)) {
    return MakeError(ErrorKind::kInvalidArgument,
                     std::string("YIMEN_ADMIN_PASSWORD_FILE: cannot read ") + file);
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string ClientLabel() {
  const uid_t uid = getuid();
  const passwd* entry = getpwuid(uid);
  return "yimen-admin uid=" + std::to_string(uid) + "(" + (entry ? entry->pw_name : "?") + ")";
}

std::string CommandKey(const std::string& command, const std::vector<std::string>& args) {
  if ((command == "console-user" || command == "key-passphrase") && !args.empty()) {
    return command + " " + args[0];
  }
  return command;
}

}  // namespace yimen::server::cli
