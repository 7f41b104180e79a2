// Helpers shared by the store tests: a fresh temporary directory per test, a sample
// application, raw file and SQL access for checking what the Store left on disk.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include <sodium.h>

#include "common/sealing.h"
#include "store/database.h"
#include "store/store.h"

namespace yimen::testing {

// A directory made with mkdtemp, removed with everything in it at scope exit.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "yimen-store-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      std::perror("mkdtemp");
      std::abort();
    }
    m_path = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return m_path; }
  // A data directory that does not exist yet, so Store::Open has to make it.
  std::string DataDir() const { return m_path + "/data"; }
  std::string DatabasePath() const { return DataDir() + "/" + Store::kDatabaseFileName; }

 private:
  std::string m_path;
};

inline NewApplication SampleApplication(CivilDate date = {2026, 11, 23}) {
  NewApplication application;
  application.service_code = "dibao";
  application.catalog_version = "2026.3";
  application.masked_name = "张*明";
  application.payload = R"({"applicant":{"name":"张三明","phone":"13800000000"}})";
  application.created_date = date;
  application.created_at_iso = "2026-11-23T02:30:00Z";
  return application;
}

// The "server" key pair the test kiosks seal to: made once per test process, so a test
// can open what it sealed (a real server keeps the secret in PostgreSQL).
struct TestSealingKeys {
  std::string public_key;
  std::string secret_key;
};
inline const TestSealingKeys& TestServerKeys() {
  static const TestSealingKeys keys = [] {
    if (sodium_init() < 0) std::abort();
    TestSealingKeys made;
    made.public_key.resize(crypto_box_PUBLICKEYBYTES);
    made.secret_key.resize(crypto_box_SECRETKEYBYTES);
    crypto_box_keypair(reinterpret_cast<unsigned char*>(made.public_key.data()),
                       reinterpret_cast<unsigned char*>(made.secret_key.data()));
    return made;
  }();
  return keys;
}

// Opens what Submit sealed with the test server key; "" (and a test failure) otherwise.
inline std::string OpenTestPayload(const std::string& envelope_text) {
  Result<seal::Envelope> envelope = seal::ParseEnvelope(envelope_text);
  if (!envelope.ok()) {
    ADD_FAILURE() << envelope.error().message;
    return "";
  }
  Result<std::string> plain =
      seal::OpenEnvelope(*envelope, TestServerKeys().public_key, TestServerKeys().secret_key);
  if (!plain.ok()) {
    ADD_FAILURE() << plain.error().message;
    return "";
  }
  return *plain;
}

// Opens a Store provisioned with the test server key (as a deployment provisions a
// kiosk before enrollment), recording a test failure (and returning null) when it cannot.
inline std::unique_ptr<Store> OpenStore(const std::string& data_dir) {
  Result<std::unique_ptr<Store>> store = Store::Open(data_dir);
  if (!store.ok()) {
    ADD_FAILURE() << "Store::Open(" << data_dir << "): " << store.error().message;
    return nullptr;
  }
  if (Status s = (*store)->settings().ProvisionSealingKey(TestServerKeys().public_key); !s.ok()) {
    ADD_FAILURE() << "ProvisionSealingKey: " << s.error().message;
    return nullptr;
  }
  return std::move(store).value();
}

inline std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void WriteFileBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// A second, raw connection to the same file, for what the Store API does not offer
// (triggers that inject failures, peeking at tables). Aborts the test on failure.
inline sqlite::Connection RawConnection(const std::string& path) {
  Result<sqlite::Connection> connection = sqlite::Connection::Open(path, 5000);
  if (!connection.ok()) {
    ADD_FAILURE() << connection.error().message;
    std::abort();
  }
  return std::move(connection).value();
}

// The single integer a query returns; -1 (and a test failure) when it fails.
inline int64_t QueryInt(sqlite::Connection& connection, const std::string& sql) {
  Result<sqlite::Statement> query = connection.Prepare(sql);
  if (!query.ok()) {
    ADD_FAILURE() << query.error().message;
    return -1;
  }
  Result<bool> row = query->Step();
  if (!row.ok() || !*row) {
    ADD_FAILURE() << sql << ": " << (row.ok() ? "no row" : row.error().message);
    return -1;
  }
  return query->ColumnInt(0);
}

}  // namespace yimen::testing
