// What every yimen-admin command shares: flags, error exits, and the secrets it reads
// (the signed-in account's password, then a command's own secret such as a new PIN),
// so main_admin.cpp and the command files parse and fail alike.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/result.h"
#include "server/office_accounts.h"

namespace yimen::server::cli {

// Prints "yimen-admin: KIND: message" on stderr; exit code 2 for kInvalidArgument, else 1.
int Fail(const Error& error);

// The value after `flag` in args, removing both; `fallback` if absent.
std::string TakeFlag(std::vector<std::string>* args, const std::string& flag,
                     const std::string& fallback = "");
// Removes a flag without a value; true if it was there.
bool TakeSwitch(std::vector<std::string>* args, const std::string& flag);

// Reads one line of stdin (without its line end), prompting on stderr without echo
// when stdin is a terminal. kInvalidArgument at end of input. Never from a flag: a
// flag shows in the process list.
Result<std::string> ReadSecretLine(const std::string& prompt);

// The signed-in account's password: the first line of the file named by
// YIMEN_ADMIN_PASSWORD_FILE (refused when group or others may read it), else a line
// of stdin.
Result<std::string> ReadAccountPassword(const std::string& user);

// "yimen-admin uid=0(root)": who ran the tool, for office_auth_log.
std::string ClientLabel();

// The command as the roles table names it ("console-user add" for subcommands).
std::string CommandKey(const std::string& command, const std::vector<std::string>& args);

}  // namespace yimen::server::cli
