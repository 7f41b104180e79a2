// The view model's behaviour: intents in, state changes and store calls out. Nothing
// here draws; screens in screens/ do.
#include "ui/kiosk_app.h"

#include <imgui.h>
#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "common/civil_time.h"
#include "common/secret_hash.h"
#include "common/wipe.h"
#include "domain/eligibility.h"
#include "domain/message_keys.h"
#include "domain/name_mask.h"
#include "domain/utf8.h"
#include "ime/handwriting.h"
#include "ime/pinyin_input.h"
#include "media/camera.h"
#include "platform/glyph_atlas.h"
#include "store/store.h"
#include "ui/screens/view.h"
#include "ui/widgets/dialog.h"

namespace yimen::ui {
const std::string& ViewModel::Text(const LocalizedText& text) const {
  return session::LocalText(language, text);
}

const ServiceSpec* ViewModel::Service() const { return session::ServiceOf(*session, *catalog); }

std::string ViewModel::ValueOf(const FieldAddress& field) const {
  return session::Form::ValueAt(*session, field);
}

KioskApp::KioskApp(Deps deps)
    : m_deps(std::move(deps)),
      m_form(&m_session,
             session::Form::Deps{m_deps.strings, m_deps.store, [this] { return m_catalog; },
                                 [this] { return m_language; }, [this] { return WallMs(); }}),
      m_staff_mode(&m_staff, &m_session, StaffDeps()),
      m_status(&m_session, session::StatusLookup::Deps{m_deps.strings, m_deps.store,
                                                       [this] { return m_language; },
                                                       [this] { return m_now_ms; }}),
      m_photos(&m_session, PhotoDeps()),
      m_assist(&m_session, session::Assist::Deps{m_deps.strings, &m_form, &m_staff_mode}),
      m_finder(&m_session.finder,
               session::Finder::Deps{[this]() -> const Catalog& { return Cat(); },
                                     [this] { return Today(); }}) {
  // The bundled catalog is not owned: a shared_ptr that deletes nothing.
  m_catalogs.push_back(
      std::shared_ptr<const Catalog>(std::shared_ptr<const Catalog>(), m_deps.catalog));
  for (auto& published : m_deps.published_catalogs) m_catalogs.push_back(std::move(published));
  m_deps.published_catalogs.clear();
  m_catalog = ChooseCatalog(m_catalogs, Today());
  m_elder_metrics = ComputeMetrics(m_deps.metrics.px_per_mm, true);
  for (const ViewEntry& entry : ViewTable()) m_views[entry.screen] = entry.make();
  m_widget_context.glyphs = m_deps.glyphs;
  m_widget_context.metrics = m_deps.metrics;
}

KioskApp::~KioskApp() { EndSession(); }

session::Staff::Deps KioskApp::StaffDeps() {
  session::Staff::Deps deps;
  deps.strings = m_deps.strings;
  deps.store = m_deps.store;
  deps.language = [this] { return m_language; };
  deps.wall_ms = [this] { return WallMs(); };
  deps.now_ms = [this] { return m_now_ms; };
  deps.catalog = [this] { return &Cat(); };
  deps.storage_free = m_deps.storage_free;
  deps.sync_snapshot = [this] { return SyncState(); };
  deps.storage_full_at = [this] { return m_storage_full_at; };
  deps.idle_s = m_deps.staff_idle_s;
  deps.session_s = m_deps.staff_session_s;
  return deps;
}

session::Photos::Deps KioskApp::PhotoDeps() {
  session::Photos::Deps deps;
  deps.form = &m_form;
  deps.strings = m_deps.strings;
  deps.language = [this] { return m_language; };
  deps.camera = m_deps.camera;
  deps.import_dir = m_deps.import_dir;
  deps.phone = m_deps.phone;
  deps.limits = m_deps.photo_limits;
  // The handle is the texture's ImTextureID (TextureOf turns it back).
  if (m_deps.make_texture) {
    deps.make_thumb = [this](const media::Pixels& pixels) {
      return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(m_deps.make_texture(pixels)));
    };
  }
  if (m_deps.free_texture) {
    deps.free_thumb = [this](uint64_t handle, int width, int height) {
      m_deps.free_texture(reinterpret_cast<ImTextureID>(static_cast<uintptr_t>(handle)), width,
                          height);
    };
  }
  return deps;
}

