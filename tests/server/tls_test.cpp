// TLS between kiosk and server (issue 6, item 6), with a throwaway CA and server
// certificate made by the openssl CLI for each test binary run: the kiosk verifies the
// certificate against its CA file and the pinned key (a backup pin works; a wrong pin
// or an untrusted certificate is refused and the application stays in the outbox),
// refuses plain http:// off loopback, and yimen-server refuses plain HTTP off loopback.
#include <gtest/gtest.h>

#include "common/loopback.h"
#include "server/server_test_support.h"
#include "server/test_pki.h"

namespace yimen::testing {
namespace {

// ServerCore + HttpFrontend serving HTTPS on a loopback port with the given pair.
class TlsServer {
 public:
  TlsServer(const std::string& pg_url, const std::string& cert, const std::string& key) {
    server::ServerOptions options;
    options.pg_url = pg_url;
    auto core = server::ServerCore::Open(options);
    if (!core.ok()) {
      ADD_FAILURE() << core.error().message;
      return;
    }
    m_core = std::move(*core);
    server::ListenOptions listen;
    listen.port = 0;
    listen.tls_cert = cert;
    listen.tls_key = key;
    listen.log = [](const std::string&) {};
    auto frontend = server::HttpFrontend::Bind(*m_core, listen);
    if (!frontend.ok()) {
      ADD_FAILURE() << frontend.error().message;
      return;
    }
    m_frontend = std::move(*frontend);
    m_thread = std::thread([this] { m_frontend->Serve(); });
  }
  ~TlsServer() {
    if (m_frontend) m_frontend->Stop();
    if (m_thread.joinable()) m_thread.join();
  }
  bool ok() const { return m_frontend != nullptr; }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(m_frontend->port()); }
  server::ServerCore& core() { return *m_core; }

 private:
  std::unique_ptr<server::ServerCore> m_core;
  std::unique_ptr<server::HttpFrontend> m_frontend;
  std::thread m_thread;
};

class Tls : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(PgCluster::Get().ok()) << "no PostgreSQL";
    ASSERT_TRUE(TestPki().ok) << "openssl could not make the test PKI";
    server = std::make_unique<TlsServer>(db.url(), TestPki().server_pem, TestPki().server_key);
    ASSERT_TRUE(server->ok());
  }

  // A kiosk that trusts the test CA and pins `pins`, enrolled over HTTPS.
  void EnrollKiosk(const std::string& pins) {
    kiosk.options.curl.ca_file = TestPki().ca_pem;
    kiosk.options.curl.pinned_public_key = pins;
    ASSERT_TRUE(kiosk.Enroll(server->core().pool(), {server->url()}));
  }

  static std::string ErrorText(const sync::CycleReport& report) {
    return report.error ? report.error->message : "(no error)";
  }

  TestDatabase db;
  std::unique_ptr<TlsServer> server;
  TestKiosk kiosk;
};

TEST_F(Tls, RightPinPushWorks) {
  EnrollKiosk(TestPki().server_pin);
  kiosk.SubmitMany(2);
  sync::CycleReport report = kiosk.SyncOnce();
  EXPECT_FALSE(report.error) << ErrorText(report);
  EXPECT_EQ(report.created, 2);
  EXPECT_EQ(kiosk.Pending(), 0);
  EXPECT_EQ(db.Count("SELECT count(*) FROM applications"), 2);
}

TEST_F(Tls, BackupPinWorksWhenTheFirstDoesNotMatch) {
  // During a key rotation the kiosk holds the next key's pin first, the current second.
  EnrollKiosk(TestPki().other_pin + ";" + TestPki().server_pin);
  kiosk.SubmitMany(1);
  sync::CycleReport report = kiosk.SyncOnce();
  EXPECT_FALSE(report.error) << ErrorText(report);
  EXPECT_EQ(report.created, 1);
  EXPECT_EQ(kiosk.Pending(), 0);
}

