// The office path's one way to read an application (docs/internals/sync.md "Opening"):
// look it up by its canonical number, load the ring with its secrets, and open it
// (server/sealed_payload.h): unseal, depth-limited parse, attachment check, domain
// re-validation. yimen-admin show and attachment use it; ingest never does.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "domain/catalog.h"
#include "domain/result.h"
#include "server/admin.h"
#include "server/pg_pool.h"
#include "server/sealed_payload.h"

namespace yimen::server {

struct OpenedApplication {
  ApplicationRow row;
  SealedApplication sealed;
  nlohmann::json payload;  // the resident's application: plaintext, wipe-worthy
  bool validated = false;  // the catalog's rules ran (a catalog was given) and passed
};

// Opens the application numbered `number` (any spelling CanonicalAppNumber accepts).
// With a catalog the domain's rules run too; without, validated stays false.
// kInvalidArgument: not an application number; kNotFound: no such application;
// kRejected: it cannot be opened or fails the rules (the message says why, naming no
// personal data); kUnavailable: database down. Thread-safe.
Result<OpenedApplication> OpenApplication(PgPool& pool, std::string_view number,
                                          const Catalog* catalog);

}  // namespace yimen::server