std::vector<std::vector<ImVec2>> ToImVec(const std::vector<session::Stroke>& strokes) {
  std::vector<std::vector<ImVec2>> out;
  out.reserve(strokes.size());
  for (const session::Stroke& stroke : strokes) {
    auto& points = out.emplace_back();
    points.reserve(stroke.size());
    for (const session::Point& p : stroke) points.emplace_back(p.x, p.y);
  }
  return out;
}

session::Stroke ToStroke(const std::vector<ImVec2>& points) {
  session::Stroke stroke;
  stroke.reserve(points.size());
  for (const ImVec2& p : points) stroke.push_back({p.x, p.y});
  return stroke;
}

std::set<char32_t> KioskApp::InitialCodepoints() const {
  std::set<char32_t> cps;
  CollectCatalogCodepoints(Cat(), &cps);
  CollectCodepoints(m_deps.strings->AllText(), &cps);
  return cps;
}

ViewModel KioskApp::View() const {
  ViewModel view;
  view.catalog = &Cat();
  view.strings = m_deps.strings;
  view.language = m_language;
  view.session = &m_session;
  view.metrics = &ActiveMetrics();
  view.elder = m_elder;
  view.has_exit_pin = !m_deps.exit_pin_hash.empty();
  view.voice_available = static_cast<bool>(m_say);
  view.can_print = static_cast<bool>(m_print);
  view.has_printer = m_has_printer;
  view.voice_on = m_voice_on;
  view.voice_language = m_voice_language;
  view.pin_locked = m_now_ms < m_pin_locked_until_ms;
  view.list_page = m_list_page;
  view.today = Today();
  view.has_pinyin = m_deps.pinyin != nullptr;
  view.latin_keys =
      m_screen == Screen::kAssistEntry && session::AssistUnlocked(m_session, m_session.focus);
  view.has_handwriting = m_deps.handwriting != nullptr || static_cast<bool>(m_load_handwriting);
  view.staff = &m_staff;
  view.status_locked = m_status.Locked();
  view.kiosk_mode = m_deps.kiosk_mode;
  view.frame = &m_frame;
  view.finder = &m_finder;
  view.has_camera = m_deps.camera != nullptr;
  view.has_imports = m_import_available;
  view.has_phone = m_photos.HasPhone();
  if (const auto sync = SyncState()) view.kiosk_revoked = sync->revoked;
  if (m_deps.id_reader_status) view.id_reader = m_deps.id_reader_status();
  return view;
}

void KioskApp::SetInputMethods(ime::PinyinInput* pinyin, ime::Handwriting* handwriting) {
  m_deps.pinyin = pinyin;
  m_deps.handwriting = handwriting;
  m_dirty = true;
}

void KioskApp::SetPointerPath(const std::vector<platform::InputLayer::Point>& path) {
  m_widget_context.pointer_path.clear();
  for (const auto& p : path) m_widget_context.pointer_path.emplace_back(p.x, p.y);
}

bool KioskApp::TakeDirty() {
  bool dirty = m_dirty;
  m_dirty = false;
  return dirty;
}

void KioskApp::Frame(WidgetRecorder* recorder) {
  m_widget_context.recorder = recorder;
  m_widget_context.metrics = ActiveMetrics();
  m_widget_context.body = m_deps.glyphs->Body();
  m_widget_context.title = m_deps.glyphs->Title();
  m_widget_context.display = m_deps.glyphs->Display();
  SetWidgetContext(&m_widget_context);
  ViewModel view = View();
  std::vector<Intent> intents;
  m_views.at(m_screen)->Draw(view, &intents);
  if (IdleSecondsLeft() >= 0) DrawIdleCountdown(view, &intents);
  SetWidgetContext(nullptr);
  for (const Intent& intent : intents) Apply(intent);
  SpeakIfChanged(false);
}

void KioskApp::SetVoice(SayFn say) {
  m_say = std::move(say);
  m_dirty = true;
}

