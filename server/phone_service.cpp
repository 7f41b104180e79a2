// Photos from a resident's phone (sync/protocol/phone_messages.h; docs/devices.md
// "Photos from a phone"). The kiosk (signed) makes a one-time link with a public key of
// its own, polls for what arrived and spends it; the phone (no signature, the token in
// the URL is its only key) gets the page, sends sealed files and says 完成. The server
// keeps only the token's BLAKE2b-256 and relays ciphertext it cannot open.
//
// Per client address, wrong tokens are counted like wrong enrollment codes (one upserted
// row per address, phone_throttle): past failures_allowed within window_s that address
// gets 429 for wrong tokens, while a right token is always served, so phones behind one
// carrier NAT cannot lock each other out. Uploads per address are bounded the same way.
#include <sodium.h>

#include <algorithm>
#include <ctime>

#include "common/base64.h"
#include "common/civil_time.h"
#include "common/uuid.h"
#include "server/phone_page.h"
#include "server/request_head.h"
#include "server/service.h"
#include "sync/protocol/phone_messages.h"
#include "sync/protocol/signing.h"

namespace yimen::server {
namespace {

using nlohmann::json;

// How long an expired link (and whatever files it still holds) is kept before a sweep
// deletes it: the kiosk that is still polling learns "expired" instead of 404.
constexpr int kSweepGraceSeconds = 15 * 60;

// The token's BLAKE2b-256, hex, as the database keeps it (decode($1, 'hex')).
std::string TokenHashHex(std::string_view token) {
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  return protocol::HexEncode(std::string_view(reinterpret_cast<const char*>(digest), 32));
}

// 32 random bytes as unpadded base64url: 43 characters, 256 bits.
std::string NewToken() {
  unsigned char raw[protocol::kPhoneTokenBytes];
  randombytes_buf(raw, sizeof raw);
  char text[sodium_base64_ENCODED_LEN(protocol::kPhoneTokenBytes,
                                      sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(text, sizeof text, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(raw, sizeof raw);
  return text;
}

ApiReply JsonBody(int status, const json& body) {
  ApiReply reply;
  reply.status = status;
  reply.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return reply;
}

// Counts one event in `column` ("uploads" or "failures") against the client address
// and says how long to wait when that makes it over `allowed` (0 = within budget).
int CountForClient(pqxx::work& tx, const std::string& client, const std::string& column,
                   int allowed, int window_s) {
  const std::string other = column == "uploads" ? "failures" : "uploads";
  pqxx::row row = tx.exec_params1(
      "INSERT INTO phone_throttle AS t (client, window_start, " + column +
          ") VALUES ($1, now(), 1) "
          "ON CONFLICT (client) DO UPDATE SET "
          " window_start = CASE WHEN t.window_start <= now() - make_interval(secs => $2) "
          "   THEN now() ELSE t.window_start END, " +
          column +
          " = CASE WHEN t.window_start <= now() - make_interval(secs => $2) "
          "   THEN 1 ELSE t." +
          column + " + 1 END, " + other +
          " = CASE WHEN t.window_start <= now() - make_interval(secs => $2) "
          "   THEN 0 ELSE t." +
          other +
          " END "
          "RETURNING " +
          column +
          ", ceil(extract(epoch FROM t.window_start + make_interval(secs => $2) - now()))::int",
      client, static_cast<double>(window_s));
  // Rows whose window has passed count nothing: each event removes up to 100 of them.
  tx.exec_params(
      "DELETE FROM phone_throttle WHERE ctid IN (SELECT ctid FROM phone_throttle "
      "WHERE client <> $1 AND window_start <= now() - make_interval(secs => $2) LIMIT 100)",
      client, static_cast<double>(window_s));
  if (row[0].as<int>() <= allowed) return 0;
  return std::max(1, row[1].as<int>());
}

// A link as the phone's requests need it, read FOR UPDATE so that uploads to one link
// take turns (their seq numbers are exact).
struct PhoneLinkRow {
  std::string link_id;
  std::string kiosk_key;  // base64
  int max_files = 0;
  int received = 0;
  int64_t expires_in_s = 0;
  bool open = false;  // not spent, not expired, not finished by the phone
};

std::optional<PhoneLinkRow> FindByToken(pqxx::work& tx, const std::string& token) {
  pqxx::result r = tx.exec_params(
      "SELECT l.link_id::text, encode(l.kiosk_key, 'hex'), l.max_files, "
      " (SELECT count(*) FROM phone_files f WHERE f.link_id = l.link_id)::int, "
      " floor(extract(epoch FROM l.expires_at - now()))::bigint, "
      " l.spent_at IS NULL AND l.phone_done_at IS NULL AND l.expires_at > now() "
      "FROM phone_links l WHERE l.token_hash = decode($1, 'hex') FOR UPDATE",
      TokenHashHex(token));
  if (r.empty()) return std::nullopt;
  PhoneLinkRow link;
  link.link_id = r[0][0].as<std::string>();
  std::string key_hex = r[0][1].as<std::string>();
  std::string key(32, '\0');
  sodium_hex2bin(reinterpret_cast<unsigned char*>(key.data()), key.size(), key_hex.c_str(),
                 key_hex.size(), nullptr, nullptr, nullptr);
  link.kiosk_key = Base64Encode(key);
  link.max_files = r[0][2].as<int>();
  link.received = r[0][3].as<int>();
  link.expires_in_s = r[0][4].as<int64_t>();
  link.open = r[0][5].as<bool>();
  return link;
}

// What a phone request found out about its token, decided in one transaction.
struct TokenVerdict {
  std::optional<PhoneLinkRow> link;  // set when the token names an open link
  int throttled_s = 0;               // > 0: a wrong token from an address over budget
};

// Looks the token up; an unknown one counts against the address. Spent, expired and
// finished links read exactly like unknown ones (without the count: the phone had it).
TokenVerdict CheckToken(pqxx::work& tx, const std::string& token, const ApiRequest& request,
                        const PhoneOptions& options) {
  TokenVerdict verdict;
  std::optional<PhoneLinkRow> link = FindByToken(tx, token);
  if (!link) {
    verdict.throttled_s = CountForClient(tx, request.remote_addr, "failures",
                                         options.failures_allowed, options.window_s);
    return verdict;
  }
  if (link->open) verdict.link = link;
  return verdict;
}

// The phone's JSON refusal when the token's look-up failed (503), the address is over
// its budget of wrong tokens (429) or the link is not open (410); nullopt when it is.
std::optional<ApiReply> RefusalOf(const Status& status, const TokenVerdict& verdict) {
  if (!status.ok()) {
    ApiReply reply = ReplyForError(status.error());
    AddPhoneHeaders(&reply, false);
    return reply;
  }
  if (verdict.throttled_s > 0) {
    ApiReply reply = PhoneJsonReply(429, "throttled", "too many requests from this address; wait");
    reply.retry_after_s = verdict.throttled_s;
    return reply;
  }
  if (!verdict.link) return PhoneJsonReply(410, "gone", "this link is used up or expired");
  return std::nullopt;
}

// The state word a kiosk sees (phone_messages.h PhoneFiles::state).
std::string StateOf(bool spent, bool expired, bool done, int received, int max_files) {
  if (spent) return "spent";
  if (expired) return "expired";
  if (done || received >= max_files) return "done";
  return "open";
}

}  // namespace

ApiReply ServerCore::PhoneLinks(const DeviceIdentity& device, const ApiRequest& request,
                                const std::string& path, const std::string& query) {
  const std::string base = protocol::kPathPhoneLinks;
  if (path == base) {
    if (request.method == "POST") return CreatePhoneLink(device, request);
    return ErrorReply(405, "method_not_allowed", request.method + " " + path);
  }
  const std::string link_id = path.substr(base.size() + 1);
  if (request.method == "GET") return PhoneLinkFiles(device, link_id, query);
  if (request.method == "DELETE") return SpendPhoneLink(device, link_id);
  return ErrorReply(405, "method_not_allowed", request.method + " " + path);
}

ApiReply ServerCore::CreatePhoneLink(const DeviceIdentity& device, const ApiRequest& request) {
  if (m_options.phone.public_url.empty()) {
    return ErrorReply(404, "phone_upload_off", "this server has no [phone] public_url");
  }
  auto parsed = protocol::ParseRequest<protocol::PhoneLinkRequest>(request.body);
  if (!parsed.ok()) return ErrorReply(400, "bad_request", parsed.error().message);
  auto key = Base64Decode(parsed->public_key);
  if (!key.ok() || key->size() != crypto_box_PUBLICKEYBYTES) {
    return ErrorReply(400, "bad_request", "public_key must be base64 of a 32-byte X25519 key");
  }
  if (parsed->max_files < 1 || parsed->max_files > protocol::kPhoneLinkMaxFiles) {
    return ErrorReply(400, "bad_request",
                      "max_files must be 1 to " + std::to_string(protocol::kPhoneLinkMaxFiles));
  }
  const std::string token = NewToken();
  protocol::PhoneLink link;
  link.link_id = NewUuidV4();
  link.max_files = parsed->max_files;
  link.expires_in_s = m_options.phone.link_seconds;
  std::string base = m_options.phone.public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  link.url = base + protocol::kPathPhonePage + "/" + token;
  Status status = m_pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    link.expires_at =
        tx.exec_params1(
              "INSERT INTO phone_links (link_id, token_hash, device_id, kiosk_key, "
              " max_files, expires_at) VALUES ($1::uuid, decode($2, 'hex'), $3, "
              " decode($4, 'hex'), $5, now() + make_interval(secs => $6)) RETURNING " +
                  SqlIsoUtc("expires_at"),
              link.link_id, TokenHashHex(token), device.id, protocol::HexEncode(*key),
              link.max_files, static_cast<double>(m_options.phone.link_seconds))[0]
            .as<std::string>();
    // Links past their time and the grace go, with their files (ON DELETE CASCADE).
    tx.exec_params(
        "DELETE FROM phone_links WHERE link_id IN (SELECT link_id FROM phone_links "
        "WHERE expires_at < now() - make_interval(secs => $1) LIMIT 100)",
        static_cast<double>(kSweepGraceSeconds));
    tx.commit();
  });
  if (!status.ok()) return ReplyForError(status.error());
  return JsonBody(201, link);
}

ApiReply ServerCore::PhoneLinkFiles(const DeviceIdentity& device, const std::string& link_id,
                                    const std::string& query) {
  int64_t after = 0;
  const std::string after_text = QueryParam(query, "after");
  if (!after_text.empty()) {
    try {
      size_t used = 0;
      after = std::stoll(after_text, &used);
      if (used != after_text.size() || after < 0) throw std::invalid_argument("after");
    } catch (const std::exception&) {
      return ErrorReply(400, "bad_request", "after must be a whole number >= 0");
    }
  }
  // Another kiosk's link reads exactly like one that does not exist.
  if (!IsUuid(link_id)) return ErrorReply(404, "not_found", "no such phone link");
  std::optional<protocol::PhoneFiles> files;
  Status status = m_pool.Run([&](pqxx::connection& c) {
    files.reset();
    pqxx::work tx(c);
    pqxx::result r = tx.exec_params(
        "SELECT spent_at IS NOT NULL, expires_at <= now(), phone_done_at IS NOT NULL, "
        " (SELECT count(*) FROM phone_files f WHERE f.link_id = l.link_id)::int, max_files, "
        " greatest(0, floor(extract(epoch FROM expires_at - now())))::bigint "
        "FROM phone_links l WHERE link_id = $1::uuid AND device_id = $2",
        link_id, device.id);
    if (r.empty()) return;
    protocol::PhoneFiles out;
    out.received = r[0][3].as<int>();
    out.state = StateOf(r[0][0].as<bool>(), r[0][1].as<bool>(), r[0][2].as<bool>(), out.received,
                        r[0][4].as<int>());
    out.expires_in_s = r[0][5].as<int64_t>();
    for (const auto& row :
         tx.exec_params("SELECT seq, sealed FROM phone_files WHERE link_id = $1::uuid AND seq > $2 "
                        "ORDER BY seq",
                        link_id, after)) {
      const pqxx::binarystring sealed(row[1]);
      out.files.push_back(
          {row[0].as<int>(), Base64Encode(std::string_view(
                                 reinterpret_cast<const char*>(sealed.data()), sealed.size()))});
    }
    tx.commit();
    files = std::move(out);
  });
  if (!status.ok()) return ReplyForError(status.error());
  if (!files) return ErrorReply(404, "not_found", "no such phone link");
  return JsonBody(200, *files);
}

ApiReply ServerCore::SpendPhoneLink(const DeviceIdentity& device, const std::string& link_id) {
  if (!IsUuid(link_id)) return ErrorReply(404, "not_found", "no such phone link");
  bool found = false;
  Status status = m_pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    found = !tx.exec_params(
                   "UPDATE phone_links SET spent_at = coalesce(spent_at, now()) "
                   "WHERE link_id = $1::uuid AND device_id = $2 RETURNING 1",
                   link_id, device.id)
                 .empty();
    if (found) tx.exec_params("DELETE FROM phone_files WHERE link_id = $1::uuid", link_id);
    tx.commit();
  });
  if (!status.ok()) return ReplyForError(status.error());
  if (!found) return ErrorReply(404, "not_found", "no such phone link");
  ApiReply reply;
  reply.status = 204;
  return reply;
}

