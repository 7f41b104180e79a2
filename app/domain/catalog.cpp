// Catalog loader and checker. It reads every file completely and collects every problem
// (up to a cap) before refusing, so whoever edits a catalog fixes it in one pass. JSON is
// parsed with nlohmann; its exceptions are caught here and never leave this file.
#include "domain/catalog.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <limits>
#include <sstream>
#include <utility>

#include <nlohmann/json.hpp>

#include "domain/catalog_checker.h"
#include "domain/eligibility.h"
#include "domain/json_limits.h"
#include "domain/utf8.h"
#include "domain/visit_form.h"

namespace yimen {
namespace {

using nlohmann::json;
using namespace catalog_internal;  // NOLINT(google-build-using-namespace): the checker is this
                                   // file's own, split out for catalog_finder.cpp

constexpr int kMaxGroupItems = 100;
constexpr int kMaxTextLength = 10'000;

// Which optional keys each field type takes; see FieldType in catalog.h.
struct FieldTypeRule {
  FieldType type;
  std::string_view name;
  bool bounds;      // "min", "max" (optional)
  bool max_length;  // "max_length" (required)
  bool min_length;  // "min_length" (required)
  bool options;     // "options" (required)
  bool town_field;  // "town_field" (optional)
  bool material;    // "material" (optional)
};

// For kDate, "bounds" means date bounds ("min"/"max" as dates or "today±N"); for
// kMultiChoice, how many options may be chosen.
constexpr FieldTypeRule kFieldTypes[] = {
    {FieldType::kText, "text", false, true, false, false, false, false},
    {FieldType::kChineseName, "chinese_name", false, false, false, false, false, false},
    {FieldType::kIdNumber, "id_number", false, false, false, false, false, false},
    {FieldType::kPhone, "phone", false, false, false, false, false, false},
    {FieldType::kAmount, "amount", true, false, false, false, false, false},
    {FieldType::kNumber, "number", true, false, false, false, false, false},
    {FieldType::kDigits, "digits", false, true, true, false, false, false},
    {FieldType::kChoice, "choice", false, false, false, true, false, false},
    {FieldType::kYesNo, "yes_no", false, false, false, false, false, false},
    {FieldType::kTown, "town", false, false, false, false, false, false},
    {FieldType::kCommunity, "community", false, false, false, false, true, false},
    {FieldType::kDate, "date", true, false, false, false, false, false},
    {FieldType::kMultiChoice, "multi_choice", true, false, false, true, false, false},
    {FieldType::kSignature, "signature", false, false, false, false, false, false},
    {FieldType::kPhoto, "photo", false, false, false, false, false, true},
};

const FieldTypeRule& RuleFor(FieldType type) {
  for (const FieldTypeRule& rule : kFieldTypes) {
    if (rule.type == type) return rule;
  }
  assert(false && "every FieldType has a row in kFieldTypes");
  return kFieldTypes[0];
}

// --- JSON syntax -------------------------------------------------------------------

// Tracks where the parser is, so a duplicate key (which nlohmann silently resolves to
// the last value) can be reported with its path.
struct ParseFrame {
  bool is_array = false;
  std::string path;
  std::string key;          // objects: the key whose value comes next
  size_t next_index = 0;    // arrays: the index of the next element
  std::vector<std::string> keys;
};

std::string ChildPath(std::vector<ParseFrame>& stack) {
  if (stack.empty()) return "";
  ParseFrame& parent = stack.back();
  if (parent.is_array) return At(parent.path, parent.next_index++);
  return Join(parent.path, parent.key);
}

// 1-based line and column of the last of the first `bytes_read` bytes of `text` (columns
// count bytes, as nlohmann's own messages do).
void LineAndColumn(const std::string& text, size_t bytes_read, size_t* line, size_t* column) {
  *line = 1;
  *column = 0;
  const size_t end = std::min(bytes_read, text.size());
  for (size_t i = 0; i < end; ++i) {
    if (text[i] == '\n' && i + 1 < end) {
      ++*line;
      *column = 0;
    } else {
      ++*column;
    }
  }
  if (*column == 0) *column = 1;
}

std::optional<json> ParseJson(Checker& checker, const std::string& text) {
  std::vector<ParseFrame> stack;
  std::vector<std::string> duplicates;
  // Thrown out of the callback when a container opens beyond kMaxJsonDepth, so deep
  // input is never built (domain/json_limits.h says why).
  struct TooDeep {};
  const json::parser_callback_t track = [&](int depth, json::parse_event_t event,
                                            json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start: {
        if (depth >= kMaxJsonDepth) throw TooDeep{};
        ParseFrame frame;
        frame.path = ChildPath(stack);
        frame.is_array = event == json::parse_event_t::array_start;
        stack.push_back(std::move(frame));
        break;
      }
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        if (!stack.empty()) stack.pop_back();
        break;
      case json::parse_event_t::key: {
        ParseFrame& frame = stack.back();
        frame.key = parsed.get<std::string>();
        if (std::find(frame.keys.begin(), frame.keys.end(), frame.key) != frame.keys.end()) {
          duplicates.push_back(Join(frame.path, frame.key));
        } else {
          frame.keys.push_back(frame.key);
        }
        break;
      }
      case json::parse_event_t::value:
        ChildPath(stack);  // advances the parent array's index
        break;
    }
    return true;
  };

