// The UI scripts' input counter and their asked-once check (app/ui/script_runner.h;
// docs/ui-scripts.md "Counting input"): how each step counts, the limit step's argument,
// and which facts count as asked on more than one form step.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "ui/script_runner.h"

namespace yimen::ui {
namespace {

InputCount Sum(const std::string& script, const std::vector<std::string>& tapped_ids) {
  auto steps = ParseScript(script);
  EXPECT_TRUE(steps.ok()) << steps.error().message;
  InputCount total;
  size_t next_id = 0;
  for (const ScriptStep& step : *steps) {
    const bool hits = step.op == ScriptStep::Op::kTap || step.op == ScriptStep::Op::kTapContains ||
                      step.op == ScriptStep::Op::kDraw;
    const std::string id = hits && next_id < tapped_ids.size() ? tapped_ids[next_id++] : "";
    const InputCount one = CountStepInput(step, id);
    total.taps += one.taps;
    total.characters += one.characters;
  }
  return total;
}

TEST(ScriptInput, TapsAndCharactersAreCountedAsAResidentMakesThem) {
  // Buttons, choices, fields and the signature pad are taps; keys and typed text are
  // characters; looking (expect, screenshot, swipe) is neither.
  const InputCount count =
      Sum("tap 我要申请\n"
          "tap v:hukou=local\n"
          "tap v:name\n"
          "keys ouyang\n"
          "tap cand:0\n"
          "tap key:4\n"
          "tap key:delete\n"
          "tap key:done\n"
          "type 13812345678\n"
          "type 欧阳燚\n"
          "key backspace\n"
          "draw sigpad ../data/sig.strokes\n"
          "draw pad ../data/handwriting/ji.strokes\n"
          "card place cards/ouyang.card\n"
          "card lift\n"
          "swipe up\n"
          "expect 申请\n"
          "screenshot x\n",
          {"我要申请", "v:hukou=local", "v:name", "key:o", "key:u", "key:y", "key:a", "key:n",
           "key:g", "cand:0", "key:4", "key:delete", "key:done", "sigpad", "pad"});
  // taps: 我要申请, hukou, name field, cand:0, key:done, sigpad, card place = 7
  // characters: ouyang 6, key:4, key:delete, 11 digits, 3 Han, backspace, the pad = 24
  EXPECT_EQ(count, (InputCount{7, 24}));
}

TEST(ScriptInput, TheLimitStepTakesTapsAndCharacters) {
  auto both = ParseInputLimit("taps=120 characters=80");
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(*both, (InputCount{120, 80}));
  auto taps_only = ParseInputLimit("taps=5");
  ASSERT_TRUE(taps_only.ok());
  EXPECT_EQ(*taps_only, (InputCount{5, -1}));
  EXPECT_FALSE(ParseInputLimit("").ok());
  EXPECT_FALSE(ParseInputLimit("clicks=3").ok());
  EXPECT_FALSE(ParseInputLimit("taps=-3").ok());
  EXPECT_FALSE(ParseInputLimit("taps=").ok());
  EXPECT_FALSE(ParseScript("expect_input_at_most taps=x\n").ok());
  auto steps = ParseScript("expect_asked_once\nexpect_input_at_most characters=9\n");
  ASSERT_TRUE(steps.ok()) << steps.error().message;
  EXPECT_EQ((*steps)[0].op, ScriptStep::Op::kExpectAskedOnce);
  EXPECT_EQ((*steps)[1].op, ScriptStep::Op::kExpectInputAtMost);
}

TEST(ScriptInput, AFactShownOnTwoStepsIsAskedTwice) {
  std::map<std::string, std::set<std::string>> asked;
  // The same step drawn again (上一步, 修改 from the review) is still one asking.
  asked["applicant.name"] = {"visit#0 applicant"};
  asked["dibao.reason"] = {"visit#3 dibao_reason"};
  EXPECT_TRUE(AskedMoreThanOnce(asked).empty());
  // Three separate applications ask the applicant three times.
  asked["applicant.name"] = {"dibao#0 applicant", "linshi#0 applicant", "yiliao#0 applicant"};
  asked["bank.account"] = {"dibao#4 bank", "yiliao#3 bank"};
  EXPECT_EQ(AskedMoreThanOnce(asked),
            (std::vector<std::string>{
                "applicant.name (dibao#0 applicant, linshi#0 applicant, yiliao#0 applicant)",
                "bank.account (dibao#4 bank, yiliao#3 bank)"}));
}

}  // namespace
}  // namespace yimen::ui
