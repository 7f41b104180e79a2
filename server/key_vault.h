// Key custody (issue 12; docs/security.md "Key custody"): the sealing secrets are stored
// in PostgreSQL only wrapped, so a copy of the database (a backup, a replica, a dump on
// a laptop) opens no application. Each secret is sealed to a vault X25519 key
// (crypto_box_seal, so a rotation wraps its new key without anyone's passphrase); the
// vault's secret is stored only under crypto_secretbox with a key that Argon2id
// (crypto_pwhash) derives from the office supervisors' passphrase, which is never
// stored. The plaintext secrets live only in one process's memory after an unlock, for
// a bounded time, and are wiped on lock, timeout and exit; every step is audited
// (key_audit table).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "domain/result.h"
#include "server/key_wrap.h"
#include "server/pg_pool.h"
#include "server/sealed_payload.h"

namespace yimen::server {

// The sealing secrets, unlocked in this process's memory only (docs/security.md
// "Key custody"). One per process; ServerCore owns one; yimen-admin makes its own.
// Every member is thread-safe.
class KeyVault {
 public:
  enum class State {
    kUnprotected,  // no passphrase ceremony yet: secrets still plaintext in the DB (legacy / fresh)
    kLocked,       // wrapped; nothing in memory
    kUnlocked,     // wrapped; secrets in this process's memory until unlocked_until()
  };
  KeyVault(PgPool& pool, std::chrono::seconds unlock_for);  // e.g. 60 min
  ~KeyVault();                                              // wipes (audited "exit")
  KeyVault(const KeyVault&) = delete;
  KeyVault& operator=(const KeyVault&) = delete;

  // Reads the vault row once (cached after the ceremony is seen: the state can only
  // move forward) and applies the timeout: an unlock past unlocked_until() is wiped and
  // audited ("timeout") here. kLocked when the database cannot be read and nothing is
  // in memory.
  State state();
  std::string unlocked_until() const;  // ISO-8601 UTC, "" when not unlocked

  // The passphrase ceremony: sets the first passphrase, wraps every secret, drops the
  // plaintext column. kConflict if a passphrase exists; kInvalidArgument for a
  // passphrase shorter than kMinPassphraseChars. Audited. ~1 s (Argon2id). Leaves the
  // vault locked.
  Status SetUpPassphrase(const std::string& passphrase, const std::string& actor,
                         const std::string& client);
  // kRejected "wrong passphrase", code kWrongPassphraseCode (audited, throttled with a
  // growing delay and lockout), kRejected code kPassphraseLockedOutCode while locked
  // out, kInvalidArgument when kUnprotected.
  // On success the secrets stay in memory for unlock_for (an unlock while unlocked
  // extends it). Audited.
  Status Unlock(const std::string& passphrase, const std::string& actor, const std::string& client);
  // Wipes the secrets. Audited with `why` ("lock", "timeout", "exit") when something
  // was in memory. Never fails (the audit row is best-effort when the database is down).
  void Lock(const std::string& actor, const std::string& why);
  // Re-wraps only the vault secret under the new passphrase; no application or sealing
  // key row changes. Fails as Unlock does for the old one. Audited.
  Status ChangePassphrase(const std::string& old_pass, const std::string& new_pass,
                          const std::string& actor, const std::string& client);
  // The keys that open, for server/sealed_payload.h. kRejected "key locked", code
  // kKeyLockedCode, when locked; when kUnprotected, the plaintext ones (legacy, until the
  // ceremony). The caller wipes the secrets it was given.
  Result<std::vector<OpeningKey>> OpeningKeys();

  static constexpr size_t kMinPassphraseChars = 12;
  // Error::code of the vault's refusals, for callers that must tell them apart.
  static constexpr const char* kKeyLockedCode = "key_locked";
  static constexpr const char* kWrongPassphraseCode = "wrong_passphrase";
  static constexpr const char* kPassphraseLockedOutCode = "passphrase_locked_out";
  // Like office sign-in (server/office_accounts.h): each wrong passphrase first waits
  // failures x kPassphraseDelayStepMs; after kMaxPassphraseFailures in a row the vault
  // refuses every passphrase for kPassphraseLockoutMinutes. The count is in the
  // key_vault row, so every server copy and yimen-admin share it.
  static constexpr int kMaxPassphraseFailures = 5;
  static constexpr int kPassphraseLockoutMinutes = 15;
  static constexpr int64_t kPassphraseDelayStepMs = 1000;

 private:
  struct Secrets;  // the vault secret in sodium_malloc'd (guarded, mlocked) memory
  // Reads the vault row, checks the lockout, runs Argon2id; counts and audits a wrong
  // passphrase (then sleeps the growing delay). Returns the vault secret (caller wipes).
  Result<std::string> OpenVault(const std::string& passphrase, const std::string& actor,
                                const std::string& client, std::string* public_key,
                                keywrap::PassphraseParams* params);
  bool ProtectedNow();  // the ceremony was held (true also when the database cannot say)
  void TimerLoop();     // m_timer: wipes at m_until

  PgPool& m_pool;
  const std::chrono::seconds m_unlock_for;
  mutable std::mutex m_mutex;          // guards everything below
  std::condition_variable m_wake;      // m_secrets, m_until or m_stop changed
  bool m_protected_seen = false;       // the ceremony happened (never goes back)
  std::unique_ptr<Secrets> m_secrets;  // null when locked
  std::chrono::system_clock::time_point m_until{};
  bool m_stop = false;
  std::thread m_timer;  // last: starts in the constructor once the rest exists
};

// "unprotected", "locked", "unlocked" (the /metrics label and yimen-admin key-status).
const char* KeyVaultStateName(KeyVault::State state);

// One key_audit row (events: "ceremony", "unlock", "lock", "timeout", "exit",
// "failed_passphrase", "locked_out", "passphrase_change", "rotation", "retire").
// For the events outside KeyVault (rotation and retirement by yimen-admin).
Status AuditKeyEvent(PgPool& pool, const std::string& event, const std::string& actor,
                     const std::string& client, const std::string& detail);

}  // namespace yimen::server
