// libespeak-ng and libopencc, opened with dlopen on first use instead of linked: a
// linked library (and espeak's audio and OpenCC's dictionary libraries behind it) is
// mapped and relocated at every start of the kiosk, before its first frame, though most
// residents never press 读给我听 (docs/internals/voice.md "Loading on first use"). Each
// accessor opens its library once (a function-local static, any thread) and binds the
// few functions the voice calls; `error` says why when it could not.
#pragma once

#include <espeak-ng/speak_lib.h>
#include <opencc/opencc.h>

#include <string>

namespace yimen::voice {

struct EspeakLibrary {
  decltype(&espeak_Initialize) Initialize = nullptr;
  decltype(&espeak_SetSynthCallback) SetSynthCallback = nullptr;
  decltype(&espeak_SetVoiceByName) SetVoiceByName = nullptr;
  decltype(&espeak_SetParameter) SetParameter = nullptr;
  decltype(&espeak_Synth) Synth = nullptr;
  std::string error;  // "" when every function is bound
};
const EspeakLibrary& EspeakLib();

struct OpenccLibrary {
  decltype(&opencc_open) open = nullptr;
  decltype(&opencc_close) close = nullptr;
  decltype(&opencc_error) error_text = nullptr;
  decltype(&opencc_convert_utf8) convert_utf8 = nullptr;
  decltype(&opencc_convert_utf8_free) convert_utf8_free = nullptr;
  std::string error;  // "" when every function is bound
};
const OpenccLibrary& OpenccLib();

}  // namespace yimen::voice