  try {
    json root = json::parse(text, track);
    for (const std::string& path : duplicates) checker.Fail(path, "duplicate key");
    return root;
  } catch (const json::parse_error& e) {
    size_t line = 0, column = 0;
    // e.byte counts the bytes read, so the last one read is the offending one.
    LineAndColumn(text, e.byte, &line, &column);
    // nlohmann's message starts with its own id and position; keep only the reason.
    std::string reason = e.what();
    const size_t column_at = reason.find("column ");
    const size_t reason_at =
        column_at == std::string::npos ? std::string::npos : reason.find(": ", column_at);
    if (reason_at != std::string::npos) reason = reason.substr(reason_at + 2);
    checker.Fail("line " + std::to_string(line) + ", column " + std::to_string(column),
                 "invalid JSON: " + reason);
  } catch (const json::exception& e) {
    checker.Fail("", std::string("invalid JSON: ") + e.what());
  } catch (const TooDeep&) {
    checker.Fail("", "invalid JSON: nested deeper than " + std::to_string(kMaxJsonDepth) +
                         " levels");
  }
  return std::nullopt;
}

// --- services ----------------------------------------------------------------------

std::vector<ChoiceOption> ReadOptions(Checker& c, const json& field, const std::string& path) {
  std::vector<ChoiceOption> options;
  const json* list = c.Array(field, path, "options", true, true);
  if (list == nullptr) return options;
  const std::string list_path = Join(path, "options");
  if (list->size() < 2) c.Fail(list_path, "a choice needs at least two options");
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string at = At(list_path, i);
    const json& item = (*list)[i];
    if (!c.ExpectObject(item, at)) continue;
    c.CheckKeys(item, at, {"value", "label"});
    ChoiceOption option;
    option.value = c.String(item, at, "value", true).value_or("");
    if (!option.value.empty() && !IsOptionValue(option.value)) {
      c.Fail(Join(at, "value"), Quote(option.value) + " is not a valid value: use [a-z0-9_]+");
    }
    option.label = c.Text(item, at, "label", true);
    for (const ChoiceOption& earlier : options) {
      if (!option.value.empty() && earlier.value == option.value) {
        c.Fail(Join(at, "value"), "duplicate option value " + Quote(option.value));
      }
    }
    options.push_back(std::move(option));
  }
  return options;
}

// {"field": id, "equals": value} or {"field": id, "in": [values...]}. Whether the field
// exists and takes those values is checked once the whole form is read.
std::optional<Condition> ReadCondition(Checker& c, const json& item, const std::string& path) {
  if (!c.ExpectObject(item, path)) return std::nullopt;
  c.CheckKeys(item, path, {"field", "equals", "in"});
  Condition condition;
  condition.field = c.Id(item, path, "field", true).value_or("");
  const bool has_equals = item.contains("equals");
  const bool has_in = item.contains("in");
  if (has_equals == has_in) {
    c.Fail(path, "a condition has either \"equals\" or \"in\", not both or neither");
    return std::nullopt;
  }
  if (has_equals) {
    if (std::optional<std::string> value = c.String(item, path, "equals", true)) {
      condition.values.push_back(*value);
    }
  } else if (const json* list = c.Array(item, path, "in", true, true)) {
    for (size_t i = 0; i < list->size(); ++i) {
      if (std::optional<std::string> value = c.StringValue((*list)[i], At(Join(path, "in"), i))) {
        condition.values.push_back(*value);
      }
    }
  }
  if (condition.field.empty() || condition.values.empty()) return std::nullopt;
  return condition;
}

// "shared": dot-separated ids ("applicant.name"), optional.
std::string ReadSharedKey(Checker& c, const json& item, const std::string& path) {
  const std::optional<std::string> key = c.String(item, path, "shared", false);
  if (!key) return {};
  bool ok = !key->empty() && key->size() <= 64;
  bool at_start = true;
  for (const char ch : *key) {
    if (ch == '.') {
      ok = ok && !at_start;
      at_start = true;
    } else if (at_start) {
      ok = ok && ch >= 'a' && ch <= 'z';
      at_start = false;
    } else {
      ok = ok && ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_');
    }
  }
  if (!ok || at_start) {
    c.Fail(Join(path, "shared"), "a shared key is ids joined by dots, e.g. \"applicant.name\"");
    return {};
  }
  return *key;
}

FieldSpec ReadField(Checker& c, const json& item, const std::string& path) {
  FieldSpec field;
  if (!c.ExpectObject(item, path)) return field;
  field.id = c.Id(item, path, "id", true).value_or("");
  field.label = c.Text(item, path, "label", true);
  field.hint = c.Text(item, path, "hint", false);
  field.required = c.Bool(item, path, "required", true).value_or(false);

  const std::optional<std::string> type_name = c.String(item, path, "type", true);
  if (!type_name) return field;
  const std::optional<FieldType> type = FieldTypeFromName(*type_name);
  if (!type) {
    c.Fail(Join(path, "type"), "unknown field type " + Quote(*type_name));
    return field;
  }
  field.type = *type;
  const FieldTypeRule& rule = RuleFor(field.type);

  std::vector<std::string_view> allowed = {"id",       "type",       "label", "hint",
                                           "required", "visible_if", "shared"};
  field.shared = ReadSharedKey(c, item, path);
  if (rule.bounds) allowed.insert(allowed.end(), {"min", "max"});
  if (rule.max_length) allowed.push_back("max_length");
  if (rule.min_length) allowed.push_back("min_length");
  if (rule.options) allowed.push_back("options");
  if (rule.town_field) allowed.push_back("town_field");
  if (rule.material) allowed.push_back("material");
  for (auto it = item.begin(); it != item.end(); ++it) {
    if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end()) {
      c.Fail(Join(path, it.key()), "not a key of a " + Quote(rule.name) + " field");
    }
  }

  if (rule.bounds && field.type == FieldType::kDate) {
    field.min_date = c.DateBoundValue(item, path, "min");
    field.max_date = c.DateBoundValue(item, path, "max");
    const bool same_kind = field.min_date && field.max_date &&
                           field.min_date->relative == field.max_date->relative;
    if (same_kind && (field.min_date->relative
                          ? field.min_date->offset_days > field.max_date->offset_days
                          : field.min_date->date > field.max_date->date)) {
      c.Fail(Join(path, "min"), "min is later than max");
    }
  } else if (rule.bounds) {
    if (field.type == FieldType::kAmount) {
      field.min = c.Yuan(item, path, "min", false);
      field.max = c.Yuan(item, path, "max", false);
    } else {
      constexpr int64_t kLimit = 1'000'000'000'000'000;
      field.min = c.Integer(item, path, "min", false, -kLimit, kLimit);
      field.max = c.Integer(item, path, "max", false, -kLimit, kLimit);
    }
    if (field.min && field.max && *field.min > *field.max) {
      c.Fail(Join(path, "min"), "min is greater than max");
    }
  }
  if (rule.max_length) {
    const std::optional<int64_t> max_length =
        c.Integer(item, path, "max_length", true, 1, kMaxTextLength);
    if (max_length) field.max_length = static_cast<int>(*max_length);
  }
  if (rule.min_length) {
    const std::optional<int64_t> min_length =
        c.Integer(item, path, "min_length", true, 1, kMaxTextLength);
    if (min_length) field.min_length = static_cast<int>(*min_length);
    if (field.min_length && field.max_length && *field.min_length > *field.max_length) {
      c.Fail(Join(path, "min_length"), "min_length is greater than max_length");
    }
  }
  if (rule.options) field.options = ReadOptions(c, item, path);
  if (field.type == FieldType::kMultiChoice && field.max && !field.options.empty() &&
      *field.max > static_cast<int64_t>(field.options.size())) {
    c.Fail(Join(path, "max"), "max is more than the number of options");
  }
  if (rule.town_field) field.town_field = c.Id(item, path, "town_field", false).value_or("");
  if (rule.material) field.material = c.Id(item, path, "material", false).value_or("");
  if (const json* condition = c.Member(item, path, "visible_if", false)) {
    field.visible_if = ReadCondition(c, *condition, Join(path, "visible_if"));
  }
  return field;
}