TEST_F(Tls, WrongPinIsRefusedAndTheApplicationStaysQueued) {
  EnrollKiosk(TestPki().server_pin);
  kiosk.SubmitMany(1);
  kiosk.options.curl.pinned_public_key = TestPki().other_pin;  // the server's key changed
  sync::CycleReport report = kiosk.SyncOnce();
  ASSERT_TRUE(report.error);
  EXPECT_EQ(report.error->kind, ErrorKind::kUnavailable);
  EXPECT_NE(ErrorText(report).find("matches none of the pinned keys"), std::string::npos)
      << ErrorText(report);
  EXPECT_EQ(report.created, 0);
  EXPECT_EQ(kiosk.Pending(), 1);
  EXPECT_EQ(report.parked_after, 0);
  EXPECT_EQ(db.Count("SELECT count(*) FROM applications"), 0);
  // The pin restored, the same item goes through.
  kiosk.options.curl.pinned_public_key = TestPki().server_pin;
  EXPECT_EQ(kiosk.SyncOnce().created, 1);
  EXPECT_EQ(kiosk.Pending(), 0);
}

TEST_F(Tls, UntrustedCertificateIsRefusedAndTheApplicationStaysQueued) {
  EnrollKiosk("");
  kiosk.SubmitMany(1);
  // A server with a certificate for the same address from a CA the kiosk does not trust
  // (someone in the middle), on the same database.
  TlsServer rogue(db.url(), TestPki().rogue_pem, TestPki().rogue_key);
  ASSERT_TRUE(rogue.ok());
  kiosk.SetServers({rogue.url()});
  sync::CycleReport report = kiosk.SyncOnce();
  ASSERT_TRUE(report.error);
  EXPECT_NE(ErrorText(report).find("certificate is not trusted"), std::string::npos)
      << ErrorText(report);
  EXPECT_EQ(kiosk.Pending(), 1);
  EXPECT_EQ(db.Count("SELECT count(*) FROM applications"), 0);
}

TEST_F(Tls, WithoutTheCaFileTheSystemStoreDoesNotTrustAPrivateCa) {
  TestKiosk stranger;  // no ca_file
  auto code = server::IssueEnrollCode(server->core().pool(), "测试大厅", 1);
  ASSERT_TRUE(code.ok());
  sync::CurlTransport curl(stranger.options.curl);
  auto enrolled = sync::EnrollKiosk(stranger.store(), {server->url()}, *code, &curl, "test");
  ASSERT_FALSE(enrolled.ok());
  EXPECT_EQ(enrolled.error().kind, ErrorKind::kUnavailable);
  EXPECT_NE(enrolled.error().message.find("not trusted"), std::string::npos)
      << enrolled.error().message;
}

TEST_F(Tls, KioskRefusesPlainHttpToANonLoopbackServer) {
  EnrollKiosk(TestPki().server_pin);
  kiosk.SubmitMany(1);
  kiosk.SetServers({"http://192.0.2.10:8080"});  // TEST-NET-1: never reachable anyway
  sync::CycleReport report = kiosk.SyncOnce();
  ASSERT_TRUE(report.error);
  EXPECT_NE(ErrorText(report).find("refusing plain http:// to 192.0.2.10"), std::string::npos)
      << ErrorText(report);
  EXPECT_EQ(kiosk.Pending(), 1);
}

TEST_F(Tls, ServerRefusesPlainHttpOffLoopbackAndABadKeyPair) {
  server::ListenOptions plain;
  plain.host = "0.0.0.0";
  plain.port = 0;
  auto refused = server::HttpFrontend::Bind(server->core(), plain);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kInvalidArgument);
  EXPECT_NE(refused.error().message.find("loopback only"), std::string::npos);

  for (const char* host : {"127.0.0.1.nip.io", "127.0.0.1:80", "10.0.0.1", "::", "intake"}) {
    EXPECT_FALSE(IsLoopbackHost(host)) << host;
  }
  for (const char* host : {"127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"}) {
    EXPECT_TRUE(IsLoopbackHost(host)) << host;
  }

  server::ListenOptions mismatched = plain;
  mismatched.tls_cert = TestPki().server_pem;
  mismatched.tls_key = TestPki().rogue_key;  // not this certificate's key
  auto bad_pair = server::HttpFrontend::Bind(server->core(), mismatched);
  ASSERT_FALSE(bad_pair.ok());
  EXPECT_NE(bad_pair.error().message.find("does not load"), std::string::npos);

  server::ListenOptions good = plain;
  good.tls_cert = TestPki().server_pem;
  good.tls_key = TestPki().server_key;
  EXPECT_TRUE(server::HttpFrontend::Bind(server->core(), good).ok());
}

