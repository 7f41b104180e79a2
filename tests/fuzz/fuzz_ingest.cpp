// libFuzzer: the push path as the server runs it since ingest stopped opening what it
// stores (docs/internals/sync.md "Ingest stores sealed"), and the office's opening.
// The first byte picks the mode:
//   0  the rest is a push body: strict parse, the ingest checks per item, and for an
//      item that passes, opening with the test key and the domain's rules;
//   1  the rest is a payload plaintext: sealed (sealed-v2) to the test key, pushed as
//      one item (the checks must accept any real envelope of plausible size), opened
//      (depth-limited parse) and re-validated;
//   2  the same as a bare sealed-v1 box.
// A crash, a leak, UB, or a real envelope the checks refuse is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "common/sealing.h"
#include "domain/app_number.h"
#include "fuzz/fuzz_support.h"
#include "server/ingest_checks.h"
#include "server/sealed_payload.h"
#include "sync/protocol/messages.h"
#include "sync/protocol/signing.h"

namespace {

using namespace yimen;

const std::vector<server::KnownKey>& Known() {
  static const std::vector<server::KnownKey> keys = {
      {seal::KeyId(fuzz::IngestTestKeys().public_key), false},
      {"00112233aabbccdd", true}};
  return keys;
}

const std::vector<server::OpeningKey>& Opening() {
  static const std::vector<server::OpeningKey> keys = {
      {seal::KeyId(fuzz::IngestTestKeys().public_key), fuzz::IngestTestKeys().public_key,
       fuzz::IngestTestKeys().secret_key}};
  return keys;
}

void OpenAndValidate(const protocol::PushItem& item, const std::string& number) {
  server::SealedApplication stored{number, item.service_code, item.payload_format,
                                   item.payload, item.submitted_at, item.attachments};
  auto payload = server::OpenSealedPayload(stored, Opening());
  if (!payload.ok()) return;
  (void)payload->dump();  // bounded depth: never recurses far
  (void)server::ValidateOpenedPayload(fuzz::RealCatalog(), stored, *payload);
}

void Ingest(const protocol::PushItem& item, bool must_pass) {
  server::ItemVerdict verdict = server::CheckPushItem(item, Known(), fuzz::kIngestKioskCode);
  if (!verdict.ok()) {
    if (must_pass) {
      std::fprintf(stderr, "a real envelope was refused: %s %s\n", verdict.code.c_str(),
                   verdict.reason.c_str());
      std::abort();
    }
    return;
  }
  OpenAndValidate(item, verdict.app_number);
}

protocol::PushItem SealedItem(std::string_view plaintext, bool bare) {
  protocol::PushItem item;
  item.uuid = "0b6f3c1e-8d6a-4f7e-9c55-0a1b2c3d4e5f";
  item.app_number = FormatAppNumber(fuzz::kIngestKioskCode, {2026, 11, 23}, 42);
  item.service_code = "dibao";
  item.catalog_version = "2026.3";
  item.submitted_at = "2026-11-23T02:30:00Z";
  if (bare) {
    auto sealed = protocol::Seal(plaintext, fuzz::IngestTestKeys().public_key);
    if (!sealed.ok()) std::abort();
    item.payload_format = protocol::kPayloadSealedV1;
    item.payload = Base64Encode(*sealed);
  } else {
    auto sealed = seal::SealEnvelope(plaintext, fuzz::IngestTestKeys().public_key);
    if (!sealed.ok()) std::abort();
    item.payload_format = protocol::kPayloadSealedV2;
    item.payload = *sealed;
  }
  return item;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0: {
      auto push = protocol::ParseRequest<protocol::PushRequest>(body,
                                                                protocol::NulText::kCallerChecks);
      if (push.ok()) {
        for (const protocol::PushItem& item : push->items) Ingest(item, /*must_pass=*/false);
      }
      break;
    }
    case 1:
    case 2: {
      // A box for fewer than 2 plaintext bytes is implausible by design ("{}" is 2).
      const bool plausible = body.size() >= 2;
      Ingest(SealedItem(body, data[0] % 3 == 2), plausible);
      break;
    }
  }
  return 0;
}