std::vector<FieldSpec> ReadFields(Checker& c, const json& object, const std::string& path,
                                  std::string_view key = "fields") {
  std::vector<FieldSpec> fields;
  const json* list = c.Array(object, path, key, true, true);
  if (list == nullptr) return fields;
  for (size_t i = 0; i < list->size(); ++i) {
    fields.push_back(ReadField(c, (*list)[i], At(Join(path, key), i)));
  }
  return fields;
}

GroupSpec ReadGroup(Checker& c, const json& item, const std::string& path) {
  GroupSpec group;
  if (!c.ExpectObject(item, path)) return group;
  c.CheckKeys(item, path, {"id", "item_title", "min", "max", "fields", "shared"});
  group.id = c.Id(item, path, "id", true).value_or("");
  group.shared = ReadSharedKey(c, item, path);
  group.item_title = c.Text(item, path, "item_title", true);
  group.min = static_cast<int>(c.Integer(item, path, "min", true, 0, kMaxGroupItems).value_or(0));
  group.max = static_cast<int>(c.Integer(item, path, "max", true, 1, kMaxGroupItems).value_or(1));
  if (group.min > group.max) c.Fail(Join(path, "min"), "min is greater than max");
  group.fields = ReadFields(c, item, path);
  return group;
}

StepSpec ReadStep(Checker& c, const json& item, const std::string& path) {
  StepSpec step;
  if (!c.ExpectObject(item, path)) return step;
  c.CheckKeys(item, path, {"id", "title", "hint", "fields", "group"});
  step.id = c.Id(item, path, "id", true).value_or("");
  step.title = c.Text(item, path, "title", true);
  step.hint = c.Text(item, path, "hint", false);
  const bool has_fields = item.contains("fields");
  const bool has_group = item.contains("group");
  if (has_fields == has_group) {
    c.Fail(path, "a step has either \"fields\" or \"group\", not both or neither");
    return step;
  }
  if (has_fields) {
    step.fields = ReadFields(c, item, path);
  } else {
    step.group = ReadGroup(c, *item.find("group"), Join(path, "group"));
  }
  return step;
}

// A field together with where it was read, for checks that span a scope.
struct PlacedField {
  FieldSpec* field;
  std::string path;
};

// Gives every community field of one scope (the form's top level, or one group) its
// town field, and checks ids are unique within the scope.
void CheckScope(Checker& c, std::vector<PlacedField>& scope,
                std::vector<std::pair<std::string, std::string>>* ids_seen) {
  for (PlacedField& placed : scope) {
    const std::string& id = placed.field->id;
    if (id.empty()) continue;
    const auto same = [&](const auto& seen) { return seen.first == id; };
    if (std::find_if(ids_seen->begin(), ids_seen->end(), same) != ids_seen->end()) {
      c.Fail(Join(placed.path, "id"), "duplicate id " + Quote(id));
    } else {
      ids_seen->emplace_back(id, placed.path);
    }
  }

  std::vector<const FieldSpec*> towns;
  for (const PlacedField& placed : scope) {
    if (placed.field->type == FieldType::kTown) towns.push_back(placed.field);
  }
  for (PlacedField& placed : scope) {
    FieldSpec& field = *placed.field;
    if (field.type != FieldType::kCommunity) continue;
    if (field.town_field.empty()) {
      if (towns.size() == 1) {
        field.town_field = towns[0]->id;
      } else {
        c.Fail(placed.path, "a community field needs \"town_field\" naming its town field");
      }
      continue;
    }
    const auto named = [&](const FieldSpec* town) { return town->id == field.town_field; };
    if (std::find_if(towns.begin(), towns.end(), named) == towns.end()) {
      c.Fail(Join(placed.path, "town_field"), "no town field " + Quote(field.town_field) +
                                                  " in the same scope");
    }
  }
}

const FieldSpec* FindIn(const std::vector<const FieldSpec*>& fields, std::string_view id) {
  for (const FieldSpec* field : fields) {
    if (field->id == id) return field;
  }
  return nullptr;
}

// A condition may only look at a choice-like field that comes before it: `earlier` in its
// own scope, then `outer` (top-level fields of earlier steps, for a group field).
void CheckCondition(Checker& c, const Condition& condition, const std::string& path,
                    const std::vector<const FieldSpec*>& earlier,
                    const std::vector<const FieldSpec*>& outer) {
  const FieldSpec* controller = FindIn(earlier, condition.field);
  if (controller == nullptr) controller = FindIn(outer, condition.field);
  if (controller == nullptr) {
    c.Fail(Join(path, "field"), "no earlier field " + Quote(condition.field) +
                                    " in the same scope (a condition looks back, never ahead)");
    return;
  }
  const FieldType type = controller->type;
  if (type != FieldType::kChoice && type != FieldType::kMultiChoice && type != FieldType::kYesNo) {
    c.Fail(Join(path, "field"), Quote(condition.field) +
                                    " is not a choice, multi_choice or yes_no field");
    return;
  }
  for (const std::string& value : condition.values) {
    const bool known =
        type == FieldType::kYesNo
            ? (value == kYes || value == kNo)
            : std::any_of(controller->options.begin(), controller->options.end(),
                          [&](const ChoiceOption& option) { return option.value == value; });
    if (!known) {
      c.Fail(path, Quote(value) + " is not a value of field " + Quote(condition.field));
    }
  }
}

