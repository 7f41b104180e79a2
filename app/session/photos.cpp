// Document photos' behaviour: events in, the draft's photo references, attachments and
// thumbnails out. Nothing here draws; screens/screen_photo.cpp does.
#include "session/photos.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "common/base64.h"
#include "common/wipe.h"
#include "media/camera.h"

namespace yimen::session {
namespace {

constexpr size_t kMaxImportFiles = 12;  // a USB stick folder, not a photo library
constexpr int kThumbSide = 360;         // px, longer side of a slot's thumbnail
constexpr int kImportThumbSide = 240;

bool IsImageName(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
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

// The attachment a slot refers to goes (its bytes zeroed).
void DropAttachment(ApplicationDraft* draft, const std::string& ref) {
  if (auto it = draft->attachments.find(ref); it != draft->attachments.end()) {
    Wipe(&it->second);
    draft->attachments.erase(it);
  }
}

}  // namespace

Photos::Photos(VisitState* visit, Deps deps) : m_visit(visit), m_deps(std::move(deps)) {}

PhotoOutcome Photos::Apply(const PhotoEvent& event, std::optional<PhotoPage> page) {
  return std::visit([&](const auto& e) { return On(e, page); }, event);
}

// Only a photo field of the current form takes a photo (a stale or made-up address must
// not put a picture into a text field).
bool Photos::IsPhotoField(const FieldAddress& field) const {
  const FieldSpec* spec = m_deps.form->FieldAt(field);
  return spec && spec->type == FieldType::kPhoto && m_deps.form->Slot(field);
}

PhotoOutcome Photos::On(const photo_event::Camera& e, std::optional<PhotoPage> /*page*/) {
  if (!m_deps.camera || !IsPhotoField(e.field)) return {};
  PhotoState& photos = m_visit->photos;
  photos.target = e.field;
  photos.message.clear();
  photos.preview_seq = 0;
  m_deps.camera->Start();  // opens the device on its own thread
  m_visit->focus = {};
  return {PhotoPage::kCamera};
}

PhotoOutcome Photos::On(const photo_event::Import& e, std::optional<PhotoPage> /*page*/) {
  if (!IsPhotoField(e.field)) return {};
  PhotoState& photos = m_visit->photos;
  photos.target = e.field;
  photos.message.clear();
  CloseImports();
  for (const auto& path : ImportCandidates(m_deps.import_dir)) {
    ImportFile file;
    file.path = path.string();
    file.name = path.filename().string();
    // A thumbnail from a cheap decode (JPEG at 1/2..1/8 scale); a file that does not
    // decode is still listed, and picking it says why it cannot be used.
    if (Result<std::vector<uint8_t>> bytes = ReadFileBytes(path, m_deps.limits.max_file_bytes);
        bytes.ok()) {
      if (Result<media::Pixels> image = media::DecodeImage(*bytes, m_deps.limits, kImportThumbSide);
          image.ok()) {
        file.thumb = MakeThumb(*image, kImportThumbSide);
        media::Wipe(&image.value());
      }
      media::Wipe(&bytes.value());
    }
    photos.imports.push_back(std::move(file));
  }
  m_visit->focus = {};
  return {PhotoPage::kImport};
}

PhotoOutcome Photos::On(const photo_event::Shutter& /*e*/, std::optional<PhotoPage> page) {
  if (!m_deps.camera || page != PhotoPage::kCamera) return {};
  PhotoState& photos = m_visit->photos;
  Result<media::Pixels> still = m_deps.camera->TakeStill();
  if (!still.ok()) {
    photos.message = m_deps.strings->Get(m_deps.language ? m_deps.language() : Language::kZhCN,
                                         "photo.no_frame");
    return {};
  }
  Result<std::vector<uint8_t>> jpeg = media::EncodeForStorage(*still, m_deps.limits);
  media::Wipe(&still.value());
  if (!jpeg.ok()) {
    ShowProblem(jpeg.error());
    return {};
  }
  Store(std::move(jpeg).value());
  m_deps.camera->Stop();
  FreeThumb(&photos.preview);
  return {PhotoPage::kForm};
}

PhotoOutcome Photos::On(const photo_event::Pick& e, std::optional<PhotoPage> page) {
  PhotoState& photos = m_visit->photos;
  if (page != PhotoPage::kImport || e.index >= photos.imports.size()) return {};
  const std::string path = photos.imports[e.index].path;
  Result<std::vector<uint8_t>> bytes = ReadFileBytes(path, m_deps.limits.max_file_bytes);
  if (!bytes.ok()) {
    ShowProblem(bytes.error());
    return {};
  }
  Result<std::vector<uint8_t>> jpeg = media::PrepareImportedPhoto(*bytes, m_deps.limits);
  media::Wipe(&bytes.value());
  if (!jpeg.ok()) {
    ShowProblem(jpeg.error());
    return {};
  }
  Store(std::move(jpeg).value());
  CloseImports();
  return {PhotoPage::kForm};
}

PhotoOutcome Photos::On(const photo_event::Delete& e, std::optional<PhotoPage> /*page*/) {
  if (!IsPhotoField(e.field)) return {};
  PhotoState& photos = m_visit->photos;
  std::string* slot = m_deps.form->Slot(e.field);
  DropAttachment(&m_visit->draft, *slot);
  Wipe(slot);
  if (auto it = photos.thumbs.find(e.field); it != photos.thumbs.end()) {
    FreeThumb(&it->second);
    photos.thumbs.erase(it);
  }
  m_visit->errors.erase(e.field);
  return {};
}

PhotoOutcome Photos::On(const photo_event::Cancel& /*e*/, std::optional<PhotoPage> page) {
  PhotoState& photos = m_visit->photos;
  if (m_deps.camera) m_deps.camera->Stop();
  // Leaving the phone page spends its link; the photos that came stay for other slots.
  if (m_deps.phone && page == PhotoPage::kPhone) {
    m_deps.phone->Close();
    photos.phone = PhoneLinkStatus{};
  }
  FreeThumb(&photos.preview);
  CloseImports();
  photos.message.clear();
  return {PhotoPage::kForm};
}

void Photos::Store(std::vector<uint8_t> jpeg) {
  PhotoState& photos = m_visit->photos;
  std::string* slot = m_deps.form->Slot(photos.target);
  if (!slot) {
    media::Wipe(&jpeg);
    return;
  }
  const std::string ref = media::PhotoRef(jpeg);
  // The thumbnail shows what is stored (decoded back at a reduced DCT scale).
  Thumb thumb;
  if (Result<media::Pixels> back = media::DecodeImage(jpeg, m_deps.limits, kThumbSide); back.ok()) {
    thumb = MakeThumb(*back, kThumbSide);
    media::Wipe(&back.value());
  }
  if (!slot->empty() && *slot != ref)
    DropAttachment(&m_visit->draft, *slot);  // 重拍: the old photo goes
  std::string& stored = m_visit->draft.attachments[ref];
  Wipe(&stored);
  stored = Base64Encode(jpeg);
  std::fprintf(stderr, "photo: stored %zu bytes for %s\n", jpeg.size(), photos.target.Id().c_str());
  media::Wipe(&jpeg);
  Wipe(slot);
  *slot = ref;
  m_visit->errors.erase(photos.target);
  Thumb& old = photos.thumbs[photos.target];
  FreeThumb(&old);
  old = thumb;
  photos.message.clear();
}

void Photos::ShowProblem(const Error& error, bool from_phone) {
  // The log says what failed (no picture data); the resident reads a plain sentence.
  std::fprintf(stderr, "photo: refused: %s\n", error.message.c_str());
  const bool too_large = media::PhotoProblemOf(error) == media::PhotoProblem::kTooLarge;
  const char* key = from_phone ? (too_large ? "photo.phone_too_large" : "photo.phone_unreadable")
                               : (too_large ? "photo.too_large" : "photo.unreadable");
  m_visit->photos.message =
      m_deps.strings->Get(m_deps.language ? m_deps.language() : Language::kZhCN, key);
}

Thumb Photos::MakeThumb(const media::Pixels& image, int max_side) {
  media::Pixels small = media::Downscale(image, max_side);
  Thumb thumb;
  thumb.width = small.width;
  thumb.height = small.height;
  if (m_deps.make_thumb) thumb.handle = m_deps.make_thumb(small);
  media::Wipe(&small);
  return thumb;
}

void Photos::FreeThumb(Thumb* thumb) {
  if (thumb->handle && m_deps.free_thumb)
    m_deps.free_thumb(thumb->handle, thumb->width, thumb->height);
  *thumb = Thumb{};
}

void Photos::CloseImports() {
  for (ImportFile& file : m_visit->photos.imports) FreeThumb(&file.thumb);
  m_visit->photos.imports.clear();
}

void Photos::Release() {
  PhotoState& photos = m_visit->photos;
  if (m_deps.camera) m_deps.camera->Stop();
  FreeThumb(&photos.preview);
  CloseImports();
  for (auto& [key, thumb] : photos.thumbs) FreeThumb(&thumb);
  if (m_deps.phone) m_deps.phone->Close();  // spends the link, wipes its key
  ReleasePhoneFiles();
  photos = PhotoState{};
}

bool Photos::Tick() {
  if (!m_deps.camera) return false;
  PhotoState& photos = m_visit->photos;
  bool changed = false;
  media::Pixels frame;
  if (m_deps.camera->TakePreview(&photos.preview_seq, &frame)) {
    FreeThumb(&photos.preview);
    photos.preview = MakeThumb(frame, 0);
    media::Wipe(&frame);
    changed = true;
  }
  // No picture and an error: say the camera cannot be used (until a frame comes).
  const bool failed = !photos.preview.width && !m_deps.camera->LastError().empty();
  if (failed != photos.camera_failed) {
    photos.camera_failed = failed;
    changed = true;
  }
  return changed;
}

bool Photos::ImportAvailable() const { return !ImportCandidates(m_deps.import_dir).empty(); }

}  // namespace yimen::session
