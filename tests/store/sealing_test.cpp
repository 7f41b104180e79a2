// Tests for common/sealing.cpp and the sealed submit path in store.cpp: envelopes open
// only with the right key and refuse tampering; photos leave the payload encrypted;
// no plaintext reaches the database file; the retention purge removes ciphertext and
// then stubs at the right moments (injected clock), never before acknowledgement.
#include <gtest/gtest.h>

#include <sodium.h>

#include <chrono>
#include <set>

#include <nlohmann/json.hpp>

#include "common/base64.h"
#include "common/sealing.h"
#include "store_test_support.h"

namespace yimen {
namespace {

using testing::OpenStore;
using testing::OpenTestPayload;
using testing::QueryInt;
using testing::RawConnection;
using testing::ReadFileBytes;
using testing::SampleApplication;
using testing::TempDir;
using testing::TestServerKeys;
using std::chrono::system_clock;

const system_clock::time_point kFarFuture = system_clock::time_point(std::chrono::hours(24 * 365 * 200));

std::string RandomBytes(size_t n) {
  std::string bytes(n, '\0');
  randombytes_buf(bytes.data(), n);
  return bytes;
}

TEST(Sealing, KeyIdIsSixteenHexOfTheKeyAndDiffersBetweenKeys) {
  const std::string a = seal::KeyId(TestServerKeys().public_key);
  EXPECT_EQ(a.size(), 16u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a, seal::KeyId(RandomBytes(32)));
  EXPECT_EQ(seal::KeyId("short"), "");
}

TEST(Sealing, EnvelopeOpensWithItsKeyAndNamesIt) {
  auto text = seal::SealEnvelope("张三明 110101199003071234", TestServerKeys().public_key);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->find("张三明"), std::string::npos);
  auto envelope = seal::ParseEnvelope(*text);
  ASSERT_TRUE(envelope.ok()) << envelope.error().message;
  EXPECT_EQ(envelope->version, 1);
  EXPECT_EQ(envelope->algorithm, seal::kEnvelopeAlgorithm);
  EXPECT_EQ(envelope->key_id, seal::KeyId(TestServerKeys().public_key));
  auto plain = seal::OpenEnvelope(*envelope, TestServerKeys().public_key, TestServerKeys().secret_key);
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  EXPECT_EQ(*plain, "张三明 110101199003071234");
}

TEST(Sealing, RefusesAnAlteredBoxAndAWrongKeyIdWithAReason) {
  auto text = seal::SealEnvelope("payload", TestServerKeys().public_key);
  ASSERT_TRUE(text.ok());
  auto envelope = seal::ParseEnvelope(*text);
  ASSERT_TRUE(envelope.ok());

  seal::Envelope altered = *envelope;
  altered.box[altered.box.size() / 2] ^= 0x01;
  auto opened = seal::OpenEnvelope(altered, TestServerKeys().public_key, TestServerKeys().secret_key);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().kind, ErrorKind::kRejected);
  EXPECT_NE(opened.error().message.find("does not open"), std::string::npos);

  seal::Envelope wrong_id = *envelope;
  wrong_id.key_id = "0000000000000000";
  opened = seal::OpenEnvelope(wrong_id, TestServerKeys().public_key, TestServerKeys().secret_key);
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().message.find("sealed to key 0000000000000000"), std::string::npos);

  for (const char* bad : {"not json", R"({"v":2,"alg":"x25519-xsalsa20poly1305-sealedbox","kid":"0011223344556677","box":"AAAA"})",
                          R"({"v":1,"alg":"rot13","kid":"0011223344556677","box":"AAAA"})",
                          R"({"v":1,"alg":"x25519-xsalsa20poly1305-sealedbox","kid":"xyz","box":"AAAA"})"}) {
    auto parsed = seal::ParseEnvelope(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().kind, ErrorKind::kRejected);
  }
  // Flat and exact: nothing may travel beside the box, nothing nests (not even deep
  // input is built: domain/json_limits.h).
  nlohmann::json extra = nlohmann::json::parse(*text);
  extra["name"] = "张三";
  EXPECT_FALSE(seal::ParseEnvelope(extra.dump()).ok());
  nlohmann::json nested = nlohmann::json::parse(*text);
  nested["v"] = nlohmann::json::array({1});
  EXPECT_FALSE(seal::ParseEnvelope(nested.dump()).ok());
  EXPECT_FALSE(seal::ParseEnvelope(std::string(100000, '[') + std::string(100000, ']')).ok());
  EXPECT_TRUE(seal::ParseEnvelope(*text).ok());
}

