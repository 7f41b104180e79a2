// The view model's behaviour: intents in, state changes and store calls out. Nothing
// here draws; screens in screens/ do.
#include "ui/kiosk_app.h"

#include <imgui.h>
#include <sodium.h>

#include <ctime>

#include "domain/eligibility.h"
#include "domain/utf8.h"
#include "platform/glyph_atlas.h"
#include "store/store.h"

namespace yimen::ui {
namespace {

CivilDate TodayLocal() {
  std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return CivilDate{local.tm_year + 1900, local.tm_mon + 1, local.tm_mday};
}

std::string NowUtcIso() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

void Wipe(std::string* s) {
  if (!s->empty()) sodium_memzero(s->data(), s->size());
  s->clear();
  s->shrink_to_fit();
}

void WipeValues(std::map<std::string, std::string>* values) {
  for (auto& [key, value] : *values) Wipe(&value);
  values->clear();
}

// 张三 → 张*, 张三丰 → 张*丰, 欧阳燚 → 欧**: enough for a resident to recognise their
// own application, not enough to identify anyone.
std::string MaskedName(const std::string& name) {
  std::u32string cps = DecodeUtf8(name);
  if (cps.empty()) return "";
  std::u32string out;
  out.push_back(cps[0]);
  if (cps.size() == 2) {
    out.push_back(U'*');
  } else {
    for (size_t i = 1; i + 1 < cps.size(); ++i) out.push_back(U'*');
    if (cps.size() > 2) out.push_back(cps.back());
  }
  return EncodeUtf8(out);
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
  return "";
}

KioskApp::KioskApp(Deps deps) : m_deps(deps) {
  m_widget_context.glyphs = deps.glyphs;
  m_widget_context.metrics = deps.metrics;
}

KioskApp::~KioskApp() { EndSession(); }

std::set<char32_t> KioskApp::InitialCodepoints() const {
  std::set<char32_t> cps;
  CollectCatalogCodepoints(*m_deps.catalog, &cps);
  CollectCodepoints(m_deps.strings->AllText(), &cps);
  return cps;
}

ViewModel KioskApp::View() const {
  ViewModel view;
  view.catalog = m_deps.catalog;
  view.strings = m_deps.strings;
  view.language = m_language;
  view.session = &m_session;
  view.metrics = &m_deps.metrics;
  view.today = TodayLocal();
  return view;
}

bool KioskApp::TakeDirty() {
  bool dirty = m_dirty;
  m_dirty = false;
  return dirty;
}

void KioskApp::Frame(WidgetRecorder* recorder) {
  m_widget_context.recorder = recorder;
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
    case Screen::kEligibility: DrawEligibilityScreen(view, &intents); break;
  }
  SetWidgetContext(nullptr);
  for (const Intent& intent : intents) Apply(intent);
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
  const ServiceSpec* service = m_deps.catalog->FindService(m_session.service_code);
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
  const ServiceSpec* service = m_deps.catalog->FindService(m_session.service_code);
  m_session.errors.clear();
  m_session.banner.clear();
  std::vector<FieldIssue> issues = ValidateStep(*service, m_deps.catalog->region, m_session.step, m_session.draft, TodayLocal());
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
    if (!m_session.errors.count(key)) {
      m_session.errors[key] = m_deps.strings->Format(m_language, std::string(issue.message_key), params);
    }
  }
  *ok = m_session.errors.empty();
  if (!*ok) {
    m_session.banner = View().Fmt("form.fix_errors", {{"count", std::to_string(m_session.errors.size())}});
  }
}

