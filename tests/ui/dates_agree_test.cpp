// Issue 17.6, "dates that agree": an 80th birthday (高龄津贴 starts at 80) at 00:30 in
// China (16:30 UTC the day before). The kiosk validates the form and submits through
// KioskApp and the real Store with its clock at that instant; the server opens what the
// Store sealed and re-validates it (server/sealed_payload.h, what yimen-admin show and
// OpenApplication run) from submitted_at as the sync engine sends it. Both accept; at
// the same time a day earlier both refuse. The machine's time zone is set to UTC, as a
// kiosk image without one would be, to show it plays no part.
#include <gtest/gtest.h>
#include <sodium.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>

#include "common/civil_time.h"
#include "common/sealing.h"
#include "domain/catalog.h"
#include "server/sealed_payload.h"
#include "session/delivery.h"
#include "store/store.h"
#include "sync/protocol/signing.h"
#include "ui/kiosk_app.h"
#include "ui/strings.h"
#include "ui/ui_test_support.h"

namespace yimen::ui {
namespace {

namespace fs = std::filesystem;

// 2031-03-14T16:30:00Z = 00:30 on 2031-03-15 in China. Far from the real date, so the
// test fails if either side reads the real clock instead of the submit's instant.
constexpr int64_t kBirthdayHalfPastMidnight = 1931272200;
constexpr int64_t kDay = 24 * 3600;
// Born 1951-03-15: 80 on 2031-03-15, 79 the day before.
const char* const kIdNumber = "442000195103150025";

class DatesAgree : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    const char* tz = std::getenv("TZ");
    m_had_tz = tz != nullptr;
    if (tz) m_saved_tz = tz;
    setenv("TZ", "UTC", 1);
    tzset();
    m_dir = fs::temp_directory_path() / ("yimen-dates-test-" + std::to_string(::getpid()));
    fs::remove_all(m_dir);
    ASSERT_TRUE(LoadKioskAssets(&m_catalog, &m_strings));
    m_keys = protocol::GenerateSealingKeyPair();
    auto store = Store::Open(m_dir.string());
    ASSERT_TRUE(store.ok()) << store.error().message;
    m_store = std::move(store).value();
    ASSERT_TRUE(m_store->settings().ProvisionSealingKey(m_keys.public_key).ok());
  }
  void TearDown() override {
    m_store.reset();
    fs::remove_all(m_dir);
    if (m_had_tz)
      setenv("TZ", m_saved_tz.c_str(), 1);
    else
      unsetenv("TZ");
    tzset();
  }

  // A 高龄津贴 form filled for the woman born 1951-03-15, with the kiosk's wall clock
  // at `unix_seconds`; then 确认 (to the review page) and 确认提交 where it gets there.
  std::unique_ptr<KioskApp> FillAndSubmit(int64_t unix_seconds) {
    KioskApp::Deps deps;
    deps.catalog = &m_catalog;
    deps.strings = &m_strings;
    deps.store = m_store.get();
    deps.metrics = ComputeMetrics(4.0f);
    deps.wall_clock_ms = [unix_seconds] { return unix_seconds * 1000; };
    auto app = std::make_unique<KioskApp>(deps);
    app->Apply(session::form_event::OpenService{"gaoling"});
    app->Apply(session::form_event::StartForm{});
    const std::pair<const char*, const char*> values[] = {
        {"name", "李桂兰"},
        {"id_number", kIdNumber},
        {"phone", "13812345678"},
        {"hukou", "local"},
        {"filled_by", "self"},
        {"town", "沙溪镇"},
        {"community", "沙溪社区"},
        {"address", "沙溪路18号"},
        {"bank_name", "农村商业银行"},
        {"account_number", "6217000012345678"},
        {"pledge_signature", "sig:0123456789abcdef"}};
    for (const auto& [key, value] : values)
      app->Apply(session::form_event::SetValue{FieldAddress::Top(key), value});
    app->Apply(session::form_event::ToReview{});
    app->Apply(session::form_event::SetValue{session::DeliveryField(), "hall"});
    if (app->CurrentScreen() == Screen::kReview) app->Apply(session::form_event::Submit{});
    return app;
  }

