// A test-only sqlite VFS that fails the Nth write, sync or truncate with an I/O error
// or "disk full", in the spirit of SQLite's own faultsim tests. It wraps the default
// VFS and installs itself as the default, so the Store under test needs no test hooks.
#pragma once

#include <string>

struct sqlite3_vfs;

namespace yimen::testing {

enum class Fault {
  kIoError,   // writes fail SQLITE_IOERR_WRITE, syncs SQLITE_IOERR_FSYNC, ...
  kDiskFull,  // writes and truncates fail SQLITE_FULL, syncs SQLITE_IOERR_FSYNC
};

// At most one FaultVfs may exist at a time (sqlite's VFS list is process-wide).
// Connections opened while it exists go through it; they must be closed before it is
// destroyed. Not thread-safe: the fault tests run single-threaded.
class FaultVfs {
 public:
  FaultVfs();   // registers "yimen-fault" as the default VFS
  ~FaultVfs();  // restores the previous default
  FaultVfs(const FaultVfs&) = delete;
  FaultVfs& operator=(const FaultVfs&) = delete;

  // Counting from now, the `n`th write-like call (1-based) fails with `fault`. When
  // `persistent`, every later one fails too, as on a disk that stays full.
  void FailNth(int n, Fault fault, bool persistent);

  // Stops failing; counting stops.
  void Disarm();

  // True when a fault was injected since the last FailNth.
  bool Fired() const { return m_fired; }

  // Write-like calls seen since the last FailNth (failed ones included).
  int Calls() const { return m_calls; }

  enum class Call { kWrite, kTruncate, kSync };

  // For the VFS callbacks: counts one write-like call and returns the sqlite code to
  // fail it with, or 0 (SQLITE_OK) to let it through.
  int NextCall(Call call);

 private:
  sqlite3_vfs* m_previous_default = nullptr;
  bool m_armed = false;
  bool m_persistent = false;
  bool m_fired = false;
  Fault m_fault = Fault::kIoError;
  int m_fail_at = 0;
  int m_calls = 0;
};

}  // namespace yimen::testing
