// Document photos without a window (issue 4 item 5): the camera and import screens'
// events, the live preview, and storing a photo as the draft's "photo:<hash>" → base64
// JPEG. Photos are personal data: they live only in memory (no temp files) and every
// buffer is wiped after use. Pictures on screen are opaque Thumb handles made and freed
// through Deps (the UI makes GL textures of them; tests count them).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "media/image.h"
#include "session/form.h"
#include "session/strings.h"
#include "session/visit.h"

namespace yimen::media {
class CameraWorker;
}

namespace yimen::session {

enum class PhotoPage : uint8_t { kCamera, kImport, kPhone, kForm };

namespace photo_event {
struct Camera {  // 拍照 / 重拍: opens the camera for a photo field
  FieldAddress field;
};
struct Import {  // 导入: opens the import screen for a photo field
  FieldAddress field;
};
struct Shutter {};  // the camera screen's 拍照
struct Pick {       // the import screen's file
  size_t index = 0;
};
struct Delete {  // 删除
  FieldAddress field;
};
struct Cancel {};  // back to the form, nothing changed
struct Phone {     // 用手机传: the phone page (a QR code) for a photo field
  FieldAddress field;
};
struct PhonePick {  // a photo from the phone, tapped: into the field
  size_t index = 0;
};
struct PhoneRenew {};  // 重新生成: a new link (expired, done, or after a network failure)
}  // namespace photo_event

using PhotoEvent =
    std::variant<photo_event::Camera, photo_event::Import, photo_event::Shutter, photo_event::Pick,
                 photo_event::Delete, photo_event::Cancel, photo_event::Phone,
                 photo_event::PhonePick, photo_event::PhoneRenew>;

// Files a phone link takes (sync/protocol's kPhoneLinkMaxFiles), and photos from phones a
// visit keeps unplaced at most (each up to a few MB in memory).
inline constexpr int kPhoneFilesPerLink = 4;
inline constexpr size_t kMaxPhoneFiles = 12;

struct PhotoOutcome {
  std::optional<PhotoPage> go;  // the page to show now (the scroll starts at the top)
};

class Photos {
 public:
  struct Deps {
    Form* form = nullptr;
    const Strings* strings = nullptr;
    std::function<Language()> language;     // unset: Chinese
    media::CameraWorker* camera = nullptr;  // nullptr: no 拍照
    std::string import_dir;                 // "": no 导入
    media::PhotoLimits limits;
    // A picture for the screen from pixels (returns its handle, 0: none) and its
    // release. Unset: thumbnails have sizes but no handle (drawn as frames).
    std::function<uint64_t(const media::Pixels&)> make_thumb;
    std::function<void(uint64_t handle, int width, int height)> free_thumb;
    // Photos from the resident's phone (session/phone.h); nullptr: no 用手机传 (the kiosk
    // has no server).
    PhoneLinkPort* phone = nullptr;
  };
  Photos(VisitState* visit, Deps deps);

  // `page` is the photo page on screen (nullopt: another page).
  PhotoOutcome Apply(const PhotoEvent& event, std::optional<PhotoPage> page);
  // The camera screen's live preview: true when a new frame or a failure is to be drawn.
  bool Tick();
  // The phone page: takes what the link brought (thumbnails made here) and its state;
  // true when something is to be drawn (a photo, a state, the countdown's next second).
  bool PhoneTick();
  bool HasPhone() const { return m_deps.phone != nullptr; }
  // Whether the import folder holds an image now.
  bool ImportAvailable() const;
  // Frees every thumbnail, stops the camera, forgets the import list (visit end).
  void Release();

 private:
  PhotoOutcome On(const photo_event::Camera& e, std::optional<PhotoPage> page);
  PhotoOutcome On(const photo_event::Import& e, std::optional<PhotoPage> page);
  PhotoOutcome On(const photo_event::Shutter& e, std::optional<PhotoPage> page);
  PhotoOutcome On(const photo_event::Pick& e, std::optional<PhotoPage> page);
  PhotoOutcome On(const photo_event::Delete& e, std::optional<PhotoPage> page);
  PhotoOutcome On(const photo_event::Cancel& e, std::optional<PhotoPage> page);
  PhotoOutcome On(const photo_event::Phone& e, std::optional<PhotoPage> page);  // photos_phone.cpp
  PhotoOutcome On(const photo_event::PhonePick& e, std::optional<PhotoPage> page);
  PhotoOutcome On(const photo_event::PhoneRenew& e, std::optional<PhotoPage> page);
  void ReleasePhoneFiles();
  bool IsPhotoField(const FieldAddress& field) const;
  // Stores a JPEG as the target field's photo (attachment, reference, thumbnail).
  void Store(std::vector<uint8_t> jpeg);
  // The resident's sentence for a refused photo; from_phone: "…请在手机上换一张".
  void ShowProblem(const Error& error, bool from_phone = false);
  Thumb MakeThumb(const media::Pixels& image, int max_side);
  void FreeThumb(Thumb* thumb);
  void CloseImports();

  VisitState* m_visit;
  Deps m_deps;
};

}  // namespace yimen::session
