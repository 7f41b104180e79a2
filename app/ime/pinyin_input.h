// On-screen pinyin input through librime with the luna_pinyin_simp schema (the
// default luna_pinyin gives Traditional characters, docs/design.md "Known traps"), and
// the 生僻字 path: Rime's stroke schema (横竖撇点折 as h s p n z), on a session of its own.
// No ImGui here: the keyboard screen feeds letters in and draws what Candidates()
// returns.
//
// Privacy: Rime learns from what is typed (its user dictionary). The kiosk serves a
// different resident every few minutes, so Rime's user directory is private (0700),
// memory-backed where possible (/dev/shm), and WipeUserData() deletes it and restarts
// Rime at every session end: one resident's words never become the next one's
// candidates. Rime runs in-process: one PinyinInput per process, UI thread only.
//
// Loading: Rime's start (reading its dictionaries, ~10 MB resident) is deferred. OpenLazily()
// only checks the data and makes the user directory; Preload() starts Rime on a
// background thread; the first Key() (or any other use) waits for that load to end, or
// starts Rime itself when nobody preloaded it, so no key is lost. docs/internals/input.md
// "Loading on first use".
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "domain/result.h"

namespace yimen::ime {

struct PinyinOptions {
  std::string shared_data_dir = "/usr/share/rime-data";
  // Parent for the private user directory; "" = /dev/shm if writable, else the
  // system temp directory. A fresh, unique directory is made inside it.
  std::string runtime_dir;
  // Candidates the caller cannot show (a font without the glyph) are skipped.
  std::function<bool(const std::string&)> can_show;
};

// What the letters mean: pinyin, or the five strokes of Rime's `stroke` schema.
enum class Scheme { kPinyin, kStroke };

class PinyinInput {
 public:
  // Starts Rime with a fresh private user directory and opens a session on
  // luna_pinyin_simp. kUnavailable when Rime or its data is missing.
  static Result<std::unique_ptr<PinyinInput>> Open(PinyinOptions options);
  // The same checks and directory, Rime not started yet (Preload() or the first use
  // starts it). kUnavailable when its data is missing.
  static Result<std::unique_ptr<PinyinInput>> OpenLazily(PinyinOptions options);
  // Starts Rime on a background thread unless it runs or is loading. Returns at once.
  void Preload();
  // True while the background load runs.
  bool Loading() const { return m_loader.joinable() && !m_loaded.load(); }
  // True once Rime runs (after a load that worked).
  bool Running() const { return !m_loader.joinable() && m_session != 0; }
  ~PinyinInput();
  PinyinInput(const PinyinInput&) = delete;
  PinyinInput& operator=(const PinyinInput&) = delete;

  // Pinyin or strokes from now on; drops any composition. Stroke keys are h (横),
  // s (竖), p (撇), n (点/捺), z (折).
  void SetScheme(Scheme scheme);
  Scheme CurrentScheme() const { return m_scheme; }
  // True when Rime's stroke data is there (package rime-data-stroke).
  bool HasStroke() const;
  // A letter a-z or the syllable separator '\''. Returns false for anything else.
  bool Key(char letter);
  // Deletes the last letter of the composition. False when there is none.
  bool Backspace();
  // The composition as Rime segments it ("ou yang"); "" when not composing.
  std::string Preedit() const;
  bool Composing() const;
  // The drawable candidates, best first, at most `limit` (no other cap: the keyboard
  // asks for a page more than it shows, so every candidate is reachable). For pinyin,
  // after the whole simplified list come the single characters that only the
  // unsimplified list has (昇 sheng: the simplifier turns it into 升, but it is a
  // standard name character). Cached until the next key or a larger limit.
  const std::vector<std::string>& Candidates(size_t limit = 32);
  // Chooses candidate `index` of Candidates(). Returns the text to commit ("" while
  // Rime still composes the rest, e.g. after picking the first word of a phrase).
  std::string Select(size_t index);
  // Drops the composition (the resident tapped another field).
  void Clear();
  // Ends Rime, deletes the user directory with everything Rime learnt, and starts
  // again with an empty one (in the background: the next use waits for it). Called at
  // every session end.
  Status WipeUserData();
  // The private directory Rime writes to (tests scan it).
  const std::string& UserDir() const { return m_user_dir; }

 private:
  PinyinInput() = default;
  // Waits for a background load, or starts Rime here when none ran. Every use first.
  void EnsureLoaded() const;
  Status Start();
  void Stop();
  void Refresh(size_t limit);
  // The session the keys go to (pinyin or stroke).
  uintptr_t Active() const { return m_scheme == Scheme::kStroke ? m_stroke : m_session; }
  // Appends the unsimplified session's single characters not listed yet.
  void AppendRawTail(size_t limit, std::vector<std::string>* seen_sorted);

  PinyinOptions m_options;
  std::string m_user_dir;
  uintptr_t m_session = 0;    // luna_pinyin_simp
  uintptr_t m_raw = 0;        // luna_pinyin_simp with zh_simp off: same keys, no simplifier
  uintptr_t m_stroke = 0;     // stroke
  bool m_raw_in_step = true;  // m_raw holds the same letters as m_session
  Scheme m_scheme = Scheme::kPinyin;
  bool m_started = false;
  // The background load (Preload): it alone touches Rime until joined.
  mutable std::thread m_loader;
  std::atomic<bool> m_loaded{false};
  Status m_load_status = Status::Ok();
  bool m_tried = false;  // Start() ran (here or on the loader): do not retry a failed one
  bool m_stale = true;
  size_t m_fetched_limit = 0;              // the limit m_candidates was fetched with
  std::vector<std::string> m_candidates;   // drawable ones
  std::vector<size_t> m_rime_index;        // their index in Rime's full list (kRawTail: m_raw's)
  static constexpr size_t kRawTail = size_t{1} << 62;
};

}  // namespace yimen::ime
