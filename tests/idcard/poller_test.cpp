// The polling thread against the simulated reader: one read per placing, the lift
// before the next, faults shown as state, nothing left behind after Discard.
#include "idcard/poller.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "idcard/sam_simulator.h"
#include "idcard/serial_reader.h"

namespace yimen::idcard {
namespace {

using namespace std::chrono_literals;

CardText Card(const std::string& name) {
  CardText t;
  t.name = name;
  t.sex_code = "2";
  t.nation_code = "08";
  t.birth = "19640921";
  t.id_number = "450102196409210024";
  return t;
}

template <class Pred>
bool WaitFor(Pred pred, std::chrono::milliseconds limit = 3000ms) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return pred();
}

class PollerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto sim = SamSimulator::Start();
    ASSERT_TRUE(sim.ok());
    m_sim = std::move(sim.value());
  }
  std::unique_ptr<IdCardPoller> MakePoller(const std::string& path) {
    SerialOptions serial;
    serial.reply_timeout_ms = 100;
    serial.read_timeout_ms = 300;
    PollerOptions options;
    options.interval_ms = 20;
    return std::make_unique<IdCardPoller>(
        [path, serial]() -> Result<std::unique_ptr<IdCardReader>> {
          return std::unique_ptr<IdCardReader>(std::make_unique<SerialReader>(path, serial));
        },
        options, [this]() { ++m_wakes; });
  }
  std::unique_ptr<SamSimulator> m_sim;
  std::atomic<int> m_wakes{0};
};

TEST_F(PollerTest, ACardIsReadOnceUntilItIsLifted) {
  auto poller = MakePoller(m_sim->DevicePath());
  poller->Start();
  ASSERT_TRUE(WaitFor([&] { return poller->Status().state == ReaderState::kReady; }));
  m_sim->PlaceCard(Card("黄秀英"));
  CardRead read;
  ASSERT_TRUE(WaitFor([&] { return poller->TakeCard(&read); }));
  EXPECT_EQ(read.text.name, "黄秀英");
  EXPECT_EQ(m_wakes.load(), 1);
  // Left on the reader for many polls: still one read.
  const int finds = m_sim->FindCount();
  ASSERT_TRUE(WaitFor([&] { return m_sim->FindCount() > finds + 5; }));
  EXPECT_EQ(m_sim->ReadCount(), 1);
  EXPECT_FALSE(poller->TakeCard(&read));
  EXPECT_EQ(poller->Status().state, ReaderState::kCardOn);
  // Lifted and placed again: read again.
  m_sim->LiftCard();
  ASSERT_TRUE(WaitFor([&] { return poller->Status().state == ReaderState::kReady; }));
  m_sim->PlaceCard(Card("韦桂兰"));
  ASSERT_TRUE(WaitFor([&] { return poller->TakeCard(&read); }));
  EXPECT_EQ(read.text.name, "韦桂兰");
  EXPECT_EQ(poller->Status().reads, 2u);
}

TEST_F(PollerTest, ACardLiftedMidReadIsCountedNotAFault) {
  auto poller = MakePoller(m_sim->DevicePath());
  SimFaults faults;
  faults.lift_during_read = true;
  m_sim->SetFaults(faults);
  m_sim->PlaceCard(Card("黄秀英"));
  poller->Start();
  ASSERT_TRUE(WaitFor([&] { return poller->Status().lifted_mid_read == 1; }));
  EXPECT_NE(poller->Status().state, ReaderState::kFailing);
  CardRead read;
  EXPECT_FALSE(poller->TakeCard(&read));
  m_sim->PlaceCard(Card("黄秀英"));
  ASSERT_TRUE(WaitFor([&] { return poller->TakeCard(&read); }));
}

TEST_F(PollerTest, AnAbsentReaderIsFailingAndSaysWhy) {
  auto poller = MakePoller("/dev/nonexistent-yimen-reader");
  poller->Start();
  ASSERT_TRUE(WaitFor([&] { return poller->Status().state == ReaderState::kFailing; }));
  EXPECT_NE(poller->Status().last_error.find("cannot open"), std::string::npos);
  EXPECT_EQ(poller->Status().description, "SAM serial /dev/nonexistent-yimen-reader");
}

TEST_F(PollerTest, ASilentReaderFailsAndRecovers) {
  auto poller = MakePoller(m_sim->DevicePath());
  SimFaults faults;
  faults.silent_next = 4;  // two polls' worth of two attempts
  m_sim->SetFaults(faults);
  poller->Start();
  ASSERT_TRUE(WaitFor([&] { return poller->Status().state == ReaderState::kFailing; }));
  EXPECT_NE(poller->Status().last_error.find("no answer"), std::string::npos);
  ASSERT_TRUE(WaitFor([&] { return poller->Status().state == ReaderState::kReady; }));
  m_sim->PlaceCard(Card("黄秀英"));
  CardRead read;
  ASSERT_TRUE(WaitFor([&] { return poller->TakeCard(&read); }));
}

TEST_F(PollerTest, DiscardDropsAReadNotTaken) {
  auto poller = MakePoller(m_sim->DevicePath());
  m_sim->PlaceCard(Card("黄秀英"));
  poller->Start();
  ASSERT_TRUE(WaitFor([&] { return m_wakes.load() == 1; }));
  poller->Discard();
  CardRead read;
  EXPECT_FALSE(poller->TakeCard(&read));
}

}  // namespace
}  // namespace yimen::idcard
