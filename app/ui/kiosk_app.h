// The kiosk's view model: which screen is up, the resident's session (draft, focus,
// messages) and the intents screens emit. Screens read it and append intents; Frame()
// applies them after drawing (docs/design.md "House habits"). The session
// is the only place a resident's plaintext lives, and EndSession() wipes it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "domain/catalog.h"
#include "domain/catalog_versions.h"
#include "domain/civil_date.h"
#include "domain/form.h"
#include "idcard/card_text.h"
#include "idcard/poller.h"
#include "media/image.h"
#include "platform/input.h"
#include "session/assist.h"
#include "session/field_address.h"
#include "session/finder.h"
#include "session/form.h"
#include "session/photos.h"
#include "session/staff.h"
#include "session/status.h"
#include "session/visit.h"
#include "store/store.h"
#include "sync/client/sync_snapshot.h"
#include "ui/strings.h"
#include "ui/theme.h"
#include "ui/widgets/touch.h"

namespace yimen {
class Store;
}
namespace yimen::platform {
class GlyphAtlas;
}
namespace yimen::media {
class CameraWorker;
}
namespace yimen::ime {
class PinyinInput;
class Handwriting;
}

namespace yimen::ui {

// The voice's language: 普通话 (our reader and espeak's cmn phonemes) or 粤语 (espeak's
// yue voice). The screen's text stays written Chinese either way.
enum class SpokenLanguage : uint8_t { kMandarin, kCantonese };

// clang-format off
enum class Screen {
  kHome, kServices, kDetail, kForm, kReview, kReceipt, kEligibility, kStaffExit,
  // Staff mode (screens/screen_staff.cpp): behind the hidden gesture and a staff login.
  kStaffLogin, kStaffHome, kStaffList, kStaffReceipt, kStaffQueue,
  // The resident's status check (screens/screen_status.cpp).
  kStatusQuery, kStatusResult,
  // A document photo for one slot of the form (screens/screen_photo.cpp).
  kPhotoCamera, kPhotoImport,
  // Photos from the resident's phone for that slot (screens/screen_photo_phone.cpp).
  kPhotoPhone,
  // A name the rules refuse, entered by staff (screens/screen_assist.cpp, session/assist.h):
  // the resident's help screen, staff's document check and staff's entry screen.
  kAssistHelp, kAssistConfirm, kAssistEntry,
  // The service finder (screens/screen_finder.cpp, session/finder.h): situation tiles,
  // a few plain questions, the services that fit; which of them is up is the finder's page.
  kFinder,
};
// clang-format on
// How many screens there are: names the enum's last value, so a screen added after it
// must move this too (ViewTable.EveryScreenHasExactlyOneView counts the table by it).
inline constexpr size_t kScreenCount = static_cast<size_t>(Screen::kFinder) + 1;

// What a tap (or key) asks for, typed: one small struct per kind, the form's, staff
// mode's, the status check's and the photos' events straight from app/session, and the
// app-wide ones below. KioskApp::Apply visits it (one handler per struct).
namespace intent {
struct GoHome {};
struct OpenServices {};
struct ServicesPage {  // the services list: +1 next page, -1 previous
  int delta = 1;
};
struct Redraw {};     // the layout changed after drawing: draw once more
struct KeyDone {};    // 填好了: the keyboard closes (a signature is kept)
struct StillHere {};  // "还需要更多时间" on the idle countdown
struct ToggleElder {};
struct SetLanguage {
  Language language = Language::kZhCN;
};
struct CornerTap {};  // the hidden staff gesture: 5 taps in the top-left corner
struct PinKey {       // a digit of the staff PIN; "" deletes the last
  std::string digit;
};
struct PinSubmit {};       // check the exit PIN
struct Voice {};           // the 朗读 button: voice on, and say this screen again
struct SetVoiceLanguage {  // voice on, and say this screen in it
  SpokenLanguage language = SpokenLanguage::kMandarin;
};
struct PrintReceipt {};
// The on-screen keyboard for text fields (app/ui/screens/keyboard.cpp).
struct ImeLetter {  // one letter a-z for pinyin, or text to insert (digits mode)
  std::string text;
};
struct ImeBackspace {};  // the composition's last letter, else the field's last character
struct ImeCandidate {    // the candidate to commit
  size_t index = 0;
};
struct ImePage {  // +1 next page, -1 previous page
  int delta = 1;
};
struct ImeMore {  // the 更多 grid: open (every candidate, large) or closed
  bool open = true;
};
struct SetImeMode {
  session::ImeMode mode = session::ImeMode::kPinyin;
};
struct StrokeDone {  // a handwriting or signature stroke, pad-local
  session::Stroke points;
  session::Point area;  // the pad's size
};
struct StrokesClear {};  // start the character (or signature) again
}  // namespace intent

using ImeIntent =
    std::variant<intent::ImeLetter, intent::ImeBackspace, intent::ImeCandidate, intent::ImePage,
                 intent::ImeMore, intent::SetImeMode, intent::StrokeDone, intent::StrokesClear>;
using Intent =
    std::variant<intent::GoHome, intent::OpenServices, intent::ServicesPage, intent::Redraw,
                 intent::KeyDone, intent::StillHere, intent::ToggleElder, intent::SetLanguage,
                 intent::CornerTap, intent::PinKey, intent::PinSubmit, intent::Voice,
                 intent::SetVoiceLanguage, intent::PrintReceipt, ImeIntent, session::FormEvent,
                 session::StaffEvent, session::StatusEvent, session::PhotoEvent,
                 session::AssistEvent, session::FinderEvent>;

// The visit's state lives in app/session (session/visit.h); these are its names here.
using ImeMode = session::ImeMode;
using ImeState = session::ImeState;
using ReceiptInfo = session::Receipt;
using session::FieldAddress;
using PhotoThumb = session::Thumb;
using ImportFile = session::ImportFile;
using PhotoState = session::PhotoState;
using Session = session::VisitState;
using StaffList = session::StaffList;
using StaffState = session::StaffState;
using session::kLowStorageBytes;
using session::StaffFilter;

// A thumbnail's texture: the handle is the ImTextureID the app's make_texture gave.
inline ImTextureID TextureOf(const PhotoThumb& thumb) {
  return reinterpret_cast<ImTextureID>(static_cast<uintptr_t>(thumb.handle));
}
// Pad strokes as ImGui draws them, and a drawn stroke as the session keeps it.
std::vector<std::vector<ImVec2>> ToImVec(const std::vector<session::Stroke>& strokes);
session::Stroke ToStroke(const std::vector<ImVec2>& points);

// Drag-to-scroll with inertia (ImGui 1.86 scrolls only with a wheel).
struct DragScroll {
  bool dragging = false;
  float last_y = 0;
  float velocity = 0;  // pixels per frame, kept after the finger lifts
};

// The frame every screen is drawn in (BeginScreen / BeginFooter / EndScreen): one
// full-screen window whose body scrolls. Owned by KioskApp (one body window is shared
// by every screen, as ImGui's window is), reached through ViewModel::frame.
struct ScreenFrame {
  int footer_rows = 0;          // set by BeginScreen for BeginFooter
  bool body_overflows = false;  // last frame's body was taller than its window
  std::vector<Intent>* out = nullptr;
  DragScroll body_drag;
  DragScroll list_drag;  // the staff list's own scrolling child
  // True while the body is being dragged or still gliding after a flick: keep drawing.
  bool Animating() const;
  // A new screen starts still.
  void ResetScroll();
};

class View;

// Read-only view the screens draw from.
struct ViewModel {
  const Catalog* catalog = nullptr;
  const Strings* strings = nullptr;
  Language language = Language::kZhCN;
  const Session* session = nullptr;
  const Metrics* metrics = nullptr;
  CivilDate today;
  bool elder = false;
  size_t list_page = 0;  // the services list's page
  bool has_exit_pin = false;
  bool voice_available = false;
  bool can_print = false;
  bool has_printer = false;  // a printer is configured (else receipts are only saved)
  bool voice_on = false;
  SpokenLanguage voice_language = SpokenLanguage::kMandarin;
  bool pin_locked = false;
  bool has_pinyin = false;
  bool has_handwriting = false;
  const StaffState* staff = nullptr;
  bool status_locked = false;  // too many wrong status checks: wait
  bool kiosk_mode = false;
  bool has_camera = false;   // 拍照 offered (a camera device was given or found)
  bool has_imports = false;  // 导入 offered (the import folder holds images)
  bool has_phone = false;    // 用手机传 offered (the kiosk has a server: Deps::phone)
  bool kiosk_revoked = false;  // the server refused this kiosk's key (SyncSnapshot::revoked)
  // The focused name field was unlocked by staff (session/assist.h): the keyboard's letter
  // rows type upper-case letters, with space, "·" and "-".
  bool latin_keys = false;
  // The ID-card reader's state (staff mode), nullopt when none is configured; on the form,
  // a configured reader shows "请把身份证放在读卡器上".
  std::optional<idcard::ReaderStatus> id_reader;
  ScreenFrame* frame = nullptr;  // the shared screen frame's drawing state
  const session::Finder* finder = nullptr;  // the finder's question and suggestions

