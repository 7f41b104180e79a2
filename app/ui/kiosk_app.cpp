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

namespace yimen::ui {
namespace {

void WipeValues(std::map<std::string, std::string>* values) {
  for (auto& [key, value] : *values) Wipe(&value);
  values->clear();
}

}  // namespace

std::string FieldKey(const std::string& field_id) { return "v:" + field_id; }

std::string GroupFieldKey(const std::string& group_id, size_t index, const std::string& field_id) {
  return "g:" + group_id + ":" + std::to_string(index) + ":" + field_id;
}

const std::string& ViewModel::Text(const LocalizedText& text) const {
  if (language == Language::kEn && !text.en.empty()) return text.en;
  return text.zh;
}

const ServiceSpec* ViewModel::Service() const {
  return catalog->FindService(session->service_code);
}

std::string ViewModel::ValueOf(const std::string& key) const {
  const ApplicationDraft& draft = session->draft;
  if (key.rfind("v:", 0) == 0) {
    auto it = draft.values.find(key.substr(2));
    return it == draft.values.end() ? "" : it->second;
  }
  if (key.rfind("g:", 0) == 0) {
    size_t a = key.find(':', 2), b = key.find(':', a + 1);
    auto g = draft.groups.find(key.substr(2, a - 2));
    size_t index = std::stoul(key.substr(a + 1, b - a - 1));
    if (g == draft.groups.end() || index >= g->second.size()) return "";
    auto it = g->second[index].find(key.substr(b + 1));
    return it == g->second[index].end() ? "" : it->second;
  }
  if (key.rfind("e:", 0) == 0) {
    auto it = session->eligibility_answers.find(key.substr(2));
    return it == session->eligibility_answers.end() ? "" : it->second;
  }
  if (key.rfind("s:", 0) == 0) {
    auto it = session->aux_values.find(key);
    return it == session->aux_values.end() ? "" : it->second;
  }
  return "";
}

KioskApp::KioskApp(Deps deps) : m_deps(std::move(deps)) {
  // The bundled catalog is not owned: a shared_ptr that deletes nothing.
  m_catalogs.push_back(
      std::shared_ptr<const Catalog>(std::shared_ptr<const Catalog>(), m_deps.catalog));
  for (auto& published : m_deps.published_catalogs) m_catalogs.push_back(std::move(published));
  m_deps.published_catalogs.clear();
  m_catalog = ChooseCatalog(m_catalogs, Today());
  m_elder_metrics = ComputeMetrics(m_deps.metrics.px_per_mm, true);
  m_widget_context.glyphs = m_deps.glyphs;
  m_widget_context.metrics = m_deps.metrics;
}

KioskApp::~KioskApp() { EndSession(); }

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
  view.voice_on = m_voice_on;
  view.voice_language = m_voice_language;
  view.pin_locked = m_now_ms < m_pin_locked_until_ms;
  view.list_page = m_list_page;
  view.today = Today();
  view.has_pinyin = m_deps.pinyin != nullptr;
  view.has_handwriting = m_deps.handwriting != nullptr || static_cast<bool>(m_load_handwriting);
  view.staff = &m_staff;
  view.status_locked = m_now_ms < m_lookup_locked_until_ms;
  view.kiosk_mode = m_deps.kiosk_mode;
  view.has_camera = m_deps.camera != nullptr;
  view.has_imports = m_import_available;
  if (const auto sync = SyncState()) view.kiosk_revoked = sync->revoked;
  return view;
}

void KioskApp::SetInputMethods(ime::PinyinInput* pinyin, ime::Handwriting* handwriting) {
  m_deps.pinyin = pinyin;
  m_deps.handwriting = handwriting;
  m_dirty = true;
}

void KioskApp::RecognizeStrokes() {
  ImeState& ime = m_session.ime;
  ime.candidates.clear();
  ime.page = 0;
  if (ime.strokes.empty() || !Recognizer()) return;
  std::vector<ime::Stroke> strokes;
  for (const auto& stroke : ime.strokes) {
    ime::Stroke out;
    for (const ImVec2& p : stroke) out.push_back({p.x, p.y});
    strokes.push_back(std::move(out));
  }
  ime.candidates = Recognizer()->Recognize(strokes, ime.pad_size.x, ime.pad_size.y, 12);
  // Characters the font cannot draw are no use to the resident.
  std::erase_if(ime.candidates, [&](const std::string& c) {
    return m_deps.glyphs && !m_deps.glyphs->CanDrawAll(c);
  });
}