TEST(Sealing, AttachmentRoundTripsAcrossChunksAndRefusesTampering) {
  for (size_t size : {size_t{0}, size_t{1}, seal::kAttachmentChunkBytes,
                      seal::kAttachmentChunkBytes * 3 + 17}) {
    const std::string photo = RandomBytes(size);
    seal::EncryptedAttachment encrypted = seal::EncryptAttachment(photo);
    EXPECT_EQ(encrypted.key.size(), 32u);
    EXPECT_EQ(encrypted.sha256_hex.size(), 64u);
    auto back = seal::DecryptAttachment(encrypted.ciphertext, encrypted.key);
    ASSERT_TRUE(back.ok()) << size << ": " << back.error().message;
    EXPECT_EQ(*back, photo);

    std::string flipped = encrypted.ciphertext;
    flipped[flipped.size() - 3] ^= 0x40;
    EXPECT_FALSE(seal::DecryptAttachment(flipped, encrypted.key).ok());
    EXPECT_FALSE(seal::DecryptAttachment(encrypted.ciphertext, RandomBytes(32)).ok());
  }
  // Cut after a whole chunk: every remaining chunk authenticates, but the final tag is
  // missing, which must not pass for a complete photo.
  const std::string photo = RandomBytes(seal::kAttachmentChunkBytes * 2 + 5);
  seal::EncryptedAttachment encrypted = seal::EncryptAttachment(photo);
  const size_t first_chunk_end = seal::kAttachmentMagic.size() +
                                 crypto_secretstream_xchacha20poly1305_HEADERBYTES +
                                 seal::kAttachmentChunkBytes +
                                 crypto_secretstream_xchacha20poly1305_ABYTES;
  auto cut = seal::DecryptAttachment(encrypted.ciphertext.substr(0, first_chunk_end), encrypted.key);
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.error().message.find("cut before its final chunk"), std::string::npos);
}

TEST(SealedSubmit, RefusesToStoreWithoutAKey) {
  TempDir temp;
  Result<std::unique_ptr<Store>> store = Store::Open(temp.DataDir());  // not provisioned
  ASSERT_TRUE(store.ok());
  auto submitted = (*store)->applications().Submit(SampleApplication());
  ASSERT_FALSE(submitted.ok());
  // kNeedsSetup (staff must enrol or provision), not kRejected: nothing is wrong with the
  // application. The message keeps its words for logs; callers match the code.
  EXPECT_EQ(submitted.error().kind, ErrorKind::kNeedsSetup);
  EXPECT_EQ(submitted.error().code, kErrorNoSealingKey);
  EXPECT_EQ(submitted.error().message.rfind("no sealing key", 0), 0u);
  EXPECT_EQ(*(*store)->applications().CountApplications(), 0);
}

TEST(SealedSubmit, RefusesAKeyTheServerRetired) {
  TempDir temp;
  auto store = OpenStore(temp.DataDir());
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->settings()
                  .SetSetting("seal.retired_key_ids",
                              "aaaaaaaaaaaaaaaa\n" + seal::KeyId(TestServerKeys().public_key))
                  .ok());
  auto submitted = store->applications().Submit(SampleApplication());
  ASSERT_FALSE(submitted.ok());
  EXPECT_EQ(submitted.error().kind, ErrorKind::kNeedsSetup);
  EXPECT_EQ(submitted.error().code, kErrorSealingKeyRetired);
  EXPECT_NE(submitted.error().message.find("retired"), std::string::npos);
}

TEST(SealedSubmit, EnrolledKeyWinsOverTheProvisionedOne) {
  TempDir temp;
  auto store = OpenStore(temp.DataDir());
  ASSERT_TRUE(store);
  const std::string enrolled = RandomBytes(32);
  ASSERT_TRUE(store->settings().SetSetting("sync.sealing_public_key", Base64Encode(enrolled)).ok());
  auto key = store->settings().CurrentSealingKey();
  ASSERT_TRUE(key.ok());
  EXPECT_TRUE(key->from_enrollment);
  EXPECT_EQ(key->key_id, seal::KeyId(enrolled));
  ASSERT_TRUE(store->applications().Submit(SampleApplication()).ok());
  auto counts = store->applications().CountSealedByKey();
  ASSERT_TRUE(counts.ok());
  ASSERT_EQ(counts->size(), 1u);
  EXPECT_EQ((*counts)[0], std::make_pair(seal::KeyId(enrolled), int64_t{1}));
}