  const std::string& Tr(const std::string& key) const { return strings->Get(language, key); }
  std::string Fmt(const std::string& key, const std::map<std::string, std::string>& p) const {
    return strings->Format(language, key, p);
  }
  const std::string& Text(const LocalizedText& text) const;
  const ServiceSpec* Service() const;
  // The value shown in a field (from the draft).
  std::string ValueOf(const FieldAddress& field) const;
  // The service's field (or self-check question) at an address, nullptr when none.
  const FieldSpec* FieldAt(const FieldAddress& field) const {
    return session::FindFieldAt(Service(), field);
  }
};

class KioskApp {
 public:
  struct Deps {
    // The bundled catalog (assets/catalog); must outlive the app.
    const Catalog* catalog = nullptr;
    // Published versions already stored at start, checked (ParseStoredCatalogs), oldest
    // first; and the slot the sync thread offers newer ones through (nullptr: none).
    // docs/catalog.md "What kiosks do".
    std::vector<std::shared_ptr<const Catalog>> published_catalogs;
    CatalogSlot* catalog_slot = nullptr;
    const Strings* strings = nullptr;
    Store* store = nullptr;
    platform::GlyphAtlas* glyphs = nullptr;
    Metrics metrics;
    ime::PinyinInput* pinyin = nullptr;       // nullptr: no pinyin keyboard
    ime::Handwriting* handwriting = nullptr;  // nullptr: no handwriting pad
    // A resident who walks away: after idle_s without a touch a countdown of
    // countdown_s asks "还需要更多时间吗？", then the session is wiped.
    int idle_s = 90;
    int countdown_s = 30;
    // --kiosk: no way out but the staff PIN (hidden gesture, then PIN). The PIN is kept
    // as an Argon2id hash (crypto_pwhash_str), "" when none was set.
    bool kiosk_mode = false;
    std::string exit_pin_hash;
    // Called on the UI thread after Store::Submit committed (main wakes the sync
    // engine with it). Optional.
    std::function<void()> on_submitted;
    // The sync engine's state for the staff queue screen; empty when the kiosk is
    // not enrolled. Never blocks. Optional.
    std::function<sync::SyncSnapshot()> sync_snapshot;
    // Free bytes on the data directory's filesystem (main: statvfs), for staff mode's
    // low-space warning; nullopt when it cannot be read. Optional.
    std::function<std::optional<uint64_t>()> storage_free;
    // Staff sessions end after staff_idle_s without a touch, and staff_session_s after
    // the login whatever happens.
    int staff_idle_s = 180;
    int staff_session_s = 3600;
    // Wall clock in Unix ms (staff lockouts are persisted in wall-clock time). Tests
    // may replace it.
    std::function<int64_t()> wall_clock_ms;
    // Document photos. camera: the V4L2 worker (nullptr: no 拍照); import_dir: a folder
    // of PNG/JPEG files offered under 导入 ("": none); photo_limits: size and quality of
    // what is stored. Thumbnails become textures through make_texture / free_texture
    // (platform/photo_texture.h; unset: drawn as frames). All optional.
    media::CameraWorker* camera = nullptr;
    std::string import_dir;
    media::PhotoLimits photo_limits;
    std::function<ImTextureID(const media::Pixels&)> make_texture;
    std::function<void(ImTextureID, int width, int height)> free_texture;
    // Photos from the resident's phone (app/phone/phone_worker.h on an enrolled kiosk;
    // docs/devices.md). nullptr: no 用手机传. Must outlive the app.
    session::PhoneLinkPort* phone = nullptr;
    // The ID-card reader (app/idcard, docs/devices.md), all optional: without them the
    // forms work as before. take_card moves the newest read not yet taken into *out
    // (false: none); discard_card wipes one not taken (session end); id_reader_status is
    // staff mode's; decode_photo runs the licensed WLT decoder when one is configured
    // (unset: the photo is not read, and the resident is told so).
    std::function<bool(idcard::CardRead* out)> take_card;
    std::function<void()> discard_card;
    std::function<idcard::ReaderStatus()> id_reader_status;
    std::function<bool(const std::vector<uint8_t>& wlt)> decode_photo;
  };
  explicit KioskApp(Deps deps);
  ~KioskApp();

