// yimen-phone-kiosk: a stand-in kiosk for the phone page's browser test (tests/phone/),
// speaking the same protocol as the real kiosk (sync/protocol/phone_messages.h) with
// plain signed HTTP, so the page can be tested before, and apart from, the kiosk's UI.
//
//   yimen-phone-kiosk enroll SERVER CODE STATE      enroll with a yimen-admin code; the
//                                                   device id and key go to STATE (0600)
//   yimen-phone-kiosk link STATE [MAX_FILES]        a link with a fresh crypto_box key pair:
//                                                   prints {"url","link_id","secret_key"}
//   yimen-phone-kiosk receive STATE LINK_ID SECRET COUNT [TIMEOUT_S]
//                                                   polls until COUNT files are in, opens
//                                                   each with SECRET (base64), checks it is
//                                                   a JPEG that decodes and is at most
//                                                   1600 px on its longer side; prints one
//                                                   JSON line per file (with the unix ms it
//                                                   arrived) and exits 0 when all are good
//   yimen-phone-kiosk spend STATE LINK_ID           DELETE: the link is spent
//   yimen-phone-kiosk make-jpeg OUT WIDTH HEIGHT SEED QUALITY
//                                                   a noisy test photo (no downloads)
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/base64.h"
#include "media/image.h"
#include "sync/client/curl_transport.h"
#include "sync/protocol/messages.h"
#include "sync/protocol/phone_messages.h"
#include "sync/protocol/signing.h"

