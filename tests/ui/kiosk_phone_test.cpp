// The phone page through KioskApp with the real worker (app/phone/phone_worker.h) behind
// a stand-in server on the Transport seam: 用手机传 opens the page, what the resident
// hears in each state (asking, offline, expired), and the visit's end wiping everything
// of it — the link spent, the one-time secret key freed (PhoneKey::Live), the photos
// received and not placed wiped, every texture freed.
#include <gtest/gtest.h>
#include <sodium.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "common/base64.h"
#include "domain/catalog.h"
#include "media/image.h"
#include "phone/phone_worker.h"
#include "sync/client/phone_box.h"
#include "sync/protocol/messages.h"
#include "ui/kiosk_app.h"
#include "ui/strings.h"
#include "ui/ui_test_support.h"

namespace yimen::ui {
namespace {

const FieldAddress kSlot = FieldAddress::Top("photo_id_card");

// Answers the kiosk's phone-link calls; `state` and `offline` are the test's to set, and
// Upload seals a photo to the key the kiosk sent, as the phone's page does.
class Server : public sync::Transport {
 public:
  Result<sync::HttpResponse> Send(const sync::HttpRequest& request) override {
    std::lock_guard<std::mutex> lock(mutex);
    if (offline) return MakeError(ErrorKind::kUnavailable, "connection refused");
    sync::HttpResponse response;
    response.status = 200;
    if (request.method == "POST") {
      public_key = *Base64Decode(
          protocol::ParseMessage<protocol::PhoneLinkRequest>(request.body)->public_key);
      response.status = 201;
      response.body = protocol::SerializeMessage(protocol::PhoneLink{
          "0a0b0c0d-0000-4000-8000-000000000001", "https://phone.example/m/T", 600, "", 4});
    } else if (request.method == "GET") {
      protocol::PhoneFiles files;
      files.state = state;
      for (size_t i = 0; i < sealed.size(); ++i)
        files.files.push_back({static_cast<int>(i) + 1, sealed[i]});
      files.received = static_cast<int>(sealed.size());
      response.body = protocol::SerializeMessage(files);
    } else {
      ++spent;
      response.status = 204;
    }
    return response;
  }
  void Upload(const std::vector<uint8_t>& plain) {
    std::lock_guard<std::mutex> lock(mutex);
    std::string box(plain.size() + crypto_box_SEALBYTES, '\0');
    crypto_box_seal(reinterpret_cast<uint8_t*>(box.data()), plain.data(), plain.size(),
                    reinterpret_cast<const uint8_t*>(public_key.data()));
    sealed.push_back(Base64Encode(box));
  }
  std::mutex mutex;
  std::string public_key, state = "open";
  std::vector<std::string> sealed;
  bool offline = false;
  int spent = 0;
};

class Forward : public sync::Transport {
 public:
  explicit Forward(Server* to) : m_to(to) {}
  Result<sync::HttpResponse> Send(const sync::HttpRequest& r) override { return m_to->Send(r); }

 private:
  Server* m_to;
};

class KioskPhone : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    ASSERT_TRUE(LoadKioskAssets(&m_catalog, &m_strings));
    m_keys_before = sync::PhoneKey::Live();
    sync::DeviceCredentials credentials;
    credentials.server_urls = {"http://127.0.0.1:1"};
    credentials.secret_key.assign(crypto_sign_SECRETKEYBYTES, '\0');
    std::string pk(crypto_sign_PUBLICKEYBYTES, '\0');
    crypto_sign_keypair(reinterpret_cast<uint8_t*>(pk.data()),
                        reinterpret_cast<uint8_t*>(credentials.secret_key.data()));
    phone::PhoneWorkerOptions options;
    options.poll_interval = std::chrono::milliseconds(20);
    m_worker = std::make_unique<phone::PhoneWorker>(
        [this]() -> std::unique_ptr<sync::Transport> {
          return std::make_unique<Forward>(&m_server);
        },
        credentials, options, nullptr);
    m_worker->Start();
  }
  void TearDown() override { m_worker->Stop(); }

  std::unique_ptr<KioskApp> App() {
    KioskApp::Deps deps;
    deps.catalog = &m_catalog;
    deps.strings = &m_strings;
    deps.metrics = ComputeMetrics(4.0f);
    deps.phone = m_worker.get();
    deps.make_texture = [this](const media::Pixels&) {
      ++m_live_textures;
      return reinterpret_cast<ImTextureID>(static_cast<intptr_t>(++m_next_texture));
    };
    deps.free_texture = [this](ImTextureID, int, int) { --m_live_textures; };
    auto app = std::make_unique<KioskApp>(deps);
    app->Apply(session::form_event::OpenService{"gaoling"});
    app->Apply(session::form_event::StartForm{});
    app->Apply(
        session::form_event::EditStep{m_catalog.FindService("gaoling")->form.steps.size() - 1});
    return app;
  }

