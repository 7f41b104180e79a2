// yimen-catalog-check DIR: loads a catalog directory exactly as the kiosk and the server
// do, so whoever edits assets/catalog sees every problem (file, field path, reason)
// before a kiosk refuses the update. Exit status 0 when the catalog loads, 1 otherwise.
#include <cstdio>
#include <set>
#include <string>

#include "domain/catalog.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CATALOG_DIR\n", argv[0]);
    return 2;
  }
  const yimen::Result<yimen::Catalog> catalog = yimen::LoadCatalog(argv[1]);
  if (!catalog.ok()) {
    std::fprintf(stderr, "%s\n", catalog.error().message.c_str());
    return 1;
  }
  std::set<char32_t> glyphs;
  yimen::CollectCatalogCodepoints(*catalog, &glyphs);
  std::printf("catalog %s (published %s): %zu service(s), %zu town(s), %zu distinct characters\n",
              catalog->version.c_str(), yimen::FormatIsoDate(catalog->published).c_str(),
              catalog->services.size(), catalog->region.towns.size(), glyphs.size());
  for (const yimen::ServiceSpec& service : catalog->services) {
    std::printf("  %s  %s  %zu step(s), %zu material(s), %zu standard(s)\n", service.code.c_str(),
                service.name.zh.c_str(), service.form.steps.size(), service.materials.size(),
                service.standards.size());
  }
  if (catalog->finder) {
    // Which situations lead to each service, so an editor sees a service no rule reaches.
    std::printf("finder: %zu situation(s), %zu question(s), %zu rule(s)\n",
                catalog->finder->situations.size(), catalog->finder->questions.size(),
                catalog->finder->rules.size());
    for (const yimen::ServiceSpec& service : catalog->services) {
      std::string from;
      for (const yimen::FinderRule& rule : catalog->finder->rules) {
        if (rule.service != service.code) continue;
        for (const std::string& situation : rule.situations) {
          if (from.find(situation) == std::string::npos)
            from += (from.empty() ? "" : ", ") + situation;
        }
      }
      std::printf("  %s  <- %s\n", service.code.c_str(),
                  from.empty() ? "(no rule: only on the list)" : from.c_str());
    }
  }
  return 0;
}