void CheckConditionsOfScope(Checker& c, const std::vector<FieldSpec>& fields,
                            const std::string& fields_path,
                            const std::vector<const FieldSpec*>& outer) {
  std::vector<const FieldSpec*> earlier;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].visible_if) {
      CheckCondition(c, *fields[i].visible_if, Join(At(fields_path, i), "visible_if"), earlier,
                     outer);
    }
    earlier.push_back(&fields[i]);
  }
}

FormSpec ReadForm(Checker& c, const json& item, const std::string& path) {
  FormSpec form;
  if (!c.ExpectObject(item, path)) return form;
  c.CheckKeys(item, path, {"steps"});
  const json* steps = c.Array(item, path, "steps", true, true);
  if (steps == nullptr) return form;
  const std::string steps_path = Join(path, "steps");
  for (size_t i = 0; i < steps->size(); ++i) {
    form.steps.push_back(ReadStep(c, (*steps)[i], At(steps_path, i)));
  }

  std::vector<std::string> step_ids;
  std::vector<PlacedField> top_level;
  std::vector<std::pair<std::string, std::string>> top_ids;
  for (size_t i = 0; i < form.steps.size(); ++i) {
    StepSpec& step = form.steps[i];
    const std::string step_path = At(steps_path, i);
    if (!step.id.empty()) {
      if (std::find(step_ids.begin(), step_ids.end(), step.id) != step_ids.end()) {
        c.Fail(Join(step_path, "id"), "duplicate step id " + Quote(step.id));
      }
      step_ids.push_back(step.id);
    }
    for (size_t f = 0; f < step.fields.size(); ++f) {
      top_level.push_back({&step.fields[f], At(Join(step_path, "fields"), f)});
    }
    if (step.group) {
      const std::string group_path = Join(step_path, "group");
      // A group's id shares the top-level namespace: drafts keep values and groups side
      // by side, and the UI addresses both by id.
      if (!step.group->id.empty()) {
        const auto same = [&](const auto& seen) { return seen.first == step.group->id; };
        if (std::find_if(top_ids.begin(), top_ids.end(), same) != top_ids.end()) {
          c.Fail(Join(group_path, "id"), "duplicate id " + Quote(step.group->id));
        } else {
          top_ids.emplace_back(step.group->id, group_path);
        }
      }
      std::vector<PlacedField> group_scope;
      for (size_t f = 0; f < step.group->fields.size(); ++f) {
        group_scope.push_back({&step.group->fields[f], At(Join(group_path, "fields"), f)});
      }
      std::vector<std::pair<std::string, std::string>> group_ids;
      CheckScope(c, group_scope, &group_ids);
    }
  }
  CheckScope(c, top_level, &top_ids);

  std::vector<const FieldSpec*> before;  // top-level fields of the steps already checked
  for (size_t i = 0; i < form.steps.size(); ++i) {
    const StepSpec& step = form.steps[i];
    const std::string step_path = At(steps_path, i);
    if (step.group) {
      CheckConditionsOfScope(c, step.group->fields, Join(Join(step_path, "group"), "fields"),
                             before);
    } else {
      // The fields of this step see the earlier steps' fields and their own predecessors.
      std::vector<const FieldSpec*> earlier = before;
      for (size_t f = 0; f < step.fields.size(); ++f) {
        if (step.fields[f].visible_if) {
          CheckCondition(c, *step.fields[f].visible_if,
                         Join(At(Join(step_path, "fields"), f), "visible_if"), earlier, {});
        }
        earlier.push_back(&step.fields[f]);
      }
      before = std::move(earlier);
    }
  }
  return form;
}

Material ReadMaterial(Checker& c, const json& item, const std::string& path) {
  Material material;
  if (!c.ExpectObject(item, path)) return material;
  c.CheckKeys(item, path, {"id", "name", "note", "required"});
  material.id = c.Id(item, path, "id", true).value_or("");
  material.name = c.Text(item, path, "name", true);
  material.note = c.Text(item, path, "note", false);
  material.required = c.Bool(item, path, "required", true).value_or(false);
  return material;
}

std::optional<Area> AreaFromName(std::string_view name) {
  for (const Area area : {Area::kUrban, Area::kRural, Area::kAll}) {
    if (AreaName(area) == name) return area;
  }
  return std::nullopt;
}

std::optional<StandardUnit> UnitFromName(std::string_view name) {
  for (const StandardUnit unit :
       {StandardUnit::kPerPersonMonth, StandardUnit::kPerPersonYear,
        StandardUnit::kPerHouseholdMonth, StandardUnit::kOneOff}) {
    if (StandardUnitName(unit) == name) return unit;
  }
  return std::nullopt;
}

Standard ReadStandard(Checker& c, const json& item, const std::string& path) {
  Standard standard;
  if (!c.ExpectObject(item, path)) return standard;
  c.CheckKeys(item, path, {"region", "area", "amount_yuan", "unit", "effective", "source", "tier",
                           "tier_label", "min_age", "example"});
  standard.region = c.Text(item, path, "region", true);
  if (const std::optional<std::string> area = c.String(item, path, "area", true)) {
    if (const std::optional<Area> parsed = AreaFromName(*area)) {
      standard.area = *parsed;
    } else {
      c.Fail(Join(path, "area"), "unknown area " + Quote(*area) + ": use urban, rural or all");
    }
  }
  standard.amount_fen = c.Yuan(item, path, "amount_yuan", true).value_or(0);
  if (const std::optional<std::string> unit = c.String(item, path, "unit", true)) {
    if (const std::optional<StandardUnit> parsed = UnitFromName(*unit)) {
      standard.unit = *parsed;
    } else {
      c.Fail(Join(path, "unit"), "unknown unit " + Quote(*unit));
    }
  }
  standard.effective = c.Date(item, path, "effective", true).value_or(CivilDate{});
  standard.example = c.Bool(item, path, "example", false).value_or(false);
  // An example figure must say where it stands: never a bare number that looks official.
  standard.source = c.Text(item, path, "source", standard.example);
  standard.tier = c.Id(item, path, "tier", false).value_or("");
  standard.tier_label = c.Text(item, path, "tier_label", !standard.tier.empty());
  if (standard.tier.empty() && !standard.tier_label.empty()) {
    c.Fail(Join(path, "tier_label"), "a tier_label needs a tier");
  }
  if (const std::optional<int64_t> age = c.Integer(item, path, "min_age", false, 0, 150)) {
    standard.min_age = static_cast<int>(*age);
  }
  return standard;
}

