// Opening a damaged file: refuse with kDataLoss, name the file, change no byte of it,
// because the damaged file is the evidence and maybe the only copy of what it holds.
#include <gtest/gtest.h>

#include "store/store.h"
#include "store/store_test_support.h"

namespace yimen {
namespace {

using testing::OpenStore;
using testing::QueryInt;
using testing::RawConnection;
using testing::ReadFileBytes;
using testing::SampleApplication;
using testing::TempDir;
using testing::WriteFileBytes;

TEST(StoreIntegrity, RefusesACorruptedFileAndLeavesItsBytesAlone) {
  TempDir original;
  {
    std::unique_ptr<Store> store = OpenStore(original.DataDir());
    ASSERT_NE(store, nullptr);
    for (int i = 0; i < 8; ++i) {
      NewApplication application = SampleApplication();
      application.payload = std::string(100, static_cast<char>('a' + i));
      ASSERT_TRUE(store->applications().Submit(application).ok());
    }
  }
  int64_t page_size = 0;
  int64_t page = 0;
  {
    sqlite::Connection raw = RawConnection(original.DatabasePath());
    page_size = QueryInt(raw, "PRAGMA page_size");
    page = QueryInt(raw, "SELECT rootpage FROM sqlite_schema WHERE name = 'applications'");
    // Eight ~450-byte rows (a sealed 100-byte payload) fit one leaf page: the root holds the cells themselves.
    ASSERT_EQ(QueryInt(raw, "SELECT COUNT(*) FROM dbstat WHERE name = 'applications'"), 1);
  }

  // Damage the middle half of that page in a copy, over several cells' headers.
  TempDir copy;
  std::filesystem::create_directories(copy.DataDir());
  std::string bytes = ReadFileBytes(original.DatabasePath());
  const size_t start = static_cast<size_t>((page - 1) * page_size + page_size / 4);
  ASSERT_LE(start + static_cast<size_t>(page_size / 2), bytes.size());
  for (size_t i = 0; i < static_cast<size_t>(page_size / 2); ++i) {
    bytes[start + i] = static_cast<char>(0xA5 ^ i);
  }
  WriteFileBytes(copy.DatabasePath(), bytes);

  Result<std::unique_ptr<Store>> store = Store::Open(copy.DataDir());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().kind, ErrorKind::kDataLoss);
  EXPECT_NE(store.error().message.find(copy.DatabasePath()), std::string::npos)
      << store.error().message;
  EXPECT_EQ(ReadFileBytes(copy.DatabasePath()), bytes);
}

// A kiosk that lost power leaves committed transactions in yimen.db-wal. Refusing
// such a file must not checkpoint them into the damaged yimen.db on the way out.
TEST(StoreIntegrity, DoesNotCheckpointAPendingWalIntoADamagedFile) {
  TempDir original;
  TempDir copy;
  std::filesystem::create_directories(copy.DataDir());
  {
    std::unique_ptr<Store> store = OpenStore(original.DataDir());
    ASSERT_NE(store, nullptr);
    for (int i = 0; i < 8; ++i) ASSERT_TRUE(store->applications().Submit(SampleApplication()).ok());
  }
  int64_t page_size = 0;
  int64_t page = 0;
  {
    sqlite::Connection raw = RawConnection(original.DatabasePath());
    page_size = QueryInt(raw, "PRAGMA page_size");
    page = QueryInt(raw, "SELECT rootpage FROM sqlite_schema WHERE name = 'applications'");
  }
  std::string bytes;
  {
    // While this Store is open its last commit lives only in the WAL: copy the pair
    // as a power cut would leave them.
    std::unique_ptr<Store> store = OpenStore(original.DataDir());
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->settings().SetSetting("hall_name", "东区").ok());
    const std::string wal = ReadFileBytes(original.DatabasePath() + "-wal");
    ASSERT_FALSE(wal.empty());
    WriteFileBytes(copy.DatabasePath() + "-wal", wal);
    bytes = ReadFileBytes(original.DatabasePath());
  }
  const size_t start = static_cast<size_t>((page - 1) * page_size + page_size / 4);
  ASSERT_LE(start + static_cast<size_t>(page_size / 2), bytes.size());
  for (size_t i = 0; i < static_cast<size_t>(page_size / 2); ++i) {
    bytes[start + i] = static_cast<char>(0x5A ^ i);
  }
  WriteFileBytes(copy.DatabasePath(), bytes);

  Result<std::unique_ptr<Store>> store = Store::Open(copy.DataDir());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().kind, ErrorKind::kDataLoss);
  EXPECT_EQ(ReadFileBytes(copy.DatabasePath()), bytes);
}

TEST(StoreIntegrity, RefusesAFileThatIsNotADatabase) {
  TempDir temp;
  std::filesystem::create_directories(temp.DataDir());
  std::string text;
  while (text.size() < 8192) text += "这不是数据库 this is not a database\n";
  WriteFileBytes(temp.DatabasePath(), text);

  Result<std::unique_ptr<Store>> store = Store::Open(temp.DataDir());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().kind, ErrorKind::kDataLoss);
  EXPECT_NE(store.error().message.find(temp.DatabasePath()), std::string::npos)
      << store.error().message;
  EXPECT_EQ(ReadFileBytes(temp.DatabasePath()), text);
}

TEST(StoreIntegrity, OpensAnEmptyFileAsANewDatabase) {
  TempDir temp;
  std::filesystem::create_directories(temp.DataDir());
  WriteFileBytes(temp.DatabasePath(), "");
  std::unique_ptr<Store> store = OpenStore(temp.DataDir());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->SchemaVersion(), Store::LatestSchemaVersion());
}

}  // namespace
}  // namespace yimen