TEST_F(Tls, TheServerBinaryServesHttpsAndRefusesPlainHttpOffLoopback) {
  CommandResult plain = RunCommand({YIMEN_SERVER_BIN, "--pg", db.url(), "--listen", "0.0.0.0:0"});
  EXPECT_NE(plain.exit_code, 0);
  EXPECT_EQ(plain.out.find("listening"), std::string::npos);

  ChildProcess https({YIMEN_SERVER_BIN, "--pg", db.url(), "--listen", "127.0.0.1:0",
                      "--tls-cert", TestPki().server_pem, "--tls-key", TestPki().server_key});
  const std::string line = https.FirstLine();
  ASSERT_EQ(line.rfind("listening on 127.0.0.1:", 0), 0u) << line;
  const std::string url = "https://127.0.0.1:" + line.substr(line.rfind(':') + 1);
  sync::CurlOptions options;
  options.ca_file = TestPki().ca_pem;
  options.pinned_public_key = TestPki().server_pin;
  sync::CurlTransport curl(options);
  auto health = curl.Send({"GET", url + "/healthz", {}, ""});
  ASSERT_TRUE(health.ok()) << health.error().message;
  EXPECT_EQ(health->status, 200);
  // The same port spoken to in plain HTTP gives no reply a client could take for one.
  sync::CurlTransport plain_curl;
  auto cleartext = plain_curl.Send({"GET", "http://" + url.substr(8) + "/healthz", {}, ""});
  EXPECT_TRUE(!cleartext.ok() || cleartext->status != 200);
}

// Only TLS 1.2 with ECDHE and an AEAD cipher, and TLS 1.3 (docs/operations.md "TLS"),
// checked with openssl s_client as an auditor would. A refusal must come from the
// server (an alert), not from a client that would not offer the old protocol.
TEST_F(Tls, OnlyTls12WithEcdheAeadAndTls13AreAccepted) {
  TlsServer rsa(db.url(), TestPki().rsa_pem, TestPki().rsa_key);
  ASSERT_TRUE(rsa.ok());
  const std::string port = rsa.url().substr(rsa.url().rfind(':') + 1);
  struct Case {
    std::string args;
    bool accepted;
  };
  const std::vector<Case> cases = {
      {"-tls1 -cipher DEFAULT@SECLEVEL=0", false},
      {"-tls1_1 -cipher DEFAULT@SECLEVEL=0", false},
      {"-tls1_2 -cipher AES128-SHA", false},             // static RSA, CBC
      {"-tls1_2 -cipher AES128-GCM-SHA256", false},      // static RSA, no forward secrecy
      {"-tls1_2 -cipher ECDHE-RSA-AES128-SHA256", false},  // ECDHE but CBC
      {"-tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256", true},
      {"-tls1_2 -cipher ECDHE-RSA-CHACHA20-POLY1305", true},
      {"-tls1_3", true},
  };
  for (const Case& c : cases) {
    CommandResult r = RunCommand({"/bin/bash", "-c",
                                  "openssl s_client -connect 127.0.0.1:" + port + " " + c.args +
                                      " </dev/null 2>&1"});
    if (c.accepted) {
      EXPECT_EQ(r.exit_code, 0) << c.args << "\n" << r.out;
      EXPECT_EQ(r.out.find("Cipher is (NONE)"), std::string::npos) << c.args;
    } else {
      EXPECT_NE(r.exit_code, 0) << c.args << "\n" << r.out;
      EXPECT_NE(r.out.find("alert"), std::string::npos) << c.args << ": not refused by the server\n"
                                                        << r.out;
    }
  }
}

}  // namespace
}  // namespace yimen::testing
