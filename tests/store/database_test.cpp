// The sqlite wrapper: error kinds carry the retry meaning the sync layer acts on, and
// a transaction that is not committed leaves nothing behind.
#include "store/database.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "store/store_test_support.h"

namespace yimen {
namespace {

using testing::QueryInt;
using testing::RawConnection;
using testing::TempDir;

TEST(SqliteErrors, MapToKindsThatSayWhetherToRetry) {
  EXPECT_EQ(sqlite::KindFromSqliteCode(SQLITE_BUSY), ErrorKind::kUnavailable);
  EXPECT_EQ(sqlite::KindFromSqliteCode(SQLITE_FULL), ErrorKind::kFull);
  EXPECT_EQ(sqlite::KindFromSqliteCode(SQLITE_IOERR_FSYNC), ErrorKind::kUnavailable);
  EXPECT_EQ(sqlite::KindFromSqliteCode(SQLITE_CORRUPT), ErrorKind::kDataLoss);
  EXPECT_EQ(sqlite::KindFromSqliteCode(SQLITE_NOTADB), ErrorKind::kDataLoss);
  EXPECT_EQ(sqlite::KindFromSqliteCode(SQLITE_CONSTRAINT_UNIQUE), ErrorKind::kConflict);
  EXPECT_EQ(sqlite::KindFromSqliteCode(SQLITE_TOOBIG), ErrorKind::kInvalidArgument);
  EXPECT_EQ(sqlite::KindFromSqliteCode(SQLITE_ERROR), ErrorKind::kInternal);
}

TEST(SqliteErrors, KeepTheRawCodeAndSqlitesMessage) {
  TempDir temp;
  sqlite::Connection db = RawConnection(temp.path() + "/t.db");
  ASSERT_TRUE(db.Exec("CREATE TABLE t (k TEXT PRIMARY KEY)").ok());
  ASSERT_TRUE(db.Exec("INSERT INTO t VALUES ('a')").ok());
  Status duplicate = db.Exec("INSERT INTO t VALUES ('a')");
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().kind, ErrorKind::kConflict);
  EXPECT_NE(duplicate.error().message.find("UNIQUE constraint failed: t.k"), std::string::npos)
      << duplicate.error().message;
  EXPECT_NE(duplicate.error().message.find("sqlite " + std::to_string(SQLITE_CONSTRAINT_PRIMARYKEY)),
            std::string::npos)
      << duplicate.error().message;
}

TEST(SqliteStatement, ReportsABadBindAtTheNextStep) {
  TempDir temp;
  sqlite::Connection db = RawConnection(temp.path() + "/t.db");
  Result<sqlite::Statement> query = db.Prepare("SELECT ?1");
  ASSERT_TRUE(query.ok());
  query->BindInt(5, 1);
  Result<bool> row = query->Step();
  ASSERT_FALSE(row.ok());
  EXPECT_NE(row.error().message.find("bind"), std::string::npos) << row.error().message;
}

TEST(SqliteTransaction, RollsBackWhenNotCommitted) {
  TempDir temp;
  sqlite::Connection db = RawConnection(temp.path() + "/t.db");
  ASSERT_TRUE(db.Exec("CREATE TABLE t (v INTEGER)").ok());
  {
    Result<sqlite::Transaction> txn =
        sqlite::Transaction::Begin(db, sqlite::Transaction::Kind::kWrite);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(db.Exec("INSERT INTO t VALUES (1)").ok());
    EXPECT_TRUE(db.InTransaction());
  }
  EXPECT_FALSE(db.InTransaction());
  EXPECT_EQ(QueryInt(db, "SELECT COUNT(*) FROM t"), 0);
  {
    Result<sqlite::Transaction> txn =
        sqlite::Transaction::Begin(db, sqlite::Transaction::Kind::kWrite);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(db.Exec("INSERT INTO t VALUES (2)").ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  EXPECT_EQ(QueryInt(db, "SELECT COUNT(*) FROM t"), 1);
}

TEST(SqliteStatement, KeepsAnEmptyBlobApartFromNull) {
  TempDir temp;
  sqlite::Connection db = RawConnection(temp.path() + "/t.db");
  Result<sqlite::Statement> query = db.Prepare("SELECT ?1 IS NULL, length(?1)");
  ASSERT_TRUE(query.ok());
  query->BindBlob(1, std::string_view());
  Result<bool> row = query->Step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ(query->ColumnInt(0), 0);
  EXPECT_EQ(query->ColumnInt(1), 0);
}

}  // namespace
}  // namespace yimen