ime::Handwriting* KioskApp::Recognizer() {
  if (!m_deps.handwriting && m_load_handwriting) {
    m_deps.handwriting = m_load_handwriting();
    if (!m_deps.handwriting) m_load_handwriting = nullptr;  // failed: say so once, stop trying
  }
  return m_deps.handwriting;
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
  switch (m_screen) {
    case Screen::kHome: DrawHomeScreen(view, &intents); break;
    case Screen::kServices: DrawServicesScreen(view, &intents); break;
    case Screen::kDetail: DrawDetailScreen(view, &intents); break;
    case Screen::kForm: DrawFormScreen(view, &intents); break;
    case Screen::kReview: DrawReviewScreen(view, &intents); break;
    case Screen::kReceipt: DrawReceiptScreen(view, &intents); break;
    case Screen::kStaffExit: DrawStaffExitScreen(view, &intents); break;
    case Screen::kEligibility: DrawEligibilityScreen(view, &intents); break;
    case Screen::kStaffLogin: DrawStaffLoginScreen(view, &intents); break;
    case Screen::kStaffHome: DrawStaffHomeScreen(view, &intents); break;
    case Screen::kStaffList: DrawStaffListScreen(view, &intents); break;
    case Screen::kStaffReceipt: DrawStaffReceiptScreen(view, &intents); break;
    case Screen::kStaffQueue: DrawStaffQueueScreen(view, &intents); break;
    case Screen::kStatusQuery: DrawStatusQueryScreen(view, &intents); break;
    case Screen::kStatusResult: DrawStatusResultScreen(view, &intents); break;
    case Screen::kPhotoCamera: DrawPhotoCameraScreen(view, &intents); break;
    case Screen::kPhotoImport: DrawPhotoImportScreen(view, &intents); break;
  }
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
  const ServiceSpec* service = Cat().FindService(m_session.service_code);
  std::string text;
  auto add = [&](const std::string& part) {
    if (part.empty()) return;
    if (!text.empty()) text += "。";
    text += part;
  };
  if (IdleSecondsLeft() >= 0) {
    add(view.Tr("idle.question"));
    add(view.Fmt("idle.countdown", {{"seconds", std::to_string(m_deps.countdown_s)}}));
    return text;
  }
  switch (m_screen) {
    case Screen::kHome:
      add(view.Tr("home.welcome"));
      break;
    case Screen::kServices:
      add(view.Tr("services.title"));
      break;
    case Screen::kDetail:
      if (service) {
        add(view.Text(service->name));
        add(view.Text(service->summary));
      }
      break;
    case Screen::kForm: {
      if (!service) break;
      const StepSpec& step = service->form.steps[m_session.step];
      add(view.Fmt("form.progress", {{"step", std::to_string(m_session.step + 1)},
                                     {"total", std::to_string(service->form.steps.size())},
                                     {"title", view.Text(step.title)}}));
      add(m_session.banner);
      for (const auto& [key, message] : m_session.errors) add(message);
      if (m_session.errors.empty() && m_session.banner.empty()) add(view.Text(step.hint));
      if (const FieldSpec* field = FieldForKey(m_session.focus)) {
        add(view.Text(field->label));
        add(view.Text(field->hint));
      }
      break;
    }
    case Screen::kReview:
      add(view.Tr("review.title"));
      add(view.Tr("review.hint"));
      add(m_session.banner);
      break;
    case Screen::kReceipt:
      add(view.Tr("receipt.title"));
      if (m_session.receipt) {
        add(view.Tr("receipt.number"));
        add(m_session.receipt->app_number);
      }
      add(view.Tr("receipt.keep"));
      break;
    case Screen::kEligibility:
      if (service) add(view.Text(service->name));
      add(view.Tr("elig_screen.title"));
      break;
    case Screen::kStatusQuery:
      add(view.Tr("status.title"));
      add(view.Tr("status.hint"));
      add(m_session.lookup_message);
      break;
    case Screen::kStatusResult:
      add(view.Tr("status.result_title"));
      if (m_session.lookup) {
        add(StatusText(view, m_session.lookup->status, m_session.lookup->sync_state));
      }
      break;
    case Screen::kPhotoCamera:
      if (const FieldSpec* field = FieldForKey(m_session.photos.target)) add(view.Text(field->label));
      add(view.Tr(m_session.photos.camera_failed ? "photo.camera_failed" : "photo.camera_hint"));
      add(m_session.photos.message);
      break;
    case Screen::kPhotoImport:
      add(view.Tr("photo.import_title"));
      add(view.Tr(m_session.photos.imports.empty() ? "photo.import_empty" : "photo.import_hint"));
      add(m_session.photos.message);
      break;
    case Screen::kStaffExit:
    case Screen::kStaffLogin:
    case Screen::kStaffHome:
    case Screen::kStaffList:
    case Screen::kStaffReceipt:
    case Screen::kStaffQueue:
      break;  // staff screens are not read aloud
  }
  return text;
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
  if (ScrollAnimating()) m_dirty = true;
  if (StaffTick()) return;
  PhotoTick();
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
  if (ScrollAnimating()) return 16;  // a flick glides at ~60 frames a second
  if (m_screen == Screen::kPhotoCamera) return 100;  // the live preview's next frame
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
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  ImGui::SetNextWindowFocus();
  ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0, 0, 0, 0.55f));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0);
  ImGui::Begin("idle", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                    ImGuiWindowFlags_NoSavedSettings);
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
    out->push_back({Intent::Kind::kStillHere});
  }
  ImGui::EndGroup();
  ImGui::End();
  ImGui::PopStyleVar();
  ImGui::PopStyleColor();
}