// A draft with a photo, as KioskApp hands it over (domain/form.h DraftToJson).
NewApplication ApplicationWithPhoto(const std::string& photo) {
  NewApplication application = SampleApplication();
  nlohmann::json draft{
      {"format", 1},
      {"service_code", "dibao"},
      {"catalog_version", "2026.3"},
      {"values", {{"name", "欧阳金凤"}, {"id_number", "11010119900307123X"}}},
      {"groups", nlohmann::json::object()},
      {"attachments", {{"photo:front", Base64Encode(photo)}, {"sig:abc", "1,2\n3,4"}}}};
  application.payload = draft.dump();
  return application;
}

TEST(SealedSubmit, PhotosLeaveThePayloadEncryptedAndTheSealedDraftCarriesTheirKeys) {
  TempDir temp;
  auto store = OpenStore(temp.DataDir());
  ASSERT_TRUE(store);
  const std::string photo = "\xFF\xD8\xFF\xE0" + RandomBytes(200'000) + "\xFF\xD9";
  auto submitted = store->applications().Submit(ApplicationWithPhoto(photo));
  ASSERT_TRUE(submitted.ok()) << submitted.error().message;

  auto due = store->applications().ListDueOutbox(kFarFuture, 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 1u);
  const OutboxItem& item = (*due)[0];
  ASSERT_EQ(item.attachments.size(), 1u);
  EXPECT_EQ(item.attachments[0].id, "photo:front");
  EXPECT_EQ(item.attachments[0].mime, "image/jpeg");
  EXPECT_GT(item.attachments[0].size, static_cast<int64_t>(photo.size()));

  nlohmann::json draft = nlohmann::json::parse(OpenTestPayload(item.payload));
  EXPECT_EQ(draft["values"]["name"], "欧阳金凤");
  EXPECT_EQ(draft["attachments"]["sig:abc"], "1,2\n3,4");
  const std::string ref = draft["attachments"]["photo:front"];
  const std::string prefix = std::string(seal::kSealedPhotoPrefix) + item.attachments[0].sha256 + ";key=";
  ASSERT_EQ(ref.rfind(prefix, 0), 0u) << ref;

  // Not uploadable before the push is acknowledged; then the ciphertext opens with the key.
  auto uploads = store->attachments().ListPendingUploads(10);
  ASSERT_TRUE(uploads.ok());
  EXPECT_TRUE(uploads->empty());
  ASSERT_TRUE(store->applications()
                  .MarkDelivered(item.uuid, "R-1", "2026-11-23T03:00:00Z", system_clock::now())
                  .ok());
  uploads = store->attachments().ListPendingUploads(10);
  ASSERT_TRUE(uploads.ok());
  ASSERT_EQ(uploads->size(), 1u);
  auto key = Base64Decode(ref.substr(prefix.size()));
  ASSERT_TRUE(key.ok());
  auto opened = seal::DecryptAttachment((*uploads)[0].ciphertext, *key);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(*opened, photo);
  EXPECT_EQ(store->applications().OutboxHealth()->uploads_pending, 1);
  ASSERT_TRUE(
      store->attachments().MarkUploaded(item.uuid, "photo:front", system_clock::now()).ok());
  EXPECT_EQ(store->applications().OutboxHealth()->uploads_pending, 0);
  EXPECT_EQ(
      store->attachments().MarkUploaded(item.uuid, "photo:none", system_clock::now()).error().kind,
      ErrorKind::kNotFound);
}

TEST(SealedSubmit, RefusesAPhotoThatIsNotBase64AndStoresNothing) {
  TempDir temp;
  auto store = OpenStore(temp.DataDir());
  ASSERT_TRUE(store);
  NewApplication application = ApplicationWithPhoto("x");
  nlohmann::json draft = nlohmann::json::parse(application.payload);
  draft["attachments"]["photo:front"] = "***not base64***";
  application.payload = draft.dump();
  auto submitted = store->applications().Submit(application);
  ASSERT_FALSE(submitted.ok());
  EXPECT_EQ(submitted.error().kind, ErrorKind::kInvalidArgument);
  EXPECT_EQ(*store->applications().CountApplications(), 0);
}

TEST(SealedSubmit, NoPlaintextReachesTheDatabaseFiles) {
  TempDir temp;
  {
    auto store = OpenStore(temp.DataDir());
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->applications().Submit(ApplicationWithPhoto("CANARYPHOTOBYTES-7d1f")).ok());
    ASSERT_TRUE(store->applications().Submit(ApplicationWithPhoto("CANARYPHOTOBYTES-7d1f")).ok());
  }
  for (const auto& entry : std::filesystem::directory_iterator(temp.DataDir())) {
    const std::string bytes = ReadFileBytes(entry.path().string());
    for (const char* canary : {"欧阳金凤", "11010119900307123X", "CANARYPHOTOBYTES", "13800000000"}) {
      EXPECT_EQ(bytes.find(canary), std::string::npos) << canary << " in " << entry.path();
    }
  }
}

