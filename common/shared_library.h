// Opening a shared library on first use (dlopen) and binding its functions: how the
// kiosk loads Rime, zinnia, espeak-ng and OpenCC so its start maps none of them
// (docs/internals/input.md "Loading on first use"). Header-only; the caller links -ldl
// (glibc 2.34+ has it in libc).
#pragma once

#include <dlfcn.h>

#include <string>

namespace yimen::shared_library {

// dlopen(soname) with local symbols; null with *error set when it cannot be opened.
inline void* Open(const char* soname, std::string* error) {
  void* lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char* e = dlerror();
    *error = e ? e : std::string("cannot open ") + soname;
  }
  return lib;
}

// *fn = the function `name` of `lib`; when it is missing, *error (if still empty) says so.
template <typename Fn>
void Bind(void* lib, const char* soname, const char* name, Fn* fn, std::string* error) {
  *fn = reinterpret_cast<Fn>(dlsym(lib, name));
  if (!*fn && error->empty()) *error = std::string(soname) + " has no " + name;
}

}  // namespace yimen::shared_library
