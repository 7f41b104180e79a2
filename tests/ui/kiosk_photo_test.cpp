// Tests app/ui/kiosk_app_photo.cpp without a window: the import screen's intents store
// a photo as the draft's "photo:<hash>" → base64 JPEG, refuse bad files with the
// resident's sentence, and every texture made is freed when the session ends.
#include <gtest/gtest.h>
#include <sodium.h>

#include <chrono>
#include <filesystem>
#include <thread>
#include <fstream>
#include <random>
#include <regex>

#include "domain/catalog.h"
#include "media/camera.h"
#include "media/image.h"
#include "ui/kiosk_app.h"
#include "ui/strings.h"
#include "ui/ui_test_support.h"

namespace yimen::ui {
namespace {

namespace fs = std::filesystem;

media::Pixels Picture(int w, int h, bool noise) {
  media::Pixels p;
  p.width = w;
  p.height = h;
  p.rgb.resize(static_cast<size_t>(w) * h * 3);
  std::mt19937 rng(3);
  for (size_t i = 0; i < p.rgb.size(); ++i) p.rgb[i] = noise ? static_cast<uint8_t>(rng()) : static_cast<uint8_t>(i / 7);
  return p;
}

void Write(const fs::path& path, const std::vector<uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                              static_cast<std::streamsize>(bytes.size()));
}

class KioskPhoto : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    m_dir = fs::temp_directory_path() / ("yimen-photo-test-" + std::to_string(::getpid()));
    fs::remove_all(m_dir);
    fs::create_directories(m_dir);
    Write(m_dir / "a-big.jpg", *media::EncodeJpeg(Picture(2400, 1800, false), 90));
    std::vector<uint8_t> broken = *media::EncodeJpeg(Picture(300, 200, false), 90);
    broken.resize(broken.size() / 2);
    Write(m_dir / "b-broken.jpg", broken);
    Write(m_dir / "c-noise.jpg", *media::EncodeJpeg(Picture(600, 400, true), 95));
    Write(m_dir / "notes.txt", {'h', 'i'});
    ASSERT_TRUE(LoadKioskAssets(&m_catalog, &m_strings));
  }
  void TearDown() override { fs::remove_all(m_dir); }

  // An app on 高龄津贴's photo step, its import folder the test's.
  std::unique_ptr<KioskApp> App(size_t max_jpeg_bytes = media::PhotoLimits{}.max_jpeg_bytes,
                                media::CameraWorker* camera = nullptr) {
    KioskApp::Deps deps;
    deps.camera = camera;
    deps.catalog = &m_catalog;
    deps.strings = &m_strings;
    deps.metrics = ComputeMetrics(4.0f);
    deps.import_dir = m_dir.string();
    deps.photo_limits.max_jpeg_bytes = max_jpeg_bytes;
    // Textures are counters: each made one must be freed.
    deps.make_texture = [this](const media::Pixels& image) {
      EXPECT_FALSE(image.empty());
      ++m_live_textures;
      return reinterpret_cast<ImTextureID>(static_cast<intptr_t>(++m_next_texture));
    };
    deps.free_texture = [this](ImTextureID, int, int) { --m_live_textures; };
    auto app = std::make_unique<KioskApp>(deps);
    app->Apply(session::form_event::OpenService{"gaoling"});
    app->Apply(session::form_event::StartForm{});
    const ServiceSpec* service = m_catalog.FindService("gaoling");
    app->Apply(session::form_event::EditStep{service->form.steps.size() - 1});
    return app;
  }

  fs::path m_dir;
  Catalog m_catalog;
  Strings m_strings;
  int m_live_textures = 0;
  intptr_t m_next_texture = 0;
};

const FieldAddress kSlot = FieldAddress::Top("photo_id_card");