ApiReply ServerCore::PhonePage(const ApiRequest& request, const std::string& path) {
  if (path.rfind("/m/static/", 0) == 0) {
    if (request.method != "GET") return PhoneJsonReply(405, "method_not_allowed", request.method);
    return PhoneStaticFile(path);
  }
  std::string token;
  std::string action;
  if (!SplitPhonePath(path, &token, &action)) {
    // Not a token's shape at all: no need to look it up, but it is a guess like any.
    token = std::string(43, '~');
    action = path.size() > 6 && path.substr(path.size() - 6) == "/files"  ? "files"
             : path.size() > 5 && path.substr(path.size() - 5) == "/done" ? "done"
                                                                          : "";
  }
  if (action.empty() && request.method == "GET") return PhoneLanding(request, token);
  if (action == "files" && request.method == "POST") return PhoneUpload(request, token);
  if (action == "done" && request.method == "POST") return PhoneDone(request, token);
  return PhoneJsonReply(405, "method_not_allowed", request.method);
}

ApiReply ServerCore::PhoneLanding(const ApiRequest& request, const std::string& token) {
  TokenVerdict verdict;
  Status status = m_pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    verdict = CheckToken(tx, token, request, m_options.phone);
    tx.commit();
  });
  if (!status.ok()) {
    ApiReply reply = ReplyForError(status.error());
    AddPhoneHeaders(&reply, false);
    return reply;
  }
  if (verdict.throttled_s > 0) return PhoneBusyPage(verdict.throttled_s);
  if (!verdict.link) return PhoneGonePage();
  const PhoneLinkRow& link = *verdict.link;
  return PhoneUploadPage(link.kiosk_key, std::max(0, link.max_files - link.received),
                         link.max_files, link.expires_in_s);
}