// ---- retention (injected clock) ----

constexpr auto kDay = std::chrono::hours(24);

TEST(Retention, PurgesCiphertextAfterThePeriodAndStubsLater) {
  TempDir temp;
  auto store = OpenStore(temp.DataDir());
  ASSERT_TRUE(store);
  const system_clock::time_point t0 = system_clock::time_point(std::chrono::hours(24 * 20000));
  auto photo_app = store->applications().Submit(ApplicationWithPhoto("photo bytes"));
  auto plain_app = store->applications().Submit(SampleApplication());
  auto pending_app = store->applications().Submit(SampleApplication());
  ASSERT_TRUE(photo_app.ok() && plain_app.ok() && pending_app.ok());
  ASSERT_TRUE(store->applications().MarkDelivered(photo_app->uuid, "R-1", "t", t0).ok());
  ASSERT_TRUE(store->applications().MarkDelivered(plain_app->uuid, "R-2", "t", t0).ok());
  const RetentionPolicy policy{7, 180};

  // Day 8: the plain one goes; the photo one waits for its upload; the pending one stays.
  auto report = store->applications().PurgeExpired(t0 + 8 * kDay, policy);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->payloads_purged, 1);
  EXPECT_EQ(report->stubs_deleted, 0);
  ASSERT_TRUE(
      store->attachments().MarkUploaded(photo_app->uuid, "photo:front", t0 + 8 * kDay).ok());
  // Uploaded on day 8: its clock starts then, so day 14 is too early and day 16 is not.
  report = store->applications().PurgeExpired(t0 + 14 * kDay, policy);
  EXPECT_EQ(report->payloads_purged, 0);
  report = store->applications().PurgeExpired(t0 + 16 * kDay, policy);
  EXPECT_EQ(report->payloads_purged, 1);

  sqlite::Connection raw = RawConnection(temp.DatabasePath());
  EXPECT_EQ(QueryInt(raw, "SELECT COUNT(*) FROM attachments"), 0);
  EXPECT_EQ(QueryInt(raw, "SELECT COUNT(*) FROM applications WHERE length(payload) > 0"), 1);
  EXPECT_EQ(QueryInt(raw, "SELECT COUNT(*) FROM applications WHERE payload_format = 'purged'"), 2);
  // The stubs still answer status look-ups.
  auto stub = store->applications().FindByAppNumber(plain_app->app_number);
  ASSERT_TRUE(stub.ok() && stub->has_value());
  EXPECT_EQ((*stub)->sync_state, SyncState::kDelivered);
  EXPECT_TRUE(store->applications().CountSealedByKey()->size() == 1);  // only the pending one

  // Day 181: stubs go, with their outbox rows; the undelivered one is never touched.
  report = store->applications().PurgeExpired(t0 + 181 * kDay, policy);
  EXPECT_EQ(report->stubs_deleted, 2);
  EXPECT_EQ(*store->applications().CountApplications(), 1);
  EXPECT_EQ(*store->applications().CountOutbox(OutboxScope::kPending), 1);
  EXPECT_FALSE(store->applications().FindByAppNumber(plain_app->app_number)->has_value());
  report = store->applications().PurgeExpired(t0 + 10000 * kDay, policy);
  EXPECT_EQ(report->payloads_purged, 0);
  EXPECT_EQ(report->stubs_deleted, 0);
  EXPECT_TRUE(store->applications().FindByAppNumber(pending_app->app_number)->has_value());
  EXPECT_EQ(store->applications().PurgeExpired(t0, RetentionPolicy{-1, 1}).error().kind,
            ErrorKind::kInvalidArgument);
}

