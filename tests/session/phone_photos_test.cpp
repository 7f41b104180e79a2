// Photos from the resident's phone through app/session (session/photos_phone.cpp), with a
// test double for the network side (session/phone.h): the page's states, a tapped photo
// stored through the import checks (downscaled, re-encoded without its Exif), garbage
// refused with the resident's sentence, photos not placed offered to the visit's other
// slots and wiped (every thumbnail freed, the link closed) at the visit's end.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>

#include "common/base64.h"
#include "common/wipe.h"
#include "dibao_visit.h"
#include "media/image.h"
#include "session/phone.h"
#include "session/photos.h"

namespace yimen::session {
namespace {

const FieldAddress kIdCard = FieldAddress::Top("photo_id_card");
const FieldAddress kHukou = FieldAddress::Top("photo_hukou");

// The network side as the session sees it: states set by the test, photos handed over.
class FakePhone : public PhoneLinkPort {
 public:
  void Open(int max_files) override {
    ++opens;
    asked_max = max_files;
    status = PhoneLinkStatus{};
    status.state = PhoneLinkState::kAsking;
  }
  void Close() override {
    ++closes;
    status = PhoneLinkStatus{};
    for (auto& file : pending) Wipe(&file);
    pending.clear();
  }
  PhoneLinkStatus Take(std::vector<std::vector<uint8_t>>* files) override {
    for (auto& file : pending) files->push_back(std::move(file));
    pending.clear();
    return status;
  }
  int64_t NowMs() const override { return now_ms; }

  void OpenLink() {
    status.state = PhoneLinkState::kOpen;
    status.url = "https://example.org/m/abc";
    status.expires_at_ms = now_ms + 600'000;
    status.max_files = 4;
  }

  PhoneLinkStatus status;
  std::vector<std::vector<uint8_t>> pending;
  int opens = 0, closes = 0, asked_max = 0;
  int64_t now_ms = 5'000'000;
};

// A 2400×1800 JPEG with an Exif block that names a place, as a phone's camera writes.
std::vector<uint8_t> PhoneJpeg() {
  media::Pixels image;
  image.width = 2400;
  image.height = 1800;
  image.rgb.resize(size_t{2400} * 1800 * 3);
  for (size_t i = 0; i < image.rgb.size(); ++i) image.rgb[i] = static_cast<uint8_t>(i / 11);
  std::vector<uint8_t> jpeg = *media::EncodeJpeg(image, 85);
  const std::string exif = std::string("Exif\0\0", 6) + "GPS 39.9042N 116.4074E";
  std::vector<uint8_t> app1 = {0xFF, 0xE1, 0, static_cast<uint8_t>(exif.size() + 2)};
  app1.insert(app1.end(), exif.begin(), exif.end());
  jpeg.insert(jpeg.begin() + 2, app1.begin(), app1.end());
  return jpeg;
}

bool Contains(const std::vector<uint8_t>& bytes, const std::string& text) {
  return std::search(bytes.begin(), bytes.end(), text.begin(), text.end()) != bytes.end();
}

class SessionPhone : public FormVisit {
 protected:
  std::unique_ptr<Photos> MakePhotos(Form* form, bool with_phone = true) {
    Photos::Deps deps;
    deps.form = form;
    deps.strings = &m_strings;
    deps.phone = with_phone ? &m_phone : nullptr;
    deps.make_thumb = [this](const media::Pixels& pixels) {
      EXPECT_FALSE(pixels.empty());
      ++m_live;
      return ++m_next;
    };
    deps.free_thumb = [this](uint64_t, int, int) { --m_live; };
    return std::make_unique<Photos>(&m_state, deps);
  }

  // 低保 opened on the step with its three photo slots.
  std::unique_ptr<Form> OpenDibaoPhotos() {
    std::unique_ptr<Form> form = MakeForm(nullptr);
    Do(*form, ev::OpenService{"dibao"});
    Do(*form, ev::StartForm{});
    const auto& steps = form->Service()->form.steps;
    for (size_t i = 0; i < steps.size(); ++i) {
      for (const FieldSpec& field : steps[i].fields) {
        if (field.id == kIdCard.field) Do(*form, ev::EditStep{i});
      }
    }
    return form;
  }

  // The stored JPEG of a slot, decoded from the draft's base64.
  std::vector<uint8_t> StoredJpeg(const FieldAddress& slot) {
    const std::string& ref = m_state.draft.values.at(slot.field);
    Result<std::string> bytes = Base64Decode(m_state.draft.attachments.at(ref));
    EXPECT_TRUE(bytes.ok());
    return std::vector<uint8_t>(bytes->begin(), bytes->end());
  }