void KioskApp::Apply(const Intent& intent) {
  m_dirty = true;
  const ServiceSpec* service = m_deps.catalog->FindService(m_session.service_code);
  // Any edit makes a shown self-check result stale.
  if (intent.kind == Intent::Kind::kSetValue || intent.kind == Intent::Kind::kKeyText ||
      intent.kind == Intent::Kind::kKeyBackspace) {
    m_session.eligibility_checked = false;
  }
  switch (intent.kind) {
    case Intent::Kind::kGoHome:
      EndSession();
      return;
    case Intent::Kind::kOpenServices:
      m_screen = Screen::kServices;
      return;
    case Intent::Kind::kOpenService:
      if (!m_deps.catalog->FindService(intent.key)) return;
      m_session.service_code = intent.key;
      m_screen = Screen::kDetail;
      return;
    case Intent::Kind::kStartForm:
      // A form is filled against the catalog version in use when it starts.
      WipeValues(&m_session.draft.values);
      m_session.draft = ApplicationDraft{};
      m_session.draft.service_code = m_session.service_code;
      m_session.draft.catalog_version = m_deps.catalog->version;
      m_session.step = 0;
      m_session.focus.clear();
      m_session.errors.clear();
      m_session.banner.clear();
      m_session.submitting = false;
      m_screen = Screen::kForm;
      return;
    case Intent::Kind::kFocus:
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
      m_session.focus.clear();
      return;
    case Intent::Kind::kNextStep: {
      bool ok = false;
      ValidateCurrentStep(&ok);
      if (!ok || !service) return;
      if (m_session.step + 1 < service->form.steps.size()) ++m_session.step;
      m_session.focus.clear();
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
      m_screen = Screen::kReview;
      return;
    }
    case Intent::Kind::kEditStep:
      if (!service || intent.index < 0 || static_cast<size_t>(intent.index) >= service->form.steps.size()) return;
      m_session.step = static_cast<size_t>(intent.index);
      m_session.banner.clear();
      m_screen = Screen::kForm;
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
      for (const FieldIssue& issue : ValidateEligibilityAnswers(*service, m_deps.catalog->region,
                                                                m_session.eligibility_answers, TodayLocal())) {
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
    case Intent::Kind::kSubmit:
      if (m_session.submitting || m_screen != Screen::kReview) return;  // no double submit
      m_session.submitting = true;
      Submit();
      return;
  }
}

void KioskApp::Submit() {
  const ServiceSpec* service = m_deps.catalog->FindService(m_session.service_code);
  // What was typed under a branch the resident later left is not part of the application.
  DropHiddenValues(*service, &m_session.draft);
  std::vector<FieldIssue> issues = ValidateDraft(*service, m_deps.catalog->region, m_session.draft, TodayLocal());
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
  application.masked_name = MaskedName(name);
  application.payload = DraftToJson(m_session.draft).dump();
  application.created_date = TodayLocal();
  application.created_at_iso = NowUtcIso();
  if (id_number.size() >= 6) application.id_last6 = id_number.substr(id_number.size() - 6);
  auto submitted = m_deps.store->Submit(application);
  Wipe(&application.payload);
  Wipe(&application.id_last6);
  Wipe(&id_number);
  if (!submitted.ok()) {
    // Nothing was committed, so no receipt; the resident's input stays for a retry.
    m_session.submitting = false;
    bool full = submitted.error().message.find("full") != std::string::npos;
    m_session.banner = m_deps.strings->Get(m_language, full ? "error.disk_full" : "error.submit_failed");
    std::fprintf(stderr, "submit failed: %s\n", submitted.error().message.c_str());
    return;
  }
  ReceiptInfo receipt;
  receipt.app_number = submitted->app_number;
  receipt.service_code = service->code;
  receipt.date_text = FormatIsoDate(application.created_date);
  // The plaintext is in the store's payload now; the session copy goes at once.
  WipeValues(&m_session.draft.values);
  for (auto& [id, items] : m_session.draft.groups) {
    for (auto& item : items) WipeValues(&item);
  }
  m_session.draft.groups.clear();
  m_session.receipt = receipt;
  m_session.submitting = false;
  m_screen = Screen::kReceipt;
  if (m_deps.on_submitted) m_deps.on_submitted();  // committed: the sync thread may send it now
}

void KioskApp::EndSession() {
  WipeValues(&m_session.eligibility_answers);
  WipeValues(&m_session.draft.values);
  for (auto& [id, items] : m_session.draft.groups) {
    for (auto& item : items) WipeValues(&item);
  }
  m_session = Session{};
  m_screen = Screen::kHome;
  m_dirty = true;
}

}  // namespace yimen::ui