TEST_F(KioskPhoto, ImportStoresABase64JpegUnderAPhotoReference) {
  auto app = App();
  app->Apply(session::photo_event::Import{kSlot});
  ASSERT_EQ(app->CurrentScreen(), Screen::kPhotoImport);
  const PhotoState& photos = app->CurrentSession().photos;
  ASSERT_EQ(photos.imports.size(), 3u);  // the .txt is not offered
  EXPECT_EQ(photos.imports[0].name, "a-big.jpg");
  EXPECT_GT(photos.imports[0].thumb.width, 0);
  EXPECT_EQ(photos.imports[1].thumb.width, 0);  // broken: listed, no thumbnail
  app->Apply(session::photo_event::Pick{0});
  EXPECT_EQ(app->CurrentScreen(), Screen::kForm);
  const ApplicationDraft& draft = app->CurrentSession().draft;
  const std::string ref = draft.values.at("photo_id_card");
  EXPECT_TRUE(std::regex_match(ref, std::regex("photo:[0-9a-f]{32}"))) << ref;
  ASSERT_EQ(draft.attachments.count(ref), 1u);
  const std::string& b64 = draft.attachments.at(ref);
  std::vector<uint8_t> jpeg(b64.size());
  size_t len = 0;
  ASSERT_EQ(sodium_base642bin(jpeg.data(), jpeg.size(), b64.data(), b64.size(), nullptr, &len, nullptr,
                              sodium_base64_VARIANT_ORIGINAL), 0);
  jpeg.resize(len);
  EXPECT_EQ(media::PhotoRef(jpeg), ref);
  Result<media::Pixels> stored = media::DecodeImage(jpeg, media::PhotoLimits{});
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->width, 1600);
  EXPECT_EQ(stored->height, 1200);
  EXPECT_EQ(app->CurrentSession().photos.thumbs.count(kSlot), 1u);
  // The import screen's thumbnails went when it closed; the slot's stays until the end.
  EXPECT_EQ(m_live_textures, 1);
  app->EndSession();
  EXPECT_EQ(m_live_textures, 0);
  EXPECT_TRUE(app->CurrentSession().draft.attachments.empty());
}

TEST_F(KioskPhoto, ABrokenFileSaysSoInChineseAndStoresNothing) {
  auto app = App();
  app->Apply(session::photo_event::Import{kSlot});
  app->Apply(session::photo_event::Pick{1});
  EXPECT_EQ(app->CurrentScreen(), Screen::kPhotoImport);
  EXPECT_EQ(app->CurrentSession().photos.message, "无法读取这张图片，请换一张");
  EXPECT_TRUE(app->CurrentSession().draft.attachments.empty());
  EXPECT_NE(app->SpeechText().find("无法读取这张图片"), std::string::npos);
  app->Apply(session::photo_event::Cancel{});
  EXPECT_EQ(app->CurrentScreen(), Screen::kForm);
  EXPECT_EQ(m_live_textures, 0);
}

TEST_F(KioskPhoto, APhotoTooLargeAfterReencodingIsRefused) {
  auto app = App(20 * 1024);
  app->Apply(session::photo_event::Import{kSlot});
  app->Apply(session::photo_event::Pick{2});
  EXPECT_EQ(app->CurrentSession().photos.message, "照片太大，请换一张");
  EXPECT_TRUE(app->CurrentSession().draft.attachments.empty());
}

TEST_F(KioskPhoto, ReimportReplacesAndDeleteRemovesThePhoto) {
  auto app = App();
  app->Apply(session::photo_event::Import{kSlot});
  app->Apply(session::photo_event::Pick{0});
  const std::string first = app->CurrentSession().draft.values.at("photo_id_card");
  app->Apply(session::photo_event::Import{kSlot});
  app->Apply(session::photo_event::Pick{2});  // the noise picture fits the default limit
  const std::string second = app->CurrentSession().draft.values.at("photo_id_card");
  EXPECT_NE(first, second);
  EXPECT_EQ(app->CurrentSession().draft.attachments.size(), 1u);
  EXPECT_EQ(app->CurrentSession().draft.attachments.count(second), 1u);
  EXPECT_EQ(m_live_textures, 1);
  app->Apply(session::photo_event::Delete{kSlot});
  EXPECT_TRUE(app->CurrentSession().draft.values.at("photo_id_card").empty());
  EXPECT_TRUE(app->CurrentSession().draft.attachments.empty());
  EXPECT_EQ(m_live_textures, 0);
}

