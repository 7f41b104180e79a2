// Office accounts (the issue "the central server must survive its own kiosks and the
// open network"): yimen-admin changes nothing without a signed-in account, refuses a
// wrong password the same way whether the name exists or not, slows and locks out
// repeated failures, records the account as the actor, and lets roles decide commands.
// Real binaries (yimen-admin as a child process), real PostgreSQL, real Argon2id.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <chrono>

#include "common/secret_hash.h"
#include "server/office_accounts.h"
#include "server/server_test_support.h"

namespace yimen::testing {
namespace {

class OfficeAccounts : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(PgCluster::Get().ok()) << "no PostgreSQL";
    ASSERT_TRUE(office.Bootstrap());
  }
  // yimen-admin with no --user at all.
  CommandResult Anonymous(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {YIMEN_ADMIN_BIN, "--pg", db.url()});
    return RunCommand(args, input, true);
  }
  // The last line yimen-admin printed (its refusal).
  static std::string LastLine(const CommandResult& r) {
    std::string text = Trim(r.out);
    const size_t nl = text.rfind('\n');
    return nl == std::string::npos ? text : text.substr(nl + 1);
  }
  TestDatabase db;
  OfficeAdmin office{db.url()};
};

TEST_F(OfficeAccounts, ChangesNeedASignedInAccountAndAWrongPasswordTellsNothing) {
  // No --user: refused, nothing issued (before, the database URL was enough).
  const CommandResult anonymous = Anonymous({"enroll-code", "--hall", "东门社区"});
  EXPECT_EQ(anonymous.exit_code, 1) << anonymous.out;
  EXPECT_NE(anonymous.out.find("--user"), std::string::npos) << anonymous.out;
  EXPECT_EQ(Anonymous({"staff-add", "wangli", "--hall", "东门社区"}, "24681357\n").exit_code, 1);
  EXPECT_EQ(db.Count("SELECT count(*) FROM enroll_codes"), 0);
  EXPECT_EQ(db.Count("SELECT count(*) FROM staff_accounts"), 0);

  // A wrong password and an unknown name get the very same answer.
  const CommandResult wrong =
      office.RunAs(office.user(), "not the password", {"enroll-code", "--hall", "东门社区"}, "", true);
  const CommandResult unknown =
      office.RunAs("nobody", "not the password", {"enroll-code", "--hall", "东门社区"}, "", true);
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_EQ(LastLine(wrong), LastLine(unknown));
  EXPECT_NE(LastLine(wrong).find(server::kSignInRefused), std::string::npos) << wrong.out;
  EXPECT_EQ(db.Count("SELECT count(*) FROM enroll_codes"), 0);
  // Both are in the sign-in log, with who ran the tool.
  EXPECT_EQ(db.Count("SELECT count(*) FROM office_auth_log WHERE outcome = 'refused' "
                     "AND command = 'enroll-code' AND client LIKE 'yimen-admin uid=%'"),
            2);

  // The right password works, from stdin or from a password file (mode 600 only).
  EXPECT_EQ(office.Run({"enroll-code", "--hall", "东门社区"}).exit_code, 0);
  SyncTempDir dir;
  const std::string file = dir.path() + "/password";
  FILE* out = std::fopen(file.c_str(), "w");
  ASSERT_NE(out, nullptr);
  std::fprintf(out, "%s\n", OfficeAdmin::kPassword);
  std::fclose(out);
  ASSERT_EQ(chmod(file.c_str(), 0644), 0);
  ASSERT_EQ(setenv("YIMEN_ADMIN_PASSWORD_FILE", file.c_str(), 1), 0);
  const std::vector<std::string> enroll = {YIMEN_ADMIN_BIN, "--pg", db.url(), "--user",
                                           office.user(), "enroll-code", "--hall", "东门社区"};
  EXPECT_EQ(RunCommand(enroll).exit_code, 2) << "a password file others may read is refused";
  ASSERT_EQ(chmod(file.c_str(), 0600), 0);
  EXPECT_EQ(RunCommand(enroll).exit_code, 0);
  unsetenv("YIMEN_ADMIN_PASSWORD_FILE");
  EXPECT_EQ(db.Count("SELECT count(*) FROM enroll_codes"), 2);
  EXPECT_EQ(db.Count("SELECT count(*) FROM office_auth_log WHERE outcome = 'accepted'"), 2);
}

TEST_F(OfficeAccounts, BootstrapOnlyOnAnEmptyDatabase) {
  EXPECT_FALSE(office.Bootstrap()) << "a second bootstrap must be refused";
  OfficeAdmin intruder(db.url(), "intruder");
  EXPECT_FALSE(intruder.Bootstrap());
  EXPECT_EQ(db.Count("SELECT count(*) FROM office_accounts"), 1);
  // A short password is refused even for the first account.
  TestDatabase fresh;
  const CommandResult short_password =
      RunCommand({YIMEN_ADMIN_BIN, "--pg", fresh.url(), "console-user", "add", "first", "--role",
                  "admin", "--scope", "全市", "--bootstrap"},
                 "short\n");
  EXPECT_EQ(short_password.exit_code, 2);
  EXPECT_EQ(fresh.Count("SELECT count(*) FROM office_accounts"), 0);
}

