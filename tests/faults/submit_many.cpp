// yimen-fault-submit: N applications through the real Store::Submit into a kiosk's data
// directory while that kiosk (its UI and its sync engine) runs, for the network-chaos
// test. Each number Submit acknowledged goes to a journal (appended and fsync'ed before
// the next submit), as the receipt journal does for the kiosk: the test compares it
// with PostgreSQL. Test support only: residents submit through the UI.
// With --visit-every K, every Kth submission is a visit of three (docs/internals/
// visits.md: 低保 + 医疗救助 + 临时救助, the draft sealed as each one's payload) through
// Store::SubmitVisit; its three numbers go to the journal in one write.
//
// usage: yimen-fault-submit --data-dir DIR --draft FILE --count N [--every-ms MS]
//                           --journal FILE [--service CODE] [--visit-every K]
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/civil_time.h"
#include "store/store.h"

namespace {

int Fail(const std::string& what) {
  std::fprintf(stderr, "yimen-fault-submit: %s\n", what.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string data_dir, draft_path, journal_path;
  std::string service = "youdai";  // the draft's service (--service: the roster's 低保)
  long count = 100, every_ms = 0, visit_every = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string arg = argv[i];
    if (arg == "--data-dir") data_dir = argv[i + 1];
    else if (arg == "--draft") draft_path = argv[i + 1];
    else if (arg == "--journal") journal_path = argv[i + 1];
    else if (arg == "--count") count = std::atol(argv[i + 1]);
    else if (arg == "--every-ms") every_ms = std::atol(argv[i + 1]);
    else if (arg == "--service")
      service = argv[i + 1];
    else if (arg == "--visit-every")
      visit_every = std::atol(argv[i + 1]);
    else return Fail("unknown flag " + arg);
  }
  if (data_dir.empty() || draft_path.empty() || journal_path.empty()) {
    return Fail("usage: --data-dir DIR --draft FILE --count N [--every-ms MS] --journal FILE");
  }
  std::ifstream in(draft_path);
  if (!in) return Fail("cannot read " + draft_path);
  std::stringstream draft;
  draft << in.rdbuf();

  auto store = yimen::Store::Open(data_dir);
  if (!store.ok()) return Fail("cannot open " + data_dir + ": " + store.error().message);
  int journal = ::open(journal_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (journal < 0) return Fail("cannot open " + journal_path);

  long acknowledged = 0, refused = 0;
  for (long i = 0; i < count; ++i) {
    yimen::NewApplication application;
    application.service_code = service;
    application.catalog_version = "2026.11.2";
    application.masked_name = "张*英";
    application.payload = draft.str();
    // The kiosk's rule (common/civil_time.h): the China date of the submit's instant.
    const int64_t now = yimen::UnixSecondsNow();
    application.created_date = yimen::ChinaDateAt(now);
    application.created_at_iso = yimen::IsoUtc(now);
    application.id_last6 = "010021";
    std::vector<std::string> numbers;
    std::string error;
    if (visit_every > 0 && i % visit_every == visit_every - 1) {
      std::vector<yimen::NewApplication> visit;
      for (const char* code : {"dibao", "yiliao", "linshi"}) {
        visit.push_back(application);
        visit.back().service_code = code;
      }
      auto submitted = (*store)->applications().SubmitVisit(visit);
      if (submitted.ok()) {
        for (const auto& one : *submitted) numbers.push_back(one.app_number);
      } else {
        error = submitted.error().message;
      }
    } else {
      auto submitted = (*store)->applications().Submit(application);
      if (submitted.ok())
        numbers.push_back(submitted->app_number);
      else
        error = submitted.error().message;
    }
    if (numbers.empty()) {
      // The kiosk's own connection may hold the write lock longer than the busy
      // timeout: a refused submit shows no receipt, so it is simply not counted.
      ++refused;
      std::fprintf(stderr, "yimen-fault-submit: refused: %s\n", error.c_str());
    } else {
      std::string lines;
      for (const std::string& number : numbers) lines += number + "\n";
      if (::write(journal, lines.data(), lines.size()) != static_cast<ssize_t>(lines.size()) ||
          ::fsync(journal) != 0) {
        return Fail("journal write failed");
      }
      acknowledged += static_cast<long>(numbers.size());
    }
    if (every_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(every_ms));
  }
  ::close(journal);
  std::printf("submitted: %ld acknowledged, %ld refused\n", acknowledged, refused);
  return 0;
}
