// The sealing key ring (see key_ring.h). Keys are base64 text in PostgreSQL, like the
// server_keys table before it; the table lock in EnsureKeyRing and RotateSealingKey
// keeps two copies (or two operators) from making two active keys at once. After the
// passphrase ceremony (server/key_vault.h) a secret is stored only wrapped to the vault
// (wrapped_secret) and the plaintext column secret_key no longer exists; before it,
// secret_key holds it. Every statement here works in both states.
#include "server/key_ring.h"

#include <optional>
#include <stdexcept>

#include "common/sealing.h"
#include "server/key_wrap.h"
#include "sync/protocol/signing.h"

namespace yimen::server {
namespace {


KeyState ParseState(const std::string& text) {
  if (text == "active") return KeyState::kActive;
  if (text == "previous") return KeyState::kPrevious;
  return KeyState::kRetired;
}

// The vault's public key (raw) once the passphrase ceremony was held, else nullopt
// (also before migration 9 made the table, as when migration 5 needs a key).
std::optional<std::string> VaultPublicKeyIn(pqxx::work& tx) {
  if (tx.exec("SELECT to_regclass('key_vault') IS NULL")[0][0].as<bool>()) return std::nullopt;
  pqxx::result r = tx.exec("SELECT public_key FROM key_vault");
  if (r.empty()) return std::nullopt;
  auto pub = Base64Decode(r[0][0].as<std::string>());
  if (!pub.ok()) throw std::runtime_error("key_vault.public_key is not base64");
  return std::move(*pub);
}

// Inserts `pair` as the active key: wrapped to the vault after the ceremony (no
// passphrase needed), plaintext before it.
void InsertActive(pqxx::work& tx, const protocol::SealingKeyPair& pair) {
  if (std::optional<std::string> vault = VaultPublicKeyIn(tx)) {
    auto wrapped = keywrap::WrapSealingSecret(pair.secret_key, *vault);
    if (!wrapped.ok()) throw std::runtime_error(wrapped.error().message);
    tx.exec_params(
        "INSERT INTO sealing_keys (key_id, public_key, wrapped_secret, state) "
        "VALUES ($1, $2, $3, 'active')",
        seal::KeyId(pair.public_key), Base64Encode(pair.public_key), Base64Encode(*wrapped));
    return;
  }
  tx.exec_params(
      "INSERT INTO sealing_keys (key_id, public_key, secret_key, state) "
      "VALUES ($1, $2, $3, 'active')",
      seal::KeyId(pair.public_key), Base64Encode(pair.public_key), Base64Encode(pair.secret_key));
}

}  // namespace

const char* KeyStateName(KeyState state) {
  switch (state) {
    case KeyState::kActive: return "active";
    case KeyState::kPrevious: return "previous";
    case KeyState::kRetired: return "retired";
  }
  return "unknown";
}

std::string EnsureActiveKeyIn(pqxx::work& tx) {
  tx.exec("LOCK TABLE sealing_keys IN EXCLUSIVE MODE");
  pqxx::result active = tx.exec("SELECT public_key FROM sealing_keys WHERE state = 'active'");
  std::string public_key;
  if (active.empty()) {
    protocol::SealingKeyPair pair;
    pqxx::result legacy =
        tx.exec("SELECT public_key, secret_key FROM server_keys WHERE name = 'sealing'");
    if (!legacy.empty()) {
      auto pub = Base64Decode(legacy[0][0].as<std::string>());
      auto sec = Base64Decode(legacy[0][1].as<std::string>());
      if (pub.ok() && sec.ok()) pair = {*pub, *sec};
    }
    if (pair.public_key.size() != 32 || pair.secret_key.size() != 32) {
      pair = protocol::GenerateSealingKeyPair();
    }
    InsertActive(tx, pair);
    public_key = pair.public_key;
  } else {
    auto pub = Base64Decode(active[0][0].as<std::string>());
    if (pub.ok()) public_key = std::move(*pub);
  }
  // The ring holds every secret now: no second copy of a key that may be retired.
  tx.exec("DELETE FROM server_keys WHERE name = 'sealing'");
  return public_key;
}

Status EnsureKeyRing(PgPool& pool) {
  return pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    (void)EnsureActiveKeyIn(tx);
    tx.commit();
  });
}