TEST_F(OfficeAccounts, RepeatedFailuresSlowDownThenLockOut) {
  ASSERT_TRUE(office.AddAccount("reviewer-li", "reviewer"));
  std::vector<double> seconds;
  for (int i = 0; i < server::kOfficeMaxFailures; ++i) {
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(office.RunAs("reviewer-li", "guess number " + std::to_string(i), {"list"}).exit_code, 1);
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  for (size_t i = 0; i < seconds.size(); ++i) {
    std::printf("failure %zu answered after %.2f s\n", i + 1, seconds[i]);
  }
  // The delay is a sleep of failures x 1 s on top of the hash: a lower bound, not a race.
  EXPECT_GE(seconds.back(), 0.001 * server::kOfficeMaxFailures * server::kOfficeDelayStepMs);
  EXPECT_EQ(db.Query("SELECT failed_attempts FROM office_accounts WHERE name = 'reviewer-li'"),
            std::to_string(server::kOfficeMaxFailures));
  EXPECT_EQ(db.Query("SELECT locked_until > now() FROM office_accounts WHERE name = 'reviewer-li'"),
            "t");
  // Locked: even the right password is refused now, and that is logged.
  const CommandResult locked =
      office.RunAs("reviewer-li", OfficeAdmin::kPassword, {"list"}, "", true);
  EXPECT_EQ(locked.exit_code, 1);
  EXPECT_NE(locked.out.find("locked"), std::string::npos) << locked.out;
  EXPECT_EQ(db.Count("SELECT count(*) FROM office_auth_log WHERE name = 'reviewer-li' "
                     "AND outcome = 'locked'"),
            1);
  // The admin is not affected by another account's lockout.
  EXPECT_EQ(office.Run({"list"}).exit_code, 0);
}

TEST_F(OfficeAccounts, UnknownNamesLockOutLikeKnownOnes) {
  for (int i = 0; i < server::kOfficeMaxFailures; ++i) {
    EXPECT_EQ(office.RunAs("ghost", "guess", {"list"}).exit_code, 1);
  }
  const CommandResult locked = office.RunAs("ghost", "guess", {"list"}, "", true);
  EXPECT_NE(locked.out.find("locked"), std::string::npos) << locked.out;
}

// The console tells SignIn's three refusals apart by Error::code, never by the wording
// of the message (which is for logs and may change).
TEST_F(OfficeAccounts, SignInRefusalsCarryStableCodes) {
  ASSERT_TRUE(office.AddAccount("reviewer-li", "reviewer"));
  server::PgPool pool(db.url());
  auto wrong = server::SignIn(pool, "reviewer-li", "not the password", "list", "test");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, server::kSignInRefusedCode);
  auto forbidden =
      server::SignIn(pool, "reviewer-li", OfficeAdmin::kPassword, "console-user add", "test");
  ASSERT_FALSE(forbidden.ok());
  EXPECT_EQ(forbidden.error().code, server::kSignInForbiddenCode) << forbidden.error().message;
  // An unknown name with five recent refusals on record is locked, as after five guesses.
  db.Query(
      "INSERT INTO office_auth_log (name, outcome, command) SELECT 'ghost', 'refused', "
      "'list' FROM generate_series(1, " +
      std::to_string(server::kOfficeMaxFailures) + ") RETURNING 1");
  auto locked = server::SignIn(pool, "ghost", "guess", "list", "test");
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error().kind, ErrorKind::kRejected);
  EXPECT_EQ(locked.error().code, server::kSignInLockedCode) << locked.error().message;
}

