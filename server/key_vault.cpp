// Key custody (see key_vault.h). PostgreSQL holds the vault row (public key, the
// secret wrapped under the passphrase, the Argon2id salt and cost, the failed-
// passphrase count every server copy shares) and the key_audit trail; this process
// holds the vault secret in libsodium's guarded memory while unlocked, and a thread of
// its own wipes it when the unlock runs out even if nobody asks.
#include "server/key_vault.h"

#include <sodium.h>

#include <algorithm>
#include <ctime>
#include <optional>
#include <thread>

#include "common/base64.h"
#include "common/civil_time.h"
#include "common/wipe.h"
#include "domain/utf8.h"
#include "server/key_ring.h"
#include "server/key_wrap.h"
#include "server/log.h"

namespace yimen::server {
namespace {

constexpr const char* kLockedMessage =
    "key locked: unlock with the supervisors' passphrase (yimen-admin show reads it after the "
    "password; the console's unlock page; docs/operations.md \"Key custody\")";

struct VaultRow {
  std::string public_key;  // raw
  std::string wrapped;     // raw
  keywrap::PassphraseParams params;
  bool locked_out = false;
  std::string locked_until;
};

// The vault row, or nullopt before the ceremony. Throws what libpqxx throws.
std::optional<VaultRow> ReadVaultRow(pqxx::transaction_base& tx) {
  pqxx::result r = tx.exec(
      "SELECT public_key, wrapped_secret, salt, opslimit, memlimit, "
      "coalesce(locked_until > now(), false), " +
      SqlIsoUtc("locked_until") + " FROM key_vault");
  if (r.empty()) return std::nullopt;
  VaultRow row;
  auto pub = Base64Decode(r[0][0].as<std::string>());
  auto wrapped = Base64Decode(r[0][1].as<std::string>());
  auto salt = Base64Decode(r[0][2].as<std::string>());
  if (pub.ok()) row.public_key = std::move(*pub);
  if (wrapped.ok()) row.wrapped = std::move(*wrapped);
  if (salt.ok()) row.params.salt = std::move(*salt);
  row.params.opslimit = r[0][3].as<uint64_t>();
  row.params.memlimit = r[0][4].as<uint64_t>();
  row.locked_out = r[0][5].as<bool>();
  row.locked_until = r[0][6].as<std::string>();
  return row;
}

void InsertAudit(pqxx::work& tx, const std::string& event, const std::string& actor,
                 const std::string& client, const std::string& detail) {
  tx.exec_params("INSERT INTO key_audit (event, actor, client, detail) VALUES ($1, $2, $3, $4)",
                 event, actor.substr(0, 256), client.substr(0, 256), detail.substr(0, 512));
}

std::string IsoUtc(std::chrono::system_clock::time_point at) {
  return yimen::IsoUtc(static_cast<int64_t>(std::chrono::system_clock::to_time_t(at)));
}

// A new passphrase long enough to be worth Argon2id, or why not.
Status CheckNewPassphrase(const std::string& passphrase) {
  if (CountCodepoints(passphrase) >= KeyVault::kMinPassphraseChars) return Status::Ok();
  return MakeError(ErrorKind::kInvalidArgument, "the passphrase needs at least " +
                                                    std::to_string(KeyVault::kMinPassphraseChars) +
                                                    " characters (a few unrelated words are best)");
}

}  // namespace

// The vault secret in guarded memory (sodium_malloc: guard pages, mlock, no core
// dump where the platform allows), readable only while the mutex is held.
struct KeyVault::Secrets {
  unsigned char* secret = nullptr;  // crypto_box_SECRETKEYBYTES
  std::string public_key;
  std::string actor, client;  // who unlocked, for the timeout and exit audit rows

  explicit Secrets(std::string_view plain) {
    secret = static_cast<unsigned char*>(sodium_malloc(crypto_box_SECRETKEYBYTES));
    if (secret == nullptr) return;
    std::copy(plain.begin(), plain.end(), secret);
    sodium_mprotect_noaccess(secret);
  }
  ~Secrets() {
    if (secret != nullptr) sodium_free(secret);  // zeroes before release
  }
  Secrets(const Secrets&) = delete;
  Secrets& operator=(const Secrets&) = delete;
};

Status AuditKeyEvent(PgPool& pool, const std::string& event, const std::string& actor,
                     const std::string& client, const std::string& detail) {
  return pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    InsertAudit(tx, event, actor, client, detail);
    tx.commit();
  });
}

const char* KeyVaultStateName(KeyVault::State state) {
  switch (state) {
    case KeyVault::State::kUnprotected: return "unprotected";
    case KeyVault::State::kLocked: return "locked";
    case KeyVault::State::kUnlocked: return "unlocked";
  }
  return "unknown";
}

