// Issue 12, key custody, against the real server binaries and PostgreSQL: after the
// passphrase ceremony no sealing secret is stored in plaintext (a pg_dump of the whole
// database plus the server's files opens no application, while the same search before
// the ceremony does), a wrong passphrase is refused, audited and locks out, lock,
// timeout and exit wipe, rotation and passphrase change keep every application
// openable, a restarted server is locked until unlocked, and ingest never needs a key.
#include <gtest/gtest.h>

#include <sodium.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "common/base64.h"
#include "common/sealing.h"
#include "server/application_open.h"
#include "server/key_ring.h"
#include "server/key_vault.h"
#include "server/metrics.h"
#include "server/migrations.h"
#include "server_test_support.h"

namespace yimen::testing {
namespace {

using server::KeyVault;

constexpr const char* kPgDump = "/usr/lib/postgresql/15/bin/pg_dump";
constexpr const char* kPassphrase = "柳树 river 三月 lantern";
constexpr const char* kOtherPassphrase = "granite 白鹭 harbour 九";

// Every application's stored envelope, as pushed.
std::vector<seal::Envelope> StoredEnvelopes(const TestDatabase& db) {
  std::vector<seal::Envelope> envelopes;
  pqxx::connection c(db.url());
  pqxx::nontransaction tx(c);
  for (const auto& row : tx.exec("SELECT payload FROM applications ORDER BY id")) {
    auto envelope = seal::ParseEnvelope(row[0].as<std::string>());
    EXPECT_TRUE(envelope.ok());
    if (envelope.ok()) envelopes.push_back(*envelope);
  }
  return envelopes;
}

void AddWindows(const std::string& bytes, std::set<std::string>* out) {
  if (bytes.size() == 32) out->insert(bytes);
  // Raw 32-byte windows of short blobs (a key could hide inside a longer record).
  if (bytes.size() > 32 && bytes.size() <= 4096) {
    for (size_t at = 0; at + 32 <= bytes.size(); ++at) out->insert(bytes.substr(at, 32));
  }
}

// Every candidate 32-byte value in `text`: base64 (standard and URL-safe) and hex
// tokens that decode to 32 bytes, and each 32-byte window of short decoded blobs.
std::set<std::string> Candidates(const std::string& text) {
  std::set<std::string> out;
  static const std::regex kBase64("[A-Za-z0-9+/_-]{40,}={0,2}");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kBase64);
       it != std::sregex_iterator(); ++it) {
    std::string token = it->str();
    for (int variant = 0; variant < 2; ++variant) {
      if (variant == 1) {
        for (char& ch : token) ch = ch == '-' ? '+' : ch == '_' ? '/' : ch;
      }
      auto decoded = Base64Decode(token);
      if (decoded.ok()) AddWindows(*decoded, &out);
    }
  }
  static const std::regex kHex("[0-9a-fA-F]{64,}");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kHex); it != std::sregex_iterator();
       ++it) {
    const std::string hex = it->str();
    std::string bytes;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) {
      bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    }
    AddWindows(bytes, &out);
  }
  return out;
}

// How many of `envelopes` some candidate opens, trying each candidate as an X25519
// secret key on each envelope.
int OpenedByAnyCandidate(const std::set<std::string>& candidates,
                         const std::vector<seal::Envelope>& envelopes) {
  int opened = 0;
  std::vector<bool> done(envelopes.size(), false);
  for (const std::string& secret : candidates) {
    std::string public_key(crypto_scalarmult_BYTES, '\0');
    crypto_scalarmult_base(reinterpret_cast<unsigned char*>(public_key.data()),
                           reinterpret_cast<const unsigned char*>(secret.data()));
    for (size_t i = 0; i < envelopes.size(); ++i) {
      if (done[i]) continue;
      auto plain = seal::OpenEnvelope(envelopes[i], public_key, secret);
      if (plain.ok()) {
        done[i] = true;
        ++opened;
        Wipe(&*plain);
      }
    }
  }
  return opened;
}

