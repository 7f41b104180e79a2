#include "ime/pinyin_input.h"

#include <rime_api.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string_view>
#include <system_error>

#include "common/shared_library.h"
#include "domain/utf8.h"

namespace yimen::ime {
namespace {

namespace fs = std::filesystem;

// librime is opened on first use, not linked: linking it maps and relocates it and the
// ~20 libraries it needs (boost, glog, leveldb, yaml-cpp, marisa, OpenCC) at every start
// of the kiosk, before its first frame (docs/internals/input.md "Loading on first use").
// Null, with *why, when it cannot be opened. Any thread (a function-local static).
RimeApi* Api(std::string* why = nullptr) {
  static std::string error;
  static RimeApi* const api = []() -> RimeApi* {
    void* lib = shared_library::Open(YIMEN_RIME_LIBRARY, &error);
    if (!lib) return nullptr;
    RimeApi* (*get_api)() = nullptr;
    shared_library::Bind(lib, YIMEN_RIME_LIBRARY, "rime_get_api", &get_api, &error);
    return get_api ? get_api() : nullptr;
  }();
  if (!api && why) *why = error;
  return api;
}

// Rime's setup() starts its logging and may run once per process.
bool g_setup_done = false;

std::string PickRuntimeParent(const std::string& wanted) {
  if (!wanted.empty()) return wanted;
  if (access("/dev/shm", W_OK) == 0) return "/dev/shm";
  std::error_code ec;
  return fs::temp_directory_path(ec).string();
}

}  // namespace

Result<std::unique_ptr<PinyinInput>> PinyinInput::Open(PinyinOptions options) {
  auto input = OpenLazily(std::move(options));
  if (!input.ok()) return input.error();
  (*input)->m_tried = true;
  if (Status s = (*input)->Start(); !s.ok()) return s.error();
  return input;
}

Result<std::unique_ptr<PinyinInput>> PinyinInput::OpenLazily(PinyinOptions options) {
  std::unique_ptr<PinyinInput> input(new PinyinInput());
  input->m_options = std::move(options);
  if (!fs::exists(input->m_options.shared_data_dir + "/build/luna_pinyin_simp.prism.bin")) {
    return MakeError(ErrorKind::kUnavailable, "Rime's luna_pinyin_simp data is missing under " +
                                                  input->m_options.shared_data_dir +
                                                  " (package rime-data-luna-pinyin)");
  }
  std::string parent = PickRuntimeParent(input->m_options.runtime_dir);
  std::string tmpl = parent + "/yimen-rime-XXXXXX";
  if (!mkdtemp(tmpl.data())) {
    return MakeError(ErrorKind::kUnavailable, "cannot make a private directory in " + parent);
  }
  input->m_user_dir = tmpl;  // mkdtemp makes it 0700
  return input;
}

void PinyinInput::Preload() {
  if (m_tried || m_loader.joinable()) return;
  m_tried = true;
  m_loaded = false;
  m_loader = std::thread([this] {
    m_load_status = Start();
    m_loaded = true;
  });
}

void PinyinInput::EnsureLoaded() const {
  auto* self = const_cast<PinyinInput*>(this);
  if (m_loader.joinable()) {
    m_loader.join();
    if (!m_load_status.ok())
      std::fprintf(stderr, "pinyin keyboard off: %s\n", m_load_status.error().message.c_str());
    return;
  }
  if (!m_tried) {
    self->m_tried = true;
    if (Status s = self->Start(); !s.ok())
      std::fprintf(stderr, "pinyin keyboard off: %s\n", s.error().message.c_str());
  }
}

PinyinInput::~PinyinInput() {
  if (m_loader.joinable()) m_loader.join();
  Stop();
  std::error_code ec;
  if (!m_user_dir.empty()) fs::remove_all(m_user_dir, ec);
}

Status PinyinInput::Start() {
  std::string why;
  RimeApi* api = Api(&why);
  if (!api)
    return MakeError(ErrorKind::kUnavailable, "cannot load librime (package librime1): " + why);
  RIME_STRUCT(RimeTraits, traits);
  traits.shared_data_dir = m_options.shared_data_dir.c_str();
  traits.user_data_dir = m_user_dir.c_str();
  traits.distribution_name = "Yimen";
  traits.distribution_code_name = "yimen";
  traits.distribution_version = "1";
  traits.app_name = "rime.yimen";
  traits.min_log_level = 3;  // FATAL only: Rime's warnings are noise on a kiosk console
  traits.log_dir = m_user_dir.c_str();
  if (!g_setup_done) {
    api->setup(&traits);
    g_setup_done = true;
  }
  api->initialize(&traits);
  m_started = true;
  RimeSessionId session = api->create_session();
  if (!session) return MakeError(ErrorKind::kUnavailable, "Rime would not open a session");
  m_session = session;
  if (!api->select_schema(session, "luna_pinyin_simp")) {
    return MakeError(ErrorKind::kUnavailable, "Rime has no luna_pinyin_simp schema");
  }
  // The same schema without its simplifier: the characters the simplifier folds into
  // another (昇 into 升) are still standard name characters (Candidates()).
  m_raw = api->create_session();
  if (m_raw && api->select_schema(m_raw, "luna_pinyin_simp")) {
    api->set_option(m_raw, "zh_simp", False);
  } else if (m_raw) {
    api->destroy_session(m_raw);
    m_raw = 0;
  }
  m_raw_in_step = true;
  // The 生僻字 path: Rime's five-stroke schema, prebuilt by Debian (rime-data-stroke).
  if (fs::exists(m_options.shared_data_dir + "/build/stroke.table.bin")) {
    m_stroke = api->create_session();
    if (m_stroke && !api->select_schema(m_stroke, "stroke")) {
      api->destroy_session(m_stroke);
      m_stroke = 0;
    }
  }
  m_stale = true;
  return Status::Ok();
}

void PinyinInput::Stop() {
  if (!m_started) return;
  RimeApi* api = Api();
  for (uintptr_t* session : {&m_session, &m_raw, &m_stroke}) {
    if (*session) api->destroy_session(*session);
    *session = 0;
  }
  api->finalize();
  m_started = false;
  m_candidates.clear();
  m_rime_index.clear();
}

bool PinyinInput::HasStroke() const {
  EnsureLoaded();
  return m_stroke != 0;
}

void PinyinInput::SetScheme(Scheme scheme) {
  Clear();
  m_scheme = scheme;
  m_stale = true;
}

bool PinyinInput::Key(char letter) {
  EnsureLoaded();
  bool ok = m_scheme == Scheme::kStroke
                ? std::string_view("hspnz").find(letter) != std::string_view::npos
                : (letter >= 'a' && letter <= 'z') || letter == '\'';
  if (!ok || !Active()) return false;
  Api()->process_key(Active(), letter, 0);
  if (m_scheme == Scheme::kPinyin && m_raw && m_raw_in_step) Api()->process_key(m_raw, letter, 0);
  m_stale = true;
  return true;
}

bool PinyinInput::Backspace() {
  if (!Composing()) return false;
  constexpr int kBackSpace = 0xff08;  // XK_BackSpace
  Api()->process_key(Active(), kBackSpace, 0);
  if (m_scheme == Scheme::kPinyin && m_raw && m_raw_in_step)
    Api()->process_key(m_raw, kBackSpace, 0);
  m_stale = true;
  return true;
}

bool PinyinInput::Composing() const {
  EnsureLoaded();
  if (!Active()) return false;
  const char* input = Api()->get_input(Active());
  return input && *input;
}

std::string PinyinInput::Preedit() const {
  EnsureLoaded();
  if (!Active()) return "";
  RIME_STRUCT(RimeContext, ctx);
  std::string out;
  if (Api()->get_context(Active(), &ctx)) {
    if (ctx.composition.preedit) out = ctx.composition.preedit;
    Api()->free_context(&ctx);
  }
  return out;
}

void PinyinInput::Refresh(size_t limit) {
  m_fetched_limit = limit;
  m_candidates.clear();
  m_rime_index.clear();
  if (!Active() || !Composing()) return;
  RimeCandidateListIterator it = {};
  if (!Api()->candidate_list_begin(Active(), &it)) return;
  size_t index = 0;
  bool exhausted = true;
  while (Api()->candidate_list_next(&it)) {
    if (m_candidates.size() >= limit) {
      exhausted = false;
      break;
    }
    std::string text = it.candidate.text ? it.candidate.text : "";
    if (!text.empty() && (!m_options.can_show || m_options.can_show(text))) {
      m_candidates.push_back(std::move(text));
      m_rime_index.push_back(index);
    }
    ++index;
  }
  Api()->candidate_list_end(&it);
  if (exhausted && m_scheme == Scheme::kPinyin && m_raw && m_raw_in_step) {
    std::vector<std::string> seen = m_candidates;
    std::sort(seen.begin(), seen.end());
    AppendRawTail(limit, &seen);
  }
}

void PinyinInput::AppendRawTail(size_t limit, std::vector<std::string>* seen_sorted) {
  RimeCandidateListIterator it = {};
  if (!Api()->candidate_list_begin(m_raw, &it)) return;
  size_t index = 0;
  while (Api()->candidate_list_next(&it) && m_candidates.size() < limit) {
    std::string text = it.candidate.text ? it.candidate.text : "";
    const bool one_char = !text.empty() && CountCodepoints(text) == 1;
    if (one_char && !std::binary_search(seen_sorted->begin(), seen_sorted->end(), text) &&
        (!m_options.can_show || m_options.can_show(text))) {
      seen_sorted->insert(std::lower_bound(seen_sorted->begin(), seen_sorted->end(), text), text);
      m_candidates.push_back(std::move(text));
      m_rime_index.push_back(index | kRawTail);
    }
    ++index;
  }
  Api()->candidate_list_end(&it);
}

const std::vector<std::string>& PinyinInput::Candidates(size_t limit) {
  EnsureLoaded();
  if (m_stale || limit > m_fetched_limit) {
    Refresh(limit);
    m_stale = false;
  }
  if (m_candidates.size() > limit) {
    m_candidates.resize(limit);
    m_rime_index.resize(limit);
    m_fetched_limit = limit;
  }
  return m_candidates;
}

std::string PinyinInput::Select(size_t index) {
  Candidates(std::max(index + 1, m_fetched_limit));
  if (index >= m_rime_index.size()) return "";
  m_stale = true;
  if ((m_rime_index[index] & kRawTail) != 0) {
    // A character only the unsimplified list has: commit it as it is, both sessions end.
    std::string text = m_candidates[index];
    Clear();
    return text;
  }
  Api()->select_candidate(Active(), m_rime_index[index]);
  std::string committed;
  RIME_STRUCT(RimeCommit, commit);
  if (Api()->get_commit(Active(), &commit)) {
    if (commit.text) committed = commit.text;
    Api()->free_commit(&commit);
  }
  if (m_scheme == Scheme::kPinyin && m_raw) {
    // A phrase's first word picked: the rest is still composing, but the unsimplified
    // session cannot follow (it never picked): it sits out until the composition ends.
    if (Composing()) {
      m_raw_in_step = false;
    } else {
      Api()->clear_composition(m_raw);
      m_raw_in_step = true;
    }
  }
  return committed;
}

void PinyinInput::Clear() {
  EnsureLoaded();
  for (uintptr_t session : {m_session, m_raw, m_stroke}) {
    if (session) Api()->clear_composition(session);
  }
  m_raw_in_step = true;
  m_stale = true;
}

Status PinyinInput::WipeUserData() {
  if (m_loader.joinable()) m_loader.join();
  const bool was_tried = m_tried;
  Stop();
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(m_user_dir, ec)) fs::remove_all(entry.path(), ec);
  if (ec) return MakeError(ErrorKind::kInternal, "cannot wipe " + m_user_dir + ": " + ec.message());
  // Rime starts again with the empty directory off this thread; never used: stays off.
  m_tried = false;
  if (was_tried) Preload();
  return Status::Ok();
}

}  // namespace yimen::ime