TEST_F(KioskPhoto, WithoutACameraTakePhotoDoesNothing) {
  auto app = App();
  app->Apply(session::photo_event::Camera{kSlot});
  EXPECT_EQ(app->CurrentScreen(), Screen::kForm);
}

TEST_F(KioskPhoto, ACameraWithNoPictureSaysSoAndSessionEndStopsIt) {
  media::CameraWorker camera("/dev/video-does-not-exist");
  auto app = App(media::PhotoLimits{}.max_jpeg_bytes, &camera);
  app->Apply(session::photo_event::Camera{kSlot});
  ASSERT_EQ(app->CurrentScreen(), Screen::kPhotoCamera);
  EXPECT_TRUE(camera.Running());
  app->Apply(session::photo_event::Shutter{});
  EXPECT_EQ(app->CurrentScreen(), Screen::kPhotoCamera);
  EXPECT_EQ(app->CurrentSession().photos.message, "相机还没有画面，请稍等一下再拍");
  // Wait (bounded) for the worker's failed open; not a timing assertion.
  for (int i = 0; i < 500 && camera.LastError().empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  app->Tick(1000);
  EXPECT_TRUE(app->CurrentSession().photos.camera_failed);
  EXPECT_NE(app->SpeechText().find("相机现在用不了"), std::string::npos);
  EXPECT_TRUE(app->CurrentSession().draft.attachments.empty());
  app->EndSession();
  EXPECT_FALSE(camera.Running());
  EXPECT_EQ(app->CurrentScreen(), Screen::kHome);
}

TEST_F(KioskPhoto, ARequiredPhotoBlocksNextNamingTheMaterial) {
  // The shipped catalog keeps photos optional; a catalog may require one.
  for (ServiceSpec& service : m_catalog.services) {
    if (service.code != "gaoling") continue;
    for (StepSpec& step : service.form.steps) {
      for (FieldSpec& field : step.fields) {
        if (field.id == "photo_id_card") field.required = true;
      }
    }
  }
  auto app = App();
  app->Apply(session::form_event::ToReview{});
  EXPECT_NE(app->CurrentScreen(), Screen::kReview);
  app->Apply(session::form_event::EditStep{2});
  app->Apply(session::form_event::NextStep{});
  ASSERT_EQ(app->CurrentSession().errors.count(kSlot), 1u);
  EXPECT_EQ(app->CurrentSession().errors.at(kSlot), "请给居民身份证拍照或导入照片。");
  app->Apply(session::photo_event::Import{kSlot});
  app->Apply(session::photo_event::Pick{0});
  EXPECT_EQ(app->CurrentSession().errors.count(kSlot), 0u);
  app->Apply(session::form_event::NextStep{});
  EXPECT_EQ(app->CurrentSession().errors.count(kSlot), 0u);
}

TEST_F(KioskPhoto, OnlyAPhotoFieldOfTheFormTakesAPhoto) {
  auto app = App();
  for (const FieldAddress& key :
       {FieldAddress::Aux("nowhere"), FieldAddress::Question("age"), FieldAddress{},
        FieldAddress::Top("no_such_field"), FieldAddress::Top("pledge_signature")}) {
    app->Apply(session::photo_event::Import{key});
    EXPECT_EQ(app->CurrentScreen(), Screen::kForm) << key.Id();
  }
  EXPECT_FALSE(app->CurrentSession().draft.values.count("no_such_field"));
}

}  // namespace
}  // namespace yimen::ui
