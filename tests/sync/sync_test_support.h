// Helpers shared by the sync tests: temporary directories, sample applications, and a
// Transport that answers from a function so tests can check the exact request sent
// (the spirit of curl's tests/data canned replies).
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "store/store.h"
#include "sync/client/transport.h"

namespace yimen::testing {

// A mkdtemp directory, world-searchable (a PostgreSQL cluster run as `postgres` may
// live inside), removed with its contents at scope exit.
class SyncTempDir {
 public:
  SyncTempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "yimen-sync-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      std::perror("mkdtemp");
      std::abort();
    }
    chmod(pattern.c_str(), 0755);
    m_path = pattern;
  }
  ~SyncTempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
  }
  SyncTempDir(const SyncTempDir&) = delete;
  SyncTempDir& operator=(const SyncTempDir&) = delete;
  const std::string& path() const { return m_path; }

 private:
  std::string m_path;
};

inline NewApplication SampleSyncApplication(int n = 0) {
  NewApplication application;
  application.service_code = "dibao";
  application.catalog_version = "2026.3";
  application.masked_name = "张*明";
  application.payload = R"({"service_code":"dibao","values":{"reason":"test )" +
                        std::to_string(n) + R"("}})";
  application.created_date = {2026, 11, 23};
  application.created_at_iso = "2026-11-23T02:30:00Z";
  return application;
}

// Answers every request with `handler` and keeps a copy of each request.
class ScriptedTransport : public sync::Transport {
 public:
  using Handler = std::function<Result<sync::HttpResponse>(const sync::HttpRequest&)>;
  explicit ScriptedTransport(Handler handler) : m_handler(std::move(handler)) {}
  Result<sync::HttpResponse> Send(const sync::HttpRequest& request) override {
    requests.push_back(request);
    return m_handler(request);
  }
  std::vector<sync::HttpRequest> requests;

 private:
  Handler m_handler;
};

inline sync::HttpResponse JsonResponse(int status, const std::string& body) {
  sync::HttpResponse response;
  response.status = status;
  response.body = body;
  response.headers["content-type"] = "application/json";
  return response;
}

}  // namespace yimen::testing