KeyVault::KeyVault(PgPool& pool, std::chrono::seconds unlock_for)
    : m_pool(pool), m_unlock_for(unlock_for) {
  m_timer = std::thread([this] { TimerLoop(); });
}

KeyVault::~KeyVault() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_stop = true;
  }
  m_wake.notify_all();
  if (m_timer.joinable()) m_timer.join();
  Lock("", "exit");
}

void KeyVault::TimerLoop() {
  std::unique_lock<std::mutex> lock(m_mutex);
  while (!m_stop) {
    if (m_secrets == nullptr) {
      m_wake.wait(lock);
      continue;
    }
    if (std::chrono::system_clock::now() < m_until) {
      m_wake.wait_until(lock, m_until);
      continue;
    }
    lock.unlock();
    (void)state();  // wipes and audits "timeout"
    lock.lock();
  }
}

bool KeyVault::ProtectedNow() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_protected_seen) return true;
  }
  bool exists = false;
  Status status = m_pool.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    exists = tx.exec("SELECT EXISTS (SELECT 1 FROM key_vault)")[0][0].as<bool>();
  });
  if (!status.ok()) return true;  // cannot tell: act as if protected (locked, opens nothing)
  std::lock_guard<std::mutex> lock(m_mutex);
  if (exists) m_protected_seen = true;
  return exists;
}

KeyVault::State KeyVault::state() {
  std::unique_ptr<Secrets> expired;
  std::chrono::system_clock::time_point until;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_secrets != nullptr) {
      if (std::chrono::system_clock::now() < m_until) return State::kUnlocked;
      expired = std::move(m_secrets);
      until = m_until;
    }
  }
  if (expired) {
    const std::string actor = expired->actor;
    const std::string client = expired->client;
    expired.reset();  // sodium_free zeroes the secret before anything else happens
    (void)AuditKeyEvent(m_pool, "timeout", actor, client, "unlocked until " + IsoUtc(until));
    WriteLog(LogLine(LogLevel::kInfo, "key_vault.timeout").Add("actor", actor));
    return State::kLocked;
  }
  return ProtectedNow() ? State::kLocked : State::kUnprotected;
}

std::string KeyVault::unlocked_until() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  if (m_secrets == nullptr || std::chrono::system_clock::now() >= m_until) return "";
  return IsoUtc(m_until);
}

Status KeyVault::SetUpPassphrase(const std::string& passphrase, const std::string& actor,
                                 const std::string& client) {
  if (Status ok = CheckNewPassphrase(passphrase); !ok.ok()) return ok;
  keywrap::VaultPair pair = keywrap::NewVaultPair();
  const keywrap::PassphraseParams params = keywrap::NewPassphraseParams();
  auto wrapped = keywrap::WrapVaultSecret(pair.secret_key, passphrase, params);
  Wipe(&pair.secret_key);
  if (!wrapped.ok()) return wrapped.error();

  std::optional<Error> refusal;
  int64_t wrapped_keys = 0;
  Status status = m_pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    tx.exec("LOCK TABLE sealing_keys IN EXCLUSIVE MODE");
    if (!tx.exec("SELECT 1 FROM key_vault").empty()) {
      refusal = MakeError(ErrorKind::kConflict,
                          "the passphrase ceremony was held already: change the passphrase "
                          "with yimen-admin key-passphrase change");
      return;
    }
    tx.exec_params(
        "INSERT INTO key_vault (public_key, wrapped_secret, salt, opslimit, memlimit) "
        "VALUES ($1, $2, $3, $4, $5)",
        Base64Encode(pair.public_key), Base64Encode(*wrapped), Base64Encode(params.salt),
        static_cast<int64_t>(params.opslimit), static_cast<int64_t>(params.memlimit));
    pqxx::result plain =
        tx.exec("SELECT key_id, secret_key FROM sealing_keys WHERE secret_key IS NOT NULL");
    for (const auto& row : plain) {
      auto secret = Base64Decode(row[1].as<std::string>());
      if (!secret.ok()) {
        refusal = MakeError(ErrorKind::kDataLoss,
                            "sealing key " + row[0].as<std::string>() + " is not base64");
        return;
      }
      auto sealed = keywrap::WrapSealingSecret(*secret, pair.public_key);
      Wipe(&*secret);
      if (!sealed.ok()) {
        refusal = sealed.error();
        return;
      }
      tx.exec_params("UPDATE sealing_keys SET wrapped_secret = $2 WHERE key_id = $1",
                     row[0].as<std::string>(), Base64Encode(*sealed));
      ++wrapped_keys;
    }
    // The plaintext goes for good: the column (and its CHECK) and the pre-ring copy.
    tx.exec("ALTER TABLE sealing_keys DROP COLUMN secret_key");
    tx.exec(
        "ALTER TABLE sealing_keys ADD CONSTRAINT sealing_keys_wrapped_unless_retired "
        "CHECK ((state = 'retired') = (wrapped_secret IS NULL))");
    tx.exec("DELETE FROM server_keys WHERE name = 'sealing'");
    InsertAudit(tx, "ceremony", actor, client,
                std::to_string(wrapped_keys) + " sealing keys wrapped; plaintext column dropped");
    tx.commit();
  });
  if (!status.ok()) return status;
  if (refusal) return *refusal;
  // DROP COLUMN leaves the old bytes in the table's pages until they are rewritten:
  // rewrite now so a file-level copy of the cluster holds no plaintext secret either.
  Status vacuum = m_pool.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    tx.exec("VACUUM FULL sealing_keys");
    tx.exec("VACUUM FULL server_keys");
  });
  if (!vacuum.ok()) {
    WriteLog(LogLine(LogLevel::kWarn, "key_vault.vacuum_failed")
                 .Add("error", vacuum.error().message)
                 .Add("do", "run VACUUM FULL sealing_keys, server_keys"));
  }
  std::lock_guard<std::mutex> lock(m_mutex);
  m_protected_seen = true;
  return Status::Ok();
}

