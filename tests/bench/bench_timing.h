// What the PostgreSQL benchmarks share (bench_queue, bench_console, bench_stats, bench_roster): a
// shell command's output, a database of their own on a scripts/pg-local.sh cluster, and p50/p99 of
// a body timed R times after one untimed warm-up call. Benchmarks print; nothing here asserts.
#pragma once

#include <algorithm>
#include <chrono>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <pqxx/pqxx>

namespace yimen::bench {

// stdout of `command` without its trailing newline; "" when it fails.
inline std::string Run(const std::string& command) {
  std::string out;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    char buffer[512];
    while (fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
    if (pclose(pipe) != 0) return "";
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

struct Figures {
  double p50 = 0, p99 = 0;
};

// Calls body once untimed (warms the connection and the caches), then `runs` times.
inline Figures Time(int runs, const std::function<void()>& body) {
  body();
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    body();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count());
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 99 / 100)]};
}

// A fresh database "<prefix>_<pid>" on the cluster in `pg_dir`, else $YIMEN_TEST_PG_DIR
// (ctest's pg fixture), else a temporary cluster started here. Throws
// std::runtime_error when PostgreSQL cannot start.
class ScratchDatabase {
 public:
  ScratchDatabase(const std::string& pg_local_script, std::string pg_dir,
                  const std::string& prefix)
      : m_pg_local("bash " + pg_local_script), m_pg_dir(std::move(pg_dir)) {
    if (m_pg_dir.empty()) {
      if (const char* env = std::getenv("YIMEN_TEST_PG_DIR"); env != nullptr && *env) m_pg_dir = env;
    }
    m_own_cluster = m_pg_dir.empty();
    const std::string name = prefix + "_" + std::to_string(getpid());
    if (m_own_cluster) {
      m_pg_dir = (std::filesystem::temp_directory_path() / ("yimen-" + name)).string();
      std::filesystem::create_directories(m_pg_dir);
    }
    const std::string cluster_url = Run(m_pg_local + " start '" + m_pg_dir + "'");
    if (cluster_url.empty()) throw std::runtime_error("cannot start PostgreSQL in " + m_pg_dir);
    m_base = cluster_url.substr(0, cluster_url.rfind('/') + 1);
    m_name = name;
    pqxx::connection admin(m_base + "postgres");
    pqxx::nontransaction tx(admin);
    tx.exec("CREATE DATABASE " + m_name);
  }
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  std::string url() const { return m_base + m_name; }

  // Drops the database and stops a cluster started here; with `keep`, leaves both.
  void Close(bool keep = false) {
    if (keep) return;
    pqxx::connection admin(m_base + "postgres");
    pqxx::nontransaction tx(admin);
    tx.exec("DROP DATABASE IF EXISTS " + m_name + " WITH (FORCE)");
    if (m_own_cluster) {
      (void)Run(m_pg_local + " stop '" + m_pg_dir + "'");
      std::filesystem::remove_all(m_pg_dir);
    }
  }

 private:
  std::string m_pg_local, m_pg_dir, m_base, m_name;
  bool m_own_cluster = false;
};

// Makes `db` a ScratchDatabase named after `bench` (see above); false after printing why
// not as "<bench>: <reason>" on stderr (the caller exits 1).
inline bool OpenScratch(std::optional<ScratchDatabase>* db, const std::string& pg_local_script,
                        const std::string& pg_dir, const std::string& bench) {
  try {
    db->emplace(pg_local_script, pg_dir, bench);
    return true;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", bench.c_str(), e.what());
    return false;
  }
}

}  // namespace yimen::bench
