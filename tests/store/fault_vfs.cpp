// The fault VFS: every file it opens is the real file (from the wrapped default VFS)
// placed right after a small header of ours, so reads and locking are untouched and
// only xWrite, xTruncate and xSync pass through the fault counter.
#include "store/fault_vfs.h"

#include <sqlite3.h>

#include <cassert>
#include <cstddef>

namespace yimen::testing {
namespace {

FaultVfs* g_owner = nullptr;  // the FaultVfs alive now, if any
sqlite3_vfs g_vfs;            // our VFS record; pAppData points at the wrapped one

struct FaultFile {
  sqlite3_file base;   // must be first: sqlite sees a FaultFile as a sqlite3_file
  sqlite3_file* real;  // the wrapped VFS's file, stored right after this struct
};

// The real file starts at the first suitably aligned offset after FaultFile.
constexpr size_t kRealOffset =
    (sizeof(FaultFile) + alignof(std::max_align_t) - 1) / alignof(std::max_align_t) *
    alignof(std::max_align_t);

sqlite3_vfs* Wrapped() { return static_cast<sqlite3_vfs*>(g_vfs.pAppData); }
sqlite3_file* Real(sqlite3_file* file) { return reinterpret_cast<FaultFile*>(file)->real; }

int Injected(FaultVfs::Call call) {
  return g_owner != nullptr ? g_owner->NextCall(call) : SQLITE_OK;
}

// ---- file methods: forward, except the three write-like ones ----

int Close(sqlite3_file* file) {
  sqlite3_file* real = Real(file);
  const int code = real->pMethods != nullptr ? real->pMethods->xClose(real) : SQLITE_OK;
  file->pMethods = nullptr;
  return code;
}
int Read(sqlite3_file* file, void* buffer, int amount, sqlite3_int64 offset) {
  return Real(file)->pMethods->xRead(Real(file), buffer, amount, offset);
}
int Write(sqlite3_file* file, const void* buffer, int amount, sqlite3_int64 offset) {
  if (const int fault = Injected(FaultVfs::Call::kWrite)) return fault;
  return Real(file)->pMethods->xWrite(Real(file), buffer, amount, offset);
}
int Truncate(sqlite3_file* file, sqlite3_int64 size) {
  if (const int fault = Injected(FaultVfs::Call::kTruncate)) return fault;
  return Real(file)->pMethods->xTruncate(Real(file), size);
}
int Sync(sqlite3_file* file, int flags) {
  if (const int fault = Injected(FaultVfs::Call::kSync)) return fault;
  return Real(file)->pMethods->xSync(Real(file), flags);
}
int FileSize(sqlite3_file* file, sqlite3_int64* size) {
  return Real(file)->pMethods->xFileSize(Real(file), size);
}
int Lock(sqlite3_file* file, int level) { return Real(file)->pMethods->xLock(Real(file), level); }
int Unlock(sqlite3_file* file, int level) {
  return Real(file)->pMethods->xUnlock(Real(file), level);
}
int CheckReservedLock(sqlite3_file* file, int* out) {
  return Real(file)->pMethods->xCheckReservedLock(Real(file), out);
}
int FileControl(sqlite3_file* file, int op, void* arg) {
  return Real(file)->pMethods->xFileControl(Real(file), op, arg);
}
int SectorSize(sqlite3_file* file) { return Real(file)->pMethods->xSectorSize(Real(file)); }
int DeviceCharacteristics(sqlite3_file* file) {
  return Real(file)->pMethods->xDeviceCharacteristics(Real(file));
}
int ShmMap(sqlite3_file* file, int page, int page_size, int extend, void volatile** out) {
  return Real(file)->pMethods->xShmMap(Real(file), page, page_size, extend, out);
}
int ShmLock(sqlite3_file* file, int offset, int n, int flags) {
  return Real(file)->pMethods->xShmLock(Real(file), offset, n, flags);
}
void ShmBarrier(sqlite3_file* file) { Real(file)->pMethods->xShmBarrier(Real(file)); }
int ShmUnmap(sqlite3_file* file, int delete_flag) {
  return Real(file)->pMethods->xShmUnmap(Real(file), delete_flag);
}
int Fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
  return Real(file)->pMethods->xFetch(Real(file), offset, amount, out);
}
int Unfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
  return Real(file)->pMethods->xUnfetch(Real(file), offset, page);
}

// Version 3 methods (WAL needs the shm ones). Files whose real methods are older get
// the table with iVersion lowered to match, so sqlite never calls what is missing.
const sqlite3_io_methods kMethodsV3 = {
    3,          Close,  Read,     Write,      Truncate, Sync,    FileSize,
    Lock,       Unlock, CheckReservedLock,    FileControl,       SectorSize,
    DeviceCharacteristics,    ShmMap,         ShmLock,  ShmBarrier, ShmUnmap,
    Fetch,      Unfetch,
};
const sqlite3_io_methods kMethodsV2 = [] {
  sqlite3_io_methods methods = kMethodsV3;
  methods.iVersion = 2;
  return methods;
}();
const sqlite3_io_methods kMethodsV1 = [] {
  sqlite3_io_methods methods = kMethodsV3;
  methods.iVersion = 1;
  return methods;
}();

