// yimen-admin's key custody commands (see admin_key_commands.h).
#include "server/admin_key_commands.h"

#include <cstdio>

#include "common/wipe.h"
#include "server/admin_cli.h"

namespace yimen::server {
namespace {

// Reads a new passphrase twice; kInvalidArgument when the two differ.
Result<std::string> ReadNewPassphrase() {
  auto first = cli::ReadSecretLine("new key passphrase: ");
  if (!first.ok()) return first.error();
  auto second = cli::ReadSecretLine("the same again: ");
  if (!second.ok()) {
    Wipe(&*first);
    return second.error();
  }
  const bool same = *first == *second;
  Wipe(&*second);
  if (!same) {
    Wipe(&*first);
    return MakeError(ErrorKind::kInvalidArgument, "the two passphrases differ; nothing changed");
  }
  return first;
}

int KeyStatus(PgPool& pool, KeyVault& vault, int limit) {
  std::printf("state       %s\n", KeyVaultStateName(vault.state()));
  Status status = pool.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    pqxx::result v = tx.exec("SELECT " + SqlIsoUtc("created_at") + ", " +
                             SqlIsoUtc("passphrase_changed_at") + ", failed_attempts, " +
                             SqlIsoUtc("locked_until") + ", opslimit, memlimit FROM key_vault");
    if (!v.empty()) {
      std::printf(
          "ceremony    %s\npassphrase  changed %s\nargon2id    ops %s, mem %lld MiB\n"
          "failures    %s in a row%s%s\n",
          v[0][0].c_str(), v[0][1].c_str(), v[0][4].c_str(),
          v[0][5].as<long long>() / (1024 * 1024), v[0][2].c_str(),
          v[0][3].as<std::string>().empty() ? "" : ", locked out until ", v[0][3].c_str());
    }
    pqxx::result keys =
        tx.exec("SELECT state, count(*) FROM sealing_keys GROUP BY state ORDER BY state");
    for (const auto& row : keys) {
      std::printf("keys        %s: %s\n", row[0].c_str(), row[1].c_str());
    }
    pqxx::result audit = tx.exec_params(
        "SELECT " + SqlIsoUtc("at") +
            ", event, actor, client, detail FROM key_audit ORDER BY id DESC LIMIT $1",
        limit);
    for (const auto& row : audit) {
      std::printf("audit       %s %-18s %-16s %s %s\n", row[0].c_str(), row[1].c_str(),
                  row[2].c_str(), row[3].c_str(), row[4].c_str());
    }
  });
  if (!status.ok()) return cli::Fail(status.error());
  return 0;
}

}  // namespace

const char* const kKeyCommandsUsage =
    "  key-ceremony                     set the first key passphrase (twice, from stdin):\n"
    "                                   wraps every sealing secret, drops the plaintext\n"
    "  key-passphrase change            old passphrase, then the new one twice (stdin)\n"
    "  key-status [--limit N]           custody state, lockout, recent key audit\n"
    "  unlock                           check the key passphrase (stdin); show and\n"
    "                                   attachment read it after the password themselves\n";

int UnlockForCommand(KeyVault& vault, const OfficeAccount& by) {
  if (vault.state() != KeyVault::State::kLocked) return 0;
  auto passphrase = cli::ReadSecretLine("key passphrase: ");
  if (!passphrase.ok()) {
    return cli::Fail(MakeError(ErrorKind::kInvalidArgument,
                               "the sealing keys are locked: give the key passphrase on the "
                               "line after the password"));
  }
  Status unlocked = vault.Unlock(*passphrase, by.name, cli::ClientLabel());
  Wipe(&*passphrase);
  if (!unlocked.ok()) return cli::Fail(unlocked.error());
  return 0;
}

std::optional<int> RunKeyCommand(PgPool& pool, KeyVault& vault, const std::string& command,
                                 std::vector<std::string> args, const OfficeAccount& by) {
  if (command == "key-status") {
    const int limit = std::stoi(cli::TakeFlag(&args, "--limit", "10"));
    if (!args.empty()) return -1;
    return KeyStatus(pool, vault, limit);
  }
  if (command == "unlock") {
    if (!args.empty()) return -1;
    if (vault.state() == KeyVault::State::kUnprotected) {
      return cli::Fail(
          MakeError(ErrorKind::kInvalidArgument,
                    "no passphrase yet: hold the ceremony (yimen-admin key-ceremony)"));
    }
    if (const int rc = UnlockForCommand(vault, by); rc != 0) return rc;
    std::printf("passphrase accepted (this process only: the unlock ends with it)\n");
    return 0;
  }
  if (command == "key-ceremony") {
    if (!args.empty()) return -1;
    auto passphrase = ReadNewPassphrase();
    if (!passphrase.ok()) return cli::Fail(passphrase.error());
    Status done = vault.SetUpPassphrase(*passphrase, by.name, cli::ClientLabel());
    Wipe(&*passphrase);
    if (!done.ok()) return cli::Fail(done.error());
    std::printf(
        "key passphrase set: every sealing secret is wrapped and the plaintext column is "
        "dropped. Opening an application now needs the passphrase.\n");
    return 0;
  }
  if (command == "key-passphrase") {
    if (args.size() != 1 || args[0] != "change") return -1;
    auto old_pass = cli::ReadSecretLine("current key passphrase: ");
    if (!old_pass.ok()) return cli::Fail(old_pass.error());
    auto new_pass = ReadNewPassphrase();
    if (!new_pass.ok()) {
      Wipe(&*old_pass);
      return cli::Fail(new_pass.error());
    }
    Status done = vault.ChangePassphrase(*old_pass, *new_pass, by.name, cli::ClientLabel());
    Wipe(&*old_pass);
    Wipe(&*new_pass);
    if (!done.ok()) return cli::Fail(done.error());
    std::printf("key passphrase changed (no application was touched)\n");
    return 0;
  }
  return std::nullopt;
}

}  // namespace yimen::server