std::string* KioskApp::ValueSlot(const std::string& key) {
  ApplicationDraft& draft = m_session.draft;
  if (key.rfind("v:", 0) == 0) return &draft.values[key.substr(2)];
  if (key.rfind("g:", 0) == 0) {
    size_t a = key.find(':', 2), b = key.find(':', a + 1);
    auto& items = draft.groups[key.substr(2, a - 2)];
    size_t index = std::stoul(key.substr(a + 1, b - a - 1));
    if (index >= items.size()) return nullptr;
    return &items[index][key.substr(b + 1)];
  }
  if (key.rfind("e:", 0) == 0) return &m_session.eligibility_answers[key.substr(2)];
  return nullptr;
}

const FieldSpec* KioskApp::FieldForKey(const std::string& key) const {
  const ServiceSpec* service = Cat().FindService(m_session.service_code);
  if (!service) return nullptr;
  if (key.rfind("v:", 0) == 0) return service->FindField(key.substr(2));
  if (key.rfind("g:", 0) == 0) {
    size_t a = key.find(':', 2), b = key.find(':', a + 1);
    const GroupSpec* group = service->FindGroup(key.substr(2, a - 2));
    return group ? group->FindField(key.substr(b + 1)) : nullptr;
  }
  if (key.rfind("e:", 0) == 0 && service->eligibility) {
    return service->eligibility->FindQuestion(key.substr(2));
  }
  return nullptr;
}

void KioskApp::OnText(const platform::TextEvent& event) {
  if (m_session.focus.empty()) return;
  if (event.is_key) {
    if (event.key == platform::EditKey::kBackspace) Apply({Intent::Kind::kKeyBackspace});
    else Apply({Intent::Kind::kKeyDone});
    return;
  }
  Apply({Intent::Kind::kKeyText, "", event.text});
}

void KioskApp::SetFocusedValue(const std::string& value) {
  std::string* slot = ValueSlot(m_session.focus);
  if (!slot) return;
  Wipe(slot);
  *slot = value;
  m_session.errors.erase(m_session.focus);
}

void KioskApp::ValidateCurrentStep(bool* ok) {
  const ServiceSpec* service = Cat().FindService(m_session.service_code);
  m_session.errors.clear();
  m_session.banner.clear();
  std::vector<FieldIssue> issues =
      ValidateStep(*service, Cat().region, m_session.step, m_session.draft, Today());
  ViewModel view = View();
  for (const FieldIssue& issue : issues) {
    std::map<std::string, std::string> params = issue.params;
    std::string key;
    const FieldSpec* field = nullptr;
    if (issue.group_id.empty()) {
      key = FieldKey(issue.field_id);
      field = service->FindField(issue.field_id);
    } else if (issue.group_index < 0) {
      key = "group:" + issue.group_id;
      if (const GroupSpec* g = service->FindGroup(issue.group_id)) params["field"] = view.Text(g->item_title);
    } else {
      key = GroupFieldKey(issue.group_id, static_cast<size_t>(issue.group_index), issue.field_id);
      if (const GroupSpec* g = service->FindGroup(issue.group_id)) field = g->FindField(issue.field_id);
    }
    if (field && !params.count("field")) params["field"] = view.Text(field->label);
    if (m_session.errors.count(key)) continue;
    if (field && field->type == FieldType::kPhoto && issue.message_key == msg::kRequired) {
      // A required material photo names the material ("请给居民身份证拍照或导入照片"),
      // not the slot's label.
      std::string material = view.Text(field->label);
      for (const Material& m : service->materials) {
        if (m.id == field->material) material = view.Text(m.name);
      }
      m_session.errors[key] = view.Fmt("photo.required", {{"material", material}});
      continue;
    }
    m_session.errors[key] = m_deps.strings->Format(m_language, std::string(issue.message_key), params);
  }
  *ok = m_session.errors.empty();
  if (!*ok) {
    m_session.banner = View().Fmt("form.fix_errors", {{"count", std::to_string(m_session.errors.size())}});
  }
}

