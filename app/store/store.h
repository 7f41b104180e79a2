// The kiosk's durable memory: one SQLite file, <data-dir>/yimen.db, holding submitted
// applications, their outbox rows, status pulled from the server, settings and the
// audit trail. Its promise (docs/design.md decisions 1-3): once Submit returns OK the
// application survives a crash and stays in the outbox until the server acknowledged it.
//
// A Store owns the connection and hands out the repositories over it, one per room:
// applications() (applications + outbox), status(), staff() (staff + audit), settings()
// (settings + keys) and attachments(). A repository is a view of its Store's connection:
// it lives as long as the Store and belongs to the same thread.
//
// Threads: a Store is ONE sqlite connection and must be used by one thread at a time
// (its WAL checkpoints run on a thread and connection of the Store's own, store.cpp).
// The UI thread and the sync thread each open their own Store on the same data dir;
// WAL mode lets one write while the other reads, and writers wait up to a busy timeout
// for each other. Times the sync engine compares (next attempt, delivery) are the
// kiosk's wall clock as std::chrono::system_clock::time_point; times shown to people
// are ISO-8601 UTC text as given by whoever made them (device or server).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "domain/result.h"
#include "store/applications.h"
#include "store/attachments.h"
#include "store/database.h"
#include "store/records.h"
#include "store/settings.h"
#include "store/staff.h"
#include "store/status.h"

namespace yimen {

class WalCheckpointer;

class Store {
 public:
  static constexpr const char* kDatabaseFileName = "yimen.db";

  // Opens <data_dir>/yimen.db, creating the directory (mode 0700) and the database if
  // missing. Before writing anything it reads the schema version and runs
  // PRAGMA quick_check; then it turns on WAL + synchronous=FULL, applies missing
  // migrations and makes the kiosk code on first start. Fails:
  //   kDataLoss    the file is damaged or not a database; it is left byte-for-byte
  //                as found (quarantine it, restore a backup, call support);
  //   kRejected    the file was written by a newer build (schema above ours), untouched;
  //   kFull        the disk is full;
  //   kUnavailable the directory or file cannot be created, opened or locked.
  // Any thread; the returned Store then belongs to one thread at a time.
  static Result<std::unique_ptr<Store>> Open(const std::string& data_dir);

  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  ~Store();

  // The schema version of the open file (== LatestSchemaVersion() after Open).
  int SchemaVersion() const { return m_schema_version; }
  static int LatestSchemaVersion();
  const std::string& DatabasePath() const { return m_db.path(); }
  // The folder holding yimen.db (exports go under it).
  std::string DataDir() const;

  ApplicationRepository& applications() { return m_applications; }
  StatusRepository& status() { return m_status; }
  StaffRepository& staff() { return m_staff; }
  SettingsRepository& settings() { return m_settings; }
  AttachmentRepository& attachments() { return m_attachments; }

  // staff().AppendAudit, kept here because every room writes audit rows.
  Status AppendAudit(std::string_view actor, std::string_view action, std::string_view detail) {
    return m_staff.AppendAudit(actor, action, detail);
  }

  using Delivery = yimen::Delivery;  // the sync engine's name for it

 private:
  Store(sqlite::Connection db, int schema_version);

  sqlite::Connection m_db;
  int m_schema_version = 0;  // set by Open after migrations
  SettingsRepository m_settings;
  StaffRepository m_staff;
  ApplicationRepository m_applications;
  StatusRepository m_status;
  AttachmentRepository m_attachments;
  // Moves WAL checkpoints off the committing thread (store.cpp); last, so it stops
  // before the connection it watches closes.
  std::unique_ptr<WalCheckpointer> m_checkpointer;
};

}  // namespace yimen
