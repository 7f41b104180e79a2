// The card's 256 text bytes: fixed UCS-2LE fields, the nation table, the base message.
#include "idcard/card_text.h"

#include <gtest/gtest.h>

namespace yimen::idcard {
namespace {

CardText Sample() {
  CardText t;
  t.name = "欧阳娜娜";
  t.sex_code = "2";
  t.nation_code = "01";
  t.birth = "19580214";
  t.address = "广东省广州市天河区民生路12号3栋502房";
  t.id_number = "440106195802140022";
  t.authority = "广州市公安局天河分局";
  t.valid_from = "20180301";
  t.valid_until = "长期";
  return t;
}

TEST(CardText, FieldsSitAtTheirOffsetsInUcs2Le) {
  const std::vector<uint8_t> bytes = EncodeCardText(Sample());
  ASSERT_EQ(bytes.size(), kTextBytes);
  // 欧 is U+6B27: little-endian 27 6B at offset 0; name is 30 bytes, then sex '2'.
  EXPECT_EQ(bytes[0], 0x27);
  EXPECT_EQ(bytes[1], 0x6B);
  EXPECT_EQ(bytes[8], ' ');  // padding after four characters
  EXPECT_EQ(bytes[30], '2');
  EXPECT_EQ(bytes[31], 0);
  EXPECT_EQ(bytes[32], '0');  // nation "01" at 32
  EXPECT_EQ(bytes[34], '1');
  EXPECT_EQ(bytes[36], '1');   // birth at 36
  EXPECT_EQ(bytes[122], '4');  // ID number at 36 + 16 + 70 = 122
}

TEST(CardText, DecodesWhatWasEncoded) {
  const auto decoded = DecodeCardText(EncodeCardText(Sample()));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->name, "欧阳娜娜");
  EXPECT_EQ(decoded->sex_code, "2");
  EXPECT_EQ(decoded->nation_code, "01");
  EXPECT_EQ(decoded->birth, "19580214");
  EXPECT_EQ(decoded->address, "广东省广州市天河区民生路12号3栋502房");
  EXPECT_EQ(decoded->id_number, "440106195802140022");
  EXPECT_EQ(decoded->authority, "广州市公安局天河分局");
  EXPECT_EQ(decoded->valid_until, "长期");
}

TEST(CardText, AFullNameFieldKeepsFifteenCharactersAndTheNextFieldIsIntact) {
  CardText t = Sample();
  t.name = "阿卜杜热合曼·买买提依明江阿卜杜拉";  // 17 characters, longer than the field
  const auto decoded = DecodeCardText(EncodeCardText(t));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->name, "阿卜杜热合曼·买买提依明江阿卜");
  EXPECT_EQ(decoded->sex_code, "2");
}

TEST(CardText, WrongSizeIsRefused) {
  EXPECT_FALSE(DecodeCardText(std::vector<uint8_t>(255, 0x20)).ok());
}

TEST(CardText, Ucs2StopsAtNulDropsPaddingAndReplacesSurrogates) {
  const std::vector<uint8_t> bytes{0x20, 0x4E, 0x00, 0xD8, 0x00, 0x30,
                                   0x20, 0x00, 0x00, 0x00, 0x41, 0x00};
  EXPECT_EQ(Ucs2LeToUtf8(bytes), "丠\uFFFD");
}

TEST(CardText, NationTableIsGb3304) {
  EXPECT_EQ(NationName("01"), "汉");
  EXPECT_EQ(NationName("02"), "蒙古");
  EXPECT_EQ(NationName("05"), "维吾尔");
  EXPECT_EQ(NationName("10"), "朝鲜");
  EXPECT_EQ(NationName("29"), "柯尔克孜");
  EXPECT_EQ(NationName("43"), "乌孜别克");
  EXPECT_EQ(NationName("56"), "基诺");
  EXPECT_EQ(NationName("97"), "其他");
  EXPECT_EQ(NationName("57"), "");
  EXPECT_EQ(NationName("00"), "");
  EXPECT_EQ(NationName("1"), "");
  EXPECT_EQ(NationName("x1"), "");
  for (int n = 1; n <= 56; ++n) {
    char code[12];
    std::snprintf(code, sizeof code, "%02d", n);
    EXPECT_FALSE(NationName(code).empty()) << code;
  }
  EXPECT_EQ(SexName("1"), "男");
  EXPECT_EQ(SexName("2"), "女");
  EXPECT_EQ(SexName("9"), "");
}

TEST(CardText, BaseMessageCarriesTextAndPhoto) {
  const std::vector<uint8_t> photo(kPhotoBytes, 0x77);
  const auto message = EncodeBaseMessage(Sample(), photo);
  ASSERT_EQ(message.size(), 4 + kTextBytes + kPhotoBytes);
  EXPECT_EQ(message[0], 0x01);
  EXPECT_EQ(message[1], 0x00);
  EXPECT_EQ(message[2], 0x04);
  EXPECT_EQ(message[3], 0x00);
  auto read = ParseBaseMessage(message);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->text.name, "欧阳娜娜");
  EXPECT_EQ(read->wlt_photo, photo);
  Wipe(&read.value());
  EXPECT_TRUE(read->text.name.empty());
  EXPECT_TRUE(read->wlt_photo.empty());
}

TEST(CardText, BaseMessageWithLyingLengthsIsRefused) {
  auto message = EncodeBaseMessage(Sample(), std::vector<uint8_t>(kPhotoBytes, 0));
  message.resize(message.size() - 1);
  EXPECT_FALSE(ParseBaseMessage(message).ok());
  auto wrong_text = EncodeBaseMessage(Sample(), std::vector<uint8_t>(kPhotoBytes, 0));
  wrong_text[1] = 0x01;  // text length 257
  EXPECT_FALSE(ParseBaseMessage(wrong_text).ok());
  EXPECT_FALSE(ParseBaseMessage(std::vector<uint8_t>{1, 0}).ok());
}

}  // namespace
}  // namespace yimen::idcard
