// What the headless KioskApp tests share: the shipped catalog and strings, loaded the
// way the kiosk loads them.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "domain/catalog.h"
#include "ui/strings.h"

namespace yimen::ui {

// Loads assets/catalog and assets/strings into *catalog and *strings. False, with a
// test failure naming the reason, when either does not load.
inline bool LoadKioskAssets(Catalog* catalog, Strings* strings) {
  auto loaded_catalog = LoadCatalog(std::string(YIMEN_TEST_ASSETS_DIR) + "/catalog");
  if (!loaded_catalog.ok()) {
    ADD_FAILURE() << loaded_catalog.error().message;
    return false;
  }
  *catalog = std::move(loaded_catalog).value();
  auto loaded_strings = Strings::Load(std::string(YIMEN_TEST_ASSETS_DIR) + "/strings");
  if (!loaded_strings.ok()) {
    ADD_FAILURE() << loaded_strings.error().message;
    return false;
  }
  *strings = std::move(loaded_strings).value();
  return true;
}

}  // namespace yimen::ui
