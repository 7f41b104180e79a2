// The service catalog: what a resident can apply for, who qualifies, which materials to
// bring, the allowance standards, and the form to fill. It is data (docs/design.md decision 4)
// that the kiosk pulls from the server, so the loader checks every file completely and
// names the file and field of any problem: a bad catalog must be refused whole, never
// half-loaded. The JSON format is documented in docs/catalog.md.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "domain/civil_date.h"
#include "domain/result.h"

namespace yimen {

// The catalog schema this build reads. A catalog with a higher "schema" is refused, so an
// old kiosk keeps its current catalog instead of misreading a newer one. Schema 2 added
// date, multi-choice, signature and photo fields, visible_if, cross-field rules, standard
// tiers and the eligibility self-check; every schema 1 catalog is also a schema 2 one.
inline constexpr int kCatalogSchema = 2;

// A text in both display languages. The loader guarantees both are non-empty, except for
// optional texts (hints, notes), which are either both empty or both set.
struct LocalizedText {
  std::string zh;
  std::string en;
  bool empty() const { return zh.empty() && en.empty(); }
};

// Field types. To add one: a row in the type table in catalog.cpp (its JSON name and which
// optional keys it takes), a case in ValidateField (form.cpp), and its message keys.
enum class FieldType {
  kText,         // free text, at most max_length characters
  kChineseName,  // 2..20 Han characters, middle dot allowed (minority names)
  kIdNumber,     // 居民身份证号, GB 11643
  kPhone,        // mainland mobile or landline with area code
  kAmount,       // yuan, at most 2 decimals, >= 0
  kNumber,       // integer
  kDigits,       // a string of digits where leading zeros matter (bank account numbers)
  kChoice,       // one of `options`
  kYesNo,        // "yes" or "no"
  kTown,         // a town (镇/街道) of the catalog region, by its Chinese name
  kCommunity,    // a community (社区/村) of the town chosen in `town_field`
  kDate,         // "YYYY-MM-DD", optionally between min_date and max_date
  kMultiChoice,  // any of `options`, stored as their values joined by "," in option order;
                 // min/max bound how many are chosen
  kSignature,    // a reference to signature strokes stored with the application ("sig:…")
  kPhoto,        // a reference to a document photo stored with the application ("photo:…")
};

// The JSON name of a type ("chinese_name"). Any thread.
std::string_view FieldTypeName(FieldType type);
// The type with that JSON name, or nullopt. Any thread.
std::optional<FieldType> FieldTypeFromName(std::string_view name);

inline constexpr std::string_view kYes = "yes";
inline constexpr std::string_view kNo = "no";

// A date bound: a fixed date, or today plus/minus some days (relative bounds are resolved
// against the `today` every validation is given, so the server re-checks them alike).
// JSON: "1900-01-01", "today", "today+60", "today-30".
struct DateBound {
  bool relative = false;
  CivilDate date;       // when !relative
  int offset_days = 0;  // when relative
  bool operator==(const DateBound&) const = default;
};

// "Show this field only when another field has one of these values". The other field is
// in the same scope (the top level, or the same group item) and comes earlier in the form,
// so conditions never form a cycle; a group field may also name a top-level field of an
// earlier step. A hidden field is not validated and is dropped from the draft at submit.
// JSON: {"field": "disability", "equals": "yes"} or {"field": "role", "in": ["a", "b"]}.
struct Condition {
  std::string field;
  std::vector<std::string> values;  // any of them; multi_choice fields: any one chosen
};

struct ChoiceOption {
  std::string value;  // stored in the draft; [a-z0-9_]+
  LocalizedText label;
};

struct FieldSpec {
  std::string id;  // [a-z][a-z0-9_]*; unique among the form's top-level fields and groups,
                   // or among its group's fields
  FieldType type = FieldType::kText;
  LocalizedText label;
  LocalizedText hint;  // optional
  bool required = false;
  // kNumber: integer bounds. kAmount: bounds in fen (1/100 yuan), the catalog writes yuan.
  // kMultiChoice: how many options may be chosen.
  std::optional<int64_t> min;
  std::optional<int64_t> max;
  std::optional<DateBound> min_date;  // kDate only (JSON "min")
  std::optional<DateBound> max_date;  // kDate only (JSON "max")
  std::optional<int> min_length;  // kDigits only
  std::optional<int> max_length;  // characters; kText and kDigits, always set for them
  std::vector<ChoiceOption> options;  // kChoice and kMultiChoice, at least two
  std::string town_field;  // kCommunity only: id of the kTown field in the same scope
  std::string material;    // kPhoto only, optional: the id of the material it shows
  std::optional<Condition> visible_if;  // any type; absent means always shown
  // Optional (JSON "shared"): the stable key of a fact several services ask for
  // ("applicant.name", "address.detail", "bank.account", "sign.pledge"...; the list is in
  // docs/catalog.md "Shared facts"). When a resident applies for several services in one
  // visit (domain/visit_form.h), a fact with a shared key is asked once. Every field with
  // the same key has the same type in every service. Empty: the field is the service's own.
  std::string shared;
};

// A repeated block of fields, e.g. one per household member.
struct GroupSpec {
  std::string id;
  LocalizedText item_title;  // names one item: "家庭成员"
  int min = 0;               // fewest items a complete application has
  int max = 0;               // most items; >= 1
  std::vector<FieldSpec> fields;
  // Optional (JSON "shared"): as FieldSpec::shared, for the whole group
  // ("household.members"): asked once in a visit, with its fields.
  std::string shared;