class KeyCustody : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(PgCluster::Get().ok()) << "no PostgreSQL"; }

  std::string PgDump() {
    CommandResult dump = RunCommand({kPgDump, "--dbname=" + db.url()});
    EXPECT_EQ(dump.exit_code, 0);
    EXPECT_NE(dump.out.find("CREATE TABLE public.sealing_keys"), std::string::npos);
    return dump.out;
  }

  // Submits `count` applications on `kiosk` and syncs them to the server.
  void SubmitAndSync(TestKiosk& kiosk, int count) {
    kiosk.SubmitMany(count);
    (void)kiosk.SyncOnce();
    EXPECT_EQ(kiosk.Pending(), 0);
  }

  int64_t Audits(const std::string& event) {
    return db.Count("SELECT count(*) FROM key_audit WHERE event = '" + event + "'");
  }

  bool PlaintextColumnExists() {
    return db.Count(
               "SELECT count(*) FROM information_schema.columns WHERE "
               "table_name = 'sealing_keys' AND column_name = 'secret_key'") == 1;
  }

  // Opens every application through the office path; returns how many opened.
  int OpenAll(server::PgPool& pool, KeyVault& vault) {
    int opened = 0;
    pqxx::connection c(db.url());
    pqxx::nontransaction tx(c);
    for (const auto& row : tx.exec("SELECT app_number FROM applications ORDER BY id")) {
      auto app = server::OpenApplication(pool, vault, row[0].as<std::string>(), nullptr);
      if (app.ok() && app->payload.contains("values")) ++opened;
    }
    return opened;
  }

  TestDatabase db;
};

// The upgrade path: a ring with plaintext secrets (as every server before issue 12
// has, and a fresh install until the ceremony) opens; the ceremony wraps every key,
// drops the plaintext column, and from then on nothing opens until an unlock.
TEST_F(KeyCustody, CeremonyWrapsThePlaintextRingAndDropsTheColumn) {
  TestServer server(db.url());
  ASSERT_TRUE(server.ok());
  TestKiosk kiosk;
  ASSERT_TRUE(kiosk.Enroll(server.core().pool(), {server.url()}));
  SubmitAndSync(kiosk, 2);
  // A second key in the ring, plaintext too, with applications sealed to it.
  ASSERT_TRUE(server::RotateSealingKey(server.core().pool()).ok());
  SubmitAndSync(kiosk, 1);  // the heartbeat of this cycle hands out the new key
  SubmitAndSync(kiosk, 2);
  EXPECT_EQ(db.Count("SELECT count(DISTINCT payload::jsonb ->> 'kid') FROM applications"), 2);

  KeyVault& vault = server.core().vault();
  EXPECT_EQ(vault.state(), KeyVault::State::kUnprotected);
  EXPECT_TRUE(PlaintextColumnExists());
  EXPECT_EQ(db.Count("SELECT count(*) FROM sealing_keys WHERE secret_key IS NOT NULL"), 2);
  EXPECT_EQ(OpenAll(server.core().pool(), vault), 5) << "legacy: plaintext keys open";
  EXPECT_EQ(vault.Unlock(kPassphrase, "t", "test").error().kind, ErrorKind::kInvalidArgument);

  EXPECT_EQ(vault.SetUpPassphrase("too short", "sup-wang", "test").error().kind,
            ErrorKind::kInvalidArgument);
  ASSERT_TRUE(vault.SetUpPassphrase(kPassphrase, "sup-wang", "test").ok());
  EXPECT_FALSE(PlaintextColumnExists());
  EXPECT_EQ(db.Count("SELECT count(*) FROM sealing_keys WHERE wrapped_secret IS NOT NULL"), 2);
  EXPECT_EQ(db.Count("SELECT count(*) FROM server_keys WHERE name = 'sealing'"), 0);
  EXPECT_EQ(Audits("ceremony"), 1);
  EXPECT_EQ(vault.state(), KeyVault::State::kLocked);
  EXPECT_EQ(vault.SetUpPassphrase(kOtherPassphrase, "sup-wang", "test").error().kind,
            ErrorKind::kConflict);

  auto locked =
      server::OpenApplication(server.core().pool(), vault,
                              db.Query("SELECT app_number FROM applications LIMIT 1"), nullptr);
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error().kind, ErrorKind::kRejected);
  EXPECT_EQ(locked.error().message.rfind("key locked", 0), 0u) << locked.error().message;
  EXPECT_EQ(locked.error().code, KeyVault::kKeyLockedCode);

  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(vault.Unlock(kPassphrase, "reviewer-li", "test").ok());
  std::printf("unlock (Argon2id, ops %llu, mem %llu MiB): %.0f ms\n",
              static_cast<unsigned long long>(server::keywrap::kOpsLimit),
              static_cast<unsigned long long>(server::keywrap::kMemLimit >> 20),
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
                  .count());
  EXPECT_EQ(vault.state(), KeyVault::State::kUnlocked);
  EXPECT_FALSE(vault.unlocked_until().empty());
  EXPECT_EQ(OpenAll(server.core().pool(), vault), 5) << "old and new keys open after the ceremony";
  EXPECT_EQ(Audits("unlock"), 1);
  // EnsureKeyRing and a start of another copy work on the wrapped ring.
  TestServer second(db.url());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second.core().vault().state(), KeyVault::State::kLocked);
}