  FakePhone m_phone;
  int m_live = 0;
  uint64_t m_next = 0;
};

TEST_F(SessionPhone, ThePageAsksForALinkThenCountsDownItsTenMinutes) {
  std::unique_ptr<Form> form = OpenDibaoPhotos();
  std::unique_ptr<Photos> photos = MakePhotos(form.get());
  EXPECT_TRUE(photos->HasPhone());
  PhotoOutcome out = photos->Apply(photo_event::Phone{kIdCard}, PhotoPage::kForm);
  ASSERT_EQ(out.go, PhotoPage::kPhone);
  EXPECT_EQ(m_phone.opens, 1);
  EXPECT_EQ(m_phone.asked_max, 4);
  EXPECT_EQ(m_state.photos.phone.state, PhoneLinkState::kAsking);

  m_phone.OpenLink();
  EXPECT_TRUE(photos->PhoneTick());
  EXPECT_EQ(m_state.photos.phone.state, PhoneLinkState::kOpen);
  EXPECT_EQ(m_state.photos.phone.url, "https://example.org/m/abc");
  EXPECT_EQ(m_state.photos.phone_seconds_left, 600);
  EXPECT_FALSE(photos->PhoneTick()) << "nothing new: nothing to draw";
  m_phone.now_ms += 1'500;
  EXPECT_TRUE(photos->PhoneTick());
  EXPECT_EQ(m_state.photos.phone_seconds_left, 599);
}

TEST_F(SessionPhone, WithoutAServerThereIsNoPhonePage) {
  std::unique_ptr<Form> form = OpenDibaoPhotos();
  std::unique_ptr<Photos> photos = MakePhotos(form.get(), /*with_phone=*/false);
  EXPECT_FALSE(photos->HasPhone());
  EXPECT_FALSE(photos->Apply(photo_event::Phone{kIdCard}, PhotoPage::kForm).go.has_value());
  EXPECT_EQ(m_phone.opens, 0);
}

TEST_F(SessionPhone, ATappedPhotoIsStoredThroughTheImportChecksAndSpendsTheLink) {
  std::unique_ptr<Form> form = OpenDibaoPhotos();
  std::unique_ptr<Photos> photos = MakePhotos(form.get());
  photos->Apply(photo_event::Phone{kIdCard}, PhotoPage::kForm);
  m_phone.OpenLink();
  const std::vector<uint8_t> sent = PhoneJpeg();
  ASSERT_TRUE(Contains(sent, "GPS 39.9042N"));
  m_phone.pending.push_back(sent);
  m_phone.status.received = 1;
  EXPECT_TRUE(photos->PhoneTick());
  ASSERT_EQ(m_state.photos.phone_files.size(), 1u);
  EXPECT_GT(m_state.photos.phone_files[0].thumb.handle, 0u);
  EXPECT_EQ(m_live, 1);

  PhotoOutcome out = photos->Apply(photo_event::PhonePick{0}, PhotoPage::kPhone);
  EXPECT_EQ(out.go, PhotoPage::kForm);
  EXPECT_EQ(m_phone.closes, 1) << "a filled slot spends the link";
  EXPECT_TRUE(m_state.photos.phone_files.empty());
  const std::vector<uint8_t> stored = StoredJpeg(kIdCard);
  EXPECT_FALSE(Contains(stored, "Exif")) << "re-encoded from pixels: no metadata";
  EXPECT_FALSE(Contains(stored, "GPS"));
  Result<media::Pixels> back = media::DecodeImage(stored, media::PhotoLimits{});
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->width, 1600);
  EXPECT_EQ(back->height, 1200);
  EXPECT_EQ(m_live, 1) << "the tile went; the slot's thumbnail stays";
  photos->Release();
  EXPECT_EQ(m_live, 0);
}

TEST_F(SessionPhone, GarbageFromThePhoneIsRefusedAndTheOtherPhotosStay) {
  std::unique_ptr<Form> form = OpenDibaoPhotos();
  std::unique_ptr<Photos> photos = MakePhotos(form.get());
  photos->Apply(photo_event::Phone{kIdCard}, PhotoPage::kForm);
  m_phone.OpenLink();
  m_phone.pending.push_back({'G', 'I', 'F', '8', '9', 'a', 0, 1, 2, 3});
  m_phone.pending.push_back(PhoneJpeg());
  photos->PhoneTick();
  ASSERT_EQ(m_state.photos.phone_files.size(), 2u);
  EXPECT_EQ(m_state.photos.phone_files[0].thumb.width, 0) << "offered, with no thumbnail";

  PhotoOutcome out = photos->Apply(photo_event::PhonePick{0}, PhotoPage::kPhone);
  EXPECT_FALSE(out.go.has_value()) << "the resident stays on the page";
  EXPECT_EQ(m_state.photos.message, "这张照片打不开，请在手机上换一张");
  EXPECT_TRUE(m_state.draft.attachments.empty());
  EXPECT_TRUE(m_state.draft.values["photo_id_card"].empty());
  ASSERT_EQ(m_state.photos.phone_files.size(), 1u) << "the good one stays";
  EXPECT_GT(m_state.photos.phone_files[0].thumb.width, 0);
  EXPECT_EQ(m_phone.closes, 0) << "the link stays open for another photo";
}

TEST_F(SessionPhone, AFileThatDidNotOpenSaysSo) {
  std::unique_ptr<Form> form = OpenDibaoPhotos();
  std::unique_ptr<Photos> photos = MakePhotos(form.get());
  photos->Apply(photo_event::Phone{kIdCard}, PhotoPage::kForm);
  m_phone.OpenLink();
  m_phone.status.refused = 1;
  EXPECT_TRUE(photos->PhoneTick());
  EXPECT_EQ(m_state.photos.message, "这张照片打不开，请在手机上换一张");
}

TEST_F(SessionPhone, PhotosNotPlacedAreOfferedToAnotherSlotAndWipedAtVisitEnd) {
  std::unique_ptr<Form> form = OpenDibaoPhotos();
  std::unique_ptr<Photos> photos = MakePhotos(form.get());
  photos->Apply(photo_event::Phone{kIdCard}, PhotoPage::kForm);
  m_phone.OpenLink();
  m_phone.pending = {PhoneJpeg(), PhoneJpeg(), PhoneJpeg()};
  photos->PhoneTick();
  photos->Apply(photo_event::PhonePick{1}, PhotoPage::kPhone);  // one into 身份证
  ASSERT_EQ(m_state.photos.phone_files.size(), 2u);
  EXPECT_EQ(m_phone.closes, 1);

  // 户口簿's phone page: a new link, and the two from before are there to tap.
  EXPECT_EQ(photos->Apply(photo_event::Phone{kHukou}, PhotoPage::kForm).go, PhotoPage::kPhone);
  EXPECT_EQ(m_phone.opens, 2);
  ASSERT_EQ(m_state.photos.phone_files.size(), 2u);
  photos->Apply(photo_event::PhonePick{0}, PhotoPage::kPhone);
  EXPECT_FALSE(m_state.draft.values["photo_hukou"].empty());
  ASSERT_EQ(m_state.photos.phone_files.size(), 1u);
  EXPECT_EQ(m_live, 3) << "two slots' thumbnails and one tile";

  // Back on a page, then the visit ends: the link closed, the last photo wiped.
  photos->Apply(photo_event::Phone{FieldAddress::Top("photo_bank_card")}, PhotoPage::kForm);
  photos->Apply(photo_event::Cancel{}, PhotoPage::kPhone);
  EXPECT_EQ(m_phone.closes, 3) << "leaving the page spends its link";
  EXPECT_EQ(m_state.photos.phone_files.size(), 1u) << "kept for the visit";
  photos->Release();
  EXPECT_EQ(m_phone.closes, 4);
  EXPECT_TRUE(m_state.photos.phone_files.empty());
  EXPECT_EQ(m_live, 0);
}

TEST_F(SessionPhone, AnExpiredLinkIsRenewedOnlyOnThePhonePage) {
  std::unique_ptr<Form> form = OpenDibaoPhotos();
  std::unique_ptr<Photos> photos = MakePhotos(form.get());
  photos->Apply(photo_event::Phone{kIdCard}, PhotoPage::kForm);
  m_phone.OpenLink();
  photos->PhoneTick();
  m_phone.status.state = PhoneLinkState::kExpired;
  EXPECT_TRUE(photos->PhoneTick());
  EXPECT_EQ(m_state.photos.phone.state, PhoneLinkState::kExpired);
  EXPECT_EQ(m_state.photos.phone_seconds_left, 0);
  photos->Apply(photo_event::PhoneRenew{}, PhotoPage::kForm);
  EXPECT_EQ(m_phone.opens, 1) << "not from another page";
  photos->Apply(photo_event::PhoneRenew{}, PhotoPage::kPhone);
  EXPECT_EQ(m_phone.opens, 2);
  photos->PhoneTick();
  EXPECT_EQ(m_state.photos.phone.state, PhoneLinkState::kAsking);
}

TEST_F(SessionPhone, TooManyPhotosInAVisitAreNotKept) {
  std::unique_ptr<Form> form = OpenDibaoPhotos();
  std::unique_ptr<Photos> photos = MakePhotos(form.get());
  photos->Apply(photo_event::Phone{kIdCard}, PhotoPage::kForm);
  for (size_t i = 0; i < kMaxPhoneFiles + 3; ++i) m_phone.pending.push_back({'x'});
  photos->PhoneTick();
  EXPECT_EQ(m_state.photos.phone_files.size(), kMaxPhoneFiles);
}

}  // namespace
}  // namespace yimen::session
