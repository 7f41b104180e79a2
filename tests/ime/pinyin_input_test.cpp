// Pinyin through the real librime and luna_pinyin_simp data (no mocks: the resident
// types through exactly this).
#include "ime/pinyin_input.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace yimen::ime {
namespace {

namespace fs = std::filesystem;

std::unique_ptr<PinyinInput> OpenOrDie(PinyinOptions options = {}) {
  auto input = PinyinInput::Open(std::move(options));
  EXPECT_TRUE(input.ok()) << (input.ok() ? "" : input.error().message);
  return input.ok() ? std::move(*input) : nullptr;
}

void TypeLetters(PinyinInput& input, const std::string& letters) {
  for (char c : letters) ASSERT_TRUE(input.Key(c)) << c;
}

size_t IndexOf(const std::vector<std::string>& v, const std::string& s) {
  return static_cast<size_t>(std::find(v.begin(), v.end(), s) - v.begin());
}

// Every byte of every file below `dir`, concatenated.
std::string ReadTree(const std::string& dir) {
  std::string all;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return all;
}

TEST(PinyinInput, OuyangOffersTheSurnameInSimplifiedCharacters) {
  auto input = OpenOrDie();
  ASSERT_TRUE(input);
  TypeLetters(*input, "ouyang");
  EXPECT_EQ(input->Preedit(), "ou yang");
  const auto& candidates = input->Candidates(10);
  ASSERT_FALSE(candidates.empty());
  size_t at = IndexOf(candidates, "欧阳");
  ASSERT_LT(at, candidates.size()) << "欧阳 not among the first candidates";
  EXPECT_EQ(input->Select(at), "欧阳");
  EXPECT_FALSE(input->Composing());
}

TEST(PinyinInput, GivesSimplifiedNotTraditional) {
  auto input = OpenOrDie();
  ASSERT_TRUE(input);
  TypeLetters(*input, "yinhang");
  const auto& candidates = input->Candidates(5);
  EXPECT_LT(IndexOf(candidates, "银行"), candidates.size());
  EXPECT_EQ(IndexOf(candidates, "銀行"), candidates.size());
}

TEST(PinyinInput, BackspaceEditsTheCompositionAndClearEndsIt) {
  auto input = OpenOrDie();
  ASSERT_TRUE(input);
  TypeLetters(*input, "wangx");
  EXPECT_TRUE(input->Backspace());
  EXPECT_EQ(input->Preedit(), "wang");
  input->Clear();
  EXPECT_FALSE(input->Composing());
  EXPECT_TRUE(input->Candidates().empty());
  EXPECT_FALSE(input->Backspace());
  EXPECT_FALSE(input->Key('A'));
  EXPECT_FALSE(input->Key('1'));
}

TEST(PinyinInput, DropsCandidatesTheCallerCannotShow) {
  PinyinOptions options;
  options.can_show = [](const std::string& text) { return text.find("欧") == std::string::npos; };
  auto input = OpenOrDie(options);
  ASSERT_TRUE(input);
  TypeLetters(*input, "ou");
  const auto& candidates = input->Candidates(30);
  ASSERT_FALSE(candidates.empty());
  for (const std::string& c : candidates) EXPECT_EQ(c.find("欧"), std::string::npos) << c;
  // Selecting by our index picks the right Rime candidate despite the gaps.
  std::string first = candidates[0];
  EXPECT_EQ(input->Select(0), first);
}

TEST(PinyinInput, WipeForgetsWhatTheLastResidentTyped) {
  auto input = OpenOrDie();
  ASSERT_TRUE(input);
  // A rare pairing Rime ranks low at first: picking it teaches the user dictionary.
  TypeLetters(*input, "zhangyan");
  auto before = input->Candidates(60);
  // The lowest-ranked whole phrase (two BMP characters, six bytes of UTF-8).
  size_t rare_at = before.size();
  for (size_t i = 0; i < before.size(); ++i) {
    if (before[i].size() == 6) rare_at = i;
  }
  ASSERT_LT(rare_at, before.size());
  ASSERT_GT(rare_at, 0u);
  std::string rare = before[rare_at];
  EXPECT_EQ(input->Select(rare_at), rare);
  TypeLetters(*input, "zhangyan");
  auto learnt = input->Candidates(60);
  size_t learnt_at = IndexOf(learnt, rare);
  ASSERT_LT(learnt_at, rare_at) << "Rime should have learnt " << rare;

  ASSERT_TRUE(input->WipeUserData().ok());
  EXPECT_FALSE(input->Composing());
  TypeLetters(*input, "zhangyan");
  auto after = input->Candidates(60);
  EXPECT_EQ(after, before) << "the next resident must see the untrained order";
  // Nothing of it is left on disk either.
  input->Clear();
  ASSERT_TRUE(input->WipeUserData().ok());
  EXPECT_FALSE(input->Composing());  // waits for Rime's restart, which writes its files
  EXPECT_EQ(ReadTree(input->UserDir()).find(rare), std::string::npos);
}

TEST(PinyinInput, KeepsItsUserDirectoryPrivateAndRemovesIt) {
  std::string dir;
  {
    auto input = OpenOrDie();
    ASSERT_TRUE(input);
    dir = input->UserDir();
    ASSERT_TRUE(fs::is_directory(dir));
    auto perms = fs::status(dir).permissions();
    EXPECT_EQ(perms & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
  }
  EXPECT_FALSE(fs::exists(dir));
}

std::unique_ptr<PinyinInput> OpenLazilyOrDie() {
  auto input = PinyinInput::OpenLazily({});
  EXPECT_TRUE(input.ok()) << (input.ok() ? "" : input.error().message);
  return input.ok() ? std::move(*input) : nullptr;
}

TEST(PinyinInput, OpenLazilyLeavesRimeForLater) {
  auto input = OpenLazilyOrDie();
  ASSERT_TRUE(input);
  EXPECT_FALSE(input->Running());
  EXPECT_FALSE(input->Loading());
  EXPECT_TRUE(fs::is_directory(input->UserDir()));
  // Nobody preloaded it: the first key starts Rime and is not lost.
  TypeLetters(*input, "ni");
  EXPECT_TRUE(input->Running());
  EXPECT_EQ(input->Preedit(), "ni");
  EXPECT_LT(IndexOf(input->Candidates(10), "你"), 10u);
}

TEST(PinyinInput, KeysTypedWhileRimeLoadsAreNotLost) {
  auto input = OpenLazilyOrDie();
  ASSERT_TRUE(input);
  input->Preload();  // on its own thread; the keys below come at once, mid-load
  TypeLetters(*input, "ouyang");
  EXPECT_FALSE(input->Loading());
  EXPECT_TRUE(input->Running());
  EXPECT_EQ(input->Preedit(), "ou yang");
  const size_t at = IndexOf(input->Candidates(10), "欧阳");
  ASSERT_LT(at, 10u);
  EXPECT_EQ(input->Select(at), "欧阳");
}

TEST(PinyinInput, PreloadedRimeIsReadyAndRestartsAfterAWipe) {
  auto input = OpenLazilyOrDie();
  ASSERT_TRUE(input);
  input->Preload();
  input->Preload();                  // once is enough: a second call changes nothing
  EXPECT_FALSE(input->Composing());  // waits for the load
  EXPECT_TRUE(input->Running());
  TypeLetters(*input, "yinhang");
  ASSERT_TRUE(input->WipeUserData().ok());  // Rime starts again in the background
  EXPECT_FALSE(input->Composing());
  EXPECT_TRUE(input->Running());
  TypeLetters(*input, "yinhang");
  EXPECT_LT(IndexOf(input->Candidates(5), "银行"), 5u);
}

// Issue 18: the keyboard stopped at 32 candidates (eight pages), so 燚 (yi), 䶮 (yan)
// and 昇 (sheng) were never offered. Every candidate is reachable now.
TEST(PinyinInput, RareNameCharactersAreReachableBeyondThirtyTwo) {
  auto input = OpenOrDie();
  ASSERT_TRUE(input);
  struct Case {
    const char* pinyin;
    const char* character;
  };
  for (const Case& c : {Case{"yi", "燚"}, Case{"yan", "䶮"}, Case{"sheng", "昇"}}) {
    input->Clear();
    TypeLetters(*input, c.pinyin);
    // The keyboard asks for one page (and one more) at a time; far enough, it is there.
    const auto& all = input->Candidates(100000);
    const size_t at = IndexOf(all, c.character);
    ASSERT_LT(at, all.size()) << c.character << " is not among " << all.size() << " for "
                              << c.pinyin;
    std::printf("%s: %s is candidate %zu of %zu\n", c.pinyin, c.character, at, all.size());
    EXPECT_EQ(input->Select(at), c.character);
    EXPECT_FALSE(input->Composing());
  }
  // 昇 comes after the whole simplified list (which has 升 first), once.
  TypeLetters(*input, "sheng");
  const auto& sheng = input->Candidates(100000);
  EXPECT_LT(IndexOf(sheng, "升"), IndexOf(sheng, "昇"));
  EXPECT_EQ(std::count(sheng.begin(), sheng.end(), "昇"), 1);
}

// The 生僻字 path: Rime's stroke schema finds what pinyin and handwriting miss.
TEST(PinyinInput, StrokesFindRareNameCharacters) {
  auto input = OpenOrDie();
  ASSERT_TRUE(input);
  ASSERT_TRUE(input->HasStroke()) << "package rime-data-stroke";
  input->SetScheme(Scheme::kStroke);
  EXPECT_FALSE(input->Key('a'));  // only 横竖撇点折
  struct Case {
    const char* strokes;
    const char* character;
  };
  // 燚: 点撇撇点 four times (火); 堃: 点横折撇点横折撇横竖横; 䶮: 横撇折点撇横横撇点.
  for (const Case& c :
       {Case{"nppnnppnnppnnppn", "燚"}, Case{"nhzpnhzphsh", "堃"}, Case{"hpznphhpn", "䶮"}}) {
    input->Clear();
    TypeLetters(*input, c.strokes);
    const auto& candidates = input->Candidates(24);
    const size_t at = IndexOf(candidates, c.character);
    ASSERT_LT(at, candidates.size()) << c.character << " for " << c.strokes;
    EXPECT_EQ(input->Select(at), c.character);
  }
  input->SetScheme(Scheme::kPinyin);
  TypeLetters(*input, "ni");
  EXPECT_LT(IndexOf(input->Candidates(10), "你"), 10u);
}

TEST(PinyinInput, SaysWhatIsMissing) {
  PinyinOptions options;
  options.shared_data_dir = "/nonexistent/rime";
  auto input = PinyinInput::Open(options);
  ASSERT_FALSE(input.ok());
  EXPECT_NE(input.error().message.find("rime-data-luna-pinyin"), std::string::npos);
}

}  // namespace
}  // namespace yimen::ime
