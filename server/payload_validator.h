// The domain's rules, run again on the server after a payload is unsealed: a kiosk
// validated the form, but a tampered kiosk or a stolen key could send anything the
// seal accepts, so the server trusts only what passes the same code (app/domain).
#pragma once

#include <memory>

#include "domain/catalog.h"
#include "server/service.h"

namespace yimen::server {

// A ServerOptions::validator checking each payload against `catalog`: it must be a
// draft (DraftFromJson), for the item's own service_code, a service the catalog has,
// and pass ValidateDraft on the day it was submitted (the date of submitted_at, else
// today in UTC). kRejected naming the first problems, e.g.
//   "application fails the catalog's rules: id_number: validation.id.checksum".
// The catalog is the one the server hands kiosks (yimen-admin publish-catalog), so
// kiosks fill forms against it. Thread-safe (the catalog is read-only).
PayloadValidator MakeCatalogValidator(std::shared_ptr<const Catalog> catalog);

}  // namespace yimen::server
