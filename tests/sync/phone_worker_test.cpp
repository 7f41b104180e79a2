// The kiosk's side of photos from a phone, without a network: the one-time key opens only
// what was sealed to it (tampered boxes and other keys refused), and the worker
// (app/phone/phone_worker.h) against a stand-in server on the Transport seam: link,
// polls, photos opened and handed over, the link spent and the key wiped; offline, no
// phone upload, expiry and a tampered file as states the resident can be told about.
#include <gtest/gtest.h>
#include <sodium.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "common/base64.h"
#include "common/wipe.h"
#include "phone/phone_worker.h"
#include "sync/client/phone_box.h"
#include "sync/protocol/messages.h"
#include "sync/protocol/phone_messages.h"

namespace yimen::phone {
namespace {

using session::PhoneLinkState;
using session::PhoneLinkStatus;

std::string Seal(const std::string& plain, const uint8_t* public_key) {
  std::string sealed(plain.size() + crypto_box_SEALBYTES, '\0');
  crypto_box_seal(reinterpret_cast<uint8_t*>(sealed.data()),
                  reinterpret_cast<const uint8_t*>(plain.data()), plain.size(), public_key);
  return Base64Encode(sealed);
}

std::string PublicKeyOf(const sync::PhoneKey& key) { return *Base64Decode(key.PublicKeyBase64()); }

TEST(PhoneKey, OpensWhatWasSealedToIt) {
  ASSERT_GE(sodium_init(), 0);
  auto key = sync::PhoneKey::Make();
  ASSERT_TRUE(key.ok());
  const std::string pk = PublicKeyOf(**key);
  ASSERT_EQ(pk.size(), 32u);
  auto plain =
      (*key)->Open(Seal("a JPEG's bytes", reinterpret_cast<const uint8_t*>(pk.data())), 1 << 20);
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  EXPECT_EQ(std::string(plain->begin(), plain->end()), "a JPEG's bytes");
}

TEST(PhoneKey, RefusesTamperedCiphertextEveryByteOfIt) {
  auto key = sync::PhoneKey::Make();
  const std::string pk = PublicKeyOf(**key);
  const std::string sealed_b64 =
      Seal(std::string(200, 'j'), reinterpret_cast<const uint8_t*>(pk.data()));
  const std::string sealed = *Base64Decode(sealed_b64);
  for (size_t i = 0; i < sealed.size(); ++i) {
    std::string tampered = sealed;
    tampered[i] = static_cast<char>(tampered[i] ^ 0x01);
    auto opened = (*key)->Open(Base64Encode(tampered), 1 << 20);
    ASSERT_FALSE(opened.ok()) << "byte " << i;
    EXPECT_EQ(opened.error().kind, ErrorKind::kRejected);
  }
  std::string cut = sealed.substr(0, sealed.size() - 1);  // truncated
  EXPECT_FALSE((*key)->Open(Base64Encode(cut), 1 << 20).ok());
}

TEST(PhoneKey, RefusesABoxSealedToAnotherKey) {
  auto mine = sync::PhoneKey::Make();
  auto other = sync::PhoneKey::Make();
  const std::string other_pk = PublicKeyOf(**other);
  auto opened = (*mine)->Open(
      Seal("for the other kiosk", reinterpret_cast<const uint8_t*>(other_pk.data())), 1 << 20);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().kind, ErrorKind::kRejected);
}

TEST(PhoneKey, RefusesNonsenseAndOversizeBeforeOpening) {
  auto key = sync::PhoneKey::Make();
  EXPECT_FALSE((*key)->Open("not base64 !!", 1 << 20).ok());
  EXPECT_FALSE((*key)->Open(Base64Encode(std::string(10, 'x')), 1 << 20).ok()) << "too short";
  const std::string pk = PublicKeyOf(**key);
  const std::string big = Seal(std::string(5000, 'b'), reinterpret_cast<const uint8_t*>(pk.data()));
  auto refused = (*key)->Open(big, 4000);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kInvalidArgument);
}

