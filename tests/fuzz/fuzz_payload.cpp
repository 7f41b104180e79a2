// libFuzzer: an application payload as the server sees it after unsealing, through
// the same domain code the kiosk used (DraftFromJson, ValidateDraft against the real
// catalog, the means test). Payloads come from kiosks, but a stolen kiosk key can send
// anything the seal accepts.
#include <cstddef>
#include <cstdint>

#include "domain/form.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  nlohmann::json payload = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (payload.is_discarded()) return 0;
  auto draft = yimen::DraftFromJson(payload);
  if (!draft.ok()) return 0;
  const yimen::Catalog& catalog = yimen::fuzz::RealCatalog();
  const yimen::ServiceSpec* service = catalog.FindService(draft->service_code);
  if (service == nullptr) return 0;
  (void)yimen::ValidateDraft(*service, catalog.region, *draft, {2026, 11, 23});
  yimen::ApplicationDraft trimmed = *draft;
  yimen::DropHiddenValues(*service, &trimmed);
  if (service->means_test) (void)yimen::PerCapitaMonthlyIncomeFen(*service, trimmed);
  (void)yimen::DraftToJson(trimmed).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return 0;
}
