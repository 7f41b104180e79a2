// The form engine: an application as the resident fills it, and the rules that decide
// whether it is complete. Pure functions of (catalog, draft, today), so the kiosk checks a
// step before "next" and the server re-checks the submitted payload with the very same
// code (docs/design.md "Folders and arrows").
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/catalog.h"
#include "domain/civil_date.h"
#include "domain/result.h"

namespace yimen {

// A name field that hall staff entered for the resident after checking their ID document
// (docs/internals/drafts.md "Staff-assisted names"): only such a field takes a name in
// Latin letters (AssistedNameRule below), and only because the payload marks it.
struct AssistedField {
  std::string group;  // empty for a field outside any group
  int index = -1;     // the group item; -1 outside a group
  std::string field;  // the field id
  std::string staff;  // the staff account that unlocked and entered it

  bool operator==(const AssistedField&) const = default;
};

// What the resident has entered so far. Values are kept as entered (after
// NormalizeFieldValue); nothing is parsed until validation. A missing key is an empty
// answer.
struct ApplicationDraft {
  std::string service_code;
  std::string catalog_version;  // the catalog the form was filled against
  std::map<std::string, std::string> values;  // top-level field id -> value
  // group id -> items in the order added; each item maps field id -> value
  std::map<std::string, std::vector<std::map<std::string, std::string>>> groups;
  // What a "sig:…" or "photo:…" value refers to: a signature's strokes as text (one
  // stroke a line, "x,y" points on 0..1000), a photo as base64 JPEG. Stored with the
  // application (in its payload).
  std::map<std::string, std::string> attachments;
  // Name fields staff entered (and unlocked for Latin letters), in the order unlocked.
  std::vector<AssistedField> assisted;
  // How the resident gets the decision (docs/internals/visits.md "How to get the
  // decision"): one of kDeliveryMethods. Empty only in payloads from kiosks before it.
  std::string decision_delivery;

  bool operator==(const ApplicationDraft&) const = default;
};

// The staff mark on a field of the draft, nullptr when there is none. Any thread.
const AssistedField* FindAssisted(const ApplicationDraft& draft, std::string_view group, int index,
                                  std::string_view field);
// The limits of a staff-entered name: A-Z (upper case, as the permit prints it), one
// space, "·" or "-" between letters, 2..60 characters.
inline constexpr int kAssistedNameMin = 2;
inline constexpr int kAssistedNameMax = 60;

// How a resident may get the decision: at the hall that took the application, by post to
// the address in the form, or by an SMS to the phone in the form (the office sends it;
// the kiosk records the choice).
inline constexpr std::string_view kDeliveryHall = "hall";
inline constexpr std::string_view kDeliveryPost = "post";
inline constexpr std::string_view kDeliverySms = "sms";
inline constexpr std::string_view kDeliveryMethods[] = {kDeliveryHall, kDeliveryPost, kDeliverySms};

// One problem for the resident to fix. The UI places it by step, field and group item and
// shows the sentence for `message_key` (assets/strings/validation.*.json, keys listed in
// domain/message_keys.h), filling {field} from the field's label and the other
// placeholders from `params`.
struct FieldIssue {
  std::string step_id;      // empty for draft-level issues
  std::string field_id;     // empty for an issue about a whole group (its item count)
  std::string group_id;     // set when the issue is in or about a group
  int group_index = -1;     // the item within the group, -1 when not about one item
  std::string message_key;  // e.g. "validation.required"
  std::map<std::string, std::string> params;  // e.g. {"max_length": "300"}

