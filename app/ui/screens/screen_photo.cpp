// The photo screens of a form's material slot: the camera's live picture with 拍照, and
// the import folder's images as thumbnails to pick from. Both return to the form.
#include <imgui.h>

#include <algorithm>

#include "ui/kiosk_app.h"
#include "ui/screens/view.h"
#include "ui/widgets/touch.h"

namespace yimen::ui {
namespace {

class PhotoCameraView final : public View {
 public:
  void Draw(const ViewModel& view, std::vector<Intent>* out) override;
  std::string Speech(const ViewModel& view) const override {
    const PhotoState& photos = view.session->photos;
    const FieldSpec* field = view.FieldAt(photos.target);
    return JoinSpeech({field ? view.Text(field->label) : std::string(),
                       view.Tr(photos.camera_failed ? "photo.camera_failed" : "photo.camera_hint"),
                       photos.message});
  }
};

class PhotoImportView final : public View {
 public:
  void Draw(const ViewModel& view, std::vector<Intent>* out) override;
  std::string Speech(const ViewModel& view) const override {
    const PhotoState& photos = view.session->photos;
    return JoinSpeech({view.Tr("photo.import_title"),
                       view.Tr(photos.imports.empty() ? "photo.import_empty" : "photo.import_hint"),
                       photos.message});
  }
};

}  // namespace

namespace {

const FieldSpec* TargetField(const ViewModel& view) {
  const FieldAddress& key = view.session->photos.target;
  if (key.area != FieldAddress::Area::kTop && key.area != FieldAddress::Area::kMember)
    return nullptr;
  return view.FieldAt(key);
}

}  // namespace

void DrawPhotoThumb(const PhotoThumb& thumb, ImVec2 box, const std::string& id, const std::string& label) {
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  // Fit inside the box, aspect kept, centred; the box itself is the frame.
  ImVec2 size = box;
  if (thumb.width > 0 && thumb.height > 0) {
    const float scale = std::min(box.x / thumb.width, box.y / thumb.height);
    size = ImVec2(thumb.width * scale, thumb.height * scale);
  }
  const ImVec2 a(p0.x + (box.x - size.x) * 0.5f, p0.y + (box.y - size.y) * 0.5f);
  const ImVec2 b(a.x + size.x, a.y + size.y);
  draw->AddRectFilled(p0, ImVec2(p0.x + box.x, p0.y + box.y), colors::kSecondary);
  if (thumb.handle) {
    draw->AddImage(TextureOf(thumb), a, b);
  } else {
    const ImVec2 text = ImGui::CalcTextSize(label.c_str());
    draw->AddText(ImVec2(p0.x + (box.x - text.x) * 0.5f, p0.y + (box.y - text.y) * 0.5f), colors::kMuted,
                  label.c_str());
  }
  draw->AddRect(p0, ImVec2(p0.x + box.x, p0.y + box.y), colors::kBorder);
  ImGui::Dummy(box);
  RecordRect(id, label, p0, ImVec2(p0.x + box.x, p0.y + box.y));
}

void PhotoCameraView::Draw(const ViewModel& view, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  const PhotoState& photos = view.session->photos;
  const FieldSpec* field = TargetField(view);
  BeginScreen(view, field ? view.Text(field->label) : view.Tr("photo.take"), true, 1, out);
  Paragraph(view.Tr("photo.camera_hint"), Ctx().body, colors::kMuted);
  Gap(0.5f);
  const float w = ImGui::GetContentRegionAvail().x;
  const bool live = photos.preview.width > 0;
  // Short words in the box (drawn on one line); the explanation below wraps.
  const std::string label = live                   ? view.Tr("photo.preview")
                            : photos.camera_failed ? view.Tr("photo.no_picture")
                                                   : view.Tr("photo.camera_waiting");
  DrawPhotoThumb(photos.preview, ImVec2(w, w * 0.75f), "photo:preview", label);
  if (!live && photos.camera_failed) Paragraph(view.Tr("photo.camera_failed"), Ctx().body, colors::kError);
  if (!photos.message.empty()) Paragraph(photos.message, Ctx().body, colors::kError);
  Gap(1);
  BeginFooter(view);
  const float half = (ImGui::GetContentRegionAvail().x - m.gap) * 0.5f;
  if (TouchButton(view.Tr("photo.cancel"), ImVec2(half, m.button_h), ButtonStyle::kSecondary, true, "photo:cancel")) {
    out->push_back(session::photo_event::Cancel{});
  }
  ImGui::SameLine();
  if (TouchButton(view.Tr("photo.shutter"), ImVec2(half, m.button_h), ButtonStyle::kPrimary, live, "photo:shutter")) {
    out->push_back(session::photo_event::Shutter{});
  }
  EndScreen(view);
}

void PhotoImportView::Draw(const ViewModel& view, std::vector<Intent>* out) {
  const Metrics& m = *view.metrics;
  const PhotoState& photos = view.session->photos;
  const FieldSpec* field = TargetField(view);
  BeginScreen(view, view.Tr("photo.import_title"), true, 1, out);
  if (field) Label(view.Text(field->label), Ctx().body, colors::kPrimary);
  Paragraph(view.Tr(photos.imports.empty() ? "photo.import_empty" : "photo.import_hint"), Ctx().body, colors::kMuted);
  if (!photos.message.empty()) Paragraph(photos.message, Ctx().body, colors::kError);
  Gap(0.5f);
  // Two tiles a row (big enough to recognise a document, and to touch).
  const int per_row = 2;
  const float w = (ImGui::GetContentRegionAvail().x - m.gap * (per_row - 1)) / per_row;
  for (size_t i = 0; i < photos.imports.size(); ++i) {
    const ImportFile& file = photos.imports[i];
    if (i % per_row != 0) ImGui::SameLine();
    ImGui::BeginGroup();
    DrawPhotoThumb(file.thumb, ImVec2(w, w * 0.75f), "import:thumb:" + std::to_string(i),
                   file.thumb.width ? file.name : view.Tr("photo.unreadable_tile"));
    if (TouchButton(file.name, ImVec2(w, m.target_min * 1.2f), ButtonStyle::kChoice, true,
                    "import:" + std::to_string(i))) {
      out->push_back(session::photo_event::Pick{i});
    }
    ImGui::EndGroup();
  }
  Gap(1);
  BeginFooter(view);
  if (TouchButton(view.Tr("photo.cancel"), ImVec2(0, m.button_h), ButtonStyle::kSecondary, true, "photo:cancel")) {
    out->push_back(session::photo_event::Cancel{});
  }
  EndScreen(view);
}

std::unique_ptr<View> MakePhotoCameraView() { return std::make_unique<PhotoCameraView>(); }
std::unique_ptr<View> MakePhotoImportView() { return std::make_unique<PhotoImportView>(); }

}  // namespace yimen::ui
