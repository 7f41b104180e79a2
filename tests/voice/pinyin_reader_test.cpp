// Pinyin as a reader says it: polyphones by word, numbers in Chinese, pauses at
// punctuation, 一/不 sandhi, and the dictionary table itself.
#include "voice/pinyin_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "voice_test_support.h"

namespace yimen::voice {
namespace {

using testing::PinyinOf;
using testing::SharedReader;

TEST(PinyinReader, ReadsPolyphonesByWord) {
  EXPECT_EQ(PinyinOf("银行"), "yin2 hang2");
  EXPECT_EQ(PinyinOf("重度"), "zhong4 du4");
  EXPECT_EQ(PinyinOf("长者"), "zhang3 zhe3");
  EXPECT_EQ(PinyinOf("重新"), "chong2 xin1");
  EXPECT_EQ(PinyinOf("还有"), "hai2 you3");
  EXPECT_EQ(PinyinOf("行走"), "xing2 zou3");
  EXPECT_EQ(PinyinOf("最低生活保障"), "zui4 di1 sheng1 huo2 bao3 zhang4");
}

TEST(PinyinReader, ReadsTheSameCharacterDifferentlyInDifferentWords) {
  EXPECT_EQ(PinyinOf("长者饭堂"), "zhang3 zhe3 fan4 tang2");
  EXPECT_EQ(PinyinOf("长期"), "chang2 qi1");
  EXPECT_EQ(PinyinOf("行走银行"), "xing2 zou3 yin2 hang2");
}

// terra_pinyin carries some of Taiwan's tones (綜合 zong4, 危險 wei2, 什麼 she2); the
// loader corrects them from its own character table.
TEST(PinyinReader, UsesPutonghuaTonesNotTaiwans) {
  EXPECT_EQ(PinyinOf("综合"), "zong1 he2");
  EXPECT_EQ(PinyinOf("危险"), "wei1 xian3");
  EXPECT_EQ(PinyinOf("研究"), "yan2 jiu1");
  EXPECT_EQ(PinyinOf("什么"), "shen2 me5");
  EXPECT_EQ(PinyinOf("还有重新"), "hai2 you3 chong2 xin1");  // other syllables stay
}

TEST(PinyinReader, ReadsTraditionalTextToo) {
  EXPECT_EQ(PinyinOf("銀行"), "yin2 hang2");
}

TEST(PinyinReader, ReadsNumbersAsQuantities) {
  EXPECT_EQ(PinyinOf("1225"), "yi1 qian1 er4 bai3 er4 shi2 wu3");
  EXPECT_EQ(PinyinOf("1225", true), "yi4 qian1 er4 bai3 er4 shi2 wu3");
  EXPECT_EQ(PinyinOf("10"), "shi2");
  EXPECT_EQ(PinyinOf("15"), "shi2 wu3");
  EXPECT_EQ(PinyinOf("1005"), "yi1 qian1 ling2 wu3");
  EXPECT_EQ(PinyinOf("2000", true), "liang3 qian1");
  EXPECT_EQ(PinyinOf("30000"), "san1 wan4");
  EXPECT_EQ(PinyinOf("120500"), "shi2 er4 wan4 ling2 wu3 bai3");
  EXPECT_EQ(PinyinOf("0"), "ling2");
  EXPECT_EQ(PinyinOf("3.5"), "san1 dian3 wu3");
  EXPECT_EQ(PinyinOf("60%"), "bai3 fen1 zhi1 liu4 shi2");
}

TEST(PinyinReader, ReadsLongNumbersDigitByDigit) {
  EXPECT_EQ(PinyinOf("13800138000"), "yao1 san1 ba1 ling2 ling2 yao1 san1 ba1 ling2 ling2 ling2");
  EXPECT_EQ(PinyinOf("010"), "ling2 yao1 ling2");
}

TEST(PinyinReader, ReadsDatesAndYears) {
  EXPECT_EQ(PinyinOf("2024-01-05"), "er4 ling2 er4 si4 nian2 yi1 yue4 wu3 ri4");
  EXPECT_EQ(PinyinOf("2024年"), "er4 ling2 er4 si4 nian2");
  EXPECT_EQ(PinyinOf("2024-12-31"), "er4 ling2 er4 si4 nian2 shi2 er4 yue4 san1 shi2 yi1 ri4");
}

TEST(PinyinReader, TurnsPunctuationIntoPauses) {
  EXPECT_EQ(PinyinOf("低保，特困。"), "di1 bao3 , te4 kun4");
  EXPECT_EQ(PinyinOf("。低保！？特困"), "di1 bao3 . te4 kun4");
  EXPECT_EQ(PinyinOf("低保、，特困"), "di1 bao3 , te4 kun4");
}

TEST(PinyinReader, SkipsLatinLettersAndCountsThem) {
  Reading r = SharedReader().Read("第 {step} 步");
  EXPECT_EQ(PinyinText(r), "di4 bu4");
  EXPECT_EQ(r.skipped, 4u);
  EXPECT_EQ(r.unknown_han, 0u);
}

TEST(PinyinReader, ChangesYiAndBuBeforeOtherTones) {
  EXPECT_EQ(PinyinOf("一天", true), "yi4 tian1");
  EXPECT_EQ(PinyinOf("一样", true), "yi2 yang4");
  EXPECT_EQ(PinyinOf("一位成员", true), "yi2 wei4 cheng2 yuan2");
  EXPECT_EQ(PinyinOf("不对", true), "bu2 dui4");
  EXPECT_EQ(PinyinOf("不能", true), "bu4 neng2");
  // Word-final 一 and 一 before a pause keep tone 1.
  EXPECT_EQ(PinyinOf("统一管理", true), "tong3 yi1 guan3 li3");
  EXPECT_EQ(PinyinOf("第一位", true), "di4 yi1 wei4");
  EXPECT_EQ(PinyinOf("一。", true), "yi1");
  // The dictionary tone is kept alongside.
  EXPECT_EQ(PinyinOf("一天"), "yi1 tian1");
}

// Taiwan readings from terra (CC-CEDICT) are replaced by the mainland's
// (assets/voice/mandarin_readings.txt).
TEST(PinyinReader, UsesMainlandReadingsNotTaiwans) {
  EXPECT_EQ(PinyinOf("星期"), "xing1 qi1");
  EXPECT_EQ(PinyinOf("长期"), "chang2 qi1");
  EXPECT_EQ(PinyinOf("储蓄"), "chu3 xu4");
  EXPECT_EQ(PinyinOf("突然"), "tu1 ran2");
  EXPECT_EQ(PinyinOf("信息"), "xin4 xi1");
  EXPECT_EQ(PinyinOf("不予", true), "bu4 yu3");
  EXPECT_EQ(PinyinOf("档案"), "dang4 an4");
  EXPECT_EQ(PinyinOf("携带"), "xie2 dai4");
  EXPECT_EQ(PinyinOf("怎么"), "zen3 me5");
}

// Frequency-weighted segmentation, not longest match: 中的 后重 金发 are words of the
// dictionary, but not of these sentences.
TEST(PinyinReader, SegmentsIntoCommonWords) {
  EXPECT_EQ(PinyinOf("材料中的信息"), "cai2 liao4 zhong1 de5 xin4 xi1");
  EXPECT_EQ(PinyinOf("本人的信息"), "ben3 ren2 de5 xin4 xi1");
  EXPECT_EQ(PinyinOf("核对后重新输入"), "he2 dui4 hou4 chong2 xin1 shu1 ru4");
  EXPECT_EQ(PinyinOf("养老金发放"), "yang3 lao3 jin1 fa1 fang4");
  EXPECT_EQ(PinyinOf("最多只能", true), "zui4 duo1 zhi3 neng2");
}

TEST(PinyinReader, ReadsLonePolyphonesByContext) {
  EXPECT_EQ(PinyinOf("标准为每人"), "biao1 zhun3 wei2 mei3 ren2");
  EXPECT_EQ(PinyinOf("为他申请"), "wei4 ta1 shen1 qing3");
  EXPECT_EQ(PinyinOf("重拍"), "chong2 pai1");
  EXPECT_EQ(PinyinOf("请给材料拍照"), "qing3 gei3 cai2 liao4 pai1 zhao4");
  EXPECT_EQ(PinyinOf("照顾不了"), "zhao4 gu4 bu4 liao3");
  EXPECT_EQ(PinyinOf("得的什么病"), "de2 de5 shen2 me5 bing4");  // 得 "got"
  EXPECT_EQ(PinyinOf("领得越多"), "ling3 de5 yue4 duo1");
  EXPECT_EQ(PinyinOf("突然没了收入"), "tu1 ran2 mei2 le5 shou1 ru4");
}

TEST(PinyinReader, AppliesYiAndBuSandhiInsideWordsToo) {
  EXPECT_EQ(PinyinOf("一起", true), "yi4 qi3");
  EXPECT_EQ(PinyinOf("一级", true), "yi1 ji2");   // an ordinal
  EXPECT_EQ(PinyinOf("一定", true), "yi2 ding4");
  EXPECT_EQ(PinyinOf("不是", true), "bu2 shi4");
  EXPECT_EQ(PinyinOf("一个", true), "yi2 ge4");
}

TEST(PinyinDictionary, LoadsBothDictionariesCompactly) {
  const PinyinDictionary& dict = SharedReader().dictionary();
  EXPECT_GT(dict.stats().entries, 90000u);
  EXPECT_GT(dict.stats().luna_words, 5000u);
  EXPECT_LT(dict.stats().heap_bytes, 8u << 20);
  EXPECT_FALSE(dict.Find(U"銀行").empty());
  EXPECT_TRUE(dict.Find(U"银行").empty());  // keys are Traditional
  EXPECT_EQ(dict.LongestPrefix(U"銀行卡號"), 3u);  // 銀行卡
  EXPECT_GT(dict.stats().with_frequency, 50000u);  // rime-essay
  EXPECT_GT(dict.stats().frequency_total, 10000000u);
}

// A bad line in the readings file stops the reader with the file and line named: a
// typo there must not silently change how the kiosk speaks.
TEST(PinyinReader, FailsClearlyOnABadReadingsLine) {
  std::string path = std::filesystem::temp_directory_path() /
                     ("yimen-readings-" + std::to_string(::getpid()) + ".txt");
  {
    std::ofstream out(path);
    out << "# ok\ntaiwan 期 qi2 qi1\nword 银行 yin2 hang9\n";
  }
  PinyinReaderOptions options;
  options.readings = path;
  auto reader = PinyinReader::Open(options);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.error().kind, ErrorKind::kDataLoss);
  EXPECT_NE(reader.error().message.find(path + ":3"), std::string::npos) << reader.error().message;
  options.readings = path + ".missing";
  reader = PinyinReader::Open(options);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.error().kind, ErrorKind::kNotFound);
  std::filesystem::remove(path);
}

TEST(PinyinDictionary, FailsClearlyWhenTerraIsMissing) {
  PinyinDictionaryPaths paths;
  paths.terra = "/nonexistent/terra_pinyin.dict.yaml";
  Result<PinyinDictionary> dict = PinyinDictionary::Load(paths);
  ASSERT_FALSE(dict.ok());
  EXPECT_EQ(dict.error().kind, ErrorKind::kNotFound);
  EXPECT_NE(dict.error().message.find("rime-data-terra-pinyin"), std::string::npos);
}

}  // namespace
}  // namespace yimen::voice
