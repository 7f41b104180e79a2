// Tests for assets/strings/validation.*.json against app/domain/message_keys.h: both
// languages translate exactly the keys the validators can emit, with the same
// placeholders, and every placeholder is one the validators fill.
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "domain/form.h"
#include "domain/message_keys.h"
#include "domain/utf8.h"

namespace yimen {
namespace {

using nlohmann::json;

json LoadStrings(const std::string& language) {
  std::ifstream in(std::string(YIMEN_TEST_ASSETS_DIR) + "/strings/validation." + language +
                   ".json");
  std::ostringstream text;
  text << in.rdbuf();
  return json::parse(text.str(), nullptr, false);
}

std::set<std::string> KeysOf(const json& strings) {
  std::set<std::string> keys;
  for (auto it = strings.begin(); it != strings.end(); ++it) keys.insert(it.key());
  return keys;
}

std::set<std::string> Placeholders(const std::string& message) {
  static const std::regex kPlaceholder(R"(\{([a-z_]+)\})");
  std::set<std::string> names;
  for (auto it = std::sregex_iterator(message.begin(), message.end(), kPlaceholder);
       it != std::sregex_iterator(); ++it) {
    names.insert((*it)[1].str());
  }
  return names;
}

class ValidationStrings : public ::testing::Test {
 protected:
  json zh = LoadStrings("zh-CN");
  json en = LoadStrings("en");
};

TEST_F(ValidationStrings, AreFlatObjectsOfNonEmptyStrings) {
  for (const json* strings : {&zh, &en}) {
    ASSERT_TRUE(strings->is_object());
    for (auto it = strings->begin(); it != strings->end(); ++it) {
      ASSERT_TRUE(it.value().is_string()) << it.key();
      EXPECT_FALSE(it.value().get<std::string>().empty()) << it.key();
    }
  }
}

TEST_F(ValidationStrings, HaveTheSameKeysInBothLanguages) {
  EXPECT_EQ(KeysOf(zh), KeysOf(en));
}

TEST_F(ValidationStrings, TranslateExactlyTheKeysTheValidatorsEmit) {
  std::set<std::string> emitted;
  for (const std::string_view key : msg::kAllValidationKeys) emitted.insert(std::string(key));
  EXPECT_EQ(emitted.size(), msg::kAllValidationKeys.size()) << "a key is listed twice";
  EXPECT_EQ(KeysOf(zh), emitted);
  EXPECT_EQ(KeysOf(en), emitted);
}

TEST_F(ValidationStrings, UseTheSamePlaceholdersInBothLanguages) {
  for (auto it = zh.begin(); it != zh.end(); ++it) {
    if (!en.contains(it.key())) continue;
    EXPECT_EQ(Placeholders(it.value()), Placeholders(en.at(it.key()))) << it.key();
  }
}

TEST_F(ValidationStrings, SpeakChineseInTheChineseFile) {
  for (auto it = zh.begin(); it != zh.end(); ++it) {
    const std::u32string text = DecodeUtf8(it.value().get<std::string>());
    EXPECT_TRUE(std::any_of(text.begin(), text.end(), IsHan)) << it.key();
  }
}

// Runs validators into every parameterised message and checks that each placeholder in
// its sentence is filled: {field} by the renderer, the rest by the issue's params.
TEST_F(ValidationStrings, HaveEveryPlaceholderFilledByTheIssue) {
  const CivilDate today{2026, 11, 23};
  std::vector<FieldIssue> issues;
  const auto add = [&](FieldSpec field, std::string_view value) {
    field.id = "f";
    field.required = true;
    for (FieldIssue& issue : ValidateField(field, value, {today, nullptr, ""})) {
      issues.push_back(std::move(issue));
    }
  };
  FieldSpec text;
  text.type = FieldType::kText;
  text.max_length = 2;
  add(text, "三个字");
  add(text, "");
  FieldSpec name;
  name.type = FieldType::kChineseName;
  add(name, "张");
  for (const auto& [type, bounds] :
       {std::pair{FieldType::kAmount, std::pair{100, 200}}, {FieldType::kNumber, {1, 2}}}) {
    FieldSpec field;
    field.type = type;
    field.min = bounds.first;
    add(field, "0");
    field.max = bounds.second;
    add(field, "0");
    field.min.reset();
    add(field, "9");
  }
  FieldSpec date;
  date.type = FieldType::kDate;
  date.min_date = DateBound{false, {2000, 1, 1}, 0};
  add(date, "1999-01-01");
  date.max_date = DateBound{true, {}, 0};
  add(date, "1999-01-01");
  date.min_date.reset();
  add(date, "2099-01-01");
  FieldSpec multi;
  multi.type = FieldType::kMultiChoice;
  multi.options = {{"a", {"甲", "A"}}, {"b", {"乙", "B"}}};
  multi.min = 2;
  add(multi, "a");
  multi.min.reset();
  multi.max = 1;
  add(multi, "a,b");
  FieldSpec digits;
  digits.type = FieldType::kDigits;
  digits.min_length = 3;
  digits.max_length = 4;
  add(digits, "1");

  ServiceSpec service;
  service.code = "s";
  StepSpec step;
  step.id = "people";
  step.group = GroupSpec{"members", {"成员", "Member"}, 2, 3, {}, {}};
  service.form.steps.push_back(step);
  ApplicationDraft draft;
  draft.service_code = "s";
  for (FieldIssue& issue : ValidateDraft(service, Region{}, draft, today)) issues.push_back(issue);
  draft.groups["members"].resize(4);
  for (FieldIssue& issue : ValidateDraft(service, Region{}, draft, today)) issues.push_back(issue);

  std::set<std::string> keys_seen;
  for (const FieldIssue& issue : issues) {
    keys_seen.insert(issue.message_key);
    ASSERT_TRUE(zh.contains(issue.message_key)) << issue.message_key;
    for (const std::string& placeholder : Placeholders(zh.at(issue.message_key))) {
      if (placeholder == "field") continue;
      EXPECT_EQ(issue.params.count(placeholder), 1u)
          << issue.message_key << " needs {" << placeholder << "}";
    }
  }
  // The parameterised keys were all exercised.
  for (const char* key : {"validation.text.too_long", "validation.name.length",
                          "validation.amount.min", "validation.amount.max",
                          "validation.amount.range", "validation.number.min",
                          "validation.number.max", "validation.number.range",
                          "validation.digits.length", "validation.group.min",
                          "validation.group.max", "validation.date.min", "validation.date.max",
                          "validation.date.range", "validation.multi_choice.min",
                          "validation.multi_choice.max"}) {
    EXPECT_EQ(keys_seen.count(key), 1u) << key;
  }
}

}  // namespace
}  // namespace yimen
