#include "voice/voice_libraries.h"

#include <dlfcn.h>

namespace yimen::voice {
namespace {

// dlopen(soname); *error says why when it fails.
void* OpenLibrary(const char* soname, std::string* error) {
  void* lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char* e = dlerror();
    *error = e ? e : std::string("cannot open ") + soname;
  }
  return lib;
}

template <typename Fn>
void Bind(void* lib, const char* soname, const char* name, Fn* fn, std::string* error) {
  *fn = reinterpret_cast<Fn>(dlsym(lib, name));
  if (!*fn && error->empty()) *error = std::string(soname) + " has no " + name;
}

}  // namespace

const EspeakLibrary& EspeakLib() {
  static const EspeakLibrary lib = [] {
    EspeakLibrary out;
    constexpr const char* kSoname = YIMEN_ESPEAK_LIBRARY;
    void* handle = OpenLibrary(kSoname, &out.error);
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
    void* handle = OpenLibrary(kSoname, &out.error);
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