std::optional<CrossFieldRule::Kind> RuleKindFromName(std::string_view name) {
  if (name == "min_age") return CrossFieldRule::Kind::kMinAge;
  if (name == "age_below") return CrossFieldRule::Kind::kAgeBelow;
  if (name == "applicant_not_member") return CrossFieldRule::Kind::kApplicantNotMember;
  return std::nullopt;
}

// Checks that `id` names a top-level field of `type`.
void ExpectTopLevelField(Checker& c, const ServiceSpec& service, const std::string& path,
                         const std::string& id, FieldType type) {
  if (id.empty()) return;
  const FieldSpec* field = service.FindField(id);
  if (field == nullptr || field->type != type) {
    c.Fail(path, "no top-level " + std::string(FieldTypeName(type)) + " field " + Quote(id));
  }
}

CrossFieldRule ReadRule(Checker& c, const json& item, const std::string& path,
                        const ServiceSpec& service) {
  CrossFieldRule rule;
  if (!c.ExpectObject(item, path)) return rule;
  const std::optional<std::string> kind_name = c.String(item, path, "kind", true);
  if (!kind_name) return rule;
  const std::optional<CrossFieldRule::Kind> kind = RuleKindFromName(*kind_name);
  if (!kind) {
    c.Fail(Join(path, "kind"), "unknown rule kind " + Quote(*kind_name) +
                                   ": use min_age, age_below or applicant_not_member");
    return rule;
  }
  rule.kind = *kind;
  rule.id_field = c.Id(item, path, "id_field", true).value_or("");
  ExpectTopLevelField(c, service, Join(path, "id_field"), rule.id_field, FieldType::kIdNumber);
  if (rule.kind == CrossFieldRule::Kind::kApplicantNotMember) {
    c.CheckKeys(item, path, {"kind", "id_field", "group", "member_id_field", "when"});
    rule.group = c.Id(item, path, "group", true).value_or("");
    rule.member_id_field = c.Id(item, path, "member_id_field", true).value_or("");
    const GroupSpec* group = rule.group.empty() ? nullptr : service.FindGroup(rule.group);
    if (!rule.group.empty() && group == nullptr) {
      c.Fail(Join(path, "group"), "no group " + Quote(rule.group));
    } else if (group != nullptr && !rule.member_id_field.empty()) {
      const FieldSpec* field = group->FindField(rule.member_id_field);
      if (field == nullptr || field->type != FieldType::kIdNumber) {
        c.Fail(Join(path, "member_id_field"), "no id_number field " + Quote(rule.member_id_field) +
                                                  " in group " + Quote(rule.group));
      }
    }
  } else {
    c.CheckKeys(item, path, {"kind", "id_field", "years", "when"});
    rule.years = static_cast<int>(c.Integer(item, path, "years", true, 1, 150).value_or(0));
  }
  if (const json* when = c.Member(item, path, "when", false)) {
    rule.when = ReadCondition(c, *when, Join(path, "when"));
    if (rule.when) {
      std::vector<const FieldSpec*> top;
      for (const StepSpec& step : service.form.steps) {
        for (const FieldSpec& field : step.fields) top.push_back(&field);
      }
      CheckCondition(c, *rule.when, Join(path, "when"), top, {});
    }
  }
  return rule;
}

