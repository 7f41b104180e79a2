// Attachments upload resumably (issue 3, "Must show"): a 5 MB document photo whose
// upload is interrupted at 20 random byte positions of the file still arrives
// byte-for-byte, and the test reports the bytes sent against the size. Half the
// interruptions cut the TCP stream in the middle of a chunk's body (the server sees a
// short request and stores nothing of it); half lose the reply to a chunk the server
// has just stored. YIMEN_ATTACHMENT_SEED repeats a run.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <random>

#include "common/sealing.h"
#include "server/key_ring.h"
#include "server/server_test_support.h"
#include "sync/client/attachment_upload.h"
#include "sync/protocol/signing.h"

namespace yimen::testing {
namespace {

constexpr int64_t kSize = 5 * 1024 * 1024;
constexpr int kInterruptions = 20;
constexpr const char* kAttachment = "id_card_front";

std::string RandomBytes(size_t size, std::mt19937_64& random) {
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>(random() & 0xFF);
  return bytes;
}

// Sits between the ApiClient and curl. Given sorted file offsets, it interrupts the
// chunk upload that carries each offset, in order: a "cut" writes the request by hand
// on a raw socket up to that byte of the file and resets the connection; a "lost
// reply" sends the chunk normally and throws the answer away. Either way the client
// sees a dead connection (kUnavailable), as on a bad line.
class InterruptingTransport : public sync::Transport {
 public:
  struct Interruption {
    int64_t file_offset = 0;
    bool cut = true;  // false: lose the reply instead
  };

  InterruptingTransport(sync::Transport& inner, int port, std::vector<Interruption> plan)
      : m_inner(inner), m_port(port), m_plan(std::move(plan)) {}

  Result<sync::HttpResponse> Send(const sync::HttpRequest& request) override {
    const size_t at = request.url.find("?offset=");
    if (request.method != "PUT" || at == std::string::npos || m_next >= m_plan.size()) {
      if (request.method == "PUT") bytes_on_wire += static_cast<int64_t>(request.body.size());
      return m_inner.Send(request);
    }
    const int64_t start = std::stoll(request.url.substr(at + 8));
    const int64_t end = start + static_cast<int64_t>(request.body.size());
    const Interruption next = m_plan[m_next];
    if (next.file_offset < start || next.file_offset >= end) {
      bytes_on_wire += static_cast<int64_t>(request.body.size());
      return m_inner.Send(request);
    }
    ++m_next;
    if (!next.cut) {
      bytes_on_wire += static_cast<int64_t>(request.body.size());
      (void)m_inner.Send(request);  // stored on the server; the reply is lost
      return MakeError(ErrorKind::kUnavailable, "test: reply lost after the chunk at " +
                                                    std::to_string(start) + " was sent");
    }
    const int64_t sent = next.file_offset - start;
    SendPartial(request, static_cast<size_t>(sent));
    bytes_on_wire += sent;
    return MakeError(ErrorKind::kUnavailable,
                     "test: connection cut at file byte " + std::to_string(next.file_offset));
  }

  size_t interruptions_done() const { return m_next; }
  int64_t bytes_on_wire = 0;  // chunk body bytes that left the kiosk, cut ones included

 private:
  // Headers as the client would send them, then `body_bytes` of the body, then RST.
  void SendPartial(const sync::HttpRequest& request, size_t body_bytes) {
    const size_t path_at = request.url.find('/', request.url.find("//") + 2);
    std::string head = request.method + " " + request.url.substr(path_at) + " HTTP/1.1\r\n" +
                       "Host: 127.0.0.1\r\nContent-Length: " +
                       std::to_string(request.body.size()) + "\r\n";
    for (const auto& [name, value] : request.headers) head += name + ": " + value + "\r\n";
    head += "\r\n";
    const std::string wire = head + request.body.substr(0, body_bytes);
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(m_port));
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
      size_t done = 0;
      while (done < wire.size()) {
        const ssize_t n = send(fd, wire.data() + done, wire.size() - done, MSG_NOSIGNAL);
        if (n <= 0) break;
        done += static_cast<size_t>(n);
      }
    }
    linger hard{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    close(fd);
  }

  sync::Transport& m_inner;
  int m_port;
  std::vector<Interruption> m_plan;
  size_t m_next = 0;
};

class Attachments : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(PgCluster::Get().ok()) << "no PostgreSQL";
    server = std::make_unique<TestServer>(db.url());
    ASSERT_TRUE(server->ok());
    ASSERT_TRUE(kiosk.Enroll(server->core().pool(), {server->url()}));
  }

  // Pushes one application that declares one attachment; returns its uuid.
  std::string PushWithAttachment(sync::ApiClient& api, const std::string& bytes,
                                 const std::string& sha256) {
    auto submitted = kiosk.store().applications().Submit(SampleSyncApplication(1));
    EXPECT_TRUE(submitted.ok());
    auto active = server::ActiveSealingKey(server->core().pool());
    EXPECT_TRUE(active.ok());
    auto sealed = seal::SealEnvelope(R"({"values":{}})", active.ok() ? active->public_key : "");
    EXPECT_TRUE(sealed.ok());
    protocol::PushItem item{submitted->uuid, submitted->app_number, "dibao", "2026.3",
                            protocol::kPayloadSealedV2, sealed.ok() ? *sealed : "", "",
                            {{kAttachment, static_cast<int64_t>(bytes.size()), sha256,
                              "image/jpeg"}},
                            {},
                            {},
                            0};
    auto response = api.Push({{item}});
    EXPECT_TRUE(response.ok()) << response.error().message;
    EXPECT_EQ(response->results.at(0).outcome, protocol::PushOutcome::kCreated);
    return submitted->uuid;
  }

  TestDatabase db;
  std::unique_ptr<TestServer> server;
  TestKiosk kiosk;
};

