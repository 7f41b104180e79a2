// The arithmetic of key custody (server/key_vault.h), with no database so unit tests
// and fuzzers reach it: a passphrase becomes a 32-byte key by Argon2id
// (crypto_pwhash), which wraps the vault's X25519 secret with crypto_secretbox; each
// sealing secret is wrapped to the vault's public key with crypto_box_seal, so wrapping
// a new one needs no passphrase and unwrapping needs the vault's secret.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/result.h"

namespace yimen::server::keywrap {

// Argon2id cost, stored with each wrap so it can be raised later without breaking old
// rows. kOpsLimit/kMemLimit are libsodium's MODERATE (3 passes, 256 MiB): about 0.7 s
// on one core of the reference server (docs/security.md "Key custody").
inline constexpr uint64_t kOpsLimit = 3;
inline constexpr uint64_t kMemLimit = 256ull * 1024 * 1024;
inline constexpr size_t kSaltBytes = 16;  // crypto_pwhash_SALTBYTES
inline constexpr size_t kKeyBytes = 32;   // X25519 and secretbox keys

struct PassphraseParams {
  std::string salt;  // kSaltBytes raw
  uint64_t opslimit = kOpsLimit;
  uint64_t memlimit = kMemLimit;
};

// Fresh random salt with the default cost.
PassphraseParams NewPassphraseParams();

// The vault secret wrapped under a passphrase: nonce (24 bytes) || secretbox
// ciphertext (48 bytes). kInvalidArgument for a secret that is not 32 bytes or bad
// params; kInternal when Argon2id cannot get its memory. Any thread.
Result<std::string> WrapVaultSecret(std::string_view vault_secret, std::string_view passphrase,
                                    const PassphraseParams& params);
// The inverse. kRejected "wrong passphrase" when the box does not open (wrong
// passphrase, or the stored bytes were changed). The caller wipes the result.
Result<std::string> UnwrapVaultSecret(std::string_view wrapped, std::string_view passphrase,
                                      const PassphraseParams& params);

// A sealing secret (32 bytes) sealed to the vault's public key: 80 bytes.
Result<std::string> WrapSealingSecret(std::string_view sealing_secret,
                                      std::string_view vault_public);
// The inverse; kRejected when it was not sealed to this vault or was changed.
Result<std::string> UnwrapSealingSecret(std::string_view wrapped, std::string_view vault_public,
                                        std::string_view vault_secret);

// A fresh vault key pair (32 raw bytes each). The caller wipes the secret.
struct VaultPair {
  std::string public_key;
  std::string secret_key;
};
VaultPair NewVaultPair();

}  // namespace yimen::server::keywrap
