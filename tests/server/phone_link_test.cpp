// Photos from a phone, server side (issue 15 item 2; docs/devices.md "Photos from a
// phone"): a polite kiosk makes a link, a phone sends a file sealed the way the page
// seals it, the kiosk opens it and spends the link; and hostile peers: expired, reused
// and spent links, oversize and mistyped bodies, too many files, malformed kiosk
// requests, another kiosk's link id, unsigned calls, token guessing. The token never
// reaches the database or the log, and the server never holds a photo's plaintext.
#include <gtest/gtest.h>
#include <sodium.h>

#include <cstdlib>
#include <filesystem>
#include <utility>

#include "common/base64.h"
#include "common/uuid.h"
#include "server/server_test_support.h"
#include "sync/client/curl_transport.h"
#include "sync/protocol/phone_messages.h"

namespace yimen::testing {
namespace {

using nlohmann::json;

constexpr const char* kPublicUrl = "https://phone.example.cn/";

// A JPEG as far as its first and last bytes go, with a marker no ciphertext holds.
std::string CanaryJpeg() {
  std::string jpeg = "\xFF\xD8\xFF\xE0";
  jpeg += "YIMEN-PHONE-CANARY-PLAINTEXT-0123456789";
  for (int i = 0; i < 2000; ++i) jpeg.push_back(static_cast<char>('A' + i % 26));
  jpeg += "\xFF\xD9";
  return jpeg;
}

// The database as pg_dump writes it (bytea as hex), for looking for what must not be there.
std::string DumpDatabase(const std::string& url) {
  std::string pg_dump = "pg_dump";
  for (const auto& dir : std::filesystem::directory_iterator("/usr/lib/postgresql")) {
    const auto candidate = dir.path() / "bin" / "pg_dump";
    if (std::filesystem::exists(candidate)) pg_dump = candidate.string();
  }
  CommandResult dump = RunCommand({pg_dump, "--data-only", url});
  EXPECT_EQ(dump.exit_code, 0);
  return dump.out;
}

class PhoneLinks : public ::testing::Test {
 protected:
  void SetUp() override { Start({}); }

  void Start(server::PhoneOptions phone) {
    kiosk_a.reset();
    kiosk_b.reset();
    server.reset();
    server::ServerOptions options;
    options.phone = std::move(phone);
    server = std::make_unique<TestServer>(db.url(), 0, options);
    ASSERT_TRUE(server->ok());
    kiosk_a = std::make_unique<TestKiosk>();
    kiosk_b = std::make_unique<TestKiosk>();
    ASSERT_TRUE(kiosk_a->Enroll(server->core().pool(), {server->url()}));
    ASSERT_TRUE(kiosk_b->Enroll(server->core().pool(), {server->url()}));
  }

  sync::HttpResponse AsKiosk(TestKiosk& kiosk, const std::string& method, const std::string& target,
                             const std::string& body = "") {
    return SendSignedAs(transport, server->url(), kiosk.credentials.device_id,
                        kiosk.credentials.secret_key, method, target, body);
  }