std::optional<EligibilitySpec> ReadEligibility(Checker& c, const json& item,
                                               const std::string& path) {
  if (!c.ExpectObject(item, path)) return std::nullopt;
  c.CheckKeys(item, path, {"calculator", "intro", "questions", "params"});
  EligibilitySpec spec;
  spec.calculator = c.Id(item, path, "calculator", true).value_or("");
  spec.intro = c.Text(item, path, "intro", false);
  spec.questions = ReadFields(c, item, path, "questions");
  const std::string questions_path = Join(path, "questions");
  std::vector<PlacedField> scope;
  for (size_t i = 0; i < spec.questions.size(); ++i) {
    scope.push_back({&spec.questions[i], At(questions_path, i)});
  }
  std::vector<std::pair<std::string, std::string>> ids;
  CheckScope(c, scope, &ids);
  CheckConditionsOfScope(c, spec.questions, questions_path, {});
  if (const json* params = c.Member(item, path, "params", false)) {
    if (c.ExpectObject(*params, Join(path, "params"))) {
      for (auto it = params->begin(); it != params->end(); ++it) {
        const std::optional<int64_t> value =
            c.Integer(*params, Join(path, "params"), it.key(), true, 0, 1'000'000'000);
        if (value) spec.params[it.key()] = *value;
      }
    }
  }
  return spec;
}

std::optional<MeansTest> ReadMeansTest(Checker& c, const json& item, const std::string& path,
                                       const ServiceSpec& service) {
  if (!c.ExpectObject(item, path)) return std::nullopt;
  c.CheckKeys(item, path, {"applicant_income_field", "members_group", "member_income_field"});
  MeansTest test;
  test.applicant_income_field = c.Id(item, path, "applicant_income_field", true).value_or("");
  test.members_group = c.Id(item, path, "members_group", true).value_or("");
  test.member_income_field = c.Id(item, path, "member_income_field", true).value_or("");

  if (!test.applicant_income_field.empty()) {
    const FieldSpec* field = service.FindField(test.applicant_income_field);
    if (field == nullptr || field->type != FieldType::kAmount) {
      c.Fail(Join(path, "applicant_income_field"),
             "no top-level amount field " + Quote(test.applicant_income_field));
    }
  }
  if (!test.members_group.empty()) {
    const GroupSpec* group = service.FindGroup(test.members_group);
    if (group == nullptr) {
      c.Fail(Join(path, "members_group"), "no group " + Quote(test.members_group));
    } else if (!test.member_income_field.empty()) {
      const FieldSpec* field = group->FindField(test.member_income_field);
      if (field == nullptr || field->type != FieldType::kAmount) {
        c.Fail(Join(path, "member_income_field"), "no amount field " +
                                                      Quote(test.member_income_field) +
                                                      " in group " + Quote(test.members_group));
      }
    }
  }
  return test;
}

ServiceSpec ReadService(Checker& c, const json& root, std::string_view expected_code) {
  ServiceSpec service;
  const std::string path;
  if (!c.ExpectObject(root, path)) return service;
  c.CheckKeys(root, path,
              {"code", "name", "summary", "who_qualifies", "materials", "time_limit_days",
               "time_limit_note", "public_notice_days", "office", "standards", "form", "means_test",
               "rules", "eligibility"});
  service.code = c.Id(root, path, "code", true).value_or("");
  if (!service.code.empty() && service.code != expected_code) {
    c.Fail("code", Quote(service.code) + " does not match the file name " + c.file());
  }
  service.name = c.Text(root, path, "name", true);
  service.summary = c.Text(root, path, "summary", true);
  if (const json* list = c.Array(root, path, "who_qualifies", true, true)) {
    for (size_t i = 0; i < list->size(); ++i) {
      service.who_qualifies.push_back(c.TextValue((*list)[i], At("who_qualifies", i)));
    }
  }
  if (const json* list = c.Array(root, path, "materials", true, false)) {
    for (size_t i = 0; i < list->size(); ++i) {
      Material material = ReadMaterial(c, (*list)[i], At("materials", i));
      for (const Material& earlier : service.materials) {
        if (!material.id.empty() && earlier.id == material.id) {
          c.Fail(At("materials", i) + ".id", "duplicate material id " + Quote(material.id));
        }
      }
      service.materials.push_back(std::move(material));
    }
  }
  service.time_limit_days =
      static_cast<int>(c.Integer(root, path, "time_limit_days", true, 1, 3650).value_or(0));
  service.time_limit_note = c.Text(root, path, "time_limit_note", false);
  service.public_notice_days =
      static_cast<int>(c.Integer(root, path, "public_notice_days", false, 1, 90).value_or(0));
  service.office = c.Text(root, path, "office", true);
  if (const json* list = c.Array(root, path, "standards", true, false)) {
    for (size_t i = 0; i < list->size(); ++i) {
      Standard standard = ReadStandard(c, (*list)[i], At("standards", i));
      for (const Standard& earlier : service.standards) {
        if (earlier.area == standard.area && earlier.unit == standard.unit &&
            earlier.tier == standard.tier && earlier.effective == standard.effective &&
            IsValidCivilDate(standard.effective)) {
          c.Fail(At("standards", i), "another standard has the same area, unit, tier and date");
        }
        if (earlier.tier == standard.tier && earlier.min_age != standard.min_age) {
          c.Fail(At("standards", i) + ".min_age", "differs from an earlier line of tier " +
                                                      Quote(standard.tier));
        }
      }
      service.standards.push_back(std::move(standard));
    }
  }
  if (const json* form = c.Member(root, path, "form", true)) {
    service.form = ReadForm(c, *form, "form");
  }
  if (const json* test = c.Member(root, path, "means_test", false)) {
    service.means_test = ReadMeansTest(c, *test, "means_test", service);
  }
  // A photo slot names the material it shows.
  for (size_t s = 0; s < service.form.steps.size(); ++s) {
    const StepSpec& step = service.form.steps[s];
    const std::vector<FieldSpec>& fields = step.group ? step.group->fields : step.fields;
    const std::string fields_path =
        step.group ? At("form.steps", s) + ".group.fields" : At("form.steps", s) + ".fields";
    for (size_t f = 0; f < fields.size(); ++f) {
      const std::string& material = fields[f].material;
      if (material.empty()) continue;
      const bool known = std::any_of(service.materials.begin(), service.materials.end(),
                                     [&](const Material& m) { return m.id == material; });
      if (!known) c.Fail(At(fields_path, f) + ".material", "no material " + Quote(material));
    }
  }
  if (const json* list = c.Array(root, path, "rules", false, false)) {
    for (size_t i = 0; i < list->size(); ++i) {
      service.rules.push_back(ReadRule(c, (*list)[i], At("rules", i), service));
    }
  }
  if (const json* spec = c.Member(root, path, "eligibility", false)) {
    service.eligibility = ReadEligibility(c, *spec, "eligibility");
    if (service.eligibility) {
      for (const auto& [where, what] : EligibilitySpecProblems(service)) {
        c.Fail(where.empty() ? std::string("eligibility") : "eligibility." + where, what);
      }
    }
  }
  return service;
}

// --- catalog.json ------------------------------------------------------------------

Region ReadRegion(Checker& c, const json& item, const std::string& path) {
  Region region;
  if (!c.ExpectObject(item, path)) return region;
  c.CheckKeys(item, path, {"code", "name", "towns"});
  region.code = c.String(item, path, "code", true).value_or("");
  region.name = c.Text(item, path, "name", true);
  const json* towns = c.Array(item, path, "towns", true, true);
  if (towns == nullptr) return region;
  const std::string towns_path = Join(path, "towns");
  for (size_t i = 0; i < towns->size(); ++i) {
    const std::string at = At(towns_path, i);
    const json& town_json = (*towns)[i];
    if (!c.ExpectObject(town_json, at)) continue;
    c.CheckKeys(town_json, at, {"name", "communities"});
    Town town;
    town.name = c.Text(town_json, at, "name", true);
    if (!town.name.zh.empty() && region.FindTown(town.name.zh) != nullptr) {
      c.Fail(Join(at, "name"), "duplicate town " + Quote(town.name.zh));
    }
    if (const json* list = c.Array(town_json, at, "communities", true, true)) {
      for (size_t k = 0; k < list->size(); ++k) {
        const std::string community_path = At(Join(at, "communities"), k);
        LocalizedText community = c.TextValue((*list)[k], community_path);
        for (const LocalizedText& earlier : town.communities) {
          if (!community.zh.empty() && earlier.zh == community.zh) {
            c.Fail(community_path, "duplicate community " + Quote(community.zh));
          }
        }
        town.communities.push_back(std::move(community));
      }
    }
    region.towns.push_back(std::move(town));
  }
  return region;
}

// "services/<code>.json" -> code; empty when the path has another shape. Only paths of
// this shape are ever opened, so a catalog cannot name a file outside its directory.
std::string ServiceCodeFromPath(std::string_view path) {
  constexpr std::string_view kPrefix = "services/";
  constexpr std::string_view kSuffix = ".json";
  if (path.size() <= kPrefix.size() + kSuffix.size() || path.substr(0, kPrefix.size()) != kPrefix ||
      path.substr(path.size() - kSuffix.size()) != kSuffix) {
    return "";
  }
  const std::string_view code =
      path.substr(kPrefix.size(), path.size() - kPrefix.size() - kSuffix.size());
  return IsId(code) ? std::string(code) : "";
}

using FileReader = std::function<std::optional<std::string>(const std::string& path)>;

Result<Catalog> ParseCatalogWith(const FileReader& read_file, const std::string& where) {
  constexpr std::string_view kRootFile = "catalog.json";
  const std::optional<std::string> root_text = read_file(std::string(kRootFile));
  if (!root_text) {
    return MakeError(ErrorKind::kNotFound, std::string(kRootFile) + ": cannot read " + where);
  }

  std::vector<std::string> errors;
  Checker c(&errors);
  c.SetFile(std::string(kRootFile));
  Catalog catalog;
  const std::optional<json> root = ParseJson(c, *root_text);
  if (root && c.ExpectObject(*root, "")) {
    c.CheckKeys(
        *root, "",
        {"schema", "version", "published", "effective_from", "region", "services", "finder"});
    const std::optional<int64_t> schema =
        c.Integer(*root, "", "schema", true, 1, std::numeric_limits<int>::max());
    if (schema && *schema > kCatalogSchema) {
      c.Fail("schema", "schema " + std::to_string(*schema) + " is newer than this build reads (" +
                           std::to_string(kCatalogSchema) + ")");
    }
    catalog.schema = static_cast<int>(schema.value_or(kCatalogSchema));
    catalog.version = c.String(*root, "", "version", true).value_or("");
    if (!catalog.version.empty() && !IsVersionText(catalog.version)) {
      c.Fail("version", Quote(catalog.version) + " is not a version: use [0-9A-Za-z._-], at "
                                                  "most 32 characters");
    }
    catalog.published = c.Date(*root, "", "published", true).value_or(CivilDate{});
    catalog.effective_from = c.Date(*root, "", "effective_from", false);
    if (const json* region = c.Member(*root, "", "region", true)) {
      catalog.region = ReadRegion(c, *region, "region");
    }

    // A newer schema may mean anything in the service files: stop before reading them.
    const bool schema_ok = schema && *schema <= kCatalogSchema;
    const json* services = c.Array(*root, "", "services", true, true);
    std::vector<std::string> seen;
    for (size_t i = 0; schema_ok && services != nullptr && i < services->size(); ++i) {
      c.SetFile(std::string(kRootFile));
      const std::string at = At("services", i);
      const std::optional<std::string> path = c.StringValue((*services)[i], at);
      if (!path) continue;
      const std::string code = ServiceCodeFromPath(*path);
      if (code.empty()) {
        c.Fail(at, Quote(*path) + " is not a service file: use services/<code>.json");
        continue;
      }
      if (std::find(seen.begin(), seen.end(), *path) != seen.end()) {
        c.Fail(at, "duplicate service file " + Quote(*path));
        continue;
      }
      seen.push_back(*path);
      const std::optional<std::string> text = read_file(*path);
      if (!text) {
        c.Fail(at, "cannot read " + Quote(*path));
        continue;
      }
      c.SetFile(*path);
      if (const std::optional<json> service = ParseJson(c, *text)) {
        catalog.services.push_back(ReadService(c, *service, code));
      }
    }
    // The finder's rules name services: read it once they are all in.
    if (const json* finder = c.Member(*root, "", "finder", false); finder && schema_ok) {
      c.SetFile(std::string(kRootFile));
      catalog.finder = ReadFinder(c, *finder, "finder", catalog.services);
    }
    // Shared facts must mean the same thing in every service that asks them.
    if (errors.empty()) {
      for (const std::string& problem : CheckSharedKeys(catalog)) errors.push_back(problem);
    }
  }

  if (!errors.empty()) {
    std::string message;
    for (const std::string& line : errors) {
      if (!message.empty()) message += "\n";
      message += line;
    }
    return MakeError(ErrorKind::kInvalidArgument, std::move(message));
  }
  return catalog;
}

std::optional<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return contents.str();
}