TEST_F(KeyCustody, WrongPassphraseIsRefusedAuditedAndLocksOut) {
  server::PgPool pool(db.url());
  ASSERT_TRUE(server::ApplyMigrations(pool).ok());
  ASSERT_TRUE(server::EnsureKeyRing(pool).ok());
  KeyVault vault(pool, std::chrono::minutes(5));
  ASSERT_TRUE(vault.SetUpPassphrase(kPassphrase, "sup-wang", "test").ok());
  // A second copy (another server, or yimen-admin) shares the count through PostgreSQL.
  KeyVault other(pool, std::chrono::minutes(5));
  for (int i = 1; i <= KeyVault::kMaxPassphraseFailures; ++i) {
    KeyVault& which = i % 2 == 0 ? other : vault;
    const auto started = std::chrono::steady_clock::now();
    Status refused = which.Unlock("wrong guess number " + std::to_string(i), "mallory", "10.0.0.9");
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    std::printf("wrong passphrase %d refused after %.0f ms\n", i, ms);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().message, "wrong passphrase");
    EXPECT_EQ(refused.error().code, KeyVault::kWrongPassphraseCode);
    // The growing delay: at least i steps (a lower bound only, so never flaky).
    EXPECT_GE(ms, static_cast<double>(i * KeyVault::kPassphraseDelayStepMs));
  }
  EXPECT_EQ(Audits("failed_passphrase"), KeyVault::kMaxPassphraseFailures);
  EXPECT_EQ(db.Count("SELECT count(*) FROM key_audit WHERE event = 'failed_passphrase' "
                     "AND actor = 'mallory' AND client = '10.0.0.9'"),
            KeyVault::kMaxPassphraseFailures);
  // Locked out: even the right passphrase is refused, without running Argon2id.
  Status out = vault.Unlock(kPassphrase, "sup-wang", "test");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().message.rfind("locked out", 0), 0u) << out.error().message;
  EXPECT_EQ(out.error().code, KeyVault::kPassphraseLockedOutCode);
  EXPECT_EQ(Audits("locked_out"), 1);
  EXPECT_EQ(vault.state(), KeyVault::State::kLocked);
  EXPECT_FALSE(vault.OpeningKeys().ok());
  // When the lockout has run out (moved here rather than waited for), it opens again
  // and the count starts afresh.
  db.Query("UPDATE key_vault SET locked_until = now() - interval '1 second' RETURNING 1");
  ASSERT_TRUE(vault.Unlock(kPassphrase, "sup-wang", "test").ok());
  EXPECT_EQ(db.Count("SELECT failed_attempts FROM key_vault"), 0);
}

