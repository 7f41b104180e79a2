// The header stage's pure rules (server/request_head.h): routes, body limits, the
// signature headers' shape, and a clock-skew check that cannot overflow. Runs in the
// ASan+UBSan build, where timestamp - now for a timestamp of -2^63 used to abort.
#include "server/request_head.h"

#include <gtest/gtest.h>

#include <limits>

#include "server/phone_page.h"
#include "sync/protocol/messages.h"
#include "sync/protocol/phone_messages.h"
#include "sync/protocol/signing.h"

namespace yimen::server {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kNow = 1'796'300'000;

TEST(ClockSkew, TheEndsOfTheRangeAreStaleWithoutOverflow) {
  EXPECT_EQ(ClockOffset(kMin, kNow), kMin);
  EXPECT_EQ(ClockOffset(kMax, -kNow), kMax);
  EXPECT_EQ(ClockOffset(kMin, kMin), 0);
  EXPECT_EQ(ClockOffset(kNow - 5, kNow), -5);
  EXPECT_FALSE(WithinClockSkew(kMin, kNow, 300));
  EXPECT_FALSE(WithinClockSkew(kMax, kNow, 300));
  EXPECT_FALSE(WithinClockSkew(kMin, kMax, kMax));
  EXPECT_TRUE(WithinClockSkew(kMax, kMax, 0));
}

TEST(ClockSkew, TheWindowIncludesItsEdges) {
  EXPECT_TRUE(WithinClockSkew(kNow + 300, kNow, 300));
  EXPECT_TRUE(WithinClockSkew(kNow - 300, kNow, 300));
  EXPECT_FALSE(WithinClockSkew(kNow + 301, kNow, 300));
  EXPECT_FALSE(WithinClockSkew(kNow - 301, kNow, 300));
  EXPECT_FALSE(WithinClockSkew(kNow, kNow, -1));
}

ApiRequest WithHeaders(const std::string& device, const std::string& timestamp,
                       const std::string& nonce = std::string(32, 'a')) {
  ApiRequest request;
  request.headers = {{"x-yimen-device", device},
                     {"x-yimen-timestamp", timestamp},
                     {"x-yimen-nonce", nonce},
                     {"x-yimen-signature", "c2ln"}};
  return request;
}

TEST(SignatureHeaders, NumbersArePlainDecimalInt64s) {
  auto ok = ParseSignatureHeaders(WithHeaders("12", "-9223372036854775808"));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->device_id, 12);
  EXPECT_EQ(ok->timestamp, kMin);
  for (const char* bad : {" 12", "12abc", "+12", "0x10", "9223372036854775808", "1e9", ""}) {
    EXPECT_FALSE(ParseSignatureHeaders(WithHeaders(bad, "1")).ok()) << bad;
    EXPECT_FALSE(ParseSignatureHeaders(WithHeaders("1", bad)).ok()) << bad;
  }
  EXPECT_FALSE(ParseSignatureHeaders(WithHeaders("1", "1", "short")).ok());
  EXPECT_FALSE(ParseSignatureHeaders(WithHeaders("1", "1", std::string(65, 'n'))).ok());
  EXPECT_FALSE(ParseSignatureHeaders(ApiRequest{}).ok());
}

TEST(SignatureHeaders, OnlyAnEd25519SignatureIsWellFormed) {
  ASSERT_TRUE(protocol::InitCrypto().ok());
  const protocol::SigningKeyPair keys = protocol::GenerateSigningKeyPair();
  auto signature = protocol::SignRequest({"GET", "/v1/status", kNow, "n", ""}, keys.secret_key);
  ASSERT_TRUE(signature.ok());
  EXPECT_TRUE(IsWellFormedSignature(*signature));
  EXPECT_FALSE(IsWellFormedSignature("c2ln"));
  EXPECT_FALSE(IsWellFormedSignature(std::string(88, '=')));
  EXPECT_FALSE(IsWellFormedSignature(std::string(88, '!')));
}