  // Code points of every catalog and string text (for the first atlas build).
  std::set<char32_t> InitialCodepoints() const;

  // Draws the current screen into a fresh ImGui frame and applies the intents it
  // emitted. Main thread, between NewFrame and Render.
  void Frame(WidgetRecorder* recorder);
  // Input methods start after the first frame (they cost ~50 ms): set them then.
  void SetInputMethods(ime::PinyinInput* pinyin, ime::Handwriting* handwriting);
  // The handwriting model is 26 MB once read: load it when a pad is first written on.
  void SetHandwritingLoader(std::function<ime::Handwriting*()> load) { m_load_handwriting = std::move(load); }
  // The pointer positions of this frame (for the handwriting pad). Before Frame().
  void SetPointerPath(const std::vector<platform::InputLayer::Point>& path);
  // Typed text or an edit key for the focused field.
  void OnText(const platform::TextEvent& event);
  // True once after anything changed that must be drawn.
  bool TakeDirty();
  // The font sizes the current mode needs (elder mode is larger): when they differ
  // from the atlas's, main rebuilds it between frames.
  const Metrics& ActiveMetrics() const { return m_elder ? m_elder_metrics : m_deps.metrics; }
  bool ElderMode() const { return m_elder; }
  Language CurrentLanguage() const { return m_language; }
  // The voice (app/voice Speaker, set after the first frame). `say` interrupts what is
  // being said and never blocks; the text is written Chinese whatever the language.
  // nullptr: no voice button.
  using SayFn = std::function<void(const std::string& text, SpokenLanguage language)>;
  void SetVoice(SayFn say);
  // Prints (or saves, without a printer) the receipt's lines; returns the message for
  // the resident. Set by main (platform/receipt_pdf). nullptr: no print button.
  using PrintFn = std::function<std::string(const std::string& app_number,
                                            const std::vector<std::string>& lines)>;
  // has_printer: a printer is configured (without one the receipt screen says so).
  void SetPrinter(PrintFn print, bool has_printer = true) {
    m_print = std::move(print);
    m_has_printer = has_printer;
  }
  // What the screen reads out now (title, instructions, focused field, errors).
  std::string SpeechText() const;
  // The last text handed to the voice (tests).
  const std::string& LastSpoken() const { return m_last_spoken; }
  // The language it was said in (普通话 or 粤语; tests).
  SpokenLanguage LastSpokenLanguage() const { return m_last_spoken_language; }
  // The staff PIN was entered on the exit screen: the loop should end.
  bool ExitRequested() const { return m_exit_requested; }
  // The loop's clock, every iteration: runs the idle countdown and the wipe.
  void Tick(int64_t now_ms);
  // A touch, a key or typed text: the resident is still here.
  void NoteActivity(int64_t now_ms);
  // Milliseconds until the app next needs a frame on its own (-1: never).
  int WakeInMs() const;
  // Seconds left on the idle countdown, or -1 when it is not showing.
  int IdleSecondsLeft() const;
  // How many sessions the idle timer has wiped (for tests and the audit).
  int64_t IdleWipes() const { return m_idle_wipes; }
  // Wipes the resident's session (memory zeroed) and returns to the home screen.
  void EndSession();

