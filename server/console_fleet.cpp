// The console's fleet page and kiosk revocation (docs/console.md "Fleet"): the rows
// and flags come from ListFleet, the revocation from RevokeKiosk (office_fleet.h), the
// same two functions `yimen-admin kiosks` and `revoke` call. Admins and supervisors
// only; a kiosk outside the viewer's scope answers as one that does not exist.
#include <algorithm>
#include <charconv>
#include <optional>

#include "server/console.h"
#include "server/console_call.h"
#include "server/office_fleet.h"

namespace yimen::server {
namespace {

using nlohmann::json;

bool MayUseFleet(const ConsoleCall& call) {
  const OfficeRole role = call.session->account.role;
  return role == OfficeRole::kAdmin || role == OfficeRole::kSupervisor;
}

std::string Filled(std::string text, const std::string& name, const std::string& value) {
  return FillPlaceholders(std::move(text), {{name, value}});
}

// "3分钟前" / "3 min ago" for an age in seconds; "从未" for -1.
std::string AgoText(const ConsoleCall& call, int64_t seconds) {
  if (seconds < 0) return call.T("fleet_never");
  if (seconds < 120) return Filled(call.T("fleet_ago_seconds"), "n", std::to_string(seconds));
  if (seconds < 2 * 3600) {
    return Filled(call.T("fleet_ago_minutes"), "n", std::to_string(seconds / 60));
  }
  if (seconds < 2 * 86400) {
    return Filled(call.T("fleet_ago_hours"), "n", std::to_string(seconds / 3600));
  }
  return Filled(call.T("fleet_ago_days"), "n", std::to_string(seconds / 86400));
}

// An age without "ago": the oldest undelivered item's.
std::string AgeText(const ConsoleCall& call, int64_t seconds) {
  if (seconds <= 0) return "—";
  if (seconds < 2 * 3600) {
    return Filled(call.T("fleet_age_minutes"), "n",
                  std::to_string(std::max<int64_t>(1, seconds / 60)));
  }
  if (seconds < 2 * 86400) {
    return Filled(call.T("fleet_age_hours"), "n", std::to_string(seconds / 3600));
  }
  return Filled(call.T("fleet_age_days"), "n", std::to_string(seconds / 86400));
}

// One kiosk as the API sends it (docs/api/openapi.yaml FleetKiosk).
json KioskJson(const FleetKiosk& k) {
  return json{
      {"device_id", k.device_id},
      {"kiosk_code", k.kiosk_code},
      {"hall", k.hall},
      {"town", k.town},
      {"enrolled_at", k.enrolled_at},
      {"last_heartbeat_at",
       k.last_heartbeat_at.empty() ? json(nullptr) : json(k.last_heartbeat_at)},
      {"silent_seconds", k.silent_seconds < 0 ? json(nullptr) : json(k.silent_seconds)},
      {"queue_depth", k.queue_depth},
      {"queue_history", k.queue_history},
      {"oldest_pending_age_s", k.oldest_pending_age_s},
      {"parked", k.parked},
      {"app_version", k.app_version},
      {"catalog_version", k.catalog_version},
      {"free_disk_bytes", k.free_disk_bytes < 0 ? json(nullptr) : json(k.free_disk_bytes)},
      {"sealing_key_id", k.sealing_key_id},
      {"last_error", k.last_error},
      {"revoked", k.revoked},
      {"revoked_at", k.revoked_at.empty() ? json(nullptr) : json(k.revoked_at)},
      {"revoked_by", k.revoked_by},
      {"revoke_reason", k.revoke_reason},
      {"flags",
       {{"silent", k.silent}, {"queue_growing", k.queue_growing}, {"disk_low", k.disk_low}}}};
}

// One kiosk as the page shows it.
json KioskRowModel(const ConsoleCall& call, const FleetKiosk& k) {
  json flags = json::array();
  if (k.silent) flags.push_back({{"code", "silent"}, {"label", call.T("fleet_flag_silent")}});
  if (k.queue_growing)
    flags.push_back({{"code", "growing"}, {"label", call.T("fleet_flag_growing")}});
  if (k.disk_low) flags.push_back({{"code", "disk"}, {"label", call.T("fleet_flag_disk")}});
  std::string history;
  if (k.queue_history.size() > 1) {
    for (const int64_t n : k.queue_history)
      history += (history.empty() ? "" : "→") + std::to_string(n);
    history = call.T("fleet_history") + history;
  }
  return json{
      {"device_id", k.device_id},
      {"kiosk_code", k.kiosk_code},
      {"hall", k.hall},
      {"town", k.town},
      {"last_heartbeat", k.last_heartbeat_at.empty() ? "—" : ChinaTime(k.last_heartbeat_at)},
      {"ago", AgoText(call, k.silent_seconds)},
      {"queue_depth", k.queue_depth},
      {"history", history},
      {"oldest", AgeText(call, k.oldest_pending_age_s)},
      {"parked", k.parked},
      {"app_version", k.app_version.empty() ? "—" : k.app_version},
      {"catalog_version", k.catalog_version.empty() ? "—" : k.catalog_version},
      {"free_disk", k.free_disk_bytes < 0
                        ? std::string("—")
                        : std::to_string(k.free_disk_bytes / (1024 * 1024)) + " MB"},
      {"disk_low", k.disk_low},
      {"sealing_key_id", k.sealing_key_id.empty() ? "—" : k.sealing_key_id},
      {"flags", flags},
      {"fine", !k.revoked && !k.flagged()},
      {"revoked", k.revoked},
      {"revoked_at", k.revoked_at.empty() ? "" : ChinaTime(k.revoked_at)},
      {"revoked_by", k.revoked_by},
      {"revoke_reason", k.revoke_reason},
      {"row_class", k.revoked     ? "revoked"
                    : k.flagged() ? "flagged"
                                  : ""}};
}

ApiReply NotFoundPage(const ConsoleCall& call) {
  json model = call.Model();
  model["message"] = call.T("error_not_found");
  return HtmlReply(404, RenderConsolePage("error.mustache", call.T("error_not_found"), model));
}

ApiReply ForbiddenPage(const ConsoleCall& call) {
  json model = call.Model();
  model["message"] = call.T("login_forbidden");
  return HtmlReply(403, RenderConsolePage("error.mustache", call.T("login_forbidden"), model));
}

std::optional<int64_t> DeviceId(const std::string& text) {
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

}  // namespace

FleetOptions Console::FleetOptionsNow() const {
  FleetOptions options;
  options.silent_minutes = m_options.fleet_silent_minutes;
  return options;
}

ApiReply Console::FleetPage(ConsoleCall& call) {
  if (!MayUseFleet(call)) return ForbiddenPage(call);
  auto kiosks = ListFleet(m_pool, call.session->account, FleetOptionsNow());
  json model = call.Model();
  if (!kiosks.ok()) {
    model["message"] = ShownMessage(call, kiosks.error());
    return HtmlReply(HttpStatusOf(kiosks.error().kind),
                     RenderConsolePage("error.mustache", call.T("fleet_title"), model));
  }
  json rows = json::array();
  int flagged = 0;
  int revoked = 0;
  for (const FleetKiosk& k : *kiosks) {
    rows.push_back(KioskRowModel(call, k));
    flagged += k.flagged() ? 1 : 0;
    revoked += k.revoked ? 1 : 0;
  }
  model["kiosks"] = rows;
  model["empty"] = rows.empty();
  model["total"] = rows.size();
  model["flagged_total"] = flagged;
  model["revoked_total"] = revoked;
  model["fleet_rules"] =
      Filled(call.T("fleet_rules"), "minutes", std::to_string(m_options.fleet_silent_minutes));
  // After a revoke (its redirect): name the kiosk as the table does.
  if (const auto id = DeviceId(FormValue(call.params, "revoked"))) {
    for (const FleetKiosk& k : *kiosks) {
      if (k.device_id == *id && k.revoked) {
        model["notice"] = Filled(call.T("fleet_revoked_notice"), "kiosk",
                                 k.kiosk_code + " #" + std::to_string(k.device_id));
      }
    }
  }
  return HtmlReply(200, RenderConsolePage("fleet.mustache", call.T("fleet_title"), model));
}

ApiReply Console::FleetRevokePage(ConsoleCall& call, const std::string& device,
                                  const std::string& error) {
  if (!MayUseFleet(call)) return ForbiddenPage(call);
  const auto id = DeviceId(device);
  if (!id) return NotFoundPage(call);
  auto kiosks = ListFleet(m_pool, call.session->account, FleetOptionsNow());
  if (!kiosks.ok())
    return HtmlReply(
        503, RenderConsolePage("error.mustache", call.T("error_unavailable"), call.Model()));
  const auto it = std::find_if(kiosks->begin(), kiosks->end(), [&](const FleetKiosk& k) {
    return k.device_id == *id && !k.revoked;
  });
  if (it == kiosks->end()) return NotFoundPage(call);
  json model = call.Model();
  model["kiosk"] = KioskRowModel(call, *it);
  model["kiosk"]["csrf"] = model["csrf"];
  model["kiosk"]["reason"] = FormValue(call.form, "reason");
  model["error"] = error;
  return HtmlReply(error.empty() ? 200 : 400,
                   RenderConsolePage("fleet_revoke.mustache", call.T("fleet_revoke_title"), model));
}

ApiReply Console::FleetRevokePost(ConsoleCall& call, const std::string& device) {
  if (!MayUseFleet(call)) return ForbiddenPage(call);
  const auto id = DeviceId(device);
  if (!id) return NotFoundPage(call);
  if (FormValue(call.form, "confirm") != "1") {
    return FleetRevokePage(call, device, call.T("fleet_revoke_needs_confirm"));
  }
  RevokeRequest request{*id, FormValue(call.form, "reason"), "console", call.request.remote_addr};
  const Status done = RevokeKiosk(m_pool, call.session->account, request);
  if (!done.ok()) {
    if (done.error().kind == ErrorKind::kNotFound) return NotFoundPage(call);
    if (done.error().kind == ErrorKind::kInvalidArgument) {
      return FleetRevokePage(call, device, ShownMessage(call, done.error()));
    }
    json model = call.Model();
    model["message"] = ShownMessage(call, done.error());
    return HtmlReply(HttpStatusOf(done.error().kind),
                     RenderConsolePage("error.mustache", call.T("fleet_revoke_title"), model));
  }
  return Redirect("/console/fleet?revoked=" + std::to_string(*id));
}

ApiReply Console::ApiFleet(ConsoleCall& call) {
  auto kiosks = ListFleet(m_pool, call.session->account, FleetOptionsNow());
  if (!kiosks.ok()) return ApiError(call, kiosks.error());
  json out = json::array();
  for (const FleetKiosk& k : *kiosks) out.push_back(KioskJson(k));
  return JsonOut(200, json{{"kiosks", out}, {"silent_minutes", m_options.fleet_silent_minutes}});
}

ApiReply Console::ApiFleetRevoke(ConsoleCall& call, const std::string& device) {
  const auto id = DeviceId(device);
  if (!id) return ApiError(call, MakeError(ErrorKind::kNotFound, "no such kiosk"));
  const json reason = call.body.is_object() ? call.body.value("reason", json()) : json();
  RevokeRequest request{*id, reason.is_string() ? reason.get<std::string>() : "", "api",
                        call.request.remote_addr};
  if (Status done = RevokeKiosk(m_pool, call.session->account, request); !done.ok()) {
    return ApiError(call, done.error());
  }
  auto kiosks = ListFleet(m_pool, call.session->account, FleetOptionsNow());
  if (!kiosks.ok()) return ApiError(call, kiosks.error());
  for (const FleetKiosk& k : *kiosks) {
    if (k.device_id == *id) return JsonOut(200, KioskJson(k));
  }
  return ApiError(call, MakeError(ErrorKind::kNotFound, "no such kiosk"));
}

}  // namespace yimen::server
