// libFuzzer: catalog loading. The kiosk loads catalog files from disk and from the
// server (catalog updates), so a broken or hostile catalog must come back as an error
// listing its problems, never a crash or a hang. Input: see fuzz_support.h.
#include <cstddef>
#include <cstdint>
#include <set>

#include "domain/catalog_versions.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // The same bytes as a stored published body and as an upcoming list (what a kiosk
  // reads back from its settings): refused whole or loaded, never a crash.
  (void)yimen::ParseStoredCatalogs(input, input, nullptr);
  auto catalog = yimen::ParseCatalogFromStrings(yimen::fuzz::SplitCatalogInput(input));
  if (!catalog.ok()) return 0;
  // A catalog that loads is used at once: glyph sets, standards in force.
  std::set<char32_t> codepoints;
  yimen::CollectCatalogCodepoints(*catalog, &codepoints);
  for (const yimen::ServiceSpec& service : catalog->services) {
    (void)yimen::StandardsInForce(service, catalog->published);
  }
  return 0;
}