  // Between two applications (no service open, no form started): takes what the sync
  // thread offered and switches to the version in force today (ChooseCatalog). Called by
  // Tick and Frame. UI thread.
  void PickUpCatalog();
  // The version new applications use now. UI thread.
  const Catalog& CatalogInUse() const { return *m_catalog; }

  Screen CurrentScreen() const { return m_screen; }
  // The sync engine's state (pending, oldest pending, last success, last error), or
  // nullopt when no engine runs. UI thread.
  std::optional<sync::SyncSnapshot> SyncState() const {
    if (!m_deps.sync_snapshot) return std::nullopt;
    return m_deps.sync_snapshot();
  }
  const Session& CurrentSession() const { return m_session; }
  // Applies one intent (public so tests can drive the app without a screen).
  void Apply(const Intent& intent);

 private:
  ViewModel View() const;
  // The session classes' dependencies (kiosk_app.cpp).
  session::Staff::Deps StaffDeps();
  session::Photos::Deps PhotoDeps();
  // The form's field at an address (session::Form::FieldAt).
  const FieldSpec* FieldAt(const FieldAddress& field) const { return m_form.FieldAt(field); }
  // One handler per intent (Apply visits the Intent). The form's, staff mode's, the
  // status check's and the photos' events go to their app/session class and the
  // outcome's page is followed; the keyboard's are in kiosk_app_ime.cpp.
  void On(const intent::GoHome& e);
  void On(const intent::OpenServices& e);
  void On(const intent::ServicesPage& e);
  void On(const intent::Redraw& e);
  void On(const intent::KeyDone& e);
  void On(const intent::StillHere& e);
  void On(const intent::ToggleElder& e);
  void On(const intent::SetLanguage& e);
  void On(const intent::CornerTap& e);
  void On(const intent::PinKey& e);
  void On(const intent::PinSubmit& e);
  void On(const intent::Voice& e);
  void On(const intent::SetVoiceLanguage& e);
  void On(const intent::PrintReceipt& e);
  void On(const ImeIntent& e);  // kiosk_app_ime.cpp: Rime's scheme, then OnIme
  void On(const session::FormEvent& e);
  void On(const session::StaffEvent& e);   // kiosk_app_staff.cpp
  void On(const session::StatusEvent& e);  // kiosk_app_staff.cpp
  void On(const session::PhotoEvent& e);   // kiosk_app_photo.cpp
  void On(const session::AssistEvent& e);  // kiosk_app_staff.cpp
  void On(const session::FinderEvent& e);  // kiosk_app_finder.cpp
  // A card laid on the reader while the finder asks the age: its ID number answers it.
  // True when the finder took it (kiosk_app_finder.cpp).
  bool FinderTakesCard(const idcard::CardText& card);
  // The keyboard and the signature pad (kiosk_app_ime.cpp), one per ImeIntent.
  void OnIme(const intent::ImeLetter& e);
  void OnIme(const intent::ImeBackspace& e);
  void OnIme(const intent::ImeCandidate& e);
  void OnIme(const intent::ImePage& e);
  void OnIme(const intent::ImeMore& e);
  void OnIme(const intent::SetImeMode& e);
  void OnIme(const intent::StrokeDone& e);
  void OnIme(const intent::StrokesClear& e);
  // Pinyin and 生僻字 strokes both go through Rime (not on staff's letter keys).
  bool RimeMode() const;
  // Staff's entry screen with the unlocked name focused (session/assist.h): letters.
  bool LatinEntry() const;
  // Letters still being spelled in a name field when the resident moves on (填好了, another
  // field, 下一步) go into the field as typed, not dropped: a name in Latin letters then
  // meets the name check, whose message offers 请工作人员帮助 (kiosk_app_ime.cpp).
  void KeepNameLetters();
  // 打印回执: the resident's receipt, or staff's re-print of one.
  void PrintReceipt();
  // The hidden staff gesture: five taps in the top-left corner within four seconds.
  void OnCornerTap();
  void ApplyForm(const session::FormEvent& event);
  // The keyboard follows the focus: a new field starts with an empty composition.
  void ResetIme();
  // Typed text with a character no font draws (emoji): not inserted, the field says why
  // (kiosk_app_ime.cpp). True when refused.
  bool RefuseUndrawable(const std::string& text);
  // Rime's candidates for the page on screen and the next (kiosk_app_ime.cpp).
  void FetchCandidates();
  // 签好了: the focused signature's strokes become an attachment and its value a
  // "sig:<hash>" reference to it.
  void FinishSignature();
  void RefreshPinyin();
  void InsertIntoFocused(const std::string& text);

