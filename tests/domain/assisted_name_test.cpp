// Staff-assisted names (docs/internals/drafts.md "Staff-assisted names"): a name field staff
// unlocked takes Latin letters as a permit prints them, and only a field the payload marks
// so; the server re-validates the opened payload with this same code.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dibao_draft.h"
#include "domain/form.h"
#include "domain/message_keys.h"

namespace yimen {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr CivilDate kToday{2026, 11, 23};

const Catalog& RealCatalog() {
  static const Catalog catalog = [] {
    Result<Catalog> loaded = LoadCatalog(std::string(YIMEN_TEST_ASSETS_DIR) + "/catalog");
    EXPECT_TRUE(loaded.ok()) << loaded.error().message;
    return loaded.ok() ? std::move(loaded).value() : Catalog{};
  }();
  return catalog;
}

const ServiceSpec& Dibao() {
  static const ServiceSpec empty;
  const ServiceSpec* dibao = RealCatalog().FindService("dibao");
  return dibao != nullptr ? *dibao : empty;
}

std::string Check(std::string_view value, bool assisted) {
  FieldSpec field;
  field.id = "name";
  field.type = FieldType::kChineseName;
  field.required = true;
  FieldContext ctx{kToday, nullptr, ""};
  ctx.assisted = assisted;
  const std::vector<FieldIssue> issues = ValidateField(field, value, ctx);
  return issues.empty() ? "ok" : issues[0].message_key;
}

std::vector<std::string> Keys(const std::vector<FieldIssue>& issues) {
  std::vector<std::string> keys;
  for (const FieldIssue& issue : issues) keys.push_back(issue.message_key);
  return keys;
}

// The whole payload as the server opens it: JSON text back to a draft, then every rule.
std::vector<std::string> ServerCheck(const nlohmann::json& payload) {
  const Result<ApplicationDraft> draft = DraftFromJson(nlohmann::json::parse(payload.dump()));
  if (!draft.ok()) return {draft.error().message};
  return Keys(ValidateDraft(Dibao(), RealCatalog().region, *draft, kToday));
}

TEST(AssistedName, LatinLettersOnlyWhenStaffEnteredTheName) {
  EXPECT_EQ(Check("SMITH JOHN", false), msg::kNameChars);
  EXPECT_EQ(Check("SMITH JOHN", true), "ok");
  EXPECT_EQ(Check("O-NEILL MARY ANN", true), "ok");
  EXPECT_EQ(Check("AHMAT·TURSUN", true), "ok");
  EXPECT_EQ(Check("smith  john", true), "ok");  // folded: upper case, one space
  FieldSpec field;
  field.type = FieldType::kChineseName;
  EXPECT_EQ(NormalizeFieldValue(field, " smith \u3000 john ", true), "SMITH JOHN");
  EXPECT_EQ(NormalizeFieldValue(field, " smith john ", false), "smithjohn");
}

TEST(AssistedName, RefusesEmojiDigitsHanAndLooseSeparators) {
  EXPECT_EQ(Check("SMITH \xF0\x9F\x98\x80", true), msg::kTextUndrawable);
  EXPECT_EQ(Check("SMITH\xE2\x80\x8D"
                  "JOHN",
                  true),
            msg::kTextUndrawable);              // a joiner
  EXPECT_EQ(Check("SMITH\tJOHN", true), "ok");  // a tab is a space, folded
  EXPECT_EQ(Check("SMITH\x01JOHN", true), msg::kNameAssistedChars);
  EXPECT_EQ(Check("SMITH 3", true), msg::kNameAssistedChars);
  EXPECT_EQ(Check("张三", true), msg::kNameAssistedChars);
  EXPECT_EQ(Check("SMITH--JOHN", true), msg::kNameAssistedChars);
  EXPECT_EQ(Check("-SMITH", true), msg::kNameAssistedChars);
  EXPECT_EQ(Check("SMITH·", true), msg::kNameAssistedChars);
  EXPECT_EQ(Check("SMITH_JOHN", true), msg::kNameAssistedChars);
  EXPECT_EQ(Check("\xC3\x89MILE", true), msg::kNameAssistedChars);  // É: not A-Z
}

TEST(AssistedName, TakesTwoToSixtyCharacters) {
  EXPECT_EQ(Check("A", true), msg::kNameAssistedLength);
  EXPECT_EQ(Check("AB", true), "ok");
  EXPECT_EQ(Check(std::string(60, 'A'), true), "ok");
  EXPECT_EQ(Check(std::string(61, 'A'), true), msg::kNameAssistedLength);
}

TEST(AssistedName, TheServerAcceptsALatinNameOnlyWhereThePayloadMarksIt) {
  ApplicationDraft draft = ValidDibaoDraft();
  draft.values["name"] = "SMITH JOHN";
  nlohmann::json payload = DraftToJson(draft);
  EXPECT_FALSE(payload.contains("assisted_fields"));
  // A kiosk that sends a Latin name without the mark is refused.
  EXPECT_THAT(ServerCheck(payload), ElementsAre(msg::kNameChars));
  draft.assisted.push_back({"", -1, "name", "王芳"});
  payload = DraftToJson(draft);
  EXPECT_EQ(payload.at("assisted_fields"),
            nlohmann::json::parse(R"([{"field":"name","staff":"王芳"}])"));
  EXPECT_THAT(ServerCheck(payload), IsEmpty());
  // The mark covers its own field only: a member's Latin name is still refused.
  draft.groups["members"][0]["name"] = "SMITH MARY";
  EXPECT_THAT(ServerCheck(DraftToJson(draft)), ElementsAre(msg::kNameChars));
  draft.assisted.push_back({"members", 0, "name", "王芳"});
  EXPECT_THAT(ServerCheck(DraftToJson(draft)), IsEmpty());
  const Result<ApplicationDraft> back = DraftFromJson(DraftToJson(draft));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, draft);
}

TEST(AssistedName, RefusesMarksThatCouldHideSomething) {
  ApplicationDraft draft = ValidDibaoDraft();
  const auto with_mark = [&](AssistedField mark) {
    ApplicationDraft marked = draft;
    marked.assisted.push_back(std::move(mark));
    return ServerCheck(DraftToJson(marked));
  };
  // On a field that is not a name, a member that does not exist, without staff, twice.
  EXPECT_THAT(with_mark({"", -1, "address", "王芳"}), ElementsAre(msg::kDraftAssisted));
  EXPECT_THAT(with_mark({"members", 5, "name", "王芳"}), ElementsAre(msg::kDraftAssisted));
  draft.values["name"] = "SMITH JOHN";
  EXPECT_THAT(with_mark({"", -1, "name", ""}), ElementsAre(msg::kDraftAssisted));
  draft.assisted.push_back({"", -1, "name", "王芳"});
  EXPECT_THAT(ServerCheck(DraftToJson(draft)), IsEmpty());
  EXPECT_THAT(with_mark({"", -1, "name", "李明"}), ElementsAre(msg::kDraftAssisted));
  // Misshapen marks are refused when read.
  nlohmann::json payload = DraftToJson(draft);
  payload["assisted_fields"][0]["extra"] = 1;
  EXPECT_THAT(ServerCheck(payload)[0], ::testing::HasSubstr("assisted_fields[0].extra"));
  payload = DraftToJson(draft);
  payload["assisted_fields"][0]["group"] = "members";  // without its index
  EXPECT_THAT(ServerCheck(payload)[0], ::testing::HasSubstr("group and index"));
}

}  // namespace
}  // namespace yimen