Result<std::string> KeyVault::OpenVault(const std::string& passphrase, const std::string& actor,
                                        const std::string& client, std::string* public_key,
                                        keywrap::PassphraseParams* params) {
  std::optional<VaultRow> row;
  Status read = m_pool.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    row = ReadVaultRow(tx);
  });
  if (!read.ok()) return read.error();
  if (!row) {
    return MakeError(ErrorKind::kInvalidArgument,
                     "no passphrase yet: hold the passphrase ceremony first "
                     "(yimen-admin key-ceremony)");
  }
  if (row->locked_out) {
    (void)AuditKeyEvent(m_pool, "locked_out", actor, client, "until " + row->locked_until);
    return MakeError(ErrorKind::kRejected,
                     "locked out after " + std::to_string(kMaxPassphraseFailures) +
                         " wrong passphrases, until " + row->locked_until,
                     kPassphraseLockedOutCode);
  }
  // Argon2id runs outside any transaction: it takes about a second, longer than a
  // request's database deadline.
  auto secret = keywrap::UnwrapVaultSecret(row->wrapped, passphrase, row->params);
  if (secret.ok()) {
    Status reset = m_pool.Run([&](pqxx::connection& c) {
      pqxx::work tx(c);
      tx.exec("UPDATE key_vault SET failed_attempts = 0, locked_until = NULL");
      tx.commit();
    });
    if (!reset.ok()) {
      Wipe(&*secret);
      return reset.error();
    }
    *public_key = row->public_key;
    if (params != nullptr) *params = row->params;
    return secret;
  }
  if (secret.error().kind != ErrorKind::kRejected) return secret.error();
  int64_t failures = 0;
  Status counted = m_pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    // A lockout that ran out starts a fresh count (as office sign-in does).
    failures = tx.exec_params(
                     "UPDATE key_vault SET "
                     "  failed_attempts = CASE WHEN locked_until IS NOT NULL THEN 1 ELSE "
                     "failed_attempts + 1 END,"
                     "  last_failed_at = now(),"
                     "  locked_until = CASE WHEN (CASE WHEN locked_until IS NOT NULL THEN 1 "
                     "                                 ELSE failed_attempts + 1 END) >= $1 "
                     "                     THEN now() + make_interval(mins => $2) END "
                     "RETURNING failed_attempts",
                     kMaxPassphraseFailures, kPassphraseLockoutMinutes)[0][0]
                   .as<int64_t>();
    InsertAudit(tx, "failed_passphrase", actor, client,
                "failure " + std::to_string(failures) + " in a row");
    tx.commit();
  });
  if (!counted.ok()) return counted.error();
  WriteLog(LogLine(LogLevel::kWarn, "key_vault.wrong_passphrase")
               .Add("actor", actor)
               .Add("client", client)
               .Add("failures", failures));
  const int64_t steps = std::min<int64_t>(failures, kMaxPassphraseFailures);
  std::this_thread::sleep_for(std::chrono::milliseconds(steps * kPassphraseDelayStepMs));
  return MakeError(ErrorKind::kRejected, "wrong passphrase", kWrongPassphraseCode);
}

