// yimen-admin's key custody commands (server/key_vault.h): the passphrase ceremony,
// the passphrase change, the custody state and audit, and the unlock that show and
// attachment do for themselves. Kept out of main_admin.cpp so it stays a list.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "server/key_vault.h"
#include "server/office_accounts.h"
#include "server/pg_pool.h"

namespace yimen::server {

// Runs key-ceremony, key-passphrase change, key-status or unlock for the signed-in
// account `by` and returns the exit code (-1: wrong arguments); nullopt for another
// command. Passphrases are the next lines of stdin (after the account's password).
std::optional<int> RunKeyCommand(PgPool& pool, KeyVault& vault, const std::string& command,
                                 std::vector<std::string> args, const OfficeAccount& by);

// For a command that opens applications (show, attachment): when the vault is locked,
// reads the passphrase (the next line of stdin) and unlocks in this process's memory,
// for this command only. Returns 0, or the exit code after printing why not.
int UnlockForCommand(KeyVault& vault, const OfficeAccount& by);

extern const char* const kKeyCommandsUsage;

}  // namespace yimen::server