TEST_F(OfficeAccounts, RolesDecideCommandsAndDisabledAccountsAreRefused) {
  ASSERT_TRUE(office.AddAccount("reviewer-li", "reviewer"));
  const auto as_reviewer = [&](std::vector<std::string> args, const std::string& input = "") {
    return office.RunAs("reviewer-li", OfficeAdmin::kPassword, std::move(args), input, true);
  };
  // A reviewer creates no accounts, issues no codes, provisions no staff.
  const CommandResult create = as_reviewer(
      {"console-user", "add", "mallory", "--role", "admin", "--scope", "全市"},
      "mallory's password\n");
  EXPECT_EQ(create.exit_code, 1);
  EXPECT_NE(create.out.find("forbidden"), std::string::npos) << create.out;
  EXPECT_EQ(as_reviewer({"enroll-code", "--hall", "东门社区"}).exit_code, 1);
  EXPECT_EQ(as_reviewer({"staff-add", "wangli", "--hall", "东门社区"}, "24681357\n").exit_code, 1);
  EXPECT_EQ(db.Count("SELECT count(*) FROM office_accounts"), 2);
  EXPECT_EQ(db.Count("SELECT count(*) FROM enroll_codes"), 0);
  EXPECT_EQ(db.Count("SELECT count(*) FROM staff_accounts"), 0);
  EXPECT_EQ(db.Count("SELECT count(*) FROM office_auth_log WHERE outcome = 'forbidden'"), 3);
  // But lists applications.
  EXPECT_EQ(as_reviewer({"list"}).exit_code, 0);
  // An admin does not work on applications (separation of duties).
  EXPECT_EQ(office.Run({"set-status", "K7Q2-261123-0042-C", "已受理"}).exit_code, 1);

  // console-user list shows no hashes.
  const CommandResult list = office.Run({"console-user", "list"});
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_NE(list.out.find("reviewer-li"), std::string::npos) << list.out;
  EXPECT_EQ(list.out.find("argon2"), std::string::npos) << list.out;

  // Disabled: refused with the answer a wrong password gets.
  ASSERT_EQ(office.Run({"console-user", "disable", "reviewer-li"}).exit_code, 0);
  const CommandResult disabled = as_reviewer({"list"});
  const CommandResult wrong = office.RunAs("reviewer-li", "wrong password!", {"list"}, "", true);
  EXPECT_EQ(disabled.exit_code, 1);
  EXPECT_EQ(LastLine(disabled), LastLine(wrong));
  EXPECT_EQ(db.Count("SELECT count(*) FROM office_auth_log WHERE outcome = 'disabled'"), 2);
  EXPECT_EQ(office.Run({"console-user", "disable", office.user()}).exit_code, 2)
      << "an admin cannot disable itself";
}

TEST_F(OfficeAccounts, StatusAndStaffChangesRecordTheSignedInAccount) {
  TestServer server(db.url());
  ASSERT_TRUE(server.ok());
  TestKiosk kiosk;
  ASSERT_TRUE(kiosk.Enroll(server.core().pool(), {server.url()}, "东门社区"));
  auto submitted = kiosk.SubmitMany(1);
  ASSERT_EQ(submitted.size(), 1u);
  EXPECT_FALSE(kiosk.SyncOnce().error.has_value());
  ASSERT_TRUE(office.AddAccount("reviewer-li", "reviewer"));
  const std::string number = submitted[0].app_number;

  // --actor is gone: a name given on the command line is no identity.
  EXPECT_EQ(office.RunAs("reviewer-li", OfficeAdmin::kPassword,
                         {"set-status", number, "已受理", "--actor", "someone-else"})
                .exit_code,
            2);
  EXPECT_EQ(db.Count("SELECT count(*) FROM status_changes"), 0);
  ASSERT_EQ(office.RunAs("reviewer-li", OfficeAdmin::kPassword, {"set-status", number, "已受理"})
                .exit_code,
            0);
  EXPECT_EQ(db.Query("SELECT actor FROM status_changes"), "reviewer-li");

  ASSERT_EQ(office.Run({"staff-add", "wangli", "--hall", "东门社区"}, "24681357\n").exit_code, 0);
  EXPECT_EQ(db.Query("SELECT changed_by FROM staff_accounts WHERE name = 'wangli'"), office.user());
  ASSERT_EQ(office.AddAccount("supervisor-zhou", "supervisor"), true);
  ASSERT_EQ(office.RunAs("supervisor-zhou", OfficeAdmin::kPassword,
                         {"staff-disable", "wangli", "--hall", "东门社区"})
                .exit_code,
            0);
  EXPECT_EQ(db.Query("SELECT changed_by FROM staff_accounts WHERE name = 'wangli'"),
            "supervisor-zhou");
  EXPECT_EQ(db.Query("SELECT created_by FROM office_accounts WHERE name = 'supervisor-zhou'"),
            office.user());
}

TEST_F(OfficeAccounts, StoredHashesCarryAtLeastTheStatedCost) {
  ASSERT_EQ(office.Run({"staff-add", "wangli", "--hall", "东门社区"}, "24681357\n").exit_code, 0);
  for (const std::string& hash :
       {db.Query("SELECT password_hash FROM office_accounts"),
        db.Query("SELECT pin_hash FROM staff_accounts")}) {
    const secret::Cost cost = secret::CostOf(hash);
    std::printf("stored hash parameters: m=%llu KiB t=%llu\n", cost.memory_kib, cost.passes);
    // libsodium's MODERATE: 256 MiB, 3 passes; ours is 256 MiB, 4 passes.
    EXPECT_GE(cost.memory_kib, 256u * 1024u) << hash.substr(0, 40);
    EXPECT_GE(cost.passes, 4u) << hash.substr(0, 40);
  }
  // And the time one costs here (printed, not asserted).
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(secret::Hash("24681357").ok());
  std::printf("one Argon2id hash at the staff cost: %.3f s\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

}  // namespace
}  // namespace yimen::testing
