// One screen of the kiosk as a class (docs/internals/ui.md): it draws itself from the
// read-only ViewModel, appends the intents its taps make, says what the voice reads on
// it, and keeps whatever state only it needs (e.g. the staff list's pending scroll).
// KioskApp routes to the View for its current Screen through ViewTable(); adding a
// screen is a new file with a View and one row in screens/view_table.cpp.
#pragma once

#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ui/kiosk_app.h"

namespace yimen::ui {

class View {
 public:
  virtual ~View() = default;
  // Draws the screen into the current ImGui frame. Main thread.
  virtual void Draw(const ViewModel& view, std::vector<Intent>* out) = 0;
  // What the voice reads on this screen (title, instructions, focus, errors); "" for
  // screens that are not read aloud (staff mode).
  virtual std::string Speech(const ViewModel& view) const {
    (void)view;
    return {};
  }
};

// Parts of a spoken text, joined with "。"; empty parts are skipped.
std::string JoinSpeech(std::initializer_list<std::string> parts);
void AddSpeech(std::string* text, const std::string& part);

struct ViewEntry {
  Screen screen;
  std::unique_ptr<View> (*make)();
};
// Every screen's View, one row each (screens/view_table.cpp).
std::span<const ViewEntry> ViewTable();

// The factories the table names (one per screen file).
std::unique_ptr<View> MakeHomeView();
std::unique_ptr<View> MakeServicesView();
std::unique_ptr<View> MakeDetailView();
std::unique_ptr<View> MakeFormView();
std::unique_ptr<View> MakeReviewView();
std::unique_ptr<View> MakeReceiptView();
std::unique_ptr<View> MakeEligibilityView();
std::unique_ptr<View> MakeStaffExitView();
std::unique_ptr<View> MakeStaffLoginView();
std::unique_ptr<View> MakeStaffHomeView();
std::unique_ptr<View> MakeStaffListView();
std::unique_ptr<View> MakeStaffReceiptView();
std::unique_ptr<View> MakeStaffQueueView();
std::unique_ptr<View> MakeStatusQueryView();
std::unique_ptr<View> MakeStatusResultView();
std::unique_ptr<View> MakePhotoCameraView();
std::unique_ptr<View> MakePhotoImportView();
std::unique_ptr<View> MakePhotoPhoneView();
std::unique_ptr<View> MakeAssistHelpView();
std::unique_ptr<View> MakeAssistConfirmView();
std::unique_ptr<View> MakeAssistEntryView();
std::unique_ptr<View> MakeFinderView();

}  // namespace yimen::ui
