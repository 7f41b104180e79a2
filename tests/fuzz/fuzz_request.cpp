// libFuzzer: what the server does with a request body before it touches the database
// (the strict parse of enroll, push and heartbeat bodies, then per push item the
// payload: base64, unsealing, JSON), and what the kiosk does with a server's reply
// (a hostile or broken server must not crash a kiosk). The first byte picks the
// message; the rest is the body.
#include <cstddef>
#include <cstdint>

#include "domain/form.h"
#include "fuzz/fuzz_support.h"
#include "sync/protocol/messages.h"
#include "sync/protocol/signing.h"

namespace {

using namespace yimen::protocol;

const SealingKeyPair& Keys() {
  static const SealingKeyPair keys = [] {
    if (!InitCrypto().ok()) std::abort();
    return GenerateSealingKeyPair();
  }();
  return keys;
}

void OpenItem(const PushItem& item) {
  std::string text = item.payload;
  if (item.payload_format == kPayloadSealedV1) {
    auto sealed = yimen::Base64Decode(item.payload);
    if (!sealed.ok()) return;
    auto opened = Unseal(*sealed, Keys());
    if (!opened.ok()) return;
    text = std::move(*opened);
  }
  nlohmann::json payload = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!payload.is_object()) return;
  auto draft = yimen::DraftFromJson(payload);
  if (!draft.ok()) return;
  const yimen::Catalog& catalog = yimen::fuzz::RealCatalog();
  if (const yimen::ServiceSpec* service = catalog.FindService(item.service_code)) {
    (void)yimen::ValidateDraft(*service, catalog.region, *draft, {2026, 11, 23});
  }
}

template <class T>
void Reply(std::string_view body) {
  auto parsed = ParseMessage<T>(body);
  if (parsed.ok()) (void)SerializeMessage(*parsed);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 10) {
    case 0: {
      auto push = ParseRequest<PushRequest>(body);
      if (push.ok()) {
        for (const PushItem& item : push->items) OpenItem(item);
      }
      break;
    }
    case 1: (void)ParseRequest<EnrollRequest>(body); break;
    case 2: (void)ParseRequest<Heartbeat>(body); break;
    case 3: Reply<PushResponse>(body); break;
    case 4: Reply<StatusPage>(body); break;
    case 5: Reply<EnrollResponse>(body); break;
    case 6: Reply<AttachmentState>(body); break;
    case 7: Reply<CatalogUpdate>(body); break;
    case 8: Reply<ErrorBody>(body); break;
    case 9: (void)yimen::Base64Decode(body); break;
  }
  return 0;
}
