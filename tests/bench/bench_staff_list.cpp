// Staff list figures (issue 4 "Must show": p99 ≤ 3 ms at 100,000 applications): seeds a
// store with yimen-seed in one transaction, runs the real kiosk headless through
// staff_list_frames.script, and prints frame CPU p50/p99 still, while gliding and
// filtered; then the store queries a page jump and a filter change cost at that size.
// It prints, it never asserts a time.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "store/store.h"

namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::time_point since) {
  return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_staff_list KIOSK SEED [--quick]\n");
    return 2;
  }
  const std::string kiosk = argv[1], seed = argv[2];
  const bool quick = argc > 3 && std::string(argv[3]) == "--quick";
  const int64_t rows = quick ? 20000 : 100000;
  const std::string data =
      (std::filesystem::temp_directory_path() / ("yimen-bench-staff-" + std::to_string(getpid()))).string();
  std::filesystem::remove_all(data);

  auto t0 = Clock::now();
  std::string cmd = seed + " --data-dir " + data + " --count " + std::to_string(rows) + " --days 365 >/dev/null";
  if (std::system(cmd.c_str()) != 0) return 1;
  const double seed_ms = Ms(t0);
  cmd = kiosk + " --data-dir " + data + " --add-staff bench --pin 24681357 2>/dev/null";
  if (std::system(cmd.c_str()) != 0) return 1;

  cmd = kiosk + " --headless --data-dir " + data + " --script " + YIMEN_BENCH_DIR +
        "/staff_list_frames.script 2>/dev/null";
  std::FILE* out = popen(cmd.c_str(), "r");
  if (!out) return 1;
  std::vector<std::string> lines;
  char line[512];
  while (std::fgets(line, sizeof line, out)) {
    if (std::string(line).find("bench_frames:") != std::string::npos) lines.push_back(line);
  }
  int rc = pclose(out);
  if (rc != 0 || lines.size() != 4) {
    std::fprintf(stderr, "bench_staff_list: the kiosk script failed (status %d, %zu figures)\n", rc, lines.size());
    return 1;
  }
  const char* labels[4] = {"still", "gliding after a flick", "gliding after a second flick",
                           "filtered (sync = parked)"};
  std::printf("staff list benchmark: %lld applications (seeded in %.0f ms, one transaction)%s\n",
              static_cast<long long>(rows), seed_ms, quick ? " [quick]" : "");
  for (size_t i = 0; i < lines.size(); ++i) std::printf("  %-30s %s", labels[i], lines[i].c_str());

  // The queries behind the frames, at this size.
  auto store = yimen::Store::Open(data);
  if (!store.ok()) return 1;
  auto time_query = [&](const char* what, auto&& fn) {
    auto q0 = Clock::now();
    for (int i = 0; i < 5; ++i) fn();
    std::printf("  %-42s %.2f ms\n", what, Ms(q0) / 5);
  };
  yimen::ApplicationFilter all;
  yimen::ApplicationFilter parked;
  parked.sync_state = yimen::SyncState::kParked;
  yimen::ApplicationFilter dibao;
  dibao.service_code = "dibao";
  time_query("count, no filter", [&] { (void)(*store)->applications().CountApplications(all); });
  time_query("page of 300 at the top",
             [&] { (void)(*store)->applications().ListApplications(all, 0, 300); });
  time_query("page of 300 at the end (OFFSET)",
             [&] { (void)(*store)->applications().ListApplications(all, rows - 300, 300); });
  time_query("count, service = dibao",
             [&] { (void)(*store)->applications().CountApplications(dibao); });
  time_query("page of 300, service = dibao, middle",
             [&] { (void)(*store)->applications().ListApplications(dibao, rows / 24, 300); });
  time_query("count, sync = parked",
             [&] { (void)(*store)->applications().CountApplications(parked); });
  time_query("page of 300, sync = parked",
             [&] { (void)(*store)->applications().ListApplications(parked, 0, 300); });
  time_query("counts today + this month (overview)", [&] {
    (void)(*store)->applications().CountApplicationsByDay("2026-11-23", "2026-11-23");
    (void)(*store)->applications().CountApplicationsByDay("2026-11-01", "2026-11-23");
  });
  auto e0 = Clock::now();
  auto exported =
      (*store)->applications().ExportApplicationsCsv(all, nullptr, data + "/export.csv");
  std::printf("  %-42s %.0f ms (%lld rows)\n", "CSV export, all", Ms(e0),
              static_cast<long long>(exported.ok() ? *exported : -1));
  store->reset();
  std::filesystem::remove_all(data);
  return 0;
}
