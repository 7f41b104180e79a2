// Store: opens yimen.db (integrity check, WAL, migrations) and owns the connection the
// repositories share (applications.cpp, status.cpp, staff.cpp, settings.cpp,
// attachments.cpp), and the checkpointer that keeps WAL checkpoints off the thread
// that commits (docs/internals/store.md "Checkpoints").
#include "store/store.h"

#include <sodium.h>
#include <sqlite3.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>

#include "domain/app_number.h"
#include "store/migrations.h"
#include "store/store_internal.h"

namespace yimen {

using namespace store_internal;  // NOLINT(google-build-using-namespace): the store's own helpers

namespace {

// Long enough to outlast the other thread's longest write (a sync batch), short enough
// that a stuck lock surfaces as kUnavailable instead of a frozen touch screen.
constexpr int kBusyTimeoutMs = 5000;

// SQLite's own auto-checkpoint threshold (pages in the WAL), kept: only the thread
// that runs the checkpoint changes.
constexpr int kCheckpointPages = 1000;

// quick_check rather than integrity_check: it finds the same damage to pages, records
// and free lists but skips matching every index entry to its row, which is what makes
// integrity_check slow on big files. Measured figures: docs/internals/store.md.
// Twenty messages are plenty to name the damage in the error.
constexpr const char* kIntegrityCheck = "PRAGMA quick_check(20)";

std::string NewKioskCode() {
  uint64_t bits = 0;
  randombytes_buf(&bits, sizeof bits);
  return MakeKioskCode(bits);
}

Error AtOpen(const std::string& path, const Error& error) {
  if (error.kind == ErrorKind::kDataLoss) {
    return MakeError(ErrorKind::kDataLoss,
                     path + " is damaged or is not a Yimen database; it was left untouched "
                            "(quarantine it and restore from backup): " +
                         error.message);
  }
  return MakeError(error.kind, path + ": " + error.message);
}

// Runs the integrity check; kDataLoss naming the file unless sqlite answers "ok".
Status CheckIntegrity(sqlite::Connection& db) {
  Result<sqlite::Statement> check = db.Prepare(kIntegrityCheck);
  if (!check.ok()) return AtOpen(db.path(), check.error());
  std::string findings;
  Status read = sqlite::ForEachRow(*check, [&](const sqlite::Statement& row) {
    const std::string line = row.ColumnText(0);
    if (line == "ok") return;
    if (!findings.empty()) findings += "; ";
    findings += line;
  });
  if (!read.ok()) return AtOpen(db.path(), read.error());
  if (findings.empty()) return Status::Ok();
  return AtOpen(db.path(), MakeError(ErrorKind::kDataLoss, "quick_check: " + findings));
}

Status EnableWal(sqlite::Connection& db) {
  Result<sqlite::Statement> wal = db.Prepare("PRAGMA journal_mode = WAL");
  if (!wal.ok()) return wal.error();
  Result<bool> row = wal->Step();
  if (!row.ok()) return row.error();
  if (!*row || wal->ColumnText(0) != "wal") {
    return MakeError(ErrorKind::kUnavailable, "could not switch to WAL mode");
  }
  return Status::Ok();
}

// Every kiosk has a code from its first start. DO NOTHING on conflict because the UI
// and the sync thread may open the file at the same moment.
Status EnsureKioskCode(sqlite::Connection& db) {
  Result<sqlite::Statement> insert = db.Prepare(
      "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO NOTHING");
  if (!insert.ok()) return insert.error();
  insert->BindText(1, kKioskCodeKey).BindText(2, NewKioskCode());
  return insert->Run();
}

}  // namespace

// Runs the WAL checkpoint that SQLite would otherwise run inside the commit that pushed
// the WAL past kCheckpointPages: copying ~1,000 pages into the database file and two
// fsyncs, on the resident's submit. The commit itself is unchanged (the WAL is synced,
// synchronous=FULL, before COMMIT returns); only the later copy moves to this thread,
// on a connection of its own, as a PASSIVE checkpoint that never blocks a writer or a
// reader. Started on the first full WAL, so a Store that never fills one (tests, tools)
// has no thread.
class WalCheckpointer {
 public:
  WalCheckpointer(sqlite::Connection& db) : m_db(db) {
    sqlite3_wal_hook(m_db.handle(), &WalCheckpointer::OnCommit, this);
  }
  ~WalCheckpointer() {
    sqlite3_wal_hook(m_db.handle(), nullptr, nullptr);
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_stop = true;
    }
    m_wake.notify_one();
    if (m_thread.joinable()) m_thread.join();
  }
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

 private:
  // sqlite3_wal_hook: after every commit on the owning connection, with the WAL's size.
  // Asks again only after another kCheckpointPages: while commits keep coming, a
  // PASSIVE checkpoint rarely finishes the WAL, and asking after every commit would add
  // an fsync per submit on the other thread.
  static int OnCommit(void* self, sqlite3* /*db*/, const char* /*schema*/, int pages) {
    auto* checkpointer = static_cast<WalCheckpointer*>(self);
    if (pages < checkpointer->m_asked_at) checkpointer->m_asked_at = 0;  // the WAL restarted
    if (pages >= checkpointer->m_asked_at + kCheckpointPages) {
      checkpointer->m_asked_at = pages;
      checkpointer->Request();
    }
    return SQLITE_OK;
  }