std::string KioskApp::SpeechText() const {
  ViewModel view = View();
  if (m_session.leave != session::LeaveTo::kNone) {  // "要放弃这份申请吗？" is up
    return JoinSpeech({view.Tr("leave.question"), view.Tr("leave.detail"), view.Tr("leave.keep"),
                       view.Tr("leave.discard")});
  }
  if (IdleSecondsLeft() >= 0) {
    return JoinSpeech(
        {view.Tr("idle.question"),
         view.Fmt("idle.countdown", {{"seconds", std::to_string(m_deps.countdown_s)}})});
  }
  return m_views.at(m_screen)->Speech(view);
}

void KioskApp::SpeakIfChanged(bool force) {
  if (!m_say || !m_voice_on) return;
  std::string text = SpeechText();
  if (text.empty() || (!force && text == m_last_spoken)) return;
  m_last_spoken = text;
  m_last_spoken_language = m_voice_language;
  m_say(text, m_voice_language);
}

bool KioskApp::SessionActive() const {
  if (!m_staff.name.empty()) return false;  // staff sessions have their own timeouts
  return m_screen != Screen::kHome || !m_session.service_code.empty() || m_elder ||
         m_voice_on || m_language != Language::kZhCN ||
         m_voice_language != SpokenLanguage::kMandarin;
}

void KioskApp::NoteActivity(int64_t now_ms) {
  m_now_ms = std::max(m_now_ms, now_ms);
  m_last_activity_ms = m_now_ms;
  if (!m_staff.name.empty()) m_staff.last_activity_ms = m_now_ms;
  if (m_shown_seconds_left >= 0) {
    m_shown_seconds_left = -1;
    m_dirty = true;
  }
}

int KioskApp::IdleSecondsLeft() const {
  if (!SessionActive()) return -1;
  int64_t idle_ms = m_now_ms - m_last_activity_ms;
  int64_t start_ms = static_cast<int64_t>(m_deps.idle_s) * 1000;
  if (idle_ms < start_ms) return -1;
  int64_t left_ms = static_cast<int64_t>(m_deps.countdown_s) * 1000 - (idle_ms - start_ms);
  return left_ms <= 0 ? 0 : static_cast<int>((left_ms + 999) / 1000);
}

void KioskApp::PickUpCatalog() {
  if (m_session.catalog || !m_session.service_code.empty()) return;  // mid-application
  std::optional<std::vector<std::shared_ptr<const Catalog>>> offered;
  if (m_deps.catalog_slot != nullptr) offered = m_deps.catalog_slot->Take();
  if (offered) {
    m_catalogs.resize(1);  // the bundled one stays
    for (auto& published : *offered) m_catalogs.push_back(std::move(published));
  }
  std::shared_ptr<const Catalog> chosen = ChooseCatalog(m_catalogs, Today());
  if (chosen == m_catalog) return;
  std::fprintf(stderr, "catalog: new applications now use version %s (effective %s; was %s)\n",
               chosen->version.c_str(), FormatIsoDate(chosen->EffectiveFrom()).c_str(),
               m_catalog->version.c_str());
  m_catalog = std::move(chosen);
  if (m_deps.glyphs != nullptr) {
    // Its new words need glyphs before they are drawn: main rebuilds the atlas.
    std::set<char32_t> cps;
    CollectCatalogCodepoints(*m_catalog, &cps);
    m_deps.glyphs->Want(cps);
  }
  m_dirty = true;
}

void KioskApp::Tick(int64_t now_ms) {
  m_now_ms = std::max(m_now_ms, now_ms);
  PickUpCatalog();
  if (m_frame.Animating()) m_dirty = true;
  if (session::StaffOutcome out; m_staff_mode.Tick(&out)) {
    FollowStaff(out);
    m_last_activity_ms = m_now_ms;  // the resident countdown starts afresh afterwards
    return;
  }
  PhotoTick();
  TakeIdCard();
  if (!SessionActive()) {
    m_last_activity_ms = m_now_ms;
    m_shown_seconds_left = -1;
    return;
  }
  int left = IdleSecondsLeft();
  if (left == 0) {
    // Nobody answered: everything this resident entered goes, and the next one
    // starts from the home screen.
    EndSession();
    // The next resident starts in Chinese, normal size ("home" keeps them: the same
    // person is still there).
    m_elder = false;
    m_voice_on = false;
    m_voice_language = SpokenLanguage::kMandarin;
    m_language = Language::kZhCN;
    ++m_idle_wipes;
    if (m_deps.store) (void)m_deps.store->AppendAudit("system", "session.idle_wipe", "");
    m_last_activity_ms = m_now_ms;
    m_shown_seconds_left = -1;
    return;
  }
  if (left != m_shown_seconds_left) {
    m_shown_seconds_left = left;
    m_dirty = true;  // redraw the countdown once a second
  }
}

