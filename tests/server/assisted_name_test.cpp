// The office path's re-validation of a staff-assisted name (server/sealed_payload.h
// ValidateOpenedPayload, the same domain rules as the kiosk): a malicious kiosk cannot
// make the office accept a Latin name by sending it without the staff mark, nor hide a
// mark on a field that cannot carry one. docs/security.md "A malicious enrolled kiosk".
#include <gtest/gtest.h>

#include <string>

#include "../domain/dibao_draft.h"
#include "domain/catalog.h"
#include "server/sealed_payload.h"

namespace yimen::server {
namespace {

class AssistedOnTheServer : public ::testing::Test {
 protected:
  void SetUp() override {
    auto catalog = LoadCatalog(std::string(YIMEN_TEST_ASSETS_DIR) + "/catalog");
    ASSERT_TRUE(catalog.ok()) << catalog.error().message;
    m_catalog = std::move(catalog).value();
    m_sealed.service_code = "dibao";
    m_sealed.submitted_at = "2026-11-23T02:00:00Z";
  }
  Status Validate(const ApplicationDraft& draft) {
    return ValidateOpenedPayload(m_catalog, m_sealed, DraftToJson(draft));
  }
  Catalog m_catalog;
  SealedApplication m_sealed;
};

TEST_F(AssistedOnTheServer, ALatinNameWithoutTheStaffMarkIsRejected) {
  ApplicationDraft draft = ValidDibaoDraft();
  ASSERT_TRUE(Validate(draft).ok());
  draft.values["name"] = "SMITH JOHN";
  const Status unmarked = Validate(draft);
  ASSERT_FALSE(unmarked.ok());
  EXPECT_EQ(unmarked.error().kind, ErrorKind::kRejected);
  EXPECT_NE(unmarked.error().message.find("name: validation.name.chars"), std::string::npos)
      << unmarked.error().message;
  draft.assisted.push_back({"", -1, "name", "王芳"});
  EXPECT_TRUE(Validate(draft).ok());
}

TEST_F(AssistedOnTheServer, AMarkOnAFieldThatIsNotANameIsRejected) {
  ApplicationDraft draft = ValidDibaoDraft();
  draft.assisted.push_back({"", -1, "address", "王芳"});
  const Status marked = Validate(draft);
  ASSERT_FALSE(marked.ok());
  EXPECT_NE(marked.error().message.find("address: validation.draft.assisted"), std::string::npos)
      << marked.error().message;
  // An emoji stays refused even in a name staff entered.
  draft = ValidDibaoDraft();
  draft.values["name"] = "SMITH \xF0\x9F\x98\x80";
  draft.assisted.push_back({"", -1, "name", "王芳"});
  EXPECT_FALSE(Validate(draft).ok());
}

}  // namespace
}  // namespace yimen::server