TEST_F(KeyCustody, LockTimeoutAndExitWipeAndAreAudited) {
  server::PgPool pool(db.url());
  ASSERT_TRUE(server::ApplyMigrations(pool).ok());
  ASSERT_TRUE(server::EnsureKeyRing(pool).ok());
  {
    KeyVault vault(pool, std::chrono::seconds(2));
    ASSERT_TRUE(vault.SetUpPassphrase(kPassphrase, "sup-wang", "test").ok());
    ASSERT_TRUE(vault.Unlock(kPassphrase, "reviewer-li", "test").ok());
    auto keys = vault.OpeningKeys();
    ASSERT_TRUE(keys.ok()) << keys.error().message;
    ASSERT_EQ(keys->size(), 1u);
    EXPECT_EQ((*keys)[0].secret_key.size(), 32u);
    for (auto& key : *keys) Wipe(&key.secret_key);

    vault.Lock("reviewer-li", "lock");
    EXPECT_EQ(vault.state(), KeyVault::State::kLocked);
    EXPECT_EQ(vault.unlocked_until(), "");
    auto refused = vault.OpeningKeys();
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().message.rfind("key locked", 0), 0u);
    EXPECT_EQ(refused.error().code, KeyVault::kKeyLockedCode);
    EXPECT_EQ(Audits("lock"), 1);
    vault.Lock("reviewer-li", "lock");  // nothing in memory: no second row
    EXPECT_EQ(Audits("lock"), 1);

    // The timeout: the vault's own thread wipes it without anyone asking. Polled, with
    // a generous bound (the unlock lasts 2 s; a loaded machine may take longer).
    ASSERT_TRUE(vault.Unlock(kPassphrase, "reviewer-li", "test").ok());
    const auto unlocked_at = std::chrono::steady_clock::now();
    while (Audits("timeout") == 0 &&
           std::chrono::steady_clock::now() - unlocked_at < std::chrono::seconds(60)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::printf(
        "wiped %.1f s after a 2 s unlock\n",
        std::chrono::duration<double>(std::chrono::steady_clock::now() - unlocked_at).count());
    EXPECT_EQ(Audits("timeout"), 1);
    EXPECT_EQ(vault.state(), KeyVault::State::kLocked);
    EXPECT_FALSE(vault.OpeningKeys().ok());

    ASSERT_TRUE(vault.Unlock(kPassphrase, "reviewer-li", "test").ok());
    EXPECT_EQ(Audits("exit"), 0);
  }
  // The destructor (process exit) wiped and said so.
  EXPECT_EQ(Audits("exit"), 1);
  EXPECT_EQ(db.Count("SELECT count(*) FROM key_audit WHERE event = 'exit' AND "
                     "actor = 'reviewer-li'"),
            1);
}

TEST_F(KeyCustody, RotationAfterTheCeremonyWrapsAndOldKeysStillOpen) {
  TestServer server(db.url());
  ASSERT_TRUE(server.ok());
  TestKiosk kiosk;
  ASSERT_TRUE(kiosk.Enroll(server.core().pool(), {server.url()}));
  KeyVault& vault = server.core().vault();
  ASSERT_TRUE(vault.SetUpPassphrase(kPassphrase, "sup-wang", "test").ok());
  SubmitAndSync(kiosk, 2);
  const std::string old_key = db.Query("SELECT key_id FROM sealing_keys WHERE state = 'active'");
  // Rotation needs no passphrase: the new secret is sealed to the vault's public key.
  auto rotated = server::RotateSealingKey(server.core().pool());
  ASSERT_TRUE(rotated.ok()) << rotated.error().message;
  EXPECT_TRUE(rotated->secret_key.empty());
  EXPECT_EQ(db.Count("SELECT count(*) FROM sealing_keys WHERE state = 'active' AND "
                     "wrapped_secret IS NOT NULL"),
            1);
  SubmitAndSync(kiosk, 1);
  SubmitAndSync(kiosk, 2);
  EXPECT_EQ(db.Count("SELECT count(*) FROM applications WHERE payload::jsonb ->> 'kid' = '" +
                     rotated->key_id + "'"),
            2);

  ASSERT_TRUE(vault.Unlock(kPassphrase, "reviewer-li", "test").ok());
  EXPECT_EQ(OpenAll(server.core().pool(), vault), 5);
  // A rotation while unlocked: the new key opens at once (read and unwrapped per use).
  ASSERT_TRUE(server::RotateSealingKey(server.core().pool()).ok());
  auto keys = vault.OpeningKeys();
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys->size(), 3u);
  for (auto& key : *keys) Wipe(&key.secret_key);

  // Retiring still works on the wrapped ring: what was sealed to the old key no
  // longer opens, the rest does.
  ASSERT_TRUE(server::RetireSealingKey(server.core().pool(), old_key).ok());
  EXPECT_EQ(db.Count("SELECT count(*) FROM sealing_keys WHERE state = 'retired' AND "
                     "wrapped_secret IS NULL"),
            1);
  const int64_t sealed_to_old = db.Count(
      "SELECT count(*) FROM applications WHERE payload::jsonb ->> 'kid' = '" + old_key + "'");
  EXPECT_EQ(sealed_to_old, 3);  // the cycle that brought the new key pushed first
  EXPECT_EQ(OpenAll(server.core().pool(), vault), 5 - sealed_to_old);
}