  const FieldSpec* FindField(std::string_view field_id) const;
};

// One screen of the form: either plain fields or one group.
struct StepSpec {
  std::string id;
  LocalizedText title;
  LocalizedText hint;  // optional
  std::vector<FieldSpec> fields;  // empty when `group` is set
  std::optional<GroupSpec> group;
};

struct FormSpec {
  std::vector<StepSpec> steps;
};

struct Material {
  std::string id;
  LocalizedText name;
  LocalizedText note;  // optional: what exactly to bring, or when it applies
  bool required = false;
};

enum class Area { kUrban, kRural, kAll };
enum class StandardUnit { kPerPersonMonth, kPerPersonYear, kPerHouseholdMonth, kOneOff };

std::string_view AreaName(Area area);              // "urban", "rural", "all"
std::string_view StandardUnitName(StandardUnit unit);  // "per_person_month", ...

// An allowance standard in force from `effective` until a later one replaces it. A
// service may have several lines side by side, told apart by `tier` (高龄津贴 by age, 孤儿
// living in an institution or with family): each tier has its own history.
struct Standard {
  LocalizedText region;  // where it applies, as shown to residents
  Area area = Area::kAll;
  int64_t amount_fen = 0;  // the catalog writes amount_yuan
  StandardUnit unit = StandardUnit::kPerPersonMonth;
  CivilDate effective;
  LocalizedText source;  // the document the figure comes from; required when `example`
  std::string tier;          // optional id; empty is the service's main line
  LocalizedText tier_label;  // required with a tier: "90至99周岁"
  std::optional<int> min_age;  // optional: the tier applies from this age (completed years)
  // True when the sources give no figure and this one is a plausible placeholder: shown to
  // residents as an example, to be replaced by the local figure.
  bool example = false;
};

// A cross-field rule declared by a service (JSON "rules"). Each names the field its issue
// is placed on, so the resident sees it where it can be fixed.
struct CrossFieldRule {
  enum class Kind {
    kMinAge,             // the person of id_field is at least `years` old (周岁) today
    kAgeBelow,           // the person of id_field is younger than `years` today
    kApplicantNotMember, // the applicant's id_field is not repeated in group.member_id_field
  };
  Kind kind = Kind::kMinAge;
  std::string id_field;         // a top-level id_number field
  int years = 0;                // kMinAge, kAgeBelow
  std::string group;            // kApplicantNotMember
  std::string member_id_field;  // kApplicantNotMember: an id_number field of `group`
  std::optional<Condition> when;  // optional: the rule applies only when this holds
};

// The eligibility self-check of a service (JSON "eligibility"): which calculator in
// domain/eligibility.h answers it, the questions it asks (fields, validated like form
// fields) and the calculator's parameters. The loader checks questions and parameters
// against the calculator's needs.
struct EligibilitySpec {
  std::string calculator;
  LocalizedText intro;  // optional: one sentence above the questions
  std::vector<FieldSpec> questions;
  std::map<std::string, int64_t> params;

