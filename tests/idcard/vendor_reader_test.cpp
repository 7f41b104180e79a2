// VendorReader through dlopen against the test vendor library (test_vendor_reader.c),
// whose "reader" is a file the test writes.
#include "idcard/vendor_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace yimen::idcard {
namespace {

class VendorReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/yimen-vendor-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    m_dir = dir;
    m_card = m_dir + "/card";
  }
  void TearDown() override {
    std::remove(m_card.c_str());
    ::rmdir(m_dir.c_str());
  }
  void Write(const std::string& bytes) {
    std::ofstream out(m_card, std::ios::binary | std::ios::trunc);
    out << bytes;
  }
  void PlaceCard(const std::string& name, uint8_t photo_byte) {
    CardText t;
    t.name = name;
    t.sex_code = "1";
    t.nation_code = "02";
    t.id_number = "150102196003150017";
    const auto text = EncodeCardText(t);
    std::string bytes(text.begin(), text.end());
    bytes.append(kPhotoBytes, static_cast<char>(photo_byte));
    Write(bytes);
  }
  std::string m_dir, m_card;
};

TEST_F(VendorReaderTest, ReadsThroughTheLibrary) {
  auto reader = VendorReader::Load(YIMEN_TEST_VENDOR_LIB, m_card);
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  ASSERT_TRUE((*reader)->Check().ok());
  auto none = (*reader)->Read();
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().kind, ErrorKind::kNotFound);
  PlaceCard("巴特尔", 0x40);
  auto present = (*reader)->CardPresent();
  ASSERT_TRUE(present.ok());
  EXPECT_TRUE(*present);
  auto read = (*reader)->Read();
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->text.name, "巴特尔");
  EXPECT_EQ(NationName(read->text.nation_code), "蒙古");
  EXPECT_EQ(read->wlt_photo.size(), kPhotoBytes);
  EXPECT_NE((*reader)->Describe().find("vendor library"), std::string::npos);
}

TEST_F(VendorReaderTest, FailuresAndLiftsKeepTheirMeaning) {
  auto reader = VendorReader::Load(YIMEN_TEST_VENDOR_LIB, m_card);
  ASSERT_TRUE(reader.ok());
  Write("L");
  auto lifted = (*reader)->Read();
  ASSERT_FALSE(lifted.ok());
  EXPECT_EQ(lifted.error().code, kCodeCardLifted);
  Write("E");
  auto broken = (*reader)->Read();
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().code, kCodeReader);
  EXPECT_EQ(broken.error().message, "test reader: broken");
  EXPECT_FALSE((*reader)->CardPresent().ok());
}

TEST_F(VendorReaderTest, AReaderThatWillNotOpenIsNoDevice) {
  auto reader = VendorReader::Load(YIMEN_TEST_VENDOR_LIB, "refuse");
  ASSERT_TRUE(reader.ok());
  Status check = (*reader)->Check();
  ASSERT_FALSE(check.ok());
  EXPECT_EQ(check.error().code, kCodeNoDevice);
}

TEST_F(VendorReaderTest, AMissingOrWrongLibraryNeedsSetup) {
  auto missing = VendorReader::Load(m_dir + "/nope.so", "");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kNeedsSetup);
  // A real library with the decoder but none of the reader's functions.
  auto wrong = VendorReader::Load(YIMEN_TEST_WLT_ONLY_LIB, "");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().kind, ErrorKind::kNeedsSetup);
  EXPECT_NE(wrong.error().message.find("yimen_idr_open"), std::string::npos);
}

TEST_F(VendorReaderTest, TheWltDecoderIsUsedOnlyWhenLoaded) {
  auto decoder = WltDecoder::Load(YIMEN_TEST_VENDOR_LIB);
  ASSERT_TRUE(decoder.ok()) << decoder.error().message;
  auto rgb = (*decoder)->Decode(std::vector<uint8_t>(kPhotoBytes, 0x80));
  ASSERT_TRUE(rgb.ok());
  EXPECT_EQ(rgb->size(), 102u * 126 * 3);
  EXPECT_EQ((*rgb)[0], 0x80);
  EXPECT_FALSE((*decoder)->Decode(std::vector<uint8_t>(kPhotoBytes, 0)).ok());
  EXPECT_FALSE((*decoder)->Decode(std::vector<uint8_t>(10, 1)).ok());
  EXPECT_FALSE(WltDecoder::Load(m_dir + "/nope.so").ok());
}

}  // namespace
}  // namespace yimen::idcard
