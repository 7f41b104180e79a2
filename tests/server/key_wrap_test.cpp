// Key custody's arithmetic (server/key_wrap.h) without a database: the passphrase
// wraps the vault secret and only that passphrase unwraps it; a sealing secret wrapped
// to one vault opens with that vault's secret only; tampering is refused.
#include "server/key_wrap.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <chrono>
#include <cstdio>

namespace yimen::server::keywrap {
namespace {

class KeyWrap : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_GE(sodium_init(), 0); }
};

TEST_F(KeyWrap, OnlyThePassphraseUnwrapsTheVaultSecret) {
  const VaultPair pair = NewVaultPair();
  const PassphraseParams params = NewPassphraseParams();
  EXPECT_EQ(params.salt.size(), kSaltBytes);
  EXPECT_EQ(params.opslimit, crypto_pwhash_OPSLIMIT_MODERATE);
  EXPECT_EQ(params.memlimit, crypto_pwhash_MEMLIMIT_MODERATE);
  const auto started = std::chrono::steady_clock::now();
  auto wrapped = WrapVaultSecret(pair.secret_key, "柳树 river 三月 lantern", params);
  std::printf("Argon2id (ops %llu, %llu MiB) + secretbox: %.0f ms\n",
              static_cast<unsigned long long>(params.opslimit),
              static_cast<unsigned long long>(params.memlimit >> 20),
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
                  .count());
  ASSERT_TRUE(wrapped.ok()) << wrapped.error().message;
  EXPECT_EQ(wrapped->size(), 24u + 16u + 32u);
  EXPECT_EQ(wrapped->find(pair.secret_key), std::string::npos);

  auto back = UnwrapVaultSecret(*wrapped, "柳树 river 三月 lantern", params);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, pair.secret_key);

  auto wrong = UnwrapVaultSecret(*wrapped, "柳树 river 三月 lanterm", params);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().kind, ErrorKind::kRejected);
  EXPECT_EQ(wrong.error().message, "wrong passphrase");

  PassphraseParams other_salt = params;
  other_salt.salt[0] = static_cast<char>(other_salt.salt[0] ^ 1);
  EXPECT_FALSE(UnwrapVaultSecret(*wrapped, "柳树 river 三月 lantern", other_salt).ok());

  std::string altered = *wrapped;
  altered[30] = static_cast<char>(altered[30] ^ 0x40);
  EXPECT_FALSE(UnwrapVaultSecret(altered, "柳树 river 三月 lantern", params).ok());
  EXPECT_EQ(UnwrapVaultSecret(wrapped->substr(1), "柳树 river 三月 lantern", params).error().kind,
            ErrorKind::kDataLoss);
  // A damaged cost never reaches Argon2id.
  PassphraseParams huge = params;
  huge.memlimit = 1ull << 40;
  EXPECT_EQ(UnwrapVaultSecret(*wrapped, "x", huge).error().kind, ErrorKind::kInvalidArgument);
}

TEST_F(KeyWrap, ASealingSecretOpensWithItsVaultOnly) {
  const VaultPair vault = NewVaultPair();
  const VaultPair other = NewVaultPair();
  std::string secret(32, '\0');
  randombytes_buf(secret.data(), secret.size());
  auto wrapped = WrapSealingSecret(secret, vault.public_key);
  ASSERT_TRUE(wrapped.ok());
  EXPECT_EQ(wrapped->size(), 80u);
  EXPECT_EQ(wrapped->find(secret), std::string::npos);
  auto back = UnwrapSealingSecret(*wrapped, vault.public_key, vault.secret_key);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, secret);
  EXPECT_EQ(UnwrapSealingSecret(*wrapped, other.public_key, other.secret_key).error().kind,
            ErrorKind::kRejected);
  std::string altered = *wrapped;
  altered[50] = static_cast<char>(altered[50] ^ 1);
  EXPECT_FALSE(UnwrapSealingSecret(altered, vault.public_key, vault.secret_key).ok());
  EXPECT_EQ(WrapSealingSecret("short", vault.public_key).error().kind, ErrorKind::kInvalidArgument);
  // Two wraps of one secret differ (an ephemeral key each): no equality leaks.
  EXPECT_NE(*WrapSealingSecret(secret, vault.public_key), *wrapped);
}

}  // namespace
}  // namespace yimen::server::keywrap