  // A fresh link of kiosk_a with its own X25519 key pair; the token is the URL's tail.
  struct Link {
    std::string id;
    std::string token;
    std::string public_key;
    std::string secret_key;
  };
  Link MakeLink(int max_files = protocol::kPhoneLinkMaxFiles) {
    Link link;
    link.public_key.resize(crypto_box_PUBLICKEYBYTES);
    link.secret_key.resize(crypto_box_SECRETKEYBYTES);
    crypto_box_keypair(reinterpret_cast<unsigned char*>(link.public_key.data()),
                       reinterpret_cast<unsigned char*>(link.secret_key.data()));
    const json request = {{"public_key", Base64Encode(link.public_key)}, {"max_files", max_files}};
    sync::HttpResponse r = AsKiosk(*kiosk_a, "POST", "/v1/phone-links", request.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    if (r.status != 201) return link;
    const auto made = json::parse(r.body).get<protocol::PhoneLink>();
    link.id = made.link_id;
    EXPECT_EQ(made.url.rfind("https://phone.example.cn/m/", 0), 0u) << made.url;
    link.token = made.url.substr(made.url.rfind('/') + 1);
    EXPECT_EQ(link.token.size(), 43u);
    EXPECT_EQ(made.max_files, max_files);
    EXPECT_EQ(made.expires_in_s, protocol::kPhoneLinkSeconds);
    return link;
  }

  sync::HttpResponse AsPhone(const std::string& method, const std::string& target,
                             const std::string& body = "",
                             const std::string& type = "application/octet-stream") {
    auto r = transport.Send({method, server->url() + target, {{"Content-Type", type}}, body});
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : sync::HttpResponse{};
  }

  static std::string Sealed(const Link& link, const std::string& plaintext) {
    std::string sealed(plaintext.size() + crypto_box_SEALBYTES, '\0');
    crypto_box_seal(reinterpret_cast<unsigned char*>(sealed.data()),
                    reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                    reinterpret_cast<const unsigned char*>(link.public_key.data()));
    return sealed;
  }

  static std::string Open(const Link& link, const std::string& sealed) {
    if (sealed.size() < crypto_box_SEALBYTES) return "";
    std::string plain(sealed.size() - crypto_box_SEALBYTES, '\0');
    if (crypto_box_seal_open(reinterpret_cast<unsigned char*>(plain.data()),
                             reinterpret_cast<const unsigned char*>(sealed.data()), sealed.size(),
                             reinterpret_cast<const unsigned char*>(link.public_key.data()),
                             reinterpret_cast<const unsigned char*>(link.secret_key.data())) != 0) {
      return "";
    }
    return plain;
  }

  protocol::PhoneFiles Poll(TestKiosk& kiosk, const Link& link, int after = 0) {
    sync::HttpResponse r =
        AsKiosk(kiosk, "GET", "/v1/phone-links/" + link.id + "?after=" + std::to_string(after));
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return {};
    return json::parse(r.body).get<protocol::PhoneFiles>();
  }

  std::string Upload(const Link& link, const std::string& plaintext, int expect = 201) {
    sync::HttpResponse r = AsPhone("POST", "/m/" + link.token + "/files", Sealed(link, plaintext));
    EXPECT_EQ(r.status, expect) << r.body;
    return r.body;
  }

  TestDatabase db;
  std::unique_ptr<TestServer> server;
  std::unique_ptr<TestKiosk> kiosk_a;
  std::unique_ptr<TestKiosk> kiosk_b;
  sync::CurlTransport transport;
};

server::PhoneOptions On() {
  server::PhoneOptions phone;
  phone.public_url = kPublicUrl;
  return phone;
}

class PhoneLink : public PhoneLinks {
 protected:
  void SetUp() override { Start(On()); }
};

TEST_F(PhoneLink, SealedPhotoReachesOnlyTheKioskAndSpendingEndsTheLink) {
  const Link link = MakeLink();
  sync::HttpResponse page = AsPhone("GET", "/m/" + link.token);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("data-key=\"" + Base64Encode(link.public_key) + "\""),
            std::string::npos);
  EXPECT_NE(page.body.find("data-remaining=\"4\""), std::string::npos);
  EXPECT_EQ(page.headers["referrer-policy"], "no-referrer");
  EXPECT_EQ(page.headers["cache-control"], "no-store");
  EXPECT_EQ(page.headers["x-content-type-options"], "nosniff");
  EXPECT_NE(page.headers["content-security-policy"].find("default-src 'none'"), std::string::npos);

  const std::string canary = CanaryJpeg();
  const json stored = json::parse(Upload(link, canary));
  EXPECT_EQ(stored["received"], 1);
  EXPECT_EQ(stored["remaining"], 3);

  protocol::PhoneFiles files = Poll(*kiosk_a, link);
  EXPECT_EQ(files.state, "open");
  ASSERT_EQ(files.files.size(), 1u);
  EXPECT_EQ(files.files[0].seq, 1);
  auto sealed = Base64Decode(files.files[0].sealed);
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(Open(link, *sealed), canary);
  EXPECT_TRUE(Poll(*kiosk_a, link, 1).files.empty());