TEST_F(Attachments, FiveMegabytesInterruptedTwentyTimesArriveIntact) {
  const char* seed_text = std::getenv("YIMEN_ATTACHMENT_SEED");
  const uint64_t seed = seed_text ? std::strtoull(seed_text, nullptr, 10) : std::random_device()();
  std::mt19937_64 random(seed);
  const std::string bytes = RandomBytes(kSize, random);
  const std::string sha256 = protocol::Sha256Hex(bytes);

  sync::CurlTransport transport(kiosk.options.curl);
  sync::ApiClient api(transport, kiosk.credentials);
  const std::string uuid = PushWithAttachment(api, bytes, sha256);
  EXPECT_EQ(db.Query("SELECT complete FROM applications"), "f")
      << "incomplete until its attachment arrived";

  // 20 distinct random byte positions of the file, each cut or losing its reply.
  std::vector<InterruptingTransport::Interruption> plan;
  while (plan.size() < static_cast<size_t>(kInterruptions)) {
    const int64_t offset = 1 + static_cast<int64_t>(random() % (kSize - 1));
    if (std::none_of(plan.begin(), plan.end(), [&](const auto& p) { return p.file_offset == offset; })) {
      plan.push_back({offset, random() % 2 == 0});
    }
  }
  std::sort(plan.begin(), plan.end(),
            [](const auto& x, const auto& y) { return x.file_offset < y.file_offset; });
  // A chunk whose reply was lost is stored and never sent again, so a later position
  // in the same chunk could not be reached: there, lose the reply only at the last.
  for (size_t i = 0; i + 1 < plan.size(); ++i) {
    const auto chunk = [](int64_t offset) { return offset / sync::kDefaultChunkBytes; };
    if (chunk(plan[i].file_offset) == chunk(plan[i + 1].file_offset)) plan[i].cut = true;
  }
  sync::CurlTransport curl(kiosk.options.curl);
  InterruptingTransport interrupting(curl, server->port(), plan);
  sync::DeviceCredentials direct = kiosk.credentials;
  direct.server_urls = {server->url()};
  sync::ApiClient uploader(interrupting, direct);

  sync::UploadProgress progress;
  int calls = 0;
  Status status = MakeError(ErrorKind::kUnavailable, "not started");
  while (!status.ok() && calls < 200) {
    ++calls;
    status = sync::UploadAttachment(uploader, uuid, kAttachment, bytes, &progress);
    if (!status.ok()) {
      ASSERT_EQ(status.error().kind, ErrorKind::kUnavailable) << status.error().message;
    }
  }
  ASSERT_TRUE(status.ok()) << "gave up after " << calls << " calls";
  EXPECT_TRUE(progress.complete);
  EXPECT_EQ(progress.received, kSize);
  EXPECT_EQ(interrupting.interruptions_done(), static_cast<size_t>(kInterruptions));
  EXPECT_EQ(calls, kInterruptions + 1) << "each interruption costs one call, then it resumes";
  EXPECT_GT(interrupting.bytes_on_wire, kSize);

  std::printf("attachment: %lld bytes, %zu interruptions (seed %llu), %d upload calls, "
              "%d requests; %lld body bytes on the wire = %.2f x the size\n",
              static_cast<long long>(kSize), interrupting.interruptions_done(),
              static_cast<unsigned long long>(seed), calls, progress.requests,
              static_cast<long long>(interrupting.bytes_on_wire),
              static_cast<double>(interrupting.bytes_on_wire) / static_cast<double>(kSize));

  if (std::getenv("YIMEN_SHOW_SERVER_LOG")) {
    for (const std::string& line : server->log()) std::printf("%s\n", line.c_str());
  }
  // The server's copy, reassembled from its chunks, is the very file.
  EXPECT_EQ(db.Query("SELECT encode(sha256(string_agg(data, ''::bytea ORDER BY byte_offset)), "
                     "'hex') FROM attachment_chunks"),
            sha256);
  EXPECT_EQ(db.Query("SELECT sum(length(data)) FROM attachment_chunks"), std::to_string(kSize));
  EXPECT_EQ(db.Query("SELECT complete FROM attachments"), "t");
  EXPECT_EQ(db.Query("SELECT complete FROM applications"), "t");

  // Once complete, another upload call is a cheap no-op.
  sync::UploadProgress again;
  EXPECT_TRUE(sync::UploadAttachment(api, uuid, kAttachment, bytes, &again).ok());
  EXPECT_EQ(again.bytes_sent, 0);
}

TEST_F(Attachments, AFileThatDoesNotMatchItsDeclaredHashIsRefusedNotKept) {
  std::mt19937_64 random(7);
  const std::string bytes = RandomBytes(300 * 1024, random);
  sync::CurlTransport transport(kiosk.options.curl);
  sync::ApiClient api(transport, kiosk.credentials);
  // Declared with the hash of other bytes: the server must not call it complete.
  const std::string uuid = PushWithAttachment(api, bytes, protocol::Sha256Hex("other bytes"));
  sync::UploadProgress progress;
  Status status = sync::UploadAttachment(api, uuid, kAttachment, bytes, &progress);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::kDataLoss) << status.error().message;
  EXPECT_EQ(db.Query("SELECT complete FROM attachments"), "f");
  EXPECT_EQ(db.Query("SELECT received FROM attachments"), "0");
  EXPECT_EQ(db.Count("SELECT count(*) FROM attachment_chunks"), 0);
}

}  // namespace
}  // namespace yimen::testing
