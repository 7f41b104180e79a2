#include "voice/voice_libraries.h"

#include "common/shared_library.h"

namespace yimen::voice {
using shared_library::Bind;
using shared_library::Open;

const EspeakLibrary& EspeakLib() {
  static const EspeakLibrary lib = [] {
    EspeakLibrary out;
    constexpr const char* kSoname = YIMEN_ESPEAK_LIBRARY;
    void* handle = Open(kSoname, &out.error);
    if (!handle) return out;
    Bind(handle, kSoname, "espeak_Initialize", &out.Initialize, &out.error);
    Bind(handle, kSoname, "espeak_SetSynthCallback", &out.SetSynthCallback, &out.error);
    Bind(handle, kSoname, "espeak_SetVoiceByName", &out.SetVoiceByName, &out.error);
    Bind(handle, kSoname, "espeak_SetParameter", &out.SetParameter, &out.error);
    Bind(handle, kSoname, "espeak_Synth", &out.Synth, &out.error);
    return out;
  }();
  return lib;
}

const OpenccLibrary& OpenccLib() {
  static const OpenccLibrary lib = [] {
    OpenccLibrary out;
    constexpr const char* kSoname = YIMEN_OPENCC_LIBRARY;
    void* handle = Open(kSoname, &out.error);
    if (!handle) return out;
    Bind(handle, kSoname, "opencc_open", &out.open, &out.error);
    Bind(handle, kSoname, "opencc_close", &out.close, &out.error);
    Bind(handle, kSoname, "opencc_error", &out.error_text, &out.error);
    Bind(handle, kSoname, "opencc_convert_utf8", &out.convert_utf8, &out.error);
    Bind(handle, kSoname, "opencc_convert_utf8_free", &out.convert_utf8_free, &out.error);
    return out;
  }();
  return lib;
}

}  // namespace yimen::voice
