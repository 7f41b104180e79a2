// The receipt of a visit of several services (session/visit_receipt.h) and the rules of
// the decision-delivery choice (session/delivery.h), from the real catalog and strings.
#include "session/visit_receipt.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "session/delivery.h"

namespace yimen::session {
namespace {

class VisitReceipt : public ::testing::Test {
 protected:
  void SetUp() override {
    auto catalog = LoadCatalog(std::string(YIMEN_TEST_ASSETS_DIR) + "/catalog");
    ASSERT_TRUE(catalog.ok()) << catalog.error().message;
    m_catalog = std::move(catalog).value();
    auto strings = Strings::Load(std::string(YIMEN_TEST_ASSETS_DIR) + "/strings");
    ASSERT_TRUE(strings.ok()) << strings.error().message;
    m_strings = std::move(strings).value();
  }

  std::vector<const ServiceSpec*> Services(const std::vector<std::string>& codes) const {
    std::vector<const ServiceSpec*> services;
    for (const std::string& code : codes) services.push_back(m_catalog.FindService(code));
    return services;
  }

  static std::vector<std::string> Ids(const std::vector<VisitMaterial>& materials) {
    std::vector<std::string> ids;
    for (const VisitMaterial& m : materials) ids.push_back(m.material->id);
    return ids;
  }

  Receipt ThreeServiceReceipt() const {
    Receipt receipt;
    receipt.visit_number = "K7Q2-261204-V0003-X";
    receipt.app_number = "K7Q2-261204-0011-A";
    receipt.items = {{"K7Q2-261204-0011-A", "dibao"},
                     {"K7Q2-261204-0012-B", "yiliao"},
                     {"K7Q2-261204-0013-C", "linshi"}};
    receipt.date_text = "2026-12-04";
    receipt.decision_delivery = "post";
    return receipt;
  }

  Catalog m_catalog;
  Strings m_strings;
};

TEST_F(VisitReceipt, MaterialsSeveralServicesNeedAreListedOnceAndSignedPapersOnce) {
  const std::vector<const ServiceSpec*> services = Services({"dibao", "yiliao", "linshi"});
  ASSERT_TRUE(std::all_of(services.begin(), services.end(), [](auto* s) { return s != nullptr; }));
  const VisitMaterials m = GroupVisitMaterials(services);
  // 身份证 and 户口簿 all three need, the bank card 低保 and 医疗救助: one set of each.
  EXPECT_EQ(Ids(m.shared), (std::vector<std::string>{"id_card", "hukou", "bank_card"}));
  ASSERT_EQ(m.own.size(), 3u);
  EXPECT_EQ(Ids(m.own[0]), (std::vector<std::string>{"income_proof", "disability_certificate",
                                                     "medical_records", "marriage_certificate"}));
  EXPECT_EQ(Ids(m.own[1]), (std::vector<std::string>{"medical_bills", "insurance_statement",
                                                     "diagnosis", "family_status_proof"}));
  EXPECT_EQ(Ids(m.own[2]), (std::vector<std::string>{"hardship_proof"}));
  // The 承诺书 and 核对授权书 are signed on the kiosk: named once, never to bring.
  std::vector<std::string> signed_ids;
  for (const Material* p : m.signed_here) signed_ids.push_back(p->id);
  EXPECT_EQ(signed_ids, (std::vector<std::string>{"check_authorization", "honesty_pledge"}));
}

TEST_F(VisitReceipt, OneServiceAloneHasNothingShared) {
  const VisitMaterials m = GroupVisitMaterials(Services({"linshi"}));
  EXPECT_TRUE(m.shared.empty());
  ASSERT_EQ(m.own.size(), 1u);
  EXPECT_EQ(Ids(m.own[0]), (std::vector<std::string>{"id_card", "hukou", "hardship_proof"}));
}

TEST_F(VisitReceipt, TheSlipListsEveryNumberTheSharedMaterialsAndTheDelivery) {
  const std::vector<std::string> lines =
      VisitReceiptLines(m_catalog, m_strings, Language::kZhCN, ThreeServiceReceipt());
  auto count = [&](const std::string& text) {
    return std::count_if(lines.begin(), lines.end(),
                         [&](const std::string& l) { return l.find(text) != std::string::npos; });
  };
  EXPECT_EQ(count("受理编号：K7Q2-261204-0011-A"), 1);
  EXPECT_EQ(count("受理编号：K7Q2-261204-0012-B"), 1);
  EXPECT_EQ(count("受理编号：K7Q2-261204-0013-C"), 1);
  EXPECT_EQ(count("审批结果：邮寄到家"), 1);
  EXPECT_EQ(count("都需要带的材料"), 1);
  EXPECT_EQ(count("· 居民身份证"), 1) << "one ID card for three services";
  EXPECT_EQ(count("临时救助还要带："), 1);
  EXPECT_EQ(count("已经在本机签好"), 1);
  EXPECT_EQ(count("· 承诺书"), 0) << "signed here, not brought";
  EXPECT_EQ(count("预计办理时限"), 3);
  EXPECT_EQ(count("受理部门"), 3);
}

TEST_F(VisitReceipt, DeliveryNeedsAChoiceAndTheFieldItUses) {
  const ServiceSpec* dibao = m_catalog.FindService("dibao");
  ASSERT_NE(dibao, nullptr);
  ApplicationDraft draft;
  draft.service_code = "dibao";
  EXPECT_EQ(DeliveryProblem(*dibao, draft), "delivery.required");
  draft.decision_delivery = "post";
  EXPECT_EQ(DeliveryProblem(*dibao, draft), "delivery.post_impossible");
  draft.decision_delivery = "sms";
  EXPECT_EQ(DeliveryProblem(*dibao, draft), "delivery.sms_impossible");
  draft.decision_delivery = "hall";
  EXPECT_EQ(DeliveryProblem(*dibao, draft), "");
  draft.values["address"] = "东明路8号3栋201";
  draft.values["phone"] = "13812345678";
  EXPECT_EQ(DeliveryTarget(*dibao, draft, "post"), "东明路8号3栋201");
  EXPECT_EQ(DeliveryTarget(*dibao, draft, "sms"), "13812345678");
  EXPECT_EQ(DeliveryTarget(*dibao, draft, "hall"), "");
  draft.decision_delivery = "post";
  EXPECT_EQ(DeliveryProblem(*dibao, draft), "");
  draft.decision_delivery = "pigeon";
  EXPECT_EQ(DeliveryProblem(*dibao, draft), "delivery.required");
}

}  // namespace
}  // namespace yimen::session