TEST_F(KeyCustody, PassphraseChangeRewrapsOnlyTheVault) {
  TestServer server(db.url());
  ASSERT_TRUE(server.ok());
  TestKiosk kiosk;
  ASSERT_TRUE(kiosk.Enroll(server.core().pool(), {server.url()}));
  SubmitAndSync(kiosk, 3);
  KeyVault& vault = server.core().vault();
  ASSERT_TRUE(vault.SetUpPassphrase(kPassphrase, "sup-wang", "test").ok());
  const std::string apps_before =
      db.Query("SELECT md5(string_agg(payload, ',' ORDER BY id)) FROM applications");
  const std::string keys_before =
      db.Query("SELECT md5(string_agg(wrapped_secret, ',' ORDER BY key_id)) FROM sealing_keys");
  const std::string vault_before = db.Query("SELECT wrapped_secret FROM key_vault");

  Status wrong = vault.ChangePassphrase("not the passphrase", kOtherPassphrase, "sup-wang", "t");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().message, "wrong passphrase");
  EXPECT_EQ(Audits("failed_passphrase"), 1);
  EXPECT_EQ(db.Query("SELECT wrapped_secret FROM key_vault"), vault_before);

  ASSERT_TRUE(vault.ChangePassphrase(kPassphrase, kOtherPassphrase, "sup-wang", "t").ok());
  EXPECT_EQ(Audits("passphrase_change"), 1);
  EXPECT_NE(db.Query("SELECT wrapped_secret FROM key_vault"), vault_before);
  EXPECT_EQ(db.Query("SELECT md5(string_agg(payload, ',' ORDER BY id)) FROM applications"),
            apps_before);
  EXPECT_EQ(
      db.Query("SELECT md5(string_agg(wrapped_secret, ',' ORDER BY key_id)) FROM sealing_keys"),
      keys_before);

  EXPECT_FALSE(vault.Unlock(kPassphrase, "reviewer-li", "t").ok()) << "the old one is gone";
  ASSERT_TRUE(vault.Unlock(kOtherPassphrase, "reviewer-li", "t").ok());
  EXPECT_EQ(OpenAll(server.core().pool(), vault), 3);
}