TEST(Retention, LeavesNoOldCiphertextInTheFilesAfterThePurge) {
  TempDir temp;
  auto store = OpenStore(temp.DataDir());
  ASSERT_TRUE(store);
  const system_clock::time_point t0 = system_clock::time_point(std::chrono::hours(24 * 20000));
  auto app = store->applications().Submit(ApplicationWithPhoto("photo bytes"));
  ASSERT_TRUE(app.ok());
  auto due = store->applications().ListDueOutbox(kFarFuture, 1);
  ASSERT_TRUE(due.ok() && due->size() == 1);
  const std::string envelope_box = (*due)[0].payload.substr((*due)[0].payload.find("\"box\":\"") + 7, 40);
  ASSERT_TRUE(store->applications().MarkDelivered(app->uuid, "R-1", "t", t0).ok());
  ASSERT_TRUE(store->attachments().MarkUploaded(app->uuid, "photo:front", t0).ok());
  ASSERT_TRUE(store->applications().PurgeExpired(t0 + 8 * kDay, RetentionPolicy{7, 180}).ok());
  for (const auto& entry : std::filesystem::directory_iterator(temp.DataDir())) {
    EXPECT_EQ(ReadFileBytes(entry.path().string()).find(envelope_box), std::string::npos)
        << entry.path();
  }
}

}  // namespace
// ---- resending after a server restore (docs/operations.md "Backup and restore") ----

TEST(Resend, AcknowledgedSinceTheBackupGoBackToTheOutboxWithTheirPhotos) {
  TempDir temp;
  auto store = OpenStore(temp.DataDir());
  ASSERT_TRUE(store);
  const system_clock::time_point t0 = system_clock::time_point(std::chrono::hours(24 * 20000));
  auto old_app = store->applications().Submit(SampleApplication());
  auto purged_app = store->applications().Submit(SampleApplication());
  auto photo_app = store->applications().Submit(ApplicationWithPhoto("photo bytes"));
  auto plain_app = store->applications().Submit(SampleApplication());
  auto pending_app = store->applications().Submit(SampleApplication());
  ASSERT_TRUE(old_app.ok() && purged_app.ok() && photo_app.ok() && plain_app.ok() &&
              pending_app.ok());
  ASSERT_TRUE(store->applications().MarkDelivered(old_app->uuid, "R-0", "t", t0 - 20 * kDay).ok());
  ASSERT_TRUE(
      store->applications().MarkDelivered(purged_app->uuid, "R-1", "t", t0 - 9 * kDay).ok());
  ASSERT_TRUE(
      store->applications().PurgeExpired(t0, {7, 180}).ok());  // purges old_app and purged_app
  ASSERT_TRUE(store->applications().MarkDelivered(photo_app->uuid, "R-2", "t", t0 + kDay).ok());
  ASSERT_TRUE(store->attachments().MarkUploaded(photo_app->uuid, "photo:front", t0 + kDay).ok());
  ASSERT_TRUE(store->applications().MarkDelivered(plain_app->uuid, "R-3", "t", t0 + kDay).ok());

  // The server was restored from a backup taken 10 days before t0.
  auto report = store->applications().ResendAcknowledgedSince(t0 - 10 * kDay);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->requeued, 2) << "photo_app and plain_app";
  EXPECT_EQ(report->photos, 1);
  EXPECT_EQ(report->purged, 1) << "purged_app was acknowledged after the backup but is gone";
  report = store->applications().ResendAcknowledgedSince(t0 - 10 * kDay);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->requeued, 0) << "already back in the outbox: a second run changes nothing";

  auto due = store->applications().ListDueOutbox(system_clock::now() + kDay, 100);
  ASSERT_TRUE(due.ok());
  std::set<std::string> due_uuids;
  for (const auto& item : *due) due_uuids.insert(item.uuid);
  EXPECT_EQ(due_uuids,
            (std::set<std::string>{photo_app->uuid, plain_app->uuid, pending_app->uuid}));
  sqlite::Connection raw = RawConnection(temp.DatabasePath());
  EXPECT_EQ(QueryInt(raw, "SELECT COUNT(*) FROM attachments WHERE uploaded_at_ms IS NULL"), 1);
  EXPECT_EQ(QueryInt(raw, "SELECT COUNT(*) FROM audit WHERE action = 'outbox.resend'"), 2);
  // The server's new answer replaces the old receipt (a lost row gets a new one).
  EXPECT_TRUE(
      store->applications().MarkDelivered(photo_app->uuid, "R-2-again", "t", t0 + 2 * kDay).ok());
}

}  // namespace yimen