Status KeyVault::Unlock(const std::string& passphrase, const std::string& actor,
                        const std::string& client) {
  std::string public_key;
  auto secret = OpenVault(passphrase, actor, client, &public_key, nullptr);
  if (!secret.ok()) return secret.error();
  auto secrets = std::make_unique<Secrets>(*secret);
  Wipe(&*secret);
  if (secrets->secret == nullptr) {
    return MakeError(ErrorKind::kInternal, "no guarded memory for the vault secret");
  }
  secrets->public_key = public_key;
  secrets->actor = actor;
  secrets->client = client;
  const auto until = std::chrono::system_clock::now() + m_unlock_for;
  (void)AuditKeyEvent(m_pool, "unlock", actor, client, "until " + IsoUtc(until));
  WriteLog(
      LogLine(LogLevel::kInfo, "key_vault.unlock").Add("actor", actor).Add("until", IsoUtc(until)));
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_secrets = std::move(secrets);
    m_until = until;
    m_protected_seen = true;
  }
  m_wake.notify_all();
  return Status::Ok();
}

void KeyVault::Lock(const std::string& actor, const std::string& why) {
  std::unique_ptr<Secrets> gone;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    gone = std::move(m_secrets);
  }
  if (!gone) return;
  const std::string who = actor.empty() ? gone->actor : actor;
  const std::string client = gone->client;
  gone.reset();  // sodium_free zeroes the secret
  (void)AuditKeyEvent(m_pool, why, who, client, "");
  WriteLog(LogLine(LogLevel::kInfo, "key_vault.lock").Add("actor", who).Add("why", why));
}

Status KeyVault::ChangePassphrase(const std::string& old_pass, const std::string& new_pass,
                                  const std::string& actor, const std::string& client) {
  if (Status ok = CheckNewPassphrase(new_pass); !ok.ok()) return ok;
  std::string public_key;
  auto secret = OpenVault(old_pass, actor, client, &public_key, nullptr);
  if (!secret.ok()) return secret.error();
  const keywrap::PassphraseParams params = keywrap::NewPassphraseParams();
  auto wrapped = keywrap::WrapVaultSecret(*secret, new_pass, params);
  Wipe(&*secret);
  if (!wrapped.ok()) return wrapped.error();
  return m_pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    tx.exec_params(
        "UPDATE key_vault SET wrapped_secret = $1, salt = $2, opslimit = $3, memlimit = $4, "
        "passphrase_changed_at = now()",
        Base64Encode(*wrapped), Base64Encode(params.salt), static_cast<int64_t>(params.opslimit),
        static_cast<int64_t>(params.memlimit));
    InsertAudit(tx, "passphrase_change", actor, client, "");
    tx.commit();
  });
}

Result<std::vector<OpeningKey>> KeyVault::OpeningKeys() {
  const State now = state();
  if (now == State::kLocked) return MakeError(ErrorKind::kRejected, kLockedMessage, kKeyLockedCode);
  auto ring = LoadKeyRing(m_pool, KeySecrets::kWith);
  if (!ring.ok()) return ring.error();
  std::vector<OpeningKey> keys;
  std::optional<Error> problem;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (now == State::kUnlocked && m_secrets == nullptr) {
      problem = MakeError(ErrorKind::kRejected, kLockedMessage, kKeyLockedCode);
    } else if (now == State::kUnlocked) {
      sodium_mprotect_readonly(m_secrets->secret);
      const std::string_view vault_secret(reinterpret_cast<const char*>(m_secrets->secret),
                                          crypto_box_SECRETKEYBYTES);
      for (RingKey& key : *ring) {
        if (key.wrapped_secret.empty()) continue;  // retired
        auto secret =
            keywrap::UnwrapSealingSecret(key.wrapped_secret, m_secrets->public_key, vault_secret);
        if (!secret.ok()) {
          problem = MakeError(ErrorKind::kDataLoss,
                              "sealing key " + key.key_id + ": " + secret.error().message);
          break;
        }
        keys.push_back({key.key_id, key.public_key, std::move(*secret)});
      }
      sodium_mprotect_noaccess(m_secrets->secret);
    }
  }
  if (now == State::kUnprotected) {
    for (RingKey& key : *ring) {
      if (!key.secret_key.empty()) keys.push_back({key.key_id, key.public_key, key.secret_key});
    }
  }
  for (RingKey& key : *ring) Wipe(&key.secret_key);
  if (problem) {
    for (OpeningKey& key : keys) Wipe(&key.secret_key);
    return *problem;
  }
  return keys;
}

}  // namespace yimen::server