int KioskApp::WakeInMs() const {
  if (m_frame.Animating()) return 16;                // a flick glides at ~60 frames a second
  if (m_screen == Screen::kPhotoCamera) return 100;  // the live preview's next frame
  // The phone page's countdown and arrivals (the worker also wakes the loop on news).
  if (m_screen == Screen::kPhotoPhone) return 250;
  if (!m_staff.name.empty()) {
    int64_t idle_end = m_staff.last_activity_ms + int64_t{m_deps.staff_idle_s} * 1000;
    int64_t hard_end = m_staff.login_ms + int64_t{m_deps.staff_session_s} * 1000;
    return static_cast<int>(std::max<int64_t>(1, std::min(idle_end, hard_end) - m_now_ms));
  }
  if (!SessionActive()) return -1;
  int64_t idle_ms = m_now_ms - m_last_activity_ms;
  int64_t start_ms = static_cast<int64_t>(m_deps.idle_s) * 1000;
  if (idle_ms < start_ms) return static_cast<int>(start_ms - idle_ms);
  int64_t into = idle_ms - start_ms;
  return static_cast<int>(1000 - into % 1000);  // next second of the countdown
}

void KioskApp::DrawIdleCountdown(const ViewModel& view, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  ImGuiIO& io = ImGui::GetIO();
  BeginOverlay("idle");
  float panel_w = io.DisplaySize.x - 2 * m.margin;
  float panel_h = m.title_px * 1.7f + m.body_px * 1.7f + m.button_h + 5 * m.gap;
  ImVec2 p0(m.margin, (io.DisplaySize.y - panel_h) * 0.4f);
  ImGui::GetWindowDrawList()->AddRectFilled(p0, ImVec2(p0.x + panel_w, p0.y + panel_h),
                                            colors::kPanel, 3.0f * m.px_per_mm);
  ImGui::SetCursorScreenPos(ImVec2(p0.x + m.gap * 2, p0.y + m.gap * 2));
  ImGui::BeginGroup();
  float inner_w = panel_w - m.gap * 4;
  Paragraph(view.Tr("idle.question"), Ctx().title, colors::kText, inner_w);
  Paragraph(view.Fmt("idle.countdown", {{"seconds", std::to_string(IdleSecondsLeft())}}),
            Ctx().body, colors::kError, inner_w);
  Gap(1);
  if (TouchButton(view.Tr("idle.continue"), ImVec2(inner_w, m.button_h), ButtonStyle::kPrimary, true,
                  "idle:continue")) {
    out->push_back(intent::StillHere{});
  }
  ImGui::EndGroup();
  EndOverlay();
}

void KioskApp::OnText(const platform::TextEvent& event) {
  if (m_session.focus.empty()) return;
  if (event.is_key) {
    if (event.key == platform::EditKey::kBackspace)
      Apply(session::form_event::Backspace{});
    else
      Apply(intent::KeyDone{});
    return;
  }
  Apply(session::form_event::TypeText{event.text});
}

namespace {

session::Page PageOf(Screen screen) {
  switch (screen) {
    case Screen::kDetail: return session::Page::kDetail;
    case Screen::kForm: return session::Page::kForm;
    case Screen::kReview: return session::Page::kReview;
    case Screen::kReceipt: return session::Page::kReceipt;
    case Screen::kEligibility: return session::Page::kEligibility;
    default: return session::Page::kOther;
  }
}

Screen ScreenOf(session::Page page, Screen otherwise) {
  switch (page) {
    case session::Page::kDetail: return Screen::kDetail;
    case session::Page::kForm: return Screen::kForm;
    case session::Page::kReview: return Screen::kReview;
    case session::Page::kReceipt: return Screen::kReceipt;
    case session::Page::kEligibility: return Screen::kEligibility;
    case session::Page::kOther: return otherwise;
  }
  return otherwise;
}

}  // namespace

