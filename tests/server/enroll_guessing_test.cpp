// Enrollment guessing against the real server and PostgreSQL (server/enroll_service.cpp,
// docs/operations.md "Enrollment codes and guessing"): parallel wrong guesses are
// counted exactly, per address and per code; a correct code enrolls even from an
// address that guessed wrongly (kiosks behind one NAT); a locked code stays locked; a
// throttled address cannot tell a real code id from a made-up one. Guesses are sent
// as a hostile peer would: raw HTTP, many at once.
#include <gtest/gtest.h>

#include <latch>
#include <map>
#include <thread>

#include "server/enroll_code.h"
#include "server/server_test_support.h"
#include "sync/protocol/signing.h"

namespace yimen::testing {
namespace {

class EnrollGuessing : public ::testing::Test {
 protected:
  void Start(server::ServerOptions options) {
    ASSERT_TRUE(PgCluster::Get().ok()) << "no PostgreSQL";
    server = std::make_unique<TestServer>(db.url(), 0, options);
    ASSERT_TRUE(server->ok());
  }

  std::string Code() {
    auto code = server::IssueEnrollCode(server->core().pool(), "东门社区", 1);
    EXPECT_TRUE(code.ok());
    return code.ok() ? *code : "";
  }

  // One enrollment request with a fresh key; status and error word.
  std::pair<int, std::string> Enroll(const std::string& code) {
    protocol::EnrollRequest request{
        code, Base64Encode(protocol::GenerateSigningKeyPair().public_key), "test", ""};
    sync::CurlTransport transport;
    auto response =
        transport.Send({"POST", server->url() + protocol::kPathEnroll,
                        {{"Content-Type", "application/json"}}, protocol::SerializeMessage(request)});
    if (!response.ok()) return {0, response.error().message};
    auto body = protocol::ParseMessage<protocol::ErrorBody>(response->body);
    return {response->status, response->status == 200 ? "" : (body.ok() ? body->error : "?")};
  }

  // Sends all `codes` at once (one thread each, released together); how many answers
  // of each "status word".
  std::map<std::string, int> EnrollAll(const std::vector<std::string>& codes) {
    std::vector<std::pair<int, std::string>> answers(codes.size());
    std::latch go(static_cast<std::ptrdiff_t>(codes.size()));
    std::vector<std::thread> threads;
    for (size_t i = 0; i < codes.size(); ++i) {
      threads.emplace_back([&, i] {
        go.arrive_and_wait();
        answers[i] = Enroll(codes[i]);
      });
    }
    for (std::thread& t : threads) t.join();
    std::map<std::string, int> tally;
    for (const auto& [status, word] : answers) ++tally[std::to_string(status) + " " + word];
    return tally;
  }

  // A code of the right shape whose id is not `avoid`'s.
  static std::string MadeUpCode(const std::string& avoid, int n) {
    std::string code = avoid.substr(0, 5) == "ZZZZZ" ? "YYYYY" : "ZZZZZ";
    for (int i = 0; i < 12; ++i) {
      code.push_back(server::kEnrollCodeAlphabet[static_cast<size_t>(n * 7 + i * 3) % 32]);
    }
    return code;
  }

  // The code with its secret changed (same id): a wrong guess at that very code.
  static std::string WrongSecret(const std::string& code, int n) {
    std::string wrong = server::NormaliseEnrollCode(code);
    for (size_t i = 5; i < wrong.size(); ++i) {
      wrong[i] = server::kEnrollCodeAlphabet[static_cast<size_t>(n + static_cast<int>(i)) % 32];
    }
    if (wrong == server::NormaliseEnrollCode(code)) wrong[16] = wrong[16] == 'A' ? 'B' : 'A';
    return wrong;
  }

  static void Print(const char* what, const std::map<std::string, int>& tally) {
    std::printf("%s:", what);
    for (const auto& [answer, count] : tally) std::printf(" [%s] x%d", answer.c_str(), count);
    std::printf("\n");
  }

