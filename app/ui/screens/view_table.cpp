// The router's table: which View draws which Screen. A new screen adds one row here
// (and its Screen value and its own file).
#include "ui/screens/view.h"

namespace yimen::ui {

std::span<const ViewEntry> ViewTable() {
  // A plain array, its size counted by the compiler: two branches that each add a
  // screen merge without a conflict and without a wrong count.
  static const ViewEntry kTable[] = {
      {Screen::kHome, &MakeHomeView},
      {Screen::kServices, &MakeServicesView},
      {Screen::kFinder, &MakeFinderView},
      {Screen::kDetail, &MakeDetailView},
      {Screen::kForm, &MakeFormView},
      {Screen::kReview, &MakeReviewView},
      {Screen::kReceipt, &MakeReceiptView},
      {Screen::kEligibility, &MakeEligibilityView},
      {Screen::kStaffExit, &MakeStaffExitView},
      {Screen::kStaffLogin, &MakeStaffLoginView},
      {Screen::kStaffHome, &MakeStaffHomeView},
      {Screen::kStaffList, &MakeStaffListView},
      {Screen::kStaffReceipt, &MakeStaffReceiptView},
      {Screen::kStaffQueue, &MakeStaffQueueView},
      {Screen::kStatusQuery, &MakeStatusQueryView},
      {Screen::kStatusResult, &MakeStatusResultView},
      {Screen::kPhotoCamera, &MakePhotoCameraView},
      {Screen::kPhotoImport, &MakePhotoImportView},
      {Screen::kPhotoPhone, &MakePhotoPhoneView},
      {Screen::kAssistHelp, &MakeAssistHelpView},
      {Screen::kAssistConfirm, &MakeAssistConfirmView},
      {Screen::kAssistEntry, &MakeAssistEntryView},
  };
  return kTable;
}

void AddSpeech(std::string* text, const std::string& part) {
  if (part.empty()) return;
  if (!text->empty()) *text += "。";
  *text += part;
}

std::string JoinSpeech(std::initializer_list<std::string> parts) {
  std::string text;
  for (const std::string& part : parts) AddSpeech(&text, part);
  return text;
}

}  // namespace yimen::ui