void KioskApp::Apply(const Intent& intent) {
  m_dirty = true;
  if (ApplyStaffIntent(intent)) return;
  if (ApplyPhotoIntent(intent)) return;
  const ServiceSpec* service = Cat().FindService(m_session.service_code);
  // Any edit makes a shown self-check result stale.
  if (intent.kind == Intent::Kind::kSetValue || intent.kind == Intent::Kind::kKeyText ||
      intent.kind == Intent::Kind::kKeyBackspace) {
    m_session.eligibility_checked = false;
  }
  switch (intent.kind) {
    case Intent::Kind::kGoHome:
      if (m_screen == Screen::kStaffExit || m_screen == Screen::kStaffLogin) {
        // Leaving the PIN screen returns to where the gesture was made.
        Wipe(&m_session.pin);
        m_session.pin_message.clear();
        if (auto it = m_session.aux_values.find("s:staff_name"); it != m_session.aux_values.end()) {
          Wipe(&it->second);
        }
        ResetIme();
        m_session.focus.clear();
        m_screen = m_screen_before_staff;
        return;
      }
      EndSession();
      return;
    case Intent::Kind::kOpenServices:
      m_screen = Screen::kServices;
      m_list_page = 0;
      return;
    case Intent::Kind::kOpenService:
      if (!Cat().FindService(intent.key)) return;
      m_session.service_code = intent.key;
      m_screen = Screen::kDetail;
      return;
    case Intent::Kind::kStartForm:
      // A form is filled against the catalog version in use when it starts.
      ReleasePhotos();
      WipeValues(&m_session.draft.attachments);
      WipeValues(&m_session.draft.values);
      m_session.draft = ApplicationDraft{};
      m_session.draft.service_code = m_session.service_code;
      m_session.catalog = m_catalog;
      m_session.draft.catalog_version = m_catalog->version;
      m_session.step = 0;
      m_session.focus.clear();
      m_session.errors.clear();
      m_session.banner.clear();
      m_session.submitting = false;
      m_screen = Screen::kForm;
      RefreshImportAvailable();
      return;
    case Intent::Kind::kFocus:
      if (m_session.focus != intent.key) {
        if (const FieldSpec* f = FieldForKey(m_session.focus); f && f->type == FieldType::kSignature) {
          FinishSignature();  // moving on keeps what was signed
        }
        ResetIme();
      }
      m_session.focus = intent.key;
      return;
    case Intent::Kind::kSetValue: {
      std::string previous_focus = m_session.focus;
      m_session.focus = intent.key;
      SetFocusedValue(intent.value);
      m_session.focus = previous_focus;
      // A new town invalidates the community chosen under the old one.
      if (const FieldSpec* field = FieldForKey(intent.key); field && field->type == FieldType::kTown && service) {
        std::string prefix = intent.key.substr(0, intent.key.rfind(':') + 1);
        auto clear_dependants = [&](const std::vector<FieldSpec>& fields) {
          for (const FieldSpec& f : fields) {
            if (f.type == FieldType::kCommunity && f.town_field == field->id) {
              if (std::string* slot = ValueSlot(prefix + f.id)) Wipe(slot);
            }
          }
        };
        for (const StepSpec& step : service->form.steps) {
          clear_dependants(step.fields);
          if (step.group) clear_dependants(step.group->fields);
        }
      }
      return;
    }
    case Intent::Kind::kKeyText: {
      std::string* slot = ValueSlot(m_session.focus);
      const FieldSpec* field = FieldForKey(m_session.focus);
      if (!slot || !field) return;
      std::string text = intent.value;
      if (field->type == FieldType::kDate) {  // digits only; the dashes come by themselves
        *slot = MaskDateInput(*slot + text);
        m_session.errors.erase(m_session.focus);
        return;
      }
      if (field->type == FieldType::kIdNumber) {
        for (char& c : text) if (c == 'x') c = 'X';
        if (CountCodepoints(*slot) + CountCodepoints(text) > 18) return;
      }
      if (field->max_length && static_cast<int>(CountCodepoints(*slot) + CountCodepoints(text)) > *field->max_length) {
        return;
      }
      slot->append(text);
      m_session.errors.erase(m_session.focus);
      return;
    }
    case Intent::Kind::kKeyBackspace: {
      std::string* slot = ValueSlot(m_session.focus);
      if (!slot || slot->empty()) return;
      if (const FieldSpec* field = FieldForKey(m_session.focus); field && field->type == FieldType::kDate) {
        *slot = MaskDateBackspace(*slot);
        return;
      }
      size_t cut = slot->size() - 1;
      while (cut > 0 && (static_cast<unsigned char>((*slot)[cut]) & 0xC0) == 0x80) --cut;
      sodium_memzero(slot->data() + cut, slot->size() - cut);
      slot->resize(cut);
      return;
    }
    case Intent::Kind::kKeyDone:
      if (const FieldSpec* f = FieldForKey(m_session.focus); f && f->type == FieldType::kSignature) {
        FinishSignature();
      }
      ResetIme();
      m_session.focus.clear();
      return;
    case Intent::Kind::kImeLetter: {
      ImeState& ime = m_session.ime;
      if (ime.mode == ImeMode::kPinyin && m_deps.pinyin && intent.value.size() == 1) {
        m_deps.pinyin->Key(intent.value[0]);
        RefreshPinyin();
      } else {
        InsertIntoFocused(intent.value);
      }
      return;
    }
    case Intent::Kind::kImeBackspace:
      if (m_session.ime.mode == ImeMode::kPinyin && m_deps.pinyin && m_deps.pinyin->Backspace()) {
        RefreshPinyin();
        return;
      }
      if (m_session.ime.mode == ImeMode::kHandwriting && !m_session.ime.strokes.empty()) {
        m_session.ime.strokes.pop_back();  // undo the last stroke first
        RecognizeStrokes();  // re-recognise what is left
        return;
      }
      Apply({Intent::Kind::kKeyBackspace});
      return;
    case Intent::Kind::kImeCandidate: {
      ImeState& ime = m_session.ime;
      if (intent.index < 0 || static_cast<size_t>(intent.index) >= ime.candidates.size()) return;
      if (ime.mode == ImeMode::kPinyin && m_deps.pinyin) {
        InsertIntoFocused(m_deps.pinyin->Select(static_cast<size_t>(intent.index)));
        RefreshPinyin();
      } else {
        InsertIntoFocused(ime.candidates[static_cast<size_t>(intent.index)]);
        ime.strokes.clear();
        ime.candidates.clear();
        ime.page = 0;
      }
      return;
    }
    case Intent::Kind::kImePage: {
      ImeState& ime = m_session.ime;
      if (intent.index > 0) ime.page += 1;
      else if (ime.page > 0) ime.page -= 1;
      return;
    }
    case Intent::Kind::kImeMode:
      ResetIme();
      m_session.ime.mode = static_cast<ImeMode>(std::clamp(intent.index, 0, 2));
      return;
    case Intent::Kind::kStrokeDone: {
      ImeState& ime = m_session.ime;
      if (intent.points.empty()) return;
      if (const FieldSpec* f = FieldForKey(m_session.focus); f && f->type == FieldType::kSignature) {
        m_session.signature_strokes[m_session.focus].push_back(intent.points);
        m_session.signature_pad = intent.area;
        return;
      }
      ime.strokes.push_back(intent.points);
      ime.pad_size = intent.area;
      RecognizeStrokes();
      return;
    }
    case Intent::Kind::kPrintReceipt: {
      if (!m_print) return;
      if (m_screen == Screen::kStaffReceipt) {
        // Staff re-print for a resident who lost the paper: the same receipt, from the
        // stub (nothing personal is on it), each tap one copy.
        if (m_staff.name.empty() || !m_staff.receipt) return;
        const ApplicationStub& stub = *m_staff.receipt;
        m_staff.message = m_print(stub.app_number,
                                  ReceiptLines(stub.service_code, LocalTimeText(stub.created_at)));
        // The resident's wording ("ask staff to print it") makes no sense to staff.
        if (m_staff.message == m_deps.strings->Get(m_language, "receipt.no_printer")) {
          m_staff.message = m_deps.strings->Get(m_language, "staff.receipt_saved");
        }
        m_staff.message_is_error = false;
        if (m_deps.store) (void)m_deps.store->AppendAudit("staff:" + m_staff.name, "staff.receipt_print", stub.app_number);
        return;
      }
      if (!m_session.receipt || m_session.receipt->printed) return;  // one copy a tap
      std::vector<std::string> lines = ReceiptLines(m_session.receipt->service_code, m_session.receipt->date_text);
      if (!m_session.receipt->applicant.empty()) {  // masked: surname only
        lines.insert(lines.begin(), View().Fmt("receipt.applicant", {{"name", m_session.receipt->applicant}}));
      }
      m_session.receipt->print_message = m_print(m_session.receipt->app_number, lines);
      m_session.receipt->printed = true;
      if (m_deps.store) (void)m_deps.store->AppendAudit("resident", "receipt.print", m_session.receipt->app_number);
      return;
    }
    case Intent::Kind::kVoice:
      m_voice_on = true;
      SpeakIfChanged(true);  // the button also repeats
      return;
    case Intent::Kind::kSetVoiceLanguage:
      m_voice_language = intent.index == static_cast<int>(SpokenLanguage::kCantonese)
                             ? SpokenLanguage::kCantonese
                             : SpokenLanguage::kMandarin;
      m_voice_on = true;     // choosing a voice is asking to hear it
      SpeakIfChanged(true);  // this screen again, in the chosen language
      return;
    case Intent::Kind::kToggleElder:
      m_elder = !m_elder;
      if (m_elder) m_voice_on = true;  // 长者模式 speaks
      // Elderly residents more often write than spell pinyin, and the pad's target is
      // larger than a letter key: open text fields on handwriting.
      if (m_elder && (m_deps.handwriting || m_load_handwriting)) m_session.ime.mode = ImeMode::kHandwriting;
      m_list_page = 0;
      return;
    case Intent::Kind::kSetLanguage:
      m_language = intent.index == static_cast<int>(Language::kEn) ? Language::kEn : Language::kZhCN;
      return;
    case Intent::Kind::kPage:
      if (intent.index > 0) ++m_list_page;
      else if (m_list_page > 0) --m_list_page;
      return;
    case Intent::Kind::kCornerTap: {
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
        if (staff_mode) m_session.focus = "s:staff_name";
      }
      return;
    }
    case Intent::Kind::kPinKey:
      if (intent.value.empty()) {
        if (!m_session.pin.empty()) m_session.pin.pop_back();
      } else if (m_session.pin.size() < secret::kMaxPinDigits) {
        m_session.pin += intent.value;
      }
      return;
    case Intent::Kind::kPinSubmit:
      CheckPin();
      return;
    case Intent::Kind::kRedraw:
      return;  // Apply() already marked the app dirty
    case Intent::Kind::kStillHere:
      NoteActivity(m_now_ms);
      return;
    case Intent::Kind::kStrokesClear:
      if (const FieldSpec* f = FieldForKey(m_session.focus); f && f->type == FieldType::kSignature) {
        m_session.signature_strokes.erase(m_session.focus);
        return;
      }
      m_session.ime.strokes.clear();
      m_session.ime.candidates.clear();
      m_session.ime.page = 0;
      return;
    case Intent::Kind::kNextStep: {
      bool ok = false;
      ValidateCurrentStep(&ok);
      if (!ok || !service) return;
      if (m_session.step + 1 < service->form.steps.size()) ++m_session.step;
      m_session.focus.clear();
      RefreshImportAvailable();  // a USB stick may have been plugged in meanwhile
      return;
    }
    case Intent::Kind::kPrevStep:
      m_session.errors.clear();
      m_session.banner.clear();
      m_session.focus.clear();
      if (m_session.step == 0) {
        m_screen = Screen::kDetail;
      } else {
        --m_session.step;
      }
      return;
    case Intent::Kind::kToReview: {
      if (!service) return;
      // Every step must pass; stop at the first one that does not.
      for (size_t i = 0; i < service->form.steps.size(); ++i) {
        m_session.step = i;
        bool ok = false;
        ValidateCurrentStep(&ok);
        if (!ok) return;
      }
      m_session.focus.clear();
      m_session.review_revealed = false;
      m_screen = Screen::kReview;
      return;
    }
    case Intent::Kind::kEditStep:
      if (!service || intent.index < 0 || static_cast<size_t>(intent.index) >= service->form.steps.size()) return;
      m_session.step = static_cast<size_t>(intent.index);
      m_session.banner.clear();
      m_session.review_revealed = false;
      m_screen = Screen::kForm;
      RefreshImportAvailable();
      return;
    case Intent::Kind::kToggleReveal:
      if (m_screen == Screen::kReview) m_session.review_revealed = !m_session.review_revealed;
      return;
    case Intent::Kind::kAddMember: {
      const GroupSpec* group = service ? service->FindGroup(intent.key) : nullptr;
      if (!group) return;
      auto& items = m_session.draft.groups[group->id];
      if (static_cast<int>(items.size()) >= group->max) return;
      items.emplace_back();
      m_session.errors.erase("group:" + group->id);
      m_session.focus = GroupFieldKey(group->id, items.size() - 1, group->fields.front().id);
      return;
    }
    case Intent::Kind::kRemoveMember: {
      auto it = m_session.draft.groups.find(intent.key);
      if (it == m_session.draft.groups.end() || intent.index < 0 ||
          static_cast<size_t>(intent.index) >= it->second.size()) {
        return;
      }
      WipeValues(&it->second[static_cast<size_t>(intent.index)]);
      it->second.erase(it->second.begin() + intent.index);
      m_session.errors.clear();
      m_session.focus.clear();
      return;
    }
    case Intent::Kind::kOpenEligibility:
      if (!service || !service->eligibility) return;
      m_session.focus.clear();
      m_session.errors.clear();
      m_session.banner.clear();
      m_session.eligibility_checked = false;
      m_screen = Screen::kEligibility;
      return;
    case Intent::Kind::kCheckEligibility: {
      if (!service || !service->eligibility) return;
      m_session.focus.clear();
      m_session.errors.clear();
      m_session.banner.clear();
      ViewModel view = View();
      for (const FieldIssue& issue : ValidateEligibilityAnswers(
               *service, Cat().region, m_session.eligibility_answers, Today())) {
        const FieldSpec* question = service->eligibility->FindQuestion(issue.field_id);
        std::map<std::string, std::string> params = issue.params;
        if (question) params["field"] = view.Text(question->label);
        m_session.errors.emplace("e:" + issue.field_id,
                                 m_deps.strings->Format(m_language, issue.message_key, params));
      }
      m_session.eligibility_checked = m_session.errors.empty();
      if (!m_session.eligibility_checked) {
        m_session.banner = view.Fmt("form.fix_errors", {{"count", std::to_string(m_session.errors.size())}});
      }
      return;
    }
    case Intent::Kind::kStaffLogin:
    case Intent::Kind::kStaffLogout:
    case Intent::Kind::kStaffNav:
    case Intent::Kind::kStaffPicker:
    case Intent::Kind::kStaffSetFilter:
    case Intent::Kind::kStaffSearch:
    case Intent::Kind::kStaffNeedRows:
    case Intent::Kind::kStaffShowReceipt:
    case Intent::Kind::kStaffExport:
    case Intent::Kind::kOpenStatusQuery:
    case Intent::Kind::kStatusLookup:
    case Intent::Kind::kPhotoCamera:
    case Intent::Kind::kPhotoImport:
    case Intent::Kind::kPhotoShutter:
    case Intent::Kind::kPhotoPick:
    case Intent::Kind::kPhotoDelete:
    case Intent::Kind::kPhotoCancel:
      return;  // ApplyStaffIntent / ApplyPhotoIntent took them (kiosk_app_staff.cpp, kiosk_app_photo.cpp)
    case Intent::Kind::kSubmit:
      if (m_session.submitting || m_screen != Screen::kReview) return;  // no double submit
      m_session.submitting = true;
      Submit();
      return;
  }
}