int Open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  auto* wrapper = reinterpret_cast<FaultFile*>(file);
  wrapper->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + kRealOffset);
  wrapper->real->pMethods = nullptr;
  const int code = Wrapped()->xOpen(Wrapped(), name, wrapper->real, flags, out_flags);
  const sqlite3_io_methods* real_methods = wrapper->real->pMethods;
  if (real_methods == nullptr) {
    file->pMethods = nullptr;
  } else if (real_methods->iVersion >= 3) {
    file->pMethods = &kMethodsV3;
  } else if (real_methods->iVersion == 2) {
    file->pMethods = &kMethodsV2;
  } else {
    file->pMethods = &kMethodsV1;
  }
  return code;
}

// ---- VFS methods: forward ----

int Delete(sqlite3_vfs*, const char* name, int sync_dir) {
  return Wrapped()->xDelete(Wrapped(), name, sync_dir);
}
int Access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return Wrapped()->xAccess(Wrapped(), name, flags, out);
}
int FullPathname(sqlite3_vfs*, const char* name, int size, char* out) {
  return Wrapped()->xFullPathname(Wrapped(), name, size, out);
}
void* DlOpen(sqlite3_vfs*, const char* name) { return Wrapped()->xDlOpen(Wrapped(), name); }
void DlError(sqlite3_vfs*, int size, char* out) { Wrapped()->xDlError(Wrapped(), size, out); }
void (*DlSym(sqlite3_vfs*, void* handle, const char* symbol))(void) {
  return Wrapped()->xDlSym(Wrapped(), handle, symbol);
}
void DlClose(sqlite3_vfs*, void* handle) { Wrapped()->xDlClose(Wrapped(), handle); }
int Randomness(sqlite3_vfs*, int size, char* out) {
  return Wrapped()->xRandomness(Wrapped(), size, out);
}
int Sleep(sqlite3_vfs*, int microseconds) { return Wrapped()->xSleep(Wrapped(), microseconds); }
int CurrentTime(sqlite3_vfs*, double* out) { return Wrapped()->xCurrentTime(Wrapped(), out); }
int GetLastError(sqlite3_vfs*, int size, char* out) {
  return Wrapped()->xGetLastError(Wrapped(), size, out);
}
int CurrentTimeInt64(sqlite3_vfs*, sqlite3_int64* out) {
  return Wrapped()->xCurrentTimeInt64(Wrapped(), out);
}

}  // namespace

FaultVfs::FaultVfs() {
  assert(g_owner == nullptr && "only one FaultVfs at a time");
  sqlite3_initialize();
  m_previous_default = sqlite3_vfs_find(nullptr);
  assert(m_previous_default != nullptr);
  g_vfs = sqlite3_vfs{};
  // Version 2 is all the Store needs; it keeps the forwarded surface small.
  g_vfs.iVersion = 2;
  g_vfs.szOsFile = static_cast<int>(kRealOffset) + m_previous_default->szOsFile;
  g_vfs.mxPathname = m_previous_default->mxPathname;
  g_vfs.zName = "yimen-fault";
  g_vfs.pAppData = m_previous_default;
  g_vfs.xOpen = Open;
  g_vfs.xDelete = Delete;
  g_vfs.xAccess = Access;
  g_vfs.xFullPathname = FullPathname;
  g_vfs.xDlOpen = DlOpen;
  g_vfs.xDlError = DlError;
  g_vfs.xDlSym = DlSym;
  g_vfs.xDlClose = DlClose;
  g_vfs.xRandomness = Randomness;
  g_vfs.xSleep = Sleep;
  g_vfs.xCurrentTime = CurrentTime;
  g_vfs.xGetLastError = GetLastError;
  g_vfs.xCurrentTimeInt64 = CurrentTimeInt64;
  g_owner = this;
  sqlite3_vfs_register(&g_vfs, 1);
}

FaultVfs::~FaultVfs() {
  sqlite3_vfs_unregister(&g_vfs);
  sqlite3_vfs_register(m_previous_default, 1);
  g_owner = nullptr;
}

void FaultVfs::FailNth(int n, Fault fault, bool persistent) {
  assert(n >= 1);
  m_armed = true;
  m_fail_at = n;
  m_fault = fault;
  m_persistent = persistent;
  m_fired = false;
  m_calls = 0;
}

void FaultVfs::Disarm() { m_armed = false; }

int FaultVfs::NextCall(Call call) {
  if (!m_armed) return SQLITE_OK;
  ++m_calls;
  if (m_calls < m_fail_at || (m_calls > m_fail_at && !m_persistent)) return SQLITE_OK;
  m_fired = true;
  switch (call) {
    case Call::kSync:
      return SQLITE_IOERR_FSYNC;
    case Call::kTruncate:
      return m_fault == Fault::kDiskFull ? SQLITE_FULL : SQLITE_IOERR_TRUNCATE;
    case Call::kWrite:
      return m_fault == Fault::kDiskFull ? SQLITE_FULL : SQLITE_IOERR_WRITE;
  }
  return SQLITE_IOERR;
}

}  // namespace yimen::testing
