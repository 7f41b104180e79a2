// yimen-console-visit-push: a kiosk stand-in for the console's visit test
// (run_console_test.sh --suite visit). It enrolls with a one-time code, seals each
// draft to the key enrollment gave it, and pushes them signed, as a kiosk's sync
// engine does: the --visit drafts as one visit (one visit_id, a visit number, the
// size), each --alone draft by itself. Each --visit FILE:METHOD sets the draft's
// decision_delivery (hall, post, sms; "none" leaves it out, as older kiosks send).
// Writes "visit NUMBER", then one application number per line, to --out. Test
// support only: residents submit through the kiosk's UI.
//
// usage: yimen-console-visit-push --server URL --code CODE --out FILE
//                                 [--visit FILE:METHOD]... [--alone FILE]...
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/base64.h"
#include "common/civil_time.h"
#include "common/sealing.h"
#include "common/uuid.h"
#include "domain/app_number.h"
#include "sync/client/curl_transport.h"
#include "sync/protocol/messages.h"
#include "sync/protocol/signing.h"

namespace {

using namespace yimen;

int Fail(const std::string& what) {
  std::fprintf(stderr, "yimen-console-visit-push: %s\n", what.c_str());
  return 1;
}

struct Draft {
  std::string path, delivery;
  bool in_visit = false;
};

Result<std::string> ReadDraft(const Draft& draft) {
  std::ifstream in(draft.path);
  if (!in) return MakeError(ErrorKind::kNotFound, "cannot read " + draft.path);
  std::stringstream text;
  text << in.rdbuf();
  auto json = nlohmann::json::parse(text.str(), nullptr, false);
  if (!json.is_object()) return MakeError(ErrorKind::kInvalidArgument, draft.path + ": not JSON");
  if (!draft.delivery.empty() && draft.delivery != "none")
    json["decision_delivery"] = draft.delivery;
  return json.dump();
}

Result<sync::HttpResponse> SendSigned(sync::Transport& transport, const std::string& server,
                                      int64_t device, const std::string& secret,
                                      const std::string& body) {
  protocol::SignedParts parts{"POST", protocol::kPathPush, static_cast<int64_t>(std::time(nullptr)),
                              protocol::NewNonce(), body};
  auto signature = protocol::SignRequest(parts, secret);
  if (!signature.ok()) return signature.error();
  return transport.Send({"POST",
                         server + protocol::kPathPush,
                         {{"Content-Type", "application/json"},
                          {protocol::kHeaderDevice, std::to_string(device)},
                          {protocol::kHeaderTimestamp, std::to_string(parts.timestamp)},
                          {protocol::kHeaderNonce, parts.nonce},
                          {protocol::kHeaderSignature, *signature}},
                         body});
}

// The tool's work; main turns an exception (a draft that is not an object, say) into
// an exit code.
int Run(int argc, char** argv) {
  std::string server, code, out_path;
  std::vector<Draft> drafts;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i], value = argv[i + 1];
    if (arg == "--server")
      server = value;
    else if (arg == "--code")
      code = value;
    else if (arg == "--out")
      out_path = value;
    else if (arg == "--visit") {
      const size_t colon = value.rfind(':');
      drafts.push_back({value.substr(0, colon), value.substr(colon + 1), true});
    } else if (arg == "--alone")
      drafts.push_back({value, "", false});
    else
      return Fail("unknown flag " + arg);
  }
  if (server.empty() || code.empty() || out_path.empty()) return Fail("see the usage");

  sync::CurlTransport transport;
  const protocol::SigningKeyPair keys = protocol::GenerateSigningKeyPair();
  protocol::EnrollRequest enroll{code, Base64Encode(keys.public_key), "console-test", ""};
  auto enrolled = transport.Send({"POST",
                                  server + protocol::kPathEnroll,
                                  {{"Content-Type", "application/json"}},
                                  protocol::SerializeMessage(enroll)});
  if (!enrolled.ok() || enrolled->status != 200) return Fail("enrollment refused");
  auto kiosk = protocol::ParseMessage<protocol::EnrollResponse>(enrolled->body);
  if (!kiosk.ok()) return Fail("enrollment answer: " + kiosk.error().message);
  auto sealing_key = Base64Decode(kiosk->sealing_public_key);
  if (!sealing_key.ok()) return Fail("no sealing key");

  const CivilDate today = ChinaDateAt(UnixSecondsNow());
  const std::string visit_id = NewUuidV4();
  const std::string visit_number = FormatVisitNumber(kiosk->kiosk_code, today, 1);
  int visit_size = 0;
  for (const Draft& draft : drafts) visit_size += draft.in_visit ? 1 : 0;
  protocol::PushRequest push;
  for (size_t i = 0; i < drafts.size(); ++i) {
    auto text = ReadDraft(drafts[i]);
    if (!text.ok()) return Fail(text.error().message);
    const auto json = nlohmann::json::parse(*text);
    auto sealed = seal::SealEnvelope(*text, *sealing_key);
    if (!sealed.ok()) return Fail("seal: " + sealed.error().message);
    protocol::PushItem item;
    item.uuid = NewUuidV4();
    item.app_number = FormatAppNumber(kiosk->kiosk_code, today, static_cast<uint32_t>(i + 1));
    item.service_code = json.value("service_code", "");
    item.catalog_version = json.value("catalog_version", "");
    item.payload_format = protocol::kPayloadSealedV2;
    item.payload = *sealed;
    item.submitted_at = IsoUtc(UnixSecondsNow());
    if (drafts[i].in_visit) {
      item.visit_id = visit_id;
      item.visit_number = visit_number;
      item.visit_size = visit_size;
    }
    push.items.push_back(std::move(item));
  }
  auto reply = SendSigned(transport, server, kiosk->device_id, keys.secret_key,
                          protocol::SerializeMessage(push));
  if (!reply.ok() || reply->status != 200) return Fail("push refused");
  auto results = protocol::ParseMessage<protocol::PushResponse>(reply->body);
  if (!results.ok()) return Fail("push answer: " + results.error().message);
  std::ofstream out(out_path, std::ios::trunc);
  out << "visit " << visit_number << "\n";
  for (size_t i = 0; i < results->results.size(); ++i) {
    const protocol::PushResult& result = results->results[i];
    if (result.outcome != protocol::PushOutcome::kCreated) {
      return Fail("item " + std::to_string(i) + " not created: " + result.code + " " +
                  result.reason);
    }
    out << push.items[i].app_number << "\n";
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "yimen-console-visit-push: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "yimen-console-visit-push: unknown exception\n");
  }
  return 1;
}