std::vector<std::string> KioskApp::ReceiptLines(const std::string& service_code,
                                                const std::string& date_text) const {
  const ServiceSpec* s = Cat().FindService(service_code);
  ViewModel view = View();
  std::vector<std::string> lines;
  if (s) {
    lines.push_back(view.Fmt("receipt.service", {{"service", view.Text(s->name)}}));
    lines.push_back(view.Fmt("receipt.date", {{"date", date_text}}));
    lines.push_back(view.Fmt("receipt.time", {{"days", std::to_string(s->time_limit_days)}}));
    lines.push_back(view.Tr("receipt.bring"));
    for (const Material& material : s->materials) {
      std::string line = "· " + view.Text(material.name);
      if (!material.required) line += view.Tr("detail.material_optional");
      lines.push_back(line);
    }
  }
  lines.push_back(view.Tr("receipt.keep"));
  return lines;
}

void KioskApp::Submit() {
  const ServiceSpec* service = Cat().FindService(m_session.service_code);
  // What was typed under a branch the resident later left is not part of the application.
  DropHiddenValues(*service, &m_session.draft);
  const int64_t now_s = WallMs() / 1000;
  const CivilDate today = ChinaDateAt(now_s);
  std::vector<FieldIssue> issues = ValidateDraft(*service, Cat().region, m_session.draft, today);
  if (!issues.empty()) {
    m_session.submitting = false;
    m_session.banner = View().Fmt("form.fix_errors", {{"count", std::to_string(issues.size())}});
    return;
  }
  std::string name;
  std::string id_number;  // the applicant's: its last 6 characters key the status look-up
  for (const StepSpec& step : service->form.steps) {
    for (const FieldSpec& field : step.fields) {
      if (field.type == FieldType::kChineseName && name.empty()) name = m_session.draft.values[field.id];
      if (field.type == FieldType::kIdNumber && id_number.empty()) {
        auto it = m_session.draft.values.find(field.id);
        if (it != m_session.draft.values.end()) id_number = it->second;
      }
    }
  }
  NewApplication application;
  application.service_code = service->code;
  application.catalog_version = m_session.draft.catalog_version;
  application.masked_name = MaskName(name);
  // The receipt (screen and paper) keeps the surname only: it leaves the hall.
  std::string applicant = SurnameOnly(name);
  Wipe(&name);
  application.payload = DraftToJson(m_session.draft).dump();
  // One instant for the validation above, the number's date and submitted_at, so the
  // server's re-validation (server/sealed_payload.h) reads the same civil date.
  application.created_date = today;
  application.created_at_iso = IsoUtc(now_s);
  if (id_number.size() >= 6) application.id_last6 = id_number.substr(id_number.size() - 6);
  auto submitted = m_deps.store->applications().Submit(application);
  Wipe(&application.payload);
  Wipe(&application.id_last6);
  Wipe(&id_number);
  if (!submitted.ok()) {
    // Nothing was committed, so no receipt; the resident's input stays for a retry.
    m_session.submitting = false;
    const std::string& why = submitted.error().message;
    const bool full = why.find("full") != std::string::npos;
    // No server key (never enrolled nor provisioned, or the key was retired): nothing
    // can be stored unsealed, so the kiosk says it is not ready yet.
    const bool no_key = why.rfind("no sealing key", 0) == 0;
    m_session.banner = m_deps.strings->Get(
        m_language, no_key ? "error.not_provisioned" : full ? "error.disk_full" : "error.submit_failed");
    std::fprintf(stderr, "submit failed: %s\n", submitted.error().message.c_str());
    if (full) {
      // Staff see it on the overview; the audit row may have to wait for space too.
      m_storage_full_at = std::chrono::system_clock::now();
      m_storage_audit_pending = !m_deps.store->AppendAudit("system", "storage.full", "submit refused").ok();
    }
    return;
  }
  if (m_storage_audit_pending) {
    m_storage_audit_pending =
        !m_deps.store->AppendAudit("system", "storage.full", "submit refused at " + LocalTimeText(*m_storage_full_at)).ok();
  }
  ReceiptInfo receipt;
  receipt.app_number = submitted->app_number;
  receipt.service_code = service->code;
  receipt.date_text = FormatIsoDate(application.created_date);
  receipt.applicant = std::move(applicant);
  // The store holds only the sealed form now; the session copy goes at once,
  // photos and signatures included.
  WipeValues(&m_session.draft.values);
  WipeValues(&m_session.draft.attachments);
  for (auto& [id, items] : m_session.draft.groups) {
    for (auto& item : items) WipeValues(&item);
  }
  m_session.draft.groups.clear();
  m_session.receipt = receipt;
  m_session.submitting = false;
  m_screen = Screen::kReceipt;
  if (m_deps.on_submitted) m_deps.on_submitted();  // committed: the sync thread may send it now
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

void KioskApp::FinishSignature() {
  auto it = m_session.signature_strokes.find(m_session.focus);
  if (it == m_session.signature_strokes.end() || it->second.empty()) return;
  // The strokes as text on a 0..1000 square (tests/data/handwriting format), and a
  // reference to them made from their hash.
  float w = std::max(1.0f, m_session.signature_pad.x), h = std::max(1.0f, m_session.signature_pad.y);
  std::string text;
  for (const auto& stroke : it->second) {
    for (size_t i = 0; i < stroke.size(); ++i) {
      char point[32];
      std::snprintf(point, sizeof point, "%s%d,%d", i ? " " : "",
                    static_cast<int>(std::clamp(stroke[i].x / w * 1000.0f, 0.0f, 1000.0f)),
                    static_cast<int>(std::clamp(stroke[i].y / h * 1000.0f, 0.0f, 1000.0f)));
      text += point;
    }
    text += "\n";
  }
  unsigned char digest[16];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(text.data()),
                     text.size(), nullptr, 0);
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  std::string ref = std::string(kSignatureRefPrefix) + hex;
  std::string* slot = ValueSlot(m_session.focus);
  if (!slot) return;
  if (!slot->empty()) {  // a re-signed field: the old strokes go, wiped
    auto old = m_session.draft.attachments.find(*slot);
    if (old != m_session.draft.attachments.end()) {
      Wipe(&old->second);
      m_session.draft.attachments.erase(old);
    }
  }
  m_session.draft.attachments[ref] = std::move(text);
  *slot = ref;
  m_session.errors.erase(m_session.focus);
  m_session.signature_strokes.erase(it);
}