// A restarted server (or another copy) starts locked; ingest and heartbeats carry on
// while locked, since they never need a secret; /metrics says which state it is in.
TEST_F(KeyCustody, RestartIsLockedUntilUnlockedAndIngestNeedsNoKey) {
  TestKiosk kiosk;
  {
    TestServer first(db.url());
    ASSERT_TRUE(first.ok());
    ASSERT_TRUE(kiosk.Enroll(first.core().pool(), {first.url()}));
    const std::string metrics =
        server::RenderMetrics(first.core().pool(), {}, {}, &first.core().vault());
    EXPECT_NE(metrics.find("yimen_key_custody_state{state=\"unprotected\"} 1"), std::string::npos);
    ASSERT_TRUE(first.core().vault().SetUpPassphrase(kPassphrase, "sup-wang", "t").ok());
    ASSERT_TRUE(first.core().vault().Unlock(kPassphrase, "reviewer-li", "t").ok());
  }
  EXPECT_EQ(Audits("exit"), 1);
  server::ServerOptions options;
  TestServer restarted(db.url(), 0, options);
  ASSERT_TRUE(restarted.ok());
  KeyVault& vault = restarted.core().vault();
  EXPECT_EQ(vault.state(), KeyVault::State::kLocked);
  std::string metrics =
      server::RenderMetrics(restarted.core().pool(), {}, {}, &restarted.core().vault());
  EXPECT_NE(metrics.find("yimen_key_custody_state{state=\"locked\"} 1"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("yimen_key_custody_state{state=\"unlocked\"} 0"), std::string::npos);

  kiosk.SetServers({restarted.url()});
  SubmitAndSync(kiosk, 3);
  EXPECT_EQ(db.Count("SELECT count(*) FROM applications"), 3) << "ingest works while locked";
  EXPECT_EQ(db.Count("SELECT count(*) FROM devices WHERE last_heartbeat_at IS NOT NULL"), 1);
  EXPECT_EQ(OpenAll(restarted.core().pool(), vault), 0);

  ASSERT_TRUE(vault.Unlock(kPassphrase, "reviewer-li", "t").ok());
  EXPECT_EQ(OpenAll(restarted.core().pool(), vault), 3);
  metrics = server::RenderMetrics(restarted.core().pool(), {}, {}, &restarted.core().vault());
  EXPECT_NE(metrics.find("yimen_key_custody_state{state=\"unlocked\"} 1"), std::string::npos);
}

// The test: after kiosks have pushed, a pg_dump of the whole database plus the
// server's files (its configuration directory and everything it logged) holds no
// 32-byte value that opens any application. The positive control runs the very same
// search over a dump taken before the ceremony, and there it finds the key.
TEST_F(KeyCustody, DumpAndServerFilesOpenNoApplicationAfterTheCeremony) {
  SyncTempDir etc;
  const std::string config = etc.path() + "/server.toml";
  {
    std::ofstream out(config);
    out << "[database]\nurl = \"" << db.url() << "\"\n\n[listen]\naddress = \"127.0.0.1:0\"\n\n"
        << "[keys]\nunlock_minutes = 30\n";
  }
  const std::string log_path = etc.path() + "/server.log";
  ChildProcess child({"/bin/sh", "-c", std::string("exec \"$0\" --config \"$1\" 2>\"$2\""),
                      YIMEN_SERVER_BIN, config, log_path});
  const std::string line = child.FirstLine();
  ASSERT_EQ(line.rfind("listening on 127.0.0.1:", 0), 0u) << line;
  const std::string url = "http://" + line.substr(std::string("listening on ").size());

  server::PgPool pool(db.url());
  TestKiosk kiosk;
  ASSERT_TRUE(kiosk.Enroll(pool, {url}));
  SubmitAndSync(kiosk, 4);
  const std::vector<seal::Envelope> envelopes = StoredEnvelopes(db);
  ASSERT_EQ(envelopes.size(), 4u);

  auto server_files = [&] {
    std::string all;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(etc.path())) {
      if (entry.is_regular_file()) all += ReadFileText(entry.path().string()) + "\n";
    }
    return all;
  };
  // The start-up warning while the secrets are plaintext.
  EXPECT_NE(ReadFileText(log_path).find("key_custody.unprotected"), std::string::npos);

  // Positive control: before the ceremony the same search finds the key.
  const std::set<std::string> before = Candidates(PgDump() + server_files());
  const int opened_before = OpenedByAnyCandidate(before, envelopes);
  std::printf("before the ceremony: %zu candidates, %d of %zu applications opened\n", before.size(),
              opened_before, envelopes.size());
  EXPECT_EQ(opened_before, 4) << "the search must be able to find a plaintext key";

  // The ceremony, as an operator holds it: yimen-admin as a supervisor.
  OfficeAdmin office(db.url());
  ASSERT_TRUE(office.Bootstrap());
  ASSERT_TRUE(office.AddAccount("sup-wang", "supervisor"));
  const std::string twice = std::string(kPassphrase) + "\n" + kPassphrase + "\n";
  CommandResult ceremony =
      office.RunAs("sup-wang", OfficeAdmin::kPassword, {"key-ceremony"}, twice, true);
  ASSERT_EQ(ceremony.exit_code, 0) << ceremony.out;
  SubmitAndSync(kiosk, 2);  // pushes after the ceremony too
  const std::vector<seal::Envelope> all_envelopes = StoredEnvelopes(db);
  ASSERT_EQ(all_envelopes.size(), 6u);

  const std::set<std::string> after = Candidates(PgDump() + server_files());
  const int opened_after = OpenedByAnyCandidate(after, all_envelopes);
  std::printf("after the ceremony: %zu candidates, %d of %zu applications opened\n", after.size(),
              opened_after, all_envelopes.size());
  EXPECT_EQ(opened_after, 0);

  // Yet the office still reads them, with the passphrase.
  CommandResult show = office.RunAs(
      "sup-wang", OfficeAdmin::kPassword,
      {"show", db.Query("SELECT app_number FROM applications ORDER BY id DESC LIMIT 1")},
      std::string(kPassphrase) + "\n", true);
  EXPECT_EQ(show.exit_code, 0) << show.out;
  EXPECT_NE(show.out.find("\"reason\": \"test"), std::string::npos) << show.out;
  child.Stop();
}