void KioskApp::ApplyForm(const session::FormEvent& event) {
  session::FormOutcome out = m_form.Apply(event, PageOf(m_screen));
  if (out.go) m_screen = ScreenOf(*out.go, m_screen);
  if (out.step_opened) RefreshImportAvailable();  // a USB stick may have been plugged in meanwhile
  if (out.submit_error &&
      session::ClassifySubmitError(*out.submit_error) == session::SubmitRefusal::kFull) {
    // Staff see it on the overview; the audit row may have to wait for space too.
    m_storage_full_at = std::chrono::system_clock::now();
    m_storage_audit_pending =
        !m_deps.store->AppendAudit("system", "storage.full", "submit refused").ok();
  }
  if (out.submitted) {
    if (m_storage_audit_pending) {
      m_storage_audit_pending =
          !m_deps.store
               ->AppendAudit("system", "storage.full",
                             "submit refused at " + LocalTimeText(*m_storage_full_at))
               .ok();
    }
    if (m_deps.on_submitted) m_deps.on_submitted();  // committed: the sync thread may send it now
    // No printer: the receipt is saved at once (staff print it at the counter).
    if (!m_has_printer) PrintReceipt();
  }
  if (out.discarded) {
    ReleasePhotos();  // the discarded draft's photos and signature strokes go with it
    m_session.signature_strokes.clear();
  }
  if (out.leave_home) EndSession();
}

void KioskApp::On(const session::FormEvent& event) {
  namespace ev = session::form_event;
  if (const auto* typed = std::get_if<ev::TypeText>(&event)) {
    // Staff name, PIN, search, dates, the status check's number: not the form's.
    session::AuxTyped what = session::AuxTyped::kNone;
    if (session::TypeIntoAux(&m_session, typed->text, &what)) {
      if (what == session::AuxTyped::kDates) m_staff.message.clear();
      if (what == session::AuxTyped::kLookup) m_session.lookup_message.clear();
      return;
    }
    if (RefuseUndrawable(typed->text)) return;  // said under the field, nothing typed
  } else if (std::holds_alternative<ev::Backspace>(event)) {
    if (session::BackspaceAux(&m_session)) return;
  } else if (std::holds_alternative<ev::NextStep>(event) ||
             std::holds_alternative<ev::ToReview>(event)) {
    KeepNameLetters();
  } else if (const auto* focus = std::get_if<ev::Focus>(&event)) {
    if (m_session.focus != focus->field) {
      KeepNameLetters();
      if (const FieldSpec* f = FieldAt(m_session.focus); f && f->type == FieldType::kSignature) {
        FinishSignature();  // moving on keeps what was signed
      }
      ResetIme();
    }
  }
  ApplyForm(event);
}

void KioskApp::Apply(const Intent& intent) {
  m_dirty = true;
  std::visit([this](const auto& e) { On(e); }, intent);
}

void KioskApp::On(const intent::GoHome& /*e*/) {
  if (m_screen == Screen::kStaffExit || m_screen == Screen::kStaffLogin) {
    // Leaving the PIN screen returns to where the gesture was made.
    Wipe(&m_session.pin);
    m_session.pin_message.clear();
    if (auto it = m_session.aux_values.find("staff_name"); it != m_session.aux_values.end()) {
      Wipe(&it->second);
    }
    ResetIme();
    m_session.focus = {};
    m_screen = m_screen_before_staff;
    return;
  }
  // A started draft is not lost by a tap: the form asks first (or ends the session).
  ApplyForm(session::form_event::Leave{session::LeaveTo::kHome, {}});
}

void KioskApp::On(const intent::OpenServices& /*e*/) {
  // 返回 on the details of a service the finder suggested goes back to the suggestions.
  if (m_screen == Screen::kDetail && m_session.finder.page == session::FinderPage::kResults &&
      m_session.finder.chosen) {
    m_session.finder.chosen = false;
    m_screen = Screen::kFinder;
    return;
  }
  m_screen = Screen::kServices;
  m_list_page = 0;
}

void KioskApp::On(const intent::ServicesPage& e) {
  if (e.delta > 0)
    ++m_list_page;
  else if (m_list_page > 0)
    --m_list_page;
}

void KioskApp::On(const intent::Redraw& /*e*/) {}  // Apply() already marked the app dirty