  const FieldSpec* FindQuestion(std::string_view id) const;
};

// For means-tested services: where the household's incomes are, so the form engine can
// compute per-capita income (PerCapitaMonthlyIncomeFen in form.h). The loader checks that
// the fields exist and are amounts.
struct MeansTest {
  std::string applicant_income_field;  // a top-level amount field
  std::string members_group;           // the household-members group
  std::string member_income_field;     // an amount field of that group
};

struct ServiceSpec {
  std::string code;  // [a-z][a-z0-9_]*, equals its file name: services/<code>.json
  LocalizedText name;
  LocalizedText summary;
  std::vector<LocalizedText> who_qualifies;
  std::vector<Material> materials;
  int time_limit_days = 0;
  LocalizedText time_limit_note;  // optional: working days, extensions
  // Optional: the 公示 period in calendar days after approval (低保, 特困); 0 = none.
  // The office console keeps an approval on notice until it ends (docs/console.md).
  int public_notice_days = 0;
  LocalizedText office;           // who decides
  std::vector<Standard> standards;
  FormSpec form;
  std::optional<MeansTest> means_test;
  std::vector<CrossFieldRule> rules;
  std::optional<EligibilitySpec> eligibility;

  // A top-level field of any step, or null.
  const FieldSpec* FindField(std::string_view field_id) const;
  // A group of any step, or null.
  const GroupSpec* FindGroup(std::string_view group_id) const;
};

struct Town {
  LocalizedText name;  // drafts store name.zh
  std::vector<LocalizedText> communities;
};

struct Region {
  std::string code;  // administrative division code
  LocalizedText name;
  std::vector<Town> towns;

  // The town whose Chinese name is `zh`, or null.
  const Town* FindTown(std::string_view zh) const;
};

// The service finder (JSON "finder" in catalog.json, docs/catalog.md "The finder"): the
// home screen asks about the person — situations as pictorial tiles, then a few plain
// questions — and suggests services from these rules. Data, so an office can change what
// is suggested without a kiosk update; domain/finder.h evaluates it.
struct FinderSituation {
  std::string id;    // [a-z][a-z0-9_]*
  std::string icon;  // which picture the kiosk draws (FinderIcons() in domain/finder.h)
  LocalizedText label;
};

// One answer button of a question. Age bands carry the ages they cover (completed
// years, both ends included; max absent = no upper end).
struct FinderOption {
  std::string value;  // [a-z0-9_]+
  LocalizedText label;
  std::optional<int> min_age;  // the age question only, required there
  std::optional<int> max_age;  // the age question only, optional
};

struct FinderQuestion {
  std::string id;      // [a-z][a-z0-9_]*; "age" is the age question (answered by a band or
                       // from an ID number)
  LocalizedText text;  // the question as asked
  std::vector<FinderOption> options;
  // Asked only when one of these situations was picked; empty: always asked.
  std::vector<std::string> for_situations;
  // The age question only (required there): how "{age}" reads when the exact age is
  // known, with "{n}" for the number: "{n}岁".
  LocalizedText exact_age;
};

// "Suggest `service` when one of `situations` was picked and every condition holds."
struct FinderRule {
  std::string service;                  // a service code of this catalog
  std::vector<std::string> situations;  // at least one
  std::optional<int> min_age;           // needs the age question; a band boundary
  std::optional<int> max_age;           // likewise (completed years, included)
  std::map<std::string, std::vector<std::string>> answers;  // question id -> values that fit
  // The one-line why. "{age}" (only in rules with an age condition) becomes the age:
  // "76岁" from an ID number, or the band's label.
  LocalizedText why;
};

struct FinderSpec {
  std::vector<FinderSituation> situations;  // in the order the tiles are shown
  std::vector<FinderQuestion> questions;    // in the order they are asked
  std::vector<FinderRule> rules;            // suggestions are listed in rule order