namespace {

using nlohmann::json;
using namespace yimen;

int Fail(const std::string& why) {
  std::fprintf(stderr, "yimen-phone-kiosk: %s\n", why.c_str());
  return 1;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct State {
  std::string server;
  int64_t device_id = 0;
  std::string secret_key;  // raw Ed25519
};

bool LoadState(const std::string& path, State* state) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  try {
    const json j = json::parse(text.str());
    state->server = j.at("server").get<std::string>();
    state->device_id = j.at("device_id").get<int64_t>();
    auto key = Base64Decode(j.at("secret_key").get<std::string>());
    if (!key.ok()) return false;
    state->secret_key = *key;
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

Result<sync::HttpResponse> Signed(const State& state, const std::string& method,
                                  const std::string& target, const std::string& body) {
  protocol::SignedParts parts{method, target, static_cast<int64_t>(std::time(nullptr)),
                              protocol::NewNonce(), body};
  auto signature = protocol::SignRequest(parts, state.secret_key);
  if (!signature.ok()) return signature.error();
  sync::CurlTransport transport;
  return transport.Send({method,
                         state.server + target,
                         {{"Content-Type", "application/json"},
                          {protocol::kHeaderDevice, std::to_string(state.device_id)},
                          {protocol::kHeaderTimestamp, std::to_string(parts.timestamp)},
                          {protocol::kHeaderNonce, parts.nonce},
                          {protocol::kHeaderSignature, *signature}},
                         body});
}

int Enroll(const std::string& server, const std::string& code, const std::string& path) {
  const protocol::SigningKeyPair keys = protocol::GenerateSigningKeyPair();
  protocol::EnrollRequest request;
  request.code = code;
  request.public_key = Base64Encode(keys.public_key);
  request.app_version = "phone-test";
  sync::CurlTransport transport;
  auto r = transport.Send({"POST",
                           server + protocol::kPathEnroll,
                           {{"Content-Type", "application/json"}},
                           protocol::SerializeMessage(request)});
  if (!r.ok() || r->status != 200) return Fail("enroll: " + (r.ok() ? r->body : r.error().message));
  const json reply = json::parse(r->body);
  std::ofstream out(path);
  out << json{{"server", server},
              {"device_id", reply.at("device_id").get<int64_t>()},
              {"secret_key", Base64Encode(keys.secret_key)}}
             .dump();
  return out ? 0 : Fail("cannot write " + path);
}

int Link(const State& state, int max_files) {
  std::string public_key(crypto_box_PUBLICKEYBYTES, '\0');
  std::string secret_key(crypto_box_SECRETKEYBYTES, '\0');
  crypto_box_keypair(reinterpret_cast<unsigned char*>(public_key.data()),
                     reinterpret_cast<unsigned char*>(secret_key.data()));
  const json request = {{"public_key", Base64Encode(public_key)}, {"max_files", max_files}};
  auto r = Signed(state, "POST", protocol::kPathPhoneLinks, request.dump());
  if (!r.ok() || r->status != 201) return Fail("link: " + (r.ok() ? r->body : r.error().message));
  const json reply = json::parse(r->body);
  std::printf("%s\n", json{{"url", reply.at("url")},
                           {"link_id", reply.at("link_id")},
                           {"secret_key", Base64Encode(secret_key)}}
                          .dump()
                          .c_str());
  return 0;
}

// Opens one sealed file and checks it is a JPEG of at most 1600 px that decodes.
json CheckFile(const protocol::PhoneFile& file, const std::string& public_key,
               const std::string& secret_key, int64_t arrived_ms) {
  json line = {{"seq", file.seq}, {"arrived_ms", arrived_ms}, {"ok", false}};
  auto sealed = Base64Decode(file.sealed);
  if (!sealed.ok() || sealed->size() <= crypto_box_SEALBYTES) return line;
  std::vector<uint8_t> plain(sealed->size() - crypto_box_SEALBYTES);
  if (crypto_box_seal_open(plain.data(), reinterpret_cast<const unsigned char*>(sealed->data()),
                           sealed->size(),
                           reinterpret_cast<const unsigned char*>(public_key.data()),
                           reinterpret_cast<const unsigned char*>(secret_key.data())) != 0) {
    line["error"] = "does not open with the link's key";
    return line;
  }
  line["sealed_bytes"] = sealed->size();
  line["jpeg_bytes"] = plain.size();
  const bool jpeg = plain.size() > 4 && plain[0] == 0xFF && plain[1] == 0xD8;
  auto pixels = media::DecodeImage(plain, media::PhotoLimits{});
  if (!jpeg || !pixels.ok()) {
    line["error"] = "not a JPEG that decodes";
    return line;
  }
  line["width"] = pixels->width;
  line["height"] = pixels->height;
  line["ok"] = std::max(pixels->width, pixels->height) <= 1600;
  return line;
}

int Receive(const State& state, const std::string& link_id, const std::string& secret_b64,
            int count, int timeout_s) {
  auto secret = Base64Decode(secret_b64);
  if (!secret.ok() || secret->size() != crypto_box_SECRETKEYBYTES) return Fail("bad secret");
  std::string public_key(crypto_box_PUBLICKEYBYTES, '\0');
  crypto_scalarmult_base(reinterpret_cast<unsigned char*>(public_key.data()),
                         reinterpret_cast<const unsigned char*>(secret->data()));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  int after = 0;
  bool all_ok = true;
  while (after < count) {
    if (std::chrono::steady_clock::now() > deadline) return Fail("timed out waiting for files");
    auto r = Signed(
        state, "GET",
        std::string(protocol::kPathPhoneLinks) + "/" + link_id + "?after=" + std::to_string(after),
        "");
    if (r.ok() && r->status == 200) {
      const auto files = json::parse(r->body).get<protocol::PhoneFiles>();
      const int64_t now = NowMs();
      for (const protocol::PhoneFile& file : files.files) {
        const json line = CheckFile(file, public_key, *secret, now);
        all_ok = all_ok && line["ok"].get<bool>();
        std::printf("%s\n", line.dump().c_str());
        std::fflush(stdout);
        after = std::max(after, file.seq);
      }
      if (files.state == "spent" || files.state == "expired") break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return all_ok && after >= count ? 0 : 1;
}

int Spend(const State& state, const std::string& link_id) {
  auto r = Signed(state, "DELETE", std::string(protocol::kPathPhoneLinks) + "/" + link_id, "");
  if (!r.ok() || r->status != 204) return Fail("spend: " + (r.ok() ? r->body : r.error().message));
  return 0;
}

// A photo-like test image: smooth colour fields with noise, so the JPEG is as large as
// a phone's (about 3 MB at 4000 x 3000).
int MakeJpeg(const std::string& path, int width, int height, unsigned seed, int quality) {
  media::Pixels image;
  image.width = width;
  image.height = height;
  image.rgb.resize(static_cast<size_t>(width) * height * 3);
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> noise(-20, 20);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      uint8_t* p = &image.rgb[(static_cast<size_t>(y) * width + x) * 3];
      const int base[3] = {x * 255 / width, y * 255 / height,
                           static_cast<int>((static_cast<unsigned>(x + y) / 7 + seed * 40) % 256)};
      for (int c = 0; c < 3; ++c)
        p[c] = static_cast<uint8_t>(std::clamp(base[c] + noise(random), 0, 255));
    }
  }
  auto jpeg = media::EncodeJpeg(image, quality);
  if (!jpeg.ok()) return Fail("encode: " + jpeg.error().message);
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(jpeg->data()),
            static_cast<std::streamsize>(jpeg->size()));
  std::printf("%zu\n", jpeg->size());
  return out ? 0 : Fail("cannot write " + path);
}

int Run(const std::vector<std::string>& args) {
  const std::string verb = args.empty() ? "" : args[0];
  if (verb == "make-jpeg" && args.size() == 6) {
    return MakeJpeg(args[1], std::stoi(args[2]), std::stoi(args[3]),
                    static_cast<unsigned>(std::stoul(args[4])), std::stoi(args[5]));
  }
  if (verb == "enroll" && args.size() == 4) return Enroll(args[1], args[2], args[3]);
  State state;
  if (args.size() >= 2 && !LoadState(args[1], &state)) return Fail("cannot read " + args[1]);
  if (verb == "link" && (args.size() == 2 || args.size() == 3)) {
    return Link(state, args.size() == 3 ? std::stoi(args[2]) : protocol::kPhoneLinkMaxFiles);
  }
  if (verb == "receive" && (args.size() == 5 || args.size() == 6)) {
    return Receive(state, args[2], args[3], std::stoi(args[4]),
                   args.size() == 6 ? std::stoi(args[5]) : 300);
  }
  if (verb == "spend" && args.size() == 3) return Spend(state, args[2]);
  std::fprintf(stderr,
               "usage: yimen-phone-kiosk enroll SERVER CODE STATE | link STATE [MAX_FILES] |\n"
               "       receive STATE LINK_ID SECRET COUNT [TIMEOUT_S] | spend STATE LINK_ID |\n"
               "       make-jpeg OUT WIDTH HEIGHT SEED QUALITY\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (!protocol::InitCrypto().ok()) return Fail("libsodium");
  try {
    return Run(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::exception& e) {  // a number that is not one, a reply that is not JSON
    return Fail(e.what());
  }
}