void KioskApp::On(const intent::KeyDone& /*e*/) {
  if (const FieldSpec* f = FieldAt(m_session.focus); f && f->type == FieldType::kSignature) {
    FinishSignature();
  }
  KeepNameLetters();
  ResetIme();
  m_session.focus = {};
}

void KioskApp::On(const intent::StillHere& /*e*/) { NoteActivity(m_now_ms); }

void KioskApp::On(const intent::ToggleElder& /*e*/) {
  m_elder = !m_elder;
  if (m_elder) m_voice_on = true;  // 长者模式 speaks
  // Elderly residents more often write than spell pinyin, and the pad's target is
  // larger than a letter key: open text fields on handwriting.
  if (m_elder && (m_deps.handwriting || m_load_handwriting))
    m_session.ime.mode = ImeMode::kHandwriting;
  m_list_page = 0;
}

void KioskApp::On(const intent::SetLanguage& e) {
  m_language = e.language == Language::kEn ? Language::kEn : Language::kZhCN;
}

void KioskApp::On(const intent::CornerTap& /*e*/) { OnCornerTap(); }

void KioskApp::On(const intent::PinKey& e) {
  if (e.digit.empty()) {
    if (!m_session.pin.empty()) m_session.pin.pop_back();
  } else if (m_session.pin.size() < secret::kMaxPinDigits) {
    m_session.pin += e.digit;
  }
}

void KioskApp::On(const intent::PinSubmit& /*e*/) { CheckPin(); }

void KioskApp::On(const intent::Voice& /*e*/) {
  m_voice_on = true;
  SpeakIfChanged(true);  // the button also repeats
}

void KioskApp::On(const intent::SetVoiceLanguage& e) {
  m_voice_language = e.language == SpokenLanguage::kCantonese ? SpokenLanguage::kCantonese
                                                              : SpokenLanguage::kMandarin;
  m_voice_on = true;     // choosing a voice is asking to hear it
  SpeakIfChanged(true);  // this screen again, in the chosen language
}

void KioskApp::On(const intent::PrintReceipt& /*e*/) { PrintReceipt(); }

void KioskApp::PrintReceipt() {
  if (!m_print) return;
  if (m_screen == Screen::kStaffReceipt) {
    // Staff re-print for a resident who lost the paper: the same receipt, from the
    // stub (nothing personal is on it), each tap one copy.
    if (m_staff.name.empty() || !m_staff.receipt) return;
    const ApplicationStub& stub = *m_staff.receipt;
    m_staff.message = m_print(
        stub.app_number, m_form.ReceiptLines(stub.service_code, LocalTimeText(stub.created_at)));
    // The resident's wording ("ask staff to print it") makes no sense to staff.
    if (m_staff.message == m_deps.strings->Get(m_language, "receipt.no_printer")) {
      m_staff.message = m_deps.strings->Get(m_language, "staff.receipt_saved");
    }
    m_staff.message_is_error = false;
    if (m_deps.store)
      (void)m_deps.store->AppendAudit("staff:" + m_staff.name, "staff.receipt_print",
                                      stub.app_number);
    return;
  }
  if (!m_session.receipt || m_session.receipt->printed) return;  // one copy a tap
  std::vector<std::string> lines =
      m_form.ReceiptLines(m_session.receipt->service_code, m_session.receipt->date_text);
  if (!m_session.receipt->applicant.empty()) {  // masked: surname only
    lines.insert(lines.begin(),
                 View().Fmt("receipt.applicant", {{"name", m_session.receipt->applicant}}));
  }
  m_session.receipt->print_message = m_print(m_session.receipt->app_number, lines);
  // Only a printer that took it makes the button "回执已打印"; a failure can be retried.
  m_session.receipt->printed =
      m_session.receipt->print_message == m_deps.strings->Get(m_language, "receipt.printing");
  if (m_deps.store)
    (void)m_deps.store->AppendAudit("resident", "receipt.print", m_session.receipt->app_number);
}