TEST(PhoneKey, EveryKeyIsCountedUntilItIsWiped) {
  const int before = sync::PhoneKey::Live();
  {
    auto a = sync::PhoneKey::Make();
    auto b = sync::PhoneKey::Make();
    EXPECT_EQ(sync::PhoneKey::Live(), before + 2);
    EXPECT_NE((*a)->PublicKeyBase64(), (*b)->PublicKeyBase64()) << "one key per link";
  }
  EXPECT_EQ(sync::PhoneKey::Live(), before);
}

// The server's phone-link endpoints as the kiosk sees them, and the phone's uploads
// (sealed here to the key the kiosk sent, as the mobile page does).
class FakeServer : public sync::Transport {
 public:
  Result<sync::HttpResponse> Send(const sync::HttpRequest& request) override {
    std::lock_guard<std::mutex> lock(mutex);
    requests.push_back(request.method + " " + request.url.substr(request.url.find("/v1")));
    if (offline) return MakeError(ErrorKind::kUnavailable, "connection refused");
    const std::string path = request.url.substr(request.url.find("/v1"));
    if (request.method == "POST" && path == protocol::kPathPhoneLinks) {
      if (off) return Reply(404, R"({"error":"phone_upload_off","message":"not configured"})");
      auto asked = protocol::ParseMessage<protocol::PhoneLinkRequest>(request.body);
      if (!asked.ok()) return Reply(400, R"({"error":"bad_request","message":""})");
      public_key = *Base64Decode(asked->public_key);
      protocol::PhoneLink link{kLinkId, "https://phone.example/m/TOKEN", expires_in_s, "",
                               asked->max_files};
      return Reply(201, protocol::SerializeMessage(link));
    }
    if (request.method == "GET" &&
        path.rfind(std::string(protocol::kPathPhoneLinks) + "/" + kLinkId, 0) == 0) {
      const int after = std::stoi(path.substr(path.find("after=") + 6));
      protocol::PhoneFiles files;
      files.state = state;
      files.received = static_cast<int>(sealed.size());
      for (size_t i = 0; i < sealed.size(); ++i) {
        if (static_cast<int>(i) + 1 > after)
          files.files.push_back({static_cast<int>(i) + 1, sealed[i]});
      }
      return Reply(200, protocol::SerializeMessage(files));
    }
    if (request.method == "DELETE") {
      spent = true;
      return Reply(204, "");
    }
    return Reply(404, R"({"error":"not_found","message":""})");
  }

  void Upload(const std::string& plain) {
    std::lock_guard<std::mutex> lock(mutex);
    sealed.push_back(Seal(plain, reinterpret_cast<const uint8_t*>(public_key.data())));
  }
  void UploadRaw(const std::string& base64) {
    std::lock_guard<std::mutex> lock(mutex);
    sealed.push_back(base64);
  }
  template <class F>
  void With(F f) {
    std::lock_guard<std::mutex> lock(mutex);
    f();
  }

  static constexpr const char* kLinkId = "6f1c2a3b-0000-4000-8000-00000000abcd";
  std::mutex mutex;
  std::vector<std::string> requests;
  std::string public_key;
  std::vector<std::string> sealed;
  std::string state = "open";
  int64_t expires_in_s = 600;
  bool offline = false, off = false, spent = false;

 private:
  static Result<sync::HttpResponse> Reply(int status, std::string body) {
    sync::HttpResponse response;
    response.status = status;
    response.body = std::move(body);
    return response;
  }
};

class PhoneWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    m_live_before = sync::PhoneKey::Live();
    sync::DeviceCredentials credentials;
    credentials.server_urls = {"http://127.0.0.1:1"};
    credentials.device_id = 7;
    credentials.secret_key.resize(crypto_sign_SECRETKEYBYTES);
    std::string pk(crypto_sign_PUBLICKEYBYTES, '\0');
    crypto_sign_keypair(reinterpret_cast<uint8_t*>(pk.data()),
                        reinterpret_cast<uint8_t*>(credentials.secret_key.data()));
    PhoneWorkerOptions options;
    options.poll_interval = std::chrono::milliseconds(20);
    options.max_backoff = std::chrono::milliseconds(80);
    m_worker = std::make_unique<PhoneWorker>(
        [this]() -> std::unique_ptr<sync::Transport> {
          return std::make_unique<Forward>(&m_server);
        },
        credentials, options, [this] { ++m_wakes; });
    m_worker->Start();
  }
  void TearDown() override {
    m_worker->Stop();
    for (auto& f : m_files) Wipe(&f);
    EXPECT_EQ(sync::PhoneKey::Live(), m_live_before) << "a key outlived the worker";
  }

  // Takes until `done` holds (or 5 s pass); the files taken pile up in m_files.
  PhoneLinkStatus TakeUntil(const std::function<bool(const PhoneLinkStatus&)>& done) {
    PhoneLinkStatus status;
    for (int i = 0; i < 500; ++i) {
      status = m_worker->Take(&m_files);
      if (done(status)) return status;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "state " << static_cast<int>(status.state) << " after 5 s";
    return status;
  }
  bool WaitFor(const std::function<bool()>& done) {
    for (int i = 0; i < 500; ++i) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  // The worker owns its transport: this one forwards to the test's server.
  class Forward : public sync::Transport {
   public:
    explicit Forward(FakeServer* server) : m_to(server) {}
    Result<sync::HttpResponse> Send(const sync::HttpRequest& request) override {
      return m_to->Send(request);
    }

   private:
    FakeServer* m_to;
  };

  FakeServer m_server;
  std::unique_ptr<PhoneWorker> m_worker;
  std::vector<std::vector<uint8_t>> m_files;
  std::atomic<int> m_wakes{0};
  int m_live_before = 0;
};

bool IsOpen(const PhoneLinkStatus& s) { return s.state == PhoneLinkState::kOpen; }

TEST_F(PhoneWorkerTest, OpensALinkBringsThePhotosOpenedAndSpendsItOnClose) {
  m_worker->Open(4);
  EXPECT_EQ(m_worker->Take(&m_files).state, PhoneLinkState::kAsking)
      << "at once, before the network";
  const PhoneLinkStatus open = TakeUntil(IsOpen);
  EXPECT_EQ(open.url, "https://phone.example/m/TOKEN");
  EXPECT_EQ(open.max_files, 4);
  const int64_t left_ms = open.expires_at_ms - m_worker->NowMs();
  EXPECT_GT(left_ms, 590'000);
  EXPECT_LE(left_ms, 600'000);
  EXPECT_EQ(sync::PhoneKey::Live(), m_live_before + 1);

  m_server.Upload("first photo");
  m_server.Upload("second photo");
  TakeUntil([this](const PhoneLinkStatus&) { return m_files.size() >= 2; });
  ASSERT_EQ(m_files.size(), 2u);
  EXPECT_EQ(std::string(m_files[0].begin(), m_files[0].end()), "first photo");
  EXPECT_EQ(std::string(m_files[1].begin(), m_files[1].end()), "second photo");
  EXPECT_GT(m_wakes.load(), 0);
  // The next poll asks only for what is new after the two.
  EXPECT_TRUE(WaitFor([this] {
    bool asked = false;
    m_server.With([&] {
      for (const auto& r : m_server.requests) asked |= r.find("?after=2") != std::string::npos;
    });
    return asked;
  }));

  m_worker->Close();
  EXPECT_EQ(m_worker->Take(&m_files).state, PhoneLinkState::kIdle);
  ASSERT_TRUE(WaitFor([this] { return sync::PhoneKey::Live() == m_live_before; }))
      << "the key is wiped when the resident leaves";
  m_server.With([this] { EXPECT_TRUE(m_server.spent); });
}

TEST_F(PhoneWorkerTest, TamperedAndForeignFilesAreCountedNotHandedOver) {
  m_worker->Open(4);
  TakeUntil(IsOpen);
  std::string theirs(32, '\0'), their_secret(32, '\0');
  crypto_box_keypair(reinterpret_cast<uint8_t*>(theirs.data()),
                     reinterpret_cast<uint8_t*>(their_secret.data()));
  m_server.UploadRaw(
      Seal("sealed to another key", reinterpret_cast<const uint8_t*>(theirs.data())));
  std::string tampered;
  m_server.With([&] {
    tampered = *Base64Decode(
        Seal("tampered", reinterpret_cast<const uint8_t*>(m_server.public_key.data())));
  });
  tampered.back() = static_cast<char>(tampered.back() ^ 0x80);
  m_server.UploadRaw(Base64Encode(tampered));
  m_server.Upload("good");
  const PhoneLinkStatus status =
      TakeUntil([](const PhoneLinkStatus& s) { return s.refused == 2 && s.received == 3; });
  EXPECT_EQ(status.refused, 2);
  ASSERT_EQ(m_files.size(), 1u);
  EXPECT_EQ(std::string(m_files[0].begin(), m_files[0].end()), "good");
}

TEST_F(PhoneWorkerTest, OfflineIsAStateAndNoKeyIsKept) {
  m_server.With([this] { m_server.offline = true; });
  m_worker->Open(4);
  TakeUntil([](const PhoneLinkStatus& s) { return s.state == PhoneLinkState::kOffline; });
  EXPECT_TRUE(WaitFor([this] { return sync::PhoneKey::Live() == m_live_before; }));
}

TEST_F(PhoneWorkerTest, AServerWithoutPhoneUploadSaysSo) {
  m_server.With([this] { m_server.off = true; });
  m_worker->Open(4);
  TakeUntil([](const PhoneLinkStatus& s) { return s.state == PhoneLinkState::kOff; });
}

TEST_F(PhoneWorkerTest, AnExpiredLinkIsSpentAndItsKeyWiped) {
  m_worker->Open(4);
  TakeUntil(IsOpen);
  m_server.With([this] { m_server.state = "expired"; });
  TakeUntil([](const PhoneLinkStatus& s) { return s.state == PhoneLinkState::kExpired; });
  EXPECT_TRUE(WaitFor([this] { return sync::PhoneKey::Live() == m_live_before; }));
  m_server.With([this] { EXPECT_TRUE(m_server.spent); });
}

TEST_F(PhoneWorkerTest, ALinkPastItsTimeIsExpiredEvenWhenTheServerIsGone) {
  m_server.With([this] { m_server.expires_in_s = 0; });
  m_worker->Open(4);
  TakeUntil(IsOpen);
  m_server.With([this] { m_server.offline = true; });
  // Polls fail (retrying), then the grace after the link's time runs out.
  TakeUntil(
      [](const PhoneLinkStatus& s) { return s.retrying || s.state == PhoneLinkState::kExpired; });
}

TEST_F(PhoneWorkerTest, DoneWithAllFilesBringsThemThenSpends) {
  m_worker->Open(2);
  TakeUntil(IsOpen);
  m_server.Upload("one");
  m_server.Upload("two");
  m_server.With([this] { m_server.state = "done"; });
  TakeUntil([](const PhoneLinkStatus& s) { return s.state == PhoneLinkState::kDone; });
  EXPECT_EQ(m_files.size(), 2u);
  EXPECT_TRUE(WaitFor([this] { return sync::PhoneKey::Live() == m_live_before; }));
  m_server.With([this] { EXPECT_TRUE(m_server.spent); });
}

TEST_F(PhoneWorkerTest, FailedPollsBackOffAndRecover) {
  m_worker->Open(4);
  TakeUntil(IsOpen);
  m_server.With([this] { m_server.offline = true; });
  TakeUntil([](const PhoneLinkStatus& s) { return s.retrying; });
  m_server.With([this] { m_server.offline = false; });
  m_server.Upload("after the outage");
  TakeUntil([this](const PhoneLinkStatus& s) { return !s.retrying && !m_files.empty(); });
}

}  // namespace
}  // namespace yimen::phone