TEST(Routes, EachEndpointServesItsMethodsOnly) {
  EXPECT_EQ(RouteOf("/healthz"), Route::kHealth);
  EXPECT_EQ(RouteOf("/v1/attachments/u/a"), Route::kAttachment);
  EXPECT_EQ(RouteOf("/v1/attachments"), Route::kUnknown);
  EXPECT_EQ(RouteOf("/../../etc/passwd"), Route::kUnknown);
  EXPECT_TRUE(MethodAllowed(Route::kPush, "POST"));
  EXPECT_FALSE(MethodAllowed(Route::kPush, "GET"));
  EXPECT_FALSE(MethodAllowed(Route::kPush, "DELETE"));
  EXPECT_TRUE(MethodAllowed(Route::kAttachment, "PUT"));
  EXPECT_FALSE(NeedsSignature(Route::kHealth));
  EXPECT_FALSE(NeedsSignature(Route::kEnroll));
  EXPECT_TRUE(NeedsSignature(Route::kStatus));
}

TEST(Routes, TheConsoleAuthenticatesBySessionNotSignature) {
  EXPECT_EQ(RouteOf("/console"), Route::kConsole);
  EXPECT_EQ(RouteOf("/console/app/X"), Route::kConsole);
  EXPECT_EQ(RouteOf("/consolex"), Route::kUnknown);
  EXPECT_EQ(RouteOf("/api/office/v1/queue"), Route::kOfficeApi);
  EXPECT_EQ(RouteOf("/api/office/v2/queue"), Route::kUnknown);
  EXPECT_FALSE(NeedsSignature(Route::kConsole));
  EXPECT_FALSE(NeedsSignature(Route::kOfficeApi));
  EXPECT_FALSE(MethodAllowed(Route::kConsole, "PUT"));
  EXPECT_TRUE(MethodAllowed(Route::kOfficeApi, "DELETE"));
}

TEST(Routes, ThePhonesPageTakesNoSignatureButTheKiosksLinksDo) {
  EXPECT_EQ(RouteOf("/v1/phone-links"), Route::kPhoneLinks);
  EXPECT_EQ(RouteOf("/v1/phone-links/0b6f4c9e-2f0e-4a39-9d57-5f1c0f6f1a11"), Route::kPhoneLinks);
  EXPECT_EQ(RouteOf("/v1/phone-linksx"), Route::kUnknown);
  EXPECT_EQ(RouteOf("/m/abc/files"), Route::kPhonePage);
  EXPECT_EQ(RouteOf("/m"), Route::kUnknown);
  EXPECT_TRUE(NeedsSignature(Route::kPhoneLinks));
  EXPECT_FALSE(NeedsSignature(Route::kPhonePage));
  EXPECT_TRUE(MethodAllowed(Route::kPhoneLinks, "DELETE"));
  EXPECT_FALSE(MethodAllowed(Route::kPhonePage, "DELETE"));
}

TEST(BodyLimits, OnlyThePhonesFileUploadTakesAPhoto) {
  const std::string token(43, 'A');
  EXPECT_EQ(BodyLimit("/m/" + token + "/files"), protocol::kPhoneMaxSealedBytes);
  EXPECT_EQ(BodyLimit("/m/" + token + "/done"), protocol::kMaxSmallBodyBytes);
  EXPECT_EQ(BodyLimit("/m/" + token), protocol::kMaxSmallBodyBytes);
  EXPECT_EQ(BodyLimit("/v1/phone-links"), protocol::kMaxSmallBodyBytes);
}

TEST(PhonePaths, OnlyAWellFormedTokenAndAKnownActionSplit) {
  const std::string token(43, 'b');
  std::string got;
  std::string action;
  EXPECT_TRUE(SplitPhonePath("/m/" + token, &got, &action));
  EXPECT_EQ(got, token);
  EXPECT_EQ(action, "");
  EXPECT_TRUE(SplitPhonePath("/m/" + token + "/files", &got, &action));
  EXPECT_EQ(action, "files");
  EXPECT_FALSE(SplitPhonePath("/m/" + token + "/other", &got, &action));
  EXPECT_FALSE(SplitPhonePath("/m/" + token.substr(1), &got, &action));
  EXPECT_FALSE(SplitPhonePath("/m/" + std::string(42, 'b') + "=", &got, &action));
  EXPECT_FALSE(SplitPhonePath("/m/static/x/phone.js", &got, &action));
}

TEST(BodyLimits, EachEndpointHasItsOwn) {
  EXPECT_EQ(BodyLimit(protocol::kPathPush), protocol::kMaxPushBodyBytes);
  EXPECT_EQ(BodyLimit("/v1/attachments/u/a"), protocol::kMaxAttachmentChunkBytes);
  EXPECT_EQ(BodyLimit(protocol::kPathEnroll), protocol::kMaxSmallBodyBytes);
}

}  // namespace
}  // namespace yimen::server