void KioskApp::OnCornerTap() {
  // Five taps within four seconds open the staff PIN screen.
  m_corner_taps.push_back(m_now_ms);
  std::erase_if(m_corner_taps, [&](int64_t t) { return m_now_ms - t > 4000; });
  if (m_corner_taps.size() >= 5 && m_screen != Screen::kStaffExit &&
      m_screen != Screen::kStaffLogin && m_staff.name.empty()) {
    m_corner_taps.clear();
    m_screen_before_staff = m_screen;
    Wipe(&m_session.pin);
    m_session.pin_message.clear();
    // With staff accounts the gesture opens the staff login; a kiosk that has only
    // the older exit PIN keeps its exit screen.
    Result<int64_t> accounts =
        m_deps.store ? m_deps.store->staff().CountStaffAccounts() : Result<int64_t>(0);
    bool staff_mode = accounts.ok() && *accounts > 0;
    m_screen = staff_mode ? Screen::kStaffLogin : Screen::kStaffExit;
    if (staff_mode) m_session.focus = FieldAddress::Aux("staff_name");
  }
}

void KioskApp::CheckPin() {
  std::string pin = m_session.pin;
  Wipe(&m_session.pin);
  if (m_deps.exit_pin_hash.empty() || m_now_ms < m_pin_locked_until_ms) return;
  bool ok = crypto_pwhash_str_verify(m_deps.exit_pin_hash.c_str(), pin.data(), pin.size()) == 0;
  Wipe(&pin);
  if (ok) {
    m_pin_failures = 0;
    m_exit_requested = true;
    if (m_deps.store) (void)m_deps.store->AppendAudit("staff", "kiosk.exit", "");
    return;
  }
  ++m_pin_failures;
  if (m_deps.store) (void)m_deps.store->AppendAudit("system", "staff.pin_failed", "");
  if (m_pin_failures >= 5) {
    // Five wrong PINs: one minute before the next try.
    m_pin_locked_until_ms = m_now_ms + 60'000;
    m_pin_failures = 0;
    m_session.pin_message = m_deps.strings->Get(m_language, "staff.locked");
  } else {
    m_session.pin_message = m_deps.strings->Get(m_language, "staff.wrong_pin");
  }
}

void KioskApp::TakeIdCard() {
  if (!m_deps.take_card) return;
  idcard::CardRead read;
  if (!m_deps.take_card(&read)) return;
  m_dirty = true;
  // Off the form (or with "要放弃这份申请吗？" up) a card fills nothing: it is dropped, and
  // read again when laid on the reader once more.
  if (m_screen == Screen::kFinder && m_session.leave == session::LeaveTo::kNone &&
      FinderTakesCard(read.text)) {
    idcard::Wipe(&read);
    NoteActivity(m_now_ms);
    return;
  }
  if (m_screen != Screen::kForm || m_session.leave != session::LeaveTo::kNone) {
    idcard::Wipe(&read);
    return;
  }
  session::form_event::CardRead event;
  event.photo_read = m_deps.decode_photo && m_deps.decode_photo(read.wlt_photo);
  event.text = std::move(read.text);
  idcard::Wipe(&read);
  ResetIme();  // the focus moves off whatever was being typed
  const session::FormOutcome out = m_form.Apply(event, PageOf(m_screen));
  idcard::Wipe(&event.text);
  NoteActivity(m_now_ms);  // a card laid down is the resident still being here
  // Said whether or not the resident turned the voice on: it is the answer to laying the
  // card down, and it names fields, never their values.
  if (out.card_said.empty()) return;
  m_last_spoken = out.card_said;
  m_last_spoken_language = m_voice_language;
  if (m_say) m_say(out.card_said, m_voice_language);
}

void KioskApp::EndSession() {
  ReleasePhotos();  // stops the camera, zeroes and deletes the photos' textures
  ResetIme();
  if (m_deps.pinyin) {
    // Rime learnt this resident's words: forget them before the next one comes.
    if (Status s = m_deps.pinyin->WipeUserData(); !s.ok()) {
      std::fprintf(stderr, "pinyin: %s\n", s.error().message.c_str());
    }
  }
  m_form.Wipe();  // draft, attachments, self-check answers, aux values, what a card said
  if (m_deps.discard_card) m_deps.discard_card();  // a card read not yet taken
  Wipe(&m_session.pin);
  m_session = Session{};
  m_screen = Screen::kHome;
  m_list_page = 0;
  m_dirty = true;
}

}  // namespace yimen::ui
