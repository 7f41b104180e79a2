// Document photos in the form (issue 4 item 5): the camera and import screens' intents,
// the live preview, and storing a photo as the draft's "photo:<hash>" → base64 JPEG.
// Photos are personal data: they live only in memory (no temp files), every buffer is
// wiped after use, and the textures are zeroed and deleted at session end.
#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "common/base64.h"
#include "common/wipe.h"
#include "media/camera.h"
#include "media/image.h"
#include "ui/kiosk_app.h"

namespace yimen::ui {
namespace {

constexpr size_t kMaxImportFiles = 12;  // a USB stick folder, not a photo library
constexpr int kThumbSide = 360;         // px, longer side of a slot's thumbnail
constexpr int kImportThumbSide = 240;

bool IsImageName(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".jpg" || ext == ".jpeg" || ext == ".png";
}

// The image files directly in `dir`, sorted by name, at most kMaxImportFiles.
std::vector<std::filesystem::path> ImportCandidates(const std::string& dir) {
  std::vector<std::filesystem::path> files;
  if (dir.empty()) return files;
  // error_code overloads throughout: a USB stick pulled out mid-listing is no crash.
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (it->is_regular_file(type_ec) && IsImageName(it->path())) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  if (files.size() > kMaxImportFiles) files.resize(kMaxImportFiles);
  return files;
}

// The whole file, or an error when it cannot be read or exceeds `limit` bytes.
Result<std::vector<uint8_t>> ReadFileBytes(const std::filesystem::path& path, size_t limit) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return media::PhotoError(media::PhotoProblem::kUnreadable, ec.message());
  if (size > limit) {
    return media::PhotoError(media::PhotoProblem::kTooLarge,
                             "file of " + std::to_string(size) + " bytes");
  }
  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  if (!in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()))) {
    media::Wipe(&bytes);
    return media::PhotoError(media::PhotoProblem::kUnreadable, "read failed");
  }
  return bytes;
}

}  // namespace

bool KioskApp::ApplyPhotoIntent(const Intent& intent) {
  PhotoState& photos = m_session.photos;
  // Only a photo field of the current form takes a photo (a stale or made-up key must
  // not put a picture into a text field).
  auto is_photo_field = [this](const FieldAddress& key) {
    const FieldSpec* field = FieldAt(key);
    return field && field->type == FieldType::kPhoto && m_form.Slot(key);
  };
  switch (intent.kind) {
    case Intent::Kind::kPhotoCamera:
      if (!m_deps.camera || !is_photo_field(intent.field)) return true;
      photos.target = intent.field;
      photos.message.clear();
      photos.preview_seq = 0;
      m_deps.camera->Start();  // opens the device on its own thread
      m_session.focus = {};
      m_screen = Screen::kPhotoCamera;
      m_frame.ResetScroll();
      return true;
    case Intent::Kind::kPhotoImport: {
      if (!is_photo_field(intent.field)) return true;
      photos.target = intent.field;
      photos.message.clear();
      CloseImports();
      for (const auto& path : ImportCandidates(m_deps.import_dir)) {
        ImportFile file;
        file.path = path.string();
        file.name = path.filename().string();
        // A thumbnail from a cheap decode (JPEG at 1/2..1/8 scale); a file that does not
        // decode is still listed, and picking it says why it cannot be used.
        if (Result<std::vector<uint8_t>> bytes = ReadFileBytes(path, m_deps.photo_limits.max_file_bytes); bytes.ok()) {
          if (Result<media::Pixels> image = media::DecodeImage(*bytes, m_deps.photo_limits, kImportThumbSide);
              image.ok()) {
            file.thumb = MakeThumb(*image, kImportThumbSide);
            media::Wipe(&image.value());
          }
          media::Wipe(&bytes.value());
        }
        photos.imports.push_back(std::move(file));
      }
      m_session.focus = {};
      m_screen = Screen::kPhotoImport;
      m_frame.ResetScroll();
      return true;
    }
    case Intent::Kind::kPhotoShutter: {
      if (!m_deps.camera || m_screen != Screen::kPhotoCamera) return true;
      Result<media::Pixels> still = m_deps.camera->TakeStill();
      if (!still.ok()) {
        photos.message = View().Tr("photo.no_frame");
        return true;
      }
      Result<std::vector<uint8_t>> jpeg = media::EncodeForStorage(*still, m_deps.photo_limits);
      media::Wipe(&still.value());
      if (!jpeg.ok()) {
        ShowPhotoProblem(jpeg.error());
        return true;
      }
      StorePhoto(std::move(jpeg).value());
      m_deps.camera->Stop();
      FreeThumb(&photos.preview);
      m_screen = Screen::kForm;
      m_frame.ResetScroll();
      return true;
    }
    case Intent::Kind::kPhotoPick: {
      if (m_screen != Screen::kPhotoImport || intent.index < 0 ||
          static_cast<size_t>(intent.index) >= photos.imports.size()) {
        return true;
      }
      const std::string path = photos.imports[static_cast<size_t>(intent.index)].path;
      Result<std::vector<uint8_t>> bytes = ReadFileBytes(path, m_deps.photo_limits.max_file_bytes);
      if (!bytes.ok()) {
        ShowPhotoProblem(bytes.error());
        return true;
      }
      Result<std::vector<uint8_t>> jpeg = media::PrepareImportedPhoto(*bytes, m_deps.photo_limits);
      media::Wipe(&bytes.value());
      if (!jpeg.ok()) {
        ShowPhotoProblem(jpeg.error());
        return true;
      }
      StorePhoto(std::move(jpeg).value());
      CloseImports();
      m_screen = Screen::kForm;
      m_frame.ResetScroll();
      return true;
    }
    case Intent::Kind::kPhotoDelete: {
      if (!is_photo_field(intent.field)) return true;
      std::string* slot = m_form.Slot(intent.field);
      if (auto it = m_session.draft.attachments.find(*slot); it != m_session.draft.attachments.end()) {
        Wipe(&it->second);
        m_session.draft.attachments.erase(it);
      }
      Wipe(slot);
      if (auto it = photos.thumbs.find(intent.field); it != photos.thumbs.end()) {
        FreeThumb(&it->second);
        photos.thumbs.erase(it);
      }
      m_session.errors.erase(intent.field);
      return true;
    }
    case Intent::Kind::kPhotoCancel:
      if (m_deps.camera) m_deps.camera->Stop();
      FreeThumb(&photos.preview);
      CloseImports();
      photos.message.clear();
      m_screen = Screen::kForm;
      m_frame.ResetScroll();
      return true;
    default:
      return false;
  }
}

