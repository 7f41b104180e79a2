// The kiosk's view model: which screen is up, the resident's session (draft, focus,
// messages) and the intents screens emit. Screens read it and append intents; Frame()
// applies them after drawing (STYLE.md "Screens are functions of state"). The session
// is the only place a resident's plaintext lives, and EndSession() wipes it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "domain/catalog.h"
#include "domain/civil_date.h"
#include "domain/form.h"
#include "platform/input.h"
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

namespace yimen::ui {

enum class Screen { kHome, kServices, kDetail, kForm, kReview, kReceipt, kEligibility };

struct Intent {
  enum class Kind {
    kGoHome, kOpenServices, kOpenService, kStartForm, kFocus, kSetValue, kKeyText,
    kKeyBackspace, kKeyDone, kNextStep, kPrevStep, kToReview, kEditStep, kAddMember,
    kRemoveMember, kSubmit,
    kOpenEligibility,   // the service's self-check (key: service code)
    kCheckEligibility,  // validate the answers and show the result
  };
  Intent(Kind kind_in, std::string key_in = {}, std::string value_in = {}, int index_in = -1)
      : kind(kind_in), key(std::move(key_in)), value(std::move(value_in)), index(index_in) {}
  Kind kind = Kind::kGoHome;
  std::string key;    // service code, field key...
  std::string value;  // text for kSetValue / kKeyText
  int index = -1;     // step or member index
};

struct ReceiptInfo {
  std::string app_number;
  std::string service_code;
  std::string date_text;
};

// Everything a resident entered during one visit. Wiped by EndSession().
struct Session {
  std::string service_code;
  ApplicationDraft draft;
  size_t step = 0;
  std::string focus;                            // field key, "" when none
  std::map<std::string, std::string> errors;    // field key → message shown under it
  std::string banner;                           // a sentence above the form
  bool submitting = false;                      // set on the first submit tap
  std::optional<ReceiptInfo> receipt;
  // The self-check's answers (question id -> value), kept while the resident goes back
  // and forth to the details; never stored. Set by kSetValue/kKeyText on "e:" keys.
  std::map<std::string, std::string> eligibility_answers;
  bool eligibility_checked = false;  // set by kCheckEligibility, cleared by any edit
};

// Field keys: "v:<field>" for a top-level field, "g:<group>:<index>:<field>" in a group,
// "e:<question>" for a self-check question.
std::string FieldKey(const std::string& field_id);
std::string GroupFieldKey(const std::string& group_id, size_t index, const std::string& field_id);

// Read-only view the screen functions draw from.
struct ViewModel {
  const Catalog* catalog = nullptr;
  const Strings* strings = nullptr;
  Language language = Language::kZhCN;
  const Session* session = nullptr;
  const Metrics* metrics = nullptr;
  CivilDate today;

  const std::string& Tr(const std::string& key) const { return strings->Get(language, key); }
  std::string Fmt(const std::string& key, const std::map<std::string, std::string>& p) const {
    return strings->Format(language, key, p);
  }
  const std::string& Text(const LocalizedText& text) const;
  const ServiceSpec* Service() const;
  // The value shown in a field (from the draft).
  std::string ValueOf(const std::string& key) const;
};

class KioskApp {
 public:
  struct Deps {
    const Catalog* catalog = nullptr;
    const Strings* strings = nullptr;
    Store* store = nullptr;
    platform::GlyphAtlas* glyphs = nullptr;
    Metrics metrics;
    // Called on the UI thread after Store::Submit committed (main wakes the sync
    // engine with it). Optional.
    std::function<void()> on_submitted;
    // The sync engine's state for the staff queue screen; empty when the kiosk is
    // not enrolled. Never blocks. Optional.
    std::function<sync::SyncSnapshot()> sync_snapshot;
  };
  explicit KioskApp(Deps deps);
  ~KioskApp();

  // Code points of every catalog and string text (for the first atlas build).
  std::set<char32_t> InitialCodepoints() const;

  // Draws the current screen into a fresh ImGui frame and applies the intents it
  // emitted. Main thread, between NewFrame and Render.
  void Frame(WidgetRecorder* recorder);
  // Typed text or an edit key for the focused field.
  void OnText(const platform::TextEvent& event);
  // True once after anything changed that must be drawn.
  bool TakeDirty();
  // Milliseconds until the app next needs a frame on its own (-1: never).
  int WakeInMs() const { return -1; }
  // Wipes the resident's session (memory zeroed) and returns to the home screen.
  void EndSession();

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
  void SetFocusedValue(const std::string& value);
  void ValidateCurrentStep(bool* ok);
  void Submit();
  std::string* ValueSlot(const std::string& key);
  const FieldSpec* FieldForKey(const std::string& key) const;

  Deps m_deps;
  Screen m_screen = Screen::kHome;
  Session m_session;
  Language m_language = Language::kZhCN;
  bool m_dirty = true;
  WidgetContext m_widget_context;
};

// Screen functions: read the view, append intents. Main thread only.
void DrawHomeScreen(const ViewModel& view, std::vector<Intent>* out);
void DrawServicesScreen(const ViewModel& view, std::vector<Intent>* out);
void DrawDetailScreen(const ViewModel& view, std::vector<Intent>* out);
void DrawFormScreen(const ViewModel& view, std::vector<Intent>* out);
void DrawReviewScreen(const ViewModel& view, std::vector<Intent>* out);
void DrawReceiptScreen(const ViewModel& view, std::vector<Intent>* out);
void DrawEligibilityScreen(const ViewModel& view, std::vector<Intent>* out);
// One field as the form wizard draws it (choice grid, toggles, keypad field, placeholder),
// or nothing when its visible_if does not hold. Keys as above. Main thread.
void DrawFormField(const ViewModel& view, const FieldSpec& field, const std::string& key,
                   const std::string& scope_town_key, std::vector<Intent>* out);
// "城镇（80至89周岁）：每人每月 705 元，2019-01-01 起执行" plus a note for example
// figures: one standard as residents read it. Main thread.
std::string FormatStandardLine(const ViewModel& view, const Standard& standard);

// Shared frame of every screen: a full-screen window with a header (title, home
// button) and a scrolling body above a fixed footer of `footer_rows` button rows.
// Returns false if the body is not visible (then skip drawing it).
void BeginScreen(const ViewModel& view, const std::string& title, bool home_button,
                 int footer_rows, std::vector<Intent>* out);
void BeginFooter(const ViewModel& view);
void EndScreen();

}  // namespace yimen::ui
