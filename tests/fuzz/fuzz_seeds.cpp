// Writes the seed corpora for fuzz_request and fuzz_payload from real messages: a
// draft per service of the real catalog (every top-level field and one item of every
// group filled), pushed as json-v1 and sealed-v1, and one of each other message.
// Run by ctest before the harnesses (fixture fuzz.seeds) and by scripts/fuzz.sh.
//   yimen_fuzz_seeds OUT_DIR   → OUT_DIR/request/*, OUT_DIR/payload/*, OUT_DIR/ingest/*
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "common/sealing.h"
#include "domain/app_number.h"
#include "domain/form.h"
#include "fuzz/fuzz_support.h"
#include "idcard/card_text.h"
#include "idcard/sam_protocol.h"
#include "sync/protocol/messages.h"
#include "sync/protocol/signing.h"

namespace {

using namespace yimen;
using namespace yimen::protocol;

bool Write(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  return static_cast<bool>(out);
}

// A value of the right shape for each field type, so seeds reach the validators.
std::string SampleValue(const FieldSpec& field) {
  switch (field.type) {
    case FieldType::kDate: return "1950-03-08";
    case FieldType::kIdNumber: return "11010519491231002X";
    case FieldType::kPhone: return "13800138000";
    case FieldType::kAmount: return "1225.50";
    case FieldType::kNumber: return "2";
    case FieldType::kDigits: return "123456";
    case FieldType::kYesNo: return "yes";
    case FieldType::kSignature: return "sig:0123456789abcdef";
    case FieldType::kPhoto: return "photo:0123456789abcdef";
    case FieldType::kChoice:
    case FieldType::kMultiChoice: return field.options.empty() ? "" : field.options[0].value;
    default: return "张三";
  }
}

ApplicationDraft SampleDraft(const Catalog& catalog, const ServiceSpec& service) {
  ApplicationDraft draft;
  draft.service_code = service.code;
  draft.catalog_version = catalog.version;
  for (const StepSpec& step : service.form.steps) {
    for (const FieldSpec& field : step.fields) draft.values[field.id] = SampleValue(field);
    if (step.group) {
      std::map<std::string, std::string> item;
      for (const FieldSpec& field : step.group->fields) item[field.id] = SampleValue(field);
      draft.groups[step.group->id].push_back(item);
    }
  }
  return draft;
}

// fuzz_ingest's seeds (its first byte: 0 push body, 1 plaintext to seal as sealed-v2,
// 2 as sealed-v1): real drafts, nesting 100 and 30,000 deep, NULs in the plaintext and
// in every text field of a push, a push sealed to the harness's key.
void WriteIngestSeeds(const std::string& dir, const Catalog& catalog, bool* ok) {
  auto seed = [&](char mode, const std::string& name, const std::string& body) {
    *ok = Write(dir + "/" + name, std::string(1, mode) + body) && *ok;
  };
  PushRequest push;
  int n = 0;
  for (const ServiceSpec& service : catalog.services) {
    const std::string payload = DraftToJson(SampleDraft(catalog, service)).dump();
    seed('\1', "sealed_v2_" + service.code, payload);
    seed('\2', "sealed_v1_" + service.code, payload);
    PushItem item;
    item.uuid = "0b6f3c1e-8d6a-4f7e-9c55-0a1b2c3d4e" + std::to_string(10 + n % 90);
    item.app_number = FormatAppNumber(fuzz::kIngestKioskCode, {2026, 11, 23},
                                      static_cast<uint32_t>(++n));
    item.service_code = service.code;
    item.catalog_version = catalog.version;
    item.payload_format = kPayloadSealedV2;
    auto sealed = seal::SealEnvelope(payload, fuzz::IngestTestKeys().public_key);
    if (sealed.ok()) item.payload = *sealed;
    item.submitted_at = "2026-11-22T23:30:00Z";
    push.items.push_back(item);
  }
  seed('\0', "push_sealed", SerializeMessage(push));
  for (int depth : {100, 30000}) {
    const std::string deep = R"({"format":1,"service_code":"dibao","values":{"x":)" +
                             std::string(static_cast<size_t>(depth), '[') +
                             std::string(static_cast<size_t>(depth), ']') + "}}";
    seed('\1', "deep_" + std::to_string(depth), deep);
  }
  seed('\1', "nul_in_payload", R"({"format":1,"service_code":"dibao","values":{"name":"a\u0000b"}})");
  seed('\1', "raw_nul", std::string("{\"a\":\"\0\"}", 9));
  if (!push.items.empty()) {
    PushItem nul = push.items.front();
    nul.app_number += std::string(1, '\0');
    nul.submitted_at += std::string(1, '\0');
    seed('\0', "push_nul_fields", SerializeMessage(PushRequest{{nul}}));
    PushItem plain = push.items.front();
    plain.payload_format = kPayloadJsonV1;
    plain.payload = R"({"values":{}})";
    seed('\0', "push_unsealed", SerializeMessage(PushRequest{{plain}}));
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: yimen_fuzz_seeds OUT_DIR\n");
    return 2;
  }
  if (!InitCrypto().ok()) return 1;
  const std::string out = argv[1];
  const std::string request_dir = out + "/request";
  const std::string payload_dir = out + "/payload";
  mkdir(out.c_str(), 0755);
  mkdir(request_dir.c_str(), 0755);
  mkdir(payload_dir.c_str(), 0755);
  const std::string ingest_dir = out + "/ingest";
  mkdir(ingest_dir.c_str(), 0755);

  const Catalog& catalog = fuzz::RealCatalog();
  const SealingKeyPair keys = GenerateSealingKeyPair();
  bool ok = true;
  // The first byte picks the message in fuzz_request.cpp.
  auto request = [&](char kind, const std::string& name, const std::string& body) {
    ok = Write(request_dir + "/" + name, std::string(1, kind) + body) && ok;
  };
  PushRequest push;
  int n = 0;
  for (const ServiceSpec& service : catalog.services) {
    const std::string payload = DraftToJson(SampleDraft(catalog, service)).dump();
    ok = Write(payload_dir + "/" + service.code + ".json", payload) && ok;
    PushItem item;
    item.uuid = "0b6f3c1e-8d6a-4f7e-9c55-0a1b2c3d4e" + std::to_string(10 + n++ % 90);
    item.app_number = "K7Q2-261123-00" + std::to_string(10 + n % 90) + "-C";
    item.service_code = service.code;
    item.catalog_version = catalog.version;
    item.payload_format = kPayloadJsonV1;
    item.payload = payload;
    item.submitted_at = "2026-11-23T02:30:00Z";
    request('\0', "push_" + service.code, SerializeMessage(PushRequest{{item}}));
    auto sealed = Seal(payload, keys.public_key);
    if (sealed.ok()) {
      item.payload_format = kPayloadSealedV1;
      item.payload = Base64Encode(*sealed);
    }
    item.attachments.push_back({"id_card_front", 183'000, std::string(64, 'a'), "image/jpeg"});
    push.items.push_back(item);
  }
  request('\0', "push_all_sealed", SerializeMessage(push));
  WriteIngestSeeds(ingest_dir, catalog, &ok);
  request('\1', "enroll", SerializeMessage(EnrollRequest{"ABCD-EFGH-JKLM",
                                                         Base64Encode(std::string(32, 'k')),
                                                         "0.1.0", "K7Q2"}));
  request('\2', "heartbeat",
          SerializeMessage(Heartbeat{3,
                                     1,
                                     600,
                                     "0.1.0",
                                     1 << 30,
                                     "",
                                     "2026.3",
                                     {{"0123456789abcdef", 3}},
                                     "0123456789abcdef"}));
  request('\3', "push_response",
          SerializeMessage(PushResponse{{{"0b6f3c1e-8d6a-4f7e-9c55-0a1b2c3d4e5f",
                                          PushOutcome::kCreated, "R20261123-00000001",
                                          "2026-11-23T02:30:01Z", "", ""}}}));
  request(
      '\4', "status_page",
      SerializeMessage(StatusPage{{{7, "0b6f3c1e-8d6a-4f7e-9c55-0a1b2c3d4e5f", "K7Q2-261123-0042-C",
                                    "accepted", "", "2026-11-23T03:00:00Z"}},
                                  7,
                                  false,
                                  "3f2a9c0e5b7d4e61"}));
  request('\5', "enroll_response",
          SerializeMessage(EnrollResponse{42, "东门社区", "K7Q2", Base64Encode(keys.public_key), 1,
                                                         "0123456789abcdef"}));
  request('\6', "attachment_state", SerializeMessage(AttachmentState{183'000, 65'536, false, ""}));
  request('\7', "catalog_update",
          SerializeMessage(CatalogUpdate{"2026.3",
                                         nlohmann::json::object(),
                                         "2026-03-01",
                                         {{"2026.4", "2026-04-01", nlohmann::json::object()}}}));
  request('\10', "error_body", SerializeMessage(ErrorBody{"rejected", "原因"}));
  request('\11', "base64", Base64Encode(keys.public_key));
  // The reader's answers to a whole read (fuzz_sam.cpp: byte 0 picks the piece size).
  const std::string sam_dir = out + "/sam";
  mkdir(sam_dir.c_str(), 0755);
  {
    idcard::CardText card;
    card.name = "欧阳娜娜";
    card.sex_code = "2";
    card.nation_code = "01";
    card.birth = "19580214";
    card.address = "广东省广州市天河区民生路12号3栋502房";
    card.id_number = "440106195802140022";
    card.authority = "广州市公安局天河分局";
    card.valid_from = "20180301";
    card.valid_until = "长期";
    const std::vector<uint8_t> photo(idcard::kPhotoBytes, 0x57);
    const uint8_t zeros[8] = {};
    std::vector<uint8_t> whole;
    for (const auto& frame :
         {idcard::EncodeResponse(idcard::sw3::kFindOk, {zeros, 4}),
          idcard::EncodeResponse(idcard::sw3::kOk, {zeros, 8}),
          idcard::EncodeResponse(idcard::sw3::kOk, idcard::EncodeBaseMessage(card, photo)),
          idcard::EncodeResponse(idcard::sw3::kNoCard)}) {
      whole.insert(whole.end(), frame.begin(), frame.end());
    }
    ok = Write(sam_dir + "/read",
               std::string(1, '\x07') + std::string(whole.begin(), whole.end())) &&
         ok;
    ok = Write(
             sam_dir + "/text", std::string(1, '\x00') +
                                    [&] {
                                      const auto t = idcard::EncodeCardText(card);
                                      return std::string(t.begin(), t.end());
                                    }()) &&
         ok;
  }
  if (!ok) {
    std::fprintf(stderr, "yimen_fuzz_seeds: cannot write under %s\n", out.c_str());
    return 1;
  }
  std::printf("seeds: %zu services\n", catalog.services.size());
  return 0;
}