void KioskApp::StorePhoto(std::vector<uint8_t> jpeg) {
  PhotoState& photos = m_session.photos;
  std::string* slot = m_form.Slot(photos.target);
  if (!slot) {
    media::Wipe(&jpeg);
    return;
  }
  const std::string ref = media::PhotoRef(jpeg);
  // The thumbnail shows what is stored (decoded back at a reduced DCT scale).
  PhotoThumb thumb;
  if (Result<media::Pixels> back = media::DecodeImage(jpeg, m_deps.photo_limits, kThumbSide); back.ok()) {
    thumb = MakeThumb(*back, kThumbSide);
    media::Wipe(&back.value());
  }
  if (!slot->empty() && *slot != ref) {  // 重拍: the old photo goes
    if (auto it = m_session.draft.attachments.find(*slot); it != m_session.draft.attachments.end()) {
      Wipe(&it->second);
      m_session.draft.attachments.erase(it);
    }
  }
  std::string& stored = m_session.draft.attachments[ref];
  Wipe(&stored);
  stored = Base64Encode(jpeg);
  std::fprintf(stderr, "photo: stored %zu bytes for %s\n", jpeg.size(), photos.target.Id().c_str());
  media::Wipe(&jpeg);
  Wipe(slot);
  *slot = ref;
  m_session.errors.erase(photos.target);
  PhotoThumb& old = photos.thumbs[photos.target];
  FreeThumb(&old);
  old = thumb;
  photos.message.clear();
}

void KioskApp::ShowPhotoProblem(const Error& error) {
  // The log says what failed (no picture data); the resident reads a plain sentence.
  std::fprintf(stderr, "photo: refused: %s\n", error.message.c_str());
  m_session.photos.message = View().Tr(media::PhotoProblemOf(error) == media::PhotoProblem::kTooLarge
                                           ? "photo.too_large"
                                           : "photo.unreadable");
}

PhotoThumb KioskApp::MakeThumb(const media::Pixels& image, int max_side) {
  media::Pixels small = media::Downscale(image, max_side);
  PhotoThumb thumb;
  thumb.width = small.width;
  thumb.height = small.height;
  if (m_deps.make_texture) thumb.texture = m_deps.make_texture(small);
  media::Wipe(&small);
  return thumb;
}

void KioskApp::FreeThumb(PhotoThumb* thumb) {
  if (thumb->texture && m_deps.free_texture) m_deps.free_texture(thumb->texture, thumb->width, thumb->height);
  *thumb = PhotoThumb{};
}

void KioskApp::CloseImports() {
  for (ImportFile& file : m_session.photos.imports) FreeThumb(&file.thumb);
  m_session.photos.imports.clear();
}

void KioskApp::ReleasePhotos() {
  PhotoState& photos = m_session.photos;
  if (m_deps.camera) m_deps.camera->Stop();
  FreeThumb(&photos.preview);
  CloseImports();
  for (auto& [key, thumb] : photos.thumbs) FreeThumb(&thumb);
  photos = PhotoState{};
}

void KioskApp::PhotoTick() {
  if (m_screen != Screen::kPhotoCamera || !m_deps.camera) return;
  PhotoState& photos = m_session.photos;
  media::Pixels frame;
  if (m_deps.camera->TakePreview(&photos.preview_seq, &frame)) {
    FreeThumb(&photos.preview);
    photos.preview = MakeThumb(frame, 0);
    media::Wipe(&frame);
    m_dirty = true;
  }
  // No picture and an error: say the camera cannot be used (until a frame comes).
  const bool failed = !photos.preview.width && !m_deps.camera->LastError().empty();
  if (failed != photos.camera_failed) {
    photos.camera_failed = failed;
    m_dirty = true;
  }
}

void KioskApp::RefreshImportAvailable() {
  const bool available = !ImportCandidates(m_deps.import_dir).empty();
  if (available != m_import_available) m_dirty = true;
  m_import_available = available;
}

}  // namespace yimen::ui