  const FinderSituation* FindSituation(std::string_view id) const;
  const FinderQuestion* FindQuestion(std::string_view id) const;
};

struct Catalog {
  int schema = kCatalogSchema;
  std::string version;  // recorded in every application filled against this catalog
  CivilDate published;
  // The first China civil date a kiosk uses this version for new applications (JSON
  // "effective_from", optional: absent means from `published`). docs/catalog.md
  // "Publishing" explains how kiosks choose among the versions they hold.
  std::optional<CivilDate> effective_from;
  Region region;
  std::vector<ServiceSpec> services;  // in catalog.json's order
  // Optional (JSON "finder"): without it the home screen goes straight to the list.
  std::optional<FinderSpec> finder;

  // The service with that code, or null.
  const ServiceSpec* FindService(std::string_view code) const;
  // effective_from, or published when it is absent.
  CivilDate EffectiveFrom() const { return effective_from.value_or(published); }
};

// Loads `dir`/catalog.json and every service file it lists, checking everything: JSON
// syntax (with line and column), duplicate keys, required and unknown keys, types, ids
// (pattern, duplicates), dates, amounts, field types and their options and references.
// Fails with kNotFound when catalog.json cannot be read, otherwise kInvalidArgument. The
// message lists every problem found (one per line, at most 50), each naming the file and
// the field path, e.g.
//   services/dibao.json: form.steps[1].fields[2].type: unknown field type "foo"
// Indices are 0-based. Never throws. Any thread (reads files only).
Result<Catalog> LoadCatalog(const std::string& dir);

// The same from memory, for tests, fuzzers, and catalogs pulled over the network: `files`
// maps paths relative to the catalog directory ("catalog.json", "services/dibao.json")
// to their contents. Fails as LoadCatalog does. Never throws. Any thread.
Result<Catalog> ParseCatalogFromStrings(const std::map<std::string, std::string>& files);

// The standard in force on `on` for `area` and `tier`: among the service's standards of
// that tier for that area or for kAll, the one with the latest effective date not after
// `on` (an area-specific standard wins a tie with kAll). Querying kAll considers kAll
// standards only. Null when none is in force yet. Any thread.
const Standard* CurrentStandard(const ServiceSpec& service, Area area, const CivilDate& on,
                                std::string_view tier = {});

// Every standard a resident should see on `on`: per tier (in catalog order of first
// appearance) the kAll line, then the urban and rural ones, each only when it is the one
// CurrentStandard picks for its own area. Any thread.
std::vector<const Standard*> StandardsInForce(const ServiceSpec& service, const CivilDate& on);

// Resolves a date bound against `today`. Any thread.
CivilDate ResolveDateBound(const DateBound& bound, const CivilDate& today);
// `date` moved by `days` (negative: back). The date must be valid (asserted). Any thread.
CivilDate AddDays(const CivilDate& date, int days);

// Adds every code point of every text in the catalog (both languages), for building the
// font's glyph set. `out` must not be null. Any thread.
void CollectCatalogCodepoints(const Catalog& catalog, std::set<char32_t>* out);

// Amount helpers shared by the loader and the form engine. Amounts are int64 fen.
// Parses "0", "12", "12.5", "12.50" (ASCII digits, at most 12 before the point and 2
// after, no sign or separators); nullopt otherwise.
std::optional<int64_t> ParseAmountFen(std::string_view text);
// Yuan without needless zeros: 122500 -> "1225", 122550 -> "1225.5", 5 -> "0.05".
std::string FormatYuan(int64_t fen);

}  // namespace yimen
