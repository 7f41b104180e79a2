// yimen-admin: the central office's command line, straight on the database. Every
// command but `migrate` and `sealing-key` runs as a signed-in office account
// (--user NAME; the password from YIMEN_ADMIN_PASSWORD_FILE or stdin), and its role
// decides which commands it may run (server/office_accounts.h, docs/operations.md).
//   yimen-admin --pg URL | --config /etc/yimen/server.toml (its [database] url) ...
//   yimen-admin --pg URL --user NAME list [--limit N]
//   yimen-admin --pg URL --user NAME set-status APP_NO STATUS|ACTION [--reason TEXT] ...
//   yimen-admin --pg URL --user NAME queue | comment | hall | department | holiday ...
//   yimen-admin --pg URL --user NAME show APP_NO [--catalog DIR]
//     (show and attachment: after the ceremony the key passphrase is the line of
//      stdin after the password; the unlock lasts for that command only)
//   yimen-admin --pg URL --user NAME key-ceremony | key-passphrase change | key-status | unlock
//   yimen-admin --pg URL enroll-code --hall NAME [--ttl-hours N]
//   yimen-admin --pg URL kiosks
//   yimen-admin --pg URL revoke DEVICE_ID --reason TEXT
//   yimen-admin --pg URL publish-catalog FILE
//   yimen-admin --pg URL migrate
//   yimen-admin --pg URL sealing-key | sealing-keys | rotate-sealing-key
//   yimen-admin --pg URL retire-sealing-key KEY_ID
//   yimen-admin --pg URL attachment APP_NO ATTACHMENT_ID OUT_FILE
//   yimen-admin --pg URL staff-add NAME --hall HALL | staff-disable NAME --hall HALL
//   yimen-admin --pg URL staff-list | audit [--kiosk DEVICE_ID] [--limit N]
//   yimen-admin --pg URL console-user add NAME --role ROLE --scope SCOPE [--bootstrap]
//   yimen-admin --pg URL console-user disable NAME | console-user list | sign-in-log
//   yimen-admin --pg URL --user NAME roster --town T --month M --services A,B --out FILE
#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "common/wipe.h"
#include "domain/catalog.h"
#include "server/admin.h"
#include "server/admin_cli.h"
#include "server/admin_fleet_commands.h"
#include "server/admin_key_commands.h"
#include "server/admin_office_commands.h"
#include "server/admin_staff_commands.h"
#include "server/admin_workflow_commands.h"
#include "server/application_open.h"
#include "server/decision_delivery.h"
#include "server/key_ring.h"
#include "server/key_vault.h"
#include "server/migrations.h"
#include "server/office_accounts.h"
#include "server/office_catalog.h"
#include "server/office_roster.h"
#include "server/server_config.h"
#include "sync/protocol/signing.h"
#include "sync/protocol/status.h"

