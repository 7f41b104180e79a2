// Masked forms of the personal values a resident types (ID number, phone, bank account,
// name), for every place one is shown back after entry: the review page, receipts,
// staff screens, exports. docs/design.md decision 1 keeps the full values only inside the
// application's payload; everything a passer-by or a printer could see uses these.
#pragma once

#include <string>
#include <string_view>

#include "domain/catalog.h"

namespace yimen {

// An ID number with only its first 4 and last 4 characters kept:
// 44200019650312123X → 4420**********123X, a 15-digit old ID 442000650312123 →
// 4420*******2123. A shorter or malformed value keeps fewer characters so that at least
// six are always hidden (ten characters keep 2 + 2; six or fewer keep none). Counts
// code points, so a full-width character never splits. Pure, any thread.
std::string MaskIdNumber(std::string_view id);

// A phone number with its private middle hidden: a mobile keeps the first 3 and last 4
// digits (13812345678 → 138****1234); a landline keeps the area code, the dash if
// typed, and the last 4 (0760-88881234 → 0760-****1234, 01088881234 → 010****1234).
// Anything else keeps at most its last 4 characters and hides at least half. Pure.
std::string MaskPhone(std::string_view phone);

// A bank account or card number (a digits field): the last 4 kept, everything else
// hidden (6228480012345678901 → ***************8901); at least half is always hidden.
std::string MaskDigits(std::string_view digits);

// The masked display form of a value of field type `type`: names keep only the
// surname (SurnameOnly: 欧阳娜娜 → 欧阳*), ID numbers, phones and digit strings as
// above; other types are returned unchanged (they are not identifying on their own).
// Empty stays empty. Pure, any thread.
std::string MaskFieldValue(FieldType type, std::string_view value);

// Whether MaskFieldValue hides anything for this type.
bool IsMaskedFieldType(FieldType type);

}  // namespace yimen