  TestDatabase db;
  std::unique_ptr<TestServer> server;
};

TEST_F(EnrollGuessing, ParallelWrongGuessesFromOneAddressAreCountedExactly) {
  server::ServerOptions options;
  options.enroll_failures_allowed = 5;
  Start(options);
  const std::string good = Code();
  std::vector<std::string> guesses;
  for (int i = 0; i < 50; ++i) guesses.push_back(MadeUpCode(good, i));

  auto tally = EnrollAll(guesses);
  Print("50 parallel made-up codes", tally);
  EXPECT_EQ(tally["403 code_invalid"], 5) << "exactly the budget is answered";
  EXPECT_EQ(tally["429 throttled"], 45);
  EXPECT_EQ(db.Count("SELECT failures FROM enroll_throttle WHERE client = '127.0.0.1'"), 50);

  // Another kiosk behind the same address, with its correct code: enrolls.
  EXPECT_EQ(Enroll(good), std::make_pair(200, std::string()));
  EXPECT_EQ(db.Count("SELECT count(*) FROM devices"), 1);
}

TEST_F(EnrollGuessing, ParallelWrongSecretsLockTheirCodeAfterExactlyItsAttempts) {
  server::ServerOptions options;
  options.enroll_failures_allowed = 1000;  // the per-code count alone is under test
  options.enroll_code_attempts = 5;
  Start(options);
  const std::string target = Code();
  const std::string other = Code();
  std::vector<std::string> guesses;
  for (int i = 0; i < 50; ++i) guesses.push_back(WrongSecret(target, i));

  auto tally = EnrollAll(guesses);
  Print("50 parallel wrong secrets at one code", tally);
  EXPECT_EQ(tally["403 code_invalid"], 5);
  EXPECT_EQ(tally["403 code_locked"], 45);
  EXPECT_EQ(db.Count("SELECT failures FROM enroll_codes WHERE code_id = '" +
                     target.substr(0, 5) + "'"),
            5);
  // Locked for good, even with the right secret: the office issues a new code...
  EXPECT_EQ(Enroll(target), std::make_pair(403, std::string("code_locked")));
  // ...and every other code, from the same address, still enrolls.
  EXPECT_EQ(Enroll(other), std::make_pair(200, std::string()));
}

TEST_F(EnrollGuessing, ExpiredAddressRowsArePrunedByLaterGuesses) {
  Start({});
  // 150 addresses that guessed long ago, 1 still inside its window.
  db.Query("INSERT INTO enroll_throttle (client, window_start, failures) "
          "SELECT '10.9.' || g, now() - interval '2 hours', 3 FROM generate_series(1, 150) g");
  db.Query("INSERT INTO enroll_throttle (client, window_start, failures) "
          "VALUES ('10.8.0.1', now(), 2)");
  const std::string code = Code();
  EXPECT_EQ(Enroll(MadeUpCode(code, 1)).first, 403);
  // At most 100 expired rows go per guess: 50 left, then none; the live row stays.
  EXPECT_EQ(db.Count("SELECT count(*) FROM enroll_throttle WHERE client LIKE '10.9.%'"), 50);
  EXPECT_EQ(Enroll(MadeUpCode(code, 2)).first, 403);
  EXPECT_EQ(db.Count("SELECT count(*) FROM enroll_throttle WHERE client LIKE '10.9.%'"), 0);
  EXPECT_EQ(db.Count("SELECT failures FROM enroll_throttle WHERE client = '10.8.0.1'"), 2);
}

TEST_F(EnrollGuessing, ThrottledAddressCannotTellARealCodeIdFromAMadeUpOne) {
  server::ServerOptions options;
  options.enroll_failures_allowed = 2;
  Start(options);
  const std::string good = Code();
  EXPECT_EQ(Enroll(MadeUpCode(good, 1)).second, "code_invalid");
  EXPECT_EQ(Enroll("too-short").second, "code_invalid");
  // Over the budget: a wrong secret at a real id and a made-up id answer alike.
  EXPECT_EQ(Enroll(WrongSecret(good, 3)), std::make_pair(429, std::string("throttled")));
  EXPECT_EQ(Enroll(MadeUpCode(good, 4)), std::make_pair(429, std::string("throttled")));
  // The wrong secret still counted against its code.
  EXPECT_EQ(db.Count("SELECT failures FROM enroll_codes WHERE code_id = '" + good.substr(0, 5) +
                     "'"),
            1);
  // The right code, typed in lower case with spaces, enrolls all the same.
  std::string typed;
  for (char ch : good) typed.push_back(ch == '-' ? ' ' : static_cast<char>(std::tolower(ch)));
  EXPECT_EQ(Enroll(typed), std::make_pair(200, std::string()));
}

TEST_F(EnrollGuessing, AdminCodeHasSixtyBitsOfSecretAndEnrollsARealKiosk) {
  Start({});
  OfficeAdmin office(db.url());
  ASSERT_TRUE(office.Bootstrap());
  CommandResult issued = office.Run({"enroll-code", "--hall", "东门社区"});
  ASSERT_EQ(issued.exit_code, 0);
  std::string code = issued.out;
  while (!code.empty() && (code.back() == '\n' || code.back() == ' ')) code.pop_back();
  std::printf("yimen-admin enroll-code: %s\n", code.c_str());
  EXPECT_EQ(code.size(), 20u) << "IIIII-SSSS-SSSS-SSSS";
  EXPECT_EQ(server::NormaliseEnrollCode(code).size(), server::kEnrollCodeChars);
  EXPECT_GE(server::kEnrollCodeSecretChars * 5, 60u);
  // Only the hash is stored, next to the public id.
  EXPECT_EQ(db.Count("SELECT count(*) FROM enroll_codes WHERE code_id = '" + code.substr(0, 5) +
                     "' AND code_hash <> '" + server::NormaliseEnrollCode(code) + "'"),
            1);
  TestKiosk kiosk;
  sync::CurlTransport curl;
  auto enrolled = sync::EnrollKiosk(kiosk.store(), {server->url()}, code, &curl, "test");
  ASSERT_TRUE(enrolled.ok()) << enrolled.error().message;
  EXPECT_EQ(enrolled->hall, "东门社区");
}

}  // namespace
}  // namespace yimen::testing