  // The application as the sync engine pushes it (engine.cpp: submitted_at is the
  // outbox row's enqueue time in whole seconds) and as the server stores it.
  server::SealedApplication AsTheServerStoresIt() {
    auto due = m_store->applications().ListDueOutbox(
        std::chrono::system_clock::time_point(std::chrono::seconds(4102444800)), 10);
    EXPECT_TRUE(due.ok() && due->size() == 1);
    server::SealedApplication sealed;
    if (!due.ok() || due->empty()) return sealed;
    const OutboxItem& item = (*due)[0];
    sealed.app_number = item.app_number;
    sealed.service_code = item.service_code;
    sealed.payload_format = item.payload_format;
    sealed.payload = item.payload;
    sealed.submitted_at =
        IsoUtc(std::chrono::duration_cast<std::chrono::seconds>(item.enqueued_at.time_since_epoch())
                   .count());
    return sealed;
  }

  // The server's open-and-validate step (OpenApplication minus the database read).
  Status ServerOpensAndValidates(const server::SealedApplication& sealed) {
    const std::vector<server::OpeningKey> keys = {
        {seal::KeyId(m_keys.public_key), m_keys.public_key, m_keys.secret_key}};
    auto payload = server::OpenSealedPayload(sealed, keys);
    if (!payload.ok()) return payload.error();
    return server::ValidateOpenedPayload(m_catalog, sealed, *payload);
  }

  fs::path m_dir;
  Catalog m_catalog;
  Strings m_strings;
  protocol::SealingKeyPair m_keys;
  std::unique_ptr<Store> m_store;
  bool m_had_tz = false;
  std::string m_saved_tz;
};

TEST_F(DatesAgree, EightiethBirthdayAtHalfPastMidnightKioskAndServerBothAccept) {
  auto app = FillAndSubmit(kBirthdayHalfPastMidnight);
  ASSERT_EQ(app->CurrentScreen(), Screen::kReceipt)
      << "the kiosk refused: " << app->CurrentSession().banner
      << (app->CurrentSession().errors.empty() ? "" : app->CurrentSession().errors.begin()->second);
  // The number carries the resident's date, not the UTC one (2031-03-14).
  ASSERT_TRUE(app->CurrentSession().receipt.has_value());
  EXPECT_EQ(app->CurrentSession().receipt->date_text, "2031-03-15");
  EXPECT_NE(app->CurrentSession().receipt->app_number.find("-310315-"), std::string::npos)
      << app->CurrentSession().receipt->app_number;

  const server::SealedApplication sealed = AsTheServerStoresIt();
  EXPECT_EQ(sealed.submitted_at, "2031-03-14T16:30:00Z");
  const Status opened = ServerOpensAndValidates(sealed);
  EXPECT_TRUE(opened.ok()) << opened.error().message;
}

TEST_F(DatesAgree, TheDayBeforeKioskAndServerBothRefuse) {
  auto app = FillAndSubmit(kBirthdayHalfPastMidnight - kDay);
  EXPECT_EQ(app->CurrentScreen(), Screen::kForm);
  ASSERT_EQ(app->CurrentSession().errors.count(FieldAddress::Top("id_number")), 1u);
  EXPECT_NE(app->CurrentSession().errors.at(FieldAddress::Top("id_number")).find("79周岁"),
            std::string::npos)
      << app->CurrentSession().errors.at(FieldAddress::Top("id_number"));
  Result<int64_t> stored = m_store->applications().CountApplications();
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(*stored, 0);

  // The same application, had it been sent at that instant, fails the server's rules.
  auto accepted = FillAndSubmit(kBirthdayHalfPastMidnight);
  ASSERT_EQ(accepted->CurrentScreen(), Screen::kReceipt);
  server::SealedApplication sealed = AsTheServerStoresIt();
  sealed.submitted_at = IsoUtc(kBirthdayHalfPastMidnight - kDay);
  const Status refused = ServerOpensAndValidates(sealed);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("validation.rule.min_age"), std::string::npos)
      << refused.error().message;
}

}  // namespace
}  // namespace yimen::ui
