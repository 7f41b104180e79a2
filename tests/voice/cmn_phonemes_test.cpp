// The syllable table and its phonemes: every syllable of every tone maps to phonemes
// from espeak-ng's cmn table, and the tricky spellings (zi/zhi, ju/lü, yu, wen) map to
// the vowels they are said with.
#include "voice/cmn_phonemes.h"

#include <gtest/gtest.h>

#include "voice_test_support.h"

namespace yimen::voice {
namespace {

std::string Ph(std::string_view pinyin) {
  std::optional<Syllable> s = ParseSyllable(pinyin);
  EXPECT_TRUE(s) << pinyin;
  return s ? CmnPhonemesFor(*s) : "";
}

TEST(CmnPhonemes, ParsesAndFormatsSyllables) {
  ASSERT_TRUE(ParseSyllable("zhong4"));
  EXPECT_EQ(FormatSyllable(*ParseSyllable("zhong4")), "zhong4");
  EXPECT_EQ(FormatSyllable(*ParseSyllable("lü4")), "lv4");
  EXPECT_FALSE(ParseSyllable("zhong"));   // no tone
  EXPECT_FALSE(ParseSyllable("zhong6"));  // no such tone
  EXPECT_FALSE(ParseSyllable("xyz1"));    // no such syllable
  EXPECT_GT(SyllableBaseCount(), 400u);
}

TEST(CmnPhonemes, MapsInitialsVowelsTonesAndCodas) {
  EXPECT_EQ(Ph("zhong4"), "ts.'ong51");
  EXPECT_EQ(Ph("yin2"), "'i35n");
  EXPECT_EQ(Ph("hang2"), "X'A35N");
  EXPECT_EQ(Ph("bao3"), "p'Au214");
  EXPECT_EQ(Ph("qing3"), "tS;h'i214N");
}

TEST(CmnPhonemes, SaysApicalVowelsAfterSibilants) {
  EXPECT_EQ(Ph("zi3"), "ts'i[214");
  EXPECT_EQ(Ph("si4"), "s'i[51");
  EXPECT_EQ(Ph("shi4"), "s.'i.51");
  EXPECT_EQ(Ph("ri4"), "z.'i.51");
  EXPECT_EQ(Ph("ji1"), "tS;'i55");  // j/q/x keep a real i
}

TEST(CmnPhonemes, SaysUmlautWhereSpellingHidesIt) {
  EXPECT_EQ(Ph("ju2"), "tS;'y35");
  EXPECT_EQ(Ph("lv4"), "l'y51");
  EXPECT_EQ(Ph("yu2"), "'y35");
  EXPECT_EQ(Ph("xue2"), "S;'yE35");
  EXPECT_EQ(Ph("yuan2"), "'y&35n");
  EXPECT_EQ(Ph("jun1"), "tS;'y55n");
  EXPECT_EQ(Ph("lu4"), "l'u51");  // plain u stays u
}

TEST(CmnPhonemes, UndoesYWSpellingAndContractions) {
  EXPECT_EQ(Ph("wen4"), "'u@51n");
  EXPECT_EQ(Ph("dun1"), "t'u@55n");
  EXPECT_EQ(Ph("wei4"), "'uei51");
  EXPECT_EQ(Ph("gui4"), "k'uei51");
  EXPECT_EQ(Ph("you3"), "'iou214");
  EXPECT_EQ(Ph("liu2"), "l'iou35");
  EXPECT_EQ(Ph("ye3"), "'iE214");
  EXPECT_EQ(Ph("yong4"), "'y51N");
}

TEST(CmnPhonemes, LeavesNeutralToneUnstressed) {
  EXPECT_EQ(Ph("de5"), "t@11");
  EXPECT_EQ(Ph("men5"), "m@11n");
}

TEST(CmnPhonemes, EverySyllableOfEveryToneUsesOnlyCmnPhonemes) {
  for (uint16_t base = 0; base < SyllableBaseCount(); ++base) {
    for (uint8_t tone = 1; tone <= 5; ++tone) {
      std::string phonemes = CmnPhonemesFor(Syllable{base, tone});
      std::string unknown;
      std::vector<std::string> tokens = testing::Tokenize(phonemes, &unknown);
      EXPECT_EQ(unknown, "") << SyllableBase(base) << int(tone) << " -> " << phonemes;
      // A vowel and a tone, at least.
      EXPECT_GE(tokens.size(), 2u) << SyllableBase(base) << int(tone) << " -> " << phonemes;
    }
  }
}

}  // namespace
}  // namespace yimen::voice