  bool operator==(const FieldIssue&) const = default;
};

// What a single field's check needs beyond its value.
struct FieldContext {
  CivilDate today;                 // ID numbers: a birth date may not be after it
  const Region* region = nullptr;  // town and community fields: the catalog's region
  std::string town;                // community fields: the value of their town field
  bool assisted = false;           // chinese_name: staff entered it (FindAssisted)
};

// The value as it should be stored: surrounding whitespace removed for every type; ID
// numbers without spaces and with 'X' upper-case; names without spaces and with look-alike
// dots (•, ・, ‧, ．...) turned into the middle dot U+00B7; phones, amounts, numbers and
// digit strings without spaces. The UI stores what this returns; validation applies it
// first, so a value and its normalised form always validate alike. Any thread.
// A staff-assisted name (`assisted`) keeps single spaces between its parts and is upper-cased.
std::string NormalizeFieldValue(const FieldSpec& field, std::string_view value,
                                bool assisted = false);

// Applies NormalizeFieldValue to every value of a field the service knows. Any thread.
void NormalizeDraft(const ServiceSpec& service, ApplicationDraft* draft);

// Checks one value; returns no issue or exactly one (the first rule it breaks), with
// field_id set and step/group left for the caller. An empty value is an issue only when
// the field is required. Rules by type:
//   text          valid UTF-8, no control characters except line breaks and tabs,
//                 at most max_length characters
//   chinese_name  Han characters and the middle dot only; dot neither first, last nor
//                 doubled; 2..20 Han characters. With ctx.assisted instead: A-Z with one
//                 space, "·" or "-" between letters, 2..60 characters (emoji refused)
//   id_number     ParseIdNumber (id_number.h) against ctx.today
//   phone         mobile 1[3-9] + 9 digits, or landline 0 + 2..3 digit area code, an
//                 optional "-", and a 7..8 digit number not starting with 0 or 1
//   amount        ParseAmountFen (catalog.h), then min/max
//   number        an integer ("-" allowed), then min/max
//   digits        ASCII digits only, min_length..max_length of them
//   choice        one of the option values; yes_no: "yes" or "no"
//   town          a town of ctx.region; community: a community of ctx.town's town
//   date          "YYYY-MM-DD" and a real date, then min_date/max_date resolved against
//                 ctx.today
//   multi_choice  option values joined by ",", each listed once, then min/max of count
//   signature     "sig:" + 8..64 of [0-9a-f-] (the key of strokes stored by the pad)
//   photo         "photo:" + 8..64 of [0-9a-f-] (the key of a stored image)
// Visibility (visible_if) is not this function's business: callers skip hidden fields.
// Any thread.
std::vector<FieldIssue> ValidateField(const FieldSpec& field, std::string_view value,
                                      const FieldContext& ctx);

// Checks step `step_index` (asserted < number of steps) of `draft`: each of its visible
// fields, or for a group step its item count and every visible field of every item, plus
// the cross-field issues that belong to this step: an ID number repeating one entered
// earlier in the form ("validation.id.duplicate", or "validation.rule.applicant_in_members"
// where an applicant_not_member rule covers the pair), and the service's declared rules
// placed on their id field, or on their `when` field when that is on a later step
// ("validation.rule.min_age", "validation.rule.age_below", with params {years} {age}).
// Hidden fields are never checked. Issues are in form order.
// Any thread.
std::vector<FieldIssue> ValidateStep(const ServiceSpec& service, const Region& region,
                                     size_t step_index, const ApplicationDraft& draft,
                                     const CivilDate& today);

// Checks the whole draft as the server does before accepting it: every step, then values
// for fields or groups the service does not have ("validation.draft.unknown_field") and
// values of hidden fields, which DropHiddenValues removes before submit
// ("validation.draft.hidden_field"), and staff marks that point at no chinese_name field
// with a value, or name no staff ("validation.draft.assisted"), and a decision_delivery
// that is not one of kDeliveryMethods or not possible for the draft (DeliveryPossible:
// "validation.draft.delivery"; an empty one is accepted, as older kiosks send). A draft for another
// service gives the single issue "validation.draft.service". No issues means the application is
// complete. Any thread.
std::vector<FieldIssue> ValidateDraft(const ServiceSpec& service, const Region& region,
                                      const ApplicationDraft& draft, const CivilDate& today);

// Whether the decision can reach the resident by `method` for this draft: "hall" always;
// "post" needs a value in a visible top-level field with shared key "address.detail"
// (the street address); "sms" needs one in a visible top-level phone field. False for
// an unknown method. Any thread.
bool DeliveryPossible(const ServiceSpec& service, const ApplicationDraft& draft,
                      std::string_view method);
// The field whose value the decision goes to by `method` ("post": the first visible
// top-level field with shared key "address.detail" that has a value; "sms": likewise the
// first phone field), nullptr when there is none or for another method. Any thread.
const FieldSpec* DeliveryField(const ServiceSpec& service, const ApplicationDraft& draft,
                               std::string_view method);

// Whether `field` is shown: true without visible_if; otherwise its controlling field is
// itself visible and its (normalised) value is one of the condition's values (for a
// multi_choice controller: one of them is chosen). For a field of a group pass the group id
// and the item index; the controller is looked up in that item first, then at the top
// level. Any thread.
bool IsFieldVisible(const ServiceSpec& service, const FieldSpec& field,
                    const ApplicationDraft& draft, std::string_view group_id = {},
                    int group_index = -1);

// The same for an eligibility question against the other answers. Any thread.
bool IsQuestionVisible(const EligibilitySpec& spec, const FieldSpec& question,
                       const std::map<std::string, std::string>& answers);

// Removes (and empties) the values of hidden fields, top level and in every group item,
// so nothing the resident typed under a branch they later left is submitted. Any thread.
void DropHiddenValues(const ServiceSpec& service, ApplicationDraft* draft);

// The day a person born on `birth` turns `years` (29 February: 1 March in common years,
// as AgeInYears counts): the date the self-check and the form's age rule both give.
CivilDate BirthdayAt(const CivilDate& birth, int years);

// Whether a material is a paper the kiosk has the resident sign (the 承诺书 by the
// `pledge_signature` field, the 家庭经济状况核对授权书 by `check_signature`): it is signed
// before submit, so the receipt does not list it among the papers to bring. Any thread.
bool SignedOnKiosk(const ServiceSpec& service, const Material& material);

// The option values of a multi_choice value, in stored order (empty parts skipped).
std::vector<std::string> SplitChoices(std::string_view value);
// `current` with `option` added or, when present, removed; normalised (option order).
// For the UI's toggle buttons. Any thread.
std::string ToggleChoice(const FieldSpec& field, std::string_view current,
                         std::string_view option);

// The date keypad's mask: keeps the first 8 ASCII digits of `typed` and lays them out as
// "YYYY-MM-DD" as far as they go ("1950" -> "1950-", "195003" -> "1950-03-",
// "19500308" -> "1950-03-08"). Removing the last digit of the result: pass the result
// without its last digit character to this function again. Any thread.
std::string MaskDateInput(std::string_view typed);
// `masked` with its last digit removed, re-masked. Any thread.
std::string MaskDateBackspace(std::string_view masked);

// Prefixes of the attachment references stored in signature and photo fields.
inline constexpr std::string_view kSignatureRefPrefix = "sig:";
inline constexpr std::string_view kPhotoRefPrefix = "photo:";
// `value` is "<prefix>" + 8..64 of [0-9a-f-]: the key under which the store keeps the
// strokes or the image. The domain only checks the shape; the store checks that the key
// exists. Pure.
bool IsAttachmentRef(std::string_view value, std::string_view prefix);

// The payload the store seals and the server re-validates:
//   {"format": 1, "service_code": "...", "catalog_version": "...",
//    "values": {"id": "value", ...}, "groups": {"members": [{"id": "value"}, ...]},
//    "assisted_fields": [{"field": "name", "staff": "王芳"},
//                        {"group": "members", "index": 0, "field": "name", "staff": ...}],
//    "decision_delivery": "post"}
// ("assisted_fields" only when staff entered a name; "decision_delivery" only when set;
// "attachments" as above).
nlohmann::json DraftToJson(const ApplicationDraft& draft);

// Reads DraftToJson's output back. Fails with kInvalidArgument naming the offending path
// when the shape is wrong (unknown keys, non-string values, another format). Does not
// check values against a catalog: that is ValidateDraft's job. Never throws. Any thread.
Result<ApplicationDraft> DraftFromJson(const nlohmann::json& json);

// 低保-style per-capita monthly household income in fen: (applicant's income + every
// member's income) / (1 + number of members), rounded half up to the fen. Uses the
// service's means_test to find the fields. Fails with kInvalidArgument when the service
// has no means test (message says so) or when an income is missing or not an amount
// (message "validation.amount"). Any thread.
Result<int64_t> PerCapitaMonthlyIncomeFen(const ServiceSpec& service,
                                          const ApplicationDraft& draft);

}  // namespace yimen
