// The whole voice path on the kiosk's real strings: every UI string and every catalog
// string reads without an unknown character, and every screen string and service name
// becomes Mandarin phonemes (no language switch: espeak reports back only phonemes of
// our cmn table) and audible speech of plausible length.
#include "voice/voice_engine.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "domain/utf8.h"
#include "voice_test_support.h"

namespace yimen::voice {
namespace {

using testing::SharedEngine;
using testing::SharedReader;
using testing::Tokenize;

const std::string kAssets = YIMEN_TEST_ASSETS_DIR;

bool HasHan(const std::string& text) {
  for (char32_t c : DecodeUtf8(text)) {
    if (IsHan(c)) return true;
  }
  return false;
}

// Every UI string with something to say (separators such as "、" and bare placeholders
// have nothing).
std::vector<std::string> UiStrings() {
  nlohmann::json j =
      nlohmann::json::parse(testing::ReadFileOrEmpty(kAssets + "/strings/ui.zh-CN.json"));
  std::vector<std::string> out;
  for (auto& [key, value] : j.items()) {
    if (value.is_string() && HasHan(value.get<std::string>())) out.push_back(value);
  }
  return out;
}

void CollectZh(const nlohmann::json& j, std::vector<std::string>* out) {
  if (j.is_object()) {
    for (auto& [key, value] : j.items()) {
      if (key == "zh" && value.is_string()) out->push_back(value);
      else CollectZh(value, out);
    }
  } else if (j.is_array()) {
    for (const auto& v : j) CollectZh(v, out);
  }
}

std::vector<std::filesystem::path> ServiceFiles() {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(kAssets + "/catalog/services")) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::string> ServiceNames() {
  std::vector<std::string> out;
  for (const auto& f : ServiceFiles()) {
    nlohmann::json j = nlohmann::json::parse(testing::ReadFileOrEmpty(f));
    out.push_back(j.at("name").at("zh"));
  }
  return out;
}

std::vector<std::string> AllCatalogStrings() {
  std::vector<std::string> out;
  for (const auto& f : ServiceFiles()) {
    CollectZh(nlohmann::json::parse(testing::ReadFileOrEmpty(f)), &out);
  }
  CollectZh(nlohmann::json::parse(testing::ReadFileOrEmpty(kAssets + "/catalog/catalog.json")),
            &out);
  return out;
}

bool InInventory(const std::string& phoneme) {
  const auto& inv = CmnPhonemeInventory();
  return std::binary_search(inv.begin(), inv.end(), phoneme);
}

bool IsToneOrPause(const std::string& p) {
  return p.empty() || p[0] == '_' || (p[0] >= '0' && p[0] <= '9');
}

std::string WithoutTonesAndPauses(const std::vector<std::string>& phonemes) {
  std::string out;
  for (const std::string& p : phonemes) {
    if (!IsToneOrPause(p)) out += p + " ";
  }
  return out;
}

std::string Expected(const std::vector<PhonemePhrase>& phrases) {
  std::vector<std::string> all;
  for (const auto& phrase : phrases) {
    std::string unknown;
    for (std::string& p : Tokenize(phrase.phonemes, &unknown)) all.push_back(std::move(p));
  }
  return WithoutTonesAndPauses(all);
}

struct Spoken {
  Reading reading;
  std::vector<PhonemePhrase> phrases;
  std::vector<std::string> heard;
  Pcm pcm;
  size_t syllables = 0;
  int pause_ms = 0;
};

Spoken Speak(std::string_view text) {
  Spoken s;
  auto phrases = SharedEngine().Prepare(text, &s.reading);
  EXPECT_TRUE(phrases.ok());
  if (!phrases.ok()) return s;
  s.phrases = *phrases;
  Status status = SharedEngine().Synthesize(
      s.phrases,
      [&](const int16_t* samples, size_t count) {
        s.pcm.samples.insert(s.pcm.samples.end(), samples, samples + count);
        return true;
      },
      &s.heard);
  EXPECT_TRUE(status.ok()) << (status.ok() ? "" : status.error().message);
  s.pcm.sample_rate = SharedEngine().sample_rate();
  for (const auto& u : s.reading.units) s.syllables += u.kind == ReadingUnit::Kind::kSyllable;
  for (const auto& p : s.phrases) s.pause_ms += p.pause_ms;
  return s;
}

double Rms(const std::vector<int16_t>& samples) {
  double sum = 0;
  for (int16_t v : samples) sum += double(v) * v;
  return samples.empty() ? 0 : std::sqrt(sum / samples.size());
}

// Asserts what "spoken in Mandarin" means for one text.
void ExpectMandarinSpeech(const std::string& text) {
  SCOPED_TRACE(text);
  Spoken s = Speak(text);
  EXPECT_EQ(s.reading.unknown_han, 0u);
  ASSERT_GT(s.syllables, 0u);
  for (const auto& phrase : s.phrases) {
    std::string unknown;
    Tokenize(phrase.phonemes, &unknown);
    EXPECT_EQ(unknown, "") << phrase.phonemes;
  }
  // What espeak actually said, phoneme by phoneme: nothing from another language, and
  // exactly the phonemes we asked for (tones are not reported; pauses are ours).
  ASSERT_FALSE(s.heard.empty());
  for (const std::string& p : s.heard) EXPECT_TRUE(InInventory(p)) << "espeak said [" << p << "]";
  EXPECT_EQ(WithoutTonesAndPauses(s.heard), Expected(s.phrases));
  // Audible, and about as long as Mandarin at a calm pace: 0.12-0.8 s a syllable.
  double seconds = s.pcm.Seconds() - s.pause_ms / 1000.0;
  EXPECT_GT(Rms(s.pcm.samples), 500.0);
  EXPECT_GE(seconds, 0.12 * s.syllables);
  EXPECT_LE(seconds, 0.8 * s.syllables + 0.3);
}

TEST(VoiceEngine, EveryUiStringReadsWithoutUnknownCharacters) {
  for (const std::string& text : UiStrings()) {
    Reading r = SharedReader().Read(text);
    EXPECT_EQ(r.unknown_han, 0u) << text;
    EXPECT_FALSE(r.units.empty()) << text;
  }
}

TEST(VoiceEngine, EveryCatalogStringReadsWithoutUnknownCharacters) {
  std::vector<std::string> strings = AllCatalogStrings();
  ASSERT_GT(strings.size(), 10u);
  for (const std::string& text : strings) {
    Reading r = SharedReader().Read(text);
    EXPECT_EQ(r.unknown_han, 0u) << text << " -> " << PinyinText(r);
    for (const auto& phrase : ToPhonemePhrases(r)) {
      std::string unknown;
      Tokenize(phrase.phonemes, &unknown);
      EXPECT_EQ(unknown, "") << text;
    }
  }
}

TEST(VoiceEngine, SpeaksEveryScreenStringInMandarin) {
  for (const std::string& text : UiStrings()) ExpectMandarinSpeech(text);
}

TEST(VoiceEngine, SpeaksEveryServiceNameInMandarin) {
  std::vector<std::string> names = ServiceNames();
  ASSERT_FALSE(names.empty());
  for (const std::string& name : names) ExpectMandarinSpeech(name);
}

TEST(VoiceEngine, SpeaksPolyphonesInMandarin) {
  ExpectMandarinSpeech("银行");
  ExpectMandarinSpeech("重度残疾人");
  ExpectMandarinSpeech("长者饭堂");
  Spoken s = Speak("银行");
  ASSERT_EQ(s.phrases.size(), 1u);
  EXPECT_EQ(s.phrases[0].phonemes, "'i35nX'A35N");
}

TEST(VoiceEngine, PausesBetweenPhrases) {
  Spoken s = Speak("低保，特困。临时救助");
  ASSERT_EQ(s.phrases.size(), 3u);
  EXPECT_GT(s.phrases[0].pause_ms, 0);
  EXPECT_GT(s.phrases[1].pause_ms, s.phrases[0].pause_ms);
  EXPECT_EQ(s.phrases[2].pause_ms, 0);
}

// The check above can fail: what espeak says for its own reading of 最低 (English
// phonemes after the switch) is caught.
TEST(VoiceEngine, InventoryCheckCatchesEspeaksEnglishReading) {
  std::vector<std::string> heard;
  Status st = SharedEngine().Synthesize({PhonemePhrase{"zj,u:55I55f'o@55", 0}},
                                        [](const int16_t*, size_t) { return true; }, &heard);
  ASSERT_TRUE(st.ok());
  bool foreign = false;
  for (const std::string& p : heard) foreign |= !InInventory(p);
  EXPECT_TRUE(foreign);
}

TEST(VoiceEngine, StopsWhenTheSinkSaysSo) {
  auto phrases = SharedEngine().Prepare("请核对您填写的内容，如有错误，请轻触修改回去更正。");
  ASSERT_TRUE(phrases.ok());
  size_t chunks = 0;
  Status st = SharedEngine().Synthesize(*phrases, [&](const int16_t*, size_t) {
    return ++chunks < 2;
  });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().kind, ErrorKind::kUnavailable);
  EXPECT_EQ(chunks, 2u);
}

}  // namespace
}  // namespace yimen::voice

