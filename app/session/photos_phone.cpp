// The phone page of a photo slot (docs/devices.md "Photos from a phone"): asks the port
// for a one-time link, takes the photos it brings as thumbnails, and stores a tapped one
// through the same checks as an imported file (size, decode, downscale, re-encode
// without metadata: media::PrepareImportedPhoto, then Photos::Store).
#include <algorithm>
#include <cstdio>

#include "common/wipe.h"
#include "session/photos.h"

namespace yimen::session {
namespace {

constexpr int kPhoneThumbSide = 240;  // px, like the import screen's tiles

}  // namespace

PhotoOutcome Photos::On(const photo_event::Phone& e, std::optional<PhotoPage> /*page*/) {
  if (!m_deps.phone || !IsPhotoField(e.field)) return {};
  PhotoState& photos = m_visit->photos;
  photos.target = e.field;
  photos.message.clear();
  m_deps.phone->Open(kPhoneFilesPerLink);  // the worker asks; the page says 正在生成二维码…
  photos.phone = PhoneLinkStatus{};
  PhoneTick();  // the state is kAsking now
  m_visit->focus = {};
  return {PhotoPage::kPhone};
}

PhotoOutcome Photos::On(const photo_event::PhoneRenew& /*e*/, std::optional<PhotoPage> page) {
  if (!m_deps.phone || page != PhotoPage::kPhone) return {};
  m_visit->photos.message.clear();
  m_deps.phone->Open(kPhoneFilesPerLink);
  return {};
}

PhotoOutcome Photos::On(const photo_event::PhonePick& e, std::optional<PhotoPage> page) {
  PhotoState& photos = m_visit->photos;
  if (page != PhotoPage::kPhone || e.index >= photos.phone_files.size()) return {};
  PhoneFile file = std::move(photos.phone_files[e.index]);
  photos.phone_files.erase(photos.phone_files.begin() + static_cast<std::ptrdiff_t>(e.index));
  FreeThumb(&file.thumb);
  Result<std::vector<uint8_t>> jpeg =
      media::PhotoError(media::PhotoProblem::kTooLarge, "phone file");
  if (file.bytes.size() <= m_deps.limits.max_file_bytes)
    jpeg = media::PrepareImportedPhoto(file.bytes, m_deps.limits);
  Wipe(&file.bytes);
  if (!jpeg.ok()) {
    // This one goes (the resident sends another); the others stay on the page.
    ShowProblem(jpeg.error(), /*from_phone=*/true);
    return {};
  }
  Store(std::move(jpeg).value());
  m_deps.phone->Close();  // the slot is filled: the link is spent
  photos.phone = PhoneLinkStatus{};
  return {PhotoPage::kForm};
}

bool Photos::PhoneTick() {
  if (!m_deps.phone) return false;
  PhotoState& photos = m_visit->photos;
  std::vector<std::vector<uint8_t>> arrived;
  const PhoneLinkStatus now = m_deps.phone->Take(&arrived);
  bool changed = !arrived.empty();
  for (std::vector<uint8_t>& bytes : arrived) {
    if (photos.phone_files.size() >= kMaxPhoneFiles) {  // memory is bounded per visit
      Wipe(&bytes);
      continue;
    }
    PhoneFile file;
    // A cheap decode for the tile; one that does not decode is still offered, and
    // tapping it says why it cannot be used.
    if (Result<media::Pixels> image = media::DecodeImage(bytes, m_deps.limits, kPhoneThumbSide);
        image.ok()) {
      file.thumb = MakeThumb(*image, kPhoneThumbSide);
      media::Wipe(&image.value());
    }
    file.bytes = std::move(bytes);
    photos.phone_files.push_back(std::move(file));
  }
  if (now.refused > photos.phone.refused) {  // a file that did not open at all
    ShowProblem(MakeError(ErrorKind::kRejected, "phone file did not open"), /*from_phone=*/true);
    changed = true;
  }
  const PhoneLinkStatus& was = photos.phone;
  changed = changed || now.state != was.state || now.received != was.received ||
            now.retrying != was.retrying || now.url != was.url;
  photos.phone = now;
  int left = 0;
  if (now.state == PhoneLinkState::kOpen && now.expires_at_ms > 0) {
    const int64_t ms = now.expires_at_ms - m_deps.phone->NowMs();
    left = static_cast<int>(std::max<int64_t>(0, (ms + 999) / 1000));
  }
  if (left != photos.phone_seconds_left) {
    photos.phone_seconds_left = left;
    changed = true;
  }
  return changed;
}

void Photos::ReleasePhoneFiles() {
  for (PhoneFile& file : m_visit->photos.phone_files) {
    Wipe(&file.bytes);
    FreeThumb(&file.thumb);
  }
  m_visit->photos.phone_files.clear();
}

}  // namespace yimen::session
