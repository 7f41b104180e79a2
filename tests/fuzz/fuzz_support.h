// What the harnesses share: the real catalog (loaded once, for the payload checks the
// server runs after unsealing) and the one-file form of a catalog directory that lets
// libFuzzer mutate catalog.json and its service files together.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include <sodium.h>

#include "domain/catalog.h"

namespace yimen::fuzz {

// Separates files in a catalog fuzz input: "catalog.json bytes" then, per further
// file, "\n=== services/x.json\n" and its bytes. Text, so a seed reads like the
// directory it came from.
inline constexpr std::string_view kFileMarker = "\n=== ";

// Splits a fuzz input into the map ParseCatalogFromStrings takes. The part before the
// first marker is catalog.json; a marker line without a newline ends the input.
inline std::map<std::string, std::string> SplitCatalogInput(std::string_view input) {
  std::map<std::string, std::string> files;
  std::string name = "catalog.json";
  while (true) {
    const size_t marker = input.find(kFileMarker);
    files[name] = std::string(input.substr(0, marker));
    if (marker == std::string_view::npos) break;
    input.remove_prefix(marker + kFileMarker.size());
    const size_t eol = input.find('\n');
    if (eol == std::string_view::npos) break;
    name = std::string(input.substr(0, eol));
    input.remove_prefix(eol + 1);
  }
  return files;
}

// The real catalog (YIMEN_CATALOG_DIR, set by CMake). Exits if it does not load: every
// payload check would be meaningless without it.
inline const Catalog& RealCatalog() {
  static const Catalog catalog = [] {
    auto loaded = LoadCatalog(YIMEN_CATALOG_DIR);
    if (!loaded.ok()) {
      std::fprintf(stderr, "fuzz: cannot load %s: %s\n", YIMEN_CATALOG_DIR,
                   loaded.error().message.c_str());
      std::abort();
    }
    return std::move(*loaded);
  }();
  return catalog;
}

// The sealing key pair fuzz_ingest opens with, the same in every process (a fixed
// seed), so fuzz_seeds can write push bodies sealed to it. Test-only: never deployed.
struct IngestKeys {
  std::string public_key;
  std::string secret_key;
};
inline const IngestKeys& IngestTestKeys() {
  static const IngestKeys keys = [] {
    if (sodium_init() < 0) std::abort();
    unsigned char seed[crypto_box_SEEDBYTES];
    for (size_t i = 0; i < sizeof seed; ++i) seed[i] = static_cast<unsigned char>(i * 7 + 1);
    unsigned char pk[crypto_box_PUBLICKEYBYTES];
    unsigned char sk[crypto_box_SECRETKEYBYTES];
    crypto_box_seed_keypair(pk, sk, seed);
    return IngestKeys{std::string(reinterpret_cast<char*>(pk), sizeof pk),
                      std::string(reinterpret_cast<char*>(sk), sizeof sk)};
  }();
  return keys;
}

// The pushing kiosk's code in fuzz_ingest, and a number of its own.
inline constexpr const char* kIngestKioskCode = "K7Q2";

}  // namespace yimen::fuzz
