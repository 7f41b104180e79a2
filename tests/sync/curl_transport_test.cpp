// Tests sync/client/curl_transport's pure checks (which URLs may be reached without
// TLS, what a pin looks like) and tls_settings (the trust stored at enrollment). The
// TLS handshakes themselves, against a real server with a throwaway CA, are in
// tests/server/tls_test.cpp.
#include "sync/client/curl_transport.h"

#include <gtest/gtest.h>

#include "sync/client/tls_settings.h"
#include "sync/sync_test_support.h"

namespace yimen::sync {
namespace {

const std::string kPinA = "sha256//" + std::string(43, 'A') + "=";
const std::string kPinB = "sha256//x+/" + std::string(40, '9') + "=";

TEST(TransportUrl, HttpsIsAlwaysAllowed) {
  EXPECT_TRUE(CheckTransportUrl("https://intake.example:8443/v1/push").ok());
  EXPECT_TRUE(CheckTransportUrl("https://10.0.0.5/v1/push").ok());
}

TEST(TransportUrl, PlainHttpOnlyOnLoopback) {
  EXPECT_TRUE(CheckTransportUrl("http://127.0.0.1:8080/v1/push").ok());
  EXPECT_TRUE(CheckTransportUrl("http://127.3.2.1/v1/push").ok());
  EXPECT_TRUE(CheckTransportUrl("http://LOCALHOST:1/x").ok());
  EXPECT_TRUE(CheckTransportUrl("http://[::1]:8080/v1/push").ok());
  for (const char* url : {"http://10.0.0.5:8443/v1/push", "http://intake.example/v1/push",
                          "http://127.0.0.1.evil.example/v1/push",
                          "http://127.0.0.1@intake.example/v1/push", "http://[::2]/x",
                          "http://0.0.0.0:80/"}) {
    Status s = CheckTransportUrl(url);
    ASSERT_FALSE(s.ok()) << url;
    EXPECT_NE(s.error().message.find("use https://"), std::string::npos) << s.error().message;
  }
  EXPECT_FALSE(CheckTransportUrl("ftp://127.0.0.1/x").ok());
  EXPECT_FALSE(CheckTransportUrl("file:///etc/passwd").ok());
}

TEST(TransportUrl, CurlTransportRefusesPlainHttpOffLoopbackWithoutConnecting) {
  CurlOptions options;
  options.connect_timeout_ms = 60'000;  // a connection attempt to a black hole would hang
  CurlTransport transport(options);
  auto response = transport.Send({"POST", "http://192.0.2.1:9/v1/push", {}, "{}"});
  ASSERT_FALSE(response.ok());
  // kUnavailable: the item stays queued (a kRejected would park it).
  EXPECT_EQ(response.error().kind, ErrorKind::kUnavailable);
  EXPECT_NE(response.error().message.find("refusing plain http://"), std::string::npos)
      << response.error().message;
}

TEST(Pins, JoinsWellFormedPinsForCurl) {
  auto joined = JoinPins({kPinA, kPinB});
  ASSERT_TRUE(joined.ok()) << joined.error().message;
  EXPECT_EQ(*joined, kPinA + ";" + kPinB);
  EXPECT_EQ(*JoinPins({}), "");
}

TEST(Pins, RefusesMalformedPinsNamingThem) {
  for (const std::string& bad :
       {std::string("sha1//") + std::string(43, 'A') + "=", std::string(43, 'A') + "=",
        "sha256//" + std::string(42, 'A') + "=", "sha256//" + std::string(44, 'A'),
        "sha256//" + std::string(42, 'A') + "!=", kPinA + ";" + kPinB}) {
    auto joined = JoinPins({kPinA, bad});
    ASSERT_FALSE(joined.ok()) << bad;
    EXPECT_EQ(joined.error().kind, ErrorKind::kInvalidArgument);
    EXPECT_NE(joined.error().message.find(bad), std::string::npos) << joined.error().message;
  }
}

TEST(TlsSettings, StoredAtEnrollmentAndAppliedLater) {
  testing::SyncTempDir dir;
  auto store = Store::Open(dir.path());
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto empty = LoadTlsSettings(**store);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->ca_file.empty());
  EXPECT_TRUE(empty->pins.empty());

  ASSERT_TRUE(SaveTlsSettings(**store, {"/etc/yimen/ca.pem", {kPinA, kPinB}}).ok());
  auto loaded = LoadTlsSettings(**store);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->ca_file, "/etc/yimen/ca.pem");
  EXPECT_EQ(loaded->pins, (std::vector<std::string>{kPinA, kPinB}));
  CurlOptions options;
  ASSERT_TRUE(ApplyTlsSettings(*loaded, &options).ok());
  EXPECT_EQ(options.ca_file, "/etc/yimen/ca.pem");
  EXPECT_EQ(options.pinned_public_key, kPinA + ";" + kPinB);
}

TEST(TlsSettings, AMalformedPinIsNotStored) {
  testing::SyncTempDir dir;
  auto store = Store::Open(dir.path());
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE(SaveTlsSettings(**store, {"", {kPinA}}).ok());
  Status bad = SaveTlsSettings(**store, {"/other.pem", {"sha256//short"}});
  ASSERT_FALSE(bad.ok());
  auto loaded = LoadTlsSettings(**store);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->ca_file, "");
  EXPECT_EQ(loaded->pins, std::vector<std::string>{kPinA});
}

}  // namespace
}  // namespace yimen::sync
