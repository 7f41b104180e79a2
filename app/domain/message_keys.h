// Every message key the domain validators can emit, in one place. Residents never see a
// key: the UI looks it up in assets/strings/validation.<lang>.json, and the strings test
// checks that both languages translate exactly this list.
//
// Placeholders: {field} is filled by whoever renders the message, from the label of the
// issue's field (or the item title of its group) in the display language. Every other
// placeholder ({min}, {max}, {max_length}, {min_length}, {years}, {age}, {date}) comes from
// FieldIssue::params; date bounds come as "YYYY-MM-DD".
#pragma once

#include <array>
#include <string_view>

namespace yimen::msg {

inline constexpr std::string_view kRequired = "validation.required";
inline constexpr std::string_view kRequiredChoice = "validation.required_choice";
inline constexpr std::string_view kRequiredSignature = "validation.required_signature";
inline constexpr std::string_view kTextTooLong = "validation.text.too_long";  // {max_length}
inline constexpr std::string_view kTextChars = "validation.text.chars";
inline constexpr std::string_view kNameChars = "validation.name.chars";
inline constexpr std::string_view kNameLength = "validation.name.length";  // {min} {max}
inline constexpr std::string_view kNameDot = "validation.name.dot";
// A look-alike of "·" (丶 ． • ・ -) in a name ({char}: the one found; domain/name_chars.h).
inline constexpr std::string_view kNameDotLookAlike = "validation.name.dot_look_alike";
// A character no font of the kiosk draws (emoji) in any text (not echoed: it cannot be drawn).
inline constexpr std::string_view kTextUndrawable = "validation.text.undrawable";
// A staff-entered name (ApplicationDraft::assisted): letters A-Z with single separators;
// its length ({min} {max}); a staff mark on a field that cannot carry one.
inline constexpr std::string_view kNameAssistedChars = "validation.name.assisted_chars";
inline constexpr std::string_view kNameAssistedLength = "validation.name.assisted_length";
inline constexpr std::string_view kDraftAssisted = "validation.draft.assisted";
// decision_delivery: not a method, or post without an address / SMS without a phone.
inline constexpr std::string_view kDraftDelivery = "validation.draft.delivery";
inline constexpr std::string_view kIdLength = "validation.id.length";
inline constexpr std::string_view kIdChars = "validation.id.chars";
inline constexpr std::string_view kIdCheckDigit = "validation.id.check_digit";
inline constexpr std::string_view kIdBirthDate = "validation.id.birth_date";
inline constexpr std::string_view kIdFuture = "validation.id.future";
inline constexpr std::string_view kIdDuplicate = "validation.id.duplicate";
inline constexpr std::string_view kPhone = "validation.phone";
inline constexpr std::string_view kAmount = "validation.amount";
inline constexpr std::string_view kAmountMin = "validation.amount.min";      // {min}
inline constexpr std::string_view kAmountMax = "validation.amount.max";      // {max}
inline constexpr std::string_view kAmountRange = "validation.amount.range";  // {min} {max}
inline constexpr std::string_view kNumber = "validation.number";
inline constexpr std::string_view kNumberMin = "validation.number.min";      // {min}
inline constexpr std::string_view kNumberMax = "validation.number.max";      // {max}
inline constexpr std::string_view kNumberRange = "validation.number.range";  // {min} {max}
inline constexpr std::string_view kDigits = "validation.digits";
inline constexpr std::string_view kDigitsLength = "validation.digits.length";  // {min_length} {max_length}
inline constexpr std::string_view kChoice = "validation.choice";
inline constexpr std::string_view kTown = "validation.town";
inline constexpr std::string_view kCommunity = "validation.community";
inline constexpr std::string_view kGroupMin = "validation.group.min";  // {min}
inline constexpr std::string_view kGroupMax = "validation.group.max";  // {max}
inline constexpr std::string_view kDraftService = "validation.draft.service";
inline constexpr std::string_view kDraftUnknownField = "validation.draft.unknown_field";
inline constexpr std::string_view kDate = "validation.date";
inline constexpr std::string_view kDateMin = "validation.date.min";      // {min}
inline constexpr std::string_view kDateMax = "validation.date.max";      // {max}
inline constexpr std::string_view kDateRange = "validation.date.range";  // {min} {max}
inline constexpr std::string_view kMultiChoice = "validation.multi_choice";
inline constexpr std::string_view kMultiChoiceMin = "validation.multi_choice.min";  // {min}
inline constexpr std::string_view kMultiChoiceMax = "validation.multi_choice.max";  // {max}
inline constexpr std::string_view kSignature = "validation.signature";
inline constexpr std::string_view kPhoto = "validation.photo";
inline constexpr std::string_view kRuleMinAge = "validation.rule.min_age";  // {years} {age} {date}
inline constexpr std::string_view kRuleAgeBelow = "validation.rule.age_below";  // {years} {age}
inline constexpr std::string_view kRuleApplicantInMembers = "validation.rule.applicant_in_members";
inline constexpr std::string_view kDraftHiddenField = "validation.draft.hidden_field";
inline constexpr std::string_view kAppNumberFormat = "validation.app_number.format";
inline constexpr std::string_view kAppNumberCheck = "validation.app_number.check";

// A table aligned by hand.
// clang-format off
inline constexpr std::array kAllValidationKeys = {
    kRequired,     kTextTooLong,  kTextChars,     kNameChars,     kNameLength,
    kNameDot,      kIdLength,     kIdChars,       kIdCheckDigit,  kIdBirthDate,
    kIdFuture,     kIdDuplicate,  kPhone,         kAmount,        kAmountMin,
    kAmountMax,    kAmountRange,  kNumber,        kNumberMin,     kNumberMax,
    kNumberRange,  kDigits,       kDigitsLength,  kChoice,        kTown,
    kCommunity,    kGroupMin,     kGroupMax,      kDraftService,  kDraftUnknownField,
    kAppNumberFormat, kAppNumberCheck, kDate,        kDateMin,       kDateMax,
    kDateRange,    kMultiChoice, kMultiChoiceMin, kMultiChoiceMax, kSignature,
    kPhoto,        kRuleMinAge,  kRuleAgeBelow,  kRuleApplicantInMembers, kDraftHiddenField,
    kRequiredChoice, kRequiredSignature,
    kNameDotLookAlike, kTextUndrawable, kNameAssistedChars, kNameAssistedLength,
    kDraftAssisted, kDraftDelivery,
};
// clang-format on

}  // namespace yimen::msg