// yimen-admin: the ceremony and the passphrase change are for supervisors and admins;
// show reads the passphrase after the password once the ceremony was held, and a
// wrong one is refused and audited; key-status reports.
TEST_F(KeyCustody, AdminCommandsAskForThePassphrase) {
  TestServer server(db.url());
  ASSERT_TRUE(server.ok());
  TestKiosk kiosk;
  ASSERT_TRUE(kiosk.Enroll(server.core().pool(), {server.url()}));
  SubmitAndSync(kiosk, 1);
  const std::string number = db.Query("SELECT app_number FROM applications LIMIT 1");
  OfficeAdmin office(db.url());
  ASSERT_TRUE(office.Bootstrap());
  ASSERT_TRUE(office.AddAccount("sup-wang", "supervisor"));
  ASSERT_TRUE(office.AddAccount("reviewer-li", "reviewer"));
  const std::string pw = OfficeAdmin::kPassword;
  const std::string twice = std::string(kPassphrase) + "\n" + kPassphrase + "\n";

  // Before the ceremony show needs no passphrase (and key-status says why it should).
  EXPECT_EQ(office.RunAs("reviewer-li", pw, {"show", number}).exit_code, 0);
  CommandResult status = office.RunAs("reviewer-li", pw, {"key-status"});
  EXPECT_NE(status.out.find("state       unprotected"), std::string::npos) << status.out;

  CommandResult forbidden = office.RunAs("reviewer-li", pw, {"key-ceremony"}, twice, true);
  EXPECT_NE(forbidden.exit_code, 0);
  EXPECT_NE(forbidden.out.find("forbidden"), std::string::npos) << forbidden.out;
  CommandResult differ =
      office.RunAs("sup-wang", pw, {"key-ceremony"},
                   std::string(kPassphrase) + "\nsomething else entirely\n", true);
  EXPECT_NE(differ.exit_code, 0);
  EXPECT_TRUE(PlaintextColumnExists());
  ASSERT_EQ(office.RunAs("sup-wang", pw, {"key-ceremony"}, twice).exit_code, 0);
  EXPECT_FALSE(PlaintextColumnExists());

  CommandResult no_passphrase = office.RunAs("reviewer-li", pw, {"show", number}, "", true);
  EXPECT_NE(no_passphrase.exit_code, 0);
  EXPECT_NE(no_passphrase.out.find("locked"), std::string::npos) << no_passphrase.out;
  CommandResult wrong =
      office.RunAs("reviewer-li", pw, {"show", number}, "not it at all, sorry\n", true);
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_NE(wrong.out.find("wrong passphrase"), std::string::npos) << wrong.out;
  EXPECT_EQ(db.Count("SELECT count(*) FROM key_audit WHERE event = 'failed_passphrase' AND "
                     "actor = 'reviewer-li'"),
            1);
  CommandResult shown =
      office.RunAs("reviewer-li", pw, {"show", number}, std::string(kPassphrase) + "\n");
  EXPECT_EQ(shown.exit_code, 0);
  EXPECT_NE(shown.out.find("\"reason\": \"test 0\""), std::string::npos) << shown.out;
  // The unlock lived in that process only: audited in, and out at its exit.
  EXPECT_EQ(Audits("unlock"), 1);
  EXPECT_EQ(Audits("exit"), 1);

  const std::string change =
      std::string(kPassphrase) + "\n" + kOtherPassphrase + "\n" + kOtherPassphrase + "\n";
  ASSERT_EQ(office.RunAs("sup-wang", pw, {"key-passphrase", "change"}, change).exit_code, 0);
  EXPECT_EQ(office.RunAs("reviewer-li", pw, {"show", number}, std::string(kOtherPassphrase) + "\n")
                .exit_code,
            0);
  ASSERT_EQ(office.Run({"rotate-sealing-key"}).exit_code, 0);
  EXPECT_EQ(Audits("rotation"), 1);
  status = office.RunAs("sup-wang", pw, {"key-status"});
  EXPECT_NE(status.out.find("state       locked"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("passphrase_change"), std::string::npos) << status.out;
}

}  // namespace
}  // namespace yimen::testing