  // Neither the token nor the photo's plaintext is anywhere in the database, and the
  // token is not in the access log.
  const std::string dump = DumpDatabase(db.url());
  EXPECT_NE(dump.find("phone_links"), std::string::npos);
  EXPECT_EQ(dump.find(link.token), std::string::npos);
  const std::string marker = "YIMEN-PHONE-CANARY-PLAINTEXT";
  EXPECT_EQ(dump.find(marker), std::string::npos);
  EXPECT_EQ(dump.find(protocol::HexEncode(marker)), std::string::npos);
  for (const std::string& line : server->log()) {
    EXPECT_EQ(line.find(link.token), std::string::npos) << line;
  }

  EXPECT_EQ(AsKiosk(*kiosk_a, "DELETE", "/v1/phone-links/" + link.id).status, 204);
  EXPECT_EQ(db.Count("SELECT count(*) FROM phone_files"), 0);
  sync::HttpResponse gone = AsPhone("GET", "/m/" + link.token);
  EXPECT_EQ(gone.status, 410);
  EXPECT_NE(gone.body.find("这个链接已经用过或过期了，请在一体机上重新扫码"), std::string::npos);
  Upload(link, canary, 410);
  EXPECT_EQ(Poll(*kiosk_a, link).state, "spent");
  EXPECT_EQ(AsKiosk(*kiosk_a, "DELETE", "/v1/phone-links/" + link.id).status, 204);  // again
}

TEST_F(PhoneLink, ExpiredLinkIsGoneForThePhoneAndSaysExpiredToTheKiosk) {
  const Link link = MakeLink();
  Upload(link, CanaryJpeg());
  db.Query("UPDATE phone_links SET expires_at = now() - interval '1 second'");
  EXPECT_EQ(AsPhone("GET", "/m/" + link.token).status, 410);
  Upload(link, CanaryJpeg(), 410);
  EXPECT_EQ(AsPhone("POST", "/m/" + link.token + "/done", "{}", "application/json").status, 410);
  const protocol::PhoneFiles files = Poll(*kiosk_a, link);
  EXPECT_EQ(files.state, "expired");
  EXPECT_EQ(files.files.size(), 1u);  // what arrived in time is still the kiosk's
}

TEST_F(PhoneLink, ExpiredLinksAreSweptWithTheirFilesAfterTheGrace) {
  const Link old_link = MakeLink();
  Upload(old_link, CanaryJpeg());
  db.Query("UPDATE phone_links SET expires_at = now() - interval '16 minutes'");
  const Link fresh = MakeLink();  // making a link sweeps
  EXPECT_EQ(db.Count("SELECT count(*) FROM phone_links"), 1);
  EXPECT_EQ(db.Count("SELECT count(*) FROM phone_files"), 0);
  EXPECT_EQ(AsKiosk(*kiosk_a, "GET", "/v1/phone-links/" + old_link.id).status, 404);
  EXPECT_EQ(Poll(*kiosk_a, fresh).state, "open");
}

TEST_F(PhoneLink, FinishedLinkCannotBeReused) {
  const Link link = MakeLink();
  Upload(link, CanaryJpeg());
  sync::HttpResponse done = AsPhone("POST", "/m/" + link.token + "/done", "{}", "application/json");
  EXPECT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(AsPhone("GET", "/m/" + link.token).status, 410);
  Upload(link, CanaryJpeg(), 410);
  EXPECT_EQ(AsPhone("POST", "/m/" + link.token + "/done", "{}", "application/json").status, 410);
  const protocol::PhoneFiles files = Poll(*kiosk_a, link);
  EXPECT_EQ(files.state, "done");
  EXPECT_EQ(files.received, 1);
  EXPECT_EQ(files.files.size(), 1u);
}

TEST_F(PhoneLink, RefusesOversizeMistypedTinyAndOneFileTooMany) {
  const Link link = MakeLink(2);
  // The largest sealed file is taken (the frontend admits 4 MiB on this route only)...
  const std::string big(protocol::kPhoneMaxSealedBytes - crypto_box_SEALBYTES, 'x');
  Upload(link, big);
  // ... one byte more is not.
  const std::string too_big(protocol::kPhoneMaxSealedBytes + 1, 'x');
  sync::HttpResponse refused = AsPhone("POST", "/m/" + link.token + "/files", too_big);
  EXPECT_EQ(refused.status, 413);
  // Refused by the frontend from the head, and still with the page's headers.
  EXPECT_EQ(refused.headers["referrer-policy"], "no-referrer");
  EXPECT_EQ(refused.headers["cache-control"], "no-store");
  EXPECT_EQ(AsPhone("POST", "/m/" + link.token + "/files", Sealed(link, "x"), "image/jpeg").status,
            415);
  EXPECT_EQ(AsPhone("POST", "/m/" + link.token + "/files", std::string(48, 'x')).status, 400);
  Upload(link, CanaryJpeg());
  const std::string full = Upload(link, CanaryJpeg(), 409);
  EXPECT_NE(full.find("no_files_left"), std::string::npos);
  EXPECT_EQ(Poll(*kiosk_a, link).state, "done");
  // Another unauthenticated route keeps the small body limit.
  EXPECT_EQ(AsPhone("POST", "/m/" + link.token + "/done", std::string(100 * 1024, 'x')).status,
            413);
}

TEST_F(PhoneLink, RefusesMalformedLinkRequestsAndUnsignedCalls) {
  auto create = [&](const json& body) {
    return AsKiosk(*kiosk_a, "POST", "/v1/phone-links", body.dump()).status;
  };
  const std::string key32 = Base64Encode(std::string(32, '\x07'));
  EXPECT_EQ(create({{"public_key", "not base64!"}, {"max_files", 2}}), 400);
  EXPECT_EQ(create({{"public_key", Base64Encode(std::string(31, 'k'))}, {"max_files", 2}}), 400);
  EXPECT_EQ(create({{"public_key", Base64Encode(std::string(33, 'k'))}, {"max_files", 2}}), 400);
  EXPECT_EQ(create({{"public_key", key32}, {"max_files", 0}}), 400);
  EXPECT_EQ(create({{"public_key", key32}, {"max_files", 99}}), 400);
  EXPECT_EQ(create({{"max_files", 2}}), 400);
  EXPECT_EQ(create({{"public_key", key32}, {"max_files", 4}}), 201);
  EXPECT_EQ(db.Count("SELECT count(*) FROM phone_links"), 1);

  const Link link = MakeLink();
  auto unsigned_call = [&](const std::string& method, const std::string& target) {
    auto r = transport.Send({method, server->url() + target, {}, ""});
    return r.ok() ? r->status : -1;
  };
  EXPECT_EQ(unsigned_call("POST", "/v1/phone-links"), 401);
  EXPECT_EQ(unsigned_call("GET", "/v1/phone-links/" + link.id), 401);
  EXPECT_EQ(unsigned_call("DELETE", "/v1/phone-links/" + link.id), 401);
  EXPECT_EQ(db.Count("SELECT count(*) FROM phone_links WHERE spent_at IS NULL"), 2);
}

TEST_F(PhoneLinks, ServerWithoutAPublicUrlSaysPhoneUploadIsOff) {
  const json request = {{"public_key", Base64Encode(std::string(32, 'k'))}, {"max_files", 2}};
  sync::HttpResponse r = AsKiosk(*kiosk_a, "POST", "/v1/phone-links", request.dump());
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("phone_upload_off"), std::string::npos);
}

TEST_F(PhoneLink, AnotherKiosksLinkReadsExactlyLikeAnUnknownOne) {
  const Link link = MakeLink();
  Upload(link, CanaryJpeg());
  const std::string unknown = "/v1/phone-links/" + NewUuidV4();
  const std::string theirs = "/v1/phone-links/" + link.id;
  sync::HttpResponse read_unknown = AsKiosk(*kiosk_b, "GET", unknown);
  sync::HttpResponse read_theirs = AsKiosk(*kiosk_b, "GET", theirs);
  EXPECT_EQ(read_theirs.status, 404);
  EXPECT_EQ(read_theirs.body, read_unknown.body);
  sync::HttpResponse spend_unknown = AsKiosk(*kiosk_b, "DELETE", unknown);
  sync::HttpResponse spend_theirs = AsKiosk(*kiosk_b, "DELETE", theirs);
  EXPECT_EQ(spend_theirs.status, 404);
  EXPECT_EQ(spend_theirs.body, spend_unknown.body);
  // The owner's link and files are untouched.
  EXPECT_EQ(db.Count("SELECT count(*) FROM phone_files"), 1);
  const protocol::PhoneFiles files = Poll(*kiosk_a, link);
  EXPECT_EQ(files.state, "open");
  EXPECT_EQ(files.files.size(), 1u);
}

TEST_F(PhoneLinks, WrongTokensAreThrottledPerAddressButTheRightOneStillWorks) {
  server::PhoneOptions phone = On();
  phone.failures_allowed = 3;
  Start(phone);
  const Link link = MakeLink();
  std::string guess = link.token;
  guess[0] = guess[0] == 'A' ? 'B' : 'A';
  for (int i = 0; i < 3; ++i) EXPECT_EQ(AsPhone("GET", "/m/" + guess).status, 410);
  sync::HttpResponse throttled = AsPhone("GET", "/m/" + guess);
  EXPECT_EQ(throttled.status, 429);
  EXPECT_FALSE(throttled.headers["retry-after"].empty());
  EXPECT_EQ(AsPhone("POST", "/m/" + guess + "/files", Sealed(link, "photo bytes")).status, 429);
  EXPECT_EQ(AsPhone("GET", "/m/" + link.token).status, 200);
  Upload(link, CanaryJpeg());
}

// Only the head of a 4 MiB upload is sent: a wrong token is answered without waiting
// for the body, so guesses cannot make the server read photos.
TEST_F(PhoneLink, AWrongTokenIsRefusedBeforeTheBodyIsRead) {
  const Link link = MakeLink();
  std::string guess = link.token;
  guess[5] = guess[5] == 'x' ? 'y' : 'x';
  const int fd = ConnectLoopback(server->port());
  ASSERT_GE(fd, 0);
  const std::string head = "POST /m/" + guess +
                           "/files HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                           "Content-Type: application/octet-stream\r\nContent-Length: " +
                           std::to_string(protocol::kPhoneMaxSealedBytes) + "\r\n\r\n";
  ASSERT_EQ(send(fd, head.data(), head.size(), MSG_NOSIGNAL), static_cast<ssize_t>(head.size()));
  pollfd ready{fd, POLLIN, 0};
  ASSERT_EQ(poll(&ready, 1, 5000), 1) << "no answer before the body";
  char buffer[512] = {};
  const ssize_t n = recv(fd, buffer, sizeof buffer - 1, 0);
  close(fd);
  ASSERT_GT(n, 12);
  EXPECT_EQ(std::string(buffer, 12), "HTTP/1.1 410");
  EXPECT_NE(std::string(buffer, n).find("Referrer-Policy: no-referrer"), std::string::npos);
}

TEST_F(PhoneLinks, UploadsPerAddressAreBounded) {
  server::PhoneOptions phone = On();
  phone.uploads_allowed = 2;
  Start(phone);
  const Link first = MakeLink();
  const Link second = MakeLink();
  Upload(first, CanaryJpeg());
  Upload(second, CanaryJpeg());
  Upload(second, CanaryJpeg(), 429);
  EXPECT_EQ(db.Count("SELECT count(*) FROM phone_files"), 2);
}

TEST_F(PhoneLink, StaticFilesAreVersionedAndEverythingElseIsNotFound) {
  const Link link = MakeLink();
  sync::HttpResponse page = AsPhone("GET", "/m/" + link.token);
  const size_t at = page.body.find("/m/static/");
  ASSERT_NE(at, std::string::npos);
  const std::string script = page.body.substr(at, page.body.find('"', at) - at);
  ASSERT_NE(script.find("/phone.css"), std::string::npos) << script;
  const std::string dir = script.substr(0, script.rfind('/') + 1);
  sync::HttpResponse sodium = AsPhone("GET", dir + "libsodium-wrappers.js");
  EXPECT_EQ(sodium.status, 200);
  EXPECT_EQ(sodium.headers["cache-control"], "public, max-age=31536000, immutable");
  EXPECT_EQ(sodium.headers["content-type"], "text/javascript; charset=utf-8");
  EXPECT_EQ(AsPhone("GET", dir + "page.html").status, 404);
  EXPECT_EQ(AsPhone("GET", "/m/static/0000000000000000/phone.js").status, 404);
  EXPECT_EQ(AsPhone("GET", dir + "../phone.js").status, 404);
}

}  // namespace
}  // namespace yimen::testing
