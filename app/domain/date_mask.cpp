// The date field's input mask (MaskDateInput, MaskDateBackspace in form.h): digits
// typed on the kiosk's number pad become "YYYY-MM-DD" as they come.
#include <string>

#include "domain/form.h"

namespace yimen {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string MaskDateInput(std::string_view typed) {
  std::string digits;
  for (const char c : typed) {
    if (IsDigit(c) && digits.size() < 8) digits.push_back(c);
  }
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    out.push_back(digits[i]);
    if ((i == 3 || i == 5) && i + 1 <= 7) out.push_back('-');
  }
  return out;
}

std::string MaskDateBackspace(std::string_view masked) {
  std::string digits;
  for (const char c : masked) {
    if (IsDigit(c)) digits.push_back(c);
  }
  if (!digits.empty()) digits.pop_back();
  return MaskDateInput(digits);
}

}  // namespace yimen