  bool SessionActive() const;
  void CheckPin();
  // Staff mode (kiosk_app_staff.cpp): follows what a staff event or the staff timeout did.
  void FollowStaff(const session::StaffOutcome& out);
  // Document photos (kiosk_app_photo.cpp).
  // The camera screen's live preview: a new frame becomes the preview texture.
  void PhotoTick();
  // A card the reader read: fills the form step on screen (else it is wiped unused) and
  // the voice says what was filled. Called by Tick. UI thread.
  void TakeIdCard();
  // Deletes every texture, stops the camera, forgets the import list (session end).
  void ReleasePhotos();
  // Whether the import folder holds an image now (checked when a form step opens).
  void RefreshImportAvailable();
  bool m_import_available = false;
  int64_t WallMs() const;
  // The resident's civil date at WallMs() (common/civil_time.h: China, UTC+8), whatever
  // time zone the machine is set to: the date forms are validated and numbered with.
  CivilDate Today() const;
  void DrawIdleCountdown(const ViewModel& view, std::vector<Intent>* out);

  // The resident's catalog: the session's once its form started, else the one in use.
  const Catalog& Cat() const { return m_form.Cat(); }

  Deps m_deps;
  // Every version the kiosk holds (the bundled one first) and the one in use for new
  // applications; written by PickUpCatalog only.
  std::vector<std::shared_ptr<const Catalog>> m_catalogs;
  std::shared_ptr<const Catalog> m_catalog;
  Metrics m_elder_metrics;
  bool m_elder = false;
  size_t m_list_page = 0;
  int64_t m_now_ms = 0;
  int64_t m_last_activity_ms = 0;
  int m_shown_seconds_left = -1;
  int64_t m_idle_wipes = 0;
  // Set by Submit when the disk was full: shown to staff; its audit row is written as
  // soon as the store can take one again (a full disk refuses that too).
  std::optional<std::chrono::system_clock::time_point> m_storage_full_at;
  bool m_storage_audit_pending = false;
  std::vector<int64_t> m_corner_taps;  // times of recent corner taps
  SayFn m_say;
  std::function<ime::Handwriting*()> m_load_handwriting;
  // The recogniser, loaded on first use; nullptr when there is none.
  ime::Handwriting* Recognizer();
  // Recognises all strokes on the pad into ime.candidates (drawable ones only).
  void RecognizeStrokes();
  PrintFn m_print;
  bool m_has_printer = false;
  bool m_voice_on = false;
  // 普通话 or 粤语, chosen on the home screen; this resident's only (the idle wipe resets it).
  SpokenLanguage m_voice_language = SpokenLanguage::kMandarin;
  SpokenLanguage m_last_spoken_language = SpokenLanguage::kMandarin;
  std::string m_last_spoken;
  void SpeakIfChanged(bool force);
  Screen m_screen_before_staff = Screen::kHome;
  bool m_exit_requested = false;
  int m_pin_failures = 0;
  int64_t m_pin_locked_until_ms = 0;
  StaffState m_staff;
  Screen m_screen = Screen::kHome;
  Session m_session;
  session::Form m_form;  // over m_session's form part
  session::Staff m_staff_mode;  // over m_staff and m_session
  // Over m_session; keeps the wrong checks in a row across visits (a walk-away does not
  // reset them).
  session::StatusLookup m_status;
  session::Photos m_photos;  // over m_session's photos; thumbnails are textures here
  session::Assist m_assist;  // a refused name entered by staff: over m_session, m_staff_mode
  session::Finder m_finder;  // the service finder: over m_session.finder
  // The router's table: one View per Screen (screens/view_table.cpp).
  std::map<Screen, std::unique_ptr<ui::View>> m_views;
  // Drawing state of the shared screen frame (scrolling); changed while drawing.
  mutable ScreenFrame m_frame;
  Language m_language = Language::kZhCN;
  bool m_dirty = true;
  WidgetContext m_widget_context;
};

// Screens are View classes, one per screen (screens/view.h, screens/view_table.cpp).
// Below: the pieces they share. Main thread only.
// A photo thumbnail at the cursor, fitted into `box` (aspect kept), recorded under
// `id` with `label` for scripts. No texture: a framed box with the label. Main thread.
void DrawPhotoThumb(const PhotoThumb& thumb, ImVec2 box, const std::string& id, const std::string& label);

// Shared pieces of the staff and status screens.
// The 3×4 PIN pad (pin:0-9, pin:delete, pin:ok); the PIN shows only as dots elsewhere.
void DrawPinPad(const ViewModel& view, const std::string& ok_label, bool enabled,
                const Intent& ok_intent, std::vector<Intent>* out);
// The numeric keypad of the form (digits, X for ID numbers, 删除, 填好了).
void DrawKeypad(const ViewModel& view, FieldType type, std::vector<Intent>* out);
// Digits and A-Z in four rows (application numbers), with 删除 and 填好了.
void DrawAlnumKeys(const ViewModel& view, std::vector<Intent>* out);
int AlnumKeyRows();
// A QR code about `mm` millimetres wide at the cursor, recorded as "QR:<text>".
void DrawQrCode(const ViewModel& view, const std::string& text, float mm, const std::string& id);
// "2026-11-23 10:30" in local time from an ISO-8601 UTC text ("" stays "").
std::string LocalTimeText(const std::string& iso_utc);
std::string LocalTimeText(std::chrono::system_clock::time_point time);
// "3 小时 5 分钟" from a duration, in the view's language.
std::string AgeText(const ViewModel& view, std::chrono::system_clock::duration age);
// What a resident or staff reads for an application's status (已受理, 待发送…).
std::string StatusText(const ViewModel& view, const std::string& status, SyncState sync);
// The strings key suffix of a stored status: "accepted", "needs_materials"… or "" when
// the status is not one of the server's.
std::string StatusCode(const std::string& status);

// The on-screen keyboard for text and name fields (screens/keyboard.cpp): candidate
// bar, then pinyin keys, a handwriting pad or digits, then the mode row.
bool UsesTextKeyboard(FieldType type);
int TextKeyboardRows();
void DrawTextKeyboard(const ViewModel& view, FieldType type, std::vector<Intent>* out);
// The number pad (ID numbers with X, amounts with a point, phones, dates) and 填好了.
void DrawKeypad(const ViewModel& view, FieldType type, std::vector<Intent>* out);
// The signature pad for a focused signature field: a wide pad, 重签 and 签好了.
int SignaturePadRows();
void DrawSignaturePad(const ViewModel& view, const FieldAddress& key, std::vector<Intent>* out);

// Drag-to-scroll with inertia for the current child window (the staff list), with its
// own state apart from the body's (ScreenFrame::list_drag). Main thread.
void ListDragScroll(const ViewModel& view);
// One field as the form wizard draws it (choice grid, toggles, keypad field, placeholder),
// or nothing when its visible_if does not hold. Keys as above. Main thread.
void DrawFormField(const ViewModel& view, const FieldSpec& field, const FieldAddress& key,
                   const FieldAddress& scope_town_key, std::vector<Intent>* out);
// "城镇（80至89周岁）：每人每月 705 元，2019-01-01 起执行" plus a note for example
// figures: one standard as residents read it. Main thread.
std::string FormatStandardLine(const ViewModel& view, const Standard& standard);

// Shared frame of every screen: a full-screen window with a header (title, home
// button) and a scrolling body above a fixed footer of `footer_rows` button rows.
// Returns false if the body is not visible (then skip drawing it).
void BeginScreen(const ViewModel& view, const std::string& title, bool home_button,
                 int footer_rows, std::vector<Intent>* out);
// scroll_row: false on a screen with its own pager (the services list), so one pair of
// 上一页/下一页 shows, not two; its body still scrolls by dragging.
void BeginFooter(const ViewModel& view, bool scroll_row = true);
void EndScreen(const ViewModel& view);

}  // namespace yimen::ui
