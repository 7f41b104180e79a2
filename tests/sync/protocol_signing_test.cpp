// Tests sync/protocol/signing: what is signed, what breaks a signature, sealing.
#include "sync/protocol/signing.h"

#include <gtest/gtest.h>

namespace yimen::protocol {
namespace {

SignedParts SampleParts() {
  return SignedParts{"POST", "/v1/push", 1795430000, "00112233445566778899aabbccddeeff",
                     R"({"items":[]})"};
}

TEST(Signing, CanonicalRequestListsEveryPartOnItsOwnLine) {
  EXPECT_EQ(CanonicalRequest(SampleParts()),
            "YIMEN-V1\nPOST\n/v1/push\n1795430000\n00112233445566778899aabbccddeeff\n" +
                Sha256Hex(R"({"items":[]})"));
}

TEST(Signing, Sha256OfEmptyInputIsTheKnownDigest) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Signing, SignatureVerifiesWithTheMatchingPublicKey) {
  const SigningKeyPair keys = GenerateSigningKeyPair();
  auto signature = SignRequest(SampleParts(), keys.secret_key);
  ASSERT_TRUE(signature.ok());
  EXPECT_TRUE(VerifyRequest(SampleParts(), *signature, keys.public_key));
}

TEST(Signing, AnyChangedPartBreaksTheSignature) {
  const SigningKeyPair keys = GenerateSigningKeyPair();
  auto signature = SignRequest(SampleParts(), keys.secret_key);
  ASSERT_TRUE(signature.ok());
  SignedParts body = SampleParts();
  body.body += " ";
  SignedParts path = SampleParts();
  path.path = "/v1/status";
  SignedParts time = SampleParts();
  time.timestamp += 1;
  SignedParts nonce = SampleParts();
  nonce.nonce[0] = '1';
  SignedParts method = SampleParts();
  method.method = "PUT";
  for (const SignedParts& changed : {body, path, time, nonce, method}) {
    EXPECT_FALSE(VerifyRequest(changed, *signature, keys.public_key));
  }
}

TEST(Signing, AnotherKeysSignatureIsRefused) {
  const SigningKeyPair mine = GenerateSigningKeyPair();
  const SigningKeyPair forger = GenerateSigningKeyPair();
  auto forged = SignRequest(SampleParts(), forger.secret_key);
  ASSERT_TRUE(forged.ok());
  EXPECT_FALSE(VerifyRequest(SampleParts(), *forged, mine.public_key));
}

TEST(Signing, GarbageSignatureIsRefusedWithoutCrashing) {
  const SigningKeyPair keys = GenerateSigningKeyPair();
  EXPECT_FALSE(VerifyRequest(SampleParts(), "not base64!!", keys.public_key));
  EXPECT_FALSE(VerifyRequest(SampleParts(), "", keys.public_key));
  EXPECT_FALSE(VerifyRequest(SampleParts(), "AAAA", "short key"));
}

TEST(Signing, WrongSizeSecretKeyIsAnInvalidArgument) {
  auto signature = SignRequest(SampleParts(), "too short");
  ASSERT_FALSE(signature.ok());
  EXPECT_EQ(signature.error().kind, ErrorKind::kInvalidArgument);
}

TEST(Signing, Base64RoundTripsEveryByte) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  auto decoded = Base64Decode(Base64Encode(bytes));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, bytes);
  EXPECT_EQ(Base64Encode("yimen"), "eWltZW4=");
  EXPECT_FALSE(Base64Decode("eWltZW4").ok());
}

TEST(Signing, NoncesAreFreshHex) {
  const std::string a = NewNonce();
  const std::string b = NewNonce();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(Sealing, OnlyTheServerKeyOpensASealedPayload) {
  const SealingKeyPair server = GenerateSealingKeyPair();
  const SealingKeyPair other = GenerateSealingKeyPair();
  auto sealed = Seal(R"({"name":"张三"})", server.public_key);
  ASSERT_TRUE(sealed.ok());
  auto opened = Unseal(*sealed, server);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, R"({"name":"张三"})");
  auto wrong = Unseal(*sealed, other);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().kind, ErrorKind::kRejected);
  std::string tampered = *sealed;
  tampered.back() ^= 1;
  EXPECT_FALSE(Unseal(tampered, server).ok());
}

}  // namespace
}  // namespace yimen::protocol