void CollectText(const LocalizedText& text, std::set<char32_t>* out) {
  CollectCodepoints(text.zh, out);
  CollectCodepoints(text.en, out);
}

void CollectFields(const std::vector<FieldSpec>& fields, std::set<char32_t>* out) {
  for (const FieldSpec& field : fields) {
    CollectText(field.label, out);
    CollectText(field.hint, out);
    for (const ChoiceOption& option : field.options) CollectText(option.label, out);
  }
}

}  // namespace

std::string_view FieldTypeName(FieldType type) { return RuleFor(type).name; }

std::optional<FieldType> FieldTypeFromName(std::string_view name) {
  for (const FieldTypeRule& rule : kFieldTypes) {
    if (rule.name == name) return rule.type;
  }
  return std::nullopt;
}

std::string_view AreaName(Area area) {
  switch (area) {
    case Area::kUrban: return "urban";
    case Area::kRural: return "rural";
    case Area::kAll: return "all";
  }
  return "all";
}

std::string_view StandardUnitName(StandardUnit unit) {
  switch (unit) {
    case StandardUnit::kPerPersonMonth: return "per_person_month";
    case StandardUnit::kPerPersonYear: return "per_person_year";
    case StandardUnit::kPerHouseholdMonth: return "per_household_month";
    case StandardUnit::kOneOff: return "one_off";
  }
  return "per_person_month";
}

const FieldSpec* GroupSpec::FindField(std::string_view field_id) const {
  for (const FieldSpec& field : fields) {
    if (field.id == field_id) return &field;
  }
  return nullptr;
}

const FieldSpec* ServiceSpec::FindField(std::string_view field_id) const {
  for (const StepSpec& step : form.steps) {
    for (const FieldSpec& field : step.fields) {
      if (field.id == field_id) return &field;
    }
  }
  return nullptr;
}

const GroupSpec* ServiceSpec::FindGroup(std::string_view group_id) const {
  for (const StepSpec& step : form.steps) {
    if (step.group && step.group->id == group_id) return &*step.group;
  }
  return nullptr;
}