  // Ticks the app (as the loop does) until `done` holds, at most 5 s.
  bool TickUntil(KioskApp* app, const std::function<bool()>& done) {
    for (int i = 0; i < 500; ++i) {
      app->Tick(++m_now);
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  bool Says(KioskApp* app, const std::string& text) {
    return app->SpeechText().find(text) != std::string::npos;
  }

  Catalog m_catalog;
  Strings m_strings;
  Server m_server;
  std::unique_ptr<phone::PhoneWorker> m_worker;
  int m_keys_before = 0;
  int m_live_textures = 0;
  intptr_t m_next_texture = 0;
  int64_t m_now = 1000;
};

std::vector<uint8_t> Jpeg() {
  media::Pixels p;
  p.width = 800;
  p.height = 600;
  p.rgb.assign(size_t{800} * 600 * 3, 0x70);
  return *media::EncodeJpeg(p, 85);
}

TEST_F(KioskPhone, ThePageSpeaksItsStatesAndTheVisitsEndWipesTheKeyAndThePhotos) {
  auto app = App();
  app->Apply(session::photo_event::Phone{kSlot});
  ASSERT_EQ(app->CurrentScreen(), Screen::kPhotoPhone);
  EXPECT_TRUE(Says(app.get(), "正在生成二维码"));
  EXPECT_EQ(app->WakeInMs(), 250) << "the countdown and arrivals are drawn without a touch";
  ASSERT_TRUE(TickUntil(app.get(), [&] { return Says(app.get(), "用手机扫这个码"); }));
  EXPECT_TRUE(Says(app.get(), "10 分钟内有效，最多 4 张"));
  EXPECT_EQ(sync::PhoneKey::Live(), m_keys_before + 1);

  m_server.Upload(Jpeg());
  m_server.Upload(Jpeg());
  ASSERT_TRUE(
      TickUntil(app.get(), [&] { return Says(app.get(), "已收到 2 张，点一张放进这一栏"); }));
  EXPECT_EQ(m_live_textures, 2) << "one tile each";
  app->Apply(session::photo_event::PhonePick{0});
  EXPECT_EQ(app->CurrentScreen(), Screen::kForm);
  EXPECT_FALSE(app->CurrentSession().draft.values.at("photo_id_card").empty());
  ASSERT_TRUE(TickUntil(app.get(), [&] { return sync::PhoneKey::Live() == m_keys_before; }))
      << "a filled slot spends the link and its key";

  // The other photo waits for another slot; the visit ends instead.
  EXPECT_EQ(app->CurrentSession().photos.phone_files.size(), 1u);
  app->Apply(session::photo_event::Phone{FieldAddress::Top("photo_hukou")});
  ASSERT_TRUE(TickUntil(app.get(), [&] { return sync::PhoneKey::Live() == m_keys_before + 1; }));
  app->EndSession();
  EXPECT_TRUE(app->CurrentSession().photos.phone_files.empty());
  EXPECT_EQ(m_live_textures, 0);
  EXPECT_TRUE(app->CurrentSession().draft.attachments.empty());
  ASSERT_TRUE(TickUntil(app.get(), [&] { return sync::PhoneKey::Live() == m_keys_before; }))
      << "the visit's end wipes the open link's secret key";
  std::lock_guard<std::mutex> lock(m_server.mutex);
  EXPECT_EQ(m_server.spent, 2);
}

TEST_F(KioskPhone, OfflineAndExpiredAreSaidPlainly) {
  {
    std::lock_guard<std::mutex> lock(m_server.mutex);
    m_server.offline = true;
  }
  auto app = App();
  app->Apply(session::photo_event::Phone{kSlot});
  ASSERT_TRUE(TickUntil(app.get(), [&] {
    return Says(app.get(), "现在连不上网络，不能用手机传照片。请用拍照，或到窗口时带上原件。");
  }));
  {
    std::lock_guard<std::mutex> lock(m_server.mutex);
    m_server.offline = false;
  }
  app->Apply(session::photo_event::PhoneRenew{});  // 再试一次
  ASSERT_TRUE(TickUntil(app.get(), [&] { return Says(app.get(), "用手机扫这个码"); }));
  {
    std::lock_guard<std::mutex> lock(m_server.mutex);
    m_server.state = "expired";
  }
  ASSERT_TRUE(TickUntil(app.get(), [&] { return Says(app.get(), "二维码已过期"); }));
  EXPECT_EQ(app->CurrentSession().photos.phone.state, session::PhoneLinkState::kExpired);
  app->Apply(session::photo_event::Cancel{});
  EXPECT_EQ(app->CurrentScreen(), Screen::kForm);
}

TEST_F(KioskPhone, APhotoArrivingCountsAsTheResidentStillHere) {
  auto app = App();  // the idle countdown starts after 90 s without a touch
  app->Tick(m_now);
  app->NoteActivity(m_now);
  app->Apply(session::photo_event::Phone{kSlot});
  ASSERT_TRUE(TickUntil(app.get(), [&] { return Says(app.get(), "用手机扫这个码"); }));
  m_now = 85'000;  // the resident has been busy on the phone for 84 s
  app->Tick(m_now);
  EXPECT_EQ(app->IdleSecondsLeft(), -1);
  m_server.Upload(Jpeg());
  ASSERT_TRUE(
      TickUntil(app.get(), [&] { return !app->CurrentSession().photos.phone_files.empty(); }));
  app->Tick(m_now + 15'000);  // 99 s after the last touch, 15 s after the photo came
  EXPECT_EQ(app->IdleSecondsLeft(), -1) << "no countdown: the photo was the resident at work";
}

TEST_F(KioskPhone, WithoutAServerTheSlotHasNoPhoneButton) {
  KioskApp::Deps deps;
  deps.catalog = &m_catalog;
  deps.strings = &m_strings;
  deps.metrics = ComputeMetrics(4.0f);
  KioskApp app(deps);
  app.Apply(session::form_event::OpenService{"gaoling"});
  app.Apply(session::form_event::StartForm{});
  app.Apply(session::photo_event::Phone{kSlot});
  EXPECT_NE(app.CurrentScreen(), Screen::kPhotoPhone);
}

}  // namespace
}  // namespace yimen::ui
