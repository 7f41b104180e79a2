// Document photos through app/session, no window and no GL: a folder of files offered
// for import (one that does not decode), a pick that stores the re-encoded JPEG under a
// "photo:<hash>" reference, thumbnails as counted handles (every one made is freed),
// deletion, and a made-up address that is not a photo field.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "dibao_visit.h"
#include "media/image.h"
#include "session/photos.h"
#include "store/store_test_support.h"

namespace yimen::session {
namespace {

const FieldAddress kSlot = FieldAddress::Top("photo_id_card");

class SessionPhotos : public FormVisit {
 protected:
  void SetUp() override {
    FormVisit::SetUp();
    media::Pixels image;
    image.width = 400;
    image.height = 300;
    image.rgb.assign(size_t{400} * 300 * 3, 0x80);
    Result<std::vector<uint8_t>> jpeg = media::EncodeForStorage(image, media::PhotoLimits{});
    ASSERT_TRUE(jpeg.ok()) << jpeg.error().message;
    Write("a-card.jpg", std::string(jpeg->begin(), jpeg->end()));
    Write("b-broken.jpg", "not a jpeg");
    Write("notes.txt", "not offered");
  }

  void Write(const std::string& name, const std::string& bytes) {
    std::ofstream(std::filesystem::path(m_temp.path()) / name, std::ios::binary) << bytes;
  }

  std::unique_ptr<Photos> MakePhotos(Form* form) {
    Photos::Deps deps;
    deps.form = form;
    deps.strings = &m_strings;
    deps.import_dir = m_temp.path();
    deps.make_thumb = [this](const media::Pixels& pixels) {
      EXPECT_FALSE(pixels.empty());
      ++m_live;
      return ++m_next;
    };
    deps.free_thumb = [this](uint64_t, int, int) { --m_live; };
    return std::make_unique<Photos>(&m_state, deps);
  }

  // 高龄津贴 opened on its last step (the photo slot's).
  std::unique_ptr<Form> OpenGaoling() {
    std::unique_ptr<Form> form = MakeForm(nullptr);
    Do(*form, ev::OpenService{"gaoling"});
    Do(*form, ev::StartForm{});
    Do(*form, ev::EditStep{form->Service()->form.steps.size() - 1});
    return form;
  }

  testing::TempDir m_temp;
  int m_live = 0;
  uint64_t m_next = 0;
};

TEST_F(SessionPhotos, APickedFileIsStoredAndEveryThumbnailIsFreed) {
  std::unique_ptr<Form> form = OpenGaoling();
  std::unique_ptr<Photos> photos = MakePhotos(form.get());
  EXPECT_TRUE(photos->ImportAvailable());

  PhotoOutcome out = photos->Apply(photo_event::Import{kSlot}, std::nullopt);
  ASSERT_EQ(out.go, PhotoPage::kImport);
  ASSERT_EQ(m_state.photos.imports.size(), 2u) << "the .txt is not offered";
  EXPECT_GT(m_state.photos.imports[0].thumb.handle, 0u);
  EXPECT_EQ(m_state.photos.imports[1].thumb.width, 0) << "listed, with no thumbnail";
  EXPECT_EQ(m_live, 1);

  // Off the import page a pick does nothing; the broken file says why.
  EXPECT_FALSE(photos->Apply(photo_event::Pick{0}, PhotoPage::kForm).go.has_value());
  EXPECT_FALSE(photos->Apply(photo_event::Pick{1}, PhotoPage::kImport).go.has_value());
  EXPECT_EQ(m_state.photos.message, m_strings.Get(Language::kZhCN, "photo.unreadable"));

  out = photos->Apply(photo_event::Pick{0}, PhotoPage::kImport);
  ASSERT_EQ(out.go, PhotoPage::kForm);
  const std::string ref = Form::ValueAt(m_state, kSlot);
  EXPECT_EQ(ref.rfind("photo:", 0), 0u) << ref;
  EXPECT_EQ(m_state.draft.attachments.count(ref), 1u);
  EXPECT_EQ(m_state.photos.thumbs.count(kSlot), 1u);
  EXPECT_TRUE(m_state.photos.imports.empty());
  EXPECT_EQ(m_live, 1) << "the import list's thumbnails went, the slot's stays";

  photos->Apply(photo_event::Delete{kSlot}, PhotoPage::kForm);
  EXPECT_EQ(Form::ValueAt(m_state, kSlot), "");
  EXPECT_TRUE(m_state.draft.attachments.empty());
  EXPECT_EQ(m_live, 0);

  photos->Apply(photo_event::Import{kSlot}, std::nullopt);
  photos->Apply(photo_event::Pick{0}, PhotoPage::kImport);
  photos->Release();
  EXPECT_EQ(m_live, 0) << "the visit's end frees every thumbnail";
}

TEST_F(SessionPhotos, OnlyAPhotoFieldOfTheFormTakesAPhoto) {
  std::unique_ptr<Form> form = OpenGaoling();
  std::unique_ptr<Photos> photos = MakePhotos(form.get());
  EXPECT_FALSE(photos->Apply(photo_event::Import{FieldAddress::Top("name")}, std::nullopt).go);
  EXPECT_FALSE(photos->Apply(photo_event::Import{FieldAddress::Top("nope")}, std::nullopt).go);
  EXPECT_FALSE(photos->Apply(photo_event::Camera{kSlot}, std::nullopt).go) << "no camera";
  EXPECT_EQ(m_live, 0);
}

}  // namespace
}  // namespace yimen::session
