// The server's sealing key ring (issue 6): kiosks seal applications to the active key;
// keys replaced by a rotation stay able to open what kiosks sealed before they heard of
// the new one; a retired key has lost its secret for good, and envelopes naming it are
// refused. Every server copy reads the ring from PostgreSQL, so a rotation made with
// yimen-admin reaches all copies at their next request.
#pragma once

#include <string>
#include <vector>

#include "domain/result.h"
#include "server/pg_pool.h"

namespace yimen::server {

enum class KeyState { kActive, kPrevious, kRetired };
const char* KeyStateName(KeyState state);  // "active", "previous", "retired"

struct RingKey {
  std::string key_id;      // common/sealing.h KeyId of the public key
  std::string public_key;  // 32 raw bytes
  std::string secret_key;  // 32 raw bytes, only before the passphrase ceremony
                           // (server/key_vault.h); empty after it and once retired
  std::string wrapped_secret;  // after the ceremony: sealed to the vault (80 raw bytes);
                               // empty before it and once retired
  KeyState state = KeyState::kActive;
  std::string created_at;  // ISO-8601 UTC
};

// Makes sure the ring has an active key: on first start it adopts the single key of
// servers before the ring (server_keys 'sealing', then deleted from there) or makes a
// fresh pair. Safe when several copies start at once. kUnavailable: database down.
Status EnsureKeyRing(PgPool& pool);

// Every key, newest first. With KeySecrets::kWithout no secret is read (secret_key
// and wrapped_secret stay empty): what ingest, heartbeats and enrollment use, since
// they never open anything (docs/internals/sync.md "Ingest stores sealed"). With
// kWith, only server/key_vault.h's KeyVault reads them (to open). Thread-safe.
enum class KeySecrets { kWith, kWithout };
Result<std::vector<RingKey>> LoadKeyRing(PgPool& pool, KeySecrets secrets = KeySecrets::kWith);

// EnsureKeyRing's work inside the caller's transaction (the schema migration that
// seals old plaintext rows needs an active key before EnsureKeyRing can run). Returns
// the active key's public key (32 raw bytes). Throws what libpqxx throws.
std::string EnsureActiveKeyIn(pqxx::work& tx);

// The active key, without its secret. kDataLoss when the ring has none (EnsureKeyRing
// was never run).
Result<RingKey> ActiveSealingKey(PgPool& pool);

// Makes a fresh active key; the old active one becomes "previous" and keeps opening.
// After the passphrase ceremony the new secret is wrapped to the vault (no passphrase
// needed). Returns the new key (without its secret). Kiosks switch at their next
// heartbeat.
Result<RingKey> RotateSealingKey(PgPool& pool);

// Deletes the secret of a "previous" key for good. Refuses (kConflict) while any
// kiosk that is not revoked reported, in its latest heartbeat, applications not yet
// delivered that are sealed to it (the message names those kiosks), and refuses the
// active key (rotate first). kNotFound for an unknown key id; retiring a retired key
// is a no-op.
Status RetireSealingKey(PgPool& pool, const std::string& key_id);

}  // namespace yimen::server
