// A UI-script interpreter ticked once per frame: taps are a press frame, a release frame
// and a settle frame; expectations retry for a few frames so state changes can land.
#include "ui/script_runner.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>

#include "common/civil_time.h"
#include "domain/catalog.h"
#include "domain/utf8.h"
#include "ime/handwriting.h"
#include "platform/input.h"

namespace yimen::ui {
namespace {

constexpr int kExpectFrames = 30;  // frames an expectation or tap may wait for its widget

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::string Unquote(const std::string& s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') return s.substr(1, s.size() - 2);
  return s;
}

int64_t Percentile(std::vector<int64_t> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t idx = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(idx, v.size() - 1)];
}

// "{today}", "{today+N}", "{today-N}" become the kiosk's date N days away
// (YYYY-MM-DD), so scripts can fill date fields whose range is relative to today
// ("哪天发生的": today-365..today) and still pass next year.
Result<std::string> ExpandDates(std::string arg, int line_no) {
  for (size_t open = arg.find("{today"); open != std::string::npos; open = arg.find("{today", open)) {
    const size_t close = arg.find('}', open);
    if (close == std::string::npos) {
      return MakeError(ErrorKind::kInvalidArgument,
                       "line " + std::to_string(line_no) + ": \"{today\" without \"}\"");
    }
    const std::string offset = arg.substr(open + 6, close - open - 6);
    int days = 0;
    if (!offset.empty()) {
      const bool sign_ok = offset[0] == '+' || offset[0] == '-';
      const bool digits_ok = offset.size() > 1 && offset.size() <= 5 &&
                             std::all_of(offset.begin() + 1, offset.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (!sign_ok || !digits_ok) {
        return MakeError(ErrorKind::kInvalidArgument,
                         "line " + std::to_string(line_no) + ": write {today}, {today+N} or {today-N}");
      }
      days = std::stoi(offset);
    }
    // The kiosk's own date rule (KioskApp::Today), so {today} is the day its
    // validators use whatever the machine's time zone.
    const std::string date = FormatIsoDate(AddDays(ChinaDateAt(UnixSecondsNow()), days));
    arg.replace(open, close - open + 1, date);
    open += date.size();
  }
  return arg;
}

// How many quads of the last frame drew a font's fallback glyph: U+FFFD in our atlas
// (platform/glyph_atlas.cpp), which ImGui draws for every character the atlas lacks
// and for every character above U+FFFF given to it as itself (16-bit ImWchar). Its
// quad's first vertex carries the glyph's top-left texel, which no other glyph shares.
int FallbackQuadsDrawn() {
  const ImDrawData* data = ImGui::GetDrawData();
  if (!data || !data->Valid) return 0;
  std::vector<ImVec2> corners;
  for (const ImFont* font : ImGui::GetIO().Fonts->Fonts) {
    const ImFontGlyph* g = font->FallbackGlyph;
    if (g && g->Visible) corners.emplace_back(g->U0, g->V0);
  }
  int quads = 0;
  for (int i = 0; i < data->CmdListsCount; ++i) {
    for (const ImDrawVert& v : data->CmdLists[i]->VtxBuffer) {
      for (const ImVec2& c : corners) quads += v.uv.x == c.x && v.uv.y == c.y ? 1 : 0;
    }
  }
  return quads;
}

// Changes whenever the atlas gained glyphs (or was rebuilt) since the frame was drawn.
int AtlasGeneration() {
  int glyphs = 0;
  for (const ImFont* font : ImGui::GetIO().Fonts->Fonts) glyphs += font->Glyphs.Size;
  return glyphs * 31 + ImGui::GetIO().Fonts->Fonts.Size;
}

}  // namespace

InputCount CountStepInput(const ScriptStep& step, const std::string& tapped_id) {
  using Op = ScriptStep::Op;
  InputCount count;
  switch (step.op) {
    case Op::kTap:
    case Op::kTapContains:
      // A key of an on-screen keyboard or keypad enters a character (or takes one
      // away); closing the keypad (key:done), a candidate, a button or a field is a tap.
      if (tapped_id.rfind("key:", 0) == 0 && tapped_id != "key:done") {
        count.characters = 1;
      } else {
        count.taps = 1;
      }
      break;
    case Op::kDraw:
      // The handwriting pad writes a character; the signature pad takes a signature.
      if (tapped_id == "pad") {
        count.characters = 1;
      } else {
        count.taps = 1;
      }
      break;
    case Op::kType: count.characters = static_cast<int>(CountCodepoints(step.arg)); break;
    case Op::kKey: count.characters = 1; break;
    case Op::kCard: count.taps = step.arg == "lift" ? 0 : 1; break;  // laying the card down
    default: break;
  }
  return count;
}

Result<InputCount> ParseInputLimit(const std::string& arg) {
  InputCount limit{-1, -1};
  std::istringstream words(arg);
  std::string word;
  while (words >> word) {
    const size_t eq = word.find('=');
    const std::string name = word.substr(0, eq);
    const std::string number = eq == std::string::npos ? "" : word.substr(eq + 1);
    const bool digits = !number.empty() && number.size() <= 9 &&
                        number.find_first_not_of("0123456789") == std::string::npos;
    if (!digits || (name != "taps" && name != "characters")) {
      return MakeError(ErrorKind::kInvalidArgument,
                       "write expect_input_at_most taps=N characters=M, not \"" + word + "\"");
    }
    (name == "taps" ? limit.taps : limit.characters) = std::stoi(number);
  }
  if (limit.taps < 0 && limit.characters < 0) {
    return MakeError(ErrorKind::kInvalidArgument,
                     "expect_input_at_most needs taps=N or characters=M");
  }
  return limit;
}

std::vector<std::string> AskedMoreThanOnce(
    const std::map<std::string, std::set<std::string>>& asked) {
  std::vector<std::string> out;
  for (const auto& [fact, steps] : asked) {
    if (steps.size() < 2) continue;
    std::string line = fact + " (";
    for (const std::string& step : steps) line += (line.back() == '(' ? "" : ", ") + step;
    out.push_back(line + ")");
  }
  return out;
}

Result<std::vector<ScriptStep>> ParseScript(const std::string& text) {
  std::vector<ScriptStep> steps;
  std::istringstream in(text);
  std::string raw;
  int line_no = 0;
  while (std::getline(in, raw)) {
    ++line_no;
    std::string line = Trim(raw);
    if (line.empty() || line[0] == '#') continue;
    size_t space = line.find(' ');
    std::string cmd = line.substr(0, space);
    std::string arg = space == std::string::npos ? "" : Unquote(Trim(line.substr(space + 1)));
    if (cmd == "type" || cmd == "expect" || cmd == "expect_not" || cmd == "expect_in_view") {
      Result<std::string> expanded = ExpandDates(arg, line_no);
      if (!expanded.ok()) return expanded.error();
      arg = *expanded;
    }
    ScriptStep step;
    step.line = line_no;
    step.arg = arg;
    if (cmd == "tap") step.op = ScriptStep::Op::kTap;
    else if (cmd == "tap_contains") step.op = ScriptStep::Op::kTapContains;
    else if (cmd == "type") step.op = ScriptStep::Op::kType;
    else if (cmd == "key") step.op = ScriptStep::Op::kKey;
    else if (cmd == "expect") step.op = ScriptStep::Op::kExpect;
    else if (cmd == "expect_not") step.op = ScriptStep::Op::kExpectNot;
    else if (cmd == "screenshot") step.op = ScriptStep::Op::kScreenshot;
    else if (cmd == "wait") step.op = ScriptStep::Op::kWaitMs;
    else if (cmd == "frames") step.op = ScriptStep::Op::kFrames;
    else if (cmd == "bench_frames") step.op = ScriptStep::Op::kBenchFrames;
    else if (cmd == "log") step.op = ScriptStep::Op::kLog;
    else if (cmd == "draw") step.op = ScriptStep::Op::kDraw;
    else if (cmd == "expect_clean") step.op = ScriptStep::Op::kExpectClean;
    else if (cmd == "swipe") step.op = ScriptStep::Op::kSwipe;
    else if (cmd == "expect_exit") step.op = ScriptStep::Op::kExpectExit;
    else if (cmd == "expect_spoken") step.op = ScriptStep::Op::kExpectSpoken;
    else if (cmd == "expect_voice") step.op = ScriptStep::Op::kExpectVoice;
    else if (cmd == "expect_in_view") step.op = ScriptStep::Op::kExpectInView;
    else if (cmd == "expect_asked_once")
      step.op = ScriptStep::Op::kExpectAskedOnce;
    else if (cmd == "expect_input_at_most") {
      step.op = ScriptStep::Op::kExpectInputAtMost;
      if (Result<InputCount> limit = ParseInputLimit(arg); !limit.ok()) {
        return MakeError(ErrorKind::kInvalidArgument,
                         "line " + std::to_string(line_no) + ": " + limit.error().message);
      }
    } else if (cmd == "wait_for") {
      // "wait_for TEXT SECONDS": something outside the kiosk (a phone) must act first.
      step.op = ScriptStep::Op::kWaitFor;
      const size_t cut = arg.find_last_of(' ');
      if (cut == std::string::npos || cut == 0 ||
          arg.find_first_not_of("0123456789", cut + 1) != std::string::npos ||
          cut + 1 == arg.size()) {
        return MakeError(ErrorKind::kInvalidArgument,
                         "line " + std::to_string(line_no) + ": \"wait_for\" needs TEXT SECONDS");
      }
    } else if (cmd == "card") {
      step.op = ScriptStep::Op::kCard;
      if (arg != "lift" && arg.rfind("place ", 0) != 0) {
        return MakeError(ErrorKind::kInvalidArgument,
                         "line " + std::to_string(line_no) + ": \"card\" needs place FILE or lift");
      }
    } else if (cmd == "keys") {
      // Shorthand: one tap per on-screen key, "keys ouyang" = tap key:o, tap key:u, ...
      if (arg.empty()) {
        return MakeError(ErrorKind::kInvalidArgument,
                         "line " + std::to_string(line_no) + ": \"keys\" needs letters");
      }
      for (char c : arg) {
        ScriptStep key_step;
        key_step.line = line_no;
        key_step.op = ScriptStep::Op::kTap;
        key_step.arg = std::string("key:") + c;
        steps.push_back(key_step);
      }
      continue;
    } else {
      return MakeError(ErrorKind::kInvalidArgument,
                       "line " + std::to_string(line_no) + ": unknown command \"" + cmd + "\"");
    }
    bool needs_arg = step.op != ScriptStep::Op::kLog && step.op != ScriptStep::Op::kExpectExit &&
                     step.op != ScriptStep::Op::kExpectAskedOnce;
    if (needs_arg && arg.empty()) {
      return MakeError(ErrorKind::kInvalidArgument,
                       "line " + std::to_string(line_no) + ": \"" + cmd + "\" needs an argument");
    }
    if (step.op == ScriptStep::Op::kSwipe && arg != "up" && arg != "down") {
      return MakeError(ErrorKind::kInvalidArgument,
                       "line " + std::to_string(line_no) + ": swipe up or swipe down");
    }
    if (step.op == ScriptStep::Op::kDraw && arg.find(' ') == std::string::npos) {
      return MakeError(ErrorKind::kInvalidArgument,
                       "line " + std::to_string(line_no) + ": draw needs a widget id and a strokes file");
    }
    if (step.op == ScriptStep::Op::kKey && arg != "backspace" && arg != "enter" && arg != "escape") {
      return MakeError(ErrorKind::kInvalidArgument,
                       "line " + std::to_string(line_no) + ": key must be backspace, enter or escape");
    }
    steps.push_back(step);
  }
  return steps;
}

ScriptRunner::ScriptRunner(std::vector<ScriptStep> steps, ScriptHost host)
    : m_steps(std::move(steps)), m_host(std::move(host)) {}

const RecordedWidget* ScriptRunner::Find(const std::string& text, bool contains,
                                         bool* hidden, bool tappable_only) const {
  const RecordedWidget* hidden_match = nullptr;
  for (const RecordedWidget& w : m_host.recorder->Previous()) {
    // A tap goes to a button or a field, never to the caption above it.
    if (tappable_only && w.kind == WidgetKind::kText) continue;
    bool match = contains ? (w.label.find(text) != std::string::npos)
                          : (w.label == text || w.id == text);
    if (!match) continue;
    if (w.visible) {
      *hidden = false;
      return &w;
    }
    if (!hidden_match) hidden_match = &w;
  }
  *hidden = hidden_match != nullptr;
  return hidden_match;
}

std::string ScriptRunner::OnScreenSummary() const {
  std::string out;
  for (const RecordedWidget& w : m_host.recorder->Previous()) {
    if (!w.visible) continue;
    if (!out.empty()) out += " | ";
    // At most 24 characters of each label, cut on a character boundary.
    size_t cut = 0;
    for (int chars = 0; cut < w.label.size() && chars < 24; ++chars) {
      ++cut;
      while (cut < w.label.size() && (static_cast<unsigned char>(w.label[cut]) & 0xC0) == 0x80) ++cut;
    }
    out += w.label.substr(0, cut);
    if (out.size() > 1500) break;
  }
  return out;
}

int64_t ScriptRunner::SleepHintMs(int64_t now_ms) const {
  if (Done()) return -1;
  const ScriptStep& step = m_steps[m_index];
  if (step.op == ScriptStep::Op::kWaitMs && m_wait_until > now_ms) return m_wait_until - now_ms;
  if (step.op == ScriptStep::Op::kCard && m_phase == 1) return 10;  // the reader's thread reads
  return 0;
}

Status ScriptRunner::Fail(const std::string& why) const {
  const ScriptStep& step = m_steps[m_index];
  return MakeError(ErrorKind::kRejected, "script line " + std::to_string(step.line) + ": " + why +
                                             "\n  on screen: " + OnScreenSummary());
}

void ScriptRunner::Next() {
  ++m_index;
  m_phase = 0;
  m_tries = 0;
  m_wait_until = 0;
}

std::string ScriptRunner::InputLine() const {
  return "input: taps=" + std::to_string(m_input.taps) +
         " characters=" + std::to_string(m_input.characters);
}

Status ScriptRunner::Tick(int64_t now_ms) {
  if (Done()) return Status::Ok();
  const ScriptStep& step = m_steps[m_index];
  // Tofu check: no frame may show the fallback glyph ("?"/□ where a character should
  // be), except the one frame before the atlas grows to hold a new character.
  if (ImGui::GetCurrentContext()) {
    const int generation = AtlasGeneration();
    const int tofu = generation == m_atlas_generation ? FallbackQuadsDrawn() : 0;
    m_atlas_generation = generation;
    if (tofu > 0) {
      return Fail("the last frame drew " + std::to_string(tofu) +
                  " character(s) as the fallback glyph (tofu): the atlas cannot draw them");
    }
  }
  using Op = ScriptStep::Op;
  switch (step.op) {
    case Op::kTap:
    case Op::kTapContains: return TickTap(step);
    case Op::kDraw: return TickDraw(step);
    case Op::kType:
    case Op::kKey: return TickTypeOrKey(step);
    case Op::kExpect:
    case Op::kExpectInView:
    case Op::kExpectNot: return TickExpect(step);
    case Op::kWaitFor: return TickWaitFor(step, now_ms);
    case Op::kSwipe: return TickSwipe(step);
    case Op::kExpectSpoken:
    case Op::kExpectVoice: return TickVoice(step);
    case Op::kCard: return TickCard(step, now_ms);
    case Op::kExpectInputAtMost:
    case Op::kExpectAskedOnce: return TickInputChecks(step);
    case Op::kExpectExit:
    case Op::kExpectClean:
    case Op::kScreenshot:
    case Op::kWaitMs:
    case Op::kFrames:
    case Op::kBenchFrames:
    case Op::kLog: return TickOther(step, now_ms);
  }
  return Status::Ok();
}

Status ScriptRunner::TickTap(const ScriptStep& step) {
  if (m_phase == 0) {
    bool hidden = false;
    const RecordedWidget* w =
        Find(step.arg, step.op == ScriptStep::Op::kTapContains, &hidden, true);
    if (!w || hidden) {
      if (w && hidden) m_host.recorder->RequestScrollTo(w->id);
      if (++m_tries > kExpectFrames) {
        return Fail(w ? "\"" + step.arg + "\" stays out of view"
                      : "nothing to tap labelled \"" + step.arg + "\"");
      }
      return Status::Ok();
    }
    if (!w->enabled) return Fail("\"" + step.arg + "\" is disabled");
    const InputCount counted = CountStepInput(step, w->id);
    m_input.taps += counted.taps;
    m_input.characters += counted.characters;
    float x = (w->min.x + w->max.x) * 0.5f, y = (w->min.y + w->max.y) * 0.5f;
    m_host.input->InjectPointer({platform::PointerEvent::Kind::kMove, x, y, true});
    m_host.input->InjectPointer({platform::PointerEvent::Kind::kDown, x, y, true});
    m_host.input->InjectPointer({platform::PointerEvent::Kind::kUp, x, y, true});
    m_phase = 1;
    return Status::Ok();
  }
  return AwaitDelivered();
}

Status ScriptRunner::TickDraw(const ScriptStep& step) {
  if (m_phase == 0) {
    std::string id = step.arg.substr(0, step.arg.find(' '));
    std::string path = Trim(step.arg.substr(step.arg.find(' ') + 1));
    if (!path.empty() && path[0] != '/' && !m_host.base_dir.empty())
      path = m_host.base_dir + "/" + path;
    bool hidden = false;
    const RecordedWidget* w = Find(id, false, &hidden, true);
    if (!w || hidden) {
      if (++m_tries > kExpectFrames) return Fail("no pad \"" + id + "\" to draw on");
      return Status::Ok();
    }
    std::ifstream in(path);
    if (!in) return Fail("cannot read strokes file " + path);
    std::stringstream text;
    text << in.rdbuf();
    auto strokes = ime::ParseStrokes(text.str());
    if (!strokes.ok()) return Fail(path + ": " + strokes.error().message);
    m_input.taps += CountStepInput(step, w->id).taps;
    float sx = (w->max.x - w->min.x) / 1000.0f, sy = (w->max.y - w->min.y) / 1000.0f;
    using Kind = platform::PointerEvent::Kind;
    for (const ime::Stroke& stroke : *strokes) {
      for (size_t i = 0; i < stroke.size(); ++i) {
        float x = w->min.x + stroke[i].x * sx, y = w->min.y + stroke[i].y * sy;
        if (i == 0) {
          m_host.input->InjectPointer({Kind::kMove, x, y, true});
          m_host.input->InjectPointer({Kind::kDown, x, y, true});
        } else {
          m_host.input->InjectPointer({Kind::kMove, x, y, true});
        }
        if (i + 1 == stroke.size()) m_host.input->InjectPointer({Kind::kUp, x, y, true});
      }
    }
    m_phase = 1;
    return Status::Ok();
  }
  return AwaitDelivered();
}

Status ScriptRunner::AwaitDelivered() {
  // Wait until the input queue has delivered press and release, plus one frame for
  // the app to act on it.
  if (m_host.input->HasPending()) return Status::Ok();
  if (++m_phase < 3) return Status::Ok();
  Next();
  return Status::Ok();
}

Status ScriptRunner::TickTypeOrKey(const ScriptStep& step) {
  // Typing can move the layout (a message under a field goes away), so the next
  // step waits one frame and finds its widget where the typed-into frame put it.
  if (m_phase == 0) {
    m_input.characters += CountStepInput(step, "").characters;
    if (step.op == ScriptStep::Op::kType) {
      m_host.input->InjectText(step.arg);
    } else {
      m_host.input->InjectKey(step.arg == "backspace" ? platform::EditKey::kBackspace
                              : step.arg == "enter"   ? platform::EditKey::kEnter
                                                      : platform::EditKey::kEscape);
    }
    m_phase = 1;
    return Status::Ok();
  }
  if (++m_phase < 3) return Status::Ok();
  Next();
  return Status::Ok();
}

Status ScriptRunner::TickExpect(const ScriptStep& step) {
  bool hidden = false;
  const RecordedWidget* w = Find(step.arg, true, &hidden, false);
  if (step.op == ScriptStep::Op::kExpectNot) {
    if (w && !hidden) return Fail("did not expect to see \"" + step.arg + "\"");
    Next();
    return Status::Ok();
  }
  if (w && !hidden) {
    Next();
    return Status::Ok();
  }
  const bool may_scroll = step.op == ScriptStep::Op::kExpect;  // expect_in_view never scrolls
  // Drawn but scrolled out of view: bring it in, as a person would scroll to read.
  if (w && hidden && may_scroll) m_host.recorder->RequestScrollTo(w->id);
  if (++m_tries > kExpectFrames) {
    return Fail(may_scroll ? "expected to see \"" + step.arg + "\""
                           : "\"" + step.arg + "\" is not in view");
  }
  return Status::Ok();
}

Status ScriptRunner::TickWaitFor(const ScriptStep& step, int64_t now_ms) {
  // Like expect, but for up to SECONDS of wall time, not 30 frames: the loop keeps
  // drawing while it waits (the kiosk wakes on the worker's news as it would anyway).
  const size_t cut = step.arg.find_last_of(' ');
  if (m_wait_until == 0) m_wait_until = now_ms + std::stoll(step.arg.substr(cut + 1)) * 1000;
  bool hidden = false;
  const RecordedWidget* w = Find(step.arg.substr(0, cut), true, &hidden, false);
  if (w && !hidden) {
    Next();
    return Status::Ok();
  }
  if (w && hidden) m_host.recorder->RequestScrollTo(w->id);
  if (now_ms >= m_wait_until) {
    return Fail("waited " + step.arg.substr(cut + 1) + " s to see \"" + step.arg.substr(0, cut) +
                "\"");
  }
  return Status::Ok();
}

Status ScriptRunner::TickSwipe(const ScriptStep& step) {
  // A finger flick over the middle of the screen: down, then one move a frame for
  // 12 frames (as a finger's events arrive), then up; then let it glide. Scrolling to
  // read is not input: a swipe counts neither as a tap nor as a character.
  float x = m_host.screen_w * 0.5f;
  float from = m_host.screen_h * (step.arg == "up" ? 0.65f : 0.30f);
  float to = m_host.screen_h * (step.arg == "up" ? 0.30f : 0.65f);
  using Kind = platform::PointerEvent::Kind;
  if (m_phase == 0) {
    m_host.input->InjectPointer({Kind::kMove, x, from, true});
    m_host.input->InjectPointer({Kind::kDown, x, from, true});
  } else if (m_phase <= 12) {
    float y = from + (to - from) * static_cast<float>(m_phase) / 12.0f;
    m_host.input->InjectPointer({Kind::kMove, x, y, true});
  } else if (m_phase == 13) {
    m_host.input->InjectPointer({Kind::kUp, x, to, true});
  } else if (m_host.input->HasPending() || m_phase < 60) {
    // fall through to count frames while the flick glides out
  } else {
    Next();
    return Status::Ok();
  }
  ++m_phase;
  return Status::Ok();
}

Status ScriptRunner::TickVoice(const ScriptStep& step) {
  if (step.op == ScriptStep::Op::kExpectSpoken) {
    std::string spoken = m_host.last_spoken ? m_host.last_spoken() : "";
    if (spoken.find(step.arg) != std::string::npos) {
      Next();
      return Status::Ok();
    }
    if (++m_tries > kExpectFrames) {
      return Fail("expected the voice to say \"" + step.arg + "\", it last said \"" + spoken +
                  "\"");
    }
    return Status::Ok();
  }
  std::string language = m_host.last_spoken_language ? m_host.last_spoken_language() : "";
  if (language == step.arg) {
    Next();
    return Status::Ok();
  }
  if (++m_tries > kExpectFrames) {
    return Fail("expected the voice to speak " + step.arg + ", it last spoke " +
                (language.empty() ? "nothing" : language));
  }
  return Status::Ok();
}

Status ScriptRunner::TickCard(const ScriptStep& step, int64_t now_ms) {
  if (!m_host.card_place || !m_host.card_lift || !m_host.cards_read) {
    return Fail("no simulated ID-card reader (start the kiosk with --id-reader simulated)");
  }
  if (step.arg == "lift") {
    m_host.card_lift();
    Next();
    return Status::Ok();
  }
  // Lay the card down, then wait (up to 5 s, several polls) until the reader has read
  // it; the next steps see what the kiosk made of it.
  if (m_phase == 0) {
    std::string path = Trim(step.arg.substr(6));
    if (!path.empty() && path[0] != '/' && !m_host.base_dir.empty()) {
      path = m_host.base_dir + "/" + path;
    }
    m_cards_read_before = m_host.cards_read();
    Status placed = m_host.card_place(path);
    if (!placed.ok()) return Fail(placed.error().message);
    m_input.taps += CountStepInput(step, "").taps;
    m_wait_until = now_ms + 5000;
    m_phase = 1;
    return Status::Ok();
  }
  if (m_host.cards_read() > m_cards_read_before) {
    Next();
    return Status::Ok();
  }
  if (now_ms >= m_wait_until) return Fail("the kiosk did not read the card within 5 s");
  return Status::Ok();
}

Status ScriptRunner::TickInputChecks(const ScriptStep& step) {
  if (step.op == ScriptStep::Op::kExpectInputAtMost) {
    Result<InputCount> limit = ParseInputLimit(step.arg);
    if (!limit.ok()) return Fail(limit.error().message);
    if ((limit->taps >= 0 && m_input.taps > limit->taps) ||
        (limit->characters >= 0 && m_input.characters > limit->characters)) {
      return Fail("more input than " + step.arg + ": " + InputLine());
    }
    Next();
    return Status::Ok();
  }
  const std::vector<std::string> twice = AskedMoreThanOnce(m_host.recorder->Asked());
  if (!twice.empty()) {
    std::string list;
    for (const std::string& fact : twice) list += "\n    " + fact;
    return Fail("asked on more than one form step:" + list);
  }
  Next();
  return Status::Ok();
}

Status ScriptRunner::TickOther(const ScriptStep& step, int64_t now_ms) {
  using Op = ScriptStep::Op;
  switch (step.op) {
    case Op::kExpectExit:
      if (m_host.exit_requested && m_host.exit_requested()) {
        Next();
        return Status::Ok();
      }
      if (++m_tries > kExpectFrames) return Fail("the kiosk did not ask to exit");
      return Status::Ok();
    case Op::kExpectClean: {
      if (!m_host.scan) return Fail("expect_clean is not available here");
      std::vector<std::string> hits = m_host.scan(step.arg);
      if (!hits.empty()) {
        std::string files;
        for (const std::string& f : hits) files += "\n    " + f;
        return Fail("\"" + step.arg + "\" is still stored in:" + files);
      }
      Next();
      return Status::Ok();
    }
    case Op::kScreenshot: {
      Status s = m_host.screenshot(step.arg);
      if (!s.ok()) return Fail(s.error().message);
      Next();
      return Status::Ok();
    }
    case Op::kWaitMs:
      if (m_wait_until == 0) {
        m_wait_until = now_ms + std::stoll(step.arg);
        return Status::Ok();
      }
      if (now_ms >= m_wait_until) Next();
      return Status::Ok();
    case Op::kFrames:
      if (++m_tries >= std::stoi(step.arg)) Next();
      return Status::Ok();
    case Op::kBenchFrames: {
      std::vector<int64_t> ui_cpu, wall;
      m_host.bench(std::stoi(step.arg), &ui_cpu, &wall);
      std::fprintf(stdout,
                   "bench_frames: frames=%zu ui_cpu_p50_us=%lld ui_cpu_p99_us=%lld "
                   "frame_wall_p50_us=%lld frame_wall_p99_us=%lld\n",
                   ui_cpu.size(), static_cast<long long>(Percentile(ui_cpu, 0.5)),
                   static_cast<long long>(Percentile(ui_cpu, 0.99)),
                   static_cast<long long>(Percentile(wall, 0.5)),
                   static_cast<long long>(Percentile(wall, 0.99)));
      std::fflush(stdout);
      Next();
      return Status::Ok();
    }
    default:  // kLog
      std::fprintf(stderr, "script: %s\n", step.arg.c_str());
      Next();
      return Status::Ok();
  }
}

}  // namespace yimen::ui
