// Key custody's arithmetic (see key_wrap.h). libsodium only.
#include "server/key_wrap.h"

#include <sodium.h>

#include "common/wipe.h"

namespace yimen::server::keywrap {
namespace {

const unsigned char* Bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}
unsigned char* Bytes(std::string& text) { return reinterpret_cast<unsigned char*>(text.data()); }

// The secretbox key Argon2id derives from the passphrase. kInvalidArgument for params
// outside libsodium's bounds (a damaged row), kInternal when memory is short.
Result<std::string> DeriveKey(std::string_view passphrase, const PassphraseParams& params) {
  if (params.salt.size() != crypto_pwhash_SALTBYTES ||
      params.opslimit < crypto_pwhash_OPSLIMIT_MIN || params.opslimit > 16 ||
      params.memlimit < crypto_pwhash_MEMLIMIT_MIN || params.memlimit > (1ull << 31)) {
    return MakeError(ErrorKind::kInvalidArgument, "passphrase parameters out of bounds");
  }
  std::string key(crypto_secretbox_KEYBYTES, '\0');
  if (crypto_pwhash(Bytes(key), key.size(), passphrase.data(), passphrase.size(),
                    Bytes(params.salt), params.opslimit, static_cast<size_t>(params.memlimit),
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    Wipe(&key);
    return MakeError(ErrorKind::kInternal, "Argon2id could not run (out of memory?)");
  }
  return key;
}

}  // namespace

PassphraseParams NewPassphraseParams() {
  PassphraseParams params;
  params.salt.assign(crypto_pwhash_SALTBYTES, '\0');
  randombytes_buf(params.salt.data(), params.salt.size());
  return params;
}

VaultPair NewVaultPair() {
  VaultPair pair;
  pair.public_key.assign(crypto_box_PUBLICKEYBYTES, '\0');
  pair.secret_key.assign(crypto_box_SECRETKEYBYTES, '\0');
  crypto_box_keypair(Bytes(pair.public_key), Bytes(pair.secret_key));
  return pair;
}

Result<std::string> WrapVaultSecret(std::string_view vault_secret, std::string_view passphrase,
                                    const PassphraseParams& params) {
  if (vault_secret.size() != kKeyBytes) {
    return MakeError(ErrorKind::kInvalidArgument, "vault secret is not 32 bytes");
  }
  auto key = DeriveKey(passphrase, params);
  if (!key.ok()) return key.error();
  std::string wrapped(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + kKeyBytes, '\0');
  randombytes_buf(wrapped.data(), crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(Bytes(wrapped) + crypto_secretbox_NONCEBYTES, Bytes(vault_secret),
                        vault_secret.size(), Bytes(wrapped), Bytes(*key));
  Wipe(&*key);
  return wrapped;
}

Result<std::string> UnwrapVaultSecret(std::string_view wrapped, std::string_view passphrase,
                                      const PassphraseParams& params) {
  if (wrapped.size() != crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + kKeyBytes) {
    return MakeError(ErrorKind::kDataLoss, "the wrapped vault secret has the wrong size");
  }
  auto key = DeriveKey(passphrase, params);
  if (!key.ok()) return key.error();
  std::string secret(kKeyBytes, '\0');
  const int rc = crypto_secretbox_open_easy(
      Bytes(secret), Bytes(wrapped) + crypto_secretbox_NONCEBYTES,
      wrapped.size() - crypto_secretbox_NONCEBYTES, Bytes(wrapped), Bytes(*key));
  Wipe(&*key);
  if (rc != 0) {
    Wipe(&secret);
    return MakeError(ErrorKind::kRejected, "wrong passphrase");
  }
  return secret;
}

Result<std::string> WrapSealingSecret(std::string_view sealing_secret,
                                      std::string_view vault_public) {
  if (sealing_secret.size() != kKeyBytes || vault_public.size() != crypto_box_PUBLICKEYBYTES) {
    return MakeError(ErrorKind::kInvalidArgument, "a key is not 32 bytes");
  }
  std::string wrapped(crypto_box_SEALBYTES + kKeyBytes, '\0');
  crypto_box_seal(Bytes(wrapped), Bytes(sealing_secret), sealing_secret.size(),
                  Bytes(vault_public));
  return wrapped;
}

Result<std::string> UnwrapSealingSecret(std::string_view wrapped, std::string_view vault_public,
                                        std::string_view vault_secret) {
  if (wrapped.size() != crypto_box_SEALBYTES + kKeyBytes ||
      vault_public.size() != crypto_box_PUBLICKEYBYTES ||
      vault_secret.size() != crypto_box_SECRETKEYBYTES) {
    return MakeError(ErrorKind::kDataLoss, "a wrapped sealing secret has the wrong size");
  }
  std::string secret(kKeyBytes, '\0');
  if (crypto_box_seal_open(Bytes(secret), Bytes(wrapped), wrapped.size(), Bytes(vault_public),
                           Bytes(vault_secret)) != 0) {
    Wipe(&secret);
    return MakeError(ErrorKind::kRejected, "a sealing secret is not wrapped to this vault");
  }
  return secret;
}

}  // namespace yimen::server::keywrap