const Town* Region::FindTown(std::string_view zh) const {
  for (const Town& town : towns) {
    if (town.name.zh == zh) return &town;
  }
  return nullptr;
}

const ServiceSpec* Catalog::FindService(std::string_view code) const {
  for (const ServiceSpec& service : services) {
    if (service.code == code) return &service;
  }
  return nullptr;
}

Result<Catalog> LoadCatalog(const std::string& dir) {
  const FileReader read = [&dir](const std::string& path) {
    return ReadWholeFile(dir + "/" + path);
  };
  return ParseCatalogWith(read, dir + "/catalog.json");
}

Result<Catalog> ParseCatalogFromStrings(const std::map<std::string, std::string>& files) {
  const FileReader read = [&files](const std::string& path) -> std::optional<std::string> {
    const auto it = files.find(path);
    if (it == files.end()) return std::nullopt;
    return it->second;
  };
  return ParseCatalogWith(read, "(not among the given files)");
}

const FieldSpec* EligibilitySpec::FindQuestion(std::string_view id) const {
  for (const FieldSpec& question : questions) {
    if (question.id == id) return &question;
  }
  return nullptr;
}

const Standard* CurrentStandard(const ServiceSpec& service, Area area, const CivilDate& on,
                                std::string_view tier) {
  const Standard* best = nullptr;
  for (const Standard& standard : service.standards) {
    if (standard.tier != tier) continue;
    const bool applies = standard.area == area || standard.area == Area::kAll;
    if (!applies || standard.effective > on) continue;
    if (best == nullptr || standard.effective > best->effective ||
        (standard.effective == best->effective && standard.area == area &&
         best->area == Area::kAll)) {
      best = &standard;
    }
  }
  return best;
}

std::vector<const Standard*> StandardsInForce(const ServiceSpec& service, const CivilDate& on) {
  std::vector<std::string> tiers;
  for (const Standard& standard : service.standards) {
    if (std::find(tiers.begin(), tiers.end(), standard.tier) == tiers.end()) {
      tiers.push_back(standard.tier);
    }
  }
  std::vector<const Standard*> shown;
  for (const std::string& tier : tiers) {
    for (const Area area : {Area::kAll, Area::kUrban, Area::kRural}) {
      const Standard* standard = CurrentStandard(service, area, on, tier);
      if (standard != nullptr && standard->area == area) shown.push_back(standard);
    }
  }
  return shown;
}

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date, and back (H. Hinnant's algorithms).
int64_t DaysFromCivil(const CivilDate& date) {
  const int64_t y = date.year - (date.month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t mp = (date.month + 9) % 12;
  const int64_t doy = (153 * mp + 2) / 5 + date.day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate CivilFromDays(int64_t days) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
  return CivilDate{year, month, day};
}

}  // namespace

CivilDate AddDays(const CivilDate& date, int days) {
  assert(IsValidCivilDate(date) && "AddDays needs a valid date");
  return CivilFromDays(DaysFromCivil(date) + days);
}

CivilDate ResolveDateBound(const DateBound& bound, const CivilDate& today) {
  return bound.relative ? AddDays(today, bound.offset_days) : bound.date;
}

void CollectCatalogCodepoints(const Catalog& catalog, std::set<char32_t>* out) {
  assert(out != nullptr && "CollectCatalogCodepoints needs an output set");
  CollectText(catalog.region.name, out);
  for (const Town& town : catalog.region.towns) {
    CollectText(town.name, out);
    for (const LocalizedText& community : town.communities) CollectText(community, out);
  }
  if (catalog.finder) {
    for (const FinderSituation& situation : catalog.finder->situations)
      CollectText(situation.label, out);
    for (const FinderQuestion& question : catalog.finder->questions) {
      CollectText(question.text, out);
      CollectText(question.exact_age, out);
      for (const FinderOption& option : question.options) CollectText(option.label, out);
    }
    for (const FinderRule& rule : catalog.finder->rules) CollectText(rule.why, out);
  }
  for (const ServiceSpec& service : catalog.services) {
    CollectText(service.name, out);
    CollectText(service.summary, out);
    for (const LocalizedText& text : service.who_qualifies) CollectText(text, out);
    for (const Material& material : service.materials) {
      CollectText(material.name, out);
      CollectText(material.note, out);
    }
    CollectText(service.time_limit_note, out);
    CollectText(service.office, out);
    for (const Standard& standard : service.standards) {
      CollectText(standard.region, out);
      CollectText(standard.source, out);
      CollectText(standard.tier_label, out);
    }
    if (service.eligibility) {
      CollectText(service.eligibility->intro, out);
      CollectFields(service.eligibility->questions, out);
    }
    for (const StepSpec& step : service.form.steps) {
      CollectText(step.title, out);
      CollectText(step.hint, out);
      CollectFields(step.fields, out);
      if (step.group) {
        CollectText(step.group->item_title, out);
        CollectFields(step.group->fields, out);
      }
    }
  }
}

std::optional<int64_t> ParseAmountFen(std::string_view text) {
  const size_t point = text.find('.');
  const std::string_view whole = text.substr(0, point);
  const std::string_view cents =
      point == std::string_view::npos ? std::string_view() : text.substr(point + 1);
  if (whole.empty() || whole.size() > 12) return std::nullopt;
  if (point != std::string_view::npos && (cents.empty() || cents.size() > 2)) return std::nullopt;
  const auto digits_only = [](std::string_view part) {
    return std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!digits_only(whole) || !digits_only(cents)) return std::nullopt;
  int64_t fen = 0;
  for (const char c : whole) fen = fen * 10 + (c - '0');
  fen *= 100;
  if (!cents.empty()) fen += (cents[0] - '0') * 10;
  if (cents.size() == 2) fen += cents[1] - '0';
  return fen;
}

std::string FormatYuan(int64_t fen) {
  // Amounts are never negative, but a total function is easier to trust than a comment.
  const bool negative = fen < 0;
  const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(fen) : static_cast<uint64_t>(fen);
  std::string out = (negative ? "-" : "") + std::to_string(magnitude / 100);
  const uint64_t cents = magnitude % 100;
  if (cents != 0) {
    out += ".";
    out += static_cast<char>('0' + cents / 10);
    if (cents % 10 != 0) out += static_cast<char>('0' + cents % 10);
  }
  return out;
}

}  // namespace yimen