namespace {

using yimen::server::PgPool;
using yimen::server::cli::Fail;
using yimen::server::cli::TakeFlag;

int Usage() {
  std::fprintf(
      stderr,
      "usage: yimen-admin (--pg URL | --config FILE) [--user NAME] COMMAND\n"
      "  --config FILE: the database from a yimen-server configuration file\n"
      "  ([database] url, e.g. /etc/yimen/server.toml); --pg wins over it.\n"
      "  --user NAME: the office account to sign in as (every command but migrate\n"
      "  and sealing-key); its password is the first line of the file named by\n"
      "  YIMEN_ADMIN_PASSWORD_FILE (mode 600), else the first line of stdin.\n"
      "  list [--limit N]                 newest applications first\n"
      "  show APP_NO [--catalog DIR]      open one application (unseal, check, and\n"
      "                                   re-validate with the catalog version the kiosk\n"
      "                                   used: published, or --catalog DIR) and print it\n"
      "  enroll-code --hall NAME [--ttl-hours N]   one-time kiosk enrollment code\n"
      "  publish-catalog FILE             make a catalog version available to kiosks\n"
      "  migrate                          apply schema migrations and exit\n"
      "  sealing-key                      the active public sealing key (base64), for\n"
      "                                   yimen-kiosk --provision-sealing-key\n"
      "  sealing-keys                     the key ring: id, state, created\n"
      "  rotate-sealing-key               new active key; the old one still opens\n"
      "  retire-sealing-key KEY_ID        delete an old key's secret (refused while a\n"
      "                                   kiosk holds undelivered items sealed to it)\n"
      "  attachment APP_NO ID OUT_FILE    decrypt an uploaded document photo\n"
      "  roster --town T --month YYYY-MM --services CODE,CODE --out FILE.xlsx|FILE.csv\n"
      "         [--catalog DIR]           the subsidy roster (补贴清册), audited; "
      "supervisors\n%s%s%s%s",
      yimen::server::kStaffCommandsUsage, yimen::server::kOfficeCommandsUsage,
      yimen::server::kFleetCommandsUsage, yimen::server::kKeyCommandsUsage);
  std::fputs(yimen::server::kWorkflowCommandsUsage, stderr);
  return 2;
}

// yimen-admin roster: the console's export (server/office_roster.h) written to a file only
// its owner may read. The catalog (service names) as set-status finds it.
int ExportRosterFile(PgPool& pool, yimen::server::KeyVault& vault, std::vector<std::string> args,
                     const yimen::server::OfficeAccount& by) {
  yimen::server::RosterRequest request;
  request.town = TakeFlag(&args, "--town", "");
  request.month = TakeFlag(&args, "--month", "");
  const std::string services = TakeFlag(&args, "--services", "");
  const std::string out = TakeFlag(&args, "--out", "");
  std::string catalog_dir = TakeFlag(&args, "--catalog", "");
  for (size_t at = 0; at <= services.size();) {
    const size_t comma = std::min(services.find(',', at), services.size());
    if (comma > at) request.services.push_back(services.substr(at, comma - at));
    at = comma + 1;
  }
  const size_t dot = out.rfind('.');
  const std::string format = dot == std::string::npos ? "" : out.substr(dot + 1);
  if (!args.empty() || request.town.empty() || out.empty() ||
      (format != "xlsx" && format != "csv")) {
    return Usage();
  }
  if (catalog_dir.empty()) {
    const char* from_env = std::getenv("YIMEN_CATALOG_DIR");
    catalog_dir = from_env != nullptr && *from_env != '\0' ? from_env : "/usr/share/yimen/catalog";
  }
  auto catalog = yimen::LoadCatalog(catalog_dir);
  if (!catalog.ok()) return Fail(catalog.error());
  if (const int rc = yimen::server::UnlockForCommand(vault, by); rc != 0) return rc;
  auto file = yimen::server::ExportRoster(pool, vault, &*catalog, by, request, format,
                                          "yimen-admin " + yimen::server::cli::ClientLabel());
  if (!file.ok()) return Fail(file.error());
  const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  bool written = fd >= 0;
  for (size_t done = 0; written && done < file->bytes.size();) {
    const ssize_t n = ::write(fd, file->bytes.data() + done, file->bytes.size() - done);
    written = n > 0;
    if (written) done += static_cast<size_t>(n);
  }
  if (fd >= 0 && ::close(fd) != 0) written = false;
  yimen::Wipe(&file->bytes);
  if (!written) {
    std::fprintf(stderr, "yimen-admin: cannot write %s (the export is audited as #%lld)\n",
                 out.c_str(), static_cast<long long>(file->export_id));
    return 1;
  }
  std::printf("%s: roster export #%lld, sha256 %s\n", out.c_str(),
              static_cast<long long>(file->export_id), file->sha256.c_str());
  return 0;
}

// Signs `user` in for `command` (its password from the file or stdin) into `account`.
// Returns 0, or the exit code after printing why not.
int SignIn(PgPool& pool, const std::string& user, const std::string& command,
           std::optional<yimen::server::OfficeAccount>* account) {
  if (user.empty()) {
    std::fprintf(stderr,
                 "yimen-admin: %s needs an office account: --user NAME (docs/operations.md)\n",
                 command.c_str());
    return 1;
  }
  auto password = yimen::server::cli::ReadAccountPassword(user);
  if (!password.ok()) return Fail(password.error());
  auto signed_in = yimen::server::SignIn(pool, user, *password, command,
                                         yimen::server::cli::ClientLabel());
  yimen::Wipe(&*password);
  if (!signed_in.ok()) return Fail(signed_in.error());
  *account = *signed_in;
  return 0;
}

// Who runs `command`: the bootstrap (runs it here and returns its exit code), a
// command needing no account, or a signed-in account allowed to run it. Returns -1 to
// go on with `account` set (or empty for migrate and sealing-key), else the exit code.
int Admit(PgPool& pool, const std::string& user, const std::string& command,
          std::vector<std::string>* args, std::optional<yimen::server::OfficeAccount>* account) {
  if (command == "console-user" && yimen::server::cli::TakeSwitch(args, "--bootstrap")) {
    if (!user.empty()) {
      return Fail(yimen::MakeError(yimen::ErrorKind::kInvalidArgument,
                                   "--bootstrap creates the first account: run it without --user"));
    }
    const int rc = yimen::server::RunConsoleUserBootstrap(pool, *args);
    return rc < 0 ? Usage() : rc;
  }
  if (!yimen::server::CommandNeedsAccount(command)) return -1;
  const std::string key = yimen::server::cli::CommandKey(command, *args);
  if (!yimen::server::IsKnownCommand(key)) return Usage();
  const int rc = SignIn(pool, user, key, account);
  return rc != 0 ? rc : -1;
}

// Opens one application the office way (server/application_open.h) and prints it; the
// photo keys inside are not printed (yimen-admin attachment decrypts a photo).
int ShowApplication(PgPool& pool, yimen::server::KeyVault& vault, const std::string& number,
                    const std::string& catalog_dir) {
  yimen::server::CatalogShelf shelf(pool);
  if (!catalog_dir.empty()) {
    auto loaded = yimen::LoadCatalog(catalog_dir);
    if (!loaded.ok()) return Fail(loaded.error());
    shelf.Add(std::move(*loaded));
  }
  auto opened = yimen::server::OpenApplication(pool, vault, number, &shelf);
  if (!opened.ok()) return Fail(opened.error());
  if (auto attachments = opened->payload.find("attachments");
      attachments != opened->payload.end() && attachments->is_object()) {
    for (auto& [ref, value] : attachments->items()) {
      if (!value.is_string()) continue;
      const std::string text = value.get<std::string>();
      const size_t key_at = text.find(";key=");
      if (key_at != std::string::npos) value = text.substr(0, key_at) + ";key=(not shown)";
    }
  }
  const yimen::server::ApplicationRow& row = opened->row;
  const std::string rules = opened->validated
                                ? "passes the rules of catalog " + opened->catalog_version
                                : opened->validation_note;
  std::printf(
      "app_number  %s\nuuid        %s\nreceipt     %s\nservice     %s\nhall        %s\n"
      "device      %lld\nreceived_at %s\nstatus      %s\ncatalog     %s\nrules       %s\n",
      row.app_number.c_str(), row.uuid.c_str(), row.receipt.c_str(), row.service_code.c_str(),
      row.hall.c_str(), static_cast<long long>(row.device_id), row.received_at.c_str(),
      row.status.empty() ? "(none)" : row.status.c_str(),
      opened->catalog_version.empty() ? "(not recorded)" : opened->catalog_version.c_str(),
      rules.c_str());
  // The visit and the decision-delivery choice, as the console's page shows them.
  if (!row.visit_number.empty()) {
    std::printf("visit       %s (%d applications)\n", row.visit_number.c_str(), row.visit_size);
  }
  auto catalog = shelf.Find(opened->catalog_version);
  const yimen::ServiceSpec* service =
      catalog.ok() ? (*catalog)->FindService(row.service_code) : nullptr;
  std::printf("delivery    %s\n",
              yimen::server::DecisionDeliveryLine(service, opened->payload, "zh").c_str());
  std::printf("%s\n",
              opened->payload.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const std::string config_file = TakeFlag(&args, "--config", "");
  std::string pg_url = TakeFlag(&args, "--pg", "");
  // The server's own file names the database; --pg wins over it.
  if (pg_url.empty() && !config_file.empty()) {
    auto from_file = yimen::server::DatabaseUrlFromConfig(config_file);
    if (!from_file.ok()) return Fail(from_file.error());
    pg_url = *from_file;
  }
  const std::string user = TakeFlag(&args, "--user", "");
  if (pg_url.empty() || args.empty()) return Usage();
  const std::string command = args[0];
  args.erase(args.begin());

  PgPool pool(pg_url, 1);
  // Every command may be the first thing to touch a fresh database.
  if (auto version = yimen::server::ApplyMigrations(pool); !version.ok()) {
    return Fail(version.error());
  }

  if (command == "migrate") {
    return 0;
  }
  std::optional<yimen::server::OfficeAccount> account;
  if (const int rc = Admit(pool, user, command, &args, &account); rc >= 0) return rc;
  // This process's own key custody: an unlock here (show, attachment) lives and dies
  // with this command (docs/operations.md "Key custody").
  yimen::server::KeyVault vault(pool, std::chrono::minutes(10));

  if (command == "list") {
    const int limit = std::stoi(TakeFlag(&args, "--limit", "100"));
    auto rows = yimen::server::ListApplications(pool, limit);
    if (!rows.ok()) return Fail(rows.error());
    std::printf("%-22s %-20s %-12s %-10s %-6s %-20s %s\n", "app_number", "receipt", "service",
                "hall", "device", "received_at", "status");
    for (const auto& row : *rows) {
      std::printf("%-22s %-20s %-12s %-10s %-6lld %-20s %s%s\n", row.app_number.c_str(),
                  row.receipt.c_str(), row.service_code.c_str(), row.hall.c_str(),
                  static_cast<long long>(row.device_id), row.received_at.c_str(),
                  row.status.empty() ? "(none)" : row.status.c_str(),
                  row.complete ? "" : " [attachments pending]");
    }
    return 0;
  }
  if (command == "show") {
    const std::string catalog_dir = TakeFlag(&args, "--catalog", "");
    if (args.size() != 1) return Usage();
    if (const int rc = yimen::server::UnlockForCommand(vault, *account); rc != 0) return rc;
    return ShowApplication(pool, vault, args[0], catalog_dir);
  }
  if (command == "enroll-code") {
    const std::string hall = TakeFlag(&args, "--hall", "");
    const int ttl = std::stoi(TakeFlag(&args, "--ttl-hours", "24"));
    if (hall.empty() || !args.empty()) return Usage();
    auto code = yimen::server::IssueEnrollCode(pool, hall, ttl);
    if (!code.ok()) return Fail(code.error());
    std::printf("%s\n", code->c_str());
    return 0;
  }
  if (command == "sealing-key" || command == "sealing-keys" || command == "rotate-sealing-key") {
    if (!args.empty()) return Usage();
    if (auto s = yimen::server::EnsureKeyRing(pool); !s.ok()) return Fail(s.error());
    if (command == "rotate-sealing-key") {
      auto key = yimen::server::RotateSealingKey(pool);
      if (!key.ok()) return Fail(key.error());
      (void)yimen::server::AuditKeyEvent(
          pool, "rotation", account->name, yimen::server::cli::ClientLabel(),
          "new active key " + key->key_id +
              (vault.state() == yimen::server::KeyVault::State::kUnprotected
                   ? " (plaintext: no ceremony yet)"
                   : " (wrapped to the vault)"));
      std::printf("active sealing key is now %s (kiosks switch at their next heartbeat)\n",
                  key->key_id.c_str());
      return 0;
    }
    auto ring = yimen::server::LoadKeyRing(pool, yimen::server::KeySecrets::kWithout);
    if (!ring.ok()) return Fail(ring.error());
    for (const auto& key : *ring) {
      if (command == "sealing-key") {
        if (key.state == yimen::server::KeyState::kActive) {
          std::printf("%s\n", yimen::Base64Encode(key.public_key).c_str());
        }
      } else {
        std::printf("%s %-8s %s\n", key.key_id.c_str(), yimen::server::KeyStateName(key.state),
                    key.created_at.c_str());
      }
    }
    return 0;
  }
  if (command == "retire-sealing-key") {
    if (args.size() != 1) return Usage();
    if (auto s = yimen::server::RetireSealingKey(pool, args[0]); !s.ok()) return Fail(s.error());
    (void)yimen::server::AuditKeyEvent(pool, "retire", account->name,
                                       yimen::server::cli::ClientLabel(), "key " + args[0]);
    std::printf("sealing key %s retired: its secret is deleted\n", args[0].c_str());
    return 0;
  }
  if (command == "attachment") {
    if (args.size() != 3) return Usage();
    if (const int rc = yimen::server::UnlockForCommand(vault, *account); rc != 0) return rc;
    auto plain = yimen::server::ReadAttachmentPlaintext(pool, vault, args[0], args[1]);
    if (!plain.ok()) return Fail(plain.error());
    std::ofstream out(args[2], std::ios::binary | std::ios::trunc);
    out.write(plain->data(), static_cast<std::streamsize>(plain->size()));
    if (!out) {
      std::fprintf(stderr, "yimen-admin: cannot write %s\n", args[2].c_str());
      return 1;
    }
    return 0;
  }
  if (command == "publish-catalog") {
    if (args.size() != 1) return Usage();
    std::ifstream in(args[0]);
    if (!in) {
      std::fprintf(stderr, "yimen-admin: cannot read %s\n", args[0].c_str());
      return 1;
    }
    std::stringstream text;
    text << in.rdbuf();
    const yimen::server::CatalogActor by{account->name,
                                         yimen::server::OfficeRoleName(account->role),
                                         "yimen-admin " + yimen::server::cli::ClientLabel()};
    if (auto s = yimen::server::PublishCatalogNow(pool, text.str(), by); !s.ok())
      return Fail(s.error());
    return 0;
  }
  if (command == "roster") return ExportRosterFile(pool, vault, args, *account);
  if (auto rc = yimen::server::RunStaffCommand(pool, command, args, *account)) {
    return *rc < 0 ? Usage() : *rc;
  }
  if (auto rc = yimen::server::RunWorkflowCommand(pool, command, args, *account)) {
    return *rc < 0 ? Usage() : *rc;
  }
  if (auto rc = yimen::server::RunFleetCommand(pool, command, args, *account)) {
    return *rc < 0 ? Usage() : *rc;
  }
  if (auto rc = yimen::server::RunOfficeCommand(pool, command, args, *account)) {
    return *rc < 0 ? Usage() : *rc;
  }
  if (auto rc = yimen::server::RunKeyCommand(pool, vault, command, args, *account)) {
    return *rc < 0 ? Usage() : *rc;
  }
  return Usage();
}