std::optional<ApiReply> ServerCore::AdmitPhoneUpload(const ApiRequest& head,
                                                     const std::string& path) {
  std::string token;
  std::string action;
  if (head.method != "POST") return std::nullopt;
  if (!SplitPhonePath(path, &token, &action)) {
    if (path.size() < 6 || path.substr(path.size() - 6) != "/files") return std::nullopt;
    token = std::string(43, '~');  // no token's shape: a wrong guess all the same
  } else if (action != "files") {
    return std::nullopt;
  }
  TokenVerdict verdict;
  Status status = m_pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    verdict = CheckToken(tx, token, head, m_options.phone);
    tx.commit();
  });
  if (auto refused = RefusalOf(status, verdict)) return *refused;
  if (verdict.link->received >= verdict.link->max_files) {
    return PhoneJsonReply(409, "no_files_left", "this link takes no more files");
  }
  return std::nullopt;  // read the photo; PhoneUpload checks everything again
}

ApiReply ServerCore::PhoneUpload(const ApiRequest& request, const std::string& token) {
  const std::string path = request.target.substr(0, request.target.find('?'));
  if (auto refused = AdmitPhoneRequest(request, path)) return *refused;
  if (request.body.size() > protocol::kPhoneMaxSealedBytes) {
    return PhoneJsonReply(413, "too_large", "a sealed file may be at most 4 MiB");
  }
  if (request.body.size() <= protocol::kPhoneSealOverhead) {
    return PhoneJsonReply(400, "bad_request", "not a sealed file");
  }
  TokenVerdict verdict;
  int throttled_uploads = 0;
  bool full = false;
  int received = 0;
  int remaining = 0;
  Status status = m_pool.Run([&](pqxx::connection& c) {
    throttled_uploads = 0;
    full = false;
    pqxx::work tx(c);
    verdict = CheckToken(tx, token, request, m_options.phone);
    if (verdict.link) {
      const PhoneLinkRow& link = *verdict.link;
      full = link.received >= link.max_files;
      if (!full) {
        throttled_uploads =
            CountForClient(tx, request.remote_addr, "uploads", m_options.phone.uploads_allowed,
                           m_options.phone.window_s);
      }
      if (!full && throttled_uploads == 0) {
        tx.exec_params(
            "INSERT INTO phone_files (link_id, seq, sealed) VALUES ($1::uuid, $2, "
            "decode($3, 'hex'))",
            link.link_id, link.received + 1, protocol::HexEncode(request.body));
        received = link.received + 1;
        remaining = link.max_files - received;
      }
    }
    tx.commit();
  });
  if (!status.ok()) {
    ApiReply reply = ReplyForError(status.error());
    AddPhoneHeaders(&reply, false);
    return reply;
  }
  const int wait_s = verdict.throttled_s > 0 ? verdict.throttled_s : throttled_uploads;
  if (wait_s > 0) {
    ApiReply reply = PhoneJsonReply(429, "throttled", "too many requests from this address; wait");
    reply.retry_after_s = wait_s;
    return reply;
  }
  if (!verdict.link) return PhoneJsonReply(410, "gone", "this link is used up or expired");
  if (full) return PhoneJsonReply(409, "no_files_left", "this link takes no more files");
  ApiReply reply = JsonBody(201, json{{"received", received}, {"remaining", remaining}});
  AddPhoneHeaders(&reply, false);
  return reply;
}

ApiReply ServerCore::PhoneDone(const ApiRequest& request, const std::string& token) {
  TokenVerdict verdict;
  Status status = m_pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    verdict = CheckToken(tx, token, request, m_options.phone);
    if (verdict.link) {
      tx.exec_params("UPDATE phone_links SET phone_done_at = now() WHERE link_id = $1::uuid",
                     verdict.link->link_id);
    }
    tx.commit();
  });
  if (auto refused = RefusalOf(status, verdict)) return *refused;
  ApiReply reply = JsonBody(200, json{{"received", verdict.link->received}});
  AddPhoneHeaders(&reply, false);
  return reply;
}

}  // namespace yimen::server
