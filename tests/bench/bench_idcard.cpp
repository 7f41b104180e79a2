// ID-card reader: from a card laid on the reader to the form's fields filled, through
// the real code: the simulated reader on a pty (app/idcard/sam_simulator.h), SerialReader
// over termios at 115200 8N1, the polling thread (one poll a second, as the kiosk runs
// it) and session::Form applying the card to 低保's applicant step. Each card goes down at
// a random moment within the poll interval, as residents' do, and is lifted before the
// next. Also the read alone (find, select, read base message), clean and with the answers
// in pieces behind line noise. The simulator paces its answers at 115200 baud; a real
// reader adds the card's own radio time, which no simulator knows. Prints figures; asserts nothing
// (README "Benchmarks").
//   bench_idcard [--quick]
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "idcard/poller.h"
#include "idcard/sam_simulator.h"
#include "idcard/serial_reader.h"
#include "session/form.h"
#include "session/strings.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace yimen;

struct Percentiles {
  double p50 = 0, p99 = 0, max = 0;
};

Percentiles Of(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 99 / 100)], ms.back()};
}

idcard::CardText Card() {
  idcard::CardText t;
  t.name = "欧阳建国";
  t.sex_code = "1";
  t.nation_code = "01";
  t.birth = "19650312";
  t.address = "广东省中山市石岐街道东明路8号3栋201";
  t.id_number = "442000196503121236";
  t.authority = "中山市公安局";
  t.valid_from = "20150312";
  t.valid_until = "长期";
  return t;
}

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// The read alone, `runs` times.
Percentiles DirectReads(int runs, bool faults) {
  auto sim = idcard::SamSimulator::Start();
  if (!sim.ok()) {
    std::fprintf(stderr, "bench_idcard: %s\n", sim.error().message.c_str());
    std::exit(1);
  }
  idcard::SimFaults f;
  f.line_baud = 115200;  // the serial line's pace, which a pty does not have
  if (faults) {
    f.split_answers = true;
    f.garbage_before = 16;
  }
  (*sim)->SetFaults(f);
  (*sim)->PlaceCard(Card());
  idcard::SerialReader reader((*sim)->DevicePath());
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = Clock::now();
    auto read = reader.Read();
    ms.push_back(Ms(Clock::now() - t0));
    if (!read.ok()) {
      std::fprintf(stderr, "bench_idcard: read failed: %s\n", read.error().message.c_str());
      std::exit(1);
    }
  }
  return Of(ms);
}

int Run(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const int direct_runs = quick ? 20 : 200;
  const int placements = quick ? 8 : 200;

  const Percentiles clean = DirectReads(direct_runs, false);
  std::printf(
      "idcard read at 115200 baud (find+select+read, 1,295-byte answer): runs=%d p50=%.1f ms "
      "p99=%.1f ms max=%.1f ms\n",
      direct_runs, clean.p50, clean.p99, clean.max);
  const Percentiles noisy = DirectReads(direct_runs, true);
  std::printf(
      "idcard read, answers in 1-7 byte pieces after 16 noise bytes: runs=%d p50=%.1f ms p99=%.1f "
      "ms max=%.1f ms\n",
      direct_runs, noisy.p50, noisy.p99, noisy.max);

  // Card placed -> fields filled, through the poller at its 1 s interval.
  auto catalog = LoadCatalog(std::string(YIMEN_BENCH_ASSETS_DIR) + "/catalog");
  auto strings = session::Strings::Load(std::string(YIMEN_BENCH_ASSETS_DIR) + "/strings");
  if (!catalog.ok() || !strings.ok()) {
    std::fprintf(stderr, "bench_idcard: cannot load assets\n");
    return 1;
  }
  auto shared = std::make_shared<const Catalog>(std::move(catalog).value());
  session::FormState state;
  session::Form::Deps deps;
  deps.strings = &strings.value();
  deps.catalog_in_use = [shared] { return shared; };
  session::Form form(&state, deps);
  form.Apply(session::form_event::OpenService{"dibao"}, session::Page::kDetail);
  form.Apply(session::form_event::StartForm{}, session::Page::kDetail);

  auto sim = idcard::SamSimulator::Start();
  if (!sim.ok()) return 1;
  idcard::SimFaults line;
  line.line_baud = 115200;
  (*sim)->SetFaults(line);
  const std::string path = (*sim)->DevicePath();
  std::mutex mutex;
  std::condition_variable woken;
  bool card_ready = false;
  idcard::PollerOptions options;  // the kiosk's: one poll a second
  idcard::IdCardPoller poller(
      [path]() -> Result<std::unique_ptr<idcard::IdCardReader>> {
        return std::unique_ptr<idcard::IdCardReader>(std::make_unique<idcard::SerialReader>(path));
      },
      options,
      [&]() {
        std::lock_guard<std::mutex> lock(mutex);
        card_ready = true;
        woken.notify_all();
      });
  poller.Start();
  std::mt19937 random(20261204);
  std::uniform_int_distribution<int> phase(0, options.interval_ms - 1);
  std::vector<double> filled_ms;
  for (int i = 0; i < placements; ++i) {
    const int wait_ms = phase(random);
    std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
    {
      std::lock_guard<std::mutex> lock(mutex);
      card_ready = false;
    }
    const auto t0 = Clock::now();
    (*sim)->PlaceCard(Card());
    {
      std::unique_lock<std::mutex> lock(mutex);
      if (!woken.wait_for(lock, std::chrono::seconds(5), [&] { return card_ready; })) {
        std::fprintf(stderr, "bench_idcard: no read within 5 s\n");
        return 1;
      }
    }
    // What KioskApp::TakeIdCard does on the UI thread.
    idcard::CardRead read;
    if (!poller.TakeCard(&read)) return 1;
    session::form_event::CardRead event{std::move(read.text), false};
    form.Apply(event, session::Page::kForm);
    const auto t1 = Clock::now();
    if (session::Form::ValueAt(state, session::FieldAddress::Top("id_number")) !=
        "442000196503121236") {
      std::fprintf(stderr, "bench_idcard: the form was not filled\n");
      return 1;
    }
    filled_ms.push_back(Ms(t1 - t0));
    if (std::getenv("BENCH_IDCARD_TRACE"))
      std::fprintf(stderr, "placed %d ms after the lift was seen -> filled %.0f ms\n", wait_ms,
                   filled_ms.back());
    form.Apply(session::form_event::SetValue{session::FieldAddress::Top("id_number"), ""},
               session::Page::kForm);
    (*sim)->LiftCard();
    // The poller sees the lift on its next poll.
    const auto lift_deadline = Clock::now() + std::chrono::seconds(5);
    while (poller.Status().state != idcard::ReaderState::kReady && Clock::now() < lift_deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  poller.Stop();
  const Percentiles filled = Of(filled_ms);
  std::printf(
      "idcard card placed -> fields filled (poll every %d ms, random placement): runs=%d p50=%.0f "
      "ms p99=%.0f ms max=%.0f ms\n",
      options.interval_ms, placements, filled.p50, filled.p99, filled.max);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {  // std::bad_alloc, std::system_error from a thread
    std::fprintf(stderr, "bench_idcard: %s\n", e.what());
    return 1;
  }
}
