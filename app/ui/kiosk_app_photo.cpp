// KioskApp's document photos (issue 4 item 5): routes the camera and import screens'
// typed events to session::Photos (app/session/photos.h: storing a photo as the draft's
// "photo:<hash>" → base64 JPEG, the thumbnails' handles) and follows the page each
// outcome names. The handles are GL textures made through Deps::make_texture.
#include <chrono>
#include <cstdio>

#include "ui/kiosk_app.h"

namespace yimen::ui {
namespace {

std::optional<session::PhotoPage> PhotoPageOf(Screen screen) {
  if (screen == Screen::kPhotoCamera) return session::PhotoPage::kCamera;
  if (screen == Screen::kPhotoImport) return session::PhotoPage::kImport;
  if (screen == Screen::kPhotoPhone) return session::PhotoPage::kPhone;
  if (screen == Screen::kForm) return session::PhotoPage::kForm;
  return std::nullopt;
}

Screen ScreenOf(session::PhotoPage page) {
  switch (page) {
    case session::PhotoPage::kCamera: return Screen::kPhotoCamera;
    case session::PhotoPage::kImport: return Screen::kPhotoImport;
    case session::PhotoPage::kPhone: return Screen::kPhotoPhone;
    case session::PhotoPage::kForm: return Screen::kForm;
  }
  return Screen::kForm;
}

}  // namespace

void KioskApp::On(const session::PhotoEvent& event) {
  session::PhotoOutcome out = m_photos.Apply(event, PhotoPageOf(m_screen));
  if (!out.go) return;
  m_screen = ScreenOf(*out.go);
  m_frame.ResetScroll();
}

void KioskApp::ReleasePhotos() { m_photos.Release(); }

void KioskApp::PhotoTick() {
  if (m_screen == Screen::kPhotoCamera && m_photos.Tick()) m_dirty = true;
  if (m_screen == Screen::kPhotoPhone) {
    const size_t before = m_session.photos.phone_files.size();
    if (m_photos.PhoneTick()) m_dirty = true;
    // A photo arriving is the resident at work on their phone: the idle countdown (which
    // would wipe the visit after 90 s without a touch) starts afresh.
    if (m_session.photos.phone_files.size() > before) {
      NoteActivity(m_now_ms);
      // The wall clock, so a test can set it against the phone's send times.
      const auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now().time_since_epoch());
      std::fprintf(stderr, "phone: %zu photo(s) on the page, unix_ms=%lld\n",
                   m_session.photos.phone_files.size(), static_cast<long long>(wall.count()));
    }
  }
}

void KioskApp::RefreshImportAvailable() {
  const bool available = m_photos.ImportAvailable();
  if (available != m_import_available) m_dirty = true;
  m_import_available = available;
}

}  // namespace yimen::ui
