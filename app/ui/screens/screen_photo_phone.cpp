// The phone page of a photo slot (用手机传, docs/devices.md "Photos from a phone"): a QR
// code of a one-time upload link, how long it lasts, and the photos that came, as tiles
// to tap into the slot. What it does is session::Photos' (session/photos_phone.cpp).
#include <imgui.h>

#include <algorithm>

#include "ui/kiosk_app.h"
#include "ui/screens/view.h"
#include "ui/widgets/touch.h"

namespace yimen::ui {
namespace {

using session::PhoneLinkState;

// "9:58" from seconds.
std::string Clock(int seconds) {
  const int m = seconds / 60, s = seconds % 60;
  return std::to_string(m) + (s < 10 ? ":0" : ":") + std::to_string(s);
}

// The page's main sentence for the link's state.
const char* StateKey(PhoneLinkState state) {
  switch (state) {
    case PhoneLinkState::kIdle:
    case PhoneLinkState::kAsking: return "photo.phone_asking";
    case PhoneLinkState::kOpen: return "photo.phone_scan";
    case PhoneLinkState::kDone: return "photo.phone_done";
    case PhoneLinkState::kExpired: return "photo.phone_expired";
    case PhoneLinkState::kOffline: return "photo.phone_offline";
    case PhoneLinkState::kOff: return "photo.phone_off";
  }
  return "photo.phone_asking";
}

// The states a new link helps with: 重新生成 (expired, done) or 再试一次 (offline).
const char* RenewKey(PhoneLinkState state) {
  if (state == PhoneLinkState::kExpired || state == PhoneLinkState::kDone)
    return "photo.phone_renew";
  if (state == PhoneLinkState::kOffline) return "photo.phone_retry";
  return nullptr;
}

class PhotoPhoneView final : public View {
 public:
  void Draw(const ViewModel& view, std::vector<Intent>* out) override;
  std::string Speech(const ViewModel& view) const override {
    const PhotoState& photos = view.session->photos;
    const PhoneLinkState state = photos.phone.state;
    return JoinSpeech(
        {view.Tr(StateKey(state)),
         state == PhoneLinkState::kOpen ? view.Tr("photo.phone_limits") : std::string(),
         photos.phone_files.empty() ? std::string() : ReceivedText(view), photos.message});
  }

 private:
  static std::string ReceivedText(const ViewModel& view) {
    return view.Fmt("photo.phone_received",
                    {{"n", std::to_string(view.session->photos.phone_files.size())}});
  }
  void DrawLink(const ViewModel& view, std::vector<Intent>* out);
  void DrawFiles(const ViewModel& view, std::vector<Intent>* out);
};

void PhotoPhoneView::DrawLink(const ViewModel& view, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  const session::PhoneLinkStatus& link = view.session->photos.phone;
  const bool problem = link.state == PhoneLinkState::kExpired ||
                       link.state == PhoneLinkState::kOffline || link.state == PhoneLinkState::kOff;
  Paragraph(view.Tr(StateKey(link.state)), Ctx().title, problem ? colors::kError : colors::kText);
  if (link.state == PhoneLinkState::kOpen && !link.url.empty()) {
    // Half the screen's width, centred: an old phone's camera reads it from arm's length
    // (a 50-module code at 1080 px: ~9 px a module).
    const float avail = ImGui::GetContentRegionAvail().x;
    const float mm = avail * 0.5f / m.px_per_mm;
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + avail * 0.25f);
    DrawQrCode(view, link.url, mm, "phone:qr");
    Paragraph(view.Tr("photo.phone_limits"), Ctx().body, colors::kMuted);
    Label(view.Fmt("photo.phone_countdown",
                   {{"time", Clock(view.session->photos.phone_seconds_left)}}),
          Ctx().body, colors::kPrimary);
    if (link.retrying) Paragraph(view.Tr("photo.phone_retrying"), Ctx().body, colors::kMuted);
  }
  if (const char* renew = RenewKey(link.state)) {
    Gap(0.5f);
    // With photos to tap, those are the main thing to do: the new link is secondary.
    const bool files = !view.session->photos.phone_files.empty();
    if (TouchButton(view.Tr(renew), ImVec2(0, m.button_h),
                    files ? ButtonStyle::kSecondary : ButtonStyle::kPrimary, true, "phone:renew")) {
      out->push_back(session::photo_event::PhoneRenew{});
    }
  }
}

void PhotoPhoneView::DrawFiles(const ViewModel& view, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  const PhotoState& photos = view.session->photos;
  if (photos.phone_files.empty()) return;
  Gap(0.5f);
  Paragraph(ReceivedText(view), Ctx().body, colors::kPrimary);
  // Two tiles a row, like the import screen: the picture and a button under it both take it.
  const int per_row = 2;
  const float w = (ImGui::GetContentRegionAvail().x - m.gap * (per_row - 1)) / per_row;
  for (size_t i = 0; i < photos.phone_files.size(); ++i) {
    const session::PhoneFile& file = photos.phone_files[i];
    const std::string n = std::to_string(i + 1);
    if (i % per_row != 0) ImGui::SameLine();
    ImGui::BeginGroup();
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    const ImVec2 box(w, w * 0.75f);
    DrawPhotoThumb(file.thumb, box, "phone:tile:" + n,
                   file.thumb.width ? view.Fmt("photo.phone_tile", {{"n", n}})
                                    : view.Tr("photo.unreadable_tile"));
    const bool tapped = HiddenTarget("phone:thumb:" + n, p0, ImVec2(p0.x + box.x, p0.y + box.y));
    if (TouchButton(view.Fmt("photo.phone_use", {{"n", n}}), ImVec2(w, m.target_min * 1.2f),
                    ButtonStyle::kChoice, true, "phone:use:" + n) ||
        tapped) {
      out->push_back(session::photo_event::PhonePick{i});
    }
    ImGui::EndGroup();
  }
}

void PhotoPhoneView::Draw(const ViewModel& view, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  const PhotoState& photos = view.session->photos;
  const FieldAddress& key = photos.target;
  const FieldSpec* field =
      (key.area == FieldAddress::Area::kTop || key.area == FieldAddress::Area::kMember)
          ? view.FieldAt(key)
          : nullptr;
  BeginScreen(view, view.Tr("photo.phone_title"), true, 1, out);
  if (field) Label(view.Text(field->label), Ctx().body, colors::kPrimary);
  DrawLink(view, out);
  if (!photos.message.empty()) Paragraph(photos.message, Ctx().body, colors::kError);
  DrawFiles(view, out);
  Gap(1);
  BeginFooter(view);
  if (TouchButton(view.Tr("photo.cancel"), ImVec2(0, m.button_h), ButtonStyle::kSecondary, true,
                  "photo:cancel")) {
    out->push_back(session::photo_event::Cancel{});
  }
  EndScreen(view);
}

}  // namespace

std::unique_ptr<View> MakePhotoPhoneView() { return std::make_unique<PhotoPhoneView>(); }

}  // namespace yimen::ui