void KioskApp::ResetIme() {
  ImeState& ime = m_session.ime;
  if (m_deps.pinyin) m_deps.pinyin->Clear();
  for (std::string& c : ime.candidates) Wipe(&c);
  ime.candidates.clear();
  Wipe(&ime.preedit);
  ime.strokes.clear();
  ime.page = 0;
  ResetStrokePad();
}

void KioskApp::RefreshPinyin() {
  ImeState& ime = m_session.ime;
  ime.preedit = m_deps.pinyin->Preedit();
  ime.candidates = m_deps.pinyin->Candidates();
  ime.page = 0;
}

void KioskApp::InsertIntoFocused(const std::string& text) {
  if (text.empty() || m_session.focus.empty()) return;
  Apply({Intent::Kind::kKeyText, "", text});
}

void KioskApp::EndSession() {
  ReleasePhotos();  // stops the camera, zeroes and deletes the photos' textures
  WipeValues(&m_session.draft.attachments);
  ResetIme();
  if (m_deps.pinyin) {
    // Rime learnt this resident's words: forget them before the next one comes.
    if (Status s = m_deps.pinyin->WipeUserData(); !s.ok()) {
      std::fprintf(stderr, "pinyin: %s\n", s.error().message.c_str());
    }
  }
  WipeValues(&m_session.eligibility_answers);
  WipeValues(&m_session.aux_values);
  Wipe(&m_session.pin);
  WipeValues(&m_session.draft.values);
  for (auto& [id, items] : m_session.draft.groups) {
    for (auto& item : items) WipeValues(&item);
  }
  m_session = Session{};
  m_screen = Screen::kHome;
  m_list_page = 0;
  m_dirty = true;
}

}  // namespace yimen::ui