namespace yimen::voice {
namespace {

// 粤语: the text goes to espeak-ng's yue voice, which reads the characters in Cantonese
// (its phoneme events name Cantonese finals: 最 z eoi, 生 s aang, 障 z oeng), and the
// next Mandarin sentence switches back to our cmn phonemes.
TEST(VoiceEngine, SpeaksCantoneseWithEspeaksYueVoice) {
  VoiceEngine& engine = testing::SharedEngine();
  auto phrases = engine.Prepare("最低生活保障，请选择。", nullptr, VoiceLanguage::kCantonese);
  ASSERT_TRUE(phrases.ok());
  ASSERT_EQ(phrases->size(), 2u);
  EXPECT_EQ((*phrases)[0].phonemes, "最低生活保障");
  EXPECT_EQ((*phrases)[0].language, VoiceLanguage::kCantonese);
  std::vector<int16_t> pcm;
  std::vector<std::string> heard;
  auto sink = [&](const int16_t* s, size_t n) {
    pcm.insert(pcm.end(), s, s + n);
    return true;
  };
  ASSERT_TRUE(engine.Synthesize(*phrases, sink, &heard).ok());
  EXPECT_GT(Rms(pcm), 500.0);
  std::string joined;
  for (const std::string& p : heard) joined += p + " ";
  // Cantonese finals the Mandarin inventory does not have: zeoi3 saang1 wut6 zoeng3.
  EXPECT_NE(joined.find("z eoi "), std::string::npos) << joined;
  EXPECT_NE(joined.find("s aang "), std::string::npos) << joined;
  EXPECT_NE(joined.find("w u t "), std::string::npos) << joined;
  EXPECT_NE(joined.find("z oeng "), std::string::npos) << joined;

  std::vector<std::string> mandarin;
  auto cmn = engine.Prepare("最低生活保障");
  ASSERT_TRUE(cmn.ok());
  ASSERT_TRUE(engine.Synthesize(*cmn, sink, &mandarin).ok());
  for (const std::string& p : mandarin) {
    EXPECT_TRUE(IsToneOrPause(p) || InInventory(p)) << "not a cmn phoneme after yue: " << p;
  }
}

}  // namespace
}  // namespace yimen::voice

