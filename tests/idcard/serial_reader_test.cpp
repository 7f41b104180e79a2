// SerialReader against the simulated reader on a pseudo-terminal: the real termios and
// frame code, and the faults a hall's reader shows.
#include "idcard/serial_reader.h"

#include <gtest/gtest.h>

#include <chrono>

#include "idcard/sam_simulator.h"

namespace yimen::idcard {
namespace {

CardText Card() {
  CardText t;
  t.name = "张建国";
  t.sex_code = "1";
  t.nation_code = "03";
  t.birth = "19520708";
  t.address = "北京市东城区东四北大街107号";
  t.id_number = "11010119520708001X";
  t.authority = "北京市公安局东城分局";
  t.valid_from = "20120708";
  t.valid_until = "长期";
  return t;
}

class SerialReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto sim = SamSimulator::Start();
    ASSERT_TRUE(sim.ok()) << sim.error().message;
    m_sim = std::move(sim.value());
    SerialOptions options;
    options.reply_timeout_ms = 200;
    options.read_timeout_ms = 400;
    m_reader = std::make_unique<SerialReader>(m_sim->DevicePath(), options);
  }
  std::unique_ptr<SamSimulator> m_sim;
  std::unique_ptr<SerialReader> m_reader;
};

TEST_F(SerialReaderTest, ReadsTheCardOnTheReader) {
  ASSERT_TRUE(m_reader->Check().ok());
  m_sim->PlaceCard(Card());
  auto read = m_reader->Read();
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->text.name, "张建国");
  EXPECT_EQ(read->text.id_number, "11010119520708001X");
  EXPECT_EQ(NationName(read->text.nation_code), "回");
  EXPECT_EQ(read->wlt_photo.size(), kPhotoBytes);
}

TEST_F(SerialReaderTest, NoCardIsNotFoundNotAFault) {
  auto read = m_reader->Read();
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().kind, ErrorKind::kNotFound);
  auto present = m_reader->CardPresent();
  ASSERT_TRUE(present.ok());
  EXPECT_FALSE(*present);
}

TEST_F(SerialReaderTest, AnswersInPiecesWithNoiseStillRead) {
  SimFaults faults;
  faults.split_answers = true;
  faults.garbage_before = 13;
  m_sim->SetFaults(faults);
  m_sim->PlaceCard(Card());
  auto read = m_reader->Read();
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->text.name, "张建国");
  EXPECT_GE(m_reader->SkippedBytes(), 13u * 3);
}

TEST_F(SerialReaderTest, OneWrongChecksumIsAskedAgain) {
  m_sim->PlaceCard(Card());
  SimFaults faults;
  faults.bad_checksum_next = 1;
  m_sim->SetFaults(faults);
  auto read = m_reader->Read();
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->text.id_number, "11010119520708001X");
}

TEST_F(SerialReaderTest, WrongChecksumsEveryTimeAreABadFrameFault) {
  m_sim->PlaceCard(Card());
  SimFaults faults;
  faults.bad_checksum_next = 100;
  m_sim->SetFaults(faults);
  auto read = m_reader->Read();
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, kCodeBadFrame);
}

TEST_F(SerialReaderTest, SilenceIsATimeoutWithinTheDeadline) {
  SimFaults faults;
  faults.silent_next = 100;
  m_sim->SetFaults(faults);
  const auto t0 = std::chrono::steady_clock::now();
  auto present = m_reader->CardPresent();
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  ASSERT_FALSE(present.ok());
  EXPECT_EQ(present.error().code, kCodeTimeout);
  EXPECT_LT(ms, 1000);  // two attempts of 200 ms
  // One silent answer is covered by the second attempt.
  faults.silent_next = 1;
  m_sim->SetFaults(faults);
  auto again = m_reader->CardPresent();
  ASSERT_TRUE(again.ok()) << again.error().message;
}

TEST_F(SerialReaderTest, ACardLiftedMidReadIsSaidSo) {
  m_sim->PlaceCard(Card());
  SimFaults faults;
  faults.lift_during_read = true;
  m_sim->SetFaults(faults);
  auto read = m_reader->Read();
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, kCodeCardLifted);
  auto after = m_reader->Read();
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error().kind, ErrorKind::kNotFound);
}

TEST_F(SerialReaderTest, AMissingDeviceIsNoDevice) {
  SerialReader reader("/dev/nonexistent-yimen-reader");
  Status check = reader.Check();
  ASSERT_FALSE(check.ok());
  EXPECT_EQ(check.error().code, kCodeNoDevice);
}

TEST_F(SerialReaderTest, AnUnpluggedReaderIsNoDeviceOrTimeoutNeverAHang) {
  ASSERT_TRUE(m_reader->Check().ok());
  m_sim->Unplug();
  auto present = m_reader->CardPresent();
  ASSERT_FALSE(present.ok());
  EXPECT_TRUE(present.error().code == kCodeNoDevice || present.error().code == kCodeTimeout)
      << present.error().code;
}

}  // namespace
}  // namespace yimen::idcard