Result<std::vector<RingKey>> LoadKeyRing(PgPool& pool, KeySecrets secrets) {
  std::vector<RingKey> ring;
  std::optional<Error> damaged;
  Status status = pool.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    // to_jsonb(k) names secret_key and wrapped_secret only while they exist, so one
    // statement reads the ring before migration 9, before the ceremony and after it.
    const std::string secret = secrets == KeySecrets::kWith
                                   ? "coalesce(to_jsonb(k) ->> 'secret_key', ''), "
                                     "coalesce(to_jsonb(k) ->> 'wrapped_secret', '')"
                                   : "'', ''";
    pqxx::result r =
        tx.exec("SELECT key_id, public_key, " + secret + ", state, " + SqlIsoUtc("created_at") +
                " FROM sealing_keys k ORDER BY created_at DESC, key_id");
    ring.clear();
    for (const auto& row : r) {
      RingKey key;
      key.key_id = row[0].as<std::string>();
      auto pub = Base64Decode(row[1].as<std::string>());
      auto sec = Base64Decode(row[2].as<std::string>());
      auto wrapped = Base64Decode(row[3].as<std::string>());
      if (!pub.ok() || !sec.ok() || !wrapped.ok()) {
        damaged = MakeError(ErrorKind::kDataLoss, "sealing key " + key.key_id + " is not base64");
        return;
      }
      key.public_key = std::move(*pub);
      key.secret_key = std::move(*sec);
      key.wrapped_secret = std::move(*wrapped);
      key.state = ParseState(row[4].as<std::string>());
      key.created_at = row[5].as<std::string>();
      ring.push_back(std::move(key));
    }
  });
  if (!status.ok()) return status.error();
  if (damaged) return *damaged;
  return ring;
}

Result<RingKey> ActiveSealingKey(PgPool& pool) {
  auto ring = LoadKeyRing(pool, KeySecrets::kWithout);
  if (!ring.ok()) return ring.error();
  for (RingKey& key : *ring) {
    if (key.state == KeyState::kActive) return std::move(key);
  }
  return MakeError(ErrorKind::kDataLoss, "the sealing key ring has no active key");
}

Result<RingKey> RotateSealingKey(PgPool& pool) {
  const protocol::SealingKeyPair pair = protocol::GenerateSealingKeyPair();
  Status status = pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    tx.exec("LOCK TABLE sealing_keys IN EXCLUSIVE MODE");
    tx.exec("UPDATE sealing_keys SET state = 'previous', rotated_at = now() WHERE state = 'active'");
    InsertActive(tx, pair);
    tx.commit();
  });
  if (!status.ok()) return status.error();
  return ActiveSealingKey(pool);
}

Status RetireSealingKey(PgPool& pool, const std::string& key_id) {
  std::optional<Error> refusal;
  Status status = pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    tx.exec("LOCK TABLE sealing_keys IN EXCLUSIVE MODE");
    pqxx::result key = tx.exec_params("SELECT state FROM sealing_keys WHERE key_id = $1", key_id);
    if (key.empty()) {
      refusal = MakeError(ErrorKind::kNotFound, "no sealing key " + key_id);
      return;
    }
    const std::string state = key[0][0].as<std::string>();
    if (state == "retired") return;
    if (state == "active") {
      refusal = MakeError(ErrorKind::kConflict, "key " + key_id +
                                                    " is the active key: rotate-sealing-key first");
      return;
    }
    pqxx::result holders = tx.exec_params(
        "SELECT kiosk_code, (sealed_by_key ->> $1)::bigint FROM devices "
        "WHERE revoked_at IS NULL AND coalesce((sealed_by_key ->> $1)::bigint, 0) > 0 "
        "ORDER BY kiosk_code",
        key_id);
    if (!holders.empty()) {
      std::string names;
      for (const auto& row : holders) {
        if (!names.empty()) names += ", ";
        names += row[0].as<std::string>() + " (" + row[1].as<std::string>() + ")";
      }
      refusal = MakeError(ErrorKind::kConflict,
                          "kiosks still hold undelivered applications sealed to key " + key_id +
                              ": " + names + ". Let them sync (or revoke them) and try again");
      return;
    }
    const bool wrapped = VaultPublicKeyIn(tx).has_value();
    tx.exec_params(std::string("UPDATE sealing_keys SET state = 'retired', ") +
                       (wrapped ? "" : "secret_key = NULL, ") +
                       "wrapped_secret = NULL, retired_at = now() WHERE key_id = $1",
                   key_id);
    tx.commit();
  });
  if (!status.ok()) return status;
  if (refusal) return *refusal;
  return Status::Ok();
}

}  // namespace yimen::server