namespace yimen::voice {
namespace {

TEST(Cantonese, WritesJyutpingAsEspeakYuePhonemes) {
  EXPECT_EQ(JyutpingToEspeak("zung6"), "z'ung6");    // -ng stays with the vowel
  EXPECT_EQ(JyutpingToEspeak("dyun6"), "d'yu6n");    // -n after the tone
  EXPECT_EQ(JyutpingToEspeak("zoek6"), "z'oe6k");
  EXPECT_EQ(JyutpingToEspeak("ngan4"), "N'a4n");     // ng- is N
  EXPECT_EQ(JyutpingToEspeak("gwo2"), "gw'o2");
  EXPECT_EQ(JyutpingToEspeak("ng5"), "'ng5");        // syllabic
  EXPECT_EQ(JyutpingToEspeak("m4"), "'m4");
  EXPECT_FALSE(JyutpingToEspeak("zung").has_value());  // no tone
  EXPECT_FALSE(JyutpingToEspeak("zung7").has_value());
  EXPECT_FALSE(JyutpingToEspeak("[[x").has_value());
}

TEST(Cantonese, ReplacesReviewedWordsAndDropsBrackets) {
  auto readings = CantoneseReadings::Load(YIMEN_VOICE_CANTONESE_TABLE);
  ASSERT_TRUE(readings.ok()) << readings.error().message;
  EXPECT_GE(readings->size(), 5u);
  EXPECT_EQ(readings->Apply("儿子重度残疾"), "儿子[[z'ung6 d'ou6]]残疾");
  EXPECT_EQ(readings->Apply("诊断证明"), "[[c'a2n d'yu6n]]证明");
  EXPECT_EQ(readings->Apply("请[[k'a1]]输入"), "请k'a1输入");  // text cannot inject phonemes
}

// espeak's own yue reading of 重度 is cung4 dou6 ("again"); the reviewed table makes
// the engine say zung6.
TEST(Cantonese, EngineSaysReviewedWordsRight) {
  VoiceEngine& engine = testing::SharedEngine();
  auto phrases = engine.Prepare("儿子重度残疾", nullptr, VoiceLanguage::kCantonese);
  ASSERT_TRUE(phrases.ok());
  std::vector<std::string> heard;
  ASSERT_TRUE(engine.Synthesize(*phrases, [](const int16_t*, size_t) { return true; }, &heard)
                  .ok());
  std::string joined;
  for (const std::string& p : heard) joined += p + " ";
  EXPECT_NE(joined.find("z ung _| d ou"), std::string::npos) << joined;
  EXPECT_EQ(joined.find("c ung"), std::string::npos) << joined;
}

}  // namespace
}  // namespace yimen::voice