  void Request() {
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_wanted = true;
      if (!m_thread.joinable()) m_thread = std::thread([this] { Run(); });
    }
    m_wake.notify_one();
  }

  void Run() {
    Result<sqlite::Connection> opened = sqlite::Connection::Open(m_db.path(), kBusyTimeoutMs);
    // A connection learns that the file is in WAL mode only when it first reads it;
    // before that a checkpoint does nothing.
    if (opened.ok() && !opened->Exec("SELECT count(*) FROM sqlite_master").ok()) {
      opened = MakeError(ErrorKind::kUnavailable, "checkpointer: cannot read the database");
    }
    while (true) {
      {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_wake.wait(lock, [this] { return m_wanted || m_stop; });
        if (m_stop) return;
        m_wanted = false;
      }
      // Busy or failed: the WAL only grows until the next request tries again; the
      // commits it holds are durable either way.
      if (opened.ok()) {
        (void)sqlite3_wal_checkpoint_v2(opened->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                        nullptr, nullptr);
      }
    }
  }

  sqlite::Connection& m_db;
  int m_asked_at = 0;  // WAL size at the last request; the committing thread's alone
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_wanted = false;
  bool m_stop = false;
  std::thread m_thread;
};

Result<std::unique_ptr<Store>> Store::Open(const std::string& data_dir) {
  if (data_dir.empty()) return InvalidArgument("store: empty data directory");
  if (sodium_init() < 0) {
    return MakeError(ErrorKind::kInternal, "store: libsodium failed to initialise");
  }
  std::error_code ec;
  const bool created = std::filesystem::create_directories(data_dir, ec);
  if (ec) {
    return MakeError(ErrorKind::kUnavailable,
                     "store: cannot create data directory " + data_dir + ": " + ec.message());
  }
  if (created) {
    // The file holds residents' applications: only the kiosk's user may enter.
    std::filesystem::permissions(data_dir, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, ec);
    if (ec) {
      return MakeError(ErrorKind::kUnavailable, "store: cannot restrict data directory " +
                                                    data_dir + ": " + ec.message());
    }
  }
  const std::string path = (std::filesystem::path(data_dir) / kDatabaseFileName).string();

  Result<sqlite::Connection> opened = sqlite::Connection::Open(path, kBusyTimeoutMs);
  if (!opened.ok()) return opened.error();
  sqlite::Connection db = std::move(opened).value();

  // Until the file is proved sound and not newer than us, nothing may write to it, not
  // even the WAL checkpoint sqlite runs when the last connection closes.
  db.SetCheckpointOnClose(false);
  if (Status fk = db.Exec("PRAGMA foreign_keys = ON"); !fk.ok()) return AtOpen(path, fk.error());
  Result<int> version = store::ReadUserVersion(db);
  if (!version.ok()) return AtOpen(path, version.error());
  if (*version > store::LatestVersion()) return store::NewerSchemaError(path, *version);
  if (Status sound = CheckIntegrity(db); !sound.ok()) return sound.error();
  db.SetCheckpointOnClose(true);

  if (Status wal = EnableWal(db); !wal.ok()) return AtOpen(path, wal.error());
  if (Status sync = db.Exec("PRAGMA synchronous = FULL"); !sync.ok()) {
    return AtOpen(path, sync.error());
  }
  // Deleted and overwritten content (purged ciphertext, old settings) is zeroed on
  // disk, not left in free pages for a thief's forensic tools.
  if (Status secure = db.Exec("PRAGMA secure_delete = ON"); !secure.ok()) {
    return AtOpen(path, secure.error());
  }
  // Sorts and temporary tables stay in memory: no temp file beside the database may
  // ever hold a page of it.
  if (Status temp = db.Exec("PRAGMA temp_store = MEMORY"); !temp.ok()) {
    return AtOpen(path, temp.error());
  }

  Result<int> migrated = store::Migrate(db);
  if (!migrated.ok()) return AtOpen(path, migrated.error());

  if (Status code = EnsureKioskCode(db); !code.ok()) return AtOpen(path, code.error());

  return std::unique_ptr<Store>(new Store(std::move(db), *migrated));
}

Store::Store(sqlite::Connection db, int schema_version)
    : m_db(std::move(db)),
      m_schema_version(schema_version),
      m_settings(m_db),
      m_staff(m_db, m_settings, AuditBacklog::ForDatabase(m_db.path())),
      m_applications(m_db, m_settings, m_staff),
      m_status(m_db, m_settings, m_applications),
      m_attachments(m_db),
      m_checkpointer(std::make_unique<WalCheckpointer>(m_db)) {}

Store::~Store() = default;

int Store::LatestSchemaVersion() { return store::LatestVersion(); }

std::string Store::DataDir() const {
  return std::filesystem::path(m_db.path()).parent_path().string();
}

}  // namespace yimen
